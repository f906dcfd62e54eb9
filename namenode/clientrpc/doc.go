// Package clientrpc is ClientProtocol's translation layer: it serves
// ClientNamenodeProtocol (protocol "org.apache.hadoop.hdfs.protocol.
// ClientProtocol", version 1) by turning each request into a call on a
// Namesystem, which speaks the namespace core's types, and each answer
// into the response Hadoop 3.4's ClientNamenodeProtocolServerSideTranslatorPB
// and PBHelperClient build: every field Hadoop sets, empty responses where
// the NameNode answers null (getFileInfo and getListing of a missing path,
// getDelegationToken with security off, getErasureCodingPolicy of a
// replicated path), and failures as Java exceptions with Hadoop's exact
// class and message (errors.go). Generated protobuf types stop here.
//
// Registered (84 of the 111 rpcs): getFileInfo, getFileLinkInfo,
// getListing, getContentSummary, getQuotaUsage, getLinkTarget,
// getBlockLocations, getPreferredBlockSize, isFileClosed,
// getEnclosingRoot; mkdirs, delete, rename, rename2, concat, truncate,
// setPermission, setOwner, setTimes, setReplication, setQuota,
// createSymlink; create, append, addBlock, abandonBlock,
// getAdditionalDatanode, complete, updateBlockForPipeline,
// updatePipeline, fsync, renewLease, recoverLease, reportBadBlocks;
// setXAttr, getXAttrs, listXAttrs, removeXAttr, modifyAclEntries,
// removeAclEntries, removeDefaultAcl, removeAcl, setAcl, getAclStatus,
// checkAccess, getStoragePolicies, setStoragePolicy, unsetStoragePolicy,
// getStoragePolicy; allowSnapshot, disallowSnapshot, createSnapshot,
// deleteSnapshot, renameSnapshot, getSnapshottableDirListing,
// getSnapshotListing, getSnapshotDiffReport, getSnapshotDiffReportListing;
// getServerDefaults, getFsStats, getFsReplicatedBlockStats,
// getFsECBlockGroupStats, getDatanodeReport, setSafeMode, saveNamespace,
// rollEdits, restoreFailedStorage, refreshNodes, finalizeUpgrade,
// upgradeStatus, rollingUpgrade, metaSave, setBalancerBandwidth,
// getCurrentEditLogTxid, listOpenFiles, msync, getHAServiceState,
// getDelegationToken, renewDelegationToken, cancelDelegationToken;
// getErasureCodingPolicies, getErasureCodingPolicy,
// getErasureCodingCodecs, getECTopologyResultForPolicies.
//
// Not registered, so hadooprpc answers them as Hadoop answers an unknown
// method (RpcNoSuchMethodException): the centralized cache
// (addCacheDirective, modifyCacheDirective, removeCacheDirective,
// listCacheDirectives, addCachePool, modifyCachePool, removeCachePool,
// listCachePools), encryption zones (createEncryptionZone, getEZForPath,
// listEncryptionZones, reencryptEncryptionZone, listReencryptionStatus,
// getDataEncryptionKey), erasure coding administration
// (setErasureCodingPolicy, unsetErasureCodingPolicy,
// addErasureCodingPolicies, removeErasureCodingPolicy,
// enableErasureCodingPolicy, disableErasureCodingPolicy), inotify
// (getEditsFromTxid), satisfyStoragePolicy, getBatchedListing,
// getLocatedFileInfo, getDatanodeStorageReport and
// listCorruptFileBlocks.
package clientrpc

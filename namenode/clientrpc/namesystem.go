package clientrpc

import (
	"context"

	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Namesystem is what the NameNode does for ClientProtocol, in the
// namespace core's types. Every method takes the call's context first: the
// NameNode reads the caller (user, client id, call id and retry count for
// the retry cache) from hadooprpc.CallerFromContext(ctx). Errors are
// *namespace.Error (sent as the Java class of their sentinel with their
// message), *hadooprpc.RemoteError (sent as is), or errors wrapping a
// hadooprpc sentinel (sent as that class with err.Error() as message).
type Namesystem interface {
	Reader
	Writer
	FileWriter
	Features
	Snapshots
	Admin
	ErasureCoding
}

// Reader is the read-only namespace calls.
type Reader interface {
	// GetFileInfo is getFileInfo (resolveLink) and getFileLinkInfo; a
	// missing path is nil, nil.
	GetFileInfo(ctx context.Context, src string, resolveLink bool) (*namespace.FileStatus, error)
	// GetListing is getListing; a missing path is nil, nil.
	GetListing(ctx context.Context, src string, startAfter []byte, needLocation bool) (*Listing, error)
	GetContentSummary(ctx context.Context, src string) (*namespace.ContentSummary, error)
	GetQuotaUsage(ctx context.Context, src string) (*namespace.QuotaUsage, error)
	// GetLinkTarget is getLinkTarget: the target of the symlink at path.
	GetLinkTarget(ctx context.Context, path string) (string, error)
	// GetBlockLocations is getBlockLocations; nil when the file is missing.
	GetBlockLocations(ctx context.Context, src string, offset, length int64) (*blocks.LocatedBlocks, error)
	GetPreferredBlockSize(ctx context.Context, src string) (int64, error)
	IsFileClosed(ctx context.Context, src string) (bool, error)
	// GetEnclosingRoot is getEnclosingRoot: the encryption zone root
	// holding path, else "/".
	GetEnclosingRoot(ctx context.Context, path string) (string, error)
}

// Writer is the namespace mutations other than writing a file's data.
type Writer interface {
	Mkdirs(ctx context.Context, src string, mode CreateMode, createParent bool) (bool, error)
	Delete(ctx context.Context, src string, recursive bool) (bool, error)
	// Rename is the deprecated rename, which answers false where rename2
	// throws.
	Rename(ctx context.Context, src, dst string) (bool, error)
	Rename2(ctx context.Context, src, dst string, opts namespace.RenameOptions) error
	Concat(ctx context.Context, target string, srcs []string) error
	// Truncate reports whether the file was truncated at a block boundary
	// (false: block recovery runs first).
	Truncate(ctx context.Context, src string, newLength int64, clientName string) (bool, error)
	SetPermission(ctx context.Context, src string, mode namespace.Mode) error
	// SetOwner: nil leaves the owner or group as it is.
	SetOwner(ctx context.Context, src string, user, group *string) error
	// SetTimes: -1 leaves a time as it is.
	SetTimes(ctx context.Context, src string, mtime, atime int64) error
	SetReplication(ctx context.Context, src string, replication int16) (bool, error)
	// SetQuota sets the namespace and storage space quotas, or with
	// storageType the quota of that storage type (ssQuota).
	SetQuota(ctx context.Context, src string, nsQuota, ssQuota int64, storageType blocks.StorageType) error
	CreateSymlink(ctx context.Context, target, link string, dirPerm namespace.Mode, createParent bool) error
}

// FileWriter is the write pipeline: create or append, blocks, leases,
// complete.
type FileWriter interface {
	Create(ctx context.Context, req CreateRequest) (*namespace.FileStatus, error)
	// Append returns the last block when it is partial (nil otherwise,
	// or with NEW_BLOCK) and the file's status.
	Append(ctx context.Context, src, clientName string, flags CreateFlag) (*blocks.Located, *namespace.FileStatus, error)
	AddBlock(ctx context.Context, req AddBlockRequest) (*blocks.Located, error)
	AbandonBlock(ctx context.Context, b blocks.Extended, fileID int64, src, holder string) error
	GetAdditionalDatanode(ctx context.Context, req AdditionalDatanodeRequest) (*blocks.Located, error)
	// Complete: last is nil when the client sent none; fileID is 0
	// (HdfsConstants.GRANDFATHER_INODE_ID) when absent.
	Complete(ctx context.Context, src, clientName string, last *blocks.Extended, fileID int64) (bool, error)
	UpdateBlockForPipeline(ctx context.Context, b blocks.Extended, clientName string) (*blocks.Located, error)
	UpdatePipeline(ctx context.Context, clientName string, oldBlock, newBlock blocks.Extended, newNodes []blocks.DatanodeID, storageIDs []string) error
	// Fsync: lastBlockLength is -1 when unknown.
	Fsync(ctx context.Context, src string, fileID int64, clientName string, lastBlockLength int64) error
	RenewLease(ctx context.Context, clientName string, namespaces []string) error
	RecoverLease(ctx context.Context, src, clientName string) (bool, error)
	ReportBadBlocks(ctx context.Context, bad []blocks.Located) error
}

// Features is extended attributes, ACLs and storage policies.
type Features interface {
	SetXAttr(ctx context.Context, src string, x namespace.XAttr, flag namespace.XAttrSetFlag) error
	// GetXAttrs returns the named attributes (all when names is empty).
	GetXAttrs(ctx context.Context, src string, names []namespace.XAttr) ([]namespace.XAttr, error)
	// ListXAttrs returns the names the caller may see, without values.
	ListXAttrs(ctx context.Context, src string) ([]namespace.XAttr, error)
	RemoveXAttr(ctx context.Context, src string, x namespace.XAttr) error

	ModifyAclEntries(ctx context.Context, src string, spec []namespace.AclEntry) error
	RemoveAclEntries(ctx context.Context, src string, spec []namespace.AclEntry) error
	RemoveDefaultAcl(ctx context.Context, src string) error
	RemoveAcl(ctx context.Context, src string) error
	SetAcl(ctx context.Context, src string, spec []namespace.AclEntry) error
	GetAclStatus(ctx context.Context, src string) (*namespace.AclStatus, error)
	CheckAccess(ctx context.Context, src string, mode namespace.Action) error

	// GetStoragePolicies lists the policy suite (DefaultStoragePolicies
	// in a stock NameNode).
	GetStoragePolicies(ctx context.Context) ([]StoragePolicy, error)
	SetStoragePolicy(ctx context.Context, src, policyName string) error
	UnsetStoragePolicy(ctx context.Context, src string) error
	GetStoragePolicy(ctx context.Context, src string) (*StoragePolicy, error)
}

// Snapshots is the snapshot calls.
type Snapshots interface {
	AllowSnapshot(ctx context.Context, root string) error
	DisallowSnapshot(ctx context.Context, root string) error
	// CreateSnapshot: name is "" when the client sent none. It returns
	// the snapshot's path.
	CreateSnapshot(ctx context.Context, root, name string) (string, error)
	DeleteSnapshot(ctx context.Context, root, name string) error
	RenameSnapshot(ctx context.Context, root, oldName, newName string) error
	// GetSnapshottableDirListing: nil when there is no snapshottable
	// directory (the caller's, unless superuser).
	GetSnapshottableDirListing(ctx context.Context) ([]SnapshottableDir, error)
	GetSnapshotListing(ctx context.Context, root string) ([]SnapshotStatus, error)
	GetSnapshotDiffReport(ctx context.Context, root, from, to string) (*DiffReport, error)
	GetSnapshotDiffReportListing(ctx context.Context, root, from, to string, cursor DiffCursor) (*DiffReportListing, error)
}

// Admin is the NameNode administration and the cluster-wide reports
// (dfsadmin, fsck, the HA and observer-read client calls).
type Admin interface {
	// CheckRead fails as FSNamesystem.checkOperation(READ) does (a
	// standby answers StandbyException); the answers that come from
	// configuration alone (getServerDefaults) call it first.
	CheckRead(ctx context.Context) error
	GetStats(ctx context.Context) (FsStats, error)
	GetReplicatedBlockStats(ctx context.Context) (ReplicatedBlockStats, error)
	GetECBlockGroupStats(ctx context.Context) (ECBlockGroupStats, error)
	GetDatanodeReport(ctx context.Context, kind blocks.ReportType) ([]blocks.DatanodeInfo, error)
	// GetDatanodeStorageReport is GetDatanodeReport with each node's
	// storages.
	GetDatanodeStorageReport(ctx context.Context, kind blocks.ReportType) ([]blocks.DatanodeStorageReport, error)
	// GetSlowDatanodeReport lists DataNodes the slow-peer tracker flags.
	GetSlowDatanodeReport(ctx context.Context) ([]blocks.DatanodeInfo, error)
	SetSafeMode(ctx context.Context, action SafeModeAction, checked bool) (bool, error)
	SaveNamespace(ctx context.Context, timeWindow, txGap int64) (bool, error)
	// RollEdits returns the first txid of the new segment.
	RollEdits(ctx context.Context) (int64, error)
	RestoreFailedStorage(ctx context.Context, arg string) (bool, error)
	RefreshNodes(ctx context.Context) error
	FinalizeUpgrade(ctx context.Context) error
	UpgradeStatus(ctx context.Context) (finalized bool, err error)
	// RollingUpgrade: nil when no rolling upgrade is in progress.
	RollingUpgrade(ctx context.Context, action RollingUpgradeAction) (*RollingUpgradeInfo, error)
	MetaSave(ctx context.Context, filename string) error
	SetBalancerBandwidth(ctx context.Context, bandwidth int64) error
	GetCurrentEditLogTxid(ctx context.Context) (int64, error)
	// ListOpenFiles pages through files under construction after prevID.
	ListOpenFiles(ctx context.Context, prevID int64, types OpenFilesType, path string) (entries []namespace.OpenFile, hasMore bool, err error)
	Msync(ctx context.Context) error
	GetHAServiceState(ctx context.Context) (HAState, error)

	// Delegation tokens. With security off Hadoop hands out no token
	// (nil) and refuses renew and cancel.
	GetDelegationToken(ctx context.Context, renewer string) (*Token, error)
	RenewDelegationToken(ctx context.Context, t Token) (int64, error)
	CancelDelegationToken(ctx context.Context, t Token) error
}

// ErasureCoding is the erasure coding queries. A NameNode with Hadoop's
// default policies answers from DefaultECPolicies.
type ErasureCoding interface {
	GetErasureCodingPolicies(ctx context.Context) ([]ECPolicy, error)
	// GetErasureCodingPolicy: nil for a replicated file or directory.
	GetErasureCodingPolicy(ctx context.Context, src string) (*ECPolicy, error)
	// GetErasureCodingCodecs maps codec names to their coders
	// ("rs" -> "rs_native,rs_java").
	GetErasureCodingCodecs(ctx context.Context) (map[string]string, error)
	GetECTopologyResultForPolicies(ctx context.Context, policies []string) (ECTopologyResult, error)
}

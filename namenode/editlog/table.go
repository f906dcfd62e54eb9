package editlog

// The op table: every opcode's layout, once, in the order FSEditLogOp
// writes the fields. Each line names the XML element, the kind of value,
// where it lives in the Op, and the layout versions that store it. The
// binary encoder and decoder and the XML writer and reader all walk this
// table; nothing else knows an op's format.

var specs = [lastOpcode + 1]*opSpec{
	OpAdd:   addClose(OpAdd),
	OpClose: addClose(OpClose),
	OpAppend: {fields: []field{
		str("PATH", path), str("CLIENT_NAME", clientName), str("CLIENT_MACHINE", clientMachine),
		boolean("NEWBLOCK", newBlock), rpc(),
	}},
	OpAddBlock: {fields: []field{
		str("PATH", path), compactBlocks(1, 2), rpc(),
	}},
	OpUpdateBlocks: {fields: []field{
		str("PATH", path), compactBlocks(0, -1).optional(), rpc(),
	}},
	OpSetReplication: {fields: []field{
		str("PATH", path), oldI16("REPLICATION", replication),
	}},
	OpConcatDelete: {fields: []field{
		length(atLeastCount(3)), str("TRG", path), both("SOURCES", sourcesK{}),
		oldI64("TIMESTAMP", timestamp), rpc(),
	}, xmlOrder: []string{"LENGTH", "TRG", "TIMESTAMP", "SOURCES", "RPC_CLIENTID"}},
	OpRenameOld: {fields: []field{
		length(fixedCount(3)), str("SRC", path), str("DST", dst), oldI64("TIMESTAMP", timestamp), rpc(),
	}},
	OpDelete: {fields: []field{
		length(fixedCount(2)), str("PATH", path), oldI64("TIMESTAMP", timestamp), rpc(),
	}},
	OpMkdir: {fields: []field{
		length(countWithAtime(2)),
		i64("INODEID", inodeID).since(FeatureAddInodeID),
		str("PATH", path),
		oldI64("TIMESTAMP", timestamp),
		both("", mkdirATimeK{}).since(FeatureFileAccessTime),
		both("PERMISSION_STATUS", permK{}),
		aclBits(),
		field{tag: "XATTR", bin: xattrsProtoK{}, xml: xattrXML{}, opt: true}.since(FeatureXAttrs),
	}},
	OpSetGenstampV1:   {fields: []field{i64("GENSTAMP", genStamp)}},
	OpSetGenstampV2:   {fields: []field{i64("GENSTAMPV2", genStamp)}},
	OpAllocateBlockID: {fields: []field{i64("BLOCK_ID", blockID)}},
	OpSetPermissions:  {fields: []field{str("SRC", path), both("MODE", modeK(mode))}},
	OpSetOwner: {fields: []field{
		str("SRC", path), optStr("USERNAME", owner), optStr("GROUPNAME", group),
	}},
	OpSetNSQuota:   {fields: []field{str("SRC", path), i64("NSQUOTA", nsQuota)}, obsolete: true},
	OpClearNSQuota: {fields: []field{str("SRC", path)}, obsolete: true},
	OpSetQuota: {fields: []field{
		str("SRC", path), i64("NSQUOTA", nsQuota), i64("DSQUOTA", dsQuota),
	}},
	OpSetQuotaByStorageType: {fields: []field{
		str("SRC", path), both("STORAGETYPE", storageTypeK(storageType)), i64("DSQUOTA", dsQuota),
	}},
	OpTimes: {fields: []field{
		length(fixedCount(3)), str("PATH", path), oldI64("MTIME", mtime), oldI64("ATIME", atime),
	}},
	OpSymlink: {fields: []field{
		length(fixedCount(4)),
		i64("INODEID", inodeID).since(FeatureAddInodeID),
		str("PATH", path), str("VALUE", target),
		oldI64("MTIME", mtime), oldI64("ATIME", atime),
		both("PERMISSION_STATUS", permK{}), rpc(),
	}},
	OpRename: {fields: []field{
		length(fixedCount(3)), str("SRC", path), str("DST", dst), oldI64("TIMESTAMP", timestamp),
		both("OPTIONS", renameOptionsK{}), rpc(),
	}},
	OpTruncate: {fields: []field{
		str("SRC", path), str("CLIENTNAME", clientName), str("CLIENTMACHINE", clientMachine),
		i64("NEWLENGTH", newLength), i64("TIMESTAMP", timestamp), compactBlocks(0, 1).optional(),
	}},
	OpReassignLease: {fields: []field{
		str("LEASEHOLDER", clientName), str("PATH", path), str("NEWHOLDER", newHolder),
	}},
	OpGetDelegationToken: {fields: []field{
		both("DELEGATION_TOKEN_IDENTIFIER", tokenK{}), oldI64("EXPIRY_TIME", expiry),
	}},
	OpRenewDelegationToken: {fields: []field{
		both("DELEGATION_TOKEN_IDENTIFIER", tokenK{}), oldI64("EXPIRY_TIME", expiry),
	}},
	OpCancelDelegationToken: {fields: []field{both("DELEGATION_TOKEN_IDENTIFIER", tokenK{})}},
	OpUpdateMasterKey:       {fields: []field{both("DELEGATION_KEY", keyK{})}},
	OpStartLogSegment:       {},
	OpEndLogSegment:         {},
	OpCreateSnapshot: {fields: []field{
		str("SNAPSHOTROOT", path), str("SNAPSHOTNAME", name),
		i64("MTIME", mtime).since(FeatureSnapshotModificationTime), rpc(),
	}},
	OpDeleteSnapshot: {fields: []field{
		str("SNAPSHOTROOT", path), str("SNAPSHOTNAME", name),
		i64("MTIME", mtime).since(FeatureSnapshotModificationTime), rpc(),
	}},
	OpRenameSnapshot: {fields: []field{
		str("SNAPSHOTROOT", path), str("SNAPSHOTOLDNAME", name), str("SNAPSHOTNEWNAME", newName),
		i64("MTIME", mtime).since(FeatureSnapshotModificationTime), rpc(),
	}},
	OpAllowSnapshot:        {fields: []field{str("SNAPSHOTROOT", path)}},
	OpDisallowSnapshot:     {fields: []field{str("SNAPSHOTROOT", path)}},
	OpAddCacheDirective:    {fields: []field{both("ID", directiveK{}), rpc()}},
	OpModifyCacheDirective: {fields: []field{both("ID", directiveK{}), rpc()}},
	OpRemoveCacheDirective: {fields: []field{i64("ID", directiveID), rpc()}},
	OpAddCachePool:         {fields: []field{both("POOLNAME", poolK{}), rpc()}},
	OpModifyCachePool:      {fields: []field{both("POOLNAME", poolK{}), rpc()}},
	OpRemoveCachePool:      {fields: []field{str("POOLNAME", poolName), rpc()}},
	OpSetACL: {fields: []field{
		{bin: aclOpK{}}, str("SRC", path).xmlOnly(), {tag: "ENTRY", xml: aclXML{}, opt: true},
	}},
	OpSetXAttr: {fields: []field{
		{bin: xattrOpK{}}, str("SRC", path).xmlOnly(), {tag: "XATTR", xml: xattrXML{}, opt: true}, rpc(),
	}},
	OpRemoveXAttr: {fields: []field{
		{bin: xattrOpK{}}, str("SRC", path).xmlOnly(), {tag: "XATTR", xml: xattrXML{}, opt: true}, rpc(),
	}},
	OpRollingUpgradeStart:    {fields: []field{i64("STARTTIME", timestamp)}},
	OpRollingUpgradeFinalize: {fields: []field{i64("FINALIZETIME", timestamp)}},
	OpSetStoragePolicy:       {fields: []field{str("PATH", path), u8("POLICYID", storagePolicy)}},
	OpAddErasureCodingPolicy: {fields: []field{both("CODEC", ecPolicyK{}), rpc()}},
	OpEnableErasureCodingPolicy: {fields: []field{
		str("POLICYNAME", name), rpc(),
	}},
	OpDisableErasureCodingPolicy: {fields: []field{
		str("POLICYNAME", name), rpc(),
	}},
	OpRemoveErasureCodingPolicy: {fields: []field{
		str("POLICYNAME", name), rpc(),
	}},
}

// addClose is the shared layout of OP_ADD and OP_CLOSE. Only OP_ADD stores
// the ACL, xattrs, client, flags and policy ids; OP_CLOSE still shows an
// empty client in XML. The XML lists the client before the blocks.
func addClose(code Opcode) *opSpec {
	fields := []field{
		length(countWithAtime(4)),
		i64("INODEID", inodeID).since(FeatureAddInodeID),
		str("PATH", path),
		oldI16("REPLICATION", replication),
		oldI64("MTIME", mtime),
		oldI64("ATIME", atime).since(FeatureFileAccessTime),
		oldI64("BLOCKSIZE", blockSize),
		both("BLOCK", blockArrayK{blocksXML{0, -1}}).optional(),
		both("PERMISSION_STATUS", permK{}),
	}
	order := []string{"LENGTH", "INODEID", "PATH", "REPLICATION", "MTIME", "ATIME",
		"BLOCKSIZE", "CLIENT_NAME", "CLIENT_MACHINE", "OVERWRITE", "BLOCK", "PERMISSION_STATUS"}
	if code != OpAdd {
		fields = append(fields,
			str("CLIENT_NAME", clientName).xmlOnly(),
			str("CLIENT_MACHINE", clientMachine).xmlOnly(),
			boolean("OVERWRITE", overwrite).xmlOnly().optional())
		return &opSpec{fields: fields, xmlOrder: order}
	}
	fields = append(fields,
		aclBits(),
		field{bin: xattrsProtoK{}}.since(FeatureXAttrs),
		str("CLIENT_NAME", clientName),
		str("CLIENT_MACHINE", clientMachine),
		boolean("OVERWRITE", overwrite).since(FeatureCreateOverwrite).optional(),
		u8("", storagePolicy).binOnly().since(FeatureBlockStoragePolicy),
		u8("ERASURE_CODING_POLICY_ID", ecPolicyID).since(FeatureErasureCoding).optional(),
		rpc())
	order = append(order, "ENTRY", "ERASURE_CODING_POLICY_ID", "RPC_CLIENTID")
	return &opSpec{fields: fields, xmlOrder: order}
}

// rpc is the retry-cache client and call id, stored from
// EDITLOG_SUPPORT_RETRYCACHE (-47) on and always shown in XML.
func rpc() field {
	return both("RPC_CLIENTID", rpcK{}).since(FeatureEditlogSupportRetryCache)
}

// aclBits is OP_ADD's and OP_MKDIR's ACL, stored from EXTENDED_ACL on.
func aclBits() field {
	return field{tag: "ENTRY", bin: aclBitsK{}, xml: aclXML{}, opt: true}.since(FeatureExtendedACL)
}

func compactBlocks(min, max int) field {
	return both("BLOCK", compactBlocksK{blocksXML{min, max}})
}

func init() {
	for _, s := range specs {
		if s != nil {
			s.orderXML()
		}
	}
}

// Where each table entry's value lives in an Op.

func inodeID(o *Op) *int64           { return &o.InodeID }
func path(o *Op) *string             { return &o.Path }
func dst(o *Op) *string              { return &o.Dst }
func target(o *Op) *string           { return &o.Target }
func name(o *Op) *string             { return &o.Name }
func newName(o *Op) *string          { return &o.NewName }
func clientName(o *Op) *string       { return &o.ClientName }
func clientMachine(o *Op) *string    { return &o.ClientMachine }
func newHolder(o *Op) *string        { return &o.NewHolder }
func owner(o *Op) *string            { return &o.Owner }
func group(o *Op) *string            { return &o.Group }
func mode(o *Op) *uint16             { return &o.Mode }
func replication(o *Op) *int16       { return &o.Replication }
func mtime(o *Op) *int64             { return &o.MTime }
func atime(o *Op) *int64             { return &o.ATime }
func timestamp(o *Op) *int64         { return &o.Timestamp }
func blockSize(o *Op) *int64         { return &o.BlockSize }
func overwrite(o *Op) *bool          { return &o.Overwrite }
func newBlock(o *Op) *bool           { return &o.NewBlock }
func newLength(o *Op) *int64         { return &o.NewLength }
func storagePolicy(o *Op) *uint8     { return &o.StorageID }
func ecPolicyID(o *Op) *uint8        { return &o.ECPolicyID }
func genStamp(o *Op) *int64          { return &o.GenStamp }
func blockID(o *Op) *int64           { return &o.BlockID }
func nsQuota(o *Op) *int64           { return &o.NSQuota }
func dsQuota(o *Op) *int64           { return &o.DSQuota }
func storageType(o *Op) *StorageType { return &o.StorageType }
func expiry(o *Op) *int64            { return &o.Expiry }
func directiveID(o *Op) *int64       { return &o.Directive.ID }
func poolName(o *Op) *string         { return &o.Pool.Name }

package fsimage

// Field is the number of an optional field in fsimage.proto (or in
// hdfs.proto / ClientNamenodeProtocol.proto for the messages the image
// borrows).
type Field uint8

// Fields is the set of optional fields a record had on disk: bit n stands
// for field number n. Hadoop's readers test presence for some of them (a
// file with erasureCodingPolicyID is striped, a reference with
// dstSnapshotId is a DstReference, the XML viewer prints storagePolicyId
// only when present), and the Writer writes exactly the fields in the set,
// so that a record read and written again keeps its bytes. Records built
// from scratch can start from the Saved* sets, which are what Hadoop's
// NameNode writes.
type Fields uint32

// Has reports whether field f is in the set.
func (s Fields) Has(f Field) bool { return s&(1<<f) != 0 }

// With returns the set plus the given fields.
func (s Fields) With(fs ...Field) Fields {
	for _, f := range fs {
		s |= 1 << f
	}
	return s
}

// Without returns the set minus the given fields.
func (s Fields) Without(fs ...Field) Fields {
	for _, f := range fs {
		s &^= 1 << f
	}
	return s
}

// FieldsOf returns the set of the given fields.
func FieldsOf(fs ...Field) Fields { return Fields(0).With(fs...) }

// NameSystem fields.
const (
	NSNamespaceID                 Field = 1
	NSGenstampV1                  Field = 2
	NSGenstampV2                  Field = 3
	NSGenstampV1Limit             Field = 4
	NSLastAllocatedBlockID        Field = 5
	NSTxID                        Field = 6
	NSRollingUpgradeStartTime     Field = 7
	NSLastAllocatedStripedBlockID Field = 8
)

// StringTable fields.
const (
	STNumEntry Field = 1
	STMaskBits Field = 2
)

// ECPolicy fields (the id is required).
const (
	ECName     Field = 1
	ECSchemaF  Field = 2
	ECCellSize Field = 3
	ECState    Field = 5
)

// INodeHeader fields.
const (
	IHLastINodeID Field = 1
	IHNumINodes   Field = 2
)

// INodeFile fields. FileACL and FileXAttrs mark the presence of the ACL
// and xattr messages, which may be present and empty.
const (
	FileReplication        Field = 1
	FileModTime            Field = 2
	FileAccessTime         Field = 3
	FilePreferredBlockSize Field = 4
	FilePermission         Field = 5
	FileACL                Field = 8
	FileXAttrs             Field = 9
	FileStoragePolicyID    Field = 10
	FileBlockType          Field = 11
	FileECPolicyID         Field = 12
)

// INodeDirectory fields.
const (
	DirModTime    Field = 1
	DirNSQuota    Field = 2
	DirDSQuota    Field = 3
	DirPermission Field = 4
	DirACL        Field = 5
	DirXAttrs     Field = 6
	DirTypeQuotas Field = 7
)

// INodeSymlink fields.
const (
	SymlinkPermission Field = 1
	SymlinkTarget     Field = 2
	SymlinkModTime    Field = 3
	SymlinkAccessTime Field = 4
)

// Reference fields.
const (
	RefReferredID     Field = 1
	RefDstSnapshotID  Field = 3
	RefLastSnapshotID Field = 4
)

// FileDiff fields.
const (
	FileDiffSnapshotID Field = 1
	FileDiffFileSize   Field = 2
)

// DirDiff fields.
const (
	DirDiffSnapshotID      Field = 1
	DirDiffChildrenSize    Field = 2
	DirDiffIsSnapshotRoot  Field = 3
	DirDiffCreatedListSize Field = 6
)

// DelegationKey fields.
const (
	KeyID         Field = 1
	KeyExpiryDate Field = 2
)

// Token fields.
const (
	TokenVersion        Field = 1
	TokenOwner          Field = 2
	TokenRenewer        Field = 3
	TokenRealUser       Field = 4
	TokenIssueDate      Field = 5
	TokenMaxDate        Field = 6
	TokenSequenceNumber Field = 7
	TokenMasterKeyID    Field = 8
	TokenExpiryDate     Field = 9
)

// CachePool fields.
const (
	PoolName               Field = 1
	PoolOwnerName          Field = 2
	PoolGroupName          Field = 3
	PoolMode               Field = 4
	PoolLimit              Field = 5
	PoolMaxRelativeExpiry  Field = 6
	PoolDefaultReplication Field = 7
)

// CacheDirective fields.
const (
	DirectiveID          Field = 1
	DirectivePath        Field = 2
	DirectiveReplication Field = 3
	DirectivePool        Field = 4
)

// What Hadoop 3.4's NameNode writes (FSImageFormatProtobuf.Saver,
// FSImageFormatPBINode.Saver, FSImageFormatPBSnapshot.Saver). Add FileACL,
// FileXAttrs, DirACL, DirXAttrs when the inode has those features, and
// NSRollingUpgradeStartTime during a rolling upgrade.
var (
	SavedNameSystem = FieldsOf(NSNamespaceID, NSGenstampV1, NSGenstampV2,
		NSGenstampV1Limit, NSLastAllocatedBlockID, NSTxID,
		NSLastAllocatedStripedBlockID)
	SavedStringTable = FieldsOf(STNumEntry, STMaskBits)
	SavedINodeHeader = FieldsOf(IHLastINodeID, IHNumINodes)
	SavedFile        = FieldsOf(FileReplication, FileModTime, FileAccessTime,
		FilePreferredBlockSize, FilePermission, FileStoragePolicyID, FileBlockType)
	SavedStripedFile = SavedFile.Without(FileReplication).With(FileECPolicyID)
	SavedDirectory   = FieldsOf(DirModTime, DirNSQuota, DirDSQuota, DirPermission)
	SavedSymlink     = FieldsOf(SymlinkPermission, SymlinkTarget, SymlinkModTime,
		SymlinkAccessTime)
	SavedWithNameRef = FieldsOf(RefReferredID, RefLastSnapshotID)
	SavedDstRef      = FieldsOf(RefReferredID, RefDstSnapshotID)
	SavedFileDiff    = FieldsOf(FileDiffSnapshotID, FileDiffFileSize)
	SavedDirDiff     = FieldsOf(DirDiffSnapshotID, DirDiffChildrenSize,
		DirDiffIsSnapshotRoot, DirDiffCreatedListSize)
)

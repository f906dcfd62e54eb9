package fsimage

// The records of an image, one Go type per fsimage.proto message that a
// caller sees. Integers are Java's signed view of the unsigned varints on
// disk (Hadoop reads every uint64 as a long and every uint32 as an int), so
// a quota of -1 reads as -1. Optional bytes fields use nil for "absent".
// Each record's Present says which of its optional scalar fields were on
// disk; see fields.go.

// NameSystem is the NS_INFO section (NameSystemSection).
type NameSystem struct {
	NamespaceID                 int32
	GenstampV1                  int64
	GenstampV2                  int64
	GenstampV1Limit             int64
	LastAllocatedBlockID        int64
	TxID                        int64
	RollingUpgradeStartTime     int64
	LastAllocatedStripedBlockID int64
	Present                     Fields
}

// StringEntry is one STRING_TABLE entry.
type StringEntry struct {
	ID  uint32
	Str string
}

// ECPolicy is one ERASURE_CODING entry (ErasureCodingPolicyProto). Hadoop's
// NameNode stores only ID and State for its built-in policies (IDs 1-5).
type ECPolicy struct {
	ID       uint32
	Name     string
	Schema   *ECSchema // nil when absent
	CellSize int32
	State    ECPolicyState
	Present  Fields
}

// ECSchema is an erasure coding schema (ECSchemaProto).
type ECSchema struct {
	CodecName   string
	DataUnits   int32
	ParityUnits int32
	Options     []ECOption
}

// ECOption is one extra option of an ECSchema.
type ECOption struct{ Key, Value string }

// ECPolicyState is ErasureCodingPolicyState.
type ECPolicyState int32

// Erasure coding policy states.
const (
	ECDisabled ECPolicyState = 1
	ECEnabled  ECPolicyState = 2 // the proto default
	ECRemoved  ECPolicyState = 3
)

// INodeHeader is the message that opens the INODE section.
type INodeHeader struct {
	LastINodeID int64
	NumINodes   int64
	Present     Fields
}

// INodeType is INodeSection.INode.Type.
type INodeType int32

// Inode types.
const (
	TypeFile      INodeType = 1
	TypeDirectory INodeType = 2
	TypeSymlink   INodeType = 3
)

// INode is one INODE entry. Exactly one of File, Dir and Symlink is set in
// images Hadoop writes; Type says which.
type INode struct {
	Type    INodeType
	ID      int64
	Name    []byte // local name; empty for the root
	File    *INodeFile
	Dir     *INodeDirectory
	Symlink *INodeSymlink
}

// Block is a BlockProto.
type Block struct {
	ID       int64
	GenStamp int64
	NumBytes int64
}

// BlockType is BlockTypeProto.
type BlockType int32

// Block types.
const (
	Contiguous BlockType = 0
	Striped    BlockType = 1
)

// INodeFile holds a file's attributes. Replication is present for
// contiguous files, ECPolicyID for striped ones.
type INodeFile struct {
	Replication        int32
	ModTime            int64
	AccessTime         int64
	PreferredBlockSize int64
	Permission         Permission
	Blocks             []Block
	UC                 *FileUC // set while the file is under construction
	ACL                []ACLEntry
	XAttrs             []XAttr
	StoragePolicyID    int32
	BlockType          BlockType
	ECPolicyID         int32
	Present            Fields
}

// FileUC is INodeSection.FileUnderConstructionFeature.
type FileUC struct {
	ClientName    string
	ClientMachine string
}

// INodeDirectory holds a directory's attributes.
type INodeDirectory struct {
	ModTime    int64
	NSQuota    int64
	DSQuota    int64
	Permission Permission
	ACL        []ACLEntry
	XAttrs     []XAttr
	TypeQuotas []TypeQuota
	Present    Fields
}

// TypeQuota is a quota for one storage type.
type TypeQuota struct {
	StorageType StorageType
	Quota       int64
}

// StorageType is StorageTypeProto.
type StorageType int32

// INodeSymlink holds a symlink's attributes.
type INodeSymlink struct {
	Permission Permission
	Target     []byte
	ModTime    int64
	AccessTime int64
	Present    Fields
}

// XAttr is an extended attribute: Name packs the namespace and the string
// table id of the name (see XAttrName); Value is nil when absent.
type XAttr struct {
	Name  XAttrName
	Value []byte
}

// Reference is one INODE_REFERENCE entry. A reference with
// DstSnapshotID present is a DstReference, otherwise a WithName reference.
// Entries are numbered from 0 in file order; directories and snapshot diffs
// point at them by that number.
type Reference struct {
	ReferredID     int64
	Name           []byte
	DstSnapshotID  int32
	LastSnapshotID int32
	Present        Fields
}

// DirEntry is one INODE_DIR entry: a directory and its children.
// RefChildren are indexes into the INODE_REFERENCE entries.
type DirEntry struct {
	Parent      int64
	Children    []int64
	RefChildren []int32
}

// FileUCEntry is one FILES_UNDERCONSTRUCTION entry.
type FileUCEntry struct {
	INodeID  int64
	FullPath string
}

// SnapshotHeader opens the SNAPSHOT section.
type SnapshotHeader struct {
	SnapshotCounter   int32
	SnapshottableDirs []int64
	NumSnapshots      int32
}

// Snapshot is one snapshot: its id and a copy of its root directory.
type Snapshot struct {
	ID   int32
	Root INode
}

// DiffType is SnapshotDiffSection.DiffEntry.Type.
type DiffType int32

// Diff entry types.
const (
	FileDiffType      DiffType = 1
	DirectoryDiffType DiffType = 2
)

// DiffEntry is the snapshot diff list of one inode: a DiffEntry message
// followed by its FileDiff or DirectoryDiff messages.
type DiffEntry struct {
	Type      DiffType
	INodeID   int64
	FileDiffs []FileDiff // for FileDiffType
	DirDiffs  []DirDiff  // for DirectoryDiffType
}

// FileDiff is SnapshotDiffSection.FileDiff.
type FileDiff struct {
	SnapshotID int32
	FileSize   int64
	Name       []byte
	Copy       *INodeFile // the snapshot copy, nil when absent
	Blocks     []Block
	Present    Fields
}

// DirDiff is SnapshotDiffSection.DirectoryDiff together with the
// CreatedListEntry messages that follow it.
type DirDiff struct {
	SnapshotID     int32
	ChildrenSize   int32
	IsSnapshotRoot bool
	Name           []byte
	Copy           *INodeDirectory // the snapshot copy, nil when absent
	Deleted        []int64
	DeletedRefs    []int32
	Created        [][]byte // names of the created list; nil entry = no name
	Present        Fields
}

// SecretManager is the SECRET_MANAGER section.
type SecretManager struct {
	CurrentID           int32
	TokenSequenceNumber int32
	Keys                []DelegationKey
	Tokens              []Token
}

// DelegationKey is SecretManagerSection.DelegationKey.
type DelegationKey struct {
	ID         int32
	ExpiryDate int64
	Key        []byte
	Present    Fields
}

// Token is SecretManagerSection.PersistToken.
type Token struct {
	Version        int32
	Owner          string
	Renewer        string
	RealUser       string
	IssueDate      int64
	MaxDate        int64
	SequenceNumber int32
	MasterKeyID    int32
	ExpiryDate     int64
	Present        Fields
}

// CacheManager is the CACHE_MANAGER section.
type CacheManager struct {
	NextDirectiveID int64
	Pools           []CachePool
	Directives      []CacheDirective
}

// CachePool is a CachePoolInfoProto. DefaultReplication reads as 1 when
// absent (the proto default).
type CachePool struct {
	PoolName           string
	OwnerName          string
	GroupName          string
	Mode               int32
	Limit              int64
	MaxRelativeExpiry  int64
	DefaultReplication int32
	Present            Fields
}

// CacheDirective is a CacheDirectiveInfoProto.
type CacheDirective struct {
	ID          int64
	Path        string
	Replication int32
	Pool        string
	Expiration  *CacheExpiration
	Present     Fields
}

// CacheExpiration is CacheDirectiveInfoExpirationProto.
type CacheExpiration struct {
	Millis     int64
	IsRelative bool
}

package editlog

// Op is one edit-log transaction. It is a single flat struct for every
// opcode: Code says which fields are meaningful (see the table in table.go
// and the per-field notes below). Strings hold what Hadoop's Java strings
// hold, as UTF-8; an unpaired UTF-16 surrogate, which only Java can produce,
// is kept as its 3-byte generalized UTF-8 form so that it survives a round
// trip.
type Op struct {
	Code Opcode
	TxID int64 // InvalidTxID for layouts that store no transaction ids

	// ClientID and CallID identify the client call that logged the op, for
	// rebuilding the retry cache (ops marked "rpc" in the table). ClientID is
	// empty or a 16-byte UUID; CallID is NoCallID when absent.
	ClientID []byte
	CallID   int32

	// Length is the element count Hadoop wrote before each op's fields in
	// layouts older than EDITLOG_OP_OPTIMIZATION (-39); 0 afterwards. Kept
	// because the XML dump shows it.
	Length int32

	InodeID int64
	// Path is the path the op acts on: PATH, SRC, TRG or SNAPSHOTROOT in
	// the XML, and the xattr/ACL source path.
	Path string
	// Dst is the rename destination (OP_RENAME, OP_RENAME_OLD).
	Dst string
	// Target is the symlink value (OP_SYMLINK).
	Target string
	// Sources are the files concatenated onto Path (OP_CONCAT_DELETE).
	Sources []string
	// Name is a snapshot name (old name for OP_RENAME_SNAPSHOT) or an
	// erasure-coding policy name.
	Name    string
	NewName string // OP_RENAME_SNAPSHOT

	// ClientName and ClientMachine describe the writer holding the lease
	// (OP_ADD, OP_APPEND, OP_TRUNCATE); ClientName is the old lease holder
	// and NewHolder the new one in OP_REASSIGN_LEASE.
	ClientName    string
	ClientMachine string
	NewHolder     string

	// Owner and Group are OP_SET_OWNER's new owner and group; "" leaves
	// that part unchanged.
	Owner string
	Group string
	// Mode is OP_SET_PERMISSIONS' permission bits (0..01777).
	Mode uint16

	Replication int16
	MTime       int64
	// ATime is the access time. OP_MKDIR stores one after Timestamp that
	// nobody reads: Hadoop writes Timestamp again there (Hadoop 1 wrote 0).
	ATime int64
	// Timestamp is the modification time of OP_DELETE, OP_MKDIR,
	// OP_RENAME*, OP_CONCAT_DELETE and OP_TRUNCATE, and the time of the
	// rolling-upgrade ops.
	Timestamp int64
	BlockSize int64
	// Blocks is the file's block list (OP_ADD, OP_CLOSE, OP_UPDATE_BLOCKS),
	// the penultimate and last block (OP_ADD_BLOCK: 1 or 2 entries), or the
	// block being truncated (OP_TRUNCATE: 0 or 1 entry).
	Blocks     []Block
	Perm       PermissionStatus
	ACL        []ACLEntry
	XAttrs     []XAttr
	Overwrite  bool
	NewBlock   bool  // OP_APPEND: the append starts a new block
	NewLength  int64 // OP_TRUNCATE
	Options    []RenameOption
	StorageID  uint8 // storage policy id (OP_ADD, OP_SET_STORAGE_POLICY)
	ECPolicyID uint8 // erasure-coding policy id (OP_ADD); 0 = replication

	GenStamp    int64 // OP_SET_GENSTAMP_V1, OP_SET_GENSTAMP_V2
	BlockID     int64 // OP_ALLOCATE_BLOCK_ID
	NSQuota     int64
	DSQuota     int64
	StorageType StorageType // OP_SET_QUOTA_BY_STORAGETYPE

	Token     DelegationToken // delegation-token ops
	Expiry    int64           // OP_GET/RENEW_DELEGATION_TOKEN
	Key       DelegationKey   // OP_UPDATE_MASTER_KEY
	Directive CacheDirective  // cache-directive ops (remove: only ID)
	Pool      CachePool       // cache-pool ops (remove: only Name)
	ECPolicy  ECPolicy        // OP_ADD_ERASURE_CODING_POLICY
}

const (
	// InvalidTxID is Hadoop's "no transaction id" (HdfsServerConstants).
	InvalidTxID int64 = -12345
	// NoCallID is Hadoop's "no RPC call id" (RpcConstants.INVALID_CALL_ID).
	NoCallID int32 = -2
)

// NewOp returns an op with Hadoop's defaults: no transaction id and no RPC
// call id.
func NewOp(code Opcode) Op {
	return Op{Code: code, TxID: InvalidTxID, CallID: NoCallID}
}

// Block is a block's identity and size.
type Block struct {
	ID       int64
	NumBytes int64
	GenStamp int64
}

// PermissionStatus is an inode's owner, group and permission bits.
type PermissionStatus struct {
	User  string
	Group string
	Mode  uint16 // 0..01777 (sticky bit included)
}

// ACLEntry is one entry of an extended ACL.
type ACLEntry struct {
	Scope ACLScope
	Type  ACLType
	Name  string // "" for the unnamed entry
	Perm  FsAction
}

// ACLScope is AclEntryScope, by ordinal.
type ACLScope uint8

const (
	ScopeAccess ACLScope = iota
	ScopeDefault
)

// ACLType is AclEntryType, by ordinal.
type ACLType uint8

const (
	ACLUser ACLType = iota
	ACLGroup
	ACLMask
	ACLOther
)

// FsAction is a permission triple (read 4, write 2, execute 1).
type FsAction uint8

// XAttr is an extended attribute. A nil Value means "no value" (removal,
// or an attribute set without one); a non-nil empty Value is an empty value.
type XAttr struct {
	Namespace XAttrNamespace
	Name      string
	Value     []byte
}

// XAttrNamespace is XAttr.NameSpace, by ordinal.
type XAttrNamespace uint8

const (
	XAttrUser XAttrNamespace = iota
	XAttrTrusted
	XAttrSecurity
	XAttrSystem
	XAttrRaw
)

// RenameOption is Options.Rename.
type RenameOption uint8

const (
	RenameNone RenameOption = iota
	RenameOverwrite
	RenameToTrash
)

// StorageType is Hadoop's StorageType, by ordinal.
type StorageType int32

const (
	StorageRAMDisk StorageType = iota
	StorageSSD
	StorageDisk
	StorageArchive
	StorageProvided
	StorageNVDIMM
	numStorageTypes
)

// DelegationToken is an HDFS delegation-token identifier. Owner, Renewer
// and RealUser are the raw bytes of Hadoop Text values.
type DelegationToken struct {
	Owner, Renewer, RealUser string
	IssueDate, MaxDate       int64
	SequenceNumber           int32
	MasterKeyID              int32
}

// DelegationKey is a delegation-token master key; Key is nil when the key
// bytes are not recorded.
type DelegationKey struct {
	ID     int32
	Expiry int64
	Key    []byte
}

// CacheDirective is a CacheDirectiveInfo. Has says which optional fields are
// present, with the bits Hadoop stores on disk.
type CacheDirective struct {
	ID          int64
	Has         uint8
	Path        string
	Replication int16
	Pool        string
	Expiration  int64 // absolute, in ms
}

// Presence bits of CacheDirective.Has.
const (
	DirectiveHasPath        = 0x1
	DirectiveHasReplication = 0x2
	DirectiveHasPool        = 0x4
	DirectiveHasExpiration  = 0x8
)

// CachePool is a CachePoolInfo. Has says which optional fields are
// present, with the bits Hadoop stores on disk.
type CachePool struct {
	Name               string
	Has                uint8
	Owner, Group       string
	Mode               uint16
	Limit              int64
	MaxRelativeExpiry  int64
	DefaultReplication int16
}

// Presence bits of CachePool.Has.
const (
	PoolHasOwner              = 0x1
	PoolHasGroup              = 0x2
	PoolHasMode               = 0x4
	PoolHasLimit              = 0x8
	PoolHasMaxRelativeExpiry  = 0x10
	PoolHasDefaultReplication = 0x20
)

// ECPolicy is an erasure-coding policy definition.
type ECPolicy struct {
	Codec                  string
	DataUnits, ParityUnits int32
	CellSize               int32
	Options                []KeyValue // the schema's extra options
}

// KeyValue is one extra option of an erasure-coding schema.
type KeyValue struct{ Key, Value string }

package fsck

// Source is what fsck reads from the NameNode. Each method is one short
// read of the namespace or the block manager (the NameNode takes its read
// lock per call, as Hadoop's getFileInfo/getListing/getBlockLocations do),
// so a long fsck never holds the lock for the whole walk.
//
// Paths are absolute and may go through snapshots: "/snap/.snapshot" is the
// directory of the snapshots of /snap, "/snap/.snapshot/s1/f" a file in one.
type Source interface {
	// Cluster returns the cluster facts the summary prints.
	Cluster() Cluster
	// Stat returns the inode at path; false when nothing is there.
	Stat(path string) (Inode, bool, error)
	// List returns the children of directory dir sorted by name bytes, as
	// getListing pages them; for "<dir>/.snapshot" the snapshots of dir,
	// each as a directory. A directory that vanished lists as nil.
	List(dir string) ([]Inode, error)
	// Blocks returns the blocks of the file at path as getBlockLocations
	// gives them over [0, length); false when the file vanished.
	Blocks(path string) (FileBlocks, bool, error)
	// SnapshottableDirs returns the full paths of the snapshottable
	// directories (getSnapshottableDirListing); used by -includeSnapshots.
	SnapshottableDirs() ([]string, error)
	// Block finds a block by id for -blockId; false when there is none
	// (or it was deleted).
	Block(id int64) (BlockOwner, bool, error)
}

// Deleter is a Source that can delete: fsck -delete removes each corrupt
// file that is not open for write through it, as the user who ran fsck
// (NamenodeFsck calls the NameNode's delete with recursion). A Source
// that is not a Deleter makes -delete fail the run.
type Deleter interface {
	Delete(user, path string) error
}

// Rescanner is a Source that can queue blocks for replication: fsck
// -replicate hands it the blocks whose replicas violate the placement
// policy (BlockManager.processMisReplicatedBlocks) and adds what it
// returns to "Blocks queued for replication". A Source that is not a
// Rescanner makes -replicate fail the run.
type Rescanner interface {
	Rescan(blockIDs []int64) (int, error)
}

// Kind is the type of an inode.
type Kind uint8

const (
	Dir Kind = iota
	File
	Symlink
)

// Inode is one entry of a listing.
type Inode struct {
	Name        string // last path component; "" for the inode Stat returns
	Kind        Kind
	Length      int64 // files: length in bytes
	Replication int   // files: the replication factor
	// StoragePolicy is the file's effective storage policy name (HOT when
	// unset); used only by -storagepolicies.
	StoragePolicy string
}

// FileBlocks are the blocks of a file.
type FileBlocks struct {
	// Blocks are the located blocks, in file order. The last one may be the
	// block under construction (then UCLast has its id).
	Blocks []Block
	// UnderConstruction: the file is open for write.
	UnderConstruction bool
	// UCLast is the last block when it is not complete (its Replicas are
	// the expected locations); nil when the last block is complete.
	UCLast *Block
}

// Block is one block with its replicas in the block manager's storage
// order.
type Block struct {
	ID       int64
	GenStamp int64
	Len      int64
	Replicas []Replica
}

// Replica is one stored copy of a block.
type Replica struct {
	Node        DataNode
	StorageID   string // "DS-..."
	StorageType string // "DISK", "SSD", "ARCHIVE", "RAM_DISK", "PROVIDED", "NVDIMM"
	Corrupt     bool   // in the corrupt replicas map
	// CorruptReason is the corrupt replicas map's reason code
	// (GENSTAMP_MISMATCH, SIZE_MISMATCH, INVALID_STATE,
	// CORRUPTION_REPORTED, ANY); "" prints ANY.
	CorruptReason string
	Excess        bool // in the excess replicas map
	// StaleContent: the storage has not sent a block report since the
	// NameNode (re)started or failed over.
	StaleContent bool
	// ReadOnly: a READ_ONLY_SHARED storage.
	ReadOnly bool
}

// AdminState is a DataNode's decommission/maintenance state.
type AdminState uint8

const (
	Normal AdminState = iota
	Decommissioning
	Decommissioned
	EnteringMaintenance
	InMaintenance
)

// DataNode is the node of a replica.
type DataNode struct {
	IP            string // "127.0.0.1"
	XferPort      int
	HostName      string
	Rack          string // network location, "/default-rack"
	UpgradeDomain string // "" when unset
	Admin         AdminState
	Stale         bool // no heartbeat within dfs.namenode.stale.datanode.interval
	Dead          bool // counted in maintenance: a dead node entering maintenance is not readable
}

// Cluster are the cluster-wide facts of the report.
type Cluster struct {
	BlockPoolID        string
	LiveDataNodes      int // the data-nodes line
	Racks              int // racks of the network topology
	NonEmptyRacks      int // racks with at least one node, for placement checks
	EverMultiRack      bool
	DefaultReplication int // dfs.replication
	MinReplication     int // dfs.namenode.replication.min
}

// BlockOwner is a block with the file that holds it, for -blockId.
type BlockOwner struct {
	Path             string
	ExpectedReplicas int
	Block            Block
}

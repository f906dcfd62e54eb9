package blockmgmt

import "github.com/hdfsd/hdfsd/namenode/blocks"

// ReplicaState is a replica's state on a DataNode, numbered as
// HdfsServerConstants.ReplicaState (and ReplicaStateProto).
type ReplicaState uint8

// Replica states.
const (
	Finalized ReplicaState = iota
	RBW                    // being written
	RWR                    // waiting to be recovered
	RUR                    // under recovery
	Temporary
)

// BlockState is a block's construction state (BlockUCState).
type BlockState uint8

// Block states.
const (
	Complete BlockState = iota
	UnderConstruction
	UnderRecovery
	Committed
)

var blockStateNames = [...]string{"COMPLETE", "UNDER_CONSTRUCTION", "UNDER_RECOVERY", "COMMITTED"}

func (s BlockState) String() string { return blockStateNames[s] }

// StorageReport is one storage's numbers in a heartbeat (StorageReport).
type StorageReport = blocks.StorageReport

// Registration is a DataNode's registerDatanode request
// (DatanodeRegistration): its address and its storages.
type Registration struct {
	ID       blocks.DatanodeID
	Storages []StorageReport // ids and types; numbers come with heartbeats
}

// Heartbeat is a sendHeartbeat request.
type Heartbeat struct {
	UUID          string
	Storages      []StorageReport
	XceiverCount  int
	XmitsInFlight int
	FailedVolumes int
	CacheCapacity int64
	CacheUsed     int64
}

// Action is a DatanodeProtocol command action (DNA_*).
type Action uint8

// Command actions, numbered as DatanodeProtocol.DNA_*.
const (
	ActionTransfer          Action = 1
	ActionInvalidate        Action = 2
	ActionRegister          Action = 4
	ActionRecoverBlock      Action = 6
	ActionBalancerBandwidth Action = 8
)

// Target is a chosen replica location: a DataNode and one of its storages.
type Target struct {
	Node      blocks.DatanodeInfo
	StorageID string
	Type      blocks.StorageType
}

// Recovering is one block in a DNA_RECOVERBLOCK command
// (RecoveringBlock): the block as the NameNode knows it, the DataNodes
// that hold replicas and the new generation stamp (recovery id).
type Recovering struct {
	Block       blocks.Extended
	Locs        []blocks.DatanodeInfo
	NewGenStamp int64
	TruncateTo  int64 // a truncate's new block length; -1 when not a truncate
}

// Command is a DatanodeCommand answered to a heartbeat.
type Command struct {
	Action Action
	PoolID string
	// Blocks for DNA_TRANSFER and DNA_INVALIDATE.
	Blocks []blocks.Extended
	// Targets, per block, for DNA_TRANSFER.
	Targets [][]Target
	// Recover for DNA_RECOVERBLOCK.
	Recover []Recovering
	// Bandwidth in bytes/s for DNA_BALANCERBANDWIDTHUPDATE.
	Bandwidth int64
}

// Replica is one entry of a full block report (a decoded
// BlockListAsLongs entry).
type Replica struct {
	ID, GenStamp, NumBytes int64
	State                  ReplicaState
}

// IncrementalStatus is ReceivedDeletedBlockInfo.BlockStatus.
type IncrementalStatus uint8

// Incremental statuses, numbered as the proto.
const (
	Receiving IncrementalStatus = 1
	Received  IncrementalStatus = 2
	Deleted   IncrementalStatus = 3
)

// IncrementalEntry is one entry of blockReceivedAndDeleted.
type IncrementalEntry struct {
	ID, GenStamp, NumBytes int64
	Status                 IncrementalStatus
	// DelHint is, for Received, the UUID of a node whose replica may go
	// (the balancer's source); "" when none.
	DelHint string
}

// NewBlock is a block allocated to a file by addBlock: it starts under
// construction with the pipeline's storages as expected locations.
type NewBlock struct {
	ID, GenStamp int64
	FileID       int64 // inode id of the file (block collection)
	Replication  int
	Targets      []string // storage ids of the pipeline
}

// SyncRequest is commitBlockSynchronization's arguments.
type SyncRequest struct {
	ID          int64
	RecoveryID  int64 // the recovery's new generation stamp
	NewLength   int64
	CloseFile   bool
	DeleteBlock bool
	NodeUUIDs   []string // new targets
	StorageIDs  []string // their storages, same order (may be empty)
}

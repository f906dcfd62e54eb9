// Package dnrpc is the NameNode's DatanodeProtocol translation layer: it
// turns the protobuf messages DataNodes send into the plain values of this
// file, calls a Namesystem, and turns the answer back into Hadoop's
// messages. Nothing past this package sees a generated type.
//
// Block lists in full block reports stay encoded here (EncodedBlocks): the
// caller decodes Hadoop's BlockListAsLongs where it processes them, so a
// report of millions of replicas is never copied into a second form.
package dnrpc

import (
	"context"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// DatanodeProtocol's name on the wire and its version (wire NOTES §1).
const (
	ProtocolName    = "org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol"
	ProtocolVersion = 1
)

// Namesystem is what the NameNode does for DataNodes. Errors travel as
// Java exceptions: return a *hadooprpc.RemoteError for a specific class
// (UnregisteredNodeException, DisallowedDatanodeException, ...).
type Namesystem interface {
	VersionRequest(ctx context.Context) (*NamespaceInfo, error)
	RegisterDatanode(ctx context.Context, reg *Registration) (*Registration, error)
	SendHeartbeat(ctx context.Context, hb *Heartbeat) (*HeartbeatResponse, error)
	// BlockReport returns the command to piggy-back on the answer (nil for
	// none): Hadoop sends a FinalizeCommand after the last RPC of a report.
	BlockReport(ctx context.Context, reg *Registration, poolID string, reports []StorageBlockReport, rc *BlockReportContext) (*Command, error)
	CacheReport(ctx context.Context, reg *Registration, poolID string, blockIDs []uint64) (*Command, error)
	BlockReceivedAndDeleted(ctx context.Context, reg *Registration, poolID string, storages []StorageReceivedDeleted) error
	ErrorReport(ctx context.Context, reg *Registration, code ErrorCode, msg string) error
	ReportBadBlocks(ctx context.Context, bad []blocks.Located) error
	CommitBlockSynchronization(ctx context.Context, c *CommitSync) error
}

// StorageInfo is StorageInfoProto: the identity of a storage. The layout
// version is negative, as in VERSION files.
type StorageInfo struct {
	LayoutVersion int32
	NamespaceID   uint32
	ClusterID     string
	CTime         int64
}

// HAState is NNHAStatusHeartbeatProto.State.
type HAState uint8

// HA states, numbered as the proto enum.
const (
	Active HAState = iota
	Standby
	Observer
)

// HAStatus is what a NameNode tells a DataNode of itself in every
// heartbeat answer: its state and the last txid it has written or read.
type HAStatus struct {
	State HAState
	TxID  int64
}

// NamespaceInfo answers versionRequest (Hadoop's NamespaceInfo).
type NamespaceInfo struct {
	BuildVersion    string
	BlockPoolID     string
	Storage         StorageInfo
	SoftwareVersion string
	Capabilities    uint64
	State           HAState
}

// Capabilities a NameNode advertises (NamespaceInfo.Capability): bit 0 is
// STORAGE_BLOCK_REPORT_BUFFERS, block reports as byte buffers.
const CapabilityStorageBlockReportBuffers = 1 << 0

// Registration is DatanodeRegistration. Block keys are not carried: with
// block access tokens off Hadoop sends empty ones, and so does this layer.
type Registration struct {
	ID              blocks.DatanodeID
	Storage         StorageInfo
	SoftwareVersion string
}

// StorageState is DatanodeStorageProto.StorageState.
type StorageState uint8

// Storage states.
const (
	StorageNormal StorageState = iota
	StorageReadOnlyShared
)

// DatanodeStorage is one storage (volume) of a DataNode.
type DatanodeStorage struct {
	UUID  string
	State StorageState
	Type  blocks.StorageType
}

// StorageReport is one storage's usage in a heartbeat. NonDFSUsed is -1
// when the DataNode did not send it (very old DataNodes).
type StorageReport struct {
	Storage                                     DatanodeStorage
	Failed                                      bool
	Capacity, DFSUsed, Remaining, BlockPoolUsed int64
	NonDFSUsed                                  int64
	Mount                                       string
}

// VolumeFailureSummary is what a DataNode says of its failed volumes.
type VolumeFailureSummary struct {
	FailedLocations       []string
	LastFailureDate       int64 // ms
	EstimatedCapacityLost int64
}

// Heartbeat is HeartbeatRequestProto.
type Heartbeat struct {
	Reg                         Registration
	Reports                     []StorageReport
	XmitsInProgress             int
	XceiverCount                int
	FailedVolumes               int
	CacheCapacity, CacheUsed    int64
	VolumeFailures              *VolumeFailureSummary
	RequestFullBlockReportLease bool
}

// HeartbeatResponse is HeartbeatResponseProto.
type HeartbeatResponse struct {
	Commands               []Command
	HA                     HAStatus
	FullBlockReportLeaseID uint64
}

// Block is a block without its pool (BlockProto).
type Block struct {
	ID, GenStamp, NumBytes int64
}

// CommandKind says what a Command asks for.
type CommandKind uint8

// Command kinds; the names follow DatanodeProtocol's DNA_* constants.
const (
	CmdTransfer          CommandKind = iota + 1 // BlockCommand TRANSFER
	CmdInvalidate                               // BlockCommand INVALIDATE
	CmdShutdown                                 // BlockCommand SHUTDOWN
	CmdRecoverBlock                             // BlockRecoveryCommand
	CmdFinalize                                 // FinalizeCommand
	CmdRegister                                 // RegisterCommand
	CmdBalancerBandwidth                        // BalancerBandwidthCommand
	CmdCache                                    // BlockIdCommand CACHE
	CmdUncache                                  // BlockIdCommand UNCACHE
)

// Command is a DatanodeCommand. Which fields count depends on Kind.
type Command struct {
	Kind   CommandKind
	PoolID string // block, block-id and finalize commands

	// Transfer and invalidate: the blocks, and for a transfer the nodes
	// to copy each block to, with their storages.
	Blocks             []Block
	Targets            [][]blocks.DatanodeInfo
	TargetStorageIDs   [][]string
	TargetStorageTypes [][]blocks.StorageType

	Recover   []RecoveringBlock // CmdRecoverBlock
	Bandwidth int64             // CmdBalancerBandwidth, bytes/s
	BlockIDs  []uint64          // CmdCache, CmdUncache
}

// RecoveringBlock is a block a primary DataNode must recover: the block
// with its replicas' locations, and the recovery id (new genstamp). For a
// copy-on-truncate recovery, Truncate is the new block.
type RecoveringBlock struct {
	Block       blocks.Located
	NewGenStamp int64
	Truncate    *Block
}

// EncodedBlocks is a storage's replica list as the DataNode sent it:
// Hadoop's BlockListAsLongs either as byte buffers (NumberOfBlocks set) or
// in the older long[] form.
type EncodedBlocks struct {
	Longs          []uint64
	Buffers        [][]byte
	NumberOfBlocks uint64
	HasBuffers     bool // numberOfBlocks was sent: the buffer form
}

// StorageBlockReport is one storage's full block report.
type StorageBlockReport struct {
	Storage DatanodeStorage
	Blocks  EncodedBlocks
}

// BlockReportContext ties the RPCs of one report together. LeaseID is the
// full-block-report lease the NameNode handed out in a heartbeat.
type BlockReportContext struct {
	TotalRPCs, CurRPC int32
	ID                int64
	LeaseID           uint64
}

// ReplicaStatus is ReceivedDeletedBlockInfoProto.BlockStatus.
type ReplicaStatus uint8

// Incremental report statuses.
const (
	Receiving ReplicaStatus = iota + 1
	Received
	Deleted
)

// ReceivedDeleted is one entry of an incremental block report.
type ReceivedDeleted struct {
	Block      Block
	Status     ReplicaStatus
	DeleteHint string
}

// StorageReceivedDeleted is one storage's part of an incremental report.
// Storage is nil when the DataNode named only the storage's UUID.
type StorageReceivedDeleted struct {
	StorageUUID string
	Storage     *DatanodeStorage
	Blocks      []ReceivedDeleted
}

// ErrorCode is ErrorReportRequestProto.ErrorCode.
type ErrorCode uint32

// DataNode error codes.
const (
	ErrNotify ErrorCode = iota
	ErrDiskError
	ErrInvalidBlock
	ErrFatalDiskError
)

// CommitSync is commitBlockSynchronization: the outcome of a block
// recovery the primary DataNode ran.
type CommitSync struct {
	Block             blocks.Extended
	NewGenStamp       int64
	NewLength         int64
	CloseFile         bool
	DeleteBlock       bool
	NewTargets        []blocks.DatanodeID
	NewTargetStorages []string
}

package bpservice

import (
	"fmt"

	"github.com/hdfsd/hdfsd/internal/blocklist"
)

// HAState is what a NameNode says it is in its heartbeat answer
// (NNHAStatusHeartbeatProto.State numbers).
type HAState int32

const (
	Active   HAState = 0
	Standby  HAState = 1
	Observer HAState = 2
	// Unknown is the state before any heartbeat answered (not on the wire).
	Unknown HAState = -1
)

func (s HAState) String() string {
	switch s {
	case Active:
		return "ACTIVE"
	case Standby:
		return "STANDBY"
	case Observer:
		return "OBSERVER"
	}
	return "UNKNOWN"
}

// HAStatus is a NameNode's claim: its state and the last txid it wrote
// or read.
type HAStatus struct {
	State HAState
	TxID  uint64
}

// NamespaceInfo is the versionRequest answer.
type NamespaceInfo struct {
	BuildVersion    string
	BlockPoolID     string
	LayoutVersion   int32
	NamespaceID     uint32
	ClusterID       string
	CTime           uint64
	SoftwareVersion string
	Capabilities    uint64
	State           HAState // Unknown when the NameNode did not say
}

// StorageIDs are the identifiers a DataNode's storage already holds for a
// block pool; empty fields are not checked (a freshly formatted storage).
type StorageIDs struct {
	NamespaceID uint32
	ClusterID   string
	BlockPoolID string
}

// DatanodeID identifies this DataNode in its registration.
type DatanodeID struct {
	IPAddr         string
	HostName       string
	DatanodeUUID   string
	XferPort       uint32
	InfoPort       uint32
	IPCPort        uint32
	InfoSecurePort uint32
}

// StorageType numbers storage media as StorageTypeProto does.
type StorageType int32

const (
	Disk     StorageType = 1
	SSD      StorageType = 2
	Archive  StorageType = 3
	RAMDisk  StorageType = 4
	Provided StorageType = 5
	NVDIMM   StorageType = 6
)

// StorageState numbers DatanodeStorageProto.StorageState.
type StorageState int32

const (
	StorageNormal         StorageState = 0
	StorageReadOnlyShared StorageState = 1
	StorageFailed         StorageState = 2
)

// Storage is one volume of the DataNode as the NameNode knows it.
type Storage struct {
	UUID  string
	State StorageState
	Type  StorageType
}

// StorageReport is a storage's usage in a heartbeat.
type StorageReport struct {
	Storage       Storage
	Failed        bool
	Capacity      uint64
	DFSUsed       uint64
	Remaining     uint64
	BlockPoolUsed uint64
	NonDFSUsed    uint64
	Mount         string
}

// HeartbeatStats are the DataNode-wide numbers a heartbeat carries.
type HeartbeatStats struct {
	XmitsInProgress uint32
	XceiverCount    uint32
	FailedVolumes   uint32
	CacheCapacity   uint64
	CacheUsed       uint64
}

// StorageBlockReport is one storage's replicas for a full block report.
type StorageBlockReport struct {
	Storage  Storage
	Replicas []blocklist.Replica
}

// Block is a block of the pool (BlockProto).
type Block struct {
	ID       int64
	GenStamp int64
	NumBytes int64
}

func (b Block) String() string { return fmt.Sprintf("blk_%d_%d", b.ID, b.GenStamp) }

// BlockStatus numbers ReceivedDeletedBlockInfoProto.BlockStatus.
type BlockStatus int32

const (
	Receiving BlockStatus = 1 // a replica is being written
	Received  BlockStatus = 2 // a replica was finalized
	Deleted   BlockStatus = 3 // a replica was deleted
)

func (s BlockStatus) String() string {
	switch s {
	case Receiving:
		return "RECEIVING"
	case Received:
		return "RECEIVED"
	case Deleted:
		return "DELETED"
	}
	return fmt.Sprintf("BlockStatus(%d)", int32(s))
}

// BlockEvent is one entry of an incremental block report.
type BlockEvent struct {
	Block      Block
	Status     BlockStatus
	DeleteHint string // the DataNode a replica moved from, for RECEIVED
}

// StorageIBR is an incremental block report for one storage.
type StorageIBR struct {
	Storage Storage
	Blocks  []BlockEvent
}

// ErrorCode numbers ErrorReportRequestProto.ErrorCode.
type ErrorCode uint32

const (
	ErrorNotify         ErrorCode = 0
	ErrorDiskError      ErrorCode = 1
	ErrorInvalidBlock   ErrorCode = 2
	ErrorFatalDiskError ErrorCode = 3
)

// BadBlock is a corrupt replica to report (reportBadBlocks).
type BadBlock struct {
	BlockPoolID string
	Block       Block
	Storage     Storage
}

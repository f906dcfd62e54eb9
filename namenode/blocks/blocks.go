// Package blocks holds the NameNode's vocabulary for blocks and the
// DataNodes that store them, as clients and DataNodes see it: a block
// with its pool, a DataNode's identity and report, and a block with its
// locations. These are plain values; the block manager fills them and the
// RPC translation layers (namenode/clientrpc, and the DataNode protocol
// later) turn them into Hadoop's protobuf messages.
package blocks

import (
	"net"
	"strconv"
)

// Extended is a block named within its block pool (Hadoop's
// ExtendedBlock).
type Extended struct {
	PoolID   string
	ID       int64
	GenStamp int64
	NumBytes int64
}

// StorageType is a kind of DataNode storage, numbered as
// StorageTypeProto.
type StorageType uint8

// Storage types. Zero is "unset".
const (
	Disk StorageType = iota + 1
	SSD
	Archive
	RAMDisk
	Provided
	NVDIMM
)

var storageTypeNames = [...]string{"", "DISK", "SSD", "ARCHIVE", "RAM_DISK", "PROVIDED", "NVDIMM"}

// String is the Java enum constant's name.
func (t StorageType) String() string {
	if int(t) < len(storageTypeNames) && t != 0 {
		return storageTypeNames[t]
	}
	return "UNKNOWN"
}

// DatanodeID is how a DataNode is addressed (Hadoop's DatanodeID).
type DatanodeID struct {
	IPAddr, HostName, UUID string
	XferPort, InfoPort     int
	InfoSecurePort         int
	IPCPort                int
}

// AdminState is DatanodeInfo.AdminStates, numbered as the proto enum.
type AdminState uint8

// DataNode admin states.
const (
	Normal AdminState = iota
	DecommissionInProgress
	Decommissioned
	EnteringMaintenance
	InMaintenance
)

// DatanodeInfo is a DataNode with its last reported state (Hadoop's
// DatanodeInfo). Times are milliseconds.
type DatanodeInfo struct {
	DatanodeID
	Capacity, DFSUsed, NonDFSUsed, Remaining, BlockPoolUsed int64
	CacheCapacity, CacheUsed                                int64
	LastUpdate, LastUpdateMonotonic                         int64
	LastBlockReportTime, LastBlockReportMonotonic           int64
	XceiverCount                                            int
	NumBlocks                                               int
	Location                                                string // network location, "/default-rack"
	UpgradeDomain                                           string // "" when none
	AdminState                                              AdminState
}

// Located is a block with where it can be read or written (Hadoop's
// LocatedBlock, without block tokens: security is off).
type Located struct {
	Block   Extended
	Offset  int64 // of the block's first byte in the file
	Locs    []DatanodeInfo
	Storage []StorageID // per location, same order; may be empty
	Cached  []bool      // per location; may be empty
	Corrupt bool
}

// StorageID is the storage a replica lives on.
type StorageID struct {
	ID   string // "DS-<uuid>"
	Type StorageType
}

// LocatedBlocks is a file's block list with locations (Hadoop's
// LocatedBlocks).
type LocatedBlocks struct {
	FileLength        int64
	Blocks            []Located
	UnderConstruction bool
	LastBlock         *Located // nil when the file has no blocks
	LastBlockComplete bool
}

// ReportType selects DataNodes for getDatanodeReport
// (DatanodeReportTypeProto numbers).
type ReportType uint8

// Report types.
const (
	ReportAll ReportType = iota + 1
	ReportLive
	ReportDead
	ReportDecommissioning
	ReportEnteringMaintenance
	ReportInMaintenance
)

// StorageReport is one storage's numbers, as a DataNode's heartbeat
// carries them (StorageReport).
type StorageReport struct {
	StorageID     string
	Type          StorageType
	Failed        bool
	Capacity      int64
	DFSUsed       int64
	NonDFSUsed    int64
	Remaining     int64
	BlockPoolUsed int64
}

// DatanodeStorageReport is one DataNode with its storages
// (getDatanodeStorageReport).
type DatanodeStorageReport struct {
	Node     DatanodeInfo
	Storages []StorageReport
}

// XferAddr is the node's data transfer address, "ip:port".
func (d DatanodeID) XferAddr() string { return net.JoinHostPort(d.IPAddr, strconv.Itoa(d.XferPort)) }

package clientrpc

import (
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// CreateMode is the permission of a new file or directory as the client
// sends it (Hadoop's FsCreateModes): Masked has the client's umask
// applied; Unmasked, when HasUnmasked, is the mode before the umask, which
// a parent's default ACL uses instead.
type CreateMode struct {
	Masked      namespace.Mode
	Unmasked    namespace.Mode
	HasUnmasked bool
}

// CreateFlag is a set of CreateFlagProto bits.
type CreateFlag uint32

// Create flags.
const (
	FlagCreate          CreateFlag = 1
	FlagOverwrite       CreateFlag = 2
	FlagAppend          CreateFlag = 4
	FlagLazyPersist     CreateFlag = 16
	FlagNewBlock        CreateFlag = 32
	FlagShouldReplicate CreateFlag = 128
)

// CreateRequest is ClientProtocol.create's arguments.
type CreateRequest struct {
	Src           string
	Mode          CreateMode
	ClientName    string
	Flags         CreateFlag
	CreateParent  bool
	Replication   int16
	BlockSize     int64
	ECPolicyName  string // "" when absent
	StoragePolicy string // "" when absent
}

// AddBlockFlag is a set of AddBlockFlagProto values as bits.
type AddBlockFlag uint8

// Add-block flags.
const (
	NoLocalWrite         AddBlockFlag = 1
	IgnoreClientLocality AddBlockFlag = 2
)

// AddBlockRequest is ClientProtocol.addBlock's arguments.
type AddBlockRequest struct {
	Src, ClientName string
	Previous        *blocks.Extended // nil for the first block
	Exclude         []blocks.DatanodeInfo
	FileID          int64
	Favored         []string
	Flags           AddBlockFlag
}

// AdditionalDatanodeRequest is getAdditionalDatanode's arguments.
type AdditionalDatanodeRequest struct {
	Src        string
	FileID     int64
	Block      blocks.Extended
	Existing   []blocks.DatanodeInfo
	StorageIDs []string
	Excludes   []blocks.DatanodeInfo
	NumMore    int
	ClientName string
}

// Listing is one getListing page. Locations, when the client asked for
// them, holds each entry's blocks (nil for directories and symlinks), by
// index.
type Listing struct {
	namespace.Listing
	Locations []*blocks.LocatedBlocks
}

// FsStats is FSNamesystem.getStats, the array getFsStats sends.
type FsStats struct {
	Capacity, Used, Remaining                                 int64
	UnderReplicated, CorruptBlocks, MissingBlocks             int64
	MissingReplOneBlocks, BytesInFutureBlocks, PendingDeletes int64
}

// ReplicatedBlockStats is getFsReplicatedBlockStats.
type ReplicatedBlockStats struct {
	LowRedundancy, Corrupt, Missing, MissingReplOne int64
	BytesInFuture, PendingDeletion                  int64
	HighestPriorityLowRedundancy                    int64
}

// ECBlockGroupStats is getFsECBlockGroupStats.
type ECBlockGroupStats struct {
	LowRedundancy, Corrupt, Missing, BytesInFuture, PendingDeletion int64
	HighestPriorityLowRedundancy                                    int64
}

// SafeModeAction is SafeModeActionProto.
type SafeModeAction uint8

// Safe mode actions.
const (
	SafeModeLeave SafeModeAction = iota + 1
	SafeModeEnter
	SafeModeGet
	SafeModeForceExit
)

// RollingUpgradeAction is RollingUpgradeActionProto.
type RollingUpgradeAction uint8

// Rolling upgrade actions.
const (
	RollingUpgradeQuery RollingUpgradeAction = iota + 1
	RollingUpgradeStart
	RollingUpgradeFinalize
)

// RollingUpgradeInfo describes a rolling upgrade in progress.
type RollingUpgradeInfo struct {
	BlockPoolID           string
	Finalized             bool
	StartTime             int64
	FinalizeTime          int64
	CreatedRollbackImages bool
}

// OpenFilesType is a set of OpenFilesTypeProto values as bits.
type OpenFilesType uint8

// Open file filters.
const (
	AllOpenFiles         OpenFilesType = 1
	BlockingDecommission OpenFilesType = 2
)

// HAState is HAServiceStateProto.
type HAState uint8

// HA states.
const (
	Initializing HAState = iota
	Active
	Standby
	Observer
)

// Token is a delegation token (TokenProto).
type Token struct {
	Identifier, Password []byte
	Kind, Service        string
}

// StoragePolicy is a block storage policy (BlockStoragePolicy).
type StoragePolicy struct {
	ID                  uint8
	Name                string
	Storage             []blocks.StorageType
	CreationFallback    []blocks.StorageType
	ReplicationFallback []blocks.StorageType
}

// ECState is ErasureCodingPolicyState.
type ECState uint8

// Erasure coding policy states.
const (
	ECDisabled ECState = iota + 1
	ECEnabled
	ECRemoved
)

// ECPolicy is an erasure coding policy with its state. The built-in
// policies (ids 1-5) go on the wire by id alone.
type ECPolicy struct {
	ID          uint8
	Name        string
	Codec       string
	DataUnits   int
	ParityUnits int
	Options     map[string]string
	CellSize    int
	State       ECState
}

// ECTopologyResult is ECTopologyVerifierResult.
type ECTopologyResult struct {
	Message   string
	Supported bool
}

// SnapshottableDir is SnapshottableDirectoryStatus.
type SnapshottableDir struct {
	Status         namespace.FileStatus // its Name is the directory's local name
	SnapshotNumber int
	SnapshotQuota  int
	ParentFullPath string
}

// SnapshotStatus is one snapshot of a directory.
type SnapshotStatus struct {
	Status         namespace.FileStatus
	ID             int
	ParentFullPath string
	Deleted        bool
}

// DiffType is SnapshotDiffReport.DiffType, by its label.
type DiffType string

// Snapshot diff entry types.
const (
	DiffCreate DiffType = "+"
	DiffModify DiffType = "M"
	DiffDelete DiffType = "-"
	DiffRename DiffType = "R"
)

// DiffEntry is one line of a snapshot diff; Target only for a rename.
// Paths are relative to the snapshot root.
type DiffEntry struct {
	Type         DiffType
	Path, Target []byte
}

// DiffReport is getSnapshotDiffReport's answer.
type DiffReport struct {
	Root, From, To string
	Entries        []DiffEntry
}

// DiffCursor is where a getSnapshotDiffReportListing page starts.
type DiffCursor struct {
	StartPath []byte
	Index     int32 // -1 at the start
}

// DiffListingEntry is one entry of a paged snapshot diff.
type DiffListingEntry struct {
	Path        []byte // components joined by '/'
	Target      []byte // likewise; empty unless renamed
	DirID       int64
	FileID      int64
	IsReference bool
}

// DiffReportListing is one page of getSnapshotDiffReportListing.
type DiffReportListing struct {
	Modified, Created, Deleted []DiffListingEntry
	IsFromEarlier              bool
	Cursor                     DiffCursor // StartPath empty on the last page
}

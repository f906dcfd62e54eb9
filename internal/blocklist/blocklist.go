// Package blocklist encodes and decodes the replica lists of a DataNode's
// full block report (Hadoop's BlockListAsLongs), as they travel in
// StorageBlockReportProto.
//
// Two encodings exist on the wire:
//
//   - the buffer form (numberOfBlocks + blocksBuffers), used when the
//     NameNode advertises CapabilityStorageBlockReportBuffers: every replica
//     is four varints — zigzag block id, length, generation stamp, state —
//     and the concatenation of all buffers is one stream, cut into
//     ChunkSize pieces at arbitrary byte positions;
//   - the legacy form (repeated uint64 blocks): the finalized count and the
//     under-construction count, then three longs per finalized replica, a
//     -1,-1,-1 delimiter, then four longs (id, length, genstamp, state) per
//     replica in any other state.
//
// Decoders never panic and refuse counts the input cannot hold.
package blocklist

import "fmt"

// ReplicaState numbers a replica's state as ReplicaStateProto does.
type ReplicaState uint8

const (
	Finalized ReplicaState = 0 // complete, not being modified
	RBW       ReplicaState = 1 // being written
	RWR       ReplicaState = 2 // waiting to be recovered
	RUR       ReplicaState = 3 // under recovery
	Temporary ReplicaState = 4 // created for replication or balancing
)

var stateNames = [...]string{"FINALIZED", "RBW", "RWR", "RUR", "TEMPORARY"}

func (s ReplicaState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("ReplicaState(%d)", uint8(s))
}

// Valid reports whether s is one of the five states Hadoop knows.
func (s ReplicaState) Valid() bool { return int(s) < len(stateNames) }

// Replica is one entry of a block report.
type Replica struct {
	ID       int64 // block id
	NumBytes int64 // bytes on disk
	GenStamp int64 // generation stamp
	State    ReplicaState
}

// CapabilityStorageBlockReportBuffers is the NamespaceInfoProto.capabilities
// bit that lets a DataNode send the buffer form (NamespaceInfo.Capability:
// the mask of the second enum constant, 1<<0).
const CapabilityStorageBlockReportBuffers uint64 = 1 << 0

// ChunkSize is the size of every blocksBuffers entry but the last.
const ChunkSize = 64 << 10

// Masks the buffer decoder applies, leaving the upper bits for later use.
const (
	numBytesMask = 1<<48 - 1
	stateMask    = 1<<4 - 1
)

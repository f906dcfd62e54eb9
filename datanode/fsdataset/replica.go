package fsdataset

import "fmt"

// ReplicaState is a replica's state, numbered as Hadoop's ReplicaState
// (the value block reports carry).
type ReplicaState uint8

// The replica states.
const (
	// Finalized: complete; lives in finalized/subdir../subdir...
	Finalized ReplicaState = iota
	// RBW (replica being written): in a write pipeline; lives in rbw/.
	RBW
	// RWR (replica waiting to be recovered): an rbw/ replica found at
	// startup; only block recovery may touch it.
	RWR
	// RUR (replica under recovery): block recovery has claimed it; it
	// stays where it was.
	RUR
	// Temporary: being copied for replication or balancing; lives in
	// tmp/, invisible to readers and block reports.
	Temporary
)

var stateNames = [...]string{"FINALIZED", "RBW", "RWR", "RUR", "TEMPORARY"}

func (s ReplicaState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("ReplicaState(%d)", uint8(s))
}

// Replica is what the replica map holds about one replica. It holds no
// pointers: the volume is an index into the Dataset's volumes.
type Replica struct {
	ID       int64
	GenStamp int64
	// NumBytes is the replica's length: bytes received for a replica in a
	// pipeline, the block length otherwise.
	NumBytes int64
	// BytesOnDisk is what the data file holds (its checksums included).
	BytesOnDisk int64
	// BytesAcked is the visible length of an RBW replica: bytes the
	// pipeline acknowledged.
	BytesAcked int64
	// RecoveryID is the recovery's new generation stamp (RUR).
	RecoveryID int64
	State      ReplicaState
	// Orig is, for RUR, the state before recovery (its files stay where
	// that state keeps them); for other states it equals State.
	Orig   ReplicaState
	Volume uint16
}

// Block is the replica as a Block.
func (r Replica) Block() Block { return Block{ID: r.ID, GenStamp: r.GenStamp, NumBytes: r.NumBytes} }

// VisibleLength is what a reader may read: the acknowledged bytes of an
// RBW replica, the length otherwise.
func (r Replica) VisibleLength() int64 {
	if r.State == RBW || r.State == Temporary {
		return r.BytesAcked
	}
	return r.NumBytes
}

// String is a one-line summary naming the block, state and lengths.
func (r Replica) String() string {
	return fmt.Sprintf("%s, %s, numBytes=%d, bytesOnDisk=%d, bytesAcked=%d",
		r.Block(), r.State, r.NumBytes, r.BytesOnDisk, r.BytesAcked)
}

// RecoveryInfo is Hadoop's ReplicaRecoveryInfo: a replica's block and its
// state before recovery.
type RecoveryInfo struct {
	Block Block
	State ReplicaState // the original state (FINALIZED, RBW, RWR)
}

// SelectReplicaToDelete is Hadoop's duplicate rule, for two replicas of
// one block found on disk: keep the higher generation stamp, then the
// longer one, then the one not on RAM_DISK, then r1. It returns which to
// delete: 1, 2, or 0 when both are the same files (sameFiles).
func SelectReplicaToDelete(r1, r2 Replica, t1, t2 StorageType, sameFiles bool) int {
	if sameFiles {
		return 0
	}
	keep1 := true
	switch {
	case r1.GenStamp != r2.GenStamp:
		keep1 = r1.GenStamp > r2.GenStamp
	case r1.NumBytes != r2.NumBytes:
		keep1 = r1.NumBytes > r2.NumBytes
	case t1 == RAMDisk && t2 != RAMDisk:
		keep1 = false
	}
	if keep1 {
		return 2
	}
	return 1
}

package fsdataset

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Volume is one data dir. Its fields are set when it is opened; the
// counters are atomic; it is safe for concurrent use.
type Volume struct {
	Root     string
	Type     StorageType
	Reserved int64 // dfs.datanode.du.reserved for this volume

	idx  uint16
	fsys FS

	mu struct {
		sync.Mutex
		version   DNVersion
		formatted bool
		dfsUsed   map[string]*atomic.Int64 // per block pool
		loaded    map[string]bool          // block pools in service here
		failErr   error
		failedAt  time.Time
		lock      *storage.Lock
	}
	failed              atomic.Bool
	reservedForReplicas atomic.Int64
}

// StorageID is the volume's "DS-<uuid>" ("" before it is formatted).
func (v *Volume) StorageID() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.mu.version.StorageID
}

// Version is the volume's VERSION content.
func (v *Volume) Version() DNVersion {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.mu.version
}

// Failed reports whether an I/O error took the volume out of service,
// and that error.
func (v *Volume) Failed() (bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.failed.Load(), v.mu.failErr
}

func (v *Volume) current() string              { return filepath.Join(v.Root, DirCurrent) }
func (v *Volume) bpDir(bpid string) string     { return filepath.Join(v.Root, DirCurrent, bpid) }
func (v *Volume) bpCurrent(bpid string) string { return filepath.Join(v.bpDir(bpid), DirCurrent) }
func (v *Volume) tmpDir(bpid string) string    { return filepath.Join(v.bpDir(bpid), DirTmp) }
func (v *Volume) rbwDir(bpid string) string    { return filepath.Join(v.bpCurrent(bpid), DirRBW) }
func (v *Volume) finalizedDir(bpid string, id int64) string {
	return filepath.Join(v.bpCurrent(bpid), DirFinalized, IDToBlockDir(id))
}

// dirOf is the folder of a replica's files in a given state.
func (v *Volume) dirOf(bpid string, id int64, s ReplicaState) string {
	switch s {
	case Finalized:
		return v.finalizedDir(bpid, id)
	case Temporary:
		return v.tmpDir(bpid)
	}
	return v.rbwDir(bpid)
}

// files are the data and .meta paths of a replica.
func (v *Volume) files(bpid string, r Replica) (data, meta string) {
	s := r.State
	if s == RUR {
		s = r.Orig
	}
	dir := v.dirOf(bpid, r.ID, s)
	return filepath.Join(dir, BlockName(r.ID)), filepath.Join(dir, MetaName(r.ID, r.GenStamp))
}

func (v *Volume) usedCounter(bpid string) *atomic.Int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	c := v.mu.dfsUsed[bpid]
	if c == nil {
		c = new(atomic.Int64)
		v.mu.dfsUsed[bpid] = c
	}
	return c
}

// DfsUsed is the bytes of replica files in all block pools.
func (v *Volume) DfsUsed() int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	var n int64
	for _, c := range v.mu.dfsUsed {
		n += c.Load()
	}
	return n
}

// BlockPoolUsed is the bytes of replica files in one block pool.
func (v *Volume) BlockPoolUsed(bpid string) int64 { return v.usedCounter(bpid).Load() }

// Available is what a new block may use, as FsVolumeImpl.getAvailable:
// the lesser of capacity minus reserved, DFS-used and in-flight
// reservations, and the file system's free space minus the part of the
// reservation others have not used.
func (v *Volume) Available() (int64, error) {
	u, err := v.fsys.Usage(v.Root)
	if err != nil {
		return 0, err
	}
	return available(u, v.Reserved, v.DfsUsed(), v.reservedForReplicas.Load()), nil
}

func available(u Usage, reserved, dfsUsed, rbwReserved int64) int64 {
	capacity := max(u.Capacity-reserved, 0)
	remaining := capacity - dfsUsed - rbwReserved
	nonDfs := max(u.Used-dfsUsed, 0)
	remainingReserved := max(reserved-nonDfs, 0)
	avail := u.Available - remainingReserved - rbwReserved
	return max(min(remaining, avail), 0)
}

// isIOFailure tells a volume-failing error (EIO, EROFS, ...) from one a
// healthy volume may return: no space, a missing file, a stopped writer.
func isIOFailure(err error) bool {
	switch {
	case err == nil, errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrExist),
		errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT),
		errors.Is(err, ErrWriterStopped), errors.Is(err, ErrDiskOutOfSpace),
		errors.Is(err, ErrReplicaNotFound), errors.Is(err, ErrReplicaAlreadyExists),
		errors.Is(err, ErrInvalid), errors.Is(err, ErrCorrupt):
		return false
	}
	return true
}

func (v *Volume) releaseLock() {
	v.mu.Lock()
	l := v.mu.lock
	v.mu.lock = nil
	v.mu.Unlock()
	if l != nil {
		l.Unlock()
	}
}

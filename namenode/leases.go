package namenode

import (
	"sort"
	"sync"
	"time"
)

// Leases is the LeaseManager: which client holds which open files, and
// when it last renewed. A client that stops renewing past the soft limit
// (HdfsConstants.LEASE_SOFTLIMIT_PERIOD, 60 s)
// may lose its files to another writer; past the hard limit
// (dfs.namenode.lease-hard-limit-sec, 20 minutes) the NameNode recovers
// them itself.
type Leases struct {
	soft, hard time.Duration

	mu      sync.Mutex
	holders map[string]*holderLease
	files   map[int64]string // inode id -> holder
}

type holderLease struct {
	renewed time.Time
	files   map[int64]struct{}
}

// NewLeases returns an empty lease table.
func NewLeases(soft, hard time.Duration) *Leases {
	return &Leases{soft: soft, hard: hard, holders: map[string]*holderLease{}, files: map[int64]string{}}
}

// Add gives holder the lease on file id (renewing the holder).
func (l *Leases) Add(holder string, id int64, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.files[id]; ok && old != holder {
		l.dropLocked(id)
	}
	h := l.holders[holder]
	if h == nil {
		h = &holderLease{files: map[int64]struct{}{}}
		l.holders[holder] = h
	}
	h.renewed = now
	h.files[id] = struct{}{}
	l.files[id] = holder
}

// Remove ends the lease on file id (the file was closed or deleted).
func (l *Leases) Remove(id int64) {
	l.mu.Lock()
	l.dropLocked(id)
	l.mu.Unlock()
}

func (l *Leases) dropLocked(id int64) {
	holder, ok := l.files[id]
	if !ok {
		return
	}
	delete(l.files, id)
	if h := l.holders[holder]; h != nil {
		delete(h.files, id)
		if len(h.files) == 0 {
			delete(l.holders, holder)
		}
	}
}

// Renew renews every lease of holder; false when it holds none.
func (l *Leases) Renew(holder string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.holders[holder]
	if h == nil {
		return false
	}
	h.renewed = now
	return true
}

// SoftExpired reports whether holder's lease on its files has passed the
// soft limit (or holder has none).
func (l *Leases) SoftExpired(holder string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.holders[holder]
	return h == nil || now.Sub(h.renewed) > l.soft
}

// Holder returns who holds file id.
func (l *Leases) Holder(id int64) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.files[id]
	return h, ok
}

// HardExpired lists the files whose holders passed the hard limit, by id.
func (l *Leases) HardExpired(now time.Time) []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []int64
	for _, h := range l.holders {
		if now.Sub(h.renewed) > l.hard {
			for id := range h.files {
				out = append(out, id)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Count is the number of open files and of holders.
func (l *Leases) Count() (files, holders int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.files), len(l.holders)
}

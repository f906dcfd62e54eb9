// Package heapfloor paces Go's garbage collector for a daemon: no
// collection while the heap is small, and a bounded amount of garbage once
// it is large.
//
// With the default GOGC=100 the collector runs whenever the heap has
// doubled since the last collection. A JournalNode or a young NameNode
// keeps only a few MiB live, so at tens of thousands of edits a second it
// would collect many times a second, and every cycle takes CPU from the
// calls in flight on a small machine. A Java daemon starts with a heap of
// -Xms and does not collect before its young generation fills; this is the
// Go equivalent: after every collection the collector's percentage is set
// so that the next one comes no earlier than at Floor bytes of heap, and
// at the usual GOGC pace once the live heap is large enough for that to be
// later anyway.
//
// At the other end, a NameNode holding tens of millions of files keeps
// them in large pointer-free tables that are cheap to collect, while
// GOGC=100 would let its heap grow by its whole size between collections;
// above Headroom*100/base bytes live, the percentage shrinks so that about
// Headroom bytes of garbage are allowed (never below MinPercent).
package heapfloor

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Defaults of the daemons' policy.
const (
	// DefaultFloor is the heap below which a daemon does not collect when
	// neither GOGC nor HADOOP_HEAPSIZE_MIN says otherwise.
	DefaultFloor = 64 << 20
	// DefaultHeadroom is the garbage a large heap may gather between
	// collections.
	DefaultHeadroom = 256 << 20
	// DefaultMinPercent bounds how often a very large heap is collected.
	DefaultMinPercent = 10
	// DefaultBase is GOGC's default.
	DefaultBase = 100
)

// Policy says where the next collection comes, given the live heap.
type Policy struct {
	Floor      uint64 // no collection before the heap reaches this
	Headroom   uint64 // garbage allowed above a large live heap (0: Base's pace)
	MinPercent int    // lower bound of the percentage from Headroom
	Base       int    // GOGC's percentage for heaps in between
}

// Percent is the GC percentage that puts the next collection at the larger
// of the floor and the live heap grown by the smaller of Base percent and
// Headroom bytes (but by at least MinPercent).
func (p Policy) Percent(live uint64) int {
	if live == 0 {
		live = 1
	}
	pace := p.Base
	if p.Headroom > 0 {
		byHeadroom := p.Headroom * 100 / live
		if byHeadroom < uint64(pace) {
			pace = max(int(byHeadroom), p.MinPercent)
		}
	}
	if p.Floor <= live {
		return pace
	}
	need := (p.Floor-live)*100/live + 1
	if need > maxPercent {
		need = maxPercent
	}
	return max(int(need), pace)
}

// maxPercent bounds the percentage the tuner sets (a live heap of a few
// KiB would otherwise ask for millions).
const maxPercent = 100_000

// Tuner re-targets the collector after every cycle. Its zero value is not
// usable; see Start.
type Tuner struct {
	policy  Policy
	mu      sync.Mutex // orders adjust against Stop
	stopped atomic.Bool
	applied atomic.Int64 // the last percentage set, for tests and logs
	cycles  atomic.Int64 // cycles seen
	sample  []metrics.Sample
}

// Percent returns the GC percentage the tuner set last.
func (t *Tuner) Percent() int { return int(t.applied.Load()) }

// Cycles returns how many collections the tuner has seen.
func (t *Tuner) Cycles() int64 { return t.cycles.Load() }

// Start begins pacing the collector by p and returns the tuner; Stop ends
// it and puts p.Base back.
func Start(p Policy) *Tuner {
	t := &Tuner{policy: p, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.adjust()
	t.arm()
	return t
}

// Stop ends the tuning and restores the base percentage.
func (t *Tuner) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Swap(true) {
		return
	}
	debug.SetGCPercent(t.policy.Base)
	t.applied.Store(int64(t.policy.Base))
}

// sentinel is what the tuner hangs its finaliser on: big enough not to be
// batched into a tiny allocation, whose finaliser might never run.
type sentinel struct{ _ [64]byte }

// arm allocates a sentinel and drops it: the collection that finds it
// unreachable runs the finaliser, which re-targets and re-arms.
func (t *Tuner) arm() {
	s := new(sentinel)
	runtime.SetFinalizer(s, func(*sentinel) {
		if t.stopped.Load() {
			return
		}
		t.cycles.Add(1)
		t.adjust()
		t.arm()
	})
}

// adjust sets the percentage for the live heap measured by the last
// collection.
func (t *Tuner) adjust() {
	t.mu.Lock()
	defer t.mu.Unlock()
	metrics.Read(t.sample)
	var live uint64
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		live = t.sample[0].Value.Uint64()
	}
	p := t.policy.Percent(live)
	if t.stopped.Load() {
		return
	}
	debug.SetGCPercent(p)
	t.applied.Store(int64(p))
}

// FromEnv decides the floor for this process: none when GOGC is set (the
// operator chose the collector's pace), else HADOOP_HEAPSIZE_MIN (Hadoop's
// minimum heap: a number of MiB, or with a k/m/g suffix), else
// DefaultFloor. It returns ok=false when no tuning should run.
func FromEnv(getenv func(string) string) (floor uint64, ok bool, err error) {
	if getenv("GOGC") != "" {
		return 0, false, nil
	}
	v := strings.TrimSpace(getenv("HADOOP_HEAPSIZE_MIN"))
	if v == "" {
		return DefaultFloor, true, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, false, fmt.Errorf("HADOOP_HEAPSIZE_MIN=%q: %w", v, err)
	}
	return n, n > 0, nil
}

// parseSize reads Hadoop's heap sizes: "512" (MiB), "512m", "2g", "900k".
func parseSize(v string) (uint64, error) {
	mult := uint64(1 << 20)
	switch v[len(v)-1] {
	case 'k', 'K':
		mult, v = 1<<10, v[:len(v)-1]
	case 'm', 'M':
		mult, v = 1<<20, v[:len(v)-1]
	case 'g', 'G':
		mult, v = 1<<30, v[:len(v)-1]
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a size (a number of MiB, or with a k, m or g suffix)")
	}
	if n > (1<<63)/mult {
		return 0, fmt.Errorf("size too large")
	}
	return n * mult, nil
}

// StartFromEnv starts a tuner with the daemons' policy and the floor
// FromEnv decides. It returns nil when none runs (GOGC set, or a zero
// floor: then the headroom alone is not applied either).
func StartFromEnv() (*Tuner, error) {
	floor, ok, err := FromEnv(os.Getenv)
	if err != nil || !ok {
		return nil, err
	}
	return Start(Policy{Floor: floor, Headroom: DefaultHeadroom, MinPercent: DefaultMinPercent, Base: DefaultBase}), nil
}

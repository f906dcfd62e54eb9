package namespace

import "sync"

// Locking (see doc.go for the design). Every record belongs to the shard
// of an inode slot: a directory's children and quota limits to the
// directory's, a file's blocks and lease to the file's, an inode's name to
// its parent's. Lock numShards guards the id map.
//
// The writer (one at a time, under wmu) write-locks each lock it needs
// just before it first modifies something it guards, and keeps all of
// them until the mutation ends. A reader read-locks each lock before it
// first reads what it guards and keeps all of them until the read ends,
// so it sees the tree between two mutations. A reader never waits while
// it holds a lock: only its first lock is taken with RLock, later ones
// with TryRLock, and a failure drops everything and restarts the read
// after the contended lock is free. A reader that restarts too often runs
// under wmu instead, with no writer to wait for.

const (
	numShards   = 256
	idLock      = numShards
	numLocks    = numShards + 1
	maxAttempts = 8
)

func shardOf(slot uint32) int { return int(slot & (numShards - 1)) }

type shard struct {
	mu    sync.RWMutex
	lease map[uint32]lease     // under-construction files of the shard
	feat  map[uint32]features  // inodes of the shard with xattrs or an ACL
	trunc map[uint32]Block     // files awaiting truncate recovery: the last block's target (made on demand)
	hist  map[uint32][]version // inodes of the shard as snapshots saw them (snapcow.go; made on demand)
	sdir  map[uint32]*snapDir  // snapshottable directories of the shard (made on demand)
}

// lease is FileUnderConstructionFeature: who is writing a file.
type lease struct{ client, machine string }

func (t *Tree) lockOf(l int) *sync.RWMutex {
	if l == idLock {
		return &t.idmu
	}
	return &t.shards[l].mu
}

// rtx is the set of locks a reader holds.
type rtx struct {
	t    *Tree
	held [numLocks]bool
	list []int
}

// retry is the panic value by which a reader's TryRLock failure unwinds
// to read, which drops the reader's locks and starts it again.
type retry struct{ lock int }

func (r *rtx) need(l int) {
	if r.held[l] {
		return
	}
	mu := r.t.lockOf(l)
	if len(r.list) == 0 {
		mu.RLock()
	} else if !mu.TryRLock() {
		panic(retry{l})
	}
	r.held[l] = true
	r.list = append(r.list, l)
}

func (r *rtx) releaseAll() {
	for _, l := range r.list {
		r.t.lockOf(l).RUnlock()
		r.held[l] = false
	}
	r.list = r.list[:0]
}

// read runs fn with a view that locks what it reads. fn may run more than
// once; it must not change anything outside its own variables. read must
// not be called from inside write.
func (t *Tree) read(fn func(v view) error) error {
	r := &rtx{t: t}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		done, err := r.attempt(fn)
		if done {
			return err
		}
		t.retries.Add(1)
	}
	t.fallbacks.Add(1)
	t.wmu.Lock()
	defer t.wmu.Unlock()
	return fn(view{t: t})
}

func (r *rtx) attempt(fn func(v view) error) (done bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			rt, ok := p.(retry)
			r.releaseAll()
			if !ok {
				panic(p)
			}
			mu := r.t.lockOf(rt.lock)
			mu.RLock() // wait for the writer to finish
			mu.RUnlock()
			done, err = false, nil
		}
	}()
	err = fn(view{t: r.t, r: r})
	r.releaseAll()
	return true, err
}

// wtx is the set of locks the writer holds, and the inodes it has
// already copied for snapshots (or found needing no copy).
type wtx struct {
	t     *Tree
	held  [numLocks]bool
	list  []int
	cowed map[uint32]bool
	kept  []uint32 // inodes the running remove or free kept for snapshots, not yet charged
}

func (w *wtx) lock(l int) {
	if w.held[l] {
		return
	}
	w.t.lockOf(l).Lock()
	w.held[l] = true
	w.list = append(w.list, l)
}

func (w *wtx) unlockAll() {
	for _, l := range w.list {
		w.t.lockOf(l).Unlock()
		w.held[l] = false
	}
	w.list = w.list[:0]
}

// write runs fn as the only writer. Locks fn takes are released when it
// returns.
func (t *Tree) write(fn func(w *wtx) error) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	w := &wtx{t: t}
	defer w.unlockAll()
	return fn(w)
}

// view reads the tree. With r set (a reader) it takes the read locks it
// needs; with r nil it is the writer's own view, or a reader running
// under wmu, and needs none. With snap set it reads a snapshot: each
// inode as that snapshot saw it (snapread.go).
type view struct {
	t    *Tree
	r    *rtx
	snap *snapView
}

func (v view) need(l int) {
	if v.r != nil {
		v.r.need(l)
	}
}

// node returns slot's record for reading, after locking its shard.
func (v view) node(slot uint32) *inode {
	v.need(shardOf(slot))
	if v.snap != nil {
		if n := v.snapNode(slot); n != nil {
			return n
		}
	}
	return v.t.nodes.at(slot)
}

// header returns slot's record for reading its name and kind only; the
// caller must hold the parent's shard (or slot is the root). In a
// snapshot the name may be a version's, under slot's own shard.
func (v view) header(slot uint32) *inode {
	if v.snap != nil {
		return v.node(slot)
	}
	return v.t.nodes.at(slot)
}

// name is the local name of slot; see header.
func (v view) name(slot uint32) []byte { return v.t.names.get(v.header(slot).nameRef()) }

// dir returns a directory's children and quota, after locking its shard.
func (v view) dir(slot uint32) *dirRec {
	if v.snap != nil && slot == v.snap.root {
		v.need(shardOf(slot))
		return &v.snap.rootDir
	}
	return v.t.dirs.at(v.node(slot).dirSlot())
}

// quota returns a directory's quota record, or nil.
func (v view) quota(slot uint32) *quotaRec {
	d := v.dir(slot)
	if d.quota == 0 {
		return nil
	}
	return v.t.quotas.at(d.quota - 1)
}

// lease returns a file's lease, if it is under construction.
func (v view) lease(slot uint32) (lease, bool) {
	v.need(shardOf(slot))
	if v.snap != nil {
		return lease{}, false
	}
	l, ok := v.t.shards[shardOf(slot)].lease[slot]
	return l, ok
}

// slotOf finds an inode by id; nilSlot when there is none.
// An inode kept only for snapshots (detached from the tree) is not
// found by id.
func (v view) slotOf(id int64) uint32 {
	v.need(idLock)
	s := v.t.ids.get(id, v.t.idOf)
	if s != nilSlot && v.t.orphans.Load() > 0 && !v.attached(s) {
		return nilSlot
	}
	return s
}

// attached reports whether slot is in the live tree.
func (v view) attached(slot uint32) bool {
	for s := slot; s != rootSlot; {
		v.need(shardOf(s))
		if s = v.t.nodes.at(s).parent; s == nilSlot {
			return false
		}
	}
	return true
}

// The writer's mutable accessors lock before handing out a record.

func (w *wtx) node(slot uint32) *inode {
	w.lock(shardOf(slot))
	if w.t.snap.active() {
		w.t.cow(w, slot)
	}
	return w.t.nodes.at(slot)
}

func (w *wtx) dir(slot uint32) *dirRec {
	return w.t.dirs.at(w.node(slot).dirSlot())
}

func (w *wtx) view() view { return view{t: w.t} }

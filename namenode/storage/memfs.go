package storage

import (
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// MemFS is an in-memory FS for tests. It can fail chosen operations
// (Inject), stop at a crash point (CrashAfter) and then lose everything
// that was not synced (Crash), following the durability contract on FS.
type MemFS struct {
	mu struct {
		sync.Mutex
		root      *memNode
		locks     map[string]string
		inject    func(op Op, path string) error
		countdown int // mutating operations left before the crash point; -1: none
		crashed   bool
		ops       int // mutating operations so far
	}
}

type memNode struct {
	dir              bool
	mode             os.FileMode
	children, synced map[string]*memNode // directories: now, and as of the last SyncDir
	data, syncedData []byte              // files: now, and as of the last Sync
}

// NewMemFS returns an empty file system holding only "/".
func NewMemFS() *MemFS {
	m := &MemFS{}
	m.mu.root = newDirNode(0o755)
	m.mu.locks = make(map[string]string)
	m.mu.countdown = -1
	return m
}

func newDirNode(perm os.FileMode) *memNode {
	return &memNode{dir: true, mode: fs.ModeDir | perm,
		children: map[string]*memNode{}, synced: map[string]*memNode{}}
}

// Inject makes every operation for which fn returns an error fail with it
// (wrapped in a *fs.PathError). nil removes the injector.
func (m *MemFS) Inject(fn func(op Op, path string) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mu.inject = fn
}

// FailOn returns an injector failing op on every path under prefix.
func FailOn(op Op, prefix string, err error) func(Op, string) error {
	return func(o Op, p string) error {
		if o == op && (p == prefix || strings.HasPrefix(p, prefix+"/")) {
			return err
		}
		return nil
	}
}

// RandomFaults returns an injector failing each mutating operation with
// probability p, from a seeded generator (print the seed in the test).
func RandomFaults(seed uint64, p float64) func(Op, string) error {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed))
	return func(o Op, _ string) error {
		mu.Lock()
		defer mu.Unlock()
		if o.mutates() && r.Float64() < p {
			return fmt.Errorf("%w: random fault on %s", ErrInjected, o)
		}
		return nil
	}
}

// CrashAfter lets n more mutating operations succeed; from the next one
// on, every operation fails as if the machine had stopped. Call Crash to
// see what survived.
func (m *MemFS) CrashAfter(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mu.countdown = n
}

// Ops returns the number of mutating operations so far.
func (m *MemFS) Ops() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mu.ops
}

// Crash throws away every write, new name, removal and rename that was not
// synced, as a power loss would, and restarts: locks are released and the
// crash point and injector are cleared.
func (m *MemFS) Crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	restore(m.mu.root)
	clear(m.mu.locks)
	m.mu.inject = nil
	m.mu.countdown = -1
	m.mu.crashed = false
}

func restore(n *memNode) {
	if !n.dir {
		n.data = slices.Clone(n.syncedData)
		return
	}
	n.children = maps.Clone(n.synced)
	for _, c := range n.children {
		restore(c)
	}
}

// checkLocked applies the crash point and the injector to an operation.
func (m *MemFS) checkLocked(op Op, p string) error {
	if m.mu.crashed {
		return &fs.PathError{Op: op.String(), Path: p, Err: fmt.Errorf("%w: crashed", ErrInjected)}
	}
	if op.mutates() {
		if m.mu.countdown == 0 {
			m.mu.crashed = true
			return &fs.PathError{Op: op.String(), Path: p, Err: fmt.Errorf("%w: crashed", ErrInjected)}
		}
		if m.mu.countdown > 0 {
			m.mu.countdown--
		}
		m.mu.ops++
	}
	if m.mu.inject != nil {
		if err := m.mu.inject(op, p); err != nil {
			return &fs.PathError{Op: op.String(), Path: p, Err: err}
		}
	}
	return nil
}

func clean(name string) string { return path.Clean("/" + filepath.ToSlash(name)) }

// lookupLocked finds the node at p.
func (m *MemFS) lookupLocked(op Op, p string) (*memNode, error) {
	n := m.mu.root
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		if part == "" {
			continue
		}
		if !n.dir {
			return nil, &fs.PathError{Op: op.String(), Path: p, Err: fs.ErrInvalid}
		}
		c, ok := n.children[part]
		if !ok {
			return nil, &fs.PathError{Op: op.String(), Path: p, Err: fs.ErrNotExist}
		}
		n = c
	}
	return n, nil
}

// parentLocked finds the directory holding p.
func (m *MemFS) parentLocked(op Op, p string) (*memNode, string, error) {
	dir, base := path.Split(p)
	d, err := m.lookupLocked(op, clean(dir))
	if err != nil {
		return nil, "", err
	}
	if !d.dir {
		return nil, "", &fs.PathError{Op: op.String(), Path: p, Err: fs.ErrInvalid}
	}
	return d, base, nil
}

// begin takes the lock, cleans the name and applies the fault checks.
func (m *MemFS) begin(op Op, name string) (string, error) {
	m.mu.Lock()
	p := clean(name)
	return p, m.checkLocked(op, p)
}

// Create implements FS.
func (m *MemFS) Create(name string) (File, error) {
	p, err := m.begin(OpCreate, name)
	defer m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	d, base, err := m.parentLocked(OpCreate, p)
	if err != nil {
		return nil, err
	}
	n, ok := d.children[base]
	switch {
	case ok && n.dir:
		return nil, &fs.PathError{Op: "create", Path: p, Err: fs.ErrExist}
	case ok:
		n.data = nil
	default:
		n = &memNode{mode: 0o644}
		d.children[base] = n
	}
	return &memFile{m: m, n: n, path: p, write: true}, nil
}

// Open implements FS.
func (m *MemFS) Open(name string) (File, error) {
	p, err := m.begin(OpOpen, name)
	defer m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	n, err := m.lookupLocked(OpOpen, p)
	if err != nil {
		return nil, err
	}
	return &memFile{m: m, n: n, path: p}, nil
}

// Rename implements FS.
func (m *MemFS) Rename(oldname, newname string) error {
	p, err := m.begin(OpRename, oldname)
	defer m.mu.Unlock()
	if err != nil {
		return err
	}
	od, obase, err := m.parentLocked(OpRename, p)
	if err != nil {
		return err
	}
	n, ok := od.children[obase]
	if !ok {
		return &fs.PathError{Op: "rename", Path: p, Err: fs.ErrNotExist}
	}
	nd, nbase, err := m.parentLocked(OpRename, clean(newname))
	if err != nil {
		return err
	}
	if old, ok := nd.children[nbase]; ok && old.dir && len(old.children) > 0 {
		return &fs.PathError{Op: "rename", Path: clean(newname), Err: fs.ErrExist}
	}
	delete(od.children, obase)
	nd.children[nbase] = n
	return nil
}

// Link implements FS: both names share the file's bytes (and what of
// them was synced); the new name is durable once its directory is synced.
func (m *MemFS) Link(oldname, newname string) error {
	p, err := m.begin(OpLink, newname)
	defer m.mu.Unlock()
	if err != nil {
		return err
	}
	n, err := m.lookupLocked(OpLink, clean(oldname))
	if err != nil {
		return err
	}
	if n.dir {
		return &fs.PathError{Op: "link", Path: clean(oldname), Err: fs.ErrInvalid}
	}
	d, base, err := m.parentLocked(OpLink, p)
	if err != nil {
		return err
	}
	if _, ok := d.children[base]; ok {
		return &fs.PathError{Op: "link", Path: p, Err: fs.ErrExist}
	}
	d.children[base] = n
	return nil
}

// Remove implements FS.
func (m *MemFS) Remove(name string) error {
	p, err := m.begin(OpRemove, name)
	defer m.mu.Unlock()
	if err != nil {
		return err
	}
	d, base, err := m.parentLocked(OpRemove, p)
	if err != nil {
		return err
	}
	n, ok := d.children[base]
	if !ok {
		return &fs.PathError{Op: "remove", Path: p, Err: fs.ErrNotExist}
	}
	if n.dir && len(n.children) > 0 {
		return &fs.PathError{Op: "remove", Path: p, Err: fs.ErrExist}
	}
	delete(d.children, base)
	return nil
}

// RemoveAll implements FS.
func (m *MemFS) RemoveAll(name string) error {
	p, err := m.begin(OpRemove, name)
	defer m.mu.Unlock()
	if err != nil {
		return err
	}
	d, base, err := m.parentLocked(OpRemove, p)
	if err != nil {
		return nil // a missing parent means nothing to remove
	}
	delete(d.children, base)
	return nil
}

// MkdirAll implements FS. The new directories are durable at once.
func (m *MemFS) MkdirAll(name string, perm os.FileMode) error {
	p, err := m.begin(OpMkdir, name)
	defer m.mu.Unlock()
	if err != nil {
		return err
	}
	n := m.mu.root
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		if part == "" {
			continue
		}
		c, ok := n.children[part]
		if !ok {
			c = newDirNode(perm)
			n.children[part] = c
			n.synced[part] = c
		}
		if !c.dir {
			return &fs.PathError{Op: "mkdir", Path: p, Err: fs.ErrExist}
		}
		n = c
	}
	return nil
}

// ReadDir implements FS.
func (m *MemFS) ReadDir(name string) ([]string, error) {
	p, err := m.begin(OpReadDir, name)
	defer m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	n, err := m.lookupLocked(OpReadDir, p)
	if err != nil {
		return nil, err
	}
	if !n.dir {
		return nil, &fs.PathError{Op: "readdir", Path: p, Err: fs.ErrInvalid}
	}
	return slices.Sorted(maps.Keys(n.children)), nil
}

// Stat implements FS.
func (m *MemFS) Stat(name string) (os.FileInfo, error) {
	p, err := m.begin(OpStat, name)
	defer m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	n, err := m.lookupLocked(OpStat, p)
	if err != nil {
		return nil, err
	}
	return memInfo{name: path.Base(p), size: int64(len(n.data)), mode: n.mode}, nil
}

// SyncDir implements FS.
func (m *MemFS) SyncDir(name string) error {
	p, err := m.begin(OpSyncDir, name)
	defer m.mu.Unlock()
	if err != nil {
		return err
	}
	n, err := m.lookupLocked(OpSyncDir, p)
	if err != nil {
		return err
	}
	if !n.dir {
		return &fs.PathError{Op: "syncdir", Path: p, Err: fs.ErrInvalid}
	}
	n.synced = maps.Clone(n.children)
	return nil
}

// Lock implements FS. Locks are per MemFS: two Storages on one MemFS
// behave like two processes on one machine.
func (m *MemFS) Lock(name, owner string) (io.Closer, error) {
	p, err := m.begin(OpLock, name)
	defer m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if holder, ok := m.mu.locks[p]; ok {
		return nil, &HeldError{Path: name, Holder: holder}
	}
	d, base, err := m.parentLocked(OpLock, p)
	if err != nil {
		return nil, err
	}
	n, ok := d.children[base]
	if !ok {
		n = &memNode{mode: 0o644}
		d.children[base] = n
	}
	n.data = []byte(owner)
	m.mu.locks[p] = owner
	return memLock{m: m, p: p}, nil
}

type memLock struct {
	m *MemFS
	p string
}

func (l memLock) Close() error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	delete(l.m.mu.locks, l.p)
	return nil
}

type memInfo struct {
	name string
	size int64
	mode os.FileMode
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() os.FileMode  { return i.mode }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.mode.IsDir() }
func (i memInfo) Sys() any           { return nil }

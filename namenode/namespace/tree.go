package namespace

import (
	"slices"
	"sync"
	"sync/atomic"
)

// RootID is the root directory's inode id (INodeId.ROOT_INODE_ID); new
// inodes get the ids after the last one allocated.
const RootID int64 = 16385

// rootSlot is the root's slot in the inode table.
const rootSlot uint32 = 0

// Tree is the namespace: the directory tree with its inodes, names,
// permissions, quotas and the files' block lists.
type Tree struct {
	cfg Config

	wmu    sync.Mutex // held by the one writer
	idmu   sync.RWMutex
	shards [numShards]shard

	nodes  table[inode]
	dirs   table[dirRec]
	quotas table[quotaRec]
	blocks table[blockRec]
	names  arena
	users  *strTable
	groups *strTable
	ids    *idMap

	lastID atomic.Int64 // last inode id allocated

	snap    snapState    // snapshots (writer only)
	orphans atomic.Int64 // inodes kept only for snapshots, detached from the tree

	retries, fallbacks atomic.Int64 // reader restarts, reads run under wmu
}

// Op is who asks for an operation, and when. Now is the NameNode's clock
// in milliseconds; the namespace never reads a clock of its own.
type Op struct {
	User   string   // short user name
	Groups []string // the user's groups
	Now    int64
}

// New returns a namespace holding only the root directory, which belongs
// to cfg.FsOwner and cfg.Supergroup with mode 0755, as a freshly formatted
// NameNode's.
func New(cfg Config) (*Tree, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t := &Tree{cfg: cfg, users: newStrTable(), groups: newStrTable(), ids: newIDMap(), snap: newSnapState()}
	for i := range t.shards {
		t.shards[i].lease = map[uint32]lease{}
		t.shards[i].feat = map[uint32]features{}
	}
	t.names.put(nil)
	t.newRoot()
	t.lastID.Store(RootID)
	return t, nil
}

func (t *Tree) newRoot() {
	slot := t.nodes.alloc()
	ds := t.dirs.alloc()
	q := t.quotas.alloc()
	r := t.quotas.at(q)
	r.init(quotaDontSet, quotaReset)
	r.nsUsed.Store(1)
	*t.dirs.at(ds) = dirRec{quota: q + 1}
	*t.nodes.at(slot) = inode{
		id:     RootID,
		perm:   packPerm(t.users.serial(t.cfg.FsOwner), t.groups.serial(t.cfg.Supergroup), 0755),
		name:   uint64(kindDir) << kindShift,
		a:      uint64(ds),
		parent: nilSlot,
	}
	t.ids.put(RootID, slot, t.idOf)
}

// Config returns the configuration the tree was made with.
func (t *Tree) Config() Config { return t.cfg }

// LastInodeID returns the last inode id allocated.
func (t *Tree) LastInodeID() int64 { return t.lastID.Load() }

func (t *Tree) idOf(slot uint32) int64 { return t.nodes.at(slot).id }

// Stats describes the tree's size and memory.
type Stats struct {
	Inodes, Dirs, Blocks int
	NameBytes, Garbage   int64 // arena bytes in use, of which unreferenced

	ReadRetries   int64 // reads restarted after meeting the writer
	ReadFallbacks int64 // reads that gave up and ran under the writer lock
}

// Stats returns counts of the tree's records.
func (t *Tree) Stats() Stats {
	var s Stats
	_ = t.write(func(w *wtx) error {
		s = Stats{Inodes: t.nodes.live(), Dirs: t.dirs.live(), Blocks: t.blocks.live(),
			Garbage: t.names.garbage, ReadRetries: t.retries.Load(), ReadFallbacks: t.fallbacks.Load()}
		for _, c := range *t.names.chunks.Load() {
			s.NameBytes += int64(cap(c))
		}
		return nil
	})
	return s
}

// PathOf returns the path of the inode with the given id (the
// /.reserved/.inodes lookup), and false when there is none.
func (t *Tree) PathOf(id int64) (string, bool) {
	var path string
	var found bool
	_ = t.read(func(v view) error {
		slot := v.slotOf(id)
		found = slot != nilSlot
		if found {
			path = v.fullPath(slot)
		}
		return nil
	})
	return path, found
}

// owner and group of a record read under its shard.
func (t *Tree) owner(n *inode) string { return t.users.name(permUser(n.perm)) }
func (t *Tree) group(n *inode) string { return t.groups.name(permGroup(n.perm)) }

// child returns the slot of dir's child called name, or nilSlot.
func (v view) child(dir uint32, name []byte) uint32 {
	kids := v.dir(dir).kids
	i, ok := v.search(kids, name)
	if !ok {
		return nilSlot
	}
	return kids[i]
}

// search finds name among kids (sorted), or where it would go.
func (v view) search(kids []uint32, name []byte) (int, bool) {
	return slices.BinarySearchFunc(kids, name, func(k uint32, n []byte) int {
		return compareNames(v.name(k), n)
	})
}

// fullPath is INode.getFullPathName: the slot's path from the root.
func (v view) fullPath(slot uint32) string {
	c := v.pathComps(slot)
	return joinPath(c, 0, len(c))
}

// pathComps returns the components of slot's path, root first.
func (v view) pathComps(slot uint32) [][]byte {
	var rev [][]byte
	for s := slot; s != rootSlot; {
		p := v.node(s).parent
		v.need(shardOf(p))
		rev = append(rev, v.name(s))
		s = p
	}
	out := make([][]byte, 1, len(rev)+1)
	out[0] = []byte{}
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, rev[i])
	}
	return out
}

// Quota values Hadoop uses (HdfsConstants).
const (
	quotaDontSet int64 = 1<<63 - 1
	quotaReset   int64 = -1
)

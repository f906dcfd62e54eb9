package namespace

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
)

// Bulk loading. An fsimage lists every inode (INODE section), then every
// directory's children (INODE_DIR section). A Loader takes them in that
// order straight into the tables: no path resolution, no permission or
// quota checks, no per-inode heap object. Finish then checks the shape
// (one tree, every inode in exactly one directory, names unique) and
// computes the quota usage, as FSImage.updateCountForQuota does after
// Hadoop loads an image.
//
// The loader owns a Tree no one else can see yet, so it needs no locks
// beyond those the feature store takes.

// ErrLoad is what Loader returns for inodes or children that do not make
// a namespace (the image is corrupt, or holds what this core cannot).
var ErrLoad = errors.New("namespace: cannot load")

// InodeType is what an inode is, in a bulk load or an image walk.
type InodeType uint8

// Inode types (INodeSection.INode.Type).
const (
	InodeFile InodeType = iota + 1
	InodeDir
	InodeSymlink
)

// Inode is one inode with everything the namespace keeps of it: what
// Loader.Add takes and ImageWalk.Inodes hands out. Fields that do not
// apply to Type are zero.
type Inode struct {
	ID    int64
	Type  InodeType
	Name  []byte // local name; empty for the root
	Perm  PermissionStatus
	Mtime int64
	Atime int64 // files and symlinks

	// Files.
	Replication       int16
	BlockSize         int64 // preferred block size; 0 is taken as 1, as Hadoop does
	StoragePolicy     uint8 // the file's own policy id; 0 when unspecified
	Blocks            []Block
	UnderConstruction bool // open for writing, with the lease below
	ClientName        string
	ClientMachine     string

	// Symlinks.
	Target []byte

	// Directories: the quotas, QuotaReset (-1) when not set. The root
	// always has a quota record (namespace quota QuotaDontSet by default).
	NSQuota, SSQuota int64
	// TypeQuotas are the storage-type quotas that are set (quota >= 0);
	// nil when none.
	TypeQuotas []TypeQuota

	XAttrs []XAttr
	ACL    []AclEntry // extended entries, as GetAclStatus lists them
}

// Loader builds a Tree from an image's inodes and directory entries.
// It is used by one goroutine; after Finish it is spent.
type Loader struct {
	t      *Tree
	w      wtx
	root   bool
	lastID int64 // the image's last inode id, 0 if not given
	maxID  int64
	user   internCache
	group  internCache
	done   bool
	snap   *snapLoad // snapshots, when the image has some (snapload.go)

	// added counts the inodes Add put in the id map or in pending, the
	// ids it has yet to put there, by region of the map (home<<32 | slot,
	// see deferPut).
	added    int
	pending  [][]uint64
	npending int
}

// internCache remembers the last name interned: consecutive inodes of an
// image mostly share owner and group, and the strings often share their
// bytes, which makes the comparison a pointer check.
type internCache struct {
	name   string
	serial uint32
	ok     bool
}

func (c *internCache) intern(s *strTable, name string) uint32 {
	if !c.ok || c.name != name {
		c.name, c.serial, c.ok = name, s.serial(name), true
	}
	return c.serial
}

// NewLoader returns a Loader for a namespace made with cfg; sizeHint is
// the number of inodes expected (the image's numInodes), 0 if unknown.
func NewLoader(cfg Config, sizeHint int) (*Loader, error) {
	t, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if sizeHint > 0 {
		n := len(t.ids.slots)
		for n*3 < (sizeHint+1)*4 {
			n *= 2
		}
		t.ids.resize(n, t.idOf)
	}
	return &Loader{t: t, w: wtx{t: t}}, nil
}

func loadErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrLoad}, args...)...)
}

// SetLastInodeID records the last inode id the image says was allocated
// (INodeSection.lastInodeId); new inodes will take the ids after it.
func (l *Loader) SetLastInodeID(id int64) { l.lastID = id }

// Add adds one inode, not yet in any directory. The root (RootID) updates
// the tree's root, as FSImageFormatPBINode.Loader.loadRootINode does.
func (l *Loader) Add(n *Inode) error {
	if l.done {
		return loadErr("loader already finished")
	}
	if n.ID == RootID {
		return l.addRoot(n)
	}
	if err := checkInode(n); err != nil {
		return err
	}
	t := l.t
	// An id above every id added so far is new, unless something else put
	// ids in the map: images list inodes mostly in ascending id order, and
	// the lookup is a cache miss or two per inode.
	fresh := n.ID > l.maxID && t.ids.count+l.npending == l.added+1 // +1: the root
	if !fresh {
		l.flushIDs()
		if t.ids.get(n.ID, t.idOf) != nilSlot {
			return loadErr("inode %d appears twice", n.ID)
		}
	}
	k, a, err := l.header(n)
	if err != nil {
		return err
	}
	slot := t.nodes.alloc()
	rec := t.nodes.at(slot)
	*rec = inode{id: n.ID, perm: l.perm(n.Perm), mtime: n.Mtime, atime: n.Atime,
		name: uint64(k)<<kindShift | t.names.put(n.Name), a: a, parent: nilSlot}
	switch k {
	case kindDir:
		rec.a = uint64(l.newDir(n))
	case kindFile:
		l.addBlocks(rec, n.Blocks)
		if n.UnderConstruction {
			t.shards[shardOf(slot)].lease[slot] = lease{n.ClientName, n.ClientMachine}
		}
	}
	if fresh {
		l.deferPut(n.ID, slot)
	} else {
		t.ids.put(n.ID, slot, t.idOf)
	}
	l.added++
	l.maxID = max(l.maxID, n.ID)
	l.putFeatures(slot, n)
	return nil
}

func checkInode(n *Inode) error {
	switch {
	case n.ID <= 0:
		return loadErr("inode id %d is not positive", n.ID)
	case len(n.Name) == 0:
		return loadErr("inode %d has an empty name", n.ID)
	case bytes.IndexByte(n.Name, '/') >= 0:
		return loadErr("inode %d has the name %q, which contains '/'", n.ID, n.Name)
	}
	return nil
}

// header returns the inode's kind and kind-specific word (for a file,
// what INodeFile.HeaderFormat.toLong packs).
func (l *Loader) header(n *Inode) (kind, uint64, error) {
	switch n.Type {
	case InodeDir:
		return kindDir, 0, nil
	case InodeSymlink:
		return kindSymlink, l.t.names.put(n.Target), nil
	case InodeFile:
		bs, err := headerBlockSize(n.BlockSize)
		switch {
		case err != nil:
			return 0, 0, loadErr("file %d: preferred block size %d does not fit in 48 bits", n.ID, n.BlockSize)
		case n.Replication < 0 || n.Replication > maxReplication:
			return 0, 0, loadErr("file %d: replication %d is outside [0, %d]", n.ID, n.Replication, maxReplication)
		case n.StoragePolicy > 15:
			return 0, 0, loadErr("file %d: storage policy id %d does not fit in 4 bits", n.ID, n.StoragePolicy)
		}
		return kindFile, fileHeader(n.StoragePolicy, n.Replication, bs), nil
	}
	return 0, 0, loadErr("inode %d has unknown type %d", n.ID, n.Type)
}

func (l *Loader) perm(p PermissionStatus) uint64 {
	return packPerm(l.user.intern(l.t.users, p.User), l.group.intern(l.t.groups, p.Group), p.Mode&ModeMask)
}

// newDir allocates a directory record, with a quota record when any
// quota is set (FSImageFormatPBINode.Loader.loadINodeDirectory).
func (l *Loader) newDir(n *Inode) uint32 {
	t := l.t
	ds := t.dirs.alloc()
	*t.dirs.at(ds) = dirRec{}
	if n.NSQuota >= 0 || n.SSQuota >= 0 || len(n.TypeQuotas) > 0 {
		q := t.quotas.alloc()
		r := t.quotas.at(q)
		r.init(n.NSQuota, n.SSQuota)
		setTypeQuotas(r, n.TypeQuotas)
		t.dirs.at(ds).quota = q + 1
	}
	return ds
}

func (l *Loader) addBlocks(n *inode, blocks []Block) {
	t := l.t
	prev := uint32(0)
	for _, b := range blocks {
		s := t.blocks.alloc()
		*t.blocks.at(s) = blockRec{id: b.ID, numBytes: b.NumBytes, genStamp: b.GenStamp, complete: b.Complete}
		if prev == 0 {
			n.b = s + 1
		} else {
			t.blocks.at(prev - 1).next = s + 1
		}
		prev = s + 1
	}
}

func (l *Loader) putFeatures(slot uint32, n *Inode) {
	if len(n.XAttrs) == 0 && len(n.ACL) == 0 {
		return
	}
	l.t.putFeatures(&l.w, slot, n.XAttrs, n.ACL)
	l.w.unlockAll()
}

// addRoot is loadRootINode: the root keeps its quota record, whose
// limits change only when the image sets one of them.
func (l *Loader) addRoot(n *Inode) error {
	switch {
	case l.root:
		return loadErr("the root inode appears twice")
	case n.Type != InodeDir:
		return loadErr("the root inode %d is not a directory", n.ID)
	case len(n.Name) != 0:
		return loadErr("the root inode has the name %q", n.Name)
	}
	l.root = true
	t := l.t
	r := t.nodes.at(rootSlot)
	r.perm, r.mtime = l.perm(n.Perm), n.Mtime
	q := t.quotas.at(t.dirs.at(r.dirSlot()).quota - 1)
	if n.NSQuota != quotaReset || n.SSQuota != quotaReset {
		q.ns, q.ss = n.NSQuota, n.SSQuota
	}
	setTypeQuotas(q, n.TypeQuotas)
	l.putFeatures(rootSlot, n)
	return nil
}

// slotNear returns the slot of inode id, or nilSlot. It tries guess
// first: files made one after another have consecutive ids, which Add put
// in consecutive slots, and often sit next to each other in their
// directory's name order (part-00000, part-00001, ...), so the next child
// is often in the slot after the last one, where the id map lookup would
// be a cache miss. A live inode with the id is the one the map would give:
// ids are unique.
func (l *Loader) slotNear(guess uint32, id int64) uint32 {
	t := l.t
	if guess < t.nodes.used {
		if n := t.nodes.at(guess); n.id == id && n.kind() != kindFree {
			return guess
		}
	}
	return t.ids.get(id, t.idOf)
}

// idRegions is how many regions of the id map deferPut sorts ids into.
const idRegions = 256

// deferPut records a new inode for the id map; flushIDs puts the recorded
// ones a region of the map at a time. Put one by one in hash order, each
// id is a cache and TLB miss, which was most of the time a ten-million
// inode image took to load. The map is not resized in between: nothing
// else puts ids while any are pending.
func (l *Loader) deferPut(id int64, slot uint32) {
	m := l.t.ids
	if l.pending == nil {
		// Room for what the map takes before it grows, so that the
		// regions are not copied as they fill.
		room := (len(m.slots)*3/4-m.count)/idRegions*9/8 + 16
		l.pending = make([][]uint64, idRegions)
		for r := range l.pending {
			l.pending[r] = make([]uint64, 0, room)
		}
	}
	h := m.home(id)
	r := h * idRegions / uint64(len(m.slots))
	l.pending[r] = append(l.pending[r], h<<32|uint64(slot))
	l.npending++
}

// flushIDs puts the pending ids in the id map. Every Loader method that
// reads the map calls it first.
func (l *Loader) flushIDs() {
	if l.npending == 0 {
		return
	}
	t := l.t
	m := t.ids
	grow := (m.count+l.npending)*4 > len(m.slots)*3
	for r, p := range l.pending {
		l.pending[r] = p[:0] // kept for the next few ids
		for _, e := range p {
			slot := uint32(e)
			if grow { // homes change as the map grows
				m.put(t.idOf(slot), slot, t.idOf)
				continue
			}
			i := e >> 32
			for m.slots[i] != 0 {
				i = (i + 1) & m.mask
			}
			m.slots[i] = slot + 1
			m.count++
		}
	}
	if l.npending > len(m.slots)/8 {
		l.pending = nil // a bulk load's worth: free it
	}
	l.npending = 0
}

// AddChildren puts inodes in a directory (one INODE_DIR entry). Each
// inode goes in exactly one directory, once.
func (l *Loader) AddChildren(parent int64, children []int64) error {
	if l.done {
		return loadErr("loader already finished")
	}
	l.flushIDs()
	t := l.t
	p := t.ids.get(parent, t.idOf)
	if p == nilSlot {
		return loadErr("directory entry for inode %d, which does not exist", parent)
	}
	pn := t.nodes.at(p)
	if !pn.isDir() {
		return loadErr("directory entry for inode %d, which is not a directory", parent)
	}
	d := t.dirs.at(pn.dirSlot())
	d.kids = slices.Grow(d.kids, len(children))
	guess := p + 1
	for _, id := range children {
		c := l.slotNear(guess, id)
		guess = c + 1
		switch {
		case c == nilSlot:
			return loadErr("directory %d lists inode %d, which does not exist", parent, id)
		case c == rootSlot:
			return loadErr("directory %d lists the root", parent)
		case t.nodes.at(c).parent != nilSlot:
			return loadErr("inode %d is listed by directories %d and %d", id, t.idOf(t.nodes.at(c).parent), parent)
		}
		if p == rootSlot && string(t.names.get(t.nodes.at(c).nameRef())) == dotReserved {
			return loadErr("File name \"%s\" is reserved. Please  change the name of the existing file or "+
				"directory to another name before upgrading to this release.", dotReserved)
		}
		t.nodes.at(c).parent = p
		d.kids = append(d.kids, c)
	}
	return nil
}

// Finish checks that the inodes form one tree under the root, sorts each
// directory's children by name (refusing duplicates), computes the quota
// usage and returns the Tree.
func (l *Loader) Finish() (*Tree, error) {
	if l.done {
		return nil, loadErr("loader already finished")
	}
	l.done = true
	l.flushIDs()
	l.pending = nil
	t := l.t
	if !l.root {
		return nil, loadErr("the image has no root inode (%d)", RootID)
	}
	if l.lastID != 0 && l.maxID > l.lastID {
		return nil, loadErr("inode %d is above the last inode id %d", l.maxID, l.lastID)
	}
	t.lastID.Store(max(l.lastID, l.maxID, RootID))
	reached, err := l.settle()
	if err != nil {
		return nil, err
	}
	kept, err := l.finishSnapshots()
	if err != nil {
		return nil, err
	}
	reached += kept
	if l.snap != nil {
		t.chargeKept()
	}
	if total := t.nodes.live(); reached != total {
		return nil, l.unreachable(reached, total)
	}
	return t, nil
}

// frame is a directory being settled: its usage so far, the next child
// to visit, and the storage policy in effect for its children.
type frame struct {
	slot   uint32
	next   int
	use    counts
	policy uint8
}

// settle walks the tree from the root without recursion: it sorts each
// directory's children, sets the usage of quota directories, and counts
// the inodes it reaches.
func (l *Loader) settle() (int, error) {
	t := l.t
	v := view{t: t}
	if err := l.sortKids(rootSlot); err != nil {
		return 0, err
	}
	reached := 1
	stack := []frame{{slot: rootSlot, use: counts{ns: 1}, policy: t.localPolicy(v, rootSlot)}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		kids := t.dirs.at(t.nodes.at(f.slot).dirSlot()).kids
		if f.next < len(kids) {
			k := kids[f.next]
			f.next++
			reached++
			switch t.nodes.at(k).kind() {
			case kindDir:
				if err := l.sortKids(k); err != nil {
					return 0, err
				}
				p := f.policy
				if own := t.localPolicy(v, k); own != PolicyUnspecified {
					p = own
				}
				stack = append(stack, frame{slot: k, use: counts{ns: 1}, policy: p})
			case kindFile:
				n := t.nodes.at(k)
				p := n.policy()
				if p == PolicyUnspecified {
					p = f.policy
				}
				c := t.spaceOf(n, t.fileBytes(v, k), p)
				c.ns = 1
				f.use = f.use.add(c)
			default:
				f.use.ns++
			}
			continue
		}
		use := f.use
		if q := v.quota(f.slot); q != nil {
			q.store(use)
		}
		stack = stack[:len(stack)-1]
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			top.use = top.use.add(use)
		}
	}
	return reached, nil
}

// sortKids puts a directory's children in Hadoop's order, which images
// written since HDFS-13693 already have, and refuses duplicate names.
func (l *Loader) sortKids(dir uint32) error {
	t := l.t
	v := view{t: t}
	kids := t.dirs.at(t.nodes.at(dir).dirSlot()).kids
	byName := func(a, b uint32) int { return compareNames(v.name(a), v.name(b)) }
	if strictlySorted(kids, byName) {
		return nil // sorted without duplicates: one comparison per pair
	}
	slices.SortFunc(kids, byName)
	for i := 1; i < len(kids); i++ {
		if byName(kids[i-1], kids[i]) == 0 {
			return loadErr("directory %s (inode %d) has two children named %q (inodes %d and %d)",
				v.fullPath(dir), t.idOf(dir), v.name(kids[i]), t.idOf(kids[i-1]), t.idOf(kids[i]))
		}
	}
	return nil
}

func strictlySorted(kids []uint32, cmp func(a, b uint32) int) bool {
	for i := 1; i < len(kids); i++ {
		if cmp(kids[i-1], kids[i]) >= 0 {
			return false
		}
	}
	return true
}

// unreachable names an inode the walk from the root did not reach.
func (l *Loader) unreachable(reached, total int) error {
	t := l.t
	for s := uint32(1); s < t.nodes.used; s++ {
		if n := t.nodes.at(s); n.kind() != kindFree && n.parent == nilSlot {
			return loadErr("%d of %d inodes are not in the tree: inode %d (%q) is in no directory",
				total-reached, total, n.id, t.names.get(n.nameRef()))
		}
	}
	return loadErr("%d of %d inodes are not in the tree: their directories form a cycle", total-reached, total)
}

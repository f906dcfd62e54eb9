package namespace

import (
	"math"
	"slices"
)

// Saving snapshots: ImageWalk gives the snapshot state in the shapes of
// Hadoop's image (FSImageFormatPBSnapshot.Saver), the inverse of
// snapload.go. Each version becomes a diff: its attributes as the copy
// (a file's always, a directory's when they differ from the next state's
// or the directory is out of the live tree, as a deletion records them),
// a file's length and, when the next state's blocks cut to that length
// are not the version's, its blocks; a directory's created and deleted
// children against the next state. A child that changed place or name
// after a snapshot (it carries a rename mark) is a reference: in the
// deleted lists under the name it had (WithName), and where it lives now
// (DstReference).

// CurrentStateID is Snapshot.CURRENT_STATE_ID, the DstReference snapshot
// id of a rename into a place no snapshot sees.
const CurrentStateID = math.MaxInt32 - 1

// SnapshotSection returns the snapshottable directories, by inode id, and
// their snapshots, directory by directory in that order and by name
// (SnapshotManager.getSnapshottableDirs, snapshotsByNames).
func (w *ImageWalk) SnapshotSection() (dirs []int64, snaps []Snapshot) {
	t := w.t
	slots := make([]uint32, 0, len(t.snap.dirs))
	for d := range t.snap.dirs {
		slots = append(slots, d)
	}
	slices.SortFunc(slots, func(a, b uint32) int { return cmpInt64(t.idOf(a), t.idOf(b)) })
	for _, d := range slots {
		dirs = append(dirs, t.idOf(d))
		for _, s := range t.shards[shardOf(d)].sdir[d].snaps {
			snaps = append(snaps, w.snapshotOf(d, s))
		}
	}
	return dirs, snaps
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (w *ImageWalk) snapshotOf(d uint32, s *snapInfo) Snapshot {
	t := w.t
	r := &s.root
	root := Inode{ID: t.idOf(d), Type: InodeDir, Name: []byte(s.name), Mtime: r.mtime,
		Perm:    PermissionStatus{User: t.owner(r), Group: t.group(r), Mode: r.mode()},
		NSQuota: quotaReset, SSQuota: quotaReset, XAttrs: s.xattrs, ACL: s.acl}
	if q := w.v.quota(d); q != nil {
		root.NSQuota, root.SSQuota = q.ns, q.ss
	}
	return Snapshot{ID: s.id, Root: root}
}

// NumSnapshots is the number of snapshots (SnapshotSection.numSnapshots).
func (w *ImageWalk) NumSnapshots() int { return len(w.t.snap.live) }

// Renamed is a reference in an image: a child that changed place or name
// after a snapshot saw it.
type Renamed struct {
	ID           int64
	DstSnapshot  int32 // where it lives: the newest snapshot that sees it there, or CurrentStateID
	Name         []byte
	LastSnapshot int32 // where it was (WithName): the snapshot that saw it there
}

// DirEntries calls fn for every directory that has children, in the
// order of Inodes: the children held by id and those held by reference
// (renamed there after a snapshot saw them elsewhere), each in name
// order. The slices are valid only during the call.
func (w *ImageWalk) DirEntries(fn func(parent int64, children []int64, refs []Renamed) error) error {
	t := w.t
	var refs []Renamed
	for s := uint32(0); s < t.nodes.used; s++ {
		rec := t.nodes.at(s)
		if !rec.isDir() {
			continue
		}
		kids := t.dirs.at(rec.dirSlot()).kids
		if len(kids) == 0 {
			continue
		}
		w.kids, refs = w.kids[:0], refs[:0]
		for _, k := range kids {
			if m, ok := t.snap.marks[k]; ok {
				refs = append(refs, Renamed{ID: t.idOf(k), DstSnapshot: w.dstSnapshot(s, m)})
				continue
			}
			w.kids = append(w.kids, t.idOf(k))
		}
		if err := fn(rec.id, w.kids, refs); err != nil {
			return err
		}
	}
	return nil
}

// dstSnapshot is the DstReference snapshot id of a child of d renamed
// there with mark m: Hadoop records the newest snapshot that saw d when
// the rename happened, which the namespace does not keep. The newest
// one that sees d and is not after m is that one when the rename stayed
// under one snapshottable directory (the common case); CurrentStateID
// when there is none.
func (w *ImageWalk) dstSnapshot(d uint32, m int32) int32 {
	t := w.t
	best := int32(-1)
	for s := d; s != nilSlot; s = t.nodes.at(s).parent {
		if mk, ok := t.snap.marks[s]; ok && mk <= m {
			best = max(best, mk)
		}
		if sd := t.shards[shardOf(s)].sdir[s]; sd != nil {
			for _, sn := range sd.snaps {
				if sn.id <= m {
					best = max(best, sn.id)
				}
			}
		}
	}
	if best = t.snap.clamp(best); best < 0 {
		return CurrentStateID
	}
	return best
}

// InodeDiffs is one inode's diff list, newest first as Hadoop writes it.
type InodeDiffs struct {
	ID        int64
	Dir       bool
	DirDiffs  []SavedDirDiff
	FileDiffs []FileDiff
}

// SavedDirDiff is a directory diff as an image holds it: DirDiff with the
// number of children then, and the deleted list split into inodes and
// references, in name order.
type SavedDirDiff struct {
	DirDiff
	ChildrenSize int
}

// SnapshotDiffs calls fn for every inode with a diff list, in the order
// of Inodes: those with versions, the snapshottable directories and the
// root (Hadoop's root always has a, possibly empty, list). The value is
// valid only during the call.
func (w *ImageWalk) SnapshotDiffs(fn func(d *InodeDiffs) error) error {
	t := w.t
	for s := uint32(0); s < t.nodes.used; s++ {
		n := t.nodes.at(s)
		if n.kind() == kindFree {
			continue
		}
		h := t.shards[shardOf(s)].hist[s]
		if n.isSymlink() || len(h) == 0 && s != rootSlot && t.shards[shardOf(s)].sdir[s] == nil {
			continue // Hadoop keeps no diffs of symlinks: see symlinkDiffs
		}
		d := &InodeDiffs{ID: n.id, Dir: n.isDir()}
		for i := len(h) - 1; i >= 0; i-- {
			if d.Dir {
				d.DirDiffs = append(d.DirDiffs, w.dirDiff(s, h, i))
			} else {
				d.FileDiffs = append(d.FileDiffs, w.fileDiff(s, h, i))
			}
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

// symlinkDiffs: Hadoop keeps a symlink as a snapshot saw it only in
// memory (a copy in its parent's diff, which an image names by the
// symlink's own id), so an image loses a symlink's older attributes and
// keeps only the name it had, through a rename's reference. The same
// goes for the images written here.

// next returns the state after version i: the next version, or the
// inode itself (nil).
func next(h []version, i int) *version {
	if i+1 < len(h) {
		return &h[i+1]
	}
	return nil
}

func (w *ImageWalk) inodeOf(rec *inode, name uint64, xattrs []XAttr, acl []AclEntry) *Inode {
	t := w.t
	n := &Inode{ID: rec.id, Name: t.names.get(name), Mtime: rec.mtime, Atime: rec.atime,
		Perm: PermissionStatus{User: t.owner(rec), Group: t.group(rec), Mode: rec.mode()}, XAttrs: xattrs, ACL: acl}
	switch rec.kind() {
	case kindDir:
		n.Type, n.Atime, n.NSQuota, n.SSQuota = InodeDir, 0, quotaReset, quotaReset
	case kindFile:
		n.Type, n.Replication, n.BlockSize, n.StoragePolicy = InodeFile, rec.replication(), rec.blockSize(), rec.policy()
	}
	return n
}

func (w *ImageWalk) fileDiff(slot uint32, h []version, i int) FileDiff {
	t := w.t
	v := &h[i]
	blocks := t.chainBlocks(v.rec.b)
	var size int64
	for _, b := range blocks {
		size += b.NumBytes
	}
	d := FileDiff{Snapshot: v.sid, Size: size, Copy: w.inodeOf(&v.rec, v.rec.nameRef(), v.xattrs, v.acl)}
	later := t.nodes.at(slot).b
	if nv := next(h, i); nv != nil {
		later = nv.rec.b
	}
	// Hadoop records the blocks when a file is renamed out of a snapshot
	// (and on truncate, which leaves other blocks than the next state's).
	m, renamed := t.snap.marks[slot]
	if renamed && t.snap.clamp(m) == v.sid || !sameBlocks(cut(t.chainBlocks(later), size), blocks) {
		d.HasBlocks, d.Blocks = true, blocks
	}
	return d
}

// cut is the first size bytes of blocks, as a loader reads a diff without
// blocks.
func cut(blocks []Block, size int64) []Block {
	var out []Block
	for _, b := range blocks {
		if size <= 0 {
			break
		}
		b.NumBytes = min(b.NumBytes, size)
		size -= b.NumBytes
		out = append(out, b)
	}
	return out
}

// sameBlocks compares block ids and lengths: a diff keeps no generation
// stamps of its own (Hadoop's snapshots read the current ones).
func sameBlocks(a, b []Block) bool {
	return slices.EqualFunc(a, b, func(x, y Block) bool { return x.ID == y.ID && x.NumBytes == y.NumBytes })
}

// child is a directory's child in one state, with its name there.
type child struct {
	slot uint32
	name []byte
}

func (w *ImageWalk) childrenAt(kids []uint32, sid int32) []child {
	out := make([]child, len(kids))
	for i, k := range kids {
		out[i] = child{k, w.t.nameAt(k, sid)}
	}
	return out
}

func namesOf(cs []child) map[uint32]string {
	m := make(map[uint32]string, len(cs))
	for _, c := range cs {
		m[c.slot] = string(c.name)
	}
	return m
}

func (w *ImageWalk) dirDiff(slot uint32, h []version, i int) SavedDirDiff {
	t := w.t
	v := &h[i]
	then := w.childrenAt(t.dirs.at(v.rec.dirSlot()).kids, v.sid)
	nextKids, nextSid := t.dirs.at(t.nodes.at(slot).dirSlot()).kids, int32(math.MaxInt32)
	nv := next(h, i)
	if nv != nil {
		nextKids, nextSid = t.dirs.at(nv.rec.dirSlot()).kids, nv.sid
	}
	after := w.childrenAt(nextKids, nextSid)
	d := SavedDirDiff{DirDiff: DirDiff{Snapshot: v.sid}, ChildrenSize: len(then)}
	thenNames, afterNames := namesOf(then), namesOf(after)
	for _, c := range after {
		if n, ok := thenNames[c.slot]; !ok || n != string(c.name) {
			d.Created = append(d.Created, c.name)
		}
	}
	for _, c := range then {
		if n, ok := afterNames[c.slot]; ok && n == string(c.name) {
			continue
		}
		dc := DeletedChild{ID: t.idOf(c.slot)}
		if _, ok := t.snap.marks[c.slot]; ok {
			dc.Renamed, dc.Name, dc.LastSnapshot = true, c.name, v.sid
		}
		d.Deleted = append(d.Deleted, dc)
	}
	slices.SortFunc(d.Created, compareNames)
	if w.isOwnSnapshot(slot, v.sid) {
		d.SnapshotRoot = true
		return d
	}
	var na attrsOf
	if nv != nil {
		na = attrsOf{&nv.rec, nv.xattrs, nv.acl}
	} else {
		xs, acl := t.featuresOf(w.v, slot)
		na = attrsOf{t.nodes.at(slot), xs, acl}
	}
	if !(attrsOf{&v.rec, v.xattrs, v.acl}).same(t, na) || !w.v.attached(slot) {
		d.Copy = w.inodeOf(&v.rec, v.rec.nameRef(), v.xattrs, v.acl)
	}
	return d
}

// attrsOf is what a directory diff's copy holds.
type attrsOf struct {
	rec    *inode
	xattrs []XAttr
	acl    []AclEntry
}

func (a attrsOf) same(t *Tree, b attrsOf) bool {
	return a.rec.perm == b.rec.perm && a.rec.mtime == b.rec.mtime &&
		string(t.names.get(a.rec.nameRef())) == string(t.names.get(b.rec.nameRef())) &&
		slices.EqualFunc(a.xattrs, b.xattrs, func(x, y XAttr) bool {
			return x.NS == y.NS && x.Name == y.Name && string(x.Value) == string(y.Value)
		}) && slices.Equal(a.acl, b.acl)
}

func (w *ImageWalk) isOwnSnapshot(d uint32, sid int32) bool {
	sd := w.t.shards[shardOf(d)].sdir[d]
	return sd != nil && slices.ContainsFunc(sd.snaps, func(s *snapInfo) bool { return s.id == sid })
}

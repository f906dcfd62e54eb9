package namespace

import (
	"math"
	"slices"
)

// Turning an image's diff lists into versions (see snapload.go): files
// first, then directories' attributes, then the names renamed children
// had, then directories' children, which need every child's name in
// each snapshot.

// attrs is an inode's attributes in a snapshot: its record (without
// children or blocks yet) and features.
type attrs struct {
	rec    inode
	xattrs []XAttr
	acl    []AclEntry
}

func (l *Loader) current(slot uint32) attrs {
	f := l.t.shards[shardOf(slot)].feat[slot]
	return attrs{rec: *l.t.nodes.at(slot), xattrs: f.xattrs, acl: f.acl}
}

// fromCopy applies a diff's copy of an inode to next's record.
func (l *Loader) fromCopy(next attrs, c *Inode, file bool) (attrs, error) {
	a := attrs{rec: next.rec, xattrs: cloneXAttrs(c.XAttrs), acl: slices.Clone(c.ACL)}
	if len(a.xattrs) == 0 {
		a.xattrs = nil
	}
	if len(a.acl) == 0 {
		a.acl = nil
	}
	a.rec.perm, a.rec.mtime = l.perm(c.Perm), c.Mtime
	if len(c.Name) > 0 {
		a.rec.setName(l.t.names.put(c.Name))
	}
	if file {
		_, h, err := l.header(c)
		if err != nil {
			return attrs{}, err
		}
		a.rec.a, a.rec.atime = h, c.Atime
	}
	return a, nil
}

func (l *Loader) addVersionOf(slot uint32, sid int32, a attrs) {
	t := l.t
	sh := &t.shards[shardOf(slot)]
	if sh.hist == nil {
		sh.hist = map[uint32][]version{}
	}
	sh.hist[slot] = append(sh.hist[slot], version{sid: sid, rec: a.rec, xattrs: a.xattrs, acl: a.acl})
	t.snap.versions++
}

// checkLabels refuses diffs for snapshot ids that cannot have been
// taken, and two diffs for one snapshot.
func (l *Loader) checkLabels(id int64, sids []int32) error {
	for i, sid := range sids {
		switch {
		case sid < 0 || sid >= l.t.snap.counter:
			return loadErr("inode %d has a diff for snapshot %d, outside [0, %d)", id, sid, l.t.snap.counter)
		case i > 0 && sids[i-1] == sid:
			return loadErr("inode %d has two diffs for snapshot %d", id, sid)
		}
	}
	return nil
}

// fileVersions makes the versions of every file with diffs, newest
// first: each takes the blocks its diff recorded, else those of the next
// diff that recorded some, else the file's own, cut to its length.
func (l *Loader) fileVersions() error {
	t := l.t
	for _, id := range sortedKeys(l.snap.fileDiffs) {
		diffs := l.snap.fileDiffs[id]
		slot, err := l.slotOf(id, "file diff")
		if err != nil {
			return err
		}
		if !t.nodes.at(slot).isFile() {
			return loadErr("inode %d has file diffs but is not a file", id)
		}
		if err := l.checkLabels(id, fileLabels(diffs)); err != nil {
			return err
		}
		vers := make([]version, len(diffs))
		next := l.current(slot)
		blocks := t.chainBlocks(t.nodes.at(slot).b)
		for i := len(diffs) - 1; i >= 0; i-- {
			d := &diffs[i]
			a := next
			if d.Copy != nil {
				if a, err = l.fromCopy(next, d.Copy, true); err != nil {
					return err
				}
			}
			if d.HasBlocks {
				blocks = d.Blocks
			}
			a.rec.b = l.chainOf(blocks, d.Size, d.HasBlocks)
			vers[i] = version{sid: d.Snapshot, rec: a.rec, xattrs: a.xattrs, acl: a.acl}
			next = a
		}
		for _, v := range vers {
			l.addVersionOf(slot, v.sid, attrs{rec: v.rec, xattrs: v.xattrs, acl: v.acl})
		}
	}
	return nil
}

// chainBlocks lists a chain's blocks.
func (t *Tree) chainBlocks(b uint32) []Block {
	var out []Block
	for ; b != 0; b = t.blocks.at(b - 1).next {
		r := t.blocks.at(b - 1)
		out = append(out, Block{ID: r.id, NumBytes: r.numBytes, GenStamp: r.genStamp, Complete: r.complete})
	}
	return out
}

// chainOf makes a block chain of the first size bytes of blocks (all of
// them when they hold less), as a snapshot of a file that long reads it;
// the empty blocks that end a diff's own list stay.
func (l *Loader) chainOf(blocks []Block, size int64, own bool) uint32 {
	cut := cut(blocks, size)
	if own {
		for _, b := range blocks[len(cut):] {
			if b.NumBytes != 0 {
				break
			}
			cut = append(cut, b)
		}
	}
	var n inode
	l.addBlocks(&n, cut)
	return n.b
}

// dirAttrVersions makes the versions of every directory with diffs,
// without their children yet.
func (l *Loader) dirAttrVersions() error {
	t := l.t
	for _, id := range sortedKeys(l.snap.dirDiffs) {
		diffs := l.snap.dirDiffs[id]
		slot, err := l.slotOf(id, "directory diff")
		if err != nil {
			return err
		}
		if !t.nodes.at(slot).isDir() {
			return loadErr("inode %d has directory diffs but is not a directory", id)
		}
		if err := l.checkLabels(id, dirLabels(diffs)); err != nil {
			return err
		}
		vers := make([]attrs, len(diffs))
		next := l.current(slot)
		for i := len(diffs) - 1; i >= 0; i-- {
			d := &diffs[i]
			a := next
			switch {
			case d.SnapshotRoot:
				info := l.snapInfoOf(slot, d.Snapshot)
				if info == nil {
					return loadErr("directory %d has a root diff for snapshot %d, which it does not have", id, d.Snapshot)
				}
				a = attrs{rec: info.root, xattrs: info.xattrs, acl: info.acl}
			case d.Copy != nil:
				if a, err = l.fromCopy(next, d.Copy, false); err != nil {
					return err
				}
			}
			vers[i] = a
			next = a
		}
		for i, a := range vers {
			l.addVersionOf(slot, diffs[i].Snapshot, a)
		}
	}
	return nil
}

func (l *Loader) snapInfoOf(d uint32, sid int32) *snapInfo {
	if sd := l.t.shards[shardOf(d)].sdir[d]; sd != nil {
		for _, s := range sd.snaps {
			if s.id == sid {
				return s
			}
		}
	}
	return nil
}

// renamedNames gives each rename source the name it had there, in the
// snapshot of the diff that lists it, and marks it renamed.
func (l *Loader) renamedNames() error {
	t := l.t
	for _, id := range sortedKeys(l.snap.dirDiffs) {
		for _, d := range l.snap.dirDiffs[id] {
			for _, c := range d.Deleted {
				if !c.Renamed {
					continue
				}
				slot, err := l.slotOf(c.ID, "renamed child")
				if err != nil {
					return err
				}
				if len(c.Name) == 0 {
					return loadErr("directory %d lists inode %d renamed away without a name", id, c.ID)
				}
				l.nameVersion(slot, d.Snapshot, c.Name)
				if m, ok := t.snap.marks[slot]; !ok || m < c.LastSnapshot {
					t.snap.marks[slot] = c.LastSnapshot
				}
			}
		}
	}
	return nil
}

// nameVersion makes slot read as name in snapshot sid.
func (l *Loader) nameVersion(slot uint32, sid int32, name []byte) {
	t := l.t
	sh := &t.shards[shardOf(slot)]
	h := sh.hist[slot]
	j := slices.IndexFunc(h, func(v version) bool { return v.sid >= sid })
	if j >= 0 && h[j].sid == sid {
		if string(t.names.get(h[j].rec.nameRef())) != string(name) {
			h[j].rec.setName(t.names.put(name))
		}
		return
	}
	var v version
	if j >= 0 {
		v = h[j]
	} else {
		a := l.current(slot)
		v = version{rec: a.rec, xattrs: a.xattrs, acl: a.acl}
	}
	if string(t.names.get(v.rec.nameRef())) == string(name) {
		return
	}
	v.sid = sid
	v.rec.setName(t.names.put(name))
	if v.rec.isFile() {
		v.rec.b = t.cloneChain(v.rec.b)
	}
	if j < 0 {
		j = len(h)
	}
	if sh.hist == nil {
		sh.hist = map[uint32][]version{}
	}
	sh.hist[slot] = slices.Insert(h, j, v)
	t.snap.versions++
}

// nameAt is slot's name as snapshot sid reads it (math.MaxInt32: now).
func (t *Tree) nameAt(slot uint32, sid int32) []byte {
	for _, v := range t.shards[shardOf(slot)].hist[slot] {
		if v.sid >= sid {
			return t.names.get(v.rec.nameRef())
		}
	}
	return t.names.get(t.nodes.at(slot).nameRef())
}

// dirKidVersions gives every directory version its children: from the
// current ones back, each diff's created children leave and its deleted
// ones come back.
func (l *Loader) dirKidVersions() error {
	t := l.t
	var dirs []uint32
	for s := range t.shards {
		for slot, h := range t.shards[s].hist {
			if len(h) > 0 && h[0].rec.isDir() {
				dirs = append(dirs, slot)
			}
		}
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		if err := l.dirKids(d); err != nil {
			return err
		}
	}
	return nil
}

func (l *Loader) dirKids(d uint32) error {
	t := l.t
	id := t.idOf(d)
	byLabel := map[int32]*DirDiff{}
	for i, dd := range l.snap.dirDiffs[id] {
		byLabel[dd.Snapshot] = &l.snap.dirDiffs[id][i]
	}
	h := t.shards[shardOf(d)].hist[d]
	next := t.dirs.at(t.nodes.at(d).dirSlot()).kids
	nextSid := int32(math.MaxInt32)
	for i := len(h) - 1; i >= 0; i-- {
		kids := slices.Clone(next)
		if dd := byLabel[h[i].sid]; dd != nil {
			var err error
			if kids, err = l.undo(id, kids, nextSid, dd); err != nil {
				return err
			}
		}
		sid := h[i].sid
		byName := func(a, b uint32) int { return compareNames(l.t.nameAt(a, sid), l.t.nameAt(b, sid)) }
		slices.SortFunc(kids, byName)
		for j := 1; j < len(kids); j++ {
			if byName(kids[j-1], kids[j]) == 0 {
				return loadErr("directory %d has two children named %q in snapshot %d", id, l.t.nameAt(kids[j], sid), sid)
			}
		}
		ds := t.dirs.alloc()
		*t.dirs.at(ds) = dirRec{kids: kids}
		h[i].rec.a = uint64(ds)
		for _, k := range kids {
			t.snap.vref[k]++
		}
		next, nextSid = kids, sid
	}
	return nil
}

// undo takes back one diff from the children of the state after it.
func (l *Loader) undo(id int64, kids []uint32, nextSid int32, dd *DirDiff) ([]uint32, error) {
	if len(dd.Created) > 0 {
		at := make(map[string]int, len(kids))
		for i, k := range kids {
			at[string(l.t.nameAt(k, nextSid))] = i
		}
		gone := make([]bool, len(kids))
		for _, name := range dd.Created {
			i, ok := at[string(name)]
			if !ok || gone[i] {
				return nil, loadErr("directory %d: the child %q created after snapshot %d is not there", id, name, dd.Snapshot)
			}
			gone[i] = true
		}
		kept := kids[:0]
		for i, k := range kids {
			if !gone[i] {
				kept = append(kept, k)
			}
		}
		kids = kept
	}
	if len(dd.Deleted) > 0 {
		has := make(map[uint32]bool, len(kids))
		for _, k := range kids {
			has[k] = true
		}
		for _, c := range dd.Deleted {
			slot, err := l.slotOf(c.ID, "deleted child")
			if err != nil {
				return nil, err
			}
			if slot == rootSlot || has[slot] {
				return nil, loadErr("directory %d lists inode %d as deleted after snapshot %d, but has it", id, c.ID, dd.Snapshot)
			}
			has[slot] = true
			kids = append(kids, slot)
		}
	}
	return kids, nil
}

package namespace

// Walking the whole tree for an image. Hadoop's saver
// (FSImageFormatPBINode.Saver) writes every inode in its inode map's
// order, then, in the same order, each directory that has children with
// the children's ids in name order. ImageWalk does the same in slot
// order, which for a tree loaded from an image is the image's own order,
// so that loading and saving an image can give back the same bytes.

// ImageWalk reads the whole tree for a saver. It is valid only inside the
// function given to Tree.WalkImage.
type ImageWalk struct {
	t      *Tree
	v      view
	n      Inode
	blocks []Block
	kids   []int64
}

// WalkImage runs fn with an ImageWalk over a tree that does not change
// while fn runs: it holds the writer lock, so mutations wait (as they do
// for Hadoop's saveNamespace) while readers go on.
func (t *Tree) WalkImage(fn func(w *ImageWalk) error) error {
	return t.write(func(w *wtx) error {
		return fn(&ImageWalk{t: t, v: w.view()})
	})
}

// Count is the number of inodes, the root included (numInodes).
func (w *ImageWalk) Count() int { return w.t.nodes.live() }

// LastInodeID is the last inode id allocated (lastInodeId).
func (w *ImageWalk) LastInodeID() int64 { return w.t.lastID.Load() }

// Path returns the full path of the inode with the given id.
func (w *ImageWalk) Path(id int64) (string, bool) {
	slot := w.v.slotOf(id)
	if slot == nilSlot {
		return "", false
	}
	return w.v.fullPath(slot), true
}

// Inodes calls fn for every inode, the root first. The Inode and the
// slices it holds are valid only during the call and must not be
// modified.
func (w *ImageWalk) Inodes(fn func(n *Inode) error) error {
	t := w.t
	for s := uint32(0); s < t.nodes.used; s++ {
		if t.nodes.at(s).kind() == kindFree {
			continue
		}
		if err := fn(w.fill(s)); err != nil {
			return err
		}
	}
	return nil
}

// fill describes the inode at slot in w.n.
func (w *ImageWalk) fill(slot uint32) *Inode {
	t, v := w.t, w.v
	rec := t.nodes.at(slot)
	n := &w.n
	*n = Inode{ID: rec.id, Name: v.name(slot), Mtime: rec.mtime, Atime: rec.atime,
		Perm: PermissionStatus{User: t.owner(rec), Group: t.group(rec), Mode: rec.mode()}}
	n.XAttrs, n.ACL = t.featuresOf(v, slot)
	switch rec.kind() {
	case kindDir:
		n.Type, n.Atime = InodeDir, 0
		n.NSQuota, n.SSQuota = quotaReset, quotaReset
		if q := v.quota(slot); q != nil {
			n.NSQuota, n.SSQuota = q.ns, q.ss
			n.TypeQuotas = q.typeQuotas()
		}
	case kindSymlink:
		n.Type, n.Target = InodeSymlink, t.names.get(rec.a)
	case kindFile:
		n.Type, n.Replication, n.BlockSize, n.StoragePolicy = InodeFile, rec.replication(), rec.blockSize(), rec.policy()
		w.blocks = w.blocks[:0]
		for b := rec.b; b != 0; {
			br := t.blocks.at(b - 1)
			w.blocks = append(w.blocks, Block{ID: br.id, NumBytes: br.numBytes, GenStamp: br.genStamp, Complete: br.complete})
			b = br.next
		}
		n.Blocks = w.blocks
		if l, ok := v.lease(slot); ok {
			n.UnderConstruction, n.ClientName, n.ClientMachine = true, l.client, l.machine
		}
	}
	return n
}

// Children calls fn for every directory that has children, in the order
// of Inodes, with the children's ids in name order. The slice is valid
// only during the call.
func (w *ImageWalk) Children(fn func(parent int64, children []int64) error) error {
	t := w.t
	for s := uint32(0); s < t.nodes.used; s++ {
		rec := t.nodes.at(s)
		if !rec.isDir() {
			continue
		}
		kids := t.dirs.at(rec.dirSlot()).kids
		if len(kids) == 0 {
			continue
		}
		w.kids = w.kids[:0]
		for _, k := range kids {
			w.kids = append(w.kids, t.nodes.at(k).id)
		}
		if err := fn(rec.id, w.kids); err != nil {
			return err
		}
	}
	return nil
}

// Snapshots returns the id the next snapshot gets and whether the tree
// has snapshot state an image must carry: snapshottable directories
// (the root's own feature aside), snapshots, or inodes kept for them.
func (w *ImageWalk) Snapshots() (counter int32, snapshottable bool) {
	s := &w.t.snap
	return s.counter, len(s.dirs) > 0 || s.busy()
}

package namespace

import (
	"bytes"
	"slices"
	"strconv"
)

// The building blocks of every mutation. They run under the writer's
// lock and take the shard locks of what they modify.

// newInode allocates and fills an inode record that is not yet linked.
func (t *Tree) newInode(w *wtx, id int64, k kind, ps PermissionStatus, mtime, atime int64) uint32 {
	slot := t.nodes.alloc()
	perm := packPerm(t.users.serial(ps.User), t.groups.serial(ps.Group), ps.Mode&ModeMask)
	*w.node(slot) = inode{id: id, perm: perm, mtime: mtime, atime: atime,
		name: uint64(k) << kindShift, parent: nilSlot}
	if k == kindDir {
		ds := t.dirs.alloc()
		*t.dirs.at(ds) = dirRec{}
		w.node(slot).a = uint64(ds)
	}
	w.lock(idLock)
	t.ids.put(id, slot, t.idOf)
	if id > t.lastID.Load() {
		t.lastID.Store(id)
	}
	return slot
}

// link makes slot the child called name of dir and adds delta, the
// child's quota usage, to the quota directories above it. The directory's
// modification time moves up to the child's, as INodeDirectory.addChild
// does.
func (t *Tree) link(w *wtx, dir, slot uint32, name []byte, delta counts) {
	d := w.dir(dir)
	i, _ := w.view().search(d.kids, name)
	n := w.node(slot)
	if cur := n.nameRef(); cur == 0 || !bytes.Equal(t.names.get(cur), name) {
		if cur != 0 {
			t.names.drop(cur)
		}
		n.setName(t.names.put(name))
	}
	n.parent = dir
	d.kids = slices.Insert(d.kids, i, slot)
	if p := w.node(dir); n.mtime > p.mtime {
		p.mtime = n.mtime
	}
	t.addUsageUp(dir, delta)
}

// unlink removes slot from its parent's children and its usage from the
// quota directories above, and returns that usage.
func (t *Tree) unlink(w *wtx, slot uint32) counts {
	v := w.view()
	delta := t.usage(v, slot)
	dir := v.node(slot).parent
	d := w.dir(dir)
	i, ok := v.search(d.kids, v.name(slot))
	if !ok || d.kids[i] != slot {
		panic("namespace: child missing from its parent")
	}
	d.kids = slices.Delete(d.kids, i, i+1)
	t.addUsageUp(dir, delta.neg())
	return delta
}

// touchDir moves a directory's modification time up to mtime
// (INode.updateModificationTime).
func (t *Tree) touchDir(w *wtx, dir uint32, mtime int64) {
	if p := w.node(dir); mtime > p.mtime {
		p.mtime = mtime
	}
}

// destroy frees an unlinked subtree and reports what it held; with
// snapshots, what a snapshot still holds is kept (discard).
func (t *Tree) destroy(w *wtx, slot uint32, rm *Removed) {
	if t.snap.busy() {
		t.discard(w, slot, rm)
		return
	}
	t.destroyRecord(w, slot, rm)
}

// destroyRecord frees slot's record and current state, and destroys its
// children.
func (t *Tree) destroyRecord(w *wtx, slot uint32, rm *Removed) {
	w.lock(shardOf(slot))
	n := t.nodes.at(slot)
	switch n.kind() {
	case kindDir:
		if m := t.shards[shardOf(slot)].sdir; m[slot] != nil {
			delete(m, slot)
			delete(t.snap.dirs, slot)
		}
		d := t.dirs.at(n.dirSlot())
		for _, k := range d.kids {
			t.destroy(w, k, rm)
		}
		if d.quota != 0 {
			t.quotas.release(d.quota - 1)
		}
		*d = dirRec{}
		t.dirs.release(n.dirSlot())
	case kindFile:
		t.freeBlocks(w, slot, rm)
		t.endTruncate(w, slot)
		if _, ok := t.shards[shardOf(slot)].lease[slot]; ok {
			delete(t.shards[shardOf(slot)].lease, slot)
			rm.LeaseIDs = append(rm.LeaseIDs, n.id)
		}
	case kindSymlink:
		t.names.drop(n.a)
	}
	t.dropFeatures(w, slot)
	t.names.drop(n.nameRef())
	w.lock(idLock)
	t.ids.del(n.id, t.idOf)
	*n = inode{parent: nilSlot}
	t.nodes.release(slot)
	rm.Inodes++
}

// freeBlocks releases a file's blocks.
func (t *Tree) freeBlocks(w *wtx, slot uint32, rm *Removed) {
	w.lock(shardOf(slot))
	n := t.nodes.at(slot)
	for b := n.b; b != 0; {
		blk := t.blocks.at(b - 1)
		rm.Blocks = append(rm.Blocks, blk.id)
		next := blk.next
		*blk = blockRec{}
		t.blocks.release(b - 1)
		b = next
	}
	n.b = 0
}

// nameRules are the checks FSDirectory.addLastINode makes on every new
// child, even when replaying edits: no /.reserved and no .snapshot.
func nameRules(parent uint32, name []byte) error {
	if parent == rootSlot && string(name) == dotReserved {
		return failMsg(ErrHadoopIllegalArgument, "File name \""+dotReserved+"\" is reserved and cannot "+
			"be created. If this is during upgrade change the name of the existing file or directory "+
			"to another name before upgrading to the new release.")
	}
	if string(name) == dotSnapshot {
		return failMsg(ErrHadoopIllegalArgument, "\""+dotSnapshot+"\" is a reserved name.")
	}
	return nil
}

// addCheck is the quota and size context of a child a live operation
// adds: its usage, and what an overwritten file it replaces frees first.
type addCheck struct {
	delta    counts // the new child's usage
	replaced counts // usage of the inode it replaces (create with overwrite)
	items    int    // children removed from the directory first
}

// checkAdd is what FSDirectory.addLastINode checks before a live
// operation adds a child at position pos of r, in Hadoop's order: the
// reserved name, the component length, the directory size, .snapshot and
// the quotas.
func (t *Tree) checkAdd(v view, r *resolved, pos int, name []byte, c addCheck) error {
	parent := r.nodes[pos-1]
	if parent == rootSlot && string(name) == dotReserved {
		return nameRules(parent, name)
	}
	parentPath := r.pathTo(pos - 1)
	if err := t.checkComponentLength(name, parentPath); err != nil {
		return err
	}
	if err := t.checkDirItems(v, parent, parentPath, c.items); err != nil {
		return err
	}
	if err := nameRules(parent, name); err != nil {
		return err
	}
	return t.verifyQuota(v, r, pos, c.delta, nilSlot, c.replaced)
}

// checkComponentLength is FSDirectory.verifyMaxComponentLength.
func (t *Tree) checkComponentLength(name []byte, parentPath string) error {
	limit := t.cfg.MaxComponentLength
	if limit == 0 || len(name) <= limit {
		return nil
	}
	return fail(ErrPathComponentTooLong, "The maximum path component name limit of %s in directory %s"+
		" is exceeded: limit=%d length=%d", name, parentPath, limit, len(name))
}

// checkDirItems is FSDirectory.verifyMaxDirItems.
func (t *Tree) checkDirItems(v view, dir uint32, dirPath string, removed int) error {
	count := len(v.dir(dir).kids) - removed
	if count < t.cfg.MaxDirectoryItems {
		return nil
	}
	return fail(ErrMaxDirectoryItems, "The directory item limit of %s is exceeded: limit=%d items=%d",
		dirPath, t.cfg.MaxDirectoryItems, count)
}

// nextID is the id the next new inode gets.
func (t *Tree) nextID() int64 { return t.lastID.Load() + 1 }

// burnID uses up an inode id without an inode: Hadoop allocates the id
// before FSDirectory.addLastINode's checks, so a new inode that fails
// them leaves a gap in the ids (which no record shows).
func (t *Tree) burnID() { t.lastID.Add(1) }

// clampReplication is BlockManager.adjustReplication.
func (t *Tree) clampReplication(r int16) int16 {
	return int16(min(max(int(r), t.cfg.MinReplication), t.cfg.MaxReplication))
}

// verifyReplication is BlockManager.verifyReplication.
func (t *Tree) verifyReplication(src string, r int16, client string) error {
	var why string
	switch {
	case int(r) > t.cfg.MaxReplication:
		why = " exceeds maximum of " + strconv.Itoa(t.cfg.MaxReplication)
	case int(r) < t.cfg.MinReplication:
		why = " is less than the required minimum of " + strconv.Itoa(t.cfg.MinReplication)
	default:
		return nil
	}
	msg := "Requested replication factor of " + strconv.Itoa(int(r)) + why + " for " + src
	if client != "" {
		msg += ", clientName=" + client
	}
	return failMsg(ErrIO, msg)
}

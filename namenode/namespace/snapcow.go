package namespace

import (
	"slices"
)

// How snapshots keep what they saw: copy on write of the inodes a
// snapshot may still need (see doc.go). An inode's versions are copies
// of its record, each labelled with a snapshot id: the version labelled
// s is the inode as every snapshot with an id in (previous label, s]
// saw it, and snapshots after the last label see the inode as it is.
// The writer makes a version the first time a mutation touches an inode
// (wtx.node) that the newest snapshot able to see it has not yet copied.

// version is an inode as snapshots saw it. rec is a copy of the record
// in which a directory's dir slot is a frozen copy of its children (with
// no quota) and a file's block list is a copy of its block records.
type version struct {
	sid    int32
	rec    inode
	xattrs []XAttr
	acl    []AclEntry
}

// busy reports whether there is snapshot bookkeeping to keep up: a
// snapshot, or versions and kept inodes not yet released.
func (s *snapState) busy() bool { return len(s.live) > 0 || s.versions > 0 || len(s.orphan) > 0 }

// clamp is the newest existing snapshot id not after l, -1 for none.
func (s *snapState) clamp(l int32) int32 {
	i, found := slices.BinarySearch(s.live, l)
	if found {
		return l
	}
	if i == 0 {
		return -1
	}
	return s.live[i-1]
}

// latestRaw is the newest snapshot that may see slot where it stands: the
// newest snapshot of a snapshottable directory above it, or of a place an
// inode above it was renamed out of (INodesInPath.getLatestSnapshotId
// with its reference nodes). It may name a deleted snapshot.
func (t *Tree) latestRaw(slot uint32) int32 {
	l := int32(-1)
	for s := slot; s != nilSlot; s = t.nodes.at(s).parent {
		if m, ok := t.snap.marks[s]; ok {
			l = max(l, m)
		}
		if sd := t.shards[shardOf(s)].sdir[s]; sd != nil {
			l = max(l, sd.last)
		}
	}
	return l
}

// seenBy returns the newest existing snapshot that may see slot as it is
// now, and whether there is one: slot must have existed when it was
// taken (inode ids only grow).
func (t *Tree) seenBy(slot uint32) (int32, bool) {
	l := t.snap.clamp(t.latestRaw(slot))
	if l < 0 || t.nodes.at(slot).id > t.snap.lastIDs[l] {
		return -1, false
	}
	return l, true
}

// cow copies slot before the writer changes it, if a snapshot may still
// need it as it is. The caller holds slot's shard.
func (t *Tree) cow(w *wtx, slot uint32) {
	if w.cowed[slot] {
		return
	}
	if w.cowed == nil {
		w.cowed = map[uint32]bool{}
	}
	w.cowed[slot] = true
	n := t.nodes.at(slot)
	if n.kind() == kindFree || t.snap.orphan[slot] {
		return
	}
	l, ok := t.seenBy(slot)
	if !ok {
		return
	}
	h := t.shards[shardOf(slot)].hist[slot]
	if len(h) > 0 && h[len(h)-1].sid >= l {
		return
	}
	t.addVersion(slot, l)
}

// addVersion labels a copy of slot's current state with sid.
func (t *Tree) addVersion(slot uint32, sid int32) {
	n := t.nodes.at(slot)
	ver := version{sid: sid, rec: *n}
	switch n.kind() {
	case kindDir:
		kids := slices.Clone(t.dirs.at(n.dirSlot()).kids)
		ds := t.dirs.alloc()
		*t.dirs.at(ds) = dirRec{kids: kids}
		ver.rec.a = uint64(ds)
		for _, k := range kids {
			t.snap.vref[k]++
		}
	case kindFile:
		ver.rec.b = t.cloneChain(n.b)
	}
	sh := &t.shards[shardOf(slot)]
	f := sh.feat[slot]
	ver.xattrs, ver.acl = f.xattrs, f.acl
	if sh.hist == nil {
		sh.hist = map[uint32][]version{}
	}
	sh.hist[slot] = append(sh.hist[slot], ver)
	t.snap.versions++
}

// cloneChain copies a block list (first slot + 1) and returns the copy's.
func (t *Tree) cloneChain(b uint32) uint32 {
	var first, prev uint32
	for ; b != 0; b = t.blocks.at(b - 1).next {
		s := t.blocks.alloc()
		*t.blocks.at(s) = *t.blocks.at(b - 1)
		t.blocks.at(s).next = 0
		if prev == 0 {
			first = s + 1
		} else {
			t.blocks.at(prev - 1).next = s + 1
		}
		prev = s + 1
	}
	return first
}

// chainIDs appends the block ids of a chain.
func (t *Tree) chainIDs(ids []int64, b uint32) []int64 {
	for ; b != 0; b = t.blocks.at(b - 1).next {
		ids = append(ids, t.blocks.at(b-1).id)
	}
	return ids
}

// releaseChain frees a chain's records and reports, once, the ids that
// keep does not hold.
func (t *Tree) releaseChain(b uint32, keep []int64, rm *Removed) {
	for b != 0 {
		r := t.blocks.at(b - 1)
		next := r.next
		if !slices.Contains(keep, r.id) && !slices.Contains(rm.Blocks, r.id) {
			rm.Blocks = append(rm.Blocks, r.id)
		}
		*r = blockRec{}
		t.blocks.release(b - 1)
		b = next
	}
}

// snapshotBlocks lists the block ids slot's versions hold.
func (t *Tree) snapshotBlocks(slot uint32) []int64 {
	var ids []int64
	for _, v := range t.shards[shardOf(slot)].hist[slot] {
		ids = t.chainIDs(ids, v.rec.b)
	}
	return ids
}

// inSnapshot is INode.isInLatestSnapshot, conservatively: a snapshot may
// see slot as it is.
func (t *Tree) inSnapshot(slot uint32) bool {
	_, ok := t.seenBy(slot)
	return ok
}

// seenInPlace is inSnapshot without slot's own rename mark: a snapshot
// may see slot where it stands (INode.isInLatestSnapshot). An inode that
// only its own mark shows to a snapshot is, in Hadoop, a reference whose
// other reference a snapshot holds (WithCount with a count above one).
func (t *Tree) seenInPlace(slot uint32) bool {
	n := t.nodes.at(slot)
	l := t.snap.clamp(t.latestRaw(n.parent))
	return l >= 0 && n.id <= t.snap.lastIDs[l]
}

// markMoved records, before slot leaves its place in a rename, the newest
// snapshot that may see it there: the inode and what is below it stay
// visible to that snapshot wherever they go (Hadoop's WithName reference).
func (t *Tree) markMoved(slot uint32) {
	n := t.nodes.at(slot)
	l := t.snap.clamp(t.latestRaw(n.parent))
	if l < 0 || n.id > t.snap.lastIDs[l] {
		return
	}
	if m, ok := t.snap.marks[slot]; !ok || m < l {
		t.snap.marks[slot] = l
	}
}

// discard disposes of an inode just taken out of the tree (its parent
// pointer still names its old parent): it is freed unless a snapshot's
// copy of a directory still lists it, in which case it is kept, detached,
// until the last such snapshot goes. A kept inode drops its lease; when
// no snapshot reads its current state (it has a version for the newest
// snapshot that may see it) its current children and blocks go too.
func (t *Tree) discard(w *wtx, slot uint32, rm *Removed) {
	if t.snap.vref[slot] == 0 {
		t.free(w, slot, rm)
		return
	}
	w.lock(shardOf(slot))
	n := t.nodes.at(slot)
	t.endLease(w, slot, rm)
	h := t.shards[shardOf(slot)].hist[slot]
	if l, ok := t.seenBy(slot); !ok || len(h) > 0 && h[len(h)-1].sid >= l {
		t.dropCurrent(w, slot, rm)
	} else if n.isDir() {
		t.endLeasesBelow(w, slot, rm)
	}
	t.setHome(slot, t.homeOf(slot, n.parent))
	w.kept = append(w.kept, slot)
	t.snap.orphan[slot] = true
	t.orphans.Add(1)
	n.parent = nilSlot
}

// endLease ends the lease and truncate recovery of a file leaving the
// tree.
func (t *Tree) endLease(w *wtx, slot uint32, rm *Removed) {
	n := t.nodes.at(slot)
	if !n.isFile() {
		return
	}
	t.endTruncate(w, slot)
	if _, ok := t.shards[shardOf(slot)].lease[slot]; ok {
		delete(t.shards[shardOf(slot)].lease, slot)
		rm.LeaseIDs = append(rm.LeaseIDs, n.id)
	}
}

// endLeasesBelow ends the leases of the files below a kept directory
// whose current children stay with it for a snapshot: deleted from the
// tree all the same, they are no longer being written, as Hadoop's
// cleanSubtree hands every file under construction it deletes to
// removeLeasesAndINodes.
func (t *Tree) endLeasesBelow(w *wtx, slot uint32, rm *Removed) {
	for _, k := range t.dirs.at(t.nodes.at(slot).dirSlot()).kids {
		w.lock(shardOf(k))
		if t.nodes.at(k).isDir() {
			t.endLeasesBelow(w, k, rm)
		} else {
			t.endLease(w, k, rm)
		}
	}
}

// dropCurrent lets go of a kept inode's current children and blocks.
func (t *Tree) dropCurrent(w *wtx, slot uint32, rm *Removed) {
	n := t.nodes.at(slot)
	switch n.kind() {
	case kindDir:
		d := t.dirs.at(n.dirSlot())
		kids := d.kids
		d.kids = nil
		for _, k := range kids {
			t.discard(w, k, rm)
		}
	case kindFile:
		t.syncStates(slot)
		t.releaseChain(n.b, t.snapshotBlocks(slot), rm)
		n.b = 0
	}
}

// free releases an inode no snapshot and no directory holds any more:
// its versions, its current state and its record.
func (t *Tree) free(w *wtx, slot uint32, rm *Removed) {
	w.lock(shardOf(slot))
	homed := t.release(w, slot)
	defer t.rehome(w, homed)
	sh := &t.shards[shardOf(slot)]
	n := t.nodes.at(slot)
	h := sh.hist[slot]
	delete(sh.hist, slot)
	keep := t.chainIDs(nil, n.b)
	for i := range h {
		t.releaseVersion(w, &h[i], keep, rm)
	}
	if t.snap.orphan[slot] {
		delete(t.snap.orphan, slot)
		t.orphans.Add(-1)
	}
	delete(t.snap.marks, slot)
	delete(t.snap.vref, slot)
	mark := len(w.kept)
	t.destroyRecord(w, slot, rm) // current children a snapshot holds are kept
	t.chargeKeptSince(w, mark)
}

// releaseVersion frees a version's copies: the children it listed lose a
// reference (kept inodes left with none are freed) and the blocks only it
// held are reported.
func (t *Tree) releaseVersion(w *wtx, ver *version, keep []int64, rm *Removed) {
	t.snap.versions--
	switch ver.rec.kind() {
	case kindDir:
		ds := ver.rec.dirSlot()
		kids := t.dirs.at(ds).kids
		*t.dirs.at(ds) = dirRec{}
		t.dirs.release(ds)
		for _, k := range kids {
			t.snap.vref[k]--
			if t.snap.vref[k] > 0 {
				continue
			}
			delete(t.snap.vref, k)
			if t.snap.orphan[k] {
				t.free(w, k, rm)
			}
		}
	case kindFile:
		t.releaseChain(ver.rec.b, keep, rm)
	}
}

// dropSnapshot forgets snapshot id of directory root: each version
// labelled id is relabelled with the previous snapshot that may see the
// inode when that one still needs it, else released, with what only it
// held.
func (t *Tree) dropSnapshot(w *wtx, root uint32, id int32, rm *Removed) {
	i, _ := slices.BinarySearch(t.snap.live, id)
	t.snap.live = slices.Delete(t.snap.live, i, i+1)
	delete(t.snap.lastIDs, id)
	rootPrior := t.priorAbove(root, id, false)
	var slots []uint32
	for s := range t.shards {
		for slot, h := range t.shards[s].hist {
			if slices.ContainsFunc(h, func(v version) bool { return v.sid == id }) {
				slots = append(slots, slot)
			}
		}
	}
	slices.Sort(slots)
	for _, slot := range slots {
		t.dropVersionOf(w, slot, id, max(rootPrior, t.priorAbove(slot, id, true)), rm)
	}
	for s, m := range t.snap.marks {
		if t.snap.clamp(m) < 0 {
			delete(t.snap.marks, s)
		}
	}
	for s := range t.snap.dirs {
		t.shards[shardOf(s)].sdir[s].last = t.shards[shardOf(s)].sdir[s].latest()
	}
}

// priorAbove is the newest existing snapshot before id that may see
// slot where it stands (as latestRaw, with rename marks when marks is
// set), -1 for none: a snapshot of a directory above it or, with marks,
// of a place an inode above it was renamed out of. A snapshot of any
// other directory never reads slot, so a version labelled with it would
// describe the inode to no one, with children whose names nothing keeps
// in step (Hadoop's prior is Snapshot.findLatestSnapshot of the
// snapshot root, then the inode's own diffs: DirectoryWithSnapshotFeature
// .cleanDirectory).
func (t *Tree) priorAbove(slot uint32, id int32, marks bool) int32 {
	p := int32(-1)
	for s := slot; s != nilSlot; s = t.nodes.at(s).parent {
		if m, ok := t.snap.marks[s]; ok && marks {
			p = max(p, t.snap.clamp(min(m, id-1)))
		}
		if sd := t.shards[shardOf(s)].sdir[s]; sd != nil {
			for _, sn := range sd.snaps {
				if sn.id < id {
					p = max(p, sn.id)
				}
			}
		}
	}
	return p
}

func (t *Tree) dropVersionOf(w *wtx, slot uint32, id, prior int32, rm *Removed) {
	w.lock(shardOf(slot))
	sh := &t.shards[shardOf(slot)]
	h := sh.hist[slot]
	i := slices.IndexFunc(h, func(v version) bool { return v.sid == id })
	if i < 0 {
		return // freed meanwhile
	}
	prev := int32(-1)
	if i > 0 {
		prev = h[i-1].sid
	}
	if prior > prev {
		h[i].sid = prior
		return
	}
	charged, before := t.keptCharge(w, slot)
	live := !charged && t.nodes.at(slot).isFile() && !t.snap.orphan[slot]
	var stored int64
	if live {
		stored = t.storedBytes(w.view(), slot)
	}
	ver := h[i]
	h = slices.Delete(h, i, i+1)
	if len(h) == 0 {
		delete(sh.hist, slot)
	} else {
		sh.hist[slot] = h
	}
	keep := t.chainIDs(t.snapshotBlocks(slot), t.nodes.at(slot).b)
	t.releaseKeptVersion(w, slot, &ver, keep, rm, charged, before)
	if live { // blocks only this version held (a truncate cut them) go
		t.chargeStored(w, slot, stored)
	}
}

// checkNoSnapshots is FSDirSnapshotOp.checkSnapshot: a directory with
// snapshots cannot be deleted, nor can anything above it.
func (t *Tree) checkNoSnapshots(v view, slot uint32) error {
	if len(t.snap.dirs) == 0 {
		return nil
	}
	n := v.node(slot)
	if !n.isDir() {
		return nil
	}
	if sd := t.snapDirOf(v, slot); sd != nil && len(sd.snaps) > 0 {
		p := v.fullPath(slot)
		return failMsg(ErrSnapshot, "The directory "+p+" cannot be deleted since "+p+
			" is snapshottable and already has snapshots")
	}
	for _, k := range v.dir(slot).kids {
		if err := t.checkNoSnapshots(v, k); err != nil {
			return err
		}
	}
	return nil
}

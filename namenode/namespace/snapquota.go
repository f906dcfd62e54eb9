package namespace

import (
	"slices"
)

// Quota usage of what only snapshots hold. Hadoop keeps a deleted inode
// a snapshot still sees in the deleted list of its parent's diff, and
// DirectoryWithSnapshotFeature.computeQuotaUsage4CurrentDirectory counts
// it in the usage of that parent and the directories above, with
// FileWithSnapshotFeature keeping the blocks of every version
// (INodeFile.storagespaceConsumed). So deleting an inode a snapshot holds
// releases only what no snapshot holds (FSDirDeleteOp.unprotectedDelete:
// cleanSubtree's quota delta), and deleting the snapshot releases the
// rest (DirectorySnapshottableFeature.removeSnapshot).
//
// Here a kept inode has a home: the directory whose newest version lists
// it (its parent when it was deleted, as Hadoop's deleted list; the
// lowest slot on a tie, which only renames make). Its usage (usageUnder:
// its current subtree, the kept inodes homed below it, and for a file
// the blocks of all its versions) counts in its home and the quota
// directories above, through kept directories up to the live tree; kept
// directories' own quota records are not kept up to date.

// setHome makes d the home of kept inode k.
func (t *Tree) setHome(k, d uint32) {
	if d == nilSlot {
		return
	}
	t.snap.home[k] = d
	t.snap.homed[d] = append(t.snap.homed[d], k)
}

// unhome forgets k's home.
func (t *Tree) unhome(k uint32) {
	d, ok := t.snap.home[k]
	if !ok {
		return
	}
	delete(t.snap.home, k)
	ks := slices.DeleteFunc(t.snap.homed[d], func(s uint32) bool { return s == k })
	if len(ks) == 0 {
		delete(t.snap.homed, d)
	} else {
		t.snap.homed[d] = ks
	}
}

// lists reports how many versions of dir list k, and the newest label.
func (t *Tree) lists(dir, k uint32) (int32, int32) {
	var count int32
	sid := int32(-1)
	for _, v := range t.shards[shardOf(dir)].hist[dir] {
		if v.rec.kind() == kindDir && t.versionLists(v, k) {
			count++
			sid = max(sid, v.sid)
		}
	}
	return count, sid
}

// versionLists reports whether a directory version lists k: its
// children are in the order of their names as that snapshot saw them.
func (t *Tree) versionLists(v version, k uint32) bool {
	kids := t.dirs.at(v.rec.dirSlot()).kids
	name := t.nameAt(k, v.sid)
	i, found := slices.BinarySearchFunc(kids, name, func(a uint32, name []byte) int {
		return compareNames(t.nameAt(a, v.sid), name)
	})
	return found && kids[i] == k
}

// homeOf is the home kept inode k should have: the directory whose newest
// version lists it. hint, when it lists every copy of k, saves a scan.
func (t *Tree) homeOf(k, hint uint32) uint32 {
	if hint != nilSlot {
		if c, _ := t.lists(hint, k); c > 0 && c == t.snap.vref[k] {
			return hint
		}
	}
	best, bestSid := nilSlot, int32(-1)
	for s := range t.shards {
		for d := range t.shards[s].hist {
			if c, sid := t.lists(d, k); c > 0 && (sid > bestSid || sid == bestSid && d < best) {
				best, bestSid = d, sid
			}
		}
	}
	return best
}

// up is the next directory above s on a kept inode's way to the live
// tree: its parent, or for a kept inode its home.
func (t *Tree) up(s uint32) uint32 {
	if p := t.nodes.at(s).parent; p != nilSlot {
		return p
	}
	if d, ok := t.snap.home[s]; ok && t.snap.orphan[s] {
		return d
	}
	return nilSlot
}

// chainAdd adds delta to the quota directories above kept inode k.
func (t *Tree) chainAdd(k uint32, delta counts) {
	for s := t.up(k); s != nilSlot; s = t.up(s) {
		if !t.snap.orphan[s] {
			t.addUsageAt(s, delta)
		}
	}
}

// keptUsage is the usage kept inode k charges to the directories above.
func (t *Tree) keptUsage(v view, k uint32) counts {
	policy := uint8(PolicyUnspecified)
	for s := t.up(k); s != nilSlot; s = t.up(s) {
		if p := t.localPolicy(v, s); p != PolicyUnspecified {
			policy = p
			break
		}
	}
	return t.usageUnder(v, k, policy)
}

// keptBytes is the bytes of the distinct blocks of a kept file and its
// versions, before replication (INodeFile.storagespaceConsumed). Hadoop
// has one BlockInfo per block; here each version has its copy, and the
// newest one stands for it (an image keeps only that one's state).
func (t *Tree) keptBytes(slot uint32) int64 {
	n := t.nodes.at(slot)
	sum := t.fileBytes(view{t: t}, slot)
	seen := t.chainIDs(nil, n.b)
	h := t.shards[shardOf(slot)].hist[slot]
	for i := len(h) - 1; i >= 0; i-- { // one block, as its newest copy has it
		for b := h[i].rec.b; b != 0; b = t.blocks.at(b - 1).next {
			blk := t.blocks.at(b - 1)
			if slices.Contains(seen, blk.id) {
				continue
			}
			seen = append(seen, blk.id)
			if blk.complete {
				sum += blk.numBytes
			} else {
				sum += n.blockSize()
			}
		}
	}
	return sum
}

// homedUsage is the usage of the kept inodes homed at dir.
func (t *Tree) homedUsage(v view, dir uint32, policy uint8) counts {
	var c counts
	for _, k := range t.snap.homed[dir] {
		c = c.add(t.usageUnder(v, k, policy))
	}
	return c
}

// remove destroys an unlinked subtree and charges what snapshots keep of
// it to the quota directories above, as Hadoop's delete leaves it.
func (t *Tree) remove(w *wtx, slot uint32, rm *Removed) {
	mark := len(w.kept)
	t.destroy(w, slot, rm)
	t.chargeKeptSince(w, mark)
}

// chargeKeptSince charges the inodes kept since w.kept[mark] (by remove,
// or by free destroying a kept inode's current children) to the quota
// directories above, and takes them off w.kept. One whose way up passes
// through an inode kept meanwhile or still to be charged by an enclosing
// remove counts in that one's usage instead.
func (t *Tree) chargeKeptSince(w *wtx, mark int) {
	kept := slices.Clone(w.kept[mark:])
	if len(kept) == 0 {
		return
	}
	set := make(map[uint32]bool, len(w.kept))
	for _, k := range w.kept {
		set[k] = true
	}
	w.kept = w.kept[:mark]
	v := w.view()
	for _, k := range kept {
		if !t.snap.orphan[k] || t.below(k, set) {
			continue
		}
		t.chainAdd(k, t.keptUsage(v, k))
	}
}

// below reports whether kept inode k's way up passes through set.
func (t *Tree) below(k uint32, set map[uint32]bool) bool {
	for s := t.up(k); s != nilSlot; s = t.up(s) {
		if set[s] {
			return true
		}
	}
	return false
}

// release takes a kept inode about to be freed off the quota directories
// above, and unhomes the kept inodes homed at slot (their usage is part
// of slot's); it returns those, for rehome once slot is gone.
func (t *Tree) release(w *wtx, slot uint32) []uint32 {
	if _, ok := t.snap.home[slot]; ok && t.snap.orphan[slot] {
		t.chainAdd(slot, t.keptUsage(w.view(), slot).neg())
		t.unhome(slot)
	}
	ks := slices.Clone(t.snap.homed[slot])
	for _, k := range ks {
		t.unhome(k)
	}
	return ks
}

// rehome gives kept inodes that lost their home a new one, and charges
// them there.
func (t *Tree) rehome(w *wtx, ks []uint32) {
	for _, k := range ks {
		if !t.snap.orphan[k] {
			continue
		}
		if d := t.homeOf(k, nilSlot); d != nilSlot {
			t.setHome(k, d)
			t.chainAdd(k, t.keptUsage(w.view(), k))
		}
	}
}

// chargeKept sets the homes of the inodes an image keeps for snapshots
// and adds their usage to the quota directories above, once the live
// tree's usage is settled.
func (t *Tree) chargeKept() {
	v := view{t: t}
	var kept []uint32
	for s := range t.snap.orphan {
		kept = append(kept, s)
	}
	slices.Sort(kept)
	t.chargeHeld()
	homes := t.listers()
	for _, k := range kept {
		if h, ok := homes[k]; ok {
			t.setHome(k, h.dir)
		}
	}
	for _, k := range kept {
		t.recountQuotas(v, k)
	}
	for _, k := range kept {
		if _, ok := t.snap.home[k]; ok && !t.below(k, t.snap.orphan) {
			t.chainAdd(k, t.keptUsage(v, k))
		}
	}
}

// recountQuotas sets the usage of the quota directories in a kept
// subtree, which the walk from the root does not reach.
func (t *Tree) recountQuotas(v view, slot uint32) counts {
	n := t.nodes.at(slot)
	if !n.isDir() {
		return t.usageUnder(v, slot, PolicyUnspecified)
	}
	c := counts{ns: 1}
	for _, k := range t.dirs.at(n.dirSlot()).kids {
		c = c.add(t.recountQuotas(v, k))
	}
	for _, k := range t.snap.homed[slot] {
		c = c.add(t.recountQuotas(v, k))
	}
	if q := v.quota(slot); q != nil && !t.snap.orphan[slot] {
		q.store(c)
	}
	return c
}

// keptCharge reports whether slot is a kept file charged to the
// directories above, and what it charges.
func (t *Tree) keptCharge(w *wtx, slot uint32) (bool, counts) {
	if _, ok := t.snap.home[slot]; !ok || !t.snap.orphan[slot] || !t.nodes.at(slot).isFile() {
		return false, counts{}
	}
	return true, t.keptUsage(w.view(), slot)
}

// releaseKeptVersion is releaseVersion for a version dropVersionOf takes
// from slot: a kept file charges less when the blocks only that version
// held go, and kept inodes slot no longer lists move to their new home.
func (t *Tree) releaseKeptVersion(w *wtx, slot uint32, ver *version, keep []int64, rm *Removed,
	charged bool, before counts) {
	v := w.view()
	var kids []uint32
	if ver.rec.kind() == kindDir {
		kids = slices.Clone(t.dirs.at(ver.rec.dirSlot()).kids)
	}
	t.releaseVersion(w, ver, keep, rm)
	if charged {
		t.chainAdd(slot, t.keptUsage(v, slot).add(before.neg()))
	}
	for _, k := range kids {
		if d, ok := t.snap.home[k]; !ok || d != slot || !t.snap.orphan[k] {
			continue
		}
		if c, _ := t.lists(slot, k); c > 0 {
			continue
		}
		t.chainAdd(k, t.keptUsage(v, k).neg())
		t.unhome(k)
		t.rehome(w, []uint32{k})
	}
}

// syncStates gives the versions' copies of a kept file's blocks the
// state the file's own blocks have before they go: Hadoop has one
// BlockInfo per block, which snapshots read as it is now, and an image
// keeps only that state.
func (t *Tree) syncStates(slot uint32) {
	for b := t.nodes.at(slot).b; b != 0; b = t.blocks.at(b - 1).next {
		cur := t.blocks.at(b - 1)
		for _, ver := range t.shards[shardOf(slot)].hist[slot] {
			for vb := ver.rec.b; vb != 0; vb = t.blocks.at(vb - 1).next {
				if c := t.blocks.at(vb - 1); c.id == cur.id {
					c.complete = cur.complete
				}
			}
		}
	}
}

type homeCand struct {
	dir uint32
	sid int32
}

// listers is homeOf for every kept inode at once, in one pass over the
// directory versions.
func (t *Tree) listers() map[uint32]homeCand {
	best := map[uint32]homeCand{}
	for s := range t.shards {
		for d, h := range t.shards[s].hist {
			for _, v := range h {
				if v.rec.kind() != kindDir {
					continue
				}
				for _, k := range t.dirs.at(v.rec.dirSlot()).kids {
					if !t.snap.orphan[k] {
						continue
					}
					if b, ok := best[k]; !ok || v.sid > b.sid || v.sid == b.sid && d < b.dir {
						best[k] = homeCand{d, v.sid}
					}
				}
			}
		}
	}
	return best
}

package namespace

import (
	"errors"
	"slices"
)

// Blocks only a snapshot still holds. In Hadoop a snapshot diff of a
// file records a block list only when a truncate cuts blocks the
// snapshot saw (FileDiffList.saveSelf2Snapshot with blocks); those
// blocks stay, and INodeFile.storagespaceConsumed counts every distinct
// block of the file and its diffs. Here every version has its own copy
// of the blocks it saw, so for a file in the tree the blocks only its
// versions hold and that are complete are the ones a truncate cut (an
// abandoned block under construction leaves nothing a diff would keep).
// Their state is the copy of the newest version that has them: truncate
// first gives the copies the state the file's own blocks have, as
// Hadoop's one BlockInfo per block would.

// storedBytes is INodeFile.storagespaceConsumed before replication for
// a file in the tree: its blocks (incomplete ones at the preferred block
// size) and the complete blocks only its versions still hold.
func (t *Tree) storedBytes(v view, slot uint32) int64 {
	return t.fileBytes(v, slot) + t.heldBytes(v, slot)
}

// heldBytes is the bytes of the complete blocks slot's versions hold
// and its current block list does not.
func (t *Tree) heldBytes(v view, slot uint32) int64 {
	v.need(shardOf(slot))
	if v.snap != nil {
		return 0
	}
	h := t.shards[shardOf(slot)].hist[slot]
	if len(h) == 0 {
		return 0
	}
	cur := t.chainIDs(nil, t.nodes.at(slot).b)
	var seen []int64 // held blocks counted so far
	var sum int64
	for i := len(h) - 1; i >= 0; i-- {
		j := 0
		for b := h[i].rec.b; b != 0; b, j = t.blocks.at(b-1).next, j+1 {
			blk := t.blocks.at(b - 1)
			if j < len(cur) && cur[j] == blk.id { // versions mostly share the file's first blocks
				continue
			}
			if slices.Contains(cur, blk.id) || slices.Contains(seen, blk.id) {
				continue
			}
			seen = append(seen, blk.id)
			if blk.complete {
				sum += blk.numBytes
			}
		}
	}
	return sum
}

// chargeStored charges the quota directories above file f with the
// change of its stored bytes since before (storedBytes then).
func (t *Tree) chargeStored(w *wtx, f uint32, before int64) {
	v := w.view()
	if d := t.storedBytes(v, f) - before; d != 0 {
		t.chainAdd(f, t.spaceDelta(v, f, d))
	}
}

// chargeHeld adds, once an image is loaded, the blocks only snapshots
// hold of the files in the tree to the quota directories above (the
// walk from the root counted their current blocks only). Those under a
// kept directory are recounted with it.
func (t *Tree) chargeHeld() {
	v := view{t: t}
	var files []uint32
	for s := range t.shards {
		for slot := range t.shards[s].hist {
			if n := t.nodes.at(slot); n.isFile() && !t.snap.orphan[slot] {
				files = append(files, slot)
			}
		}
	}
	slices.Sort(files)
	for _, f := range files {
		if b := t.heldBytes(v, f); b != 0 {
			t.addUsageUp(t.nodes.at(f).parent, t.spaceDelta(v, f, b))
		}
	}
}

// keptLength is the length Hadoop reports for a file a snapshot keeps
// after its deletion (INodeFile.computeFileSize of the current state):
// the blocks it still has, which here, once its current blocks went,
// are those of its newest version.
func (t *Tree) keptLength(v view, slot uint32) int64 {
	n := t.nodes.at(slot)
	if n.b != 0 {
		return t.fileSize(v, slot, false)
	}
	h := t.shards[shardOf(slot)].hist[slot]
	var sum int64
	if len(h) > 0 {
		for b := h[len(h)-1].rec.b; b != 0; b = t.blocks.at(b - 1).next {
			sum += t.blocks.at(b - 1).numBytes
		}
	}
	return sum
}

// truncateSnapBlocks is the block list the last diff of file f has once
// truncate has recorded the file in its latest snapshot
// (INode.recordModification with blocks): nil when no snapshot sees the
// file, the current blocks when the latest one has no copy yet, else
// those of the newest version.
func (t *Tree) truncateSnapBlocks(v view, f uint32) []int64 {
	if !t.snap.busy() {
		return nil
	}
	l, ok := t.seenBy(f)
	if !ok {
		return nil
	}
	h := t.shards[shardOf(f)].hist[f]
	if len(h) == 0 || h[len(h)-1].sid < l {
		return t.chainIDs(nil, v.node(f).b)
	}
	return t.chainIDs(nil, h[len(h)-1].rec.b)
}

// readKept is read for the walks that count what only snapshots keep
// (getContentSummary): the bookkeeping of kept inodes is the writer's,
// so while there are any the walk runs under wmu, as read's fallback
// does, with a view that can reach it (v.r nil).
func (t *Tree) readKept(fn func(v view) error) error {
	if t.orphans.Load() == 0 {
		err := t.read(fn)
		if t.orphans.Load() == 0 && err != errKeptView {
			return err
		}
	}
	t.wmu.Lock()
	defer t.wmu.Unlock()
	return fn(view{t: t})
}

// errKeptView is what a read returns to readThenKept when it needs to
// count what only snapshots keep.
var errKeptView = errors.New("namespace: the walk needs the writer's view")

// readThenKept is read, run again as readKept when the read returns
// errKeptView (a walk that turned out to need the kept inodes).
func (t *Tree) readThenKept(fn func(v view) error) error {
	if err := t.read(fn); err != errKeptView {
		return err
	}
	return t.readKept(fn)
}

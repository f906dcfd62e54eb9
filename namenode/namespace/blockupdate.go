package namespace

// Replay of the two block-list ops Hadoop logs for an open file besides
// OP_ADD_BLOCK: OP_UPDATE_BLOCKS (fsync, abandonBlock, updatePipeline and
// older releases' block allocation write the whole list) and
// OP_REASSIGN_LEASE (lease recovery hands the file to the NameNode).

// applyUpdateBlocks is FSEditLogLoader.updateBlocks for OP_UPDATE_BLOCKS:
// the blocks the file already has must keep their ids, and their
// generation stamps unless only the last one is updated (same count);
// each takes the length given, and all but the new last are complete.
// A list one shorter abandons the last block of a file under
// construction; a longer one appends blocks under construction.
func (t *Tree) applyUpdateBlocks(w *wtx, rec *Record) (Removed, error) {
	var rm Removed
	v := w.view()
	f, err := t.recordFile(v, rec)
	if err != nil {
		return rm, err
	}
	old, nb := t.blockSlots(v, f), rec.Blocks
	stampOnly := len(old) == len(nb)
	for i := 0; i < len(old) && i < len(nb); i++ {
		cur := t.blocks.at(old[i])
		last := i == len(nb)-1
		if cur.id != nb[i].ID || (cur.genStamp != nb[i].GenStamp && !(stampOnly && last)) {
			return rm, fail(ErrIO, "Mismatched block IDs or generation stamps, attempting to replace block "+
				"blk_%d_%d with blk_%d_%d as block # %d/%d of %s", cur.id, cur.genStamp, nb[i].ID, nb[i].GenStamp,
				i, len(nb), rec.Path)
		}
		t.commitBlock(w, f, old[i], Block{NumBytes: nb[i].NumBytes, GenStamp: nb[i].GenStamp, Complete: !last})
	}
	switch {
	case len(nb) < len(old):
		if _, open := v.lease(f); !open {
			return rm, failMsg(ErrIO, "Trying to remove a block from file "+rec.Path+" which is not under construction.")
		}
		if len(nb) != len(old)-1 {
			return rm, failMsg(ErrIO, "Trying to remove more than one block from file "+rec.Path)
		}
		t.dropBlocksAfter(w, f, old[:len(nb)], old[len(nb):], &rm)
	case len(nb) > len(old):
		for _, b := range nb[len(old):] {
			b.Complete = false
			t.appendBlock(w, f, t.blockSlots(w.view(), f), b)
		}
	}
	return rm, nil
}

// applyReassignLease is the OP_REASSIGN_LEASE case of FSEditLogLoader:
// the open file's lease passes from OldHolder to ClientName.
func (t *Tree) applyReassignLease(w *wtx, rec *Record) error {
	v := w.view()
	f, err := t.recordFile(v, rec)
	if err != nil {
		return err
	}
	l, open := v.lease(f)
	if !open {
		return badRecord("reassign lease of %s, which is not under construction", rec.Path)
	}
	if rec.OldHolder != "" && l.client != rec.OldHolder {
		return badRecord("reassign lease of %s from %s, but %s holds it", rec.Path, rec.OldHolder, l.client)
	}
	w.lock(shardOf(f))
	t.shards[shardOf(f)].lease[f] = lease{client: rec.ClientName, machine: l.machine}
	return nil
}

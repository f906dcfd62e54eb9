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

// UpdateBlocks rewrites the block list of a file open for writing, as the
// live operations that log OP_UPDATE_BLOCKS do: fsync (the last block's
// length so far), abandonBlock (the last block dropped), updatePipeline
// (the last block's new generation stamp and length) and a block
// recovery that leaves the file open. edit gets the current list and
// returns the new one, which must follow applyUpdateBlocks' rules. holder
// "" skips the lease holder check (the NameNode's own recoveries).
func (t *Tree) UpdateBlocks(op Op, src string, fileID int64, holder string, edit func(cur []Block) ([]Block, error)) (*Change, error) {
	src, holder = javaString(src), javaString(holder)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		v := w.view()
		r, err := t.openFile(v, op, "updateBlocks", src, fileID, holder)
		if err != nil {
			return err
		}
		f := r.last()
		var cur []Block
		for _, b := range t.blockSlots(v, f) {
			br := t.blocks.at(b)
			cur = append(cur, Block{ID: br.id, NumBytes: br.numBytes, GenStamp: br.genStamp, Complete: br.complete})
		}
		nb, err := edit(cur)
		if err != nil {
			return err
		}
		rec := Record{Kind: KindUpdateBlocks, Path: r.path(), InodeID: v.node(f).id, Blocks: nb}
		rm, err := t.applyUpdateBlocks(w, &rec)
		if err != nil {
			return err
		}
		ch.Records, ch.Removed, ch.OK = []Record{rec}, rm, true
		return nil
	})
	return ch, err
}

// OpenFileInfo is what the block side needs of a file open for writing.
type OpenFileInfo struct {
	ID          int64
	Path        string
	Holder      string
	Replication int16
	BlockSize   int64
	Policy      uint8 // the effective storage policy id
	Blocks      []Block
}

// OpenFile describes the file open for writing at src (or with inode id
// fileID when not 0), checking that holder ("" for any) holds its lease,
// as FSNamesystem.checkLease does before a block operation.
func (t *Tree) OpenFile(op Op, src string, fileID int64, holder string) (*OpenFileInfo, error) {
	src, holder = javaString(src), javaString(holder)
	var out *OpenFileInfo
	err := t.read(func(v view) error {
		r, err := t.openFile(v, op, "getAdditionalBlock", src, fileID, holder)
		if err != nil {
			return err
		}
		f := r.last()
		n := v.node(f)
		l, _ := v.lease(f)
		info := &OpenFileInfo{ID: n.id, Path: r.path(), Holder: l.client, Replication: n.replication(),
			BlockSize: n.blockSize(), Policy: t.effectivePolicy(v, f)}
		for _, b := range t.blockSlots(v, f) {
			br := t.blocks.at(b)
			info.Blocks = append(info.Blocks, Block{ID: br.id, NumBytes: br.numBytes, GenStamp: br.genStamp, Complete: br.complete})
		}
		out = info
		return nil
	})
	return out, err
}

// ReassignLease hands an open file's lease to newHolder (lease recovery
// gives it to the NameNode), logging OP_REASSIGN_LEASE.
func (t *Tree) ReassignLease(op Op, fileID int64, oldHolder, newHolder string) (*Change, error) {
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		v := w.view()
		slot := v.slotOf(fileID)
		if slot == nilSlot || !v.node(slot).isFile() {
			return fail(ErrFileNotFound, "File does not exist: inode %d", fileID)
		}
		rec := Record{Kind: KindReassignLease, Path: v.fullPath(slot), InodeID: fileID, OldHolder: oldHolder, ClientName: newHolder}
		if err := t.applyReassignLease(w, &rec); err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

package namespace

import "slices"

// Truncate is the namespace part of ClientProtocol.truncate
// (FSDirTruncateOp.truncate). The blocks wholly beyond newLength go
// (Change.Removed.Blocks). When newLength falls on a block boundary that
// is all: Change.OK is true. Otherwise the last block must be shortened
// by block recovery: the file goes under construction for clientName,
// its last block under construction, and Change.OK is false;
// Change.LastBlock is the recovery target (the block's id, new length
// and a generation stamp from nextGenStamp, the block manager's
// counter), which the block manager recovers the replicas to. A
// truncate already waiting for recovery to the same length is OK false
// with nothing recorded.
//
// Copy-on-truncate (snapshots, upgrades) needs a new block id, which
// this call has no way to allocate: a live truncate inside a block a
// snapshot holds is refused (replay copies as the record says).
func (t *Tree) Truncate(op Op, src string, newLength int64, clientName, clientMachine string,
	nextGenStamp func() int64) (*Change, error) {
	if newLength < 0 {
		return nil, fail(ErrHadoopIllegalArgument, "Cannot truncate to a negative file size: %d.", newLength)
	}
	src = javaString(src)
	clientName, clientMachine = javaString(clientName), javaString(clientMachine)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		v := w.view()
		r, err := t.checkTruncate(v, t.checker(op, "truncate"), src)
		if err != nil {
			return err
		}
		f := r.last()
		if target, ok := t.truncating(v, f); ok {
			if newLength == t.sizeBeforeLast(v, f)+target.NumBytes {
				return nil // OK false: recovery is under way
			}
			return fail(ErrAlreadyBeingCreated, "Failed to TRUNCATE_FILE %s for %s on %s because %s is being truncated.",
				r.path(), clientName, clientMachine, r.path())
		}
		if err := t.leaseConflict(v, r, "TRUNCATE_FILE", clientName, clientMachine); err != nil {
			return err
		}
		old := t.fileSize(v, f, false)
		if old == newLength {
			ch.OK = true
			return nil
		}
		if old < newLength {
			return fail(ErrHadoopIllegalArgument, "Cannot truncate to a larger file size. Current size: %d,"+
				" truncate size: %d.", old, newLength)
		}
		if err := t.verifyQuota(v, r, r.n()-1, t.truncateDelta(v, f, newLength), nilSlot, counts{}); err != nil {
			return err
		}
		rec := Record{Kind: KindTruncate, Path: r.path(), ClientName: clientName, ClientMachine: clientMachine,
			NewLength: newLength, Timestamp: op.Now}
		if keep, cut := t.truncatePoint(v, f, newLength); cut != newLength {
			last := t.blocks.at(keep[len(keep)-1])
			if t.snap.busy() && (t.inSnapshot(f) || slices.Contains(t.snapshotBlocks(f), last.id)) {
				return failMsg(ErrUnsupportedOperation, "Cannot truncate "+r.path()+
					" inside a block a snapshot holds: copy-on-truncate is not supported")
			}
			rec.TruncateBlock = &Block{ID: last.id, NumBytes: last.numBytes, GenStamp: nextGenStamp()}
		}
		rm, target, err := t.truncateAt(w, f, &rec)
		if err != nil {
			return err
		}
		ch.Records, ch.Removed, ch.OK = []Record{rec}, rm, rec.TruncateBlock == nil
		ch.LastBlock = target
		return nil
	})
	return ch, err
}

func (t *Tree) checkTruncate(v view, pc *checker, src string) (*resolved, error) {
	r, err := t.resolvePath(v, pc, src, opWrite)
	if err != nil {
		return nil, err
	}
	if err := t.checkSelf(v, pc, r, ActWrite); err != nil {
		return nil, err
	}
	f := r.last()
	switch {
	case f == nilSlot:
		return nil, failMsg(ErrFileNotFound, "File does not exist: "+r.path())
	case !v.node(f).isFile():
		return nil, failMsg(ErrFileNotFound, "Path is not a file: "+r.path())
	case t.effectivePolicy(v, f) == PolicyLazyPersist:
		return nil, failMsg(ErrUnsupportedOperation, "Cannot truncate lazy persist file "+r.path())
	}
	return r, nil
}

// truncating returns the recovery target of a file waiting for truncate
// recovery.
func (t *Tree) truncating(v view, f uint32) (Block, bool) {
	v.need(shardOf(f))
	b, ok := t.shards[shardOf(f)].trunc[f]
	return b, ok
}

// sizeBeforeLast is the length of a file's blocks but the last.
func (t *Tree) sizeBeforeLast(v view, f uint32) int64 {
	bs := t.blockSlots(v, f)
	var sum int64
	for _, b := range bs[:max(len(bs)-1, 0)] {
		sum += t.blocks.at(b).numBytes
	}
	return sum
}

// truncatePoint is INodeFile.collectBlocksBeyondMax's arithmetic: the
// blocks to keep (the fewest whose length reaches newLength) and their
// length.
func (t *Tree) truncatePoint(v view, f uint32, newLength int64) (keep []uint32, size int64) {
	bs := t.blockSlots(v, f)
	n := 0
	for ; n < len(bs) && newLength > size; n++ {
		size += t.blocks.at(bs[n]).numBytes
	}
	return bs[:n], size
}

// truncateDelta is INodeFile.computeQuotaDeltaForTruncate: the storage a
// truncate frees, less the growth of a partly cut last block, which is
// charged at the preferred block size while it is recovered. A block
// the snapshot's copy has at the same place frees nothing: the snapshot
// keeps it (and a partly cut one is copied, whose copy takes the
// preferred block size more).
func (t *Tree) truncateDelta(v view, f uint32, newLength int64) counts {
	n := v.node(f)
	bs := t.blockSlots(v, f)
	sblocks := t.truncateSnapBlocks(v, f)
	size := t.fileSize(v, f, false)
	var d int64
	for i := len(bs) - 1; i >= 0 && size > newLength; i-- {
		blk := t.blocks.at(bs[i])
		nb := blk.numBytes
		cut := nb
		if size-newLength < nb {
			cut = nb - n.blockSize()
		}
		if i < len(sblocks) && sblocks[i] == blk.id {
			cut -= nb
		}
		d -= cut
		size -= nb
	}
	return t.spaceOf(n, d, t.effectivePolicy(v, f))
}

// applyTruncate replays OP_TRUNCATE (FSDirTruncateOp.unprotectedTruncate).
func (t *Tree) applyTruncate(w *wtx, rec *Record) (Removed, error) {
	f, err := t.recordFile(w.view(), rec)
	if err != nil {
		return Removed{}, err
	}
	rm, _, err := t.truncateAt(w, f, rec)
	return rm, err
}

// truncateAt drops the blocks beyond rec.NewLength and sets the
// modification time; off a block boundary it puts the file and its last
// block under construction for rec's client, and returns the last
// block's recovery target.
func (t *Tree) truncateAt(w *wtx, f uint32, rec *Record) (Removed, *Block, error) {
	v := w.view()
	var rm Removed
	keep, size := t.truncatePoint(v, f, rec.NewLength)
	onBoundary := size == rec.NewLength
	if onBoundary != (rec.TruncateBlock == nil) {
		return rm, nil, badRecord("truncate of %s to %d: the truncate block does not match", rec.Path, rec.NewLength)
	}
	n := w.node(f)
	if len(t.shards[shardOf(f)].hist[f]) > 0 {
		t.syncStates(f) // the blocks a snapshot keeps keep the state they have now
	}
	before := t.storedBytes(v, f)
	defer t.chargeStored(w, f, before)
	all := t.blockSlots(v, f)
	if len(keep) < len(all) {
		t.cutBlocks(w, f, keep, all[len(keep):], &rm)
	}
	n.mtime = rec.Timestamp
	if onBoundary {
		return rm, nil, nil
	}
	last := t.blocks.at(keep[len(keep)-1])
	// Copy-on-truncate: the last block, which a snapshot holds, is
	// replaced by a new one (FSDirTruncateOp.prepareFileForTruncate).
	copied := last.id != rec.TruncateBlock.ID && t.snap.busy() && slices.Contains(t.snapshotBlocks(f), last.id)
	if last.id != rec.TruncateBlock.ID && !copied {
		return rm, nil, badRecord("truncate of %s: blk_%d is not its last block", rec.Path, rec.TruncateBlock.ID)
	}
	target := Block{ID: rec.TruncateBlock.ID, NumBytes: last.numBytes - (size - rec.NewLength),
		GenStamp: rec.TruncateBlock.GenStamp}
	if copied {
		last.id, last.genStamp, last.numBytes = target.ID, target.GenStamp, target.NumBytes
	}
	t.shards[shardOf(f)].lease[f] = lease{rec.ClientName, rec.ClientMachine}
	if t.shards[shardOf(f)].trunc == nil {
		t.shards[shardOf(f)].trunc = map[uint32]Block{}
	}
	t.shards[shardOf(f)].trunc[f] = target
	last.complete = false // charged at the preferred block size (chargeStored)
	return rm, &target, nil
}

// dropBlocksAfter cuts a file's block list after keep and frees the
// blocks in gone, taking their storage off the quotas.
func (t *Tree) dropBlocksAfter(w *wtx, f uint32, keep, gone []uint32, rm *Removed) {
	before := t.storedBytes(w.view(), f)
	t.cutBlocks(w, f, keep, gone, rm)
	t.chargeStored(w, f, before)
}

// cutBlocks is dropBlocksAfter without the quotas.
func (t *Tree) cutBlocks(w *wtx, f uint32, keep, gone []uint32, rm *Removed) {
	n := w.node(f)
	var held []int64 // blocks a snapshot still holds stay on the datanodes
	if t.snap.busy() {
		held = t.snapshotBlocks(f)
	}
	for _, b := range gone {
		br := t.blocks.at(b)
		if !slices.Contains(held, br.id) {
			rm.Blocks = append(rm.Blocks, br.id)
		}
		*br = blockRec{}
		t.blocks.release(b)
	}
	if len(keep) == 0 {
		n.b = 0
	} else {
		t.blocks.at(keep[len(keep)-1]).next = 0
	}
}

// endTruncate forgets a file's truncate recovery (it was closed or
// deleted).
func (t *Tree) endTruncate(w *wtx, f uint32) {
	w.lock(shardOf(f))
	if m := t.shards[shardOf(f)].trunc; m != nil {
		delete(m, f)
	}
}

package namespace

// Append is the namespace part of ClientProtocol.append
// (FSDirAppendOp.appendFile): the closed file src goes under
// construction, leased to holder. Without newBlock the client continues
// writing the last block, which becomes under construction again (and is
// charged to the quotas at the preferred block size) unless it is full;
// Change.LastBlock is then that block, nil when there is none to
// continue. With newBlock (CreateFlag.NEW_BLOCK) the last block stays
// complete, Change.LastBlock is it, and the next write starts a new
// block. Change.Status is the file's status.
//
// Whether the last block is sufficiently replicated is the block
// manager's to check before.
func (t *Tree) Append(op Op, src, holder, clientMachine string, newBlock bool) (*Change, error) {
	src = javaString(src)
	holder, clientMachine = javaString(holder), javaString(clientMachine)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		v := w.view()
		r, err := t.checkAppend(v, t.checker(op, "append"), src, holder, clientMachine)
		if err != nil {
			return err
		}
		f := r.last()
		if last, ok := t.lastBlock(v, f); ok {
			grow := t.spaceDelta(v, f, v.node(f).blockSize()-last.numBytes)
			if err := t.verifyQuota(v, r, r.n()-1, grow, nilSlot, counts{}); err != nil {
				return err
			}
		}
		rec := Record{Kind: KindAppend, Path: r.path(), ClientName: holder, ClientMachine: clientMachine,
			NewBlock: newBlock}
		lb, err := t.prepareAppend(w, f, &rec)
		if err != nil {
			return err
		}
		ch.Records, ch.OK, ch.LastBlock = []Record{rec}, true, lb
		ch.Status = t.status(v, f, nil, false)
		return nil
	})
	return ch, err
}

// checkAppend is appendFile's checks, in Hadoop's order.
func (t *Tree) checkAppend(v view, pc *checker, src, holder, machine string) (*resolved, error) {
	r, err := t.resolvePath(v, pc, src, opWrite)
	if err != nil {
		return nil, err
	}
	f := r.last()
	if f != nilSlot && v.node(f).isDir() {
		return nil, failMsg(ErrFileAlreadyExists, "Cannot append to directory "+r.path()+
			"; already exists as a directory.")
	}
	if err := t.checkSelf(v, pc, r, ActWrite); err != nil {
		return nil, err
	}
	if f == nilSlot {
		return nil, failMsg(ErrFileNotFound, "Failed to append to non-existent file "+r.path()+
			" for client "+machine)
	}
	if !v.node(f).isFile() {
		return nil, failMsg(ErrFileNotFound, "Path is not a file: "+r.path())
	}
	if t.effectivePolicy(v, f) == PolicyLazyPersist {
		return nil, failMsg(ErrUnsupportedOperation, "Cannot append to lazy persist file "+r.path())
	}
	return r, t.leaseConflict(v, r, "APPEND_FILE", holder, machine)
}

// lastBlock returns a file's last block record, if it has blocks.
func (t *Tree) lastBlock(v view, f uint32) (*blockRec, bool) {
	bs := t.blockSlots(v, f)
	if len(bs) == 0 {
		return nil, false
	}
	return t.blocks.at(bs[len(bs)-1]), true
}

// applyAppend replays OP_APPEND: a file already under construction is
// left as it is, as FSEditLogLoader does.
func (t *Tree) applyAppend(w *wtx, rec *Record) error {
	f, err := t.recordFile(w.view(), rec)
	if err != nil {
		return err
	}
	if _, uc := w.view().lease(f); uc {
		return nil
	}
	_, err = t.prepareAppend(w, f, rec)
	return err
}

// prepareAppend is FSDirAppendOp.prepareFileForAppend: the lease, and
// without NewBlock the last block back under construction unless it is
// full (BlockManager.convertLastBlockToUnderConstruction).
func (t *Tree) prepareAppend(w *wtx, f uint32, rec *Record) (*Block, error) {
	v := w.view()
	if _, uc := v.lease(f); uc {
		return nil, badRecord("append to %s, which is under construction", rec.Path)
	}
	n := w.node(f) // locks the shard of the lease and the blocks
	t.shards[shardOf(f)].lease[f] = lease{rec.ClientName, rec.ClientMachine}
	last, ok := t.lastBlock(v, f)
	if !ok {
		return nil, nil
	}
	if rec.NewBlock {
		return blockOf(last), nil
	}
	if last.numBytes == n.blockSize() {
		return nil, nil
	}
	if last.complete {
		last.complete = false
		t.addUsageUp(n.parent, t.spaceDelta(w.view(), f, n.blockSize()-last.numBytes))
	}
	return blockOf(last), nil
}

func blockOf(b *blockRec) *Block {
	return &Block{ID: b.id, NumBytes: b.numBytes, GenStamp: b.genStamp, Complete: b.complete}
}

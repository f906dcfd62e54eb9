package namespace

import "fmt"

// A file's block list, and the two writes that change it here: adding a
// block and closing the file. Block placement, replica states and
// generation stamps belong to the block manager; the namespace keeps each
// block's id, length, generation stamp and whether it is complete, which
// is what file lengths and storage-space quotas need.

// blockSlots returns the slots of a file's blocks, in order.
func (t *Tree) blockSlots(v view, slot uint32) []uint32 {
	var out []uint32
	for b := v.node(slot).b; b != 0; b = t.blocks.at(b - 1).next {
		out = append(out, b-1)
	}
	return out
}

// Blocks returns a file's blocks, or nil when id is not a file.
func (t *Tree) Blocks(id int64) []Block {
	var out []Block
	_ = t.read(func(v view) error {
		out = nil
		slot := v.slotOf(id)
		if slot == nilSlot || !v.node(slot).isFile() {
			return nil
		}
		for _, b := range t.blockSlots(v, slot) {
			r := t.blocks.at(b)
			out = append(out, Block{ID: r.id, NumBytes: r.numBytes, GenStamp: r.genStamp, Complete: r.complete})
		}
		return nil
	})
	return out
}

// fileSize is INodeFile.computeFileSize(true, preferred): the blocks'
// lengths, counting an incomplete last block as the preferred block size
// when preferred is set.
func (t *Tree) fileSize(v view, slot uint32, preferred bool) int64 {
	var sum int64
	for _, b := range t.blockSlots(v, slot) {
		r := t.blocks.at(b)
		if !r.complete && preferred {
			sum += v.node(slot).blockSize()
		} else {
			sum += r.numBytes
		}
	}
	return sum
}

// resolveFile is FSDirectory.resolvePath(pc, src, fileId): by inode id
// when the client gives one, else by path.
func (t *Tree) resolveFile(v view, pc *checker, src string, fileID int64) (*resolved, error) {
	if fileID == 0 {
		return t.resolvePath(v, pc, src, opWrite)
	}
	if slot := v.slotOf(fileID); slot != nilSlot {
		return t.walk(v, v.pathComps(slot)), nil
	}
	comps, err := absComponents(src)
	if err != nil {
		return nil, err
	}
	r := &resolved{comps: comps, nodes: make([]uint32, len(comps))}
	for i := range r.nodes {
		r.nodes[i] = nilSlot
	}
	return r, nil
}

// checkLease is FSNamesystem.checkLease: the file must be open for
// writing by holder.
func (t *Tree) checkLease(v view, r *resolved, holder string, fileID int64) error {
	slot := r.last()
	if slot == nilSlot {
		return failMsg(ErrFileNotFound, "File does not exist: "+t.leaseString(r, fileID, holder))
	}
	if !v.node(slot).isFile() {
		return failMsg(ErrLeaseExpired, "INode is not a regular file: "+t.leaseString(r, fileID, holder))
	}
	l, ok := v.lease(slot)
	if !ok {
		return failMsg(ErrLeaseExpired, "File is not open for writing: "+t.leaseString(r, fileID, holder))
	}
	if holder != "" && l.client != holder {
		return failMsg(ErrLeaseExpired, "Client (="+holder+") is not the lease owner (="+l.client+": "+
			t.leaseString(r, fileID, holder))
	}
	return nil
}

// leaseString is FSNamesystem.leaseExceptionString.
func (t *Tree) leaseString(r *resolved, fileID int64, holder string) string {
	s := fmt.Sprintf("%s (inode %d) ", r.path(), fileID)
	n := 0
	for i := range t.shards {
		for _, l := range t.shards[i].lease {
			if l.client == holder {
				n++
			}
		}
	}
	if n == 0 {
		return s + "Holder " + holder + " does not have any open files."
	}
	return s + fmt.Sprintf("[Lease.  Holder: %s, pending creates: %d]", holder, n)
}

// AddBlock appends a new block, under construction, to a file open for
// writing by holder (the namespace part of ClientProtocol.addBlock). prev
// is the block the client finished, with its final length; it must be the
// file's last block. The new block is charged to the storage-space quotas
// at the preferred block size until it completes.
func (t *Tree) AddBlock(op Op, src string, fileID int64, holder string, prev *Block, b Block) (*Change, error) {
	src, holder = javaString(src), javaString(holder)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		v := w.view()
		r, err := t.openFile(v, op, "getAdditionalBlock", src, fileID, holder)
		if err != nil {
			return err
		}
		f := r.last()
		n := v.node(f)
		blocks := t.blockSlots(v, f)
		if err := t.checkPrev(blocks, prev); err != nil {
			return err
		}
		if len(blocks) >= t.cfg.MaxBlocksPerFile {
			return fail(ErrIO, "File has reached the limit on maximum number of blocks "+
				"(dfs.namenode.fs-limits.max-blocks-per-file): %d >= %d", len(blocks), t.cfg.MaxBlocksPerFile)
		}
		grow := t.spaceDelta(v, f, n.blockSize())
		if err := t.verifyQuota(v, r, r.n()-1, grow, nilSlot, counts{}); err != nil {
			return err
		}
		b.Complete = false
		rec := Record{Kind: KindAddBlock, Path: r.path(), InodeID: n.id, Blocks: []Block{b}}
		if prev != nil {
			p := *prev
			p.Complete = true
			rec.Blocks = []Block{p, b}
		}
		ch.Records, ch.OK = []Record{rec}, true
		return t.applyAddBlock(w, &rec)
	})
	return ch, err
}

func (t *Tree) openFile(v view, op Op, name, src string, fileID int64, holder string) (*resolved, error) {
	r, err := t.resolveFile(v, t.checker(op, name), src, fileID)
	if err != nil {
		return nil, err
	}
	return r, t.checkLease(v, r, holder, fileID)
}

func (t *Tree) checkPrev(blocks []uint32, prev *Block) error {
	var last int64
	if len(blocks) > 0 {
		last = t.blocks.at(blocks[len(blocks)-1]).id
	}
	switch {
	case prev == nil && len(blocks) > 0 && !t.blocks.at(blocks[len(blocks)-1]).complete:
		return fail(ErrIO, "the file's last block blk_%d is not finished", last)
	case prev != nil && (len(blocks) == 0 || prev.ID != last):
		return fail(ErrIO, "block blk_%d is not the file's last block", prev.ID)
	}
	return nil
}

// applyAddBlock is FSEditLogLoader.addNewBlock: complete the penultimate
// block with its final length, then append the last one.
func (t *Tree) applyAddBlock(w *wtx, rec *Record) error {
	v := w.view()
	f, err := t.recordFile(v, rec)
	if err != nil {
		return err
	}
	if len(rec.Blocks) == 0 || len(rec.Blocks) > 2 {
		return badRecord("add block to %s with %d blocks", rec.Path, len(rec.Blocks))
	}
	blocks := t.blockSlots(v, f)
	if len(rec.Blocks) == 2 {
		if len(blocks) == 0 || t.blocks.at(blocks[len(blocks)-1]).id != rec.Blocks[0].ID {
			return badRecord("add block to %s: blk_%d is not its last block", rec.Path, rec.Blocks[0].ID)
		}
		t.commitBlock(w, f, blocks[len(blocks)-1], rec.Blocks[0])
	}
	t.appendBlock(w, f, blocks, rec.Blocks[len(rec.Blocks)-1])
	return nil
}

func (t *Tree) recordFile(v view, rec *Record) (uint32, error) {
	r, err := t.resolveInternal(v, rec.Path, opRead)
	if err != nil {
		return nilSlot, err
	}
	f := r.last()
	if f == nilSlot {
		return nilSlot, failMsg(ErrFileNotFound, "File does not exist: "+rec.Path)
	}
	if !v.node(f).isFile() {
		return nilSlot, failMsg(ErrFileNotFound, "Path is not a file: "+rec.Path)
	}
	return f, nil
}

// commitBlock sets a block's final length and completes it, moving the
// quotas' charge for it from what it was (the preferred block size while
// under construction) to its final length.
func (t *Tree) commitBlock(w *wtx, f, b uint32, final Block) {
	n := w.node(f)
	r := t.blocks.at(b)
	before := t.blockSpace(n, r)
	r.numBytes, r.genStamp = final.NumBytes, final.GenStamp
	if final.Complete {
		r.complete = true
	}
	if d := t.blockSpace(n, r) - before; d != 0 {
		t.addUsageUp(n.parent, t.spaceDelta(w.view(), f, d))
	}
}

// blockSpace is the bytes a block of file n is charged for.
func (t *Tree) blockSpace(n *inode, r *blockRec) int64 {
	if r.complete {
		return r.numBytes
	}
	return n.blockSize()
}

// appendBlock adds b at the end of the file's blocks.
func (t *Tree) appendBlock(w *wtx, f uint32, blocks []uint32, b Block) {
	n := w.node(f)
	slot := t.blocks.alloc()
	*t.blocks.at(slot) = blockRec{id: b.ID, numBytes: b.NumBytes, genStamp: b.GenStamp, complete: b.Complete}
	if len(blocks) == 0 {
		n.b = slot + 1
	} else {
		t.blocks.at(blocks[len(blocks)-1]).next = slot + 1
	}
	space := b.NumBytes
	if !b.Complete {
		space = n.blockSize()
	}
	t.addUsageUp(n.parent, t.spaceDelta(w.view(), f, space))
}

// CompleteFile closes a file holder is writing (the namespace part of
// ClientProtocol.complete): last, when given, is the final state of the
// file's last block; every block is complete afterwards, the lease ends
// and the modification time is now.
func (t *Tree) CompleteFile(op Op, src string, fileID int64, holder string, last *Block) (*Change, error) {
	src, holder = javaString(src), javaString(holder)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		v := w.view()
		r, err := t.openFile(v, op, "completeFile", src, fileID, holder)
		if err != nil {
			return err
		}
		f := r.last()
		blocks := t.blockSlots(v, f)
		if last != nil {
			if err := t.checkPrev(blocks, last); err != nil {
				return err
			}
		}
		rec := t.closeRecord(v, r, blocks, last, op.Now)
		ch.Records, ch.OK = []Record{rec}, true
		return t.applyClose(w, &rec)
	})
	return ch, err
}

func (t *Tree) closeRecord(v view, r *resolved, blocks []uint32, last *Block, now int64) Record {
	n := v.node(r.last())
	rec := Record{Kind: KindClose, Path: r.path(), InodeID: n.id, Mtime: now, Atime: n.atime,
		Replication: n.replication(), BlockSize: n.blockSize(),
		Perm: PermissionStatus{User: t.owner(n), Group: t.group(n), Mode: n.mode()}}
	for i, b := range blocks {
		br := t.blocks.at(b)
		blk := Block{ID: br.id, NumBytes: br.numBytes, GenStamp: br.genStamp, Complete: true}
		if i == len(blocks)-1 && last != nil {
			blk.NumBytes, blk.GenStamp = last.NumBytes, last.GenStamp
		}
		rec.Blocks = append(rec.Blocks, blk)
	}
	return rec
}

// applyClose is the OP_CLOSE case of FSEditLogLoader: times, the final
// block list, and the end of the lease.
func (t *Tree) applyClose(w *wtx, rec *Record) error {
	v := w.view()
	f, err := t.recordFile(v, rec)
	if err != nil {
		return err
	}
	blocks := t.blockSlots(v, f)
	if len(rec.Blocks) < len(blocks) {
		return badRecord("close of %s drops blocks", rec.Path)
	}
	for i, b := range rec.Blocks {
		if i < len(blocks) {
			if t.blocks.at(blocks[i]).id != b.ID {
				return badRecord("close of %s: block %d is not blk_%d", rec.Path, i, b.ID)
			}
			t.commitBlock(w, f, blocks[i], b)
			continue
		}
		t.appendBlock(w, f, t.blockSlots(v, f), b)
	}
	n := w.node(f)
	n.atime, n.mtime = rec.Atime, rec.Mtime
	delete(t.shards[shardOf(f)].lease, f)
	t.endTruncate(w, f)
	return nil
}

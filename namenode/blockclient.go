package namenode

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/clientrpc"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// The ClientProtocol methods that write blocks: addBlock, complete,
// abandonBlock, getAdditionalDatanode, updateBlockForPipeline,
// updatePipeline, fsync, and lease recovery. The namespace keeps each
// file's block list (and logs it); the block manager keeps where the
// replicas are and whether they are enough.

const classNotReplicatedYet = "org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException"

// nextBlockIDs allocates a block id and a generation stamp as
// FSNamesystem.createNewBlock does, returning the ops Hadoop logs for
// them (OP_ALLOCATE_BLOCK_ID, OP_SET_GENSTAMP_V2).
func nextBlockIDs(ids *IDs) (id, gs int64, ops []*editlog.Op) {
	ids.LastBlockID++
	ids.GenStampV2++
	return ids.LastBlockID, ids.GenStampV2, []*editlog.Op{
		{Code: editlog.OpAllocateBlockID, BlockID: ids.LastBlockID},
		{Code: editlog.OpSetGenstampV2, GenStamp: ids.GenStampV2},
	}
}

// nextGenStamp allocates a generation stamp (nextGenerationStamp).
func nextGenStamp(ids *IDs) (int64, *editlog.Op) {
	ids.GenStampV2++
	return ids.GenStampV2, &editlog.Op{Code: editlog.OpSetGenstampV2, GenStamp: ids.GenStampV2}
}

// targetsLocated is a block with its pipeline's nodes and storages.
func (n *Namesystem) targetsLocated(b blocks.Extended, offset int64, ts []blockmgmt.Target) *blocks.Located {
	lb := &blocks.Located{Block: b, Offset: offset}
	for _, t := range ts {
		lb.Locs = append(lb.Locs, t.Node)
		lb.Storage = append(lb.Storage, blocks.StorageID{ID: t.StorageID, Type: t.Type})
	}
	return lb
}

// placementError is Hadoop's message when too few DataNodes can take a
// block (BlockManager.chooseTarget4NewBlock).
func placementError(src string, err error) error {
	var pe *blockmgmt.PlacementError
	if errors.As(err, &pe) {
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: fmt.Sprintf(
			"File %s could only be written to %d of the %d minReplication nodes. There are %d datanode(s) running and %d node(s) are excluded in this operation.",
			src, pe.Chosen, pe.MinReplication, pe.Live, pe.Excluded)}
	}
	return err
}

// chooseTargets places a new block of a file: with its storage policy's
// types first, then the policy's creation fallbacks.
func (n *Namesystem) chooseTargets(req blockmgmt.PlacementRequest, policy uint8) ([]blockmgmt.Target, error) {
	var ts []blockmgmt.Target
	var err error
	now := n.now()
	n.bs.with(func(m *blockmgmt.Manager) {
		req.StorageTypes = storageTypesFor(policy, req.Replicas, false)
		ts, err = m.ChooseTargets(req, now)
		if err != nil && req.StorageTypes != nil {
			req.StorageTypes = storageTypesFor(policy, req.Replicas, true)
			ts, err = m.ChooseTargets(req, now)
		}
	})
	return ts, err
}

func excludedIDs(infos []blocks.DatanodeInfo) []blocks.DatanodeID {
	out := make([]blocks.DatanodeID, len(infos))
	for i, d := range infos {
		out[i] = d.DatanodeID
	}
	return out
}

// AddBlock is FSNamesystem.getAdditionalBlock: check the lease and the
// file's progress, commit the previous block, place the new one, log it.
func (n *Namesystem) AddBlock(ctx context.Context, req clientrpc.AddBlockRequest) (*blocks.Located, error) {
	if n.safe.On() {
		return nil, n.errSafeMode("Cannot add block to " + req.Src)
	}
	op, caller := n.opFor(ctx)
	info, err := n.tree.OpenFile(op, req.Src, req.FileID, req.ClientName)
	if err != nil {
		return nil, err
	}
	// A retried addBlock whose first try allocated the block gets that
	// block back (FSDirWriteFileOp.analyzeFileState).
	if lb, ok := n.retriedAddBlock(info, req.Previous); ok {
		return lb, nil
	}
	if err := n.checkProgress(info, req.Previous); err != nil {
		return nil, err
	}
	writer := clientMachine(caller)
	if req.Flags&clientrpc.IgnoreClientLocality != 0 {
		writer = ""
	}
	targets, err := n.chooseTargets(blockmgmt.PlacementRequest{Writer: writer, Replicas: int(info.Replication),
		BlockSize: info.BlockSize, Excluded: excludedIDs(req.Exclude), Favored: req.Favored,
		AvoidLocalNode: req.Flags&clientrpc.NoLocalWrite != 0}, info.Policy)
	if err != nil {
		return nil, placementError(req.Src, err)
	}
	v, err := n.mutate(ctx, mutation{what: "Cannot add block to " + req.Src}, func(op namespace.Op, ids *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		id, gs, pre := nextBlockIDs(ids)
		ch, err := n.tree.AddBlock(op, req.Src, info.ID, req.ClientName, prevBlock(req.Previous), namespace.Block{ID: id, GenStamp: gs})
		if err != nil {
			return ch, nil, nil, err
		}
		var storages []string
		for _, t := range targets {
			storages = append(storages, t.StorageID)
		}
		now := n.now()
		n.bs.with(func(m *blockmgmt.Manager) {
			if p := req.Previous; p != nil {
				if _, err := m.CommitOrComplete(p.ID, p.GenStamp, p.NumBytes, now); err != nil {
					n.log.Warn("committing the previous block", "block", extString(*p), "err", err)
				}
			}
			err = m.AddBlock(blockmgmt.NewBlock{ID: id, GenStamp: gs, FileID: info.ID, Replication: int(info.Replication), Targets: storages})
		})
		if err != nil {
			return ch, pre, nil, err
		}
		var offset int64
		for _, b := range info.Blocks {
			offset += b.NumBytes
		}
		if p := req.Previous; p != nil && len(info.Blocks) > 0 {
			offset += p.NumBytes - info.Blocks[len(info.Blocks)-1].NumBytes
		}
		return ch, pre, n.targetsLocated(blocks.Extended{PoolID: n.blockPoolID, ID: id, GenStamp: gs}, offset, targets), nil
	})
	lb, _ := v.(*blocks.Located)
	return lb, err
}

// retriedAddBlock recognises an addBlock the client sent again after the
// first answer was lost: the file's last block is new (no bytes), and the
// client's previous block is the one before it.
func (n *Namesystem) retriedAddBlock(info *namespace.OpenFileInfo, prev *blocks.Extended) (*blocks.Located, bool) {
	k := len(info.Blocks)
	if k == 0 || info.Blocks[k-1].Complete || info.Blocks[k-1].NumBytes != 0 {
		return nil, false
	}
	switch {
	case prev == nil && k == 1:
	case prev != nil && k >= 2 && info.Blocks[k-2].ID == prev.ID:
	default:
		return nil, false
	}
	last := info.Blocks[k-1]
	var offset int64
	for _, b := range info.Blocks[:k-1] {
		offset += b.NumBytes
	}
	lb, err := n.locateOne(blocks.Extended{PoolID: n.blockPoolID, ID: last.ID, GenStamp: last.GenStamp}, offset, "")
	if err != nil {
		return nil, false
	}
	return lb, true
}

// checkProgress is checkFileProgress for addBlock: the block before the
// one the client just finished must have its minimum replicas.
func (n *Namesystem) checkProgress(info *namespace.OpenFileInfo, prev *blocks.Extended) error {
	k := len(info.Blocks)
	if prev == nil || k < 2 {
		return nil
	}
	penultimate := info.Blocks[k-2].ID
	var st blockmgmt.BlockState
	var ok bool
	n.bs.with(func(m *blockmgmt.Manager) { st, ok = m.State(penultimate) })
	if ok && st != blockmgmt.Complete {
		return &hadooprpc.RemoteError{Class: classNotReplicatedYet, Message: "Not replicated yet: " + info.Path}
	}
	return nil
}

// Complete is FSNamesystem.completeFile: commit the last block; the file
// closes only once every block has its minimum replicas (else false, and
// the client asks again).
func (n *Namesystem) Complete(ctx context.Context, src, clientName string, last *blocks.Extended, fileID int64) (bool, error) {
	if n.safe.On() {
		return false, n.errSafeMode("Cannot complete file " + src)
	}
	op, _ := n.opFor(ctx)
	info, err := n.tree.OpenFile(op, src, fileID, clientName)
	if err != nil {
		// A retried complete of a file that is already closed succeeds.
		if st, serr := n.tree.GetFileInfo(op, src, true); serr == nil && st != nil && st.Type == namespace.TypeFile {
			if _, open := n.leases.Holder(st.FileID); !open && (fileID == 0 || fileID == st.FileID) {
				return true, nil
			}
		}
		return false, err
	}
	if last != nil {
		now := n.now()
		n.bs.with(func(m *blockmgmt.Manager) {
			if _, err := m.CommitOrComplete(last.ID, last.GenStamp, last.NumBytes, now); err != nil {
				n.log.Warn("committing the last block", "block", extString(*last), "err", err)
			}
		})
	}
	// The DataNodes report the last replica as it is finalized, at about
	// the time the client hears the pipeline close. Hadoop's client asks
	// again while the block waits for its report; other clients (the Go
	// one) ask once, so a short wait here spares them the race.
	ready := n.blocksReady(info.Blocks)
	for deadline := time.Now().Add(completeWait); !ready && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(2 * time.Millisecond)
		ready = n.blocksReady(info.Blocks)
	}
	if !ready {
		n.log.Info("file not closed: a block is not yet minimally replicated", "src", info.Path)
		return false, nil
	}
	v, err := n.mutate(ctx, mutation{what: "Cannot complete file " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.CompleteFile(op, src, info.ID, clientName, prevBlock(last))
		if err != nil {
			return ch, nil, false, err
		}
		n.leases.Remove(info.ID)
		return ch, nil, true, nil
	})
	ok, _ := v.(bool)
	return ok, err
}

// AbandonBlock is FSNamesystem.abandonBlock: the client could not write
// its new last block; it leaves the file and the blocks map.
func (n *Namesystem) AbandonBlock(ctx context.Context, b blocks.Extended, fileID int64, src, holder string) error {
	if n.safe.On() {
		return n.errSafeMode("Cannot abandon block " + extString(b) + " for file" + src)
	}
	_, err := n.mutate(ctx, mutation{what: "Cannot abandon block " + extString(b) + " for file" + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		dropped := false
		ch, err := n.tree.UpdateBlocks(op, src, fileID, holder, func(cur []namespace.Block) ([]namespace.Block, error) {
			if len(cur) == 0 || cur[len(cur)-1].ID != b.ID {
				return cur, nil // not the last block: nothing to do, as Hadoop
			}
			dropped = true
			return cur[:len(cur)-1], nil
		})
		if err != nil || !dropped {
			return nil, nil, nil, err
		}
		n.bs.removeBlocks([]int64{b.ID})
		return ch, nil, nil, nil
	})
	return err
}

// GetAdditionalDatanode is FSNamesystem.getAdditionalDatanode: more nodes
// for a pipeline that lost some, the whole pipeline in the answer.
func (n *Namesystem) GetAdditionalDatanode(ctx context.Context, req clientrpc.AdditionalDatanodeRequest) (*blocks.Located, error) {
	if n.safe.On() {
		return nil, n.errSafeMode("Cannot get additional datanode for " + req.Src)
	}
	op, caller := n.opFor(ctx)
	info, err := n.tree.OpenFile(op, req.Src, req.FileID, req.ClientName)
	if err != nil {
		return nil, err
	}
	targets, err := n.chooseTargets(blockmgmt.PlacementRequest{Writer: clientMachine(caller), Replicas: req.NumMore,
		BlockSize: info.BlockSize, Excluded: excludedIDs(req.Excludes), Existing: req.StorageIDs}, info.Policy)
	if err != nil {
		return nil, placementError(req.Src, err)
	}
	return n.targetsLocated(req.Block, -1, targets), nil
}

// ucBlock is FSNamesystem.checkUCBlock: b must be the last block of a
// file under construction whose lease clientName holds.
func (n *Namesystem) ucBlock(op namespace.Op, b blocks.Extended, clientName string) (*namespace.OpenFileInfo, error) {
	var fileID int64
	var st blockmgmt.BlockState
	var ok bool
	n.bs.with(func(m *blockmgmt.Manager) {
		fileID, ok = m.FileOf(b.ID)
		st, _ = m.State(b.ID)
	})
	if !ok {
		return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: extString(b) + " does not exist."}
	}
	if st == blockmgmt.Complete {
		return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException,
			Message: "Unexpected BlockUCState: " + extString(b) + " is " + st.String() + " but not UNDER_CONSTRUCTION"}
	}
	info, err := n.tree.OpenFile(namespace.Op{User: n.cfg.User, Now: op.Now}, "", fileID, clientName)
	if err != nil {
		return nil, err
	}
	return info, nil
}

// UpdateBlockForPipeline is bumpBlockGenerationStamp: a new generation
// stamp for a pipeline being rebuilt.
func (n *Namesystem) UpdateBlockForPipeline(ctx context.Context, b blocks.Extended, clientName string) (*blocks.Located, error) {
	if n.safe.On() {
		return nil, n.errSafeMode("Cannot get a new generation stamp and an access token for block " + extString(b))
	}
	op, _ := n.opFor(ctx)
	if _, err := n.ucBlock(op, b, clientName); err != nil {
		return nil, err
	}
	v, err := n.mutate(ctx, mutation{what: "Cannot get a new generation stamp and an access token for block " + extString(b)}, func(_ namespace.Op, ids *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		gs, logged := nextGenStamp(ids)
		nb := b
		nb.GenStamp = gs
		return nil, []*editlog.Op{logged}, &blocks.Located{Block: nb, Offset: -1}, nil
	})
	lb, _ := v.(*blocks.Located)
	return lb, err
}

// UpdatePipeline is FSNamesystem.updatePipeline: the last block takes the
// new generation stamp and length, on the new pipeline's nodes.
func (n *Namesystem) UpdatePipeline(ctx context.Context, clientName string, oldBlock, newBlock blocks.Extended, newNodes []blocks.DatanodeID, storageIDs []string) error {
	what := "Pipeline not updated"
	if n.safe.On() {
		return n.errSafeMode(what)
	}
	op, _ := n.opFor(ctx)
	info, err := n.ucBlock(op, oldBlock, clientName)
	if err != nil {
		return err
	}
	last := info.Blocks[len(info.Blocks)-1]
	if newBlock.GenStamp <= last.GenStamp || newBlock.NumBytes < last.NumBytes {
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: fmt.Sprintf(
			"Update %s (len = %d) to an older state: %s (len = %d)", extString(oldBlock), last.NumBytes, extString(newBlock), newBlock.NumBytes)}
	}
	_, err = n.mutate(ctx, mutation{what: what, atMostOnce: true}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.UpdateBlocks(namespace.Op{User: n.cfg.User, Now: op.Now}, "", info.ID, clientName,
			func(cur []namespace.Block) ([]namespace.Block, error) {
				cur[len(cur)-1].GenStamp, cur[len(cur)-1].NumBytes = newBlock.GenStamp, newBlock.NumBytes
				return cur, nil
			})
		if err != nil {
			return ch, nil, nil, err
		}
		now := n.now()
		n.bs.with(func(m *blockmgmt.Manager) {
			err = m.UpdatePipeline(oldBlock.ID, newBlock.GenStamp, newBlock.NumBytes, storageIDs, now)
		})
		return ch, nil, nil, err
	})
	return err
}

// Fsync is FSNamesystem.fsync: the last block's length so far is logged
// (persistBlocks), so a reader after a NameNode restart sees it.
func (n *Namesystem) Fsync(ctx context.Context, src string, fileID int64, clientName string, lastBlockLength int64) error {
	if n.safe.On() {
		return n.errSafeMode("Cannot fsync file " + src)
	}
	_, err := n.mutate(ctx, mutation{what: "Cannot fsync file " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.UpdateBlocks(op, src, fileID, clientName, func(cur []namespace.Block) ([]namespace.Block, error) {
			if lastBlockLength > 0 && len(cur) > 0 {
				cur[len(cur)-1].NumBytes = lastBlockLength
			}
			return cur, nil
		})
		if err != nil {
			return ch, nil, nil, err
		}
		if len(ch.Records) > 0 && len(ch.Records[0].Blocks) == 0 {
			return nil, nil, nil, nil // no blocks: Hadoop logs nothing
		}
		return ch, nil, nil, nil
	})
	return err
}

// RecoverLease is ClientProtocol.recoverLease: true when the file is
// closed (now or already), false while its last block is recovered.
func (n *Namesystem) RecoverLease(ctx context.Context, src, clientName string) (bool, error) {
	op, _ := n.opFor(ctx)
	if n.safe.On() {
		return false, n.errSafeMode("Cannot recover the lease of " + src)
	}
	st, err := n.tree.GetFileInfo(op, src, true)
	if err != nil {
		return false, err
	}
	if st == nil {
		return false, &namespace.Error{Kind: namespace.ErrFileNotFound, Msg: "File not found " + src}
	}
	if st.Type != namespace.TypeFile {
		return false, &namespace.Error{Kind: namespace.ErrFileNotFound, Msg: "Path is not a file: " + src}
	}
	holder, open := n.leases.Holder(st.FileID)
	if !open {
		return true, nil
	}
	return n.releaseLease(ctx, src, st.FileID, holder)
}

// namenodeLeaseHolder is HdfsServerConstants.NAMENODE_LEASE_HOLDER: who
// holds a file's lease while the NameNode recovers it.
const namenodeLeaseHolder = "HDFS_NameNode"

// releaseLease is FSNamesystem.internalReleaseLease: close the file when
// its blocks allow it, else start recovering its last block.
func (n *Namesystem) releaseLease(ctx context.Context, src string, fileID int64, holder string) (bool, error) {
	super := namespace.Op{User: n.cfg.User}
	info, err := n.tree.OpenFile(super, "", fileID, "")
	if err != nil {
		return false, err
	}
	states := make([]blockmgmt.BlockState, len(info.Blocks))
	known := make([]bool, len(info.Blocks))
	n.bs.with(func(m *blockmgmt.Manager) {
		for i, b := range info.Blocks {
			states[i], known[i] = m.State(b.ID)
		}
	})
	k := len(info.Blocks)
	lastDone := k == 0 || !known[k-1] || states[k-1] == blockmgmt.Complete
	if k >= 2 && known[k-2] && states[k-2] != blockmgmt.Complete {
		return false, &hadooprpc.RemoteError{Class: hadooprpc.ClassAlreadyBeingCreated, Message: fmt.Sprintf(
			"Failed to release lease for file %s. Committed blocks are waiting to be minimally replicated.", src)}
	}
	if k > 0 && known[k-1] && states[k-1] == blockmgmt.Committed {
		return false, &hadooprpc.RemoteError{Class: hadooprpc.ClassAlreadyBeingCreated, Message: fmt.Sprintf(
			"Failed to release lease for file %s. Committed blocks are waiting to be minimally replicated.", src)}
	}
	if lastDone {
		_, err := n.mutate(ctx, mutation{what: "Cannot recover the lease of " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
			ch, err := n.tree.CompleteFile(namespace.Op{User: n.cfg.User, Now: op.Now}, "", fileID, "", nil)
			if err == nil {
				n.leases.Remove(fileID)
			}
			return ch, nil, nil, err
		})
		return err == nil, err
	}
	last := info.Blocks[k-1]
	// An empty last block nobody wrote to goes away and the file closes.
	var replicas int
	n.bs.with(func(m *blockmgmt.Manager) {
		if lb, err := m.Locate(last.ID, "", n.now()); err == nil {
			replicas = len(lb.Locs)
		}
	})
	if replicas == 0 && last.NumBytes == 0 {
		_, err := n.mutate(ctx, mutation{what: "Cannot recover the lease of " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
			super := namespace.Op{User: n.cfg.User, Now: op.Now}
			ch, err := n.tree.UpdateBlocks(super, "", fileID, "", func(cur []namespace.Block) ([]namespace.Block, error) {
				return cur[:len(cur)-1], nil
			})
			if err != nil {
				return ch, nil, nil, err
			}
			n.bs.removeBlocks([]int64{last.ID})
			closed, err := n.tree.CompleteFile(super, "", fileID, "", nil)
			if err != nil {
				return ch, nil, nil, err
			}
			ch.Records = append(ch.Records, closed.Records...)
			n.leases.Remove(fileID)
			return ch, nil, nil, nil
		})
		return err == nil, err
	}
	// Recover the last block: a new generation stamp as the recovery id,
	// the lease passes to the NameNode, and the primary DataNode gets
	// DNA_RECOVERBLOCK with its next heartbeat.
	_, err = n.mutate(ctx, mutation{what: "Cannot recover the lease of " + src}, func(op namespace.Op, ids *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		rid, logged := nextGenStamp(ids)
		var ierr error
		n.bs.with(func(m *blockmgmt.Manager) { _, ierr = m.InitRecovery(last.ID, rid, n.now()) })
		if ierr != nil {
			return nil, nil, nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: fmt.Sprintf(
				"Failed to recover the last block of %s: %v", src, ierr)}
		}
		ch, err := n.tree.ReassignLease(namespace.Op{User: n.cfg.User, Now: op.Now}, fileID, holder, namenodeLeaseHolder)
		if err != nil {
			return nil, []*editlog.Op{logged}, nil, err
		}
		n.leases.Remove(fileID)
		n.leases.Add(namenodeLeaseHolder, fileID, n.now())
		return ch, []*editlog.Op{logged}, nil, nil
	})
	if err != nil {
		return false, err
	}
	n.log.Info("recovering the lease of a file", "src", src, "holder", holder, "block", last.ID)
	return false, nil
}

// locateOne is a block with its replicas' locations for reader.
func (n *Namesystem) locateOne(b blocks.Extended, offset int64, reader string) (*blocks.Located, error) {
	var lb blocks.Located
	var err error
	now := n.now()
	n.bs.with(func(m *blockmgmt.Manager) { lb, err = m.Locate(b.ID, reader, now) })
	if err != nil {
		return nil, err
	}
	lb.Block.GenStamp, lb.Block.NumBytes = b.GenStamp, b.NumBytes
	lb.Offset = offset
	return &lb, nil
}

// withLocations fills the locations of the blocks of lb for reader.
func (n *Namesystem) withLocations(lb *blocks.LocatedBlocks, reader string) *blocks.LocatedBlocks {
	now := n.now()
	n.bs.with(func(m *blockmgmt.Manager) {
		fill := func(b *blocks.Located) {
			got, err := m.Locate(b.Block.ID, reader, now)
			if err != nil {
				return
			}
			b.Locs, b.Storage, b.Corrupt = got.Locs, got.Storage, got.Corrupt
		}
		for i := range lb.Blocks {
			fill(&lb.Blocks[i])
		}
		if lb.LastBlock != nil {
			fill(lb.LastBlock)
		}
	})
	return lb
}

// completeWait is how long complete waits for the last block's replicas
// to be reported before answering false.
const completeWait = 2 * time.Second

// blocksReady is checkFileProgress(checkall): every block complete, up to
// dfs.namenode.file.close.num-committed-allowed of them committed.
func (n *Namesystem) blocksReady(bs []namespace.Block) bool {
	ready := true
	n.bs.with(func(m *blockmgmt.Manager) {
		committed := 0
		for _, b := range bs {
			st, ok := m.State(b.ID)
			switch {
			case !ok || st == blockmgmt.Complete:
			case st == blockmgmt.Committed && committed < n.bs.cfg.CloseCommittedAllowed:
				committed++
			default:
				ready = false
			}
		}
	})
	return ready
}

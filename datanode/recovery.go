package datanode

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Block recovery as the primary DataNode (Hadoop's
// BlockRecoveryWorker.RecoveryTaskContiguous): ask every location to put
// its replica under recovery, choose the length the replicas agree on,
// have the chosen ones cut and finalized at the new generation stamp, and
// tell the active NameNode. planRecovery is the rule; recoverBlock does
// the calls.

// recoveryReply is one location's answer to initReplicaRecovery: nil info
// and nil err when it has no replica.
type recoveryReply struct {
	info *dnipc.RecoveryInfo
	err  error
}

// errRecoveryInProgress: a location is already recovering the block with
// a newer recovery id, so this recovery is dropped.
var errRecoveryInProgress = errors.New("datanode: a newer recovery of the block is in progress")

// recoveryPlan is what planRecovery decided.
type recoveryPlan struct {
	// Delete: no location has data; the NameNode is told to delete the
	// block (commitBlockSynchronization with deleteBlock).
	Delete       bool
	Best         dnipc.ReplicaState
	NewLength    int64
	Participants []int // indexes of the replies to update
}

// planRecovery chooses as Hadoop does: only replicas at least as new as
// the block and not empty count; a RecoveryInProgressException anywhere
// drops the recovery; among replicas in RWR or a better state (FINALIZED
// over RBW over RWR), a FINALIZED one fixes the length (and every
// FINALIZED one must have it; RBW ones of that length join), otherwise
// the shortest replica of the best state does. truncateLen >= 0 is the
// length of a truncate recovery.
func planRecovery(block fsdataset.Block, truncateLen int64, replies []recoveryReply) (recoveryPlan, error) {
	var sync []int
	errCount, candidates := 0, 0
	for i, r := range replies {
		switch {
		case r.err != nil && isRecoveryInProgress(r.err):
			return recoveryPlan{}, fmt.Errorf("%w: %v", errRecoveryInProgress, r.err)
		case r.err != nil:
			errCount++
		case r.info != nil && r.info.GenStamp >= block.GenStamp && r.info.NumBytes > 0:
			candidates++
			if r.info.State <= dnipc.RWR {
				sync = append(sync, i)
			}
		}
	}
	if len(replies) > 0 && errCount == len(replies) {
		return recoveryPlan{}, fmt.Errorf("datanode: All datanodes failed: block=%s", block)
	}
	if candidates > 0 && len(sync) == 0 {
		return recoveryPlan{}, fmt.Errorf("datanode: Found %d replica(s) for block %s but none is in RWR or better state", candidates, block)
	}
	if len(sync) == 0 {
		return recoveryPlan{Delete: true}, nil
	}
	p := recoveryPlan{Best: dnipc.RWR}
	finalized := int64(-1)
	for _, i := range sync {
		r := replies[i].info
		p.Best = min(p.Best, r.State)
		if r.State == dnipc.Finalized {
			if finalized > 0 && finalized != r.NumBytes {
				return recoveryPlan{}, fmt.Errorf("datanode: Inconsistent size of finalized replicas. Replica of block %s has %d bytes, expected %d",
					block, r.NumBytes, finalized)
			}
			finalized = r.NumBytes
		}
	}
	if p.Best == dnipc.Finalized {
		for _, i := range sync {
			r := replies[i].info
			if r.State == dnipc.Finalized || r.State == dnipc.RBW && r.NumBytes == finalized {
				p.Participants = append(p.Participants, i)
			}
		}
		p.NewLength = finalized
	} else {
		p.NewLength = math.MaxInt64
		for _, i := range sync {
			if r := replies[i].info; r.State == p.Best {
				p.NewLength = min(p.NewLength, r.NumBytes)
				p.Participants = append(p.Participants, i)
			}
		}
	}
	if truncateLen >= 0 {
		p.NewLength = truncateLen
	}
	return p, nil
}

func isRecoveryInProgress(err error) bool {
	return errors.Is(err, fsdataset.ErrRecoveryInProgress) || hadooprpc.ClassOf(err) == hadooprpc.ClassRecoveryInProgress
}

// recoverBlocks runs the recoveries of one command in turn.
func (d *Daemon) recoverBlocks(ctx context.Context, rbs []bpservice.RecoveringBlock) {
	for _, rb := range rbs {
		if err := d.recoverBlock(ctx, rb); err != nil {
			if errors.Is(err, errRecoveryInProgress) {
				d.log.Warn("block recovery aborted", "block", extBlock(rb.BlockPoolID, fsBlock(rb.Block)),
					"recoveryId", rb.NewGenStamp, "err", err)
				continue
			}
			d.log.Warn("block recovery failed", "block", extBlock(rb.BlockPoolID, fsBlock(rb.Block)), "err", err)
		}
	}
}

// commitSync is a commitBlockSynchronization request.
type commitSync struct {
	block               fsdataset.Block
	newGenStamp         int64
	newLength           int64
	closeFile, deleteBk bool
	targets             []bpservice.DatanodeID
	storages            []string
}

func (d *Daemon) recoverBlock(ctx context.Context, rb bpservice.RecoveringBlock) error {
	bpid, block := rb.BlockPoolID, fsBlock(rb.Block)
	svc := d.service(bpid)
	if svc == nil {
		return fmt.Errorf("datanode: recovery of %s: block pool not in service", extBlock(bpid, block))
	}
	nn, ok := svc.Active()
	if !ok {
		return fmt.Errorf("datanode: Unable to synchronize block %s, since this DN has not acknowledged any NN as active",
			extBlock(bpid, block))
	}
	replies := make([]recoveryReply, len(rb.Locations))
	for i, loc := range rb.Locations {
		replies[i].info, replies[i].err = d.peerInitRecovery(ctx, loc.Node, rb)
		if err := replies[i].err; err != nil && !isRecoveryInProgress(err) {
			d.log.Warn("Failed to recover block", "block", extBlock(bpid, block), "datanode", xferAddr(loc.Node), "err", err)
		}
	}
	truncLen, newID := int64(-1), block.ID
	if rb.TruncateBlock != nil {
		truncLen, newID = rb.TruncateBlock.NumBytes, rb.TruncateBlock.ID
	}
	plan, err := planRecovery(block, truncLen, replies)
	if err != nil {
		return err
	}
	c := commitSync{block: block, newGenStamp: rb.NewGenStamp, closeFile: true}
	if plan.Delete {
		c.deleteBk = true
		d.log.Info("block recovery: no location has data; the block can be deleted", "block", extBlock(bpid, block))
		return d.commitBlockSynchronization(ctx, nn, bpid, c)
	}
	d.log.Info("BlockRecoveryWorker", "block", extBlock(bpid, block), "bestState", plan.Best,
		"newLength", plan.NewLength, "participants", len(plan.Participants))
	var failed []string
	for _, i := range plan.Participants {
		node := rb.Locations[i].Node
		old := fsdataset.Block{ID: replies[i].info.ID, GenStamp: replies[i].info.GenStamp, NumBytes: replies[i].info.NumBytes}
		sid, err := d.peerUpdateRecovery(ctx, node, bpid, old, rb.NewGenStamp, newID, plan.NewLength)
		if err != nil {
			d.log.Warn("Failed to updateBlock", "block", extBlock(bpid, block), "datanode", xferAddr(node), "err", err)
			failed = append(failed, xferAddr(node))
			continue
		}
		c.targets = append(c.targets, node)
		c.storages = append(c.storages, sid)
	}
	if len(c.targets) == 0 {
		return fmt.Errorf("datanode: Cannot recover %s, the following datanodes failed: [%s]", extBlock(bpid, block), strings.Join(failed, ", "))
	}
	c.newLength = plan.NewLength
	return d.commitBlockSynchronization(ctx, nn, bpid, c)
}

// peerInitRecovery asks one location (this DataNode directly, others
// over InterDatanodeProtocol) to put its replica under recovery.
func (d *Daemon) peerInitRecovery(ctx context.Context, node bpservice.DatanodeID, rb bpservice.RecoveringBlock) (*dnipc.RecoveryInfo, error) {
	req := recoveringOf(rb)
	if node.DatanodeUUID == d.id.DatanodeUUID {
		return (&recoverer{d: d}).InitReplicaRecovery(ctx, req)
	}
	ctx, cancel := d.peerContext(ctx)
	defer cancel()
	resp := &hdfspb.InitReplicaRecoveryResponseProto{}
	err := d.rpc.Call(ctx, d.peerAddr(node, node.IPCPort), dnipc.InterDatanodeProtocolName, "initReplicaRecovery",
		&hdfspb.InitReplicaRecoveryRequestProto{Block: recoveringProto(rb)}, resp)
	if err != nil {
		return nil, err
	}
	if !resp.GetReplicaFound() {
		return nil, nil
	}
	b := resp.GetBlock()
	return &dnipc.RecoveryInfo{State: dnipc.ReplicaState(resp.GetState()), ID: int64(b.GetBlockId()),
		NumBytes: int64(b.GetNumBytes()), GenStamp: int64(b.GetGenStamp())}, nil
}

func (d *Daemon) peerUpdateRecovery(ctx context.Context, node bpservice.DatanodeID, bpid string, old fsdataset.Block,
	recoveryID, newID, newLength int64) (string, error) {
	ext := blocks.Extended{PoolID: bpid, ID: old.ID, GenStamp: old.GenStamp, NumBytes: old.NumBytes}
	if node.DatanodeUUID == d.id.DatanodeUUID {
		return (&recoverer{d: d}).UpdateReplicaUnderRecovery(ctx, ext, recoveryID, newID, newLength)
	}
	ctx, cancel := d.peerContext(ctx)
	defer cancel()
	resp := &hdfspb.UpdateReplicaUnderRecoveryResponseProto{}
	err := d.rpc.Call(ctx, d.peerAddr(node, node.IPCPort), dnipc.InterDatanodeProtocolName, "updateReplicaUnderRecovery",
		&hdfspb.UpdateReplicaUnderRecoveryRequestProto{Block: blockpb.Extended(ext), RecoveryId: proto.Uint64(uint64(recoveryID)),
			NewLength: proto.Uint64(uint64(newLength)), NewBlockId: proto.Uint64(uint64(newID))}, resp)
	if err != nil {
		return "", err
	}
	return resp.GetStorageUuid(), nil
}

// peerContext bounds a call to another DataNode by dfs.client.socket-timeout,
// as Hadoop's InterDatanodeProtocol proxy is.
func (d *Daemon) peerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if d.cfg.SocketTimeout > 0 {
		return context.WithTimeout(ctx, d.cfg.SocketTimeout)
	}
	return context.WithCancel(ctx)
}

func (d *Daemon) commitBlockSynchronization(ctx context.Context, nn, bpid string, c commitSync) error {
	req := &datanodepb.CommitBlockSynchronizationRequestProto{
		Block:       blockpb.Extended(blocks.Extended{PoolID: bpid, ID: c.block.ID, GenStamp: c.block.GenStamp, NumBytes: c.block.NumBytes}),
		NewGenStamp: proto.Uint64(uint64(c.newGenStamp)), NewLength: proto.Uint64(uint64(c.newLength)),
		CloseFile: proto.Bool(c.closeFile), DeleteBlock: proto.Bool(c.deleteBk), NewTargetStorages: c.storages,
	}
	for _, t := range c.targets {
		req.NewTaragets = append(req.NewTaragets, datanodeIDProto(t))
	}
	ctx, cancel := context.WithTimeout(ctx, bpservice.DefaultRPCTimeout)
	defer cancel()
	if err := d.rpc.Call(ctx, nn, bpservice.Protocol, "commitBlockSynchronization", req,
		&datanodepb.CommitBlockSynchronizationResponseProto{}); err != nil {
		return fmt.Errorf("datanode: commitBlockSynchronization of %s to %s: %w", extBlock(bpid, c.block), nn, err)
	}
	d.log.Info("Block recovery committed", "block", extBlock(bpid, c.block), "newGenStamp", c.newGenStamp,
		"newLength", c.newLength, "deleteBlock", c.deleteBk, "targets", len(c.targets))
	return nil
}

func datanodeIDProto(id bpservice.DatanodeID) *hdfspb.DatanodeIDProto {
	return blockpb.DatanodeID(blocksID(id))
}

func blocksID(id bpservice.DatanodeID) blocks.DatanodeID {
	return blocks.DatanodeID{IPAddr: id.IPAddr, HostName: id.HostName, UUID: id.DatanodeUUID,
		XferPort: int(id.XferPort), InfoPort: int(id.InfoPort), InfoSecurePort: int(id.InfoSecurePort), IPCPort: int(id.IPCPort)}
}

// recoveringOf is the recovery as a peer sees it.
func recoveringOf(rb bpservice.RecoveringBlock) dnipc.Recovering {
	r := dnipc.Recovering{Block: blocks.Extended{PoolID: rb.BlockPoolID, ID: rb.Block.ID, GenStamp: rb.Block.GenStamp,
		NumBytes: rb.Block.NumBytes}, NewGenStamp: rb.NewGenStamp}
	for _, l := range rb.Locations {
		r.Locations = append(r.Locations, blocks.DatanodeInfo{DatanodeID: blocksID(l.Node)})
	}
	if t := rb.TruncateBlock; t != nil {
		r.Truncate = &blocks.Extended{PoolID: rb.BlockPoolID, ID: t.ID, GenStamp: t.GenStamp, NumBytes: t.NumBytes}
	}
	return r
}

func recoveringProto(rb bpservice.RecoveringBlock) *hdfspb.RecoveringBlockProto {
	r := recoveringOf(rb)
	p := &hdfspb.RecoveringBlockProto{NewGenStamp: proto.Uint64(uint64(rb.NewGenStamp)),
		Block: blockpb.Located(&blocks.Located{Block: r.Block, Locs: r.Locations})}
	if t := rb.TruncateBlock; t != nil {
		p.TruncateBlock = &hdfspb.BlockProto{BlockId: proto.Uint64(uint64(t.ID)), GenStamp: proto.Uint64(uint64(t.GenStamp)),
			NumBytes: proto.Uint64(uint64(t.NumBytes))}
	}
	return p
}

// xferAddr names a DataNode in logs as Hadoop does: its IP and data port.
func xferAddr(id bpservice.DatanodeID) string {
	return fmt.Sprintf("%s:%d", id.IPAddr, id.XferPort)
}

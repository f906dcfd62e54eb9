package dfswriter

import (
	"context"
	"fmt"
	"slices"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// newBlock is setupPipelineForCreate: ask for a block and connect its
// pipeline; when the connection fails, abandon the block and ask again
// with the blamed node excluded, up to dfs.client.block.write.retries
// more times.
//
// Hadoop 3.4 first tries setupPipelineForAppendOrRecovery on the create
// stage, but with dfs.client.block.write.replace-datanode-on-failure.
// min-replication at its default (0) that returns false without
// reconnecting, so the block is abandoned as here.
func (w *Writer) newBlock(ctx context.Context) error {
	for try := 0; ; try++ {
		var lb *hdfspb.LocatedBlockProto
		err := backoff(ctx, func() (bool, error) {
			var err error
			lb, err = w.nn.addBlock(ctx, w.prev, infos(w.excluded))
			return true, err
		})
		if err != nil {
			return fmt.Errorf("dfswriter: addBlock: %w", err)
		}
		w.block, w.nodes = cloneBlock(lb.GetB()), nodesOf(lb)
		w.block.NumBytes = new(uint64(0))
		if len(w.nodes) == 0 {
			return fmt.Errorf("dfswriter: addBlock gave %s no nodes", blockName(w.block))
		}
		p, bad, err := connect(ctx, w.opts.Dial, w.nodes, w.writeArgs(hdfspb.OpWriteBlockProto_PIPELINE_SETUP_CREATE, 0))
		if err == nil {
			w.startPipe(p)
			return nil
		}
		w.log.Warn("dfswriter: abandoning block", "block", blockName(w.block), "excluding", w.nodes[bad].addr(), "err", err)
		if aerr := w.nn.abandonBlock(ctx, w.block); aerr != nil {
			return fmt.Errorf("dfswriter: abandonBlock %s: %w", blockName(w.block), aerr)
		}
		w.excluded = append(w.excluded, w.nodes[bad])
		w.block, w.nodes = nil, nil
		if try >= blockWriteRetries {
			return fmt.Errorf("dfswriter: Unable to create new block: %w", err)
		}
	}
}

func (w *Writer) writeArgs(stage hdfspb.OpWriteBlockProto_BlockConstructionStage, newGS uint64) writeBlockArgs {
	w.mu.Lock()
	acked := w.mu.acked
	w.mu.Unlock()
	return writeBlockArgs{block: w.block, stage: stage, minBytes: acked, maxBytes: w.bytesSent, newGS: newGS,
		blockSize: w.opts.BlockSize, client: w.nn.client, checksum: w.cs, connectWait: readTimeout}
}

// recover is processDatanodeOrExternalError and setupPipelineInternal:
// drop the blamed node, maybe add one, take a new generation stamp,
// reconnect the rest with the recovery stage, tell the NameNode, and send
// every unacknowledged packet again.
func (w *Writer) recover(ctx context.Context) error {
	w.stopPipe()
	w.mu.Lock()
	bad, cause := max(w.mu.bad, 0), w.mu.failure
	w.mu.failure, w.mu.bad = nil, -1
	w.mu.recoveries++
	tries := w.mu.recoveries
	w.mu.Unlock()
	if tries > maxPipelineRecovery {
		return fmt.Errorf("dfswriter: Failing write. Tried pipeline recovery %d times without success: %w", maxPipelineRecovery, cause)
	}
	stage := hdfspb.OpWriteBlockProto_PIPELINE_SETUP_STREAMING_RECOVERY
	if w.closing {
		stage = hdfspb.OpWriteBlockProto_PIPELINE_CLOSE_RECOVERY
	}
	for {
		if len(w.nodes) <= 1 {
			return fmt.Errorf("dfswriter: All datanodes %v are bad. Aborting...: %w", w.Pipeline(), cause)
		}
		if bad >= len(w.nodes) {
			bad = 0 // an ack with more replies than nodes
		}
		w.log.Warn("dfswriter: error recovery", "block", blockName(w.block), "pipeline", w.Pipeline(), "bad", w.nodes[bad].addr(), "err", cause)
		w.failed = append(w.failed, w.nodes[bad])
		w.nodes = slices.Delete(slices.Clone(w.nodes), bad, bad+1)
		if w.opts.Policy.Satisfied(w.opts.Replication, len(w.nodes), false, w.hflushed) {
			if err := w.addDatanode(ctx); err != nil {
				return err // best-effort is false
			}
		}
		gs, err := w.nn.updateBlockForPipeline(ctx, w.current())
		if err != nil {
			return fmt.Errorf("dfswriter: updateBlockForPipeline %s: %w", blockName(w.block), err)
		}
		p, b, err := connect(ctx, w.opts.Dial, w.nodes, w.writeArgs(stage, gs))
		if err != nil {
			bad, cause = b, err
			continue
		}
		old := w.current()
		w.block.GenerationStamp = new(gs)
		if err := w.nn.updatePipeline(ctx, old, w.current(), w.nodes); err != nil {
			p.conn.Close()
			return fmt.Errorf("dfswriter: updatePipeline %s: %w", blockName(w.block), err)
		}
		w.log.Info("dfswriter: pipeline recovered", "block", blockName(w.block), "pipeline", w.Pipeline())
		if w.closing {
			// The nodes finalized the replica while connecting
			// (PIPELINE_CLOSE_RECOVERY): the last packet needs no sending.
			p.conn.Close()
			w.mu.Lock()
			w.mu.queue = nil
			w.notifyLocked()
			w.mu.Unlock()
			return nil
		}
		w.startPipe(p)
		w.mu.Lock()
		resend := slices.Clone(w.mu.queue)
		w.mu.Unlock()
		for _, pk := range resend {
			w.writePacket(pk)
		}
		return nil
	}
}

// addDatanode is addDatanode2ExistingPipeline: a new node from the
// NameNode, then the partial replica copied to it from a surviving node
// (a different one for each of up to three tries).
func (w *Writer) addDatanode(ctx context.Context) error {
	original := w.nodes
	exclude := infos(w.failed)
	var lastErr error
	for tried := 0; tried < addDatanodeTries; {
		b := w.current()
		lb, err := w.nn.getAdditionalDatanode(ctx, b, original, exclude)
		if err != nil {
			return fmt.Errorf("dfswriter: getAdditionalDatanode %s: %w", blockName(b), err)
		}
		now := nodesOf(lb)
		d := newNodeIndex(addrs(original), addrs(now))
		if d < 0 {
			return fmt.Errorf("dfswriter: Failed to replace a bad datanode on the existing pipeline due to no more good datanodes being available to try. (Nodes: current=%v, original=%v). The current failed datanode replacement policy is %v",
				addrs(now), addrs(original), w.opts.Policy)
		}
		src := original[tried%len(original)]
		if err := transfer(ctx, w.opts.Dial, src, now[d], b, w.nn.client); err != nil {
			w.log.Warn("dfswriter: error transferring data", "from", src.addr(), "to", now[d].addr(), "err", err)
			exclude = append(exclude, now[d].info)
			lastErr = err
			tried++
			continue
		}
		w.nodes = now
		return nil
	}
	return lastErr
}

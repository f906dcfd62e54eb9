package namenode

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// checkpointer saves images. saveNamespace (in safe mode) saves the live
// namespace, which cannot change meanwhile. The background checkpoint of
// a NameNode without a standby or secondary never stops writers: it rolls
// the edit log, then rebuilds the namespace at the end of the finalized
// segment in a scratch tree (the last image plus the segments after it,
// as a secondary NameNode would) and saves that.
type checkpointer struct {
	n   *Namesystem
	st  *storage.Storage
	jn  *journal.Journal
	log *slog.Logger

	mu       sync.Mutex   // one checkpoint at a time
	lastTxID atomic.Int64 // txid of the newest image (read by getMostRecentCheckpointTxId)
	lastTime time.Time    // when it was saved (or loaded)
}

// lastTxID is the last txid written to the edit log; the caller holds n.mu.
func (n *Namesystem) lastTxID() int64 {
	if n.ckpt == nil {
		return 0
	}
	return n.ckpt.jn.LastWrittenTxID()
}

// RollEdits finalizes the open segment and starts the next; it returns
// the new segment's first txid.
func (c *checkpointer) RollEdits(ctx context.Context) (int64, error) {
	c.n.mu.Lock()
	first, err := c.jn.Roll()
	c.n.mu.Unlock()
	if err != nil {
		c.n.failed(err)
		return 0, err
	}
	c.log.Info("Rolled edit log", "newSegmentTxId", first)
	return first, nil
}

// SaveNamespace saves the live namespace (the NameNode is in safe mode),
// unless a checkpoint is younger than timeWindow seconds and fewer than
// txGap transactions old.
func (c *checkpointer) SaveNamespace(ctx context.Context, timeWindow, txGap int64) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n.mu.Lock()
	defer c.n.mu.Unlock()
	if timeWindow > 0 || txGap > 0 {
		age := c.n.now().Sub(c.lastTime)
		if age <= time.Duration(timeWindow)*time.Second && c.jn.LastWrittenTxID()-c.lastTxID.Load() <= txGap {
			return false, nil
		}
	}
	first, err := c.jn.Roll()
	if err != nil {
		c.n.failed(err)
		return false, err
	}
	txid := first - 1
	if err := c.save(c.n.tree, c.n.ids, txid); err != nil {
		return false, err
	}
	c.purgeLocked()
	c.log.Info("Saved namespace", "txid", txid)
	return true, nil
}

// save writes the image of tree at txid into every image directory and
// records it. The caller then purges (under n.mu).
func (c *checkpointer) save(tree *namespace.Tree, ids IDs, txid int64) error {
	return c.saveWith(tree, ids, txid, nil)
}

// saveWith is save keeping to duty's share of a core (nil: at full speed).
func (c *checkpointer) saveWith(tree *namespace.Tree, ids IDs, txid int64, duty *dutyCycle) error {
	meta := c.n.imageMeta(ids, txid)
	save := imageSaver(tree, meta, c.n.cfg)
	if duty != nil {
		inner := save
		save = func(w io.Writer) error { return inner(throttledWriter{w, duty}) }
	}
	if err := c.st.SaveImage(txid, save); err != nil {
		return fmt.Errorf("namenode: saving fsimage_%019d: %w", txid, err)
	}
	c.lastTxID.Store(txid)
	c.lastTime = c.n.now()
	return nil
}

// purgeLocked records the open segment in seen_txid and removes the
// images and segments retention lets go. The caller holds n.mu, so no
// roll can open a segment meanwhile: the open segment is the one the
// planner must leave alone (it sets aside every other in-progress one).
func (c *checkpointer) purgeLocked() {
	open := c.jn.SegmentFirstTxID()
	if err := c.st.WriteSeenTxID(open); err != nil {
		c.log.Warn("writing seen_txid", "err", err)
	}
	if err := c.st.Purge(c.n.cfg.Retention, storage.KindImage, open); err != nil {
		c.log.Warn("purging old images and edits", "err", err)
	}
	if c.n.shared != nil {
		if keep, err := c.st.EditsToKeep(c.n.cfg.Retention); err == nil && keep > 0 {
			_ = c.n.shared.PurgeLogsOlderThan(context.Background(), uint64(keep))
		}
	}
}

// due reports whether a background checkpoint should run: the newest
// image is dfs.namenode.checkpoint.period old, or
// dfs.namenode.checkpoint.txns transactions behind.
func (c *checkpointer) due() bool {
	c.n.mu.Lock()
	behind := c.jn.LastWrittenTxID() - c.lastTxID.Load()
	c.n.mu.Unlock()
	if behind <= 1 {
		return false
	}
	return behind >= c.n.cfg.CheckpointTxns || c.n.now().Sub(c.lastTime) >= c.n.cfg.CheckpointPeriod
}

// checkpoint runs a background checkpoint.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n.mu.Lock()
	first, err := c.jn.Roll()
	c.n.mu.Unlock()
	if err != nil {
		c.n.failed(err)
		return err
	}
	end := first - 1
	start := time.Now()
	// A third of one core: the clients' calls come first.
	duty := newDutyCycle(1.0 / 3)
	tree, ids, err := c.n.rebuild(ctx, c.st, end, duty)
	if err != nil {
		return fmt.Errorf("namenode: checkpoint at txid %d: %w", end, err)
	}
	if err := c.saveWith(tree, ids, end, duty); err != nil {
		return err
	}
	c.n.mu.Lock()
	c.purgeLocked()
	c.n.mu.Unlock()
	c.log.Info("Checkpoint done", "txid", end, "took", time.Since(start))
	return nil
}

// run checks every dfs.namenode.checkpoint.check.period and checkpoints
// when due; it also rolls the edit log when the open segment passes the
// autoroll threshold.
func (c *checkpointer) run(ctx context.Context) {
	period := c.n.cfg.CheckpointCheck
	if period <= 0 {
		period = time.Minute
	}
	roll := c.n.cfg.AutorollCheck
	if roll <= 0 {
		roll = 5 * time.Minute
	}
	ck := time.NewTicker(period)
	defer ck.Stop()
	rl := time.NewTicker(roll)
	defer rl.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ck.C:
			if c.n.safe.On() || !c.due() {
				continue
			}
			if err := c.checkpoint(ctx); err != nil {
				if ctx.Err() != nil {
					c.log.Info("background checkpoint abandoned: the NameNode is stopping")
					return
				}
				c.log.Error("background checkpoint failed", "err", err)
			}
		case <-rl.C:
			if c.jn.ShouldRoll() {
				if _, err := c.RollEdits(ctx); err != nil {
					c.log.Error("automatic edit log roll failed", "err", err)
				}
			}
		}
	}
}

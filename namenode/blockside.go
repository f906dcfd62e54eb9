package namenode

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/internal/ctxsleep"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/topology"
)

// BlockConfig is the block side of the NameNode's configuration.
type BlockConfig struct {
	Manager blockmgmt.Config

	HostsFile        string        // dfs.hosts
	HostsExcludeFile string        // dfs.hosts.exclude
	RedundancyEvery  time.Duration // dfs.namenode.redundancy.interval.seconds (3 s)
	SafemodeMinNodes int           // dfs.namenode.safemode.min.datanodes
	SafemodeExt      time.Duration // dfs.namenode.safemode.extension (30 s)
	// CloseCommittedAllowed is dfs.namenode.file.close.num-committed-allowed
	// (0): how many COMMITTED blocks a file may close with.
	CloseCommittedAllowed int
}

// blockConfigFrom reads BlockConfig with Hadoop's keys and defaults.
func blockConfigFrom(c *conf.Conf, h conf.HDFS, errs *[]error) BlockConfig {
	r := conf.NewReader(c)
	defer func() {
		if err := r.Err(); err != nil {
			*errs = append(*errs, err)
		}
	}()
	dur, num, fl := r.Duration, r.Int, r.Float
	m := blockmgmt.DefaultConfig()
	m.MinReplication = h.MinReplication
	m.MaxReplication = h.MaxReplication
	m.HeartbeatInterval = h.HeartbeatInterval
	m.RecheckInterval = h.HeartbeatRecheck
	m.StaleInterval = dur("dfs.namenode.stale.datanode.interval", 30*time.Second, time.Millisecond)
	m.AvoidStaleForWrite = c.GetBool("dfs.namenode.avoid.write.stale.datanode", false)
	m.AvoidStaleForRead = c.GetBool("dfs.namenode.avoid.read.stale.datanode", false)
	m.ConsiderLoad = c.GetBool("dfs.namenode.redundancy.considerLoad", true)
	m.ConsiderLoadFactor = fl("dfs.namenode.redundancy.considerLoad.factor", 2.0)
	m.InvalidateLimit = num("dfs.block.invalidate.limit", 1000)
	m.MaxStreams = num("dfs.namenode.replication.max-streams", 2)
	m.StreamsHardLimit = num("dfs.namenode.replication.max-streams-hard-limit", 4)
	m.WorkMultiplier = num("dfs.namenode.replication.work.multiplier.per.iteration", 2)
	m.PendingTimeout = dur("dfs.namenode.reconstruction.pending.timeout-sec", 300*time.Second, time.Second)
	m.MaintenanceMinReplication = num("dfs.namenode.maintenance.replication.min", 1)
	m.TolerateHeartbeatMultiplier = num("dfs.namenode.tolerate.heartbeat.multiplier", 4)
	hosts, _ := c.GetTrimmed(conf.KeyHosts)
	exclude, _ := c.GetTrimmed(conf.KeyHostsExclude)
	return BlockConfig{
		Manager:               m,
		HostsFile:             hosts,
		HostsExcludeFile:      exclude,
		RedundancyEvery:       dur("dfs.namenode.redundancy.interval.seconds", 3*time.Second, time.Second),
		SafemodeMinNodes:      h.SafemodeMinDataNodes,
		SafemodeExt:           h.SafemodeExtension,
		CloseCommittedAllowed: num("dfs.namenode.file.close.num-committed-allowed", 0),
	}
}

// blockSide is the NameNode's block manager and what feeds it: the
// manager is a single-owner core, so every call goes through mu. Lock
// order: Namesystem.mu (mutations), then blockSide.mu.
type blockSide struct {
	cfg    BlockConfig
	poolID string
	log    *slog.Logger
	topo   topology.Mapping
	racks  sync.Map // host → network location, resolved before Register

	mu sync.Mutex
	m  *blockmgmt.Manager
	// leases are the full-block-report leases handed out, by DataNode.
	leases map[string]uint64
	rnd    *rand.Rand
}

func newBlockSide(cfg BlockConfig, poolID string, topo topology.Mapping, log *slog.Logger) (*blockSide, error) {
	cfg.Manager.PoolID = poolID
	b := &blockSide{cfg: cfg, poolID: poolID, log: log, topo: topo, leases: map[string]uint64{},
		rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x6864667364))}
	m, err := blockmgmt.New(cfg.Manager, b.rackOf, b.rnd)
	if err != nil {
		return nil, err
	}
	b.m = m
	return b, nil
}

// rackOf answers the manager's resolver from what RegisterDatanode
// resolved (the manager must not wait on a topology script).
func (b *blockSide) rackOf(host string) string {
	if v, ok := b.racks.Load(host); ok {
		return v.(string)
	}
	return ""
}

// resolve looks a DataNode's location up before it registers.
func (b *blockSide) resolve(ctx context.Context, id blocks.DatanodeID) error {
	if b.topo == nil {
		return nil
	}
	locs, err := b.topo.Resolve(ctx, []string{id.IPAddr})
	if err != nil || len(locs) != 1 {
		b.log.Error("topology resolution failed; using the default rack", "datanode", id.IPAddr, "err", err)
		return nil
	}
	loc, err := topology.Normalize(locs[0])
	if err != nil {
		return err
	}
	b.racks.Store(id.IPAddr, loc)
	b.racks.Store(id.HostName, loc)
	return nil
}

// with runs fn with the manager.
func (b *blockSide) with(fn func(m *blockmgmt.Manager)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fn(b.m)
}

// load fills the blocks map from the namespace after the image and the
// edits are loaded: every file's blocks, the last one of an open file
// under construction.
func (b *blockSide) load(tree *namespace.Tree) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	load := func(blk namespace.Block, fileID int64, repl int) error {
		if _, known := b.m.State(blk.ID); known {
			return nil // shared by a snapshot's copy and the live file
		}
		return b.m.LoadBlock(blk.ID, blk.GenStamp, blk.NumBytes, fileID, repl, blk.Complete)
	}
	return tree.WalkImage(func(w *namespace.ImageWalk) error {
		repl := map[int64]int{}
		err := w.Inodes(func(n *namespace.Inode) error {
			if n.Type != namespace.InodeFile {
				return nil
			}
			repl[n.ID] = int(n.Replication)
			for _, blk := range n.Blocks {
				if err := load(blk, n.ID, int(n.Replication)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Blocks only snapshots still hold (a file truncated or appended
		// after a snapshot keeps its older block list in the diff), as
		// Hadoop's loadFileDiffList adds them to the blocks map.
		return w.SnapshotDiffs(func(d *namespace.InodeDiffs) error {
			for _, fd := range d.FileDiffs {
				if !fd.HasBlocks {
					continue
				}
				for _, blk := range fd.Blocks {
					blk.Complete = true
					if err := load(blk, d.ID, max(repl[d.ID], 1)); err != nil {
						return err
					}
				}
			}
			return nil
		})
	})
}

// loadHosts reads dfs.hosts and dfs.hosts.exclude into the manager
// (refreshNodes).
func (b *blockSide) loadHosts(now time.Time) error {
	in, err := topology.ReadHostsFile(b.cfg.HostsFile)
	if err != nil {
		return err
	}
	ex, err := topology.ReadHostsFile(b.cfg.HostsExcludeFile)
	if err != nil {
		return err
	}
	b.with(func(m *blockmgmt.Manager) { m.SetHosts(blockmgmt.Hosts{Include: in, Exclude: ex}, now) })
	return nil
}

// removeBlocks takes deleted files' blocks out of the map and schedules
// their replicas' deletion.
func (b *blockSide) removeBlocks(ids []int64) {
	if len(ids) == 0 {
		return
	}
	b.with(func(m *blockmgmt.Manager) {
		for _, id := range ids {
			m.RemoveBlock(id)
		}
	})
}

// monitor runs the heartbeat check and the redundancy monitor every
// dfs.namenode.redundancy.interval.seconds, and keeps safe mode told.
func (n *Namesystem) blockMonitor(ctx context.Context) {
	everyTick(ctx, n.bs.cfg.RedundancyEvery, 3*time.Second, func() {
		now := n.now()
		n.bs.with(func(m *blockmgmt.Manager) {
			m.Tick(now)
			if !n.safe.On() {
				m.ComputeWork(now)
			}
		})
		n.checkSafeMode(now)
	})
}

// everyTick runs fn every d (def when d is not positive) until ctx ends.
func everyTick(ctx context.Context, d, def time.Duration, fn func()) {
	if d <= 0 {
		d = def
	}
	ctxsleep.Every(ctx, d, fn)
}

// checkSafeMode gives safe mode the manager's counts; when startup safe
// mode ends the redundancy queues fill (processMisReplicatedBlocks).
func (n *Namesystem) checkSafeMode(now time.Time) {
	var safe, total int64
	var live int
	n.bs.with(func(m *blockmgmt.Manager) { safe, total, live = m.SafeCounts() })
	if n.safe.Update(safe, total, live, now) {
		n.log.Info("STATE* Safe mode is OFF", "reported", safe, "total", total, "datanodes", live)
		n.bs.with(func(m *blockmgmt.Manager) { m.SetPopulateQueues(true, now) })
	}
}

// storageTypesFor is BlockStoragePolicy.chooseStorageTypes for a new
// block: the policy's types, the last repeated, for each replica; nil for
// all DISK. fallback gives the creation fallbacks instead.
func storageTypesFor(policy uint8, replication int, fallback bool) []blocks.StorageType {
	p := namespace.PolicyByID(policy)
	if p == nil || p.ID == namespace.PolicyHot {
		return nil
	}
	types := p.StorageTypes
	if fallback {
		types = p.CreationFallbacks
	}
	if len(types) == 0 {
		return nil
	}
	out := make([]blocks.StorageType, replication)
	for i := range out {
		t := types[min(i, len(types)-1)]
		out[i] = blocks.StorageType(t)
	}
	return out
}

// startBlockSide builds the block manager from the loaded namespace, reads
// the hosts files, and starts startup safe mode on the complete blocks
// DataNodes must report.
func (n *Namesystem) startBlockSide(c *conf.Conf, now time.Time) error {
	topo, err := topology.FromConf(c, n.log)
	if err != nil {
		return err
	}
	bs, err := newBlockSide(n.cfg.Blocks, n.blockPoolID, topo, n.log)
	if err != nil {
		return err
	}
	if err := bs.load(n.tree); err != nil {
		return fmt.Errorf("namenode: loading the blocks map: %w", err)
	}
	if err := bs.loadHosts(now); err != nil {
		return err
	}
	n.bs = bs
	var total int64
	bs.with(func(m *blockmgmt.Manager) { _, total, _ = m.SafeCounts() })
	n.safe = NewSafeMode(n.cfg.SafemodeThreshold, total)
	n.safe.SetLimits(n.cfg.Blocks.SafemodeMinNodes, n.cfg.Blocks.SafemodeExt)
	bs.with(func(m *blockmgmt.Manager) { m.SetPopulateQueues(!n.safe.InStartup(), now) })
	if n.safe.InStartup() {
		n.log.Info("STATE* Safe mode ON", "blocks", total)
	}
	return nil
}

// setBlocksReplication tells the block manager a file's new replication
// (setReplication: blocks become under- or over-replicated).
func (n *Namesystem) setBlocksReplication(ch *namespace.Change) {
	now := n.now()
	for _, r := range ch.Records {
		if r.Kind != namespace.KindSetReplication {
			continue
		}
		st, err := n.tree.GetFileInfo(namespace.Op{User: n.cfg.User}, r.Path, true)
		if err != nil || st == nil {
			continue
		}
		ids := n.tree.Blocks(st.FileID)
		n.bs.with(func(m *blockmgmt.Manager) {
			for _, b := range ids {
				if err := m.SetReplication(b.ID, int(r.Replication), now); err != nil {
					n.log.Debug("set replication", "block", b.ID, "err", err)
				}
			}
		})
	}
}

// concatBlocks hands the sources' blocks to the target file.
func (n *Namesystem) concatBlocks(ch *namespace.Change) {
	now := n.now()
	for _, r := range ch.Records {
		if r.Kind != namespace.KindConcat {
			continue
		}
		target := r.InodeID
		var repl int
		if st, err := n.tree.GetFileInfo(namespace.Op{User: n.cfg.User}, r.Path, true); err == nil && st != nil {
			target, repl = st.FileID, int(st.Replication)
		}
		for _, b := range n.tree.Blocks(target) {
			n.bs.with(func(m *blockmgmt.Manager) {
				if f, ok := m.FileOf(b.ID); ok && f != target {
					_ = m.SetFile(b.ID, target, repl, now)
				}
			})
		}
	}
}

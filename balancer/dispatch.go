package balancer

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// NameNode is what the dispatcher asks the NameNode: a sample of a
// node's blocks (NamenodeProtocol.getBlocks).
type NameNode interface {
	GetBlocks(ctx context.Context, node blocks.DatanodeID, size, minBlockSize, hotInterval int64, t blocks.StorageType) ([]blockmgmt.BlockWithLocations, error)
}

// Move is one replica to move: the target copies it from the proxy, then
// tells the NameNode that the source's replica may go.
type Move struct {
	Block      blocks.Extended
	Source     blocks.DatanodeInfo
	Proxy      blocks.DatanodeInfo
	Target     blocks.DatanodeInfo
	TargetType blocks.StorageType
}

// Mover carries out a move (REPLACE_BLOCK to the target).
type Mover interface {
	Move(ctx context.Context, m Move) error
}

// DispatchConfig is the dispatcher's part of the configuration.
type DispatchConfig struct {
	PoolID string
	// GetBlocksSize is dfs.balancer.getBlocks.size (2 GiB).
	GetBlocksSize int64
	// MinBlockSize is dfs.balancer.getBlocks.min-block-size (10 MiB).
	MinBlockSize int64
	// HotInterval is dfs.balancer.getBlocks.hot-time-interval (0): blocks
	// of files used this recently are offered last.
	HotInterval time.Duration
	// MaxNoMoveInterval is dfs.balancer.max-no-move-interval (60 s): a
	// source with blocks but none movable gives up after this long.
	MaxNoMoveInterval time.Duration
	// MaxIterationTime is dfs.balancer.max-iteration-time (20 min);
	// negative means no limit.
	MaxIterationTime time.Duration
	// MoverThreads is dfs.balancer.moverThreads (1000), shared among the
	// targets; MaxConcurrentMoves is dfs.datanode.balance.max.concurrent.moves
	// (100), the most moves into one target at a time.
	MoverThreads, MaxConcurrentMoves int
}

// Dispatcher moves the blocks one iteration's plan scheduled.
type Dispatcher struct {
	cfg    DispatchConfig
	nn     NameNode
	mover  Mover
	log    *slog.Logger
	rackOf func(blocks.DatanodeInfo) string
	now    func() time.Time

	nodes  map[string]blocks.DatanodeInfo // by UUID: the nodes of this iteration
	groups map[groupKey]bool              // their movable storage types

	mu          sync.Mutex
	moved       map[int64]bool // blocks moved or moving this iteration
	bytesMoved  int64
	blocksMoved int64
	slots       map[string]chan struct{} // per target node: free mover threads
	perTarget   int
	wg          sync.WaitGroup
}

type groupKey struct {
	uuid string
	typ  blocks.StorageType
}

// NewDispatcher returns a dispatcher for plan over the nodes of reports.
func NewDispatcher(cfg DispatchConfig, nn NameNode, mover Mover, reports []blocks.DatanodeStorageReport, plan *Plan,
	rackOf func(blocks.DatanodeInfo) string, log *slog.Logger) *Dispatcher {
	if rackOf == nil {
		rackOf = func(blocks.DatanodeInfo) string { return "" }
	}
	d := &Dispatcher{cfg: cfg, nn: nn, mover: mover, log: log, rackOf: rackOf, now: time.Now,
		nodes: map[string]blocks.DatanodeInfo{}, groups: map[groupKey]bool{}, moved: map[int64]bool{},
		slots: map[string]chan struct{}{}}
	for _, r := range reports {
		d.nodes[r.Node.UUID] = r.Node
		for _, s := range r.Storages {
			if movable(s.Type) {
				d.groups[groupKey{r.Node.UUID, s.Type}] = true
			}
		}
	}
	targets := map[string]bool{}
	for _, src := range plan.Sources {
		for _, t := range src.Tasks {
			targets[t.Target.Node.UUID] = true
		}
	}
	if len(targets) > 0 {
		d.perTarget = max(1, min(cfg.MoverThreads/len(targets), cfg.MaxConcurrentMoves))
	}
	return d
}

// Dispatch moves blocks for every source of the plan and waits for the
// moves. It returns the bytes moved.
func (d *Dispatcher) Dispatch(ctx context.Context, sources []*Group) int64 {
	var wg sync.WaitGroup
	for _, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.dispatchSource(ctx, src)
		}()
	}
	wg.Wait()
	d.wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.bytesMoved
}

// Moved returns the bytes and blocks moved so far.
func (d *Dispatcher) Moved() (bytes, blocks int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.bytesMoved, d.blocksMoved
}

// candidate is a block of the source with its known locations.
type candidate struct {
	b    blockmgmt.BlockWithLocations
	locs []blocks.DatanodeInfo
}

// dispatchSource is Source.dispatchBlocks: fetch blocks of the source
// from the NameNode, twice as many bytes as it is to give at most, and
// start moves until its tasks are done, the blocks run out, nothing could
// move for MaxNoMoveInterval, or the iteration's time is up.
func (d *Dispatcher) dispatchSource(ctx context.Context, src *Group) {
	start := d.now()
	lastMove := start
	toReceive := 2 * src.Scheduled
	var list []candidate
	for src.Scheduled > 0 && (len(list) > 0 || toReceive > 0) && ctx.Err() == nil {
		if d.cfg.MaxIterationTime >= 0 && d.now().Sub(start) > d.cfg.MaxIterationTime {
			d.log.Info("balancer: the iteration's time is up for a source", "source", src.String())
			return
		}
		if mv, ok := d.chooseNextMove(src, &list); ok {
			d.start(ctx, mv)
			lastMove = d.now()
			continue
		}
		list = slices.DeleteFunc(list, func(c candidate) bool { return d.isMoved(c.b.ID) })
		if toReceive > 0 {
			got, err := d.nn.GetBlocks(ctx, src.Node.DatanodeID, min(d.cfg.GetBlocksSize, toReceive), d.cfg.MinBlockSize,
				d.cfg.HotInterval.Milliseconds(), src.Type)
			if err != nil {
				d.log.Warn("balancer: getBlocks failed", "source", src.String(), "err", err)
				return
			}
			var size int64
			for _, b := range got {
				size += b.NumBytes
				if c, ok := d.candidateOf(src, b); ok {
					list = append(list, c)
				}
			}
			if size == 0 {
				return
			}
			toReceive -= size
			continue
		}
		if d.now().Sub(lastMove) > d.cfg.MaxNoMoveInterval {
			d.log.Info("balancer: no block of a source could be moved", "source", src.String(), "for", d.now().Sub(lastMove))
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// candidateOf keeps the locations of b that are nodes of this iteration
// with storages of that type; b is a candidate if it is big enough and
// some task of src may take it.
func (d *Dispatcher) candidateOf(src *Group, b blockmgmt.BlockWithLocations) (candidate, bool) {
	if b.NumBytes < d.cfg.MinBlockSize {
		return candidate{}, false
	}
	c := candidate{b: b}
	for i, uuid := range b.Nodes {
		if i < len(b.Types) && d.groups[groupKey{uuid, b.Types[i]}] {
			c.locs = append(c.locs, d.nodes[uuid])
		}
	}
	for _, t := range src.Tasks {
		if d.good(src, t.Target, c) {
			return c, true
		}
	}
	return candidate{}, false
}

// chooseNextMove takes the first block of the list that the first task
// able to take one may take (Source.chooseNextMove).
func (d *Dispatcher) chooseNextMove(src *Group, list *[]candidate) (Move, bool) {
	for ti := 0; ti < len(src.Tasks); ti++ {
		t := &src.Tasks[ti]
		for i, c := range *list {
			if !d.good(src, t.Target, c) || !d.markMoved(c.b.ID) {
				continue
			}
			proxy, ok := d.proxyFor(c, t.Target)
			if !ok {
				d.unmarkMoved(c.b.ID)
				continue
			}
			target := t.Target
			*list = slices.Delete(*list, i, i+1)
			src.Scheduled -= c.b.NumBytes
			t.Size -= c.b.NumBytes
			if t.Size <= 0 {
				src.Tasks = slices.Delete(src.Tasks, ti, ti+1)
			}
			return Move{
				Block:  blocks.Extended{PoolID: d.cfg.PoolID, ID: c.b.ID, GenStamp: c.b.GenStamp, NumBytes: c.b.NumBytes},
				Source: src.Node, Proxy: proxy, Target: target.Node, TargetType: target.Type,
			}, true
		}
	}
	return Move{}, false
}

// good is isGoodBlockCandidate: a block not moved yet this iteration,
// not on the target already, whose move keeps the racks it spans.
func (d *Dispatcher) good(src, dst *Group, c candidate) bool {
	if src.Node.UUID == dst.Node.UUID || d.isMoved(c.b.ID) {
		return false
	}
	onSource := false
	racks := map[string]int{}
	for _, l := range c.locs {
		if l.UUID == dst.Node.UUID {
			return false
		}
		onSource = onSource || l.UUID == src.Node.UUID
		racks[d.rackOf(l)]++
	}
	if !onSource {
		return false
	}
	racks[d.rackOf(dst.Node)]++
	return racks[d.rackOf(dst.Node)] == 1 || racks[d.rackOf(src.Node)] >= 2
}

// proxyFor picks the node the target copies from: one on the target's
// rack if there is one, else any location.
func (d *Dispatcher) proxyFor(c candidate, dst *Group) (blocks.DatanodeInfo, bool) {
	for _, l := range c.locs {
		if d.rackOf(l) == d.rackOf(dst.Node) {
			return l, true
		}
	}
	if len(c.locs) > 0 {
		return c.locs[0], true
	}
	return blocks.DatanodeInfo{}, false
}

func (d *Dispatcher) isMoved(id int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.moved[id]
}

func (d *Dispatcher) markMoved(id int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.moved[id] {
		return false
	}
	d.moved[id] = true
	return true
}

func (d *Dispatcher) unmarkMoved(id int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.moved, id)
}

// start runs mv on one of the target's mover threads.
func (d *Dispatcher) start(ctx context.Context, mv Move) {
	d.mu.Lock()
	slots := d.slots[mv.Target.UUID]
	if slots == nil {
		slots = make(chan struct{}, max(1, d.perTarget))
		d.slots[mv.Target.UUID] = slots
	}
	d.mu.Unlock()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-slots }()
		err := d.mover.Move(ctx, mv)
		d.mu.Lock()
		defer d.mu.Unlock()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				d.log.Warn("balancer: failed to move", "block", mv.Block.ID, "from", mv.Source.XferAddr(), "to", mv.Target.XferAddr(),
					"through", mv.Proxy.XferAddr(), "err", err)
			}
			return
		}
		d.bytesMoved += mv.Block.NumBytes
		d.blocksMoved++
		d.log.Info("balancer: moved", "block", mv.Block.ID, "size", mv.Block.NumBytes, "from", mv.Source.XferAddr(),
			"to", mv.Target.XferAddr(), "through", mv.Proxy.XferAddr())
	}()
}

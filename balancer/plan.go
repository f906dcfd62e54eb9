// Package balancer is `hdfsd balancer`: Hadoop's Balancer, which moves
// block replicas from DataNodes fuller than the cluster's average to
// emptier ones until every DataNode is within a threshold of it.
//
// plan.go is the pure part, one iteration's decisions from a snapshot of
// storage reports: which storages give, which take, and how much
// (Balancer.init and chooseStorageGroups). dispatch.go moves the blocks
// (Dispatcher); run.go is the loop and what it prints.
package balancer

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Policy is how utilization is measured (BalancingPolicy).
type Policy int

// The policies, as -policy names them.
const (
	// PolicyDatanode: used space (capacity − remaining) over capacity.
	PolicyDatanode Policy = iota
	// PolicyBlockpool: the block pool's used space over what it could use
	// (its used space plus what remains).
	PolicyBlockpool
)

// ParsePolicy reads -policy's value, in any case.
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToLower(s) {
	case "datanode":
		return PolicyDatanode, nil
	case "blockpool":
		return PolicyBlockpool, nil
	}
	return 0, fmt.Errorf("Cannot parse string \"%s\"", s)
}

// String is the policy as Hadoop logs it.
func (p Policy) String() string {
	if p == PolicyBlockpool {
		return "BalancingPolicy.Pool"
	}
	return "BalancingPolicy.Node"
}

// movable reports whether replicas on storages of type t may be moved:
// every type but RAM_DISK, which holds transient replicas.
func movable(t blocks.StorageType) bool { return t != blocks.RAMDisk }

// space is used and total bytes under a policy.
type space struct{ used, capacity int64 }

func (p Policy) space(s blocks.StorageReport) space {
	if p == PolicyBlockpool {
		return space{used: s.BlockPoolUsed, capacity: s.Remaining + s.BlockPoolUsed}
	}
	return space{used: s.Capacity - s.Remaining, capacity: s.Capacity}
}

// PlanParams is what an iteration's plan depends on besides the reports.
type PlanParams struct {
	Policy    Policy
	Threshold float64 // percent, in [1, 100]
	// MaxSizeToMove is dfs.balancer.max-size-to-move (10 GiB): the most
	// one storage group gives or takes in one iteration.
	MaxSizeToMove int64
	// BlockSize is dfs.blocksize (128 MiB): storages with less remaining
	// do not count as room for a target.
	BlockSize int64
	// IsSource reports whether a node may give (-source); nil: any node.
	IsSource func(blocks.DatanodeInfo) bool
	// SortTopNodes puts the most used sources first (-sortTopNodes).
	SortTopNodes bool
}

// Group is one storage type of one DataNode (StorageGroup): a source that
// gives bytes or a target that takes them.
type Group struct {
	Node        blocks.DatanodeInfo
	Type        blocks.StorageType
	Utilization float64 // percent
	MaxSize     int64   // the most it gives or takes this iteration
	Scheduled   int64   // bytes planned so far
	Tasks       []Task  // for a source: where its bytes go
}

func (g *Group) available() int64 { return g.MaxSize - g.Scheduled }

// String names the group as Hadoop does: "ip:port:TYPE".
func (g *Group) String() string {
	return fmt.Sprintf("%s:%d:%s", g.Node.IPAddr, g.Node.XferPort, g.Type)
}

// Task is bytes a source is to move to one target.
type Task struct {
	Target *Group
	Size   int64
}

// Plan is one iteration's classification and pairing.
type Plan struct {
	Over, Above, Below, Under []*Group
	// BytesLeftToMove is what stands between the cluster and balance:
	// the larger of the bytes above the threshold on the over-utilized
	// side and below it on the under-utilized one.
	BytesLeftToMove int64
	// BytesBeingMoved is what the pairing scheduled.
	BytesBeingMoved int64
	// Sources are the groups with tasks, in the order they were paired.
	Sources []*Group
}

// NewPlan classifies every movable storage type of every node in
// reports against the cluster's average for that type (Balancer.init).
// rackOf places a node for the pairing; nil puts every node on one rack.
func NewPlan(reports []blocks.DatanodeStorageReport, p PlanParams, rackOf func(blocks.DatanodeInfo) string) *Plan {
	total := map[blocks.StorageType]space{}
	for _, r := range reports {
		for _, s := range r.Storages {
			if !movable(s.Type) {
				continue
			}
			sp, t := p.Policy.space(s), total[s.Type]
			total[s.Type] = space{used: t.used + sp.used, capacity: t.capacity + sp.capacity}
		}
	}
	avg := func(t blocks.StorageType) float64 {
		if s := total[t]; s.capacity > 0 {
			return 100 * float64(s.used) / float64(s.capacity)
		}
		return 0
	}
	pl := &Plan{}
	var overBytes, underBytes int64
	for _, r := range reports {
		for _, t := range typesOf(r) {
			var sp space
			var capacity, remaining int64
			for _, s := range r.Storages {
				if s.Type != t {
					continue
				}
				x := p.Policy.space(s)
				sp.used += x.used
				sp.capacity += x.capacity
				capacity += s.Capacity
				if s.Remaining >= p.BlockSize {
					remaining += s.Remaining
				}
			}
			if sp.capacity == 0 {
				continue
			}
			u, a := 100*float64(sp.used)/float64(sp.capacity), avg(t)
			if p.IsSource != nil && !p.IsSource(r.Node) && u >= a {
				continue // would only give, and may not
			}
			diff := u - a
			beyond := math.Abs(diff) - p.Threshold
			g := &Group{Node: r.Node, Type: t, Utilization: u,
				MaxSize: min(p.MaxSizeToMove, int64(math.Abs(diff)*float64(capacity)/100))}
			if diff > 0 {
				if beyond <= 0 {
					pl.Above = append(pl.Above, g)
				} else {
					pl.Over = append(pl.Over, g)
					overBytes += int64(beyond * float64(capacity) / 100)
				}
				continue
			}
			g.MaxSize = min(g.MaxSize, remaining)
			if beyond <= 0 {
				pl.Below = append(pl.Below, g)
			} else {
				pl.Under = append(pl.Under, g)
				underBytes += int64(beyond * float64(capacity) / 100)
			}
		}
	}
	if p.SortTopNodes {
		slices.SortStableFunc(pl.Over, func(a, b *Group) int { return cmp.Compare(b.Utilization, a.Utilization) })
	}
	pl.BytesLeftToMove = max(overBytes, underBytes)
	pl.pair(rackOf)
	return pl
}

// typesOf lists the movable storage types of r, in first-seen order.
func typesOf(r blocks.DatanodeStorageReport) []blocks.StorageType {
	var out []blocks.StorageType
	for _, s := range r.Storages {
		if movable(s.Type) && !slices.Contains(out, s.Type) {
			out = append(out, s.Type)
		}
	}
	return out
}

// matcher decides whether two nodes may be paired in one round.
type matcher func(a, b blocks.DatanodeInfo) bool

// pair schedules moves (chooseStorageGroups): nodes on one rack first,
// then any two nodes; in each round over-utilized to under-utilized,
// over-utilized to below average, then above average to under-utilized.
func (pl *Plan) pair(rackOf func(blocks.DatanodeInfo) string) {
	if rackOf == nil {
		rackOf = func(blocks.DatanodeInfo) string { return "" }
	}
	differ := func(a, b blocks.DatanodeInfo) bool { return a.UUID != b.UUID }
	rounds := []matcher{
		func(a, b blocks.DatanodeInfo) bool { return differ(a, b) && rackOf(a) == rackOf(b) },
		differ,
	}
	for _, m := range rounds {
		pl.Over, pl.Under = pl.match(pl.Over, pl.Under, m, true)
		pl.Over, pl.Below = pl.match(pl.Over, pl.Below, m, true)
		pl.Under, pl.Above = pl.match(pl.Under, pl.Above, m, false)
	}
	for _, g := range pl.Sources {
		pl.BytesBeingMoved += g.Scheduled
	}
}

// match pairs each group of firsts with candidates until either runs
// out of room; firstsGive tells which side is the source. Groups with no
// room left leave their lists.
func (pl *Plan) match(firsts, cands []*Group, m matcher, firstsGive bool) ([]*Group, []*Group) {
	var keep []*Group
	for _, g := range firsts {
		for g.available() > 0 {
			i := slices.IndexFunc(cands, func(c *Group) bool { return c.Type == g.Type && m(g.Node, c.Node) })
			if i < 0 {
				break
			}
			c := cands[i]
			if c.available() <= 0 {
				cands = slices.Delete(cands, i, i+1)
				continue
			}
			src, dst := g, c
			if !firstsGive {
				src, dst = c, g
			}
			pl.schedule(src, dst)
			if c.available() <= 0 {
				cands = slices.Delete(cands, i, i+1)
			}
		}
		if g.available() > 0 {
			keep = append(keep, g)
		}
	}
	return keep, cands
}

func (pl *Plan) schedule(src, dst *Group) {
	size := min(src.available(), dst.available())
	if len(src.Tasks) == 0 {
		pl.Sources = append(pl.Sources, src)
	}
	src.Tasks = append(src.Tasks, Task{Target: dst, Size: size})
	src.Scheduled += size
	dst.Scheduled += size
}

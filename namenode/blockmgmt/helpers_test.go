package blockmgmt

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// cluster is a test bench: a Manager, a fake clock and DataNodes named
// dn1, dn2, ... at 10.0.0.1, 10.0.0.2, ... each with one 100 GB disk.
type cluster struct {
	t     *testing.T
	m     *Manager
	now   time.Time
	racks map[string]string // IP or host -> rack
	names []string
	load  map[string]int // xceivers each node reports
}

const gb = int64(1) << 30

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newCluster(t *testing.T, cfg Config, racks ...string) *cluster {
	t.Helper()
	c := &cluster{t: t, now: epoch, racks: map[string]string{}, load: map[string]int{}}
	cfg.PoolID = "BP-1"
	m, err := New(cfg, func(h string) string { return c.racks[h] }, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	c.m = m
	for _, r := range racks {
		c.addNode(r)
	}
	return c
}

func ip(i int) string { return fmt.Sprintf("10.0.0.%d", i) }

func (c *cluster) id(name string) blocks.DatanodeID {
	i := slices.Index(c.names, name) + 1
	return blocks.DatanodeID{IPAddr: ip(i), HostName: name, UUID: "uuid-" + name, XferPort: 9866, InfoPort: 9864, IPCPort: 9867}
}

// addNode registers the next DataNode on rack ("" for the default rack)
// and heartbeats it.
func (c *cluster) addNode(rack string) string {
	c.t.Helper()
	name := fmt.Sprintf("dn%d", len(c.names)+1)
	c.names = append(c.names, name)
	if rack != "" {
		c.racks[ip(len(c.names))] = rack
	}
	if err := c.m.Register(Registration{ID: c.id(name), Storages: []StorageReport{{StorageID: "DS-" + name, Type: blocks.Disk}}}, c.now); err != nil {
		c.t.Fatal(err)
	}
	c.heartbeat(name)
	return name
}

func (c *cluster) heartbeat(name string) []Command {
	c.t.Helper()
	cmds, err := c.m.Heartbeat(Heartbeat{UUID: "uuid-" + name, XceiverCount: c.load[name], Storages: []StorageReport{
		{StorageID: "DS-" + name, Type: blocks.Disk, Capacity: 100 * gb, DFSUsed: gb, Remaining: 99 * gb, BlockPoolUsed: gb},
	}}, c.now)
	if err != nil {
		c.t.Fatal(err)
	}
	return cmds
}

func (c *cluster) heartbeatAll(except ...string) {
	for _, n := range c.names {
		if !slices.Contains(except, n) {
			c.heartbeat(n)
		}
	}
}

func (c *cluster) advance(d time.Duration) { c.now = c.now.Add(d) }

func names(ts []Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Node.HostName)
	}
	return out
}

func (c *cluster) rackOf(name string) string {
	if r := c.racks[c.id(name).IPAddr]; r != "" {
		return r
	}
	return "/default-rack"
}

// write allocates block id with the given replication from writer,
// receives it on every target and completes it; it returns the targets.
func (c *cluster) write(id int64, repl int, writer string) []string {
	c.t.Helper()
	ts, err := c.m.ChooseTargets(PlacementRequest{Writer: writer, Replicas: repl, BlockSize: 128 << 20}, c.now)
	if err != nil {
		c.t.Fatal(err)
	}
	var sids []string
	for _, t := range ts {
		sids = append(sids, t.StorageID)
	}
	if err := c.m.AddBlock(NewBlock{ID: id, GenStamp: 1000, FileID: 16386, Replication: repl, Targets: sids}); err != nil {
		c.t.Fatal(err)
	}
	for _, n := range names(ts) {
		c.received(n, id, 1000, 1024)
	}
	if st, err := c.m.CommitOrComplete(id, 1000, 1024, c.now); err != nil || st != Complete {
		c.t.Fatalf("complete blk_%d: %v %v", id, st, err)
	}
	return names(ts)
}

func (c *cluster) received(name string, id, gs, size int64) {
	c.t.Helper()
	if err := c.m.IncrementalReport("uuid-"+name, "DS-"+name, []IncrementalEntry{{ID: id, GenStamp: gs, NumBytes: size, Status: Received}}, c.now); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cluster) fullReport(name string, reps ...Replica) {
	c.t.Helper()
	if err := c.m.BlockReport("uuid-"+name, "DS-"+name, reps, c.now); err != nil {
		c.t.Fatal(err)
	}
}

// holders lists the nodes holding non-corrupt replicas of id, sorted.
func (c *cluster) holders(id int64) []string {
	s, ok := c.m.blocks.lookup(id)
	if !ok {
		return nil
	}
	var out []string
	for _, st := range c.m.blocks.replicas(s, nil) {
		if !c.m.isCorrupt(s, st) {
			out = append(out, c.m.nodeOf(st).id.HostName)
		}
	}
	slices.Sort(out)
	return out
}

// runTransfers sends heartbeats, and for each DNA_TRANSFER received
// delivers the replica to its targets. It returns "src->dst blk" lines.
func (c *cluster) runTransfers() []string {
	c.t.Helper()
	var log []string
	for _, n := range c.names {
		if !c.m.nodes[c.m.byUUID["uuid-"+n]].alive {
			continue
		}
		for _, cmd := range c.heartbeat(n) {
			if cmd.Action != ActionTransfer {
				continue
			}
			for i, b := range cmd.Blocks {
				for _, tg := range cmd.Targets[i] {
					log = append(log, fmt.Sprintf("%s->%s blk_%d", n, tg.Node.HostName, b.ID))
					c.received(tg.Node.HostName, b.ID, b.GenStamp, b.NumBytes)
				}
			}
		}
	}
	return log
}

// invalidations sends heartbeats and returns "node blk" lines for each
// DNA_INVALIDATE entry.
func (c *cluster) invalidations() []string {
	var log []string
	for _, n := range c.names {
		if !c.m.nodes[c.m.byUUID["uuid-"+n]].alive {
			continue
		}
		for _, cmd := range c.heartbeat(n) {
			if cmd.Action == ActionInvalidate {
				for _, b := range cmd.Blocks {
					log = append(log, fmt.Sprintf("%s blk_%d", n, b.ID))
				}
			}
		}
	}
	return log
}

func expect[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func join(xs []string) string { return strings.Join(xs, " ") }

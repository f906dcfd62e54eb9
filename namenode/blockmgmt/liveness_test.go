package blockmgmt

import (
	"errors"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

func TestDeadNodeAfter630sBlocksQueuedTransferredAndRescheduledAfterPendingTimeout(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	// Replication 2 on dn1 and dn2 (dn1 writes, so it is first).
	got := c.write(1, 2, "10.0.0.1")
	expect(t, "replicas", join(c.holders(1)), join(sorted(got)))
	victim := got[1]

	// Silence for 629 s: still alive. 631 s: dead.
	c.advance(629 * time.Second)
	c.heartbeatAll(victim)
	c.m.Tick(c.now)
	expect(t, "live after 629s", len(c.m.Report(blocks.ReportLive)), 4)
	c.advance(2 * time.Second)
	c.m.Tick(c.now)
	expect(t, "dead after 631s", len(c.m.Report(blocks.ReportDead)), 1)
	expect(t, "dead node", c.m.Report(blocks.ReportDead)[0].HostName, victim)

	// Its replica is gone: one left, highest priority.
	expect(t, "replicas", join(c.holders(1)), got[0])
	expect(t, "queue", c.m.QueueOf(1), QueueHighest)

	// A dead node heartbeating is told to register again.
	cmds, err := c.m.Heartbeat(Heartbeat{UUID: "uuid-" + victim}, c.now)
	if err != nil || len(cmds) != 1 || cmds[0].Action != ActionRegister {
		t.Fatalf("dead node heartbeat: %+v %v", cmds, err)
	}

	// ComputeWork schedules a transfer from the survivor; it is pending.
	expect(t, "scheduled", c.m.ComputeWork(c.now), 1)
	expect(t, "queue", c.m.QueueOf(1), -1)
	expect(t, "pending", c.m.PendingReconstructions(), 1)
	src := c.m.nodes[c.m.byUUID["uuid-"+got[0]]]
	cmds = c.heartbeat(got[0])
	if len(cmds) != 1 || cmds[0].Action != ActionTransfer || cmds[0].Blocks[0].ID != 1 || len(cmds[0].Targets[0]) != 1 {
		t.Fatalf("source commands: %+v", cmds)
	}
	expect(t, "source queue drained", len(src.transfers), 0)

	// The target never reports the block: after 300 s the pending entry
	// times out and the block is queued and scheduled again.
	c.advance(299 * time.Second)
	c.heartbeatAll(victim)
	c.m.Tick(c.now)
	expect(t, "pending at 299s", c.m.PendingReconstructions(), 1)
	c.advance(2 * time.Second)
	c.heartbeatAll(victim)
	c.m.Tick(c.now)
	expect(t, "pending after timeout", c.m.PendingReconstructions(), 0)
	expect(t, "requeued", c.m.QueueOf(1), QueueHighest)
	expect(t, "rescheduled", c.m.ComputeWork(c.now), 1)

	// This time the transfer happens; the block is whole again.
	if log := c.runTransfers(); len(log) != 1 {
		t.Fatalf("transfers %v", log)
	}
	expect(t, "replica count", len(c.holders(1)), 2)
	expect(t, "pending", c.m.PendingReconstructions(), 0)
	expect(t, "queue", c.m.QueueOf(1), -1)
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestStaleAfter30sListedLastWhenAvoidingStaleReads(t *testing.T) {
	cfg := DefaultConfig()
	cfg.AvoidStaleForRead = true
	c := newCluster(t, cfg, "", "", "")
	c.write(1, 3, "10.0.0.1")
	c.advance(31 * time.Second)
	c.heartbeatAll("dn1")
	lb, err := c.m.Locate(1, "10.0.0.1", c.now)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "last location", lb.Locs[2].HostName, "dn1")
	expect(t, "still live", len(c.m.Report(blocks.ReportLive)), 3)
}

func TestRegistrationSameUUIDNewAddressAndNewNodeAtOldAddress(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.write(1, 3, "")

	// dn1 comes back from another address with its disk: same node, its
	// replica stays.
	id := c.id("dn1")
	id.IPAddr = "10.0.1.1"
	if err := c.m.Register(Registration{ID: id, Storages: []StorageReport{{StorageID: "DS-dn1"}}}, c.now); err != nil {
		t.Fatal(err)
	}
	expect(t, "nodes", len(c.m.Report(blocks.ReportAll)), 3)
	expect(t, "replicas", join(c.holders(1)), "dn1 dn2 dn3")

	// A new machine takes dn2's address: dn2 is removed with its replica.
	fresh := c.id("dn2")
	fresh.UUID, fresh.HostName = "uuid-new", "new"
	if err := c.m.Register(Registration{ID: fresh, Storages: []StorageReport{{StorageID: "DS-new"}}}, c.now); err != nil {
		t.Fatal(err)
	}
	expect(t, "replicas", join(c.holders(1)), "dn1 dn3")
	expect(t, "queue", c.m.QueueOf(1), QueueLow)
	var hosts []string
	for _, d := range c.m.Report(blocks.ReportAll) {
		hosts = append(hosts, d.HostName)
	}
	expect(t, "report", join(hosts), "dn1 dn3 new")
}

func TestHeartbeatFromUnknownNodeAsksToRegister(t *testing.T) {
	c := newCluster(t, DefaultConfig())
	cmds, err := c.m.Heartbeat(Heartbeat{UUID: "nobody"}, c.now)
	if err != nil || len(cmds) != 1 || cmds[0].Action != ActionRegister {
		t.Fatalf("%+v %v", cmds, err)
	}
	if err := c.m.BlockReport("nobody", "DS-x", nil, c.now); !errors.Is(err, ErrUnregistered) {
		t.Fatalf("report from unknown node: %v", err)
	}
}

func TestIncludeListRefusesOthersAndDisallowsRemovedNodes(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	c.m.SetHosts(Hosts{Include: []string{"dn1", "10.0.0.2"}}, c.now)
	c.addNode("") // dn2 by IP: allowed
	err := c.m.Register(Registration{ID: blocks.DatanodeID{IPAddr: "10.9.9.9", HostName: "intruder", UUID: "u", XferPort: 1}}, c.now)
	if !errors.Is(err, ErrDisallowed) {
		t.Fatalf("register outside include list: %v", err)
	}
	c.m.SetHosts(Hosts{Include: []string{"dn1"}}, c.now)
	if _, err := c.m.Heartbeat(Heartbeat{UUID: "uuid-dn2"}, c.now); !errors.Is(err, ErrDisallowed) {
		t.Fatalf("heartbeat after removal from include list: %v", err)
	}
	expect(t, "live", len(c.m.Report(blocks.ReportLive)), 1)
}

func TestDatanodeReportNumbers(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "/r9")
	c.load["dn2"] = 7
	c.heartbeatAll()
	c.write(1, 2, "")
	d := c.m.Report(blocks.ReportLive)[1]
	want := blocks.DatanodeInfo{
		DatanodeID: c.id("dn2"), Capacity: 100 * gb, DFSUsed: gb, Remaining: 99 * gb, BlockPoolUsed: gb,
		LastUpdate: epoch.UnixMilli(), LastUpdateMonotonic: epoch.UnixMilli(), XceiverCount: 7, NumBlocks: 1, Location: "/r9",
	}
	expect(t, "dn2", d, want)
	expect(t, "dn1 location", c.m.Report(blocks.ReportAll)[0].Location, "/default-rack")
}

func TestBalancerBandwidthSentOnce(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	c.m.SetBalancerBandwidth(10 << 20)
	cmds := c.heartbeat("dn1")
	if len(cmds) != 1 || cmds[0].Action != ActionBalancerBandwidth || cmds[0].Bandwidth != 10<<20 {
		t.Fatalf("%+v", cmds)
	}
	expect(t, "second heartbeat", len(c.heartbeat("dn1")), 0)
}

package blockmgmt

import (
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

func TestPriorityQueuesFollowLowRedundancyBlocks(t *testing.T) {
	for _, tc := range []struct {
		c        counts
		expected int
		want     int
	}{
		{counts{live: 1}, 3, QueueHighest},
		{counts{live: 0, decommissioning: 2}, 3, QueueHighest},
		{counts{live: 0, corrupt: 1}, 3, QueueCorrupt},
		{counts{}, 3, QueueCorrupt},
		{counts{live: 2}, 10, QueueVeryLow},
		{counts{live: 2}, 3, QueueLow},
		{counts{live: 3}, 3, QueueBadlyDistributed},
	} {
		expect(t, "priority", priority(tc.c, tc.expected), tc.want)
	}
}

func TestDecommissionFinishesOnceReplicasAreElsewhere(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	for id := int64(1); id <= 5; id++ {
		c.write(id, 2, "10.0.0.1") // dn1 holds all five
	}
	c.m.SetHosts(Hosts{Exclude: []string{"10.0.0.1"}}, c.now)
	expect(t, "state", c.m.Report(blocks.ReportDecommissioning)[0].HostName, "dn1")
	c.m.Tick(c.now)
	expect(t, "still decommissioning", len(c.m.Report(blocks.ReportDecommissioning)), 1)
	// dn1's replicas count as decommissioning: each block has one live
	// replica and one out of service: highest priority.
	expect(t, "queued", c.m.QueueSizes()[QueueHighest], 5)
	for i := 0; c.m.QueueSizes()[QueueHighest] > 0 || c.m.PendingReconstructions() > 0; i++ {
		if i == 10 {
			t.Fatal("no progress")
		}
		c.m.ComputeWork(c.now)
		c.runTransfers()
	}
	c.m.Tick(c.now)
	expect(t, "decommissioning", len(c.m.Report(blocks.ReportDecommissioning)), 0)
	expect(t, "dn1 state", c.m.Report(blocks.ReportAll)[0].AdminState, blocks.Decommissioned)
	for id := int64(1); id <= 5; id++ {
		lb, _ := c.m.Locate(id, "10.0.0.1", c.now)
		expect(t, "decommissioned last", lb.Locs[len(lb.Locs)-1].HostName, "dn1")
		expect(t, "locations", len(lb.Locs), 3)
	}
	// Taken out of the exclude list, dn1 is back in service and the
	// extra replicas are trimmed.
	c.m.SetHosts(Hosts{}, c.now)
	expect(t, "in service", c.m.Report(blocks.ReportAll)[0].AdminState, blocks.Normal)
	for id := int64(1); id <= 5; id++ {
		expect(t, "replicas", len(c.holders(id)), 2)
	}
}

func TestDecommissioningNodeIsPreferredSource(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	c.write(1, 3, "10.0.0.1")
	c.m.SetHosts(Hosts{Exclude: []string{"dn1"}}, c.now)
	// Fill dn2..dn4's stream budget: the decommissioning dn1 ignores the
	// soft limit and is the only possible source.
	for _, n := range c.m.nodes[1:] {
		n.transfers = make([]transfer, 2)
	}
	c.m.ComputeWork(c.now)
	expect(t, "dn1 transfers", len(c.m.nodes[0].transfers), 1)
}

func TestMaintenanceNeedsOnlyOneOtherReplica(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.write(1, 2, "10.0.0.1")
	c.m.SetHosts(Hosts{Maintenance: []string{"dn1"}}, c.now)
	c.m.Tick(c.now)
	expect(t, "in maintenance", c.m.Report(blocks.ReportInMaintenance)[0].HostName, "dn1")
}

func TestSetReplicationDownRemovesFromTheRackWithMostReplicas(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "/a", "/a", "/b", "/b")
	got := c.write(1, 3, "10.0.0.1") // dn1, then two on /b
	expect(t, "racks", c.rackOf(got[1])+c.rackOf(got[2]), "/b/b")
	c.m.SetReplication(1, 2, c.now)
	// Two racks: only replicas on a rack holding two are candidates.
	hs := c.holders(1)
	expect(t, "replicas", len(hs), 2)
	expect(t, "kept", hs[0]+" "+c.rackOf(hs[1]), "dn1 /b")
	expect(t, "deleted", len(c.invalidations()), 1)
}

func TestSetReplicationUpQueuesAndSchedules(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	c.write(1, 1, "10.0.0.1")
	c.m.SetReplication(1, 3, c.now)
	expect(t, "queue", c.m.QueueOf(1), QueueHighest)
	c.m.ComputeWork(c.now)
	c.runTransfers()
	expect(t, "replicas", len(c.holders(1)), 3)
}

func TestBadlyDistributedBlockGetsAReplicaOnAnotherRack(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "/a", "/a", "/a")
	c.write(1, 2, "10.0.0.1")
	// A second rack appears: two replicas on /a only is badly distributed.
	c.addNode("/b")
	c.m.SetReplication(1, 2, c.now)
	expect(t, "queue", c.m.QueueOf(1), QueueBadlyDistributed)
	c.m.ComputeWork(c.now)
	log := c.runTransfers()
	expect(t, "transfer", len(log), 1)
	// The new replica is on /b, and one of the /a ones goes.
	c.invalidations()
	hs := c.holders(1)
	expect(t, "replicas", len(hs), 2)
	expect(t, "racks", c.rackOf(hs[0])+" "+c.rackOf(hs[1]), "/a /b")
}

func TestBlockRecoveryPicksMostRecentHeartbeatAndCommitSync(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.m.AddBlock(NewBlock{ID: 1, GenStamp: 1000, Replication: 3, Targets: []string{"DS-dn1", "DS-dn2", "DS-dn3"}})
	c.advance(5 * time.Second)
	c.heartbeat("dn1")
	c.advance(time.Second)
	c.heartbeat("dn3")
	primary, err := c.m.InitRecovery(1, 1001, c.now)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "primary", primary.HostName, "dn3")
	st, _ := c.m.State(1)
	expect(t, "state", st, UnderRecovery)
	cmds := c.heartbeat("dn3")
	if len(cmds) != 1 || cmds[0].Action != ActionRecoverBlock || cmds[0].Recover[0].NewGenStamp != 1001 || len(cmds[0].Recover[0].Locs) != 3 {
		t.Fatalf("%+v", cmds)
	}
	// A second recovery picks another node.
	primary, _ = c.m.InitRecovery(1, 1002, c.now)
	expect(t, "second primary", primary.HostName, "dn1")
	if _, err := c.m.CommitBlockSynchronization(SyncRequest{ID: 1, RecoveryID: 1001, CloseFile: true}, c.now); err == nil {
		t.Fatal("stale recovery id accepted")
	}
	st, err = c.m.CommitBlockSynchronization(SyncRequest{ID: 1, RecoveryID: 1002, NewLength: 77, CloseFile: true,
		NodeUUIDs: []string{"uuid-dn1", "uuid-dn2"}, StorageIDs: []string{"DS-dn1", "DS-dn2"}}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "state", st, Complete)
	lb, _ := c.m.Locate(1, "", c.now)
	expect(t, "block", lb.Block.GenStamp*1000+lb.Block.NumBytes, int64(1002*1000+77))
	expect(t, "replicas", join(c.holders(1)), "dn1 dn2")
	expect(t, "queued for a third", c.m.QueueOf(1), QueueLow)
}

func TestLocateReaderOwnNodeFirstThenRack(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "/a", "/a", "/b", "/b")
	c.m.LoadBlock(1, 1000, 10, 1, 3, true)
	for _, n := range []string{"dn2", "dn3", "dn4"} {
		c.received(n, 1, 1000, 10)
	}
	lb, _ := c.m.Locate(1, "10.0.0.3", c.now)
	expect(t, "first", lb.Locs[0].HostName, "dn3")
	expect(t, "second", lb.Locs[1].HostName, "dn4")
	c.racks["172.16.0.1"] = "/a"
	lb, _ = c.m.Locate(1, "172.16.0.1", c.now)
	expect(t, "rack-local first", lb.Locs[0].HostName, "dn2")
	expect(t, "pool", lb.Block.PoolID, "BP-1")
}

func TestDeleteFileInvalidatesEveryReplica(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.write(1, 3, "")
	c.m.RemoveBlock(1)
	expect(t, "invalidate", join(c.invalidations()), "dn1 blk_1 dn2 blk_1 dn3 blk_1")
	safe, total, _ := c.m.SafeCounts()
	expect(t, "counts", [2]int64{safe, total}, [2]int64{0, 0})
}

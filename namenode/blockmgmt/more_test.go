package blockmgmt

import (
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

func TestConfigDefaultsAndValidate(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	expect(t, "dead after", c.expireMillis(), int64(630_000))
	c.MinReplication = 0
	if c.Validate() == nil {
		t.Fatal("dfs.namenode.replication.min = 0 accepted")
	}
}

func TestFailedVolumeLosesItsReplicas(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.write(1, 3, "")
	c.m.Heartbeat(Heartbeat{UUID: "uuid-dn2", FailedVolumes: 1, Storages: []StorageReport{{StorageID: "DS-dn2", Failed: true}}}, c.now)
	expect(t, "replicas", join(c.holders(1)), "dn1 dn3")
	expect(t, "queue", c.m.QueueOf(1), QueueLow)
}

func TestStartupSafeModeDiscardsSecondReports(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	c.m.SetPopulateQueues(false, c.now)
	c.m.LoadBlock(1, 1000, 10, 1, 1, true)
	c.fullReport("dn1", Replica{ID: 1, GenStamp: 1000, NumBytes: 10})
	c.fullReport("dn1") // would remove blk_1 outside safe mode
	expect(t, "replicas", join(c.holders(1)), "dn1")
	c.m.SetPopulateQueues(true, c.now)
	c.fullReport("dn1")
	expect(t, "replicas after safe mode", len(c.holders(1)), 0)
	expect(t, "missing", c.m.QueueOf(1), QueueCorrupt)
}

func TestExcessReplicaPrefersSilentNodeThenLeastSpace(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.write(1, 3, "")
	// dn2 has the least space: it loses the excess replica.
	c.m.Heartbeat(Heartbeat{UUID: "uuid-dn2", Storages: []StorageReport{{StorageID: "DS-dn2", Capacity: 100 * gb, Remaining: 5 * gb}}}, c.now)
	c.m.SetReplication(1, 2, c.now)
	expect(t, "replicas", join(c.holders(1)), "dn1 dn3")

	c.write(2, 3, "")
	// dn3 has not heartbeated for 13 s (> 4 heartbeats): it goes first
	// even though dn2 has less space.
	c.advance(13 * time.Second)
	c.heartbeat("dn1")
	c.m.Heartbeat(Heartbeat{UUID: "uuid-dn2", Storages: []StorageReport{{StorageID: "DS-dn2", Capacity: 100 * gb, Remaining: 5 * gb}}}, c.now)
	c.m.SetReplication(2, 2, c.now)
	expect(t, "replicas", join(c.holders(2)), "dn1 dn2")
}

func TestBusySourcesWaitUnlessHighestPriority(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	c.write(1, 3, "10.0.0.1")
	c.write(2, 2, "10.0.0.1")
	c.m.SetReplication(1, 4, c.now) // three of four: low priority
	// Every holder already has MaxStreams transfers queued.
	for _, n := range c.m.nodes {
		n.transfers = make([]transfer, 2)
	}
	expect(t, "low priority waits", c.m.ComputeWork(c.now), 0)
	// blk_2 losing a replica is highest priority: the soft limit does
	// not apply, the hard limit (4) does.
	c.m.Heartbeat(Heartbeat{UUID: "uuid-" + c.holders(2)[1], Storages: []StorageReport{{StorageID: "DS-" + c.holders(2)[1], Failed: true}}}, c.now)
	expect(t, "highest goes", c.m.ComputeWork(c.now), 1)
	for _, n := range c.m.nodes {
		n.transfers = make([]transfer, 4)
	}
	c.m.SetReplication(2, 3, c.now)
	expect(t, "hard limit", c.m.ComputeWork(c.now), 0)
}

func TestReportsByKind(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.m.SetHosts(Hosts{Exclude: []string{"dn2"}, Maintenance: []string{"dn3"}}, c.now)
	expect(t, "decommissioning", len(c.m.Report(blocks.ReportDecommissioning)), 1)
	expect(t, "entering maintenance", len(c.m.Report(blocks.ReportEnteringMaintenance)), 1)
	c.m.Tick(c.now) // no blocks: both finish at once
	expect(t, "in maintenance", len(c.m.Report(blocks.ReportInMaintenance)), 1)
	expect(t, "dn2", c.m.Report(blocks.ReportAll)[1].AdminState, blocks.Decommissioned)
	expect(t, "live", len(c.m.Report(blocks.ReportLive)), 3)
}

func TestMissingBlocksListedWithTheirFile(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	c.write(1, 1, "")
	c.fullReport("dn1")
	expect(t, "missing", len(c.m.QueueBlocks(QueueCorrupt)), 1)
	f, _ := c.m.FileOf(c.m.QueueBlocks(QueueCorrupt)[0])
	expect(t, "file", f, int64(16386))
}

// checkIfClusterIsNowMultiRack: a block written while the cluster had one
// rack is checked again when a second rack first appears, and queued as
// badly distributed.
func TestASecondRackRechecksEveryBlock(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "/r1", "/r1")
	c.write(1, 2, "")
	expect(t, "queue before", c.m.QueueOf(1), -1)
	c.addNode("/r2")
	expect(t, "queue after a new rack", c.m.QueueOf(1), QueueBadlyDistributed)
}

// Rescan (processMisReplicatedBlocks, for fsck -replicate) counts the
// known blocks it checked; nothing is checked while the queues are off.
func TestRescanCountsTheBlocksItChecked(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "/r1", "/r2")
	c.write(1, 2, "")
	expect(t, "rescanned", c.m.Rescan([]int64{1, 999}, c.now), 1)
	expect(t, "queue", c.m.QueueOf(1), -1)
	c.m.SetPopulateQueues(false, c.now)
	expect(t, "rescanned in safe mode", c.m.Rescan([]int64{1}, c.now), 0)
}

package blockmgmt

import (
	"fmt"
	"testing"
)

func TestFullReportWithStaleGenStampInvalidatesReplicaAndReplacesIt(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	got := c.write(1, 3, "10.0.0.1")
	// dn1 reports the block with an older generation stamp (a replica
	// left behind by a failed pipeline): with another live replica it
	// is deleted at once and the block queued for a new one.
	c.fullReport("dn1", Replica{ID: 1, GenStamp: 999, NumBytes: 1024, State: Finalized})
	expect(t, "replicas", join(c.holders(1)), join(sorted(got[1:])))
	expect(t, "queue", c.m.QueueOf(1), QueueLow)
	expect(t, "invalidate", join(c.invalidations()), "dn1 blk_1")
	expect(t, "scheduled", c.m.ComputeWork(c.now), 1)
	log := c.runTransfers()
	expect(t, "transfers", len(log), 1)
	expect(t, "replica count", len(c.holders(1)), 3)
}

func TestFullReportWithWrongLengthMarksCorruptThenReplacedThenInvalidated(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	c.write(1, 3, "10.0.0.1")
	c.fullReport("dn1", Replica{ID: 1, GenStamp: 1000, NumBytes: 7, State: Finalized})
	// Kept as corrupt until a good replica replaces it.
	expect(t, "corrupt", len(c.m.CorruptReplicas(1)), 1)
	expect(t, "corrupt node", c.m.CorruptReplicas(1)[0].HostName, "dn1")
	expect(t, "queue", c.m.QueueOf(1), QueueLow)
	expect(t, "no invalidation yet", len(c.invalidations()), 0)
	lb, _ := c.m.Locate(1, "10.0.0.1", c.now)
	expect(t, "readable locations", len(lb.Locs), 2)

	expect(t, "scheduled", c.m.ComputeWork(c.now), 1)
	log := c.runTransfers()
	expect(t, "transfers", len(log), 1)
	// Three good replicas again: the corrupt one is deleted.
	expect(t, "corrupt", len(c.m.CorruptReplicas(1)), 0)
	expect(t, "invalidate", join(c.invalidations()), "dn1 blk_1")
	expect(t, "replica count", len(c.holders(1)), 3)
}

func TestReportBadBlockReplacedThenInvalidated(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.write(1, 2, "10.0.0.1")
	if err := c.m.ReportBadBlock(1, 1000, "uuid-dn1", "DS-dn1", c.now); err != nil {
		t.Fatal(err)
	}
	expect(t, "queue", c.m.QueueOf(1), QueueHighest)
	c.m.ComputeWork(c.now)
	c.runTransfers()
	expect(t, "invalidate", join(c.invalidations()), "dn1 blk_1")
	expect(t, "corrupt", len(c.m.CorruptReplicas(1)), 0)
	expect(t, "queue", c.m.QueueOf(1), -1)
}

func TestAllReplicasCorruptIsCorruptQueueAndLocatedAsCorrupt(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "")
	c.write(1, 2, "")
	c.m.ReportBadBlock(1, 1000, "uuid-dn1", "DS-dn1", c.now)
	c.m.ReportBadBlock(1, 1000, "uuid-dn2", "DS-dn2", c.now)
	expect(t, "queue", c.m.QueueOf(1), QueueCorrupt)
	lb, _ := c.m.Locate(1, "", c.now)
	expect(t, "corrupt", lb.Corrupt, true)
	expect(t, "locations", len(lb.Locs), 2)
	expect(t, "nothing to do", c.m.ComputeWork(c.now), 0)
}

func TestFullReportRemovesUnreportedAndInvalidatesUnknown(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	c.write(1, 3, "")
	c.write(2, 3, "")
	// dn1 lost blk_1 and has a stray blk_99.
	c.fullReport("dn1", Replica{ID: 2, GenStamp: 1000, NumBytes: 1024}, Replica{ID: 99, GenStamp: 5, NumBytes: 1})
	expect(t, "blk_1", join(c.holders(1)), "dn2 dn3")
	expect(t, "blk_2", join(c.holders(2)), "dn1 dn2 dn3")
	expect(t, "invalidate", join(c.invalidations()), "dn1 blk_99")
	// A report listing a block being deleted there does not re-add it.
	c.m.RemoveBlock(2)
	c.fullReport("dn1", Replica{ID: 2, GenStamp: 1000, NumBytes: 1024})
	expect(t, "invalidate", join(c.invalidations()), "dn1 blk_2 dn2 blk_2 dn3 blk_2")
}

func TestFirstReportAfterStartupAddsReplicasAndCountsSafeBlocks(t *testing.T) {
	c := newCluster(t, DefaultConfig())
	c.m.SetPopulateQueues(false, c.now)
	for id := int64(1); id <= 3; id++ {
		c.m.LoadBlock(id, 1000, 1024, 16386, 2, true)
	}
	c.addNode("")
	c.addNode("")
	safe, total, live := c.m.SafeCounts()
	expect(t, "counts", [3]int64{safe, total, int64(live)}, [3]int64{0, 3, 2})
	c.fullReport("dn1", Replica{ID: 1, GenStamp: 1000, NumBytes: 1024}, Replica{ID: 2, GenStamp: 1000, NumBytes: 1024}, Replica{ID: 77, GenStamp: 1, NumBytes: 1})
	safe, _, _ = c.m.SafeCounts()
	expect(t, "safe", safe, int64(2))
	expect(t, "unknown block ignored on first report", len(c.invalidations()), 0)
	expect(t, "no queues in safe mode", c.m.QueueSizes(), [queueLevels]int{})
	// Leaving safe mode fills the queues: blk_1 and blk_2 have one of two
	// replicas, blk_3 none (missing).
	c.m.SetPopulateQueues(true, c.now)
	expect(t, "queues", c.m.QueueSizes(), [queueLevels]int{2, 0, 0, 0, 1})
}

func TestIncrementalReportReceivingReceivedDeleted(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "")
	c.m.AddBlock(NewBlock{ID: 1, GenStamp: 1000, Replication: 2, Targets: []string{"DS-dn1", "DS-dn2"}})
	ibr := func(n string, st IncrementalStatus) {
		if err := c.m.IncrementalReport("uuid-"+n, "DS-"+n, []IncrementalEntry{{ID: 1, GenStamp: 1000, NumBytes: 10, Status: st}}, c.now); err != nil {
			t.Fatal(err)
		}
	}
	ibr("dn1", Receiving)
	expect(t, "no finalized replica yet", len(c.holders(1)), 0)
	ibr("dn1", Received)
	st, _ := c.m.CommitOrComplete(1, 1000, 10, c.now)
	expect(t, "state", st, Complete)
	// dn2 has not reported: it counts as pending, so the block is not queued.
	expect(t, "queue", c.m.QueueOf(1), -1)
	ibr("dn2", Received)
	expect(t, "replicas", join(c.holders(1)), "dn1 dn2")
	ibr("dn2", Deleted)
	expect(t, "replicas", join(c.holders(1)), "dn1")
	expect(t, "queue", c.m.QueueOf(1), QueueHighest)
	// An unknown block received is deleted.
	c.m.IncrementalReport("uuid-dn2", "DS-dn2", []IncrementalEntry{{ID: 5, GenStamp: 1, Status: Received}}, c.now)
	expect(t, "invalidate", join(c.invalidations()), "dn2 blk_5")
}

func TestCommitWithoutReplicasIsCommittedUntilOneIsReported(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "")
	c.m.AddBlock(NewBlock{ID: 1, GenStamp: 1000, Replication: 2, Targets: []string{"DS-dn1", "DS-dn2"}})
	if _, err := c.m.CommitOrComplete(1, 999, 10, c.now); err == nil {
		t.Fatal("commit with wrong genstamp accepted")
	}
	st, _ := c.m.CommitOrComplete(1, 1000, 10, c.now)
	expect(t, "state", st, Committed)
	_, total, _ := c.m.SafeCounts()
	expect(t, "complete blocks", total, int64(0))
	c.received("dn1", 1, 1000, 10)
	st, _ = c.m.State(1)
	expect(t, "state", st, Complete)
	safe, total, _ := c.m.SafeCounts()
	expect(t, "safe/total", [2]int64{safe, total}, [2]int64{1, 1})
}

func TestInvalidateCommandsLimitedTo1000Blocks(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	for id := int64(1); id <= 2500; id++ {
		c.m.LoadBlock(id, 1000, 1, 1, 1, true)
	}
	var reps []Replica
	for id := int64(1); id <= 2500; id++ {
		reps = append(reps, Replica{ID: id, GenStamp: 1000, NumBytes: 1})
	}
	c.fullReport("dn1", reps...)
	for id := int64(1); id <= 2500; id++ {
		c.m.RemoveBlock(id)
	}
	var sizes []string
	for range 4 {
		for _, cmd := range c.heartbeat("dn1") {
			sizes = append(sizes, fmt.Sprint(len(cmd.Blocks)))
		}
	}
	expect(t, "batches", join(sizes), "1000 1000 500")
	expect(t, "blocks", c.m.NumBlocks(), 0)
}

// A stale replica is deleted by the generation stamp it was reported
// with (BlockToMarkCorrupt.getCorrupted): a DataNode refuses to delete a
// replica whose generation stamp differs from the one it is told, so the
// block's current one would leave the stale replica there for good, and
// the node would refuse a new copy of the block.
func TestStaleReplicaIsInvalidatedWithItsOwnGenStamp(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	c.write(1, 3, "10.0.0.1")
	// dn1's replica is left from before a recovery (RUR replicas are
	// reported as their original RBW state).
	c.fullReport("dn1", Replica{ID: 1, GenStamp: 999, NumBytes: 0, State: RBW})
	var got []string
	for _, cmd := range c.heartbeat("dn1") {
		if cmd.Action == ActionInvalidate {
			for _, b := range cmd.Blocks {
				got = append(got, fmt.Sprintf("blk_%d_%d len=%d", b.ID, b.GenStamp, b.NumBytes))
			}
		}
	}
	expect(t, "invalidate", join(got), "blk_1_999 len=0")
}

// A replica marked corrupt for a wrong generation stamp (a report that
// was overtaken: the block's stamp moved on, by an append or a pipeline
// recovery) is live once the same storage reports it with the block's
// stamp (BlockManager.addStoredBlock clears a GENSTAMP_MISMATCH entry).
// A replica marked corrupt for another reason stays corrupt.
func TestRightGenStampClearsAStaleGenStampMark(t *testing.T) {
	c := newCluster(t, DefaultConfig())
	c.m.SetPopulateQueues(false, c.now)
	c.m.LoadBlock(1, 1020, 1048576, 16386, 2, true)
	c.m.LoadBlock(2, 1000, 1024, 16386, 2, true)
	c.addNode("")
	c.addNode("")
	c.fullReport("dn1")
	c.fullReport("dn2")
	ibr := func(n string, id, gs, size int64) {
		if err := c.m.IncrementalReport("uuid-"+n, "DS-"+n, []IncrementalEntry{{ID: id, GenStamp: gs, NumBytes: size, Status: Received}}, c.now); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"dn1", "dn2"} {
		ibr(n, 1, 1019, 700000) // before the last append
	}
	expect(t, "corrupt before", len(c.m.CorruptReplicas(1)), 2)
	for _, n := range []string{"dn1", "dn2"} {
		ibr(n, 1, 1020, 1048576)
	}
	expect(t, "corrupt after the right stamp", len(c.m.CorruptReplicas(1)), 0)
	expect(t, "replicas", join(c.holders(1)), "dn1 dn2")
	safe, _, _ := c.m.SafeCounts()
	expect(t, "safe", safe, int64(1))

	// A wrong length is not cleared by a report with the right stamp.
	ibr("dn1", 2, 1000, 7)
	ibr("dn1", 2, 1000, 1024)
	expect(t, "corrupt for its length", len(c.m.CorruptReplicas(2)), 1)
	// Nor is a replica a reader or scanner reported bad.
	ibr("dn2", 2, 1000, 1024)
	if err := c.m.ReportBadBlock(2, 1000, "uuid-dn2", "DS-dn2", c.now); err != nil {
		t.Fatal(err)
	}
	ibr("dn2", 2, 1000, 1024)
	expect(t, "corrupt reported bad", len(c.m.CorruptReplicas(2)), 2)
}

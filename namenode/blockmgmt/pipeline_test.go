package blockmgmt

import (
	"testing"
)

func TestAppendReopensLastBlockAndPipelineUpdateDropsStaleReplicas(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	c.write(1, 3, "")
	ts, err := c.m.ReopenForAppend(1, c.now)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "pipeline", len(ts), 3)
	st, _ := c.m.State(1)
	expect(t, "state", st, UnderConstruction)
	_, total, _ := c.m.SafeCounts()
	expect(t, "complete blocks", total, int64(0))

	// dn2 fails in the pipeline; the client continues with dn1, dn3 and a
	// bumped genstamp.
	if err := c.m.UpdatePipeline(1, 1001, 2048, []string{"DS-dn1", "DS-dn3"}, c.now); err != nil {
		t.Fatal(err)
	}
	expect(t, "stored", join(c.holders(1)), "")
	lb, _ := c.m.Locate(1, "", c.now)
	expect(t, "expected locations", len(lb.Locs), 2)
	if err := c.m.UpdatePipeline(1, 1001, 2048, nil, c.now); err == nil {
		t.Fatal("genstamp not bumped, accepted")
	}
	c.received("dn1", 1, 1001, 2048)
	c.received("dn3", 1, 1001, 2048)
	st, _ = c.m.CommitOrComplete(1, 1001, 2048, c.now)
	expect(t, "state", st, Complete)
	// dn2's old replica shows up in its next report: stale, deleted.
	c.fullReport("dn2", Replica{ID: 1, GenStamp: 1000, NumBytes: 1024})
	expect(t, "invalidate", join(c.invalidations()), "dn2 blk_1")
	expect(t, "queue", c.m.QueueOf(1), QueueLow)
}

func TestBalancerMoveDeletesTheHintedSource(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "")
	got := c.write(1, 3, "")
	var spare string
	for _, n := range c.names {
		if !contains(got, n) {
			spare = n
		}
	}
	// The balancer copies the replica from got[0] to the spare node.
	c.m.IncrementalReport("uuid-"+spare, "DS-"+spare, []IncrementalEntry{{ID: 1, GenStamp: 1000, NumBytes: 1024, Status: Received, DelHint: "uuid-" + got[0]}}, c.now)
	expect(t, "invalidate", join(c.invalidations()), got[0]+" blk_1")
	expect(t, "replicas", contains(c.holders(1), spare), true)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

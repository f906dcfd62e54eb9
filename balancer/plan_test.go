package balancer

import (
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

const mib = int64(1) << 20

// node is a DataNode with one DISK of capacity bytes, used of them taken.
func node(name string, capacity, used int64) blocks.DatanodeStorageReport {
	return blocks.DatanodeStorageReport{
		Node: blocks.DatanodeInfo{DatanodeID: blocks.DatanodeID{UUID: "uuid-" + name, IPAddr: "10.0.0." + name[2:], XferPort: 9866}},
		Storages: []blocks.StorageReport{{StorageID: "DS-" + name, Type: blocks.Disk, Capacity: capacity,
			Remaining: capacity - used, DFSUsed: used, BlockPoolUsed: used}},
	}
}

func params() PlanParams {
	return PlanParams{Policy: PolicyDatanode, Threshold: 10, MaxSizeToMove: 10 << 30, BlockSize: mib}
}

func TestPlanClassifiesAgainstTheAverageAndPairsOverWithUnder(t *testing.T) {
	// 1000 MiB each; 800, 500, 200 used: average 50%.
	pl := NewPlan([]blocks.DatanodeStorageReport{node("dn1", 1000*mib, 800*mib), node("dn2", 1000*mib, 500*mib),
		node("dn3", 1000*mib, 200*mib)}, params(), nil)
	// 30 points over and under, 20 beyond the 10% threshold: 200 MiB.
	if pl.BytesLeftToMove != 200*mib {
		t.Fatalf("bytes left to move %d, want %d", pl.BytesLeftToMove, 200*mib)
	}
	if len(pl.Sources) != 1 || pl.Sources[0].Node.UUID != "uuid-dn1" {
		t.Fatalf("sources %v, want dn1 alone", pl.Sources)
	}
	tasks := pl.Sources[0].Tasks
	// dn1 may give 300 MiB (its distance to the average), dn3 take 300.
	if len(tasks) != 1 || tasks[0].Target.Node.UUID != "uuid-dn3" || tasks[0].Size != 300*mib {
		t.Fatalf("tasks %+v, want 300 MiB to dn3", tasks)
	}
	if pl.BytesBeingMoved != 300*mib {
		t.Fatalf("bytes being moved %d", pl.BytesBeingMoved)
	}
}

func TestPlanWithinThresholdIsBalanced(t *testing.T) {
	pl := NewPlan([]blocks.DatanodeStorageReport{node("dn1", 1000*mib, 550*mib), node("dn2", 1000*mib, 450*mib)}, params(), nil)
	if pl.BytesLeftToMove != 0 {
		t.Fatalf("bytes left to move %d, want 0", pl.BytesLeftToMove)
	}
}

func TestPlanTargetsTakeNoMoreThanTheirRoomAndSourcesNoMoreThanTheCap(t *testing.T) {
	p := params()
	p.MaxSizeToMove = 100 * mib
	pl := NewPlan([]blocks.DatanodeStorageReport{node("dn1", 1000*mib, 900*mib), node("dn2", 1000*mib, 100*mib)}, p, nil)
	if got := pl.Sources[0].Tasks[0].Size; got != 100*mib {
		t.Fatalf("task of %d bytes, want the 100 MiB cap", got)
	}
	// A target whose storages have less than a block free takes nothing.
	p = params()
	p.BlockSize = 2000 * mib
	pl = NewPlan([]blocks.DatanodeStorageReport{node("dn1", 1000*mib, 900*mib), node("dn2", 1000*mib, 100*mib)}, p, nil)
	if pl.BytesLeftToMove == 0 || pl.BytesBeingMoved != 0 {
		t.Fatalf("left %d, being moved %d: want something left and nothing movable", pl.BytesLeftToMove, pl.BytesBeingMoved)
	}
}

func TestPlanPrefersTargetsOnTheSourcesRack(t *testing.T) {
	reports := []blocks.DatanodeStorageReport{node("dn1", 1000*mib, 900*mib), node("dn2", 1000*mib, 100*mib), node("dn3", 1000*mib, 100*mib)}
	racks := map[string]string{"uuid-dn1": "/r1", "uuid-dn2": "/r2", "uuid-dn3": "/r1"}
	pl := NewPlan(reports, params(), func(d blocks.DatanodeInfo) string { return racks[d.UUID] })
	if first := pl.Sources[0].Tasks[0].Target.Node.UUID; first != "uuid-dn3" {
		t.Fatalf("first target %s, want dn3 on the source's rack", first)
	}
}

func TestPlanBlockpoolPolicyMeasuresThePoolsShare(t *testing.T) {
	// dn1's disk is full of other data: by the datanode policy it is the
	// fullest, by the blockpool policy it is the emptiest.
	a, b := node("dn1", 1000*mib, 900*mib), node("dn2", 1000*mib, 500*mib)
	a.Storages[0].BlockPoolUsed = 0
	p := params()
	p.Policy = PolicyBlockpool
	pl := NewPlan([]blocks.DatanodeStorageReport{a, b}, p, nil)
	if len(pl.Sources) != 1 || pl.Sources[0].Node.UUID != "uuid-dn2" {
		t.Fatalf("sources %v, want dn2", pl.Sources)
	}
}

func TestByteDescAndDurationReadAsHadoops(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KB", 1536: "1.50 KB", 10 << 30: "10 GB",
		14*mib + 1000: "14.00 MB", -1: "-1 B", 1<<20 - 1: "1.00 MB"} {
		if got := ByteDesc(n); got != want {
			t.Errorf("ByteDesc(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{523 * time.Millisecond: "523.0 milliseconds", 9123 * time.Millisecond: "9.123 seconds",
		2 * time.Second: "2.0 seconds", 75 * time.Second: "1.25 minutes", 90 * time.Minute: "1.5 hours"} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := Timestamp(time.Date(2026, 11, 3, 13, 2, 3, 0, time.UTC)); got != "Nov 3, 2026, 1:02:03 PM" {
		t.Errorf("Timestamp = %q", got)
	}
}

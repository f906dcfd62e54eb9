package blockmgmt

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

func threeRacks(t *testing.T) *cluster {
	return newCluster(t, DefaultConfig(), "/r1", "/r1", "/r1", "/r2", "/r2", "/r2", "/r3", "/r3", "/r3")
}

func TestPlacementThreeRacksWriterOnDataNodeLocalThenOffRackThenSameRackAsSecond(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		c := threeRacks(t)
		c.m.rnd = rand.New(rand.NewPCG(seed, seed))
		ts, err := c.m.ChooseTargets(PlacementRequest{Writer: "10.0.0.2", Replicas: 3, BlockSize: 1 << 20}, c.now)
		if err != nil {
			t.Fatal(err)
		}
		got := names(ts)
		if len(got) != 3 || got[0] != "dn2" {
			t.Fatalf("seed %d: %v: first replica must be the writer dn2", seed, got)
		}
		if c.rackOf(got[1]) == "/r1" {
			t.Fatalf("seed %d: %v: second replica on the writer's rack", seed, got)
		}
		if c.rackOf(got[2]) != c.rackOf(got[1]) {
			t.Fatalf("seed %d: %v: third replica not on the second's rack", seed, got)
		}
	}
}

func TestPlacementWriterOffClusterGetsTwoRacksAndPipelineByDistance(t *testing.T) {
	c := threeRacks(t)
	c.racks["192.168.1.5"] = "/r3"
	ts, err := c.m.ChooseTargets(PlacementRequest{Writer: "192.168.1.5", Replicas: 3}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	got := names(ts)
	// The client's rack is /r3: the first replica goes there, the pipeline
	// starts with it, and the other two share a different rack.
	expect(t, "first rack", c.rackOf(got[0]), "/r3")
	if c.rackOf(got[1]) == "/r3" || c.rackOf(got[1]) != c.rackOf(got[2]) {
		t.Fatalf("targets %v on racks %s %s %s", got, c.rackOf(got[0]), c.rackOf(got[1]), c.rackOf(got[2]))
	}
}

func TestPlacementIsDeterministicForASeed(t *testing.T) {
	run := func() []string {
		c := threeRacks(t)
		var all []string
		for i := 0; i < 10; i++ {
			ts, _ := c.m.ChooseTargets(PlacementRequest{Writer: "", Replicas: 3}, c.now)
			all = append(all, names(ts)...)
		}
		return all
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different choices:\n%v\n%v", a, b)
	}
}

func TestPlacementSkipsExcludedFullDecommissioningAndBusyNodes(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "", "", "", "")
	// dn1 is excluded by the client, dn2 is full, dn3 decommissioning,
	// dn4 has 10x the average load: only dn5 and dn6 remain.
	c.m.SetHosts(Hosts{Exclude: []string{"dn3"}}, c.now)
	c.load["dn4"] = 50
	c.load["dn5"] = 2
	c.heartbeatAll()
	c.m.Heartbeat(Heartbeat{UUID: "uuid-dn2", Storages: []StorageReport{{StorageID: "DS-dn2", Capacity: 100 * gb, Remaining: 1 << 20}}}, c.now)
	ts, err := c.m.ChooseTargets(PlacementRequest{Writer: "10.0.0.1", Replicas: 3, BlockSize: 128 << 20,
		Excluded: []blocks.DatanodeID{c.id("dn1")}}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	got := names(ts)
	slices.Sort(got)
	expect(t, "targets", join(got), "dn5 dn6")
}

func TestPlacementFewerThanMinReplicationIsAnError(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "")
	_, err := c.m.ChooseTargets(PlacementRequest{Replicas: 3, Excluded: []blocks.DatanodeID{c.id("dn1"), c.id("dn2")}}, c.now)
	var pe *PlacementError
	if !errors.As(err, &pe) || !errors.Is(err, ErrNotEnoughReplicas) {
		t.Fatalf("err = %v", err)
	}
	expect(t, "error", *pe, PlacementError{Chosen: 0, MinReplication: 1, Live: 2, Excluded: 2})
	// Two of three is fine: Hadoop only fails below minReplication.
	ts, err := c.m.ChooseTargets(PlacementRequest{Replicas: 3}, c.now)
	if err != nil || len(ts) != 2 {
		t.Fatalf("targets %v, err %v", names(ts), err)
	}
}

func TestPlacementStorageTypesPerReplica(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	// dn3 gets an SSD as well.
	c.m.Heartbeat(Heartbeat{UUID: "uuid-dn3", Storages: []StorageReport{
		{StorageID: "DS-dn3", Type: blocks.Disk, Capacity: 100 * gb, Remaining: 99 * gb},
		{StorageID: "SSD-dn3", Type: blocks.SSD, Capacity: 100 * gb, Remaining: 99 * gb},
	}}, c.now)
	ts, err := c.m.ChooseTargets(PlacementRequest{Replicas: 2, StorageTypes: []blocks.StorageType{blocks.SSD, blocks.Disk}}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	var ssd []string
	for _, tg := range ts {
		if tg.Type == blocks.SSD {
			ssd = append(ssd, tg.Node.HostName+"/"+tg.StorageID)
		}
	}
	expect(t, "ssd targets", join(ssd), "dn3/SSD-dn3")
	expect(t, "targets", len(ts), 2)
}

func TestPlacementAvoidsStaleNodesWhenConfigured(t *testing.T) {
	cfg := DefaultConfig()
	cfg.AvoidStaleForWrite = true
	c := newCluster(t, cfg, "", "", "")
	c.advance(31e9)
	c.heartbeatAll("dn1")
	ts, _ := c.m.ChooseTargets(PlacementRequest{Writer: "10.0.0.1", Replicas: 2}, c.now)
	got := names(ts)
	slices.Sort(got)
	expect(t, "targets", join(got), "dn2 dn3")
	// Asked for three, the stale node is used as a last resort.
	ts, _ = c.m.ChooseTargets(PlacementRequest{Replicas: 3}, c.now)
	expect(t, "with fallback", len(ts), 3)
}

func TestPlacementFavoredNodesFirst(t *testing.T) {
	c := threeRacks(t)
	ts, err := c.m.ChooseTargets(PlacementRequest{Writer: "10.0.0.1", Replicas: 3, Favored: []string{"10.0.0.5:9866", "dn9:9866"}}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	got := names(ts)
	if !slices.Contains(got, "dn5") || !slices.Contains(got, "dn9") {
		t.Fatalf("favored nodes not chosen: %v", got)
	}
}

func TestPlacementOneNodePerRackLimit(t *testing.T) {
	// Two racks, replication 3: at most (3-1)/2+2 = 3 but never all on
	// one rack: max per rack drops to 2.
	c := newCluster(t, DefaultConfig(), "/a", "/a", "/a", "/b", "/b", "/b")
	for i := 0; i < 20; i++ {
		ts, _ := c.m.ChooseTargets(PlacementRequest{Replicas: 3}, c.now)
		racks := map[string]int{}
		for _, n := range names(ts) {
			racks[c.rackOf(n)]++
		}
		if len(racks) != 2 {
			t.Fatalf("targets %v all on one rack", names(ts))
		}
	}
}

func TestPlacementAdditionalDatanodeExtendsThePipeline(t *testing.T) {
	c := threeRacks(t)
	// Pipeline dn1 (/r1), dn4 (/r2); dn4 died in the pipeline's view and
	// the client asks for one more besides dn1 and dn5 (/r2).
	ts, err := c.m.ChooseTargets(PlacementRequest{Writer: "10.0.0.1", Replicas: 1, Existing: []string{"DS-dn1", "DS-dn5"},
		Excluded: []blocks.DatanodeID{c.id("dn4")}}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	got := names(ts)
	expect(t, "pipeline length", len(got), 3)
	expect(t, "writer first", got[0], "dn1")
	if got[1] == "dn4" || got[2] == "dn4" {
		t.Fatalf("excluded node chosen: %v", got)
	}
}

func TestPlacementNoLocalWrite(t *testing.T) {
	c := threeRacks(t)
	for range 10 {
		ts, _ := c.m.ChooseTargets(PlacementRequest{Writer: "10.0.0.1", Replicas: 3, AvoidLocalNode: true}, c.now)
		if slices.Contains(names(ts), "dn1") {
			t.Fatalf("local node used: %v", names(ts))
		}
	}
	// With only three nodes the local one is needed after all.
	c = newCluster(t, DefaultConfig(), "", "", "")
	ts, _ := c.m.ChooseTargets(PlacementRequest{Writer: "10.0.0.1", Replicas: 3, AvoidLocalNode: true}, c.now)
	expect(t, "targets", len(ts), 3)
}

package blockmgmt

import (
	"errors"
	"slices"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// reportAll sends every node a full block report of what it holds, so
// that its storages' contents are no longer stale.
func (c *cluster) reportAll() {
	c.t.Helper()
	for _, n := range c.names {
		var reps []Replica
		for id := range c.m.blocks.index {
			if slices.Contains(c.holders(id), n) {
				s, _ := c.m.blocks.lookup(id)
				r := c.m.blocks.recs[s]
				reps = append(reps, Replica{ID: r.id, GenStamp: r.genStamp, NumBytes: r.numBytes, State: Finalized})
			}
		}
		c.fullReport(n, reps...)
	}
}

func blockIDs(bs []BlockWithLocations) []int64 {
	var out []int64
	for _, b := range bs {
		out = append(out, b.ID)
	}
	slices.Sort(out)
	return out
}

func TestGetBlocksHandsOutTheNodesCompleteBlocksWithEveryLocation(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "", "")
	for id := int64(1); id <= 6; id++ {
		c.write(id, 3, "dn1")
	}
	c.reportAll()
	got, err := c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn2"), Size: 1 << 40, AnyType: true})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "blocks", len(blockIDs(got)), 6)
	for _, b := range got {
		if len(b.Nodes) != 3 || len(b.Storages) != 3 || len(b.Types) != 3 || b.NumBytes != 1024 || b.GenStamp != 1000 {
			t.Fatalf("blk_%d: %+v, want three locations of a 1024-byte block", b.ID, b)
		}
		if !slices.Contains(b.Nodes, "uuid-dn2") || b.Types[0] != blocks.Disk {
			t.Fatalf("blk_%d: %+v", b.ID, b)
		}
	}
}

func TestGetBlocksStopsAtSizeAndSkipsSmallAndOpenBlocks(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	for id := int64(1); id <= 10; id++ {
		c.write(id, 1, "dn1")
	}
	// an open block: allocated and received, never completed
	if err := c.m.AddBlock(NewBlock{ID: 11, GenStamp: 1000, FileID: 16386, Replication: 1, Targets: []string{"DS-dn1"}}); err != nil {
		t.Fatal(err)
	}
	c.reportAll()

	got, err := c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 3000, AnyType: true})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "blocks until 3000 bytes", len(got), 3)

	got, _ = c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 1 << 40, AnyType: true})
	expect(t, "complete blocks", len(got), 10)

	got, _ = c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 1 << 40, MinBlockSize: 1025, AnyType: true})
	expect(t, "blocks of 1025 bytes or more", len(got), 0)

	got, _ = c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 1 << 40, Type: blocks.SSD})
	expect(t, "blocks on SSD", len(got), 0)
}

func TestGetBlocksStartsAtARandomBlock(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	for id := int64(1); id <= 20; id++ {
		c.write(id, 1, "dn1")
	}
	c.reportAll()
	firsts := map[int64]bool{}
	for range 20 {
		got, _ := c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 1, AnyType: true})
		expect(t, "blocks for one byte", len(got), 1)
		firsts[got[0].ID] = true
	}
	if len(firsts) < 5 {
		t.Fatalf("20 calls started at only %d distinct blocks", len(firsts))
	}
}

func TestGetBlocksHandsOutHotBlocksLast(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	for id := int64(1); id <= 4; id++ {
		c.write(id, 1, "dn1")
	}
	c.reportAll()
	// every block belongs to file 16386; make it hot
	hot := func(int64) bool { return true }
	got, _ := c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 2048, AnyType: true, Hot: hot})
	expect(t, "hot blocks while there is room", len(got), 2)
	cold := func(int64) bool { return false }
	got, _ = c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 1 << 40, AnyType: true, Hot: cold})
	expect(t, "cold blocks", len(got), 4)
}

func TestGetBlocksLeavesOutStaleStoragesAndDoomedReplicas(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "")
	c.write(1, 2, "dn1")
	got, _ := c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 1 << 40, AnyType: true})
	expect(t, "blocks before the first full report", len(got), 0)

	c.reportAll()
	c.m.addToInvalidates(c.m.byUUID["uuid-dn2"], 1, 1000, 1024)
	got, _ = c.m.BlocksWithLocations(BlocksRequest{Node: c.id("dn1"), Size: 1 << 40, AnyType: true})
	expect(t, "blocks", len(got), 1)
	expect(t, "locations", join(got[0].Nodes), "uuid-dn1")
}

func TestGetBlocksRefusesUnknownNodes(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "")
	stranger := c.id("dn1")
	stranger.UUID = "uuid-nobody"
	if _, err := c.m.BlocksWithLocations(BlocksRequest{Node: stranger, Size: 1}); !errors.Is(err, ErrUnknownDatanode) ||
		err.Error() != "blockmgmt: datanode not found: Datanode 10.0.0.1:9866 not found." {
		t.Fatalf("unknown node: %v", err)
	}
	moved := c.id("dn1")
	moved.IPAddr = "10.0.0.99"
	if _, err := c.m.BlocksWithLocations(BlocksRequest{Node: moved, Size: 1}); !errors.Is(err, ErrUnregistered) {
		t.Fatalf("node at another address: %v", err)
	}
}

func TestStorageReportsListEachLiveNodesStorages(t *testing.T) {
	c := newCluster(t, DefaultConfig(), "", "")
	reps := c.m.StorageReports(blocks.ReportLive)
	expect(t, "nodes", len(reps), 2)
	for i, r := range reps {
		expect(t, "storages", len(r.Storages), 1)
		s := r.Storages[0]
		expect(t, "storage id", s.StorageID, "DS-"+c.names[i])
		expect(t, "capacity", s.Capacity, 100*gb)
		expect(t, "remaining", s.Remaining, 99*gb)
		expect(t, "node capacity", r.Node.Capacity, 100*gb)
	}
}

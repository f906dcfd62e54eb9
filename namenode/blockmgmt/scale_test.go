package blockmgmt

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// BenchmarkBlocksMapMillionBlocks loads 1M complete blocks with three
// replicas each on 30 DataNodes (first block reports, as at startup) and
// reports the heap cost per block. It is a measurement, not a timed test:
//
//	go test -race -run '^$' -bench BlocksMap -benchtime 1x ./namenode/blockmgmt/
func BenchmarkBlocksMapMillionBlocks(b *testing.B) {
	const nBlocks, nNodes = 1 << 20, 30
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, _ := New(DefaultConfig(), nil, rand.New(rand.NewPCG(1, 1)))
		now := time.Unix(0, 0)
		m.SetPopulateQueues(false, now)
		for i := range nNodes {
			id := blocks.DatanodeID{IPAddr: fmt.Sprintf("10.1.%d.%d", i/250, i%250), UUID: fmt.Sprint("u", i), XferPort: 9866}
			m.Register(Registration{ID: id, Storages: []StorageReport{{StorageID: fmt.Sprint("DS-", i)}}}, now)
		}
		reports := make([][]Replica, nNodes)
		for id := int64(1); id <= nBlocks; id++ {
			m.LoadBlock(id, 1000, 1<<27, 16386+id/10, 3, true)
			for k := int64(0); k < 3; k++ {
				n := (id + k*7) % nNodes
				reports[n] = append(reports[n], Replica{ID: id, GenStamp: 1000, NumBytes: 1 << 27})
			}
		}
		for i, r := range reports {
			m.BlockReport(fmt.Sprint("u", i), fmt.Sprint("DS-", i), r, now)
		}
		reports = nil
		m.SetPopulateQueues(true, now)
		runtime.GC()
		runtime.ReadMemStats(&after)
		safe, total, _ := m.SafeCounts()
		if safe != nBlocks || total != nBlocks {
			b.Fatalf("safe %d total %d", safe, total)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/nBlocks, "bytes/block")
		b.ReportMetric(float64(after.HeapObjects-before.HeapObjects)/nBlocks, "objects/block")
		runtime.KeepAlive(m)
	}
}

// TestBlocksMapOverflowReplicas checks blocks with more replicas than
// the inline array (replication 10).
func TestBlocksMapOverflowReplicas(t *testing.T) {
	c := newCluster(t, DefaultConfig())
	for range 12 {
		c.addNode("")
	}
	got := c.write(1, 10, "")
	expect(t, "replicas", len(c.holders(1)), 10)
	c.m.SetReplication(1, 3, c.now)
	expect(t, "after reduction", len(c.holders(1)), 3)
	expect(t, "deletions", len(c.invalidations()), 7)
	_ = got
	s, _ := c.m.blocks.lookup(1)
	expect(t, "overflow cleared", c.m.blocks.recs[s].flags&flagOverflow, uint8(0))
}

func TestBlockRecordIs56Bytes(t *testing.T) {
	expect(t, "sizeof(blockRec)", unsafe.Sizeof(blockRec{}), uintptr(56))
}

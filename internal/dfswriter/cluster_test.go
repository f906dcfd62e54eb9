package dfswriter

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/minicluster"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

const (
	mib       = 1 << 20
	blockSize = 1 * mib
)

// testCluster is a NameNode with four DataNodes and an RPC client.
type testCluster struct {
	*minicluster.Cluster
	rpc *hadooprpc.Client
	nn  string
}

func startCluster(t *testing.T, extra ...string) *testCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	site := map[string]string{
		"dfs.namenode.safemode.extension":      "0",
		"dfs.namenode.redundancy.considerLoad": "false",
		"dfs.heartbeat.interval":               "1",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		site[extra[i]] = extra[i+1]
	}
	c, err := minicluster.Start(context.Background(), minicluster.Options{Dir: t.TempDir(), DataNodes: 4, Site: site})
	if err != nil {
		t.Fatal(err)
	}
	tc := &testCluster{Cluster: c, rpc: hadooprpc.NewClient(hadooprpc.ClientConfig{}), nn: c.NameNode.RPCAddr()}
	t.Cleanup(func() {
		tc.rpc.Close()
		if err := c.Close(); err != nil {
			t.Errorf("cluster: %v", err)
		}
	})
	eventually(t, ctx, "4 live DataNodes", func() bool {
		resp := new(hdfspb.GetDatanodeReportResponseProto)
		err := tc.rpc.Call(ctx, tc.nn, protocol, "getDatanodeReport",
			&hdfspb.GetDatanodeReportRequestProto{Type: hdfspb.DatanodeReportTypeProto_LIVE.Enum()}, resp)
		return err == nil && len(resp.GetDi()) == 4
	})
	return tc
}

// eventually polls cond, for conditions only a real cluster reaches.
func eventually(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}

func (tc *testCluster) options(p Policy) Options {
	return Options{RPC: tc.rpc, NameNode: tc.nn, Replication: 3, BlockSize: blockSize, Policy: p}
}

// dataNode is the index of the DataNode serving addr.
func (tc *testCluster) dataNode(t *testing.T, addr string) int {
	for i, d := range tc.DataNodes {
		if d.XferAddr() == addr {
			return i
		}
	}
	t.Fatalf("no DataNode at %s", addr)
	return -1
}

// kill stops the DataNode serving addr.
func (tc *testCluster) kill(t *testing.T, addr string) {
	t.Logf("killing DataNode %s", addr)
	if err := tc.DataNodes[tc.dataNode(t, addr)].Close(); err != nil {
		t.Errorf("closing DataNode %s: %v", addr, err)
	}
}

// finalized lists the DataNodes (by address) holding a finalized replica
// of b with b's generation stamp and length.
func (tc *testCluster) finalized(b *hdfspb.ExtendedBlockProto, skip string) []string {
	var out []string
	for _, d := range tc.DataNodes {
		if d.XferAddr() == skip {
			continue
		}
		r, ok := d.Dataset().Get(b.GetPoolId(), int64(b.GetBlockId()))
		if ok && r.State == fsdataset.Finalized && r.GenStamp == int64(b.GetGenerationStamp()) && r.NumBytes == int64(b.GetNumBytes()) {
			out = append(out, d.XferAddr())
		}
	}
	return out
}

func randomData(t *testing.T, n int) []byte {
	seed := rand.Uint64()
	t.Logf("data seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// write writes data in pieces of odd sizes, so that packets do not follow
// the caller's writes.
func write(t *testing.T, ctx context.Context, w *Writer, data []byte) {
	t.Helper()
	for len(data) > 0 {
		n := min(len(data), 100_003)
		if _, err := w.Write(ctx, data[:n]); err != nil {
			t.Fatal(err)
		}
		data = data[n:]
	}
}

func (tc *testCluster) checkContent(t *testing.T, ctx context.Context, src string, want []byte) *hdfspb.LocatedBlocksProto {
	t.Helper()
	got, err := ReadFile(ctx, tc.rpc, tc.nn, src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: read %d bytes that differ from the %d written", src, len(got), len(want))
	}
	lbs, err := Locations(ctx, tc.rpc, tc.nn, src)
	if err != nil {
		t.Fatal(err)
	}
	if lbs.GetUnderConstruction() || lbs.GetFileLength() != uint64(len(want)) {
		t.Fatalf("%s: under construction %v, length %d", src, lbs.GetUnderConstruction(), lbs.GetFileLength())
	}
	return lbs
}

// checkReplica reads b from the DataNode at addr.
func checkReplica(t *testing.T, ctx context.Context, addr string, b *hdfspb.ExtendedBlockProto, want []byte) {
	t.Helper()
	got, err := readBlock(ctx, addr, b)
	if err != nil {
		t.Errorf("reading %s from %s: %v", blockName(b), addr, err)
	} else if !bytes.Equal(got, want) {
		t.Errorf("%s on %s: %d bytes that differ from the %d written", blockName(b), addr, len(got), len(want))
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestWriteThreeReplicasReadsBack(t *testing.T) {
	tc := startCluster(t)
	ctx := testContext(t)
	data := randomData(t, 5*mib)
	w, err := Create(ctx, "/dir/five", tc.options(PolicyDefault))
	if err != nil {
		t.Fatal(err)
	}
	write(t, ctx, w, data)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	lbs := tc.checkContent(t, ctx, "/dir/five", data)
	if n := len(lbs.GetBlocks()); n != 5 {
		t.Fatalf("%d blocks, want 5", n)
	}
	for _, lb := range lbs.GetBlocks() {
		if len(lb.GetLocs()) != 3 || lb.GetB().GetNumBytes() != blockSize {
			t.Errorf("%s: %d bytes on %d nodes", blockName(lb.GetB()), lb.GetB().GetNumBytes(), len(lb.GetLocs()))
		}
		if got := tc.finalized(lb.GetB(), ""); len(got) != 3 {
			t.Errorf("%s finalized on %v", blockName(lb.GetB()), got)
		}
	}
}

// killMidBlock writes 1.3 MiB (a block and a part), waits for the acks,
// kills the pipeline's node at index victim, writes on and waits until
// the writer has recovered. It returns the pipeline before and after, the
// generation stamp before, and the data written.
func killMidBlock(t *testing.T, ctx context.Context, tc *testCluster, w *Writer, victim int, flush bool) (before, after []string, oldGS uint64, written []byte) {
	data := randomData(t, 2*mib+12345)
	first := mib + 300*1024 + 17
	write(t, ctx, w, data[:first])
	if flush {
		if err := w.Hflush(ctx); err != nil {
			t.Fatal(err)
		}
	} else if err := w.waitAcked(ctx); err != nil {
		t.Fatal(err)
	}
	before, oldGS = w.Pipeline(), w.Block().GetGenerationStamp()
	if len(before) != 3 {
		t.Fatalf("pipeline %v", before)
	}
	tc.kill(t, before[victim])
	second := first + 200*1024
	write(t, ctx, w, data[first:second])
	if err := w.waitAcked(ctx); err != nil {
		t.Fatal(err)
	}
	after = w.Pipeline()
	if flush {
		// Every node of the new pipeline, the one that got the replica by
		// TRANSFER_BLOCK included, serves the hflushed bytes.
		b := w.Block()
		b.NumBytes = new(uint64(first - mib))
		for _, a := range after {
			checkReplica(t, ctx, a, b, data[mib:first])
		}
	}
	write(t, ctx, w, data[second:])
	return before, after, oldGS, data
}

func TestPipelineRecovery(t *testing.T) {
	// Hadoop's DEFAULT policy adds no node when a 3-replica block that
	// was not hflushed loses one (2 > 3/2): the write goes on with two,
	// under a new generation stamp.
	t.Run("default policy goes on with two nodes", func(t *testing.T) {
		tc := startCluster(t, "dfs.namenode.reconstruction.pending.timeout-sec", "1")
		ctx := testContext(t)
		w, err := Create(ctx, "/f", tc.options(PolicyDefault))
		if err != nil {
			t.Fatal(err)
		}
		before, after, oldGS, data := killMidBlock(t, ctx, tc, w, 1, false)
		if len(after) != 2 || after[0] != before[0] || after[1] != before[2] {
			t.Fatalf("pipeline %v after losing %s from %v", after, before[1], before)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		lbs := tc.checkContent(t, ctx, "/f", data)
		last := lbs.GetBlocks()[1].GetB()
		if last.GetGenerationStamp() <= oldGS {
			t.Errorf("generation stamp %d, was %d", last.GetGenerationStamp(), oldGS)
		}
		for _, a := range after {
			checkReplica(t, ctx, a, last, data[mib:2*mib])
		}
		// Then the NameNode's redundancy monitor brings it back to three.
		// It still takes the dead node for a live one and may send it the
		// copy: the short pending timeout lets it choose again.
		start := time.Now()
		eventually(t, ctx, "a third replica of "+blockName(last), func() bool { return len(tc.finalized(last, before[1])) == 3 })
		t.Logf("re-replicated by the NameNode in %v", time.Since(start))
	})
	// With a node added (ALWAYS here; DEFAULT after an hflush, below) the
	// new node gets the partial replica by TRANSFER_BLOCK and the block
	// ends with three replicas.
	t.Run("a replacement node gets the partial replica", func(t *testing.T) {
		tc := startCluster(t)
		ctx := testContext(t)
		w, err := Create(ctx, "/f", tc.options(PolicyAlways))
		if err != nil {
			t.Fatal(err)
		}
		before, after, oldGS, data := killMidBlock(t, ctx, tc, w, 1, false)
		checkReplaced(t, before, after, before[1])
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		lbs := tc.checkContent(t, ctx, "/f", data)
		checkFinalBlock(t, ctx, tc, lbs.GetBlocks()[1], oldGS, after, before[1], data[mib:2*mib])
	})
}

// The hflushed bytes survive a failure of the first node; DEFAULT adds a
// node because the block was hflushed.
func TestHflushThenPipelineFailure(t *testing.T) {
	tc := startCluster(t)
	ctx := testContext(t)
	w, err := Create(ctx, "/flushed", tc.options(PolicyDefault))
	if err != nil {
		t.Fatal(err)
	}
	before, after, oldGS, data := killMidBlock(t, ctx, tc, w, 0, true)
	checkReplaced(t, before, after, before[0])
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	lbs := tc.checkContent(t, ctx, "/flushed", data)
	checkFinalBlock(t, ctx, tc, lbs.GetBlocks()[1], oldGS, after, before[0], data[mib:2*mib])
}

func checkReplaced(t *testing.T, before, after []string, dead string) {
	t.Helper()
	if len(after) != 3 {
		t.Fatalf("pipeline %v after losing %s from %v: want a replacement", after, dead, before)
	}
	for _, a := range after {
		if a == dead {
			t.Fatalf("pipeline %v still has %s", after, dead)
		}
	}
}

// checkFinalBlock checks the block that lost a node: a new generation
// stamp, finalized on the three nodes of the last pipeline, each with all
// of want.
func checkFinalBlock(t *testing.T, ctx context.Context, tc *testCluster, lb *hdfspb.LocatedBlockProto, oldGS uint64, pipeline []string, dead string, want []byte) {
	t.Helper()
	b := lb.GetB()
	if b.GetGenerationStamp() <= oldGS {
		t.Errorf("generation stamp %d, was %d", b.GetGenerationStamp(), oldGS)
	}
	got := tc.finalized(b, dead)
	slices.Sort(got)
	if !slices.Equal(got, slices.Sorted(slices.Values(pipeline))) {
		t.Errorf("%s finalized on %v, want %v", blockName(b), got, pipeline)
	}
	for _, a := range pipeline {
		checkReplica(t, ctx, a, b, want)
	}
	for _, l := range lb.GetLocs() {
		if xferAddr(l) == dead {
			t.Errorf("%s located on the dead node %s", blockName(b), dead)
		}
	}
}

// A new block whose first node is dead is abandoned, and the next
// addBlock excludes that node.
func TestFirstNodeDownAbandonsBlock(t *testing.T) {
	tc := startCluster(t)
	ctx := testContext(t)
	opts := tc.options(PolicyDefault)
	var killed string
	armed := false
	var d net.Dialer
	opts.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if armed && killed == "" {
			killed = addr
			tc.kill(t, addr)
		}
		return d.DialContext(ctx, network, addr)
	}
	w, err := Create(ctx, "/abandon", opts)
	if err != nil {
		t.Fatal(err)
	}
	data := randomData(t, 2*mib+999)
	write(t, ctx, w, data[:mib]) // the first block ends
	armed = true
	write(t, ctx, w, data[mib:])
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if killed == "" || len(w.excluded) != 1 || w.excluded[0].addr() != killed {
		t.Fatalf("killed %q, excluded %v", killed, addrs(w.excluded))
	}
	lbs := tc.checkContent(t, ctx, "/abandon", data)
	if n := len(lbs.GetBlocks()); n != 3 {
		t.Fatalf("%d blocks: the abandoned one should be gone", n)
	}
	for _, lb := range lbs.GetBlocks()[1:] {
		if got := tc.finalized(lb.GetB(), ""); len(got) != 3 {
			t.Errorf("%s finalized on %v", blockName(lb.GetB()), got)
		}
		for _, l := range lb.GetLocs() {
			if xferAddr(l) == killed {
				t.Errorf("%s placed on the excluded %s", blockName(lb.GetB()), killed)
			}
		}
	}
}

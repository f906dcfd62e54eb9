package xceiver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/throttle"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Transfer (DNA_TRANSFER) copies a finalized replica to two targets as a
// pipeline; each stores it finalized and reports it received.
func TestTransferReplicates(t *testing.T) {
	src, t1, t2 := startNode(t, nil), startNode(t, nil), startNode(t, nil)
	b := fsdataset.Block{ID: 40, GenStamp: 3}
	data := pattern(300000, 6)
	writeBlock(t, []*node{src}, b, data)
	b.NumBytes = int64(len(data))
	err := src.s.Transfer(context.Background(), testBP, b, []Target{{Addr: t1.addr}, {Addr: t2.addr}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{t1, t2} {
		waitFor(t, func() bool { return len(eventsOf(n, 40)) == 1 })
		if ev := eventsOf(n, 40); ev[0] != (event{kind: "received", b: b}) {
			t.Errorf("%s: events %v", n.addr, ev)
		}
		if r, _ := n.ds.Get(testBP, 40); r.State != fsdataset.Finalized {
			t.Errorf("%s: replica %v", n.addr, r)
		}
		if !bytes.Equal(n.data(b), data) {
			t.Errorf("%s: data differs", n.addr)
		}
	}
	if x := src.s.XmitsInProgress(); x != 0 {
		t.Errorf("XmitsInProgress %d after the transfer", x)
	}
}

// A transfer verifies the local replica as it sends it: a corrupt one is
// reported as a bad replica and the transfer fails.
func TestTransferOfCorruptReplica(t *testing.T) {
	src, dst := startNode(t, nil), startNode(t, nil)
	b := fsdataset.Block{ID: 41, GenStamp: 1}
	writeBlock(t, []*node{src}, b, pattern(5000, 1))
	b.NumBytes = 5000
	r, _ := src.ds.Get(testBP, 41)
	dataPath, _ := src.ds.Paths(testBP, r)
	f, err := fsdataset.OSFS.OpenFile(dataPath, 2, 0) // O_RDWR
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xff, 0xfe}, 1000)
	f.Close()
	err = src.s.Transfer(context.Background(), testBP, b, []Target{{Addr: dst.addr}})
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("Transfer: %v, want a checksum error", err)
	}
	if ev := src.notes.list(); len(ev) == 0 || ev[len(ev)-1].kind != "bad" {
		t.Errorf("events %v, want a bad replica report", ev)
	}
}

// Transfer after Close is refused.
func TestTransferAfterClose(t *testing.T) {
	n := startNode(t, nil)
	n.s.Close()
	if err := n.s.Transfer(context.Background(), testBP, fsdataset.Block{ID: 1}, []Target{{Addr: "127.0.0.1:1"}}); !errors.Is(err, ErrClosed) {
		t.Errorf("Transfer: %v", err)
	}
}

func newTransferBlockReq(b fsdataset.Block, targets ...*node) *hdfspb.OpTransferBlockProto {
	req := &hdfspb.OpTransferBlockProto{Header: datatransfer.ClientHeader(extBlock(testBP, b), "DFSClient_test", nil)}
	for _, n := range targets {
		req.Targets = append(req.Targets, n.info())
		req.TargetStorageTypes = append(req.TargetStorageTypes, hdfspb.StorageTypeProto_DISK)
	}
	return req
}

// TRANSFER_BLOCK of a finalized replica: the new node gets it finalized
// (TRANSFER_FINALIZED) and the client hears SUCCESS.
func TestTransferBlockFinalized(t *testing.T) {
	src, dst := startNode(t, nil), startNode(t, nil)
	b := fsdataset.Block{ID: 42, GenStamp: 1}
	data := pattern(70000, 2)
	writeBlock(t, []*node{src}, b, data)
	c := dial(t, src.addr)
	c.send(datatransfer.OpTransferBlock, newTransferBlockReq(b, dst))
	if resp := c.response(); resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("response %v", resp)
	}
	if r, _ := dst.ds.Get(testBP, 42); r.State != fsdataset.Finalized || r.NumBytes != 70000 {
		t.Errorf("target replica %v", r)
	}
}

// TRANSFER_BLOCK during pipeline recovery: the replica is still being
// written; the new node gets its acknowledged bytes as an RBW replica
// (TRANSFER_RBW) that a recovered pipeline can go on writing.
func TestTransferBlockRBW(t *testing.T) {
	src, dst := startNode(t, nil), startNode(t, nil)
	b := fsdataset.Block{ID: 43, GenStamp: 1}
	data := pattern(3000, 2)
	p, _ := openPipeline(t, []*node{src}, b, stageCreate, 1, 0)
	p.expectAck(p.packet(0, data[:1800], true))
	c := dial(t, src.addr)
	c.send(datatransfer.OpTransferBlock, newTransferBlockReq(b, dst))
	if resp := c.response(); resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("response %v", resp)
	}
	r, _ := dst.ds.Get(testBP, 43)
	if r.State != fsdataset.RBW || r.BytesAcked != 1800 {
		t.Errorf("target replica %v", r)
	}
	b.NumBytes = 1800
	if !bytes.Equal(dst.data(b), data[:1800]) {
		t.Error("target data differs")
	}
}

// TRANSFER_BLOCK of a replica the node does not have closes the
// connection, as Hadoop does.
func TestTransferBlockMissing(t *testing.T) {
	src, dst := startNode(t, nil), startNode(t, nil)
	c := dial(t, src.addr)
	c.send(datatransfer.OpTransferBlock, newTransferBlockReq(fsdataset.Block{ID: 44, GenStamp: 1}, dst))
	c.expectClosed()
}

// REPLACE_BLOCK (the balancer): the node copies the block from the proxy
// with COPY_BLOCK, stores it, reports it received with the delHint, and
// answers SUCCESS.
func TestReplaceBlock(t *testing.T) {
	proxy, dst := startNode(t, nil), startNode(t, nil)
	b := fsdataset.Block{ID: 45, GenStamp: 2}
	data := pattern(200000, 8)
	writeBlock(t, []*node{proxy}, b, data)
	c := dial(t, dst.addr)
	resp := c.replaceBlock(b, proxy)
	if resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("response %v", resp)
	}
	b.NumBytes = int64(len(data))
	if ev := eventsOf(dst, 45); len(ev) != 1 || ev[0] != (event{kind: "received", b: b, delHint: "uuid-of-source"}) {
		t.Errorf("events %v", ev)
	}
	if !bytes.Equal(dst.data(b), data) {
		t.Error("data differs")
	}
	c.expectClosed()
}

// REPLACE_BLOCK from a proxy without the block: ERROR with the reason.
func TestReplaceBlockProxyMissing(t *testing.T) {
	proxy, dst := startNode(t, nil), startNode(t, nil)
	c := dial(t, dst.addr)
	c.send(datatransfer.OpReplaceBlock, &hdfspb.OpReplaceBlockProto{
		Header: datatransfer.BaseHeader(extBlock(testBP, fsdataset.Block{ID: 46, GenStamp: 1}), nil), DelHint: new("x"), Source: proxy.info(),
	})
	if resp := c.response(); resp.GetStatus() != hdfspb.Status_ERROR || resp.GetMessage() == "" {
		t.Errorf("response %v", resp)
	}
}

// Over dfs.datanode.max.transfer.threads, a new connection is closed at
// once; Hadoop refuses when the active count already exceeds the limit.
func TestMaxTransferThreads(t *testing.T) {
	n := startNode(t, func(c *Config) { c.MaxTransferThreads = 1; c.KeepaliveTimeout = 60e9 })
	b := fsdataset.Block{ID: 47, GenStamp: 1}
	writeBlock(t, []*node{n}, b, pattern(100, 1))
	waitFor(t, func() bool { return n.s.XceiverCount() == 0 })
	// Two readers kept alive after a read: both are being served.
	for range 2 {
		if resp, _ := dial(t, n.addr).readBlock(b, 0, 100, true); resp.GetStatus() != hdfspb.Status_SUCCESS {
			t.Fatalf("read %v", resp)
		}
	}
	if got := n.s.XceiverCount(); got != 2 {
		t.Fatalf("XceiverCount %d, want 2", got)
	}
	c := dial(t, n.addr)
	if _, err := c.r.ReadByte(); err != io.EOF {
		t.Errorf("third connection: %v, want EOF", err)
	}
}

// A connection idle after a read closes after the keepalive timeout; one
// sending a wrong version or an unknown op is closed without an answer.
func TestConnectionClosing(t *testing.T) {
	n := startNode(t, func(c *Config) { c.KeepaliveTimeout = 50e6 })
	b := fsdataset.Block{ID: 48, GenStamp: 1}
	writeBlock(t, []*node{n}, b, pattern(100, 1))
	c := dial(t, n.addr)
	c.readBlock(b, 0, 100, true)
	c.expectClosed()
	for _, req := range [][]byte{{0, 27, 81}, {0, 28, 87}, {0, 28, 99}, {0, 28, 82}} {
		c := dial(t, n.addr)
		c.conn.Write(req)
		c.expectClosed()
	}
}

// Close ends every connection and handler, idle or mid-write, and leaves
// no goroutine behind.
func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	a, b := startNode(t, nil), startNode(t, nil)
	idle := dial(t, a.addr)
	p, _ := openPipeline(t, []*node{a, b}, fsdataset.Block{ID: 50, GenStamp: 1}, stageCreate, 1, 0)
	p.expectAck(p.packet(0, pattern(1024, 1), false))
	half := dial(t, b.addr)
	half.conn.Write([]byte{0, 28, 80, 0x40}) // a WRITE_BLOCK cut short
	waitFor(t, func() bool { return a.s.XceiverCount() == 2 && b.s.XceiverCount() == 2 })
	a.stop()
	b.stop()
	idle.expectClosed()
	half.expectClosed()
	io.Copy(io.Discard, p.r) // a node shutting down may first report its downstream gone

	waitFor(t, func() bool { return runtime.NumGoroutine() <= before })
}

// Garbage after a valid version never crashes the server; it closes the
// connection and goes on serving.
func TestHostileRequests(t *testing.T) {
	n := startNode(t, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		junk := make([]byte, rng.IntN(300))
		for j := range junk {
			junk[j] = byte(rng.Uint32())
		}
		op := []byte{80, 81, 83, 84, 85, 86}[i%6]
		c := dial(t, n.addr)
		c.conn.Write(append([]byte{0, 28, op}, junk...))
		c.conn.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, c.r)
		c.conn.Close()
	}
	b := fsdataset.Block{ID: 51, GenStamp: 1}
	writeBlock(t, []*node{n}, b, pattern(1000, 1))
}

// A DataNode-originated write whose second target is unreachable goes on
// without it: the first target still stores the replica.
func TestTransferContinuesWithoutMirror(t *testing.T) {
	src, dst := startNode(t, nil), startNode(t, nil)
	b := fsdataset.Block{ID: 52, GenStamp: 1}
	data := pattern(10000, 3)
	writeBlock(t, []*node{src}, b, data)
	b.NumBytes = int64(len(data))
	if err := src.s.Transfer(context.Background(), testBP, b, []Target{{Addr: dst.addr}, {Addr: deadAddr(t)}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(eventsOf(dst, 52)) == 1 })
	if !bytes.Equal(dst.data(b), data) {
		t.Error("data differs")
	}
}

// TRANSFER_BLOCK to a target that cannot be reached: the client hears
// ERROR with the reason.
func TestTransferBlockUnreachableTarget(t *testing.T) {
	src := startNode(t, nil)
	b := fsdataset.Block{ID: 53, GenStamp: 1}
	writeBlock(t, []*node{src}, b, pattern(1000, 3))
	c := dial(t, src.addr)
	c.send(datatransfer.OpTransferBlock, newTransferBlockReq(b, &node{addr: deadAddr(t), uuid: "dead"}))
	if resp := c.response(); resp.GetStatus() != hdfspb.Status_ERROR || resp.GetMessage() == "" {
		t.Errorf("response %v", resp)
	}
	c.expectClosed()
}

// The balancer's bandwidth paces block moves on both sides: the proxy's
// COPY_BLOCK sending and the destination's REPLACE_BLOCK receiving. At
// 1 MB/s a period of 500 ms admits 500,000 bytes, so a 600,000-byte block
// cannot move before the second period starts.
func TestBlockMovesFollowTheBalancerBandwidth(t *testing.T) {
	b := fsdataset.Block{ID: 47, GenStamp: 2}
	data := pattern(600000, 9)
	for _, side := range []string{"proxy", "destination"} {
		t.Run(side, func(t *testing.T) {
			slow := func(c *Config) { c.BalanceThrottler = throttle.New(1_000_000, nil) }
			var proxy, dst *node
			if side == "proxy" {
				proxy, dst = startNode(t, slow), startNode(t, nil)
			} else {
				proxy, dst = startNode(t, nil), startNode(t, slow)
			}
			writeBlock(t, []*node{proxy}, b, data)
			start := time.Now()
			resp := dial(t, dst.addr).replaceBlock(b, proxy)
			took := time.Since(start)
			if resp.GetStatus() != hdfspb.Status_SUCCESS {
				t.Fatalf("response %v", resp)
			}
			if took < 400*time.Millisecond {
				t.Errorf("600,000 bytes moved in %v at 1 MB/s", took)
			}
			moved := b
			moved.NumBytes = int64(len(data))
			if !bytes.Equal(dst.data(moved), data) {
				t.Error("data differs")
			}
		})
	}
}

// replaceBlock asks for b from proxy with REPLACE_BLOCK (delHint
// "uuid-of-source") and returns the final answer, past the IN_PROGRESS
// keepalives.
func (c *client) replaceBlock(b fsdataset.Block, proxy *node) *hdfspb.BlockOpResponseProto {
	c.send(datatransfer.OpReplaceBlock, &hdfspb.OpReplaceBlockProto{
		Header: datatransfer.BaseHeader(extBlock(testBP, b), nil), DelHint: new("uuid-of-source"), Source: proxy.info(),
		StorageType: hdfspb.StorageTypeProto_DISK.Enum(),
	})
	resp := c.response()
	for resp.GetStatus() == hdfspb.Status_IN_PROGRESS {
		resp = c.response()
	}
	return resp
}

// dfs.datanode.data.read.bandwidthPerSec and .write.bandwidthPerSec pace
// READ_BLOCK and WRITE_BLOCK the same way (no limit when unset).
func TestClientReadsAndWritesFollowTheirBandwidth(t *testing.T) {
	data := pattern(600000, 10)
	slowWrites := startNode(t, func(c *Config) { c.WriteThrottler = throttle.New(1_000_000, nil) })
	start := time.Now()
	writeBlock(t, []*node{slowWrites}, fsdataset.Block{ID: 48, GenStamp: 1}, data)
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Errorf("600,000 bytes written in %v at 1 MB/s", took)
	}

	slowReads := startNode(t, func(c *Config) { c.ReadThrottler = throttle.New(1_000_000, nil) })
	b := fsdataset.Block{ID: 49, GenStamp: 1}
	start = time.Now()
	writeBlock(t, []*node{slowReads}, b, data)
	if took := time.Since(start); took >= 400*time.Millisecond {
		t.Errorf("an unthrottled write took %v", took)
	}
	start = time.Now()
	if _, got := dial(t, slowReads.addr).readBlock(b, 0, int64(len(data)), true); !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes", len(got))
	}
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Errorf("600,000 bytes read in %v at 1 MB/s", took)
	}
}

// A reconfiguration changes the mover limit for the moves that start
// afterwards; a zero count keeps the limit in force.
func TestSetLimitsChangesMoverQuota(t *testing.T) {
	s := New(Config{MaxMovers: 2}, nil, nil)
	if l := s.Limits(); l.MaxMovers != 2 || l.MaxTransferThreads != DefaultMaxTransferThreads {
		t.Fatalf("initial limits %+v", l)
	}
	s.SetLimits(Limits{MaxMovers: 1})
	if !s.acquireMover() || s.acquireMover() {
		t.Fatal("a second mover was let in under a limit of 1")
	}
	s.SetLimits(Limits{MaxMovers: 3, MaxTransferThreads: 0})
	if !s.acquireMover() || !s.acquireMover() || s.acquireMover() {
		t.Fatal("the raised limit of 3 was not applied")
	}
	if l := s.Limits(); l.MaxTransferThreads != DefaultMaxTransferThreads {
		t.Fatalf("a zero count changed the limit: %+v", l)
	}
}

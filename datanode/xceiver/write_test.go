package xceiver

import (
	"bytes"
	"fmt"
	"net"
	"testing"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func threeNodes(t *testing.T) []*node {
	return []*node{startNode(t, nil), startNode(t, nil), startNode(t, nil)}
}

// A client writes a block through a three-node pipeline: every node
// acknowledges every packet in order, each node finalizes the same bytes
// with valid checksums, and each tells its NameNode RECEIVING then
// RECEIVED.
func TestPipelineWriteSizes(t *testing.T) {
	nodes := threeNodes(t)
	for i, size := range []int{0, 1, 511, 512, 513, 3*64<<10 + 17, 1<<20 + 1} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			b := fsdataset.Block{ID: int64(1000 + i), GenStamp: 1001}
			data := pattern(size, byte(i))
			writeBlock(t, nodes, b, data)
			for _, n := range nodes {
				n.verifyFiles(b)
				r, _ := n.ds.Get(testBP, b.ID)
				if r.State != fsdataset.Finalized || r.NumBytes != int64(size) {
					t.Errorf("%s: replica %v", n.addr, r)
				}
				want := []event{{kind: "receiving", b: fsdataset.Block{ID: b.ID, GenStamp: 1001}},
					{kind: "received", b: fsdataset.Block{ID: b.ID, GenStamp: 1001, NumBytes: int64(size)}}}
				if got := eventsOf(n, b.ID); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s: events %v, want %v", n.addr, got, want)
				}
			}
		})
	}
}

func eventsOf(n *node, id int64) []event {
	var out []event
	for _, e := range n.notes.list() {
		if e.b.ID == id {
			out = append(out, e)
		}
	}
	return out
}

// Packets of many sizes, not chunk multiples except the last, arrive as a
// client cuts them after writes of odd lengths.
func TestPipelineWriteManySmallPackets(t *testing.T) {
	nodes := threeNodes(t)
	b := fsdataset.Block{ID: 7, GenStamp: 1}
	data := pattern(40*512+100, 3)
	p, _ := openPipeline(t, nodes, b, stageCreate, 1, 0)
	p.writeAll(0, data, 3*512)
	p.expectClosed()
	for _, n := range nodes {
		if !bytes.Equal(n.data(b), data) {
			t.Errorf("%s: data differs", n.addr)
		}
		n.verifyFiles(b)
	}
}

// hflush in the middle of a chunk: the client sends the partial chunk with
// sync, every node acknowledges it and a reader sees those bytes while the
// block is still being written. The client then resends that chunk from
// its start with more data, as DFSOutputStream does; each node stores only
// the new bytes and recomputes the chunk's checksum.
func TestHflushMidChunkThenContinue(t *testing.T) {
	nodes := threeNodes(t)
	b := fsdataset.Block{ID: 8, GenStamp: 1}
	data := pattern(2000, 5)
	p, _ := openPipeline(t, nodes, b, stageCreate, 1, 0)
	p.expectAck(p.packet(0, data[:700], true))
	for _, n := range nodes {
		r, _ := n.ds.Get(testBP, b.ID)
		if r.State != fsdataset.RBW || r.BytesAcked != 700 {
			t.Fatalf("%s: after hflush %v", n.addr, r)
		}
		// Reading the replica being written: the visible 700 bytes, the
		// last chunk's checksum computed for the 188 bytes sent.
		_, got := dial(t, n.addr).readBlock(b, 0, 700, true)
		if !bytes.Equal(got, data[:700]) {
			t.Fatalf("%s: read %d bytes of the RBW replica", n.addr, len(got))
		}
	}
	p.expectAck(p.packet(512, data[512:1536], false))
	p.expectAck(p.packet(1536, data[1536:], false))
	p.expectAck(p.last(2000))
	p.expectClosed()
	for _, n := range nodes {
		if !bytes.Equal(n.data(b), data) {
			t.Errorf("%s: data differs", n.addr)
		}
		n.verifyFiles(b)
	}
}

// Appending to a block whose last chunk is partial: the first packet
// starts inside the chunk and fills it alone; later packets are chunk
// aligned. The replica gets the new generation stamp.
func TestAppendToPartialLastChunk(t *testing.T) {
	nodes := threeNodes(t)
	b := fsdataset.Block{ID: 9, GenStamp: 1}
	data := pattern(3000, 9)
	writeBlock(t, nodes, b, data[:700])
	b.NumBytes = 700
	p, resp := openPipeline(t, nodes, b, stageAppend, 2, 700)
	if resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("append connect ack %v", resp)
	}
	p.expectAck(p.packet(700, data[700:1024], false))
	p.writeAll(1024, data[1024:], 1024)
	p.expectClosed()
	nb := fsdataset.Block{ID: 9, GenStamp: 2}
	for _, n := range nodes {
		if !bytes.Equal(n.data(nb), data) {
			t.Errorf("%s: data differs", n.addr)
		}
		n.verifyFiles(nb)
		if ev := eventsOf(n, 9); len(ev) != 4 || ev[2].kind != "receiving" || ev[3].b != (fsdataset.Block{ID: 9, GenStamp: 2, NumBytes: 3000}) {
			t.Errorf("%s: events %v", n.addr, ev)
		}
	}
}

// A packet that starts inside a chunk may not carry more than the rest of
// that chunk.
func TestPartialChunkPacketMustBeAlone(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 10, GenStamp: 1}
	data := pattern(3000, 1)
	writeBlock(t, []*node{n}, b, data[:700])
	b.NumBytes = 700
	p, _ := openPipeline(t, []*node{n}, b, stageAppend, 2, 700)
	p.packet(700, data[700:1500], false)
	p.expectClosed()
}

// Heartbeat packets (seqno -1) pass down the pipeline and come back as
// acks with seqno -1 from every node.
func TestHeartbeatPackets(t *testing.T) {
	nodes := threeNodes(t)
	b := fsdataset.Block{ID: 11, GenStamp: 1}
	data := pattern(1500, 2)
	p, _ := openPipeline(t, nodes, b, stageCreate, 1, 0)
	p.expectAck(p.packet(0, data[:1024], false))
	if err := p.pw.WriteHeartbeat(); err != nil {
		t.Fatal(err)
	}
	p.flush()
	p.expectAck(datatransfer.HeartbeatSeqno)
	p.writeAll(1024, data[1024:], 1024)
	p.expectClosed()
	for _, n := range nodes {
		if !bytes.Equal(n.data(b), data) {
			t.Errorf("%s: data differs", n.addr)
		}
	}
}

// The last node of a pipeline verifies checksums. A single-node pipeline
// answers a corrupt packet with ERROR_CHECKSUM and drops the write.
func TestChecksumErrorAtLastNode(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 12, GenStamp: 1}
	p, _ := openPipeline(t, []*node{n}, b, stageCreate, 1, 0)
	data := pattern(1024, 1)
	sums := crc32c512.AppendChecksums(nil, data)
	sums[5] ^= 0xff
	if err := datatransfer.WritePacket(p.w, datatransfer.PacketHeader{Seqno: 1}, sums, data); err != nil {
		t.Fatal(err)
	}
	p.flush()
	a := p.ack()
	if a.Seqno != 1 || len(a.Replies) != 1 || a.Replies[0].Status() != hdfspb.Status_ERROR_CHECKSUM {
		t.Fatalf("ack %+v, want seqno 1 [ERROR_CHECKSUM]", a)
	}
	p.expectClosed()
	if r, _ := n.ds.Get(testBP, b.ID); r.State == fsdataset.Finalized {
		t.Errorf("corrupt replica finalized: %v", r)
	}
	for _, e := range n.notes.list() {
		if e.kind == "received" {
			t.Errorf("corrupt block reported received: %v", e)
		}
	}
}

// In a three-node pipeline the corruption found by the last node stops the
// middle one (it sent the corrupt data), so the first node reports its
// downstream in error and the write fails.
func TestChecksumErrorInPipeline(t *testing.T) {
	nodes := threeNodes(t)
	nodes[2].s.hooks.corruptReceived = func(d []byte) { d[0] ^= 1 }
	b := fsdataset.Block{ID: 13, GenStamp: 1}
	p, _ := openPipeline(t, nodes, b, stageCreate, 1, 0)
	p.packet(0, pattern(1024, 1), false)
	a := p.ack()
	if a.Success() || len(a.Replies) != 2 || a.Replies[0].Status() != hdfspb.Status_SUCCESS || a.Replies[1].Status() != hdfspb.Status_ERROR {
		t.Fatalf("ack %+v, want [SUCCESS, ERROR]", a)
	}
	for _, n := range nodes {
		if r, _ := n.ds.Get(testBP, b.ID); r.State == fsdataset.Finalized {
			t.Errorf("%s: replica finalized: %v", n.addr, r)
		}
	}
}

// A downstream node dies in the middle of a write: the node before it
// acknowledges [SUCCESS, ERROR], so the client knows which node to drop.
func TestDownstreamKilledMidWrite(t *testing.T) {
	for _, size := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d nodes", size), func(t *testing.T) {
			nodes := threeNodes(t)[:size]
			b := fsdataset.Block{ID: 14, GenStamp: 1}
			data := pattern(4096, 1)
			p, _ := openPipeline(t, nodes, b, stageCreate, 1, 0)
			p.expectAck(p.packet(0, data[:1024], false))
			nodes[size-1].s.Close()
			a := p.ack()
			want := make([]hdfspb.Status, size)
			want[size-1] = hdfspb.Status_ERROR
			if fmt.Sprint(statuses(a)) != fmt.Sprint(want) {
				t.Fatalf("ack %+v, want replies %v", a, want)
			}
			if r, _ := nodes[0].ds.Get(testBP, b.ID); r.BytesAcked != 1024 {
				t.Errorf("first node acked %d bytes, want 1024", r.BytesAcked)
			}
		})
	}
}

func statuses(a datatransfer.PipelineAck) []hdfspb.Status {
	var s []hdfspb.Status
	for _, r := range a.Replies {
		s = append(s, r.Status())
	}
	return s
}

// deadAddr is a transfer address nobody listens on.
func deadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// When a node cannot reach its mirror, the connect ack says ERROR and names
// the unreachable node in firstBadLink, relayed by every node before it.
func TestConnectAckFirstBadLink(t *testing.T) {
	for _, bad := range []int{1, 2} {
		t.Run(fmt.Sprintf("target %d unreachable", bad), func(t *testing.T) {
			nodes := threeNodes(t)
			dead := &node{addr: deadAddr(t), uuid: "dead"}
			nodes[bad] = dead
			b := fsdataset.Block{ID: 15, GenStamp: 1}
			c := dial(t, nodes[0].addr)
			c.send(datatransfer.OpWriteBlock, writeReq(b, stageCreate, 1, 0, nodes, crc32c512))
			resp := c.response()
			if resp.GetStatus() != hdfspb.Status_ERROR || resp.GetFirstBadLink() != dead.addr {
				t.Fatalf("connect ack %v, want ERROR with firstBadLink %s", resp, dead.addr)
			}
		})
	}
}

// A stage a client never sends (DATA_STREAMING) closes the connection.
func TestUnsupportedStageCloses(t *testing.T) {
	n := startNode(t, nil)
	c := dial(t, n.addr)
	c.send(datatransfer.OpWriteBlock, writeReq(fsdataset.Block{ID: 16, GenStamp: 1}, hdfspb.OpWriteBlockProto_DATA_STREAMING, 1, 0, []*node{n}, crc32c512))
	c.expectClosed()
}

// Pipeline recovery: after a failure the client reopens the RBW replicas
// with a new generation stamp (PIPELINE_SETUP_STREAMING_RECOVERY), resends
// from the acknowledged length, and closes the block.
func TestStreamingRecovery(t *testing.T) {
	nodes := threeNodes(t)[:2]
	b := fsdataset.Block{ID: 17, GenStamp: 1}
	data := pattern(5000, 4)
	p, _ := openPipeline(t, nodes, b, stageCreate, 1, 0)
	p.expectAck(p.packet(0, data[:2048], false))
	p.conn.Close()
	b.NumBytes = 2048
	for _, n := range nodes { // wait until both nodes let go of the writer
		waitFor(t, func() bool { return n.s.XceiverCount() == 0 })
	}
	p2, resp := openPipeline(t, nodes, b, stageStreamingRecovery, 2, 2048)
	if resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("recovery connect ack %v", resp)
	}
	p2.writeAll(2048, data[2048:], 1024)
	p2.expectClosed()
	for _, n := range nodes {
		nb := fsdataset.Block{ID: 17, GenStamp: 2}
		if !bytes.Equal(n.data(nb), data) {
			t.Errorf("%s: data differs", n.addr)
		}
	}
}

// PIPELINE_CLOSE_RECOVERY finalizes the replicas with the new generation
// stamp without any packet, and every node reports the block received.
func TestCloseRecovery(t *testing.T) {
	nodes := threeNodes(t)[:2]
	b := fsdataset.Block{ID: 18, GenStamp: 1}
	data := pattern(1000, 4)
	writeBlock(t, nodes, b, data)
	b.NumBytes = 1000
	c := dial(t, nodes[0].addr)
	c.send(datatransfer.OpWriteBlock, writeReq(b, stageCloseRecovery, 3, 1000, nodes, crc32c512))
	if resp := c.response(); resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("connect ack %v", resp)
	}
	c.expectClosed()
	for _, n := range nodes {
		waitFor(t, func() bool { ev := eventsOf(n, 18); return len(ev) == 3 })
		ev := eventsOf(n, 18)
		if ev[2].kind != "received" || ev[2].b != (fsdataset.Block{ID: 18, GenStamp: 3, NumBytes: 1000}) {
			t.Errorf("%s: events %v", n.addr, ev)
		}
		if r, _ := n.ds.Get(testBP, 18); r.GenStamp != 3 || r.State != fsdataset.Finalized {
			t.Errorf("%s: replica %v", n.addr, r)
		}
	}
}

// EvictWriters closes the connections of writes in progress.
func TestEvictWriters(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 19, GenStamp: 1}
	p, _ := openPipeline(t, []*node{n}, b, stageCreate, 1, 0)
	p.expectAck(p.packet(0, pattern(512, 1), false))
	n.s.EvictWriters()
	p.expectClosed()
}

// An append whose client asks for another checksum than the replica's:
// the node verifies what it gets and stores its own checksum.
func TestAppendWithOtherChecksum(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 20, GenStamp: 1}
	data := pattern(5000, 6)
	writeBlock(t, []*node{n}, b, data[:1024])
	b.NumBytes = 1024
	crc32 := datatransfer.DataChecksum{Type: datatransfer.ChecksumCRC32, BytesPerChecksum: 512}
	c := dial(t, n.addr)
	c.send(datatransfer.OpWriteBlock, writeReq(b, stageAppend, 2, 1024, []*node{n}, crc32))
	if resp := c.response(); resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("connect ack %v", resp)
	}
	p := &pipeline{client: c, t: t, nodes: []*node{n}, b: b, cs: crc32, pw: datatransfer.NewPacketWriter(c.w, crc32), seqno: 1}
	p.writeAll(1024, data[1024:], 2048)
	p.expectClosed()
	nb := fsdataset.Block{ID: 20, GenStamp: 2}
	if !bytes.Equal(n.data(nb), data) {
		t.Error("data differs")
	}
	n.verifyFiles(nb) // CRC32C, as the replica was created
}

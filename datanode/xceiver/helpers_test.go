package xceiver

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

const testBP = "BP-1-127.0.0.1-1000"

var crc32c512 = datatransfer.DataChecksum{Type: datatransfer.ChecksumCRC32C, BytesPerChecksum: 512}

// event is one thing a node told its Notifier.
type event struct {
	kind    string // "receiving", "received", "bad"
	b       fsdataset.Block
	delHint string
}

// recorder is a Notifier keeping what it hears.
type recorder struct {
	mu     sync.Mutex
	events []event
}

func (r *recorder) add(e event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) Receiving(bpid string, b fsdataset.Block, storageID string) {
	r.add(event{kind: "receiving", b: b})
}
func (r *recorder) Received(bpid string, b fsdataset.Block, storageID, delHint string) {
	r.add(event{kind: "received", b: b, delHint: delHint})
}
func (r *recorder) BadReplica(bpid string, b fsdataset.Block, storageID string) {
	r.add(event{kind: "bad", b: b})
}

func (r *recorder) list() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

// node is one in-process DataNode: a dataset in t.TempDir() and a server
// on 127.0.0.1.
type node struct {
	t     testing.TB
	ds    *fsdataset.Dataset
	s     *Server
	ln    net.Listener
	addr  string
	notes *recorder
	uuid  string
	done  chan error
}

func openDataset(t testing.TB, bpid string) *fsdataset.Dataset {
	t.Helper()
	dir := t.TempDir()
	ds, err := fsdataset.Open(fsdataset.Config{Locations: []fsdataset.Location{{Type: fsdataset.Disk, Path: filepath.Join(dir, "d1")}},
		Chooser: fsdataset.NewRoundRobin(0)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Shutdown() })
	if err := ds.AddBlockPool(fsdataset.NamespaceInfo{NamespaceID: 42, ClusterID: "CID-test", BlockPoolID: bpid, CTime: 1000}); err != nil {
		t.Fatal(err)
	}
	return ds
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func startNode(t testing.TB, mod func(*Config)) *node {
	t.Helper()
	return startNodeBP(t, testBP, mod)
}

func startNodeBP(t testing.TB, bpid string, mod func(*Config)) *node {
	t.Helper()
	ds := openDataset(t, bpid)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, ds: ds, ln: ln, addr: ln.Addr().String(), notes: &recorder{}, done: make(chan error, 1)}
	n.uuid = "uuid-" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	cfg := Config{DatanodeUUID: n.uuid, Logger: quietLog, SocketTimeout: 20 * time.Second, WriteTimeout: 20 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	n.s = New(cfg, ds, n.notes)
	go func() { n.done <- n.s.Serve(ln) }()
	t.Cleanup(n.stop)
	return n
}

// stop closes the server and checks that Serve returned nil.
func (n *node) stop() {
	n.s.Close()
	select {
	case err := <-n.done:
		if err != nil {
			n.t.Errorf("Serve: %v", err)
		}
		n.done <- nil
	case <-time.After(10 * time.Second):
		n.t.Errorf("Serve did not return after Close")
	}
}

func (n *node) info() *hdfspb.DatanodeInfoProto { return datanodeInfo(n.addr, n.uuid) }

// data reads a replica's whole visible content straight from the dataset.
func (n *node) data(b fsdataset.Block) []byte {
	n.t.Helper()
	rd, err := n.ds.OpenRead(testBP, b)
	if err != nil {
		n.t.Fatalf("%s: %v", n.addr, err)
	}
	defer rd.Close()
	buf := make([]byte, rd.VisibleLength())
	if _, err := rd.Data.ReadAt(buf, 0); err != nil && err != io.EOF {
		n.t.Fatal(err)
	}
	return buf
}

// verifyFiles checks the replica's .meta against its data.
func (n *node) verifyFiles(b fsdataset.Block) {
	n.t.Helper()
	r, ok := n.ds.Get(testBP, b.ID)
	if !ok {
		n.t.Fatalf("%s: no replica of %v", n.addr, b)
	}
	data, meta := n.ds.Paths(testBP, r)
	if _, err := fsdataset.VerifyFiles(fsdataset.OSFS, data, meta); err != nil {
		n.t.Errorf("%s: %v", n.addr, err)
	}
}

// client is a test peer speaking the data transfer protocol.
type client struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	// packets are the data lengths of the last readBlock's packets, the
	// empty last one left out.
	packets []int
}

func dial(t testing.TB, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(60 * time.Second))
	return &client{t: t, conn: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
}

func (c *client) send(op datatransfer.Op, msg proto.Message) {
	c.t.Helper()
	if err := datatransfer.WriteRequest(c.w, op, msg); err != nil {
		c.t.Fatal(err)
	}
	c.flush()
}

func (c *client) flush() {
	c.t.Helper()
	if err := c.w.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) response() *hdfspb.BlockOpResponseProto {
	c.t.Helper()
	m, err := datatransfer.ReadBlockOpResponse(c.r)
	if err != nil {
		c.t.Fatalf("reading response: %v", err)
	}
	return m
}

func (c *client) ack() datatransfer.PipelineAck {
	c.t.Helper()
	a, err := datatransfer.ReadAck(c.r)
	if err != nil {
		c.t.Fatalf("reading ack: %v", err)
	}
	return a
}

// expectClosed checks that the server closes the connection without
// sending anything more.
func (c *client) expectClosed() {
	c.t.Helper()
	b, err := io.ReadAll(c.r)
	if len(b) > 0 {
		c.t.Errorf("got %d more bytes (% x) before the close", len(b), b[:min(len(b), 32)])
	}
	if err != nil && !isPeerGone(err) {
		c.t.Errorf("waiting for close: %v", err)
	}
}

func extBlock(bpid string, b fsdataset.Block) *hdfspb.ExtendedBlockProto {
	return &hdfspb.ExtendedBlockProto{PoolId: new(bpid), BlockId: new(uint64(b.ID)), GenerationStamp: new(uint64(b.GenStamp)), NumBytes: new(uint64(b.NumBytes))}
}

// writeReq is the WRITE_BLOCK a DFSClient sends to the first of nodes.
func writeReq(b fsdataset.Block, st stage, newGS, minRcvd int64, nodes []*node, cs datatransfer.DataChecksum) *hdfspb.OpWriteBlockProto {
	req := &hdfspb.OpWriteBlockProto{
		Header:                datatransfer.ClientHeader(extBlock(testBP, b), "DFSClient_test", nil),
		Stage:                 st.Enum(),
		PipelineSize:          new(uint32(len(nodes))),
		MinBytesRcvd:          new(uint64(minRcvd)),
		MaxBytesRcvd:          new(uint64(minRcvd)),
		LatestGenerationStamp: new(uint64(newGS)),
		RequestedChecksum:     cs.Proto(),
		CachingStrategy:       &hdfspb.CachingStrategyProto{},
		StorageType:           hdfspb.StorageTypeProto_DISK.Enum(),
	}
	for _, n := range nodes[1:] {
		req.Targets = append(req.Targets, n.info())
		req.TargetStorageTypes = append(req.TargetStorageTypes, hdfspb.StorageTypeProto_DISK)
	}
	return req
}

// pipeline is a client writing one block through nodes, as DFSOutputStream
// does: packets with consecutive seqnos, acks read in order.
type pipeline struct {
	*client
	t     testing.TB
	nodes []*node
	b     fsdataset.Block
	cs    datatransfer.DataChecksum
	pw    *datatransfer.PacketWriter
	seqno int64
}

func openPipeline(t testing.TB, nodes []*node, b fsdataset.Block, st stage, newGS, minRcvd int64) (*pipeline, *hdfspb.BlockOpResponseProto) {
	t.Helper()
	c := dial(t, nodes[0].addr)
	c.send(datatransfer.OpWriteBlock, writeReq(b, st, newGS, minRcvd, nodes, crc32c512))
	resp := c.response()
	return &pipeline{client: c, t: t, nodes: nodes, b: b, cs: crc32c512, pw: datatransfer.NewPacketWriter(c.w, crc32c512), seqno: 1}, resp
}

// packet sends data at off and returns its seqno.
func (p *pipeline) packet(off int64, data []byte, sync bool) int64 {
	p.t.Helper()
	s := p.seqno
	p.seqno++
	if err := p.pw.WriteData(off, s, data, sync); err != nil {
		p.t.Fatal(err)
	}
	p.flush()
	return s
}

func (p *pipeline) last(off int64) int64 {
	p.t.Helper()
	s := p.seqno
	p.seqno++
	if err := p.pw.WriteLast(off, s, false); err != nil {
		p.t.Fatal(err)
	}
	p.flush()
	return s
}

// expectAck reads the next ack and checks it is a success for seqno from
// every node.
func (p *pipeline) expectAck(seqno int64) {
	p.t.Helper()
	a := p.ack()
	if a.Seqno != seqno || len(a.Replies) != len(p.nodes) || !a.Success() {
		p.t.Fatalf("ack %+v, want seqno %d with %d SUCCESS replies", a, seqno, len(p.nodes))
	}
}

// writeAll writes data from off in packets of at most pkt bytes (chunk
// aligned, as a client cuts them), then the last packet, checking every
// ack.
func (p *pipeline) writeAll(off int64, data []byte, pkt int) {
	p.t.Helper()
	var seqnos []int64
	for len(data) > 0 {
		n := min(pkt, len(data))
		seqnos = append(seqnos, p.packet(off, data[:n], false))
		off += int64(n)
		data = data[n:]
	}
	seqnos = append(seqnos, p.last(off))
	for _, s := range seqnos {
		p.expectAck(s)
	}
}

// pattern is n bytes of block content.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i/251) + seed
	}
	return b
}

// writeBlock writes a finalized block through nodes.
func writeBlock(t testing.TB, nodes []*node, b fsdataset.Block, data []byte) {
	t.Helper()
	p, resp := openPipeline(t, nodes, b, stageCreate, b.GenStamp, 0)
	if resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("connect ack %v", resp)
	}
	p.writeAll(0, data, 64<<10)
	p.expectClosed()
	for _, n := range nodes {
		if got := n.data(b); !bytes.Equal(got, data) {
			t.Fatalf("%s holds %d bytes, want %d", n.addr, len(got), len(data))
		}
	}
}

// readBlock reads [off, off+n) of b from addr on c and returns the
// response, the chunk offset and the data with its checksums verified.
func (c *client) readBlock(b fsdataset.Block, off, n int64, sendChecksums bool) (*hdfspb.BlockOpResponseProto, []byte) {
	c.t.Helper()
	c.send(datatransfer.OpReadBlock, &hdfspb.OpReadBlockProto{
		Header: datatransfer.ClientHeader(extBlock(testBP, b), "DFSClient_test", nil),
		Offset: new(uint64(off)), Len: new(uint64(n)), SendChecksums: new(sendChecksums),
	})
	resp := c.response()
	if resp.GetStatus() != hdfspb.Status_SUCCESS {
		return resp, nil
	}
	cs, err := datatransfer.ChecksumFromProto(resp.GetReadOpChecksumInfo().GetChecksum())
	if err != nil {
		c.t.Fatal(err)
	}
	pos := int64(resp.GetReadOpChecksumInfo().GetChunkOffset())
	pr := datatransfer.NewPacketReader(c.r)
	var data []byte
	c.packets = c.packets[:0]
	for seq := int64(0); ; seq++ {
		p, err := pr.Next()
		if err != nil {
			c.t.Fatalf("packet %d: %v", seq, err)
		}
		h := p.Header
		if h.Seqno != seq || h.OffsetInBlock != pos {
			c.t.Fatalf("packet seqno %d at %d, want %d at %d", h.Seqno, h.OffsetInBlock, seq, pos)
		}
		if h.LastPacketInBlock {
			if h.DataLen != 0 {
				c.t.Fatalf("last packet carries %d bytes", h.DataLen)
			}
			break
		}
		if len(p.Checksums) != cs.ChecksumLen(len(p.Data)) {
			c.t.Fatalf("packet %d: %d checksum bytes for %d data bytes (%v)", seq, len(p.Checksums), len(p.Data), cs)
		}
		if err := cs.Verify(p.Data, p.Checksums, h.OffsetInBlock); err != nil {
			c.t.Fatalf("packet %d: %v", seq, err)
		}
		data = append(data, p.Data...)
		c.packets = append(c.packets, len(p.Data))
		pos += int64(len(p.Data))
	}
	st := hdfspb.Status_CHECKSUM_OK
	if !sendChecksums {
		st = hdfspb.Status_SUCCESS
	}
	if err := datatransfer.WriteClientReadStatus(c.w, st); err != nil {
		c.t.Fatal(err)
	}
	c.flush()
	return resp, data
}

// waitFor polls cond until it holds (for effects another goroutine
// finishes after the client has seen its answer).
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

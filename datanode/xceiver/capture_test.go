package xceiver

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// The recorded scenario: Hadoop 3.3.2's FsShell writing a 3-block file
// through 3-node pipelines, reading it back, reading its tail and asking
// for its checksum (see INDEX.md next to the captures).
const (
	captureDir = "hadoop-3.3.2/captures/c-client-dn-data-transfer"
	captureBP  = "BP-1618196460-127.0.0.1-1795431027493"
)

type capture struct{ c2s, s2c []byte }

// loadCapture reads connection n of the scenario (gunzipping .gz files).
func loadCapture(t *testing.T, n int) capture {
	t.Helper()
	dir := golden.Path(t, captureDir)
	names, _ := filepath.Glob(filepath.Join(dir, "conn"+strconv.Itoa(n)+"-*.c2s.bin*"))
	if len(names) != 1 {
		t.Skipf("connection %d not in %s", n, dir)
	}
	base := strings.TrimSuffix(strings.TrimSuffix(names[0], ".gz"), ".c2s.bin")
	return capture{c2s: golden.ReadMaybeGzip(t, base+".c2s.bin"), s2c: golden.ReadMaybeGzip(t, base+".s2c.bin")}
}

// replay sends the client's recorded bytes to addr and returns everything
// the server answers until it closes the connection.
func replay(t *testing.T, addr string, c2s []byte) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	go func() {
		c.Write(c2s)
		c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return got
}

// Our DataNode, fed the stock client's requests, answers with the recorded
// DataNode's bytes: the last node of each write pipeline (connect ack and
// every ack), then the reads (-get and -tail) and BLOCK_CHECKSUM of the
// blocks those writes stored.
func TestReplayStockClient(t *testing.T) {
	n := startNodeBP(t, captureBP, nil)
	for _, tc := range []struct {
		name string
		conn int
	}{
		{"WRITE_BLOCK blk_1073741883 last node", 3},
		{"WRITE_BLOCK blk_1073741884 last node", 6},
		{"WRITE_BLOCK blk_1073741885 last node", 9},
		{"READ_BLOCK blk_1073741883", 10},
		{"READ_BLOCK blk_1073741884", 11},
		{"READ_BLOCK blk_1073741885", 12},
		{"READ_BLOCK tail of blk_1073741885", 13},
		{"BLOCK_CHECKSUM blk_1073741883", 14},
		{"BLOCK_CHECKSUM blk_1073741884", 15},
		{"BLOCK_CHECKSUM blk_1073741885", 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadCapture(t, tc.conn)
			got := replay(t, n.addr, c.c2s)
			if !bytes.Equal(got, c.s2c) {
				i := firstDiff(got, c.s2c)
				t.Fatalf("answer differs from the recorded DataNode's at byte %d of %d/%d:\n got % x\nwant % x",
					i, len(got), len(c.s2c), got[i:min(i+48, len(got))], c.s2c[i:min(i+48, len(c.s2c))])
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// The head of a pipeline, fed the stock client's WRITE_BLOCK (conn1),
// sends the next node the request and packets the recorded DataNode sent
// (conn2), and — given that node's recorded answers — answers the client
// with the recorded acks, timing fields aside.
func TestReplayStockClientPipelineHead(t *testing.T) {
	head := startNodeBP(t, captureBP, nil)
	c1, c2 := loadCapture(t, 1), loadCapture(t, 2)

	// The next node: a fake that records what it gets and answers with
	// the recorded bytes of the real one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fakePort := uint32(ln.Addr().(*net.TCPAddr).Port)
	mirrored := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			mirrored <- nil
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		r := bufio.NewReader(c)
		if _, _, err := datatransfer.ReadRequest(r); err != nil {
			mirrored <- nil
			return
		}
		c.Write(c2.s2c)
		rest, _ := io.ReadAll(r)
		mirrored <- rest
	}()

	// Point the client's first downstream target at the fake.
	op, msg, err := datatransfer.ReadRequest(bytes.NewReader(c1.c2s))
	if err != nil || op != datatransfer.OpWriteBlock {
		t.Fatalf("conn1 request: %v %v", op, err)
	}
	req := msg.(*hdfspb.OpWriteBlockProto)
	reqLen := len(mustAppendRequest(t, req))
	req.Targets[0].Id.XferPort = new(fakePort)
	stream := append(mustAppendRequest(t, req), c1.c2s[reqLen:]...)

	// The recorded downstream request, as our node should build it.
	_, msg2, err := datatransfer.ReadRequest(bytes.NewReader(c2.c2s))
	if err != nil {
		t.Fatal(err)
	}
	wantDown := msg2.(*hdfspb.OpWriteBlockProto)
	if got := downstreamRequest(req); !proto.Equal(got, wantDown) {
		t.Errorf("downstream request\n got %v\nwant %v", got, wantDown)
	} else if a, b := mustAppendRequest(t, got), c2.c2s[:len(mustAppendRequest(t, wantDown))]; !bytes.Equal(a, b) {
		t.Errorf("downstream request encodes as % x, Hadoop sent % x", a, b)
	}

	got := replay(t, head.addr, stream)
	down := <-mirrored
	if want := c2.c2s[len(mustAppendRequest(t, wantDown)):]; !bytes.Equal(down, want) {
		t.Errorf("mirrored %d packet bytes differ from the recorded %d (first difference at %d)", len(down), len(want), firstDiff(down, want))
	}
	if !bytes.Equal(withoutAckTimes(t, got), withoutAckTimes(t, c1.s2c)) {
		t.Errorf("answer differs from the recorded DataNode's (timing fields aside)")
	}
}

func mustAppendRequest(t *testing.T, req proto.Message) []byte {
	t.Helper()
	b, err := datatransfer.AppendRequest(nil, datatransfer.OpWriteBlock, req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withoutAckTimes re-encodes a WRITE_BLOCK answer (connect ack, then acks)
// with every downstreamAckTimeNanos set to 1.
func withoutAckTimes(t *testing.T, s2c []byte) []byte {
	t.Helper()
	r := bytes.NewReader(s2c)
	resp, err := datatransfer.ReadBlockOpResponse(r)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := datatransfer.AppendDelimited(nil, resp)
	for {
		a, err := datatransfer.ReadAck(r)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		a.DownstreamAckTimeNanos = 1
		out, _ = datatransfer.AppendAck(out, &a)
	}
}

package xceiver

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// panicWatch is a log handler that notes the server's "panic serving
// connection" records (the server recovers, so a panic would otherwise
// only be a log line).
type panicWatch struct {
	slog.Handler
	seen *atomic.Pointer[string]
}

func (h panicWatch) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "panic") {
		var b strings.Builder
		b.WriteString(r.Message)
		r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
		s := b.String()
		h.seen.CompareAndSwap(nil, &s)
	}
	return nil
}

func (h panicWatch) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h panicWatch) WithGroup(string) slog.Handler      { return h }

// FuzzServerConn writes arbitrary bytes to a DataNode's data-transfer port:
// whatever they are, the server answers or closes the connection, never
// panics, and goes on serving the next connection.
func FuzzServerConn(f *testing.F) {
	var seen atomic.Pointer[string]
	n := startNode(f, func(c *Config) {
		c.Logger = slog.New(panicWatch{Handler: slog.DiscardHandler, seen: &seen})
		c.SocketTimeout, c.WriteTimeout, c.KeepaliveTimeout = time.Second, time.Second, 100*time.Millisecond
	})
	b := fsdataset.Block{ID: 60, GenStamp: 1}
	writeBlock(f, []*node{n}, b, pattern(70000, 11))

	req := func(op datatransfer.Op, m proto.Message) []byte {
		var buf bytes.Buffer
		if err := datatransfer.WriteRequest(&buf, op, m); err != nil {
			f.Fatal(err)
		}
		return buf.Bytes()
	}
	f.Add(req(datatransfer.OpReadBlock, &hdfspb.OpReadBlockProto{
		Header: datatransfer.ClientHeader(extBlock(testBP, b), "DFSClient_fuzz", nil),
		Offset: proto.Uint64(100), Len: proto.Uint64(5000), SendChecksums: proto.Bool(true)}))
	f.Add(req(datatransfer.OpBlockChecksum, &hdfspb.OpBlockChecksumProto{Header: datatransfer.BaseHeader(extBlock(testBP, b), nil)}))
	f.Add(req(datatransfer.OpCopyBlock, &hdfspb.OpCopyBlockProto{Header: datatransfer.BaseHeader(extBlock(testBP, b), nil)}))
	f.Add(append(req(datatransfer.OpWriteBlock, &hdfspb.OpWriteBlockProto{
		Header:                datatransfer.ClientHeader(extBlock(testBP, fsdataset.Block{ID: 61, GenStamp: 1}), "DFSClient_fuzz", nil),
		Stage:                 hdfspb.OpWriteBlockProto_PIPELINE_SETUP_CREATE.Enum(),
		PipelineSize:          proto.Uint32(1),
		MinBytesRcvd:          proto.Uint64(0),
		MaxBytesRcvd:          proto.Uint64(0),
		LatestGenerationStamp: proto.Uint64(1),
		RequestedChecksum:     datatransfer.DataChecksum{Type: datatransfer.ChecksumCRC32C, BytesPerChecksum: 512}.Proto(),
	}), 0, 0, 0, 30, 0, 25, 9, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 24, 0, 32, 0))
	f.Add([]byte{0, 28, 81, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := net.Dial("tcp", n.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write(data)
		c.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, c)
		c.Close()
		if p := seen.Load(); p != nil {
			t.Fatalf("the server panicked on %q: %s", data, *p)
		}
	})
}

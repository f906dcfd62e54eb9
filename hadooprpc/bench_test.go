package hadooprpc

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"google.golang.org/protobuf/encoding/protowire"
)

// Round trips of an empty call (HAServiceProtocol.monitorHealth) over
// loopback TCP, with 1, 16 and 64 concurrent callers, either sharing one
// connection (one Client) or each on its own (one Client per caller).
//
//	go test -run '^$' -bench . -benchtime 3s ./hadooprpc/
//
// BenchmarkEmptyCall uses this package's Server; BenchmarkClientEmptyCall
// uses a minimal responder that answers every call with one canned frame,
// so its allocs/op are the client's alone.
func BenchmarkEmptyCall(b *testing.B) {
	addr := startClientTestServer(b)
	benchCallers(b, addr)
}

func BenchmarkClientEmptyCall(b *testing.B) {
	addr := startCannedResponder(b)
	benchCallers(b, addr)
}

func benchCallers(b *testing.B, addr string) {
	for _, callers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("conns=1/callers=%d", callers), func(b *testing.B) {
			c := NewClient(ClientConfig{User: "bench", Logger: slog.New(slog.DiscardHandler)})
			defer c.Close()
			runCallers(b, addr, callers, func(int) *Client { return c })
		})
		if callers == 1 {
			continue
		}
		b.Run(fmt.Sprintf("conns=%d/callers=%d", callers, callers), func(b *testing.B) {
			cs := make([]*Client, callers)
			for i := range cs {
				cs[i] = NewClient(ClientConfig{User: "bench", Logger: slog.New(slog.DiscardHandler)})
				defer cs[i].Close()
			}
			runCallers(b, addr, callers, func(i int) *Client { return cs[i] })
		})
	}
}

// runCallers makes b.N calls spread over callers goroutines and reports
// calls/s.
func runCallers(b *testing.B, addr string, callers int, client func(int) *Client) {
	ctx := context.Background()
	for i := range callers { // connect outside the timer
		if err := monitorHealth(ctx, client(i), addr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			c := client(i)
			req, resp := &commonpb.MonitorHealthRequestProto{}, &commonpb.MonitorHealthResponseProto{}
			for next.Add(1) <= int64(b.N) {
				if err := c.Call(ctx, addr, haProtocol, "monitorHealth", req, resp); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// startCannedResponder listens on loopback and answers every request frame
// with an empty SUCCESS response to the same call id, reading and writing
// through buffers: a stand-in server that costs as little as possible.
func startCannedResponder(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	tb.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { cannedResponder(nc) })
		}
	})
	return l.Addr().String()
}

func cannedResponder(nc net.Conn) {
	defer nc.Close()
	br, bw := bufio.NewReaderSize(nc, 64<<10), bufio.NewWriterSize(nc, 64<<10)
	if _, err := ReadPreamble(br); err != nil {
		return
	}
	var out []byte
	for {
		hdr, err := br.Peek(4)
		if err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(hdr))
		br.Discard(4)
		frame, err := br.Peek(n)
		if err != nil {
			return
		}
		br.Discard(n)
		id, ok := requestCallID(frame)
		if !ok {
			return
		}
		if id < 0 {
			continue // connection context, ping
		}
		out = appendEmptySuccess(out[:0], id)
		bw.Write(out)
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return
			}
		}
	}
}

// requestCallID reads callId (field 3, sint32) from the RpcRequestHeaderProto
// at the front of frame.
func requestCallID(frame []byte) (int32, bool) {
	b, _, err := NextDelimited(frame)
	if err != nil {
		return 0, false
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return 0, false
		}
		if num == 3 && typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(b[n:])
			return int32(protowire.DecodeZigZag(v & 0xffffffff)), m > 0
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return 0, false
		}
		b = b[n+m:]
	}
	return 0, false
}

// appendEmptySuccess appends a SUCCESS frame with an empty message:
// header {callId, status SUCCESS, serverIpcVersionNum 9}, then 0.
func appendEmptySuccess(dst []byte, callID int32) []byte {
	hdrLen := 1 + protowire.SizeVarint(uint64(uint32(callID))) + 4
	dst = binary.BigEndian.AppendUint32(dst, uint32(1+hdrLen+1))
	dst = append(dst, byte(hdrLen), 0x08)
	dst = protowire.AppendVarint(dst, uint64(uint32(callID)))
	return append(dst, 0x10, 0x00, 0x18, Version, 0x00)
}

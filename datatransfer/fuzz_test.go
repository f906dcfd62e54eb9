package datatransfer

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

// captureSeeds adds slices of the real captures: each request, the packet
// streams and the ack streams that follow them.
func captureSeeds(f *testing.F, pick func(c conn) [][]byte) {
	for _, c := range loadConns(f) {
		for _, b := range pick(c) {
			f.Add(b)
		}
	}
}

// afterFirstFrame returns what follows the first delimited frame of b that
// starts at off, capped at n bytes.
func afterFirstFrame(b []byte, off, n int) []byte {
	s := newStream(b[off:])
	if _, err := ReadBlockOpResponse(s); err != nil {
		return nil
	}
	rest := b[off+s.pos():]
	return rest[:min(n, len(rest))]
}

func FuzzReadOp(f *testing.F) {
	for op, msg := range sampleRequests() {
		b, _ := AppendRequest(nil, op, msg)
		f.Add(b)
	}
	f.Add([]byte{0, 27, 81})
	f.Add([]byte{0, 28, 87, 0})
	captureSeeds(f, func(c conn) [][]byte { return [][]byte{c.c2s[:min(len(c.c2s), 1024)]} })
	f.Fuzz(func(t *testing.T, b []byte) {
		op, msg, err := ReadRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		again, err := AppendRequest(nil, op, msg)
		if err != nil {
			t.Fatalf("decoded %v request does not encode: %v", op, err)
		}
		op2, msg2, err := ReadRequest(bytes.NewReader(again))
		if err != nil || op2 != op || !proto.Equal(msg, msg2) {
			t.Fatalf("re-encoded %v request reads back as %v %v", op, op2, err)
		}
	})
}

func FuzzPacketReader(f *testing.F) {
	hb, _ := AppendPacket(nil, Heartbeat, nil, nil)
	f.Add(hb)
	data := []byte("hello, block")
	p, _ := AppendPacket(nil, PacketHeader{Seqno: 1, OffsetInBlock: 512}, DataChecksum{ChecksumCRC32C, 4}.AppendChecksums(nil, data), data)
	f.Add(p)
	captureSeeds(f, func(c conn) [][]byte {
		switch {
		case strings.HasPrefix(c.name, "conn13-"): // a short READ_BLOCK: response, then packets
			return [][]byte{afterFirstFrame(c.s2c, 0, 4096)}
		case len(c.c2s) > 4096: // WRITE_BLOCK: request, then packets
			s := newStream(c.c2s)
			if _, _, err := ReadRequest(s); err != nil {
				return nil
			}
			return [][]byte{c.c2s[s.pos():min(len(c.c2s), s.pos()+2048)]}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, b []byte) {
		pr := NewPacketReader(bytes.NewReader(b))
		for {
			p, err := pr.Next()
			if err != nil {
				return
			}
			if len(p.Data) != int(p.Header.DataLen) || len(p.Raw) < PacketLengthsLen+len(p.Checksums)+len(p.Data) {
				t.Fatalf("inconsistent packet %+v: %d checksum and %d data bytes", p.Header, len(p.Checksums), len(p.Data))
			}
		}
	})
}

func FuzzPipelineAck(f *testing.F) {
	for _, a := range []PipelineAck{{Seqno: 0, Replies: []Reply{0}}, {Seqno: -2, Replies: []Reply{8, 0x1a1}, DownstreamAckTimeNanos: 77}} {
		b, _ := AppendAck(nil, &a)
		f.Add(b)
	}
	captureSeeds(f, func(c conn) [][]byte {
		if len(c.s2c) < 1024 && len(c.c2s) > 4096 { // WRITE_BLOCK: response, then acks
			return [][]byte{afterFirstFrame(c.s2c, 0, 512)}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadAck(bytes.NewReader(b))
		if err != nil {
			return
		}
		again, err := AppendAck(nil, &a)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := ReadAck(bytes.NewReader(again))
		if err != nil || a2.Seqno != a.Seqno || !slices.Equal(a2.Replies, a.Replies) || a2.DownstreamAckTimeNanos != a.DownstreamAckTimeNanos {
			t.Fatalf("ack %+v re-reads as %+v %v", a, a2, err)
		}
	})
}

package datatransfer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

var sampleHeaders = []PacketHeader{
	{OffsetInBlock: 0, Seqno: 0, DataLen: 512},
	{OffsetInBlock: 65024, Seqno: 7, DataLen: 64512},
	{OffsetInBlock: 1048576, Seqno: 9, LastPacketInBlock: true},
	{OffsetInBlock: 4096, Seqno: 3, DataLen: 10, SyncBlock: true},
	{OffsetInBlock: -1, Seqno: -5, DataLen: 1}, // odd values still encode
	Heartbeat,
}

// Our hand-written header encoder writes what the generated code (and so
// Java's) writes: syncBlock only when true.
func TestPacketHeaderMatchesGeneratedProto(t *testing.T) {
	for _, h := range sampleHeaders {
		p := &hdfspb.PacketHeaderProto{
			OffsetInBlock: proto.Int64(h.OffsetInBlock), Seqno: proto.Int64(h.Seqno),
			LastPacketInBlock: proto.Bool(h.LastPacketInBlock), DataLen: proto.Int32(h.DataLen),
		}
		if h.SyncBlock {
			p.SyncBlock = proto.Bool(true)
		}
		want, err := proto.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.appendProto(nil); !bytes.Equal(got, want) {
			t.Errorf("%+v: % x, generated % x", h, got, want)
		}
		if len(want) > MaxPacketHeaderLen-PacketLengthsLen {
			t.Errorf("%+v: header of %d bytes", h, len(want))
		}
	}
}

func TestPacketRoundTrip(t *testing.T) {
	cs := DataChecksum{ChecksumCRC32C, 512}
	var wire []byte
	var datas [][]byte
	for _, h := range sampleHeaders {
		data := bytes.Repeat([]byte{byte(h.Seqno)}, int(h.DataLen))
		datas = append(datas, data)
		var err error
		wire, err = AppendPacket(wire, h, cs.AppendChecksums(nil, data), data)
		if err != nil {
			t.Fatal(err)
		}
	}
	pr := NewPacketReader(bytes.NewReader(wire))
	for i, h := range sampleHeaders {
		p, err := pr.Next()
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if p.Header != h || !bytes.Equal(p.Data, datas[i]) || cs.Verify(p.Data, p.Checksums, h.OffsetInBlock) != nil {
			t.Errorf("packet %d: %+v", i, p.Header)
		}
		if plen := binary.BigEndian.Uint32(p.Raw); int(plen) != 4+len(p.Checksums)+len(p.Data) {
			t.Errorf("packet %d: payload length %d", i, plen)
		}
	}
	if _, err := pr.Next(); err != io.EOF {
		t.Errorf("after the last packet: %v", err)
	}
}

// The heartbeat a client sends, byte for byte: payload length 4, a 25-byte
// header with offset 0, seqno -1, not last, no data.
func TestHeartbeatBytes(t *testing.T) {
	var buf bytes.Buffer
	if err := NewPacketWriter(&buf, DataChecksum{ChecksumCRC32C, 512}).WriteHeartbeat(); err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 4, 0, 25,
		0x09, 0, 0, 0, 0, 0, 0, 0, 0,
		0x11, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x18, 0,
		0x25, 0, 0, 0, 0}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("heartbeat % x", buf.Bytes())
	}
	p, err := NewPacketReader(&buf).Next()
	if err != nil || !p.Header.IsHeartbeat() || len(p.Data) != 0 {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestPacketWriterChecksumsAndLastPacket(t *testing.T) {
	cs := DataChecksum{ChecksumCRC32, 100}
	data := make([]byte, 1050)
	rand.New(rand.NewSource(2)).Read(data)
	var buf bytes.Buffer
	pw := NewPacketWriter(&buf, cs)
	if err := pw.WriteData(0, 0, data[:1000], false); err != nil {
		t.Fatal(err)
	}
	if err := pw.WriteData(1000, 1, data[1000:], true); err != nil {
		t.Fatal(err)
	}
	if err := pw.WriteLast(1050, 2, false); err != nil {
		t.Fatal(err)
	}
	pr := NewPacketReader(&buf)
	var got []byte
	for seq := int64(0); ; seq++ {
		p, err := pr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !p.Header.Sane(seq-1) || p.Header.Seqno != seq {
			t.Fatalf("packet %+v", p.Header)
		}
		if err := cs.Verify(p.Data, p.Checksums, p.Header.OffsetInBlock); err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Data...)
		if p.Header.LastPacketInBlock {
			break
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatal("data differs")
	}
}

func TestPacketReaderReusesBuffer(t *testing.T) {
	var wire []byte
	wire, _ = AppendPacket(wire, PacketHeader{Seqno: 0}, nil, make([]byte, 1000))
	wire, _ = AppendPacket(wire, PacketHeader{Seqno: 1}, nil, make([]byte, 10))
	pr := NewPacketReader(bytes.NewReader(wire))
	p1, _ := pr.Next()
	first := &p1.Raw[0]
	p2, err := pr.Next()
	if err != nil || &p2.Raw[0] != first {
		t.Fatalf("second packet not read into the same buffer (%v)", err)
	}
}

func TestPacketEveryTruncationRejected(t *testing.T) {
	cs := DataChecksum{ChecksumCRC32C, 512}
	data := make([]byte, 700)
	wire, _ := AppendPacket(nil, PacketHeader{Seqno: 1, DataLen: 700}, cs.AppendChecksums(nil, data), data)
	for i := 0; i < len(wire); i++ {
		_, err := NewPacketReader(bytes.NewReader(wire[:i])).Next()
		if err == nil || (i == 0) != (err == io.EOF) {
			t.Fatalf("prefix %d/%d: %v", i, len(wire), err)
		}
	}
}

func TestPacketLimits(t *testing.T) {
	hdr := PacketHeader{Seqno: 1, DataLen: 4}.appendProto(nil)
	frame := func(payloadLen uint32, headerLen uint16, hdr []byte, rest int) []byte {
		b := binary.BigEndian.AppendUint32(nil, payloadLen)
		b = binary.BigEndian.AppendUint16(b, headerLen)
		b = append(b, hdr...)
		return append(b, make([]byte, rest)...)
	}
	for _, tc := range []struct {
		name string
		wire []byte
		want error
	}{
		{"payload length below 4", frame(3, uint16(len(hdr)), hdr, 0), ErrMalformed},
		{"negative payload length", frame(0x80000000, uint16(len(hdr)), hdr, 0), ErrMalformed},
		{"negative header length", frame(8, 0x8000, hdr, 4), ErrMalformed},
		{"over 16 MiB", frame(MaxPacketSize, 1, nil, 0), ErrTooLarge},
		{"data longer than body", frame(4+3, uint16(len(hdr)), hdr, 3), ErrMalformed},
		{"header missing dataLen", frame(4, 9, hdr[:9], 0), ErrMalformed},
		{"garbage header", frame(4, 3, []byte{0xff, 0xff, 0xff}, 0), ErrMalformed},
		{"negative dataLen", frame(8, 25, PacketHeader{DataLen: -1}.appendProto(nil), 4), ErrMalformed},
	} {
		_, err := NewPacketReader(bytes.NewReader(tc.wire)).Next()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Exactly at the limit is fine as far as the lengths go (here it then
	// runs out of bytes).
	_, err := NewPacketReader(bytes.NewReader(frame(MaxPacketSize-25, 25, hdr, 0))).Next()
	if errors.Is(err, ErrTooLarge) {
		t.Errorf("limit itself rejected: %v", err)
	}
	if _, err := AppendPacket(nil, PacketHeader{}, nil, make([]byte, MaxPacketSize)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized packet written: %v", err)
	}
}

func TestPacketSanity(t *testing.T) {
	for _, tc := range []struct {
		h    PacketHeader
		last int64
		ok   bool
	}{
		{PacketHeader{Seqno: 5, DataLen: 1}, 4, true},
		{PacketHeader{Seqno: 6, DataLen: 1}, 4, false},
		{PacketHeader{Seqno: 5}, 4, false},
		{PacketHeader{Seqno: 5, LastPacketInBlock: true}, 4, true},
		{PacketHeader{Seqno: 5, LastPacketInBlock: true, DataLen: 1}, 4, false},
	} {
		if tc.h.Sane(tc.last) != tc.ok {
			t.Errorf("%+v after %d", tc.h, tc.last)
		}
	}
}

func TestRandomBytesNeverPanicPacketReader(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(80))
		rng.Read(b)
		if len(b) >= 6 && rng.Intn(2) == 0 {
			binary.BigEndian.PutUint32(b, uint32(rng.Intn(64)))
			binary.BigEndian.PutUint16(b[4:], uint16(rng.Intn(40)))
		}
		pr := NewPacketReader(bytes.NewReader(b))
		for {
			if _, err := pr.Next(); err != nil {
				break
			}
		}
	}
}

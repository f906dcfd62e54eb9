package datatransfer

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Packet limits and constants.
const (
	// MaxPacketSize is PacketReceiver's default bound on the payload length
	// plus the header length (dfs.data.transfer.max.packet.size, 16 MiB).
	MaxPacketSize = 16 << 20
	// PacketLengthsLen is the int32 payload length and the int16 header
	// length in front of every packet.
	PacketLengthsLen = 4 + 2
	// MaxPacketHeaderLen is the largest header Hadoop writes (all five
	// fields present) plus the two lengths.
	MaxPacketHeaderLen = PacketLengthsLen + 27
	// HeartbeatSeqno is the seqno of a heartbeat packet, and of its ack.
	HeartbeatSeqno = -1
)

// PacketHeader is PacketHeaderProto.
type PacketHeader struct {
	OffsetInBlock     int64 // position of the packet's first data byte in the block
	Seqno             int64
	LastPacketInBlock bool
	DataLen           int32
	SyncBlock         bool // written only when true, as Hadoop does
}

// Heartbeat is the packet a writing client sends while it has no data, so
// the pipeline's read timeouts do not fire (DFSPacket's heartbeat packet).
var Heartbeat = PacketHeader{Seqno: HeartbeatSeqno}

// IsHeartbeat reports whether h is a heartbeat.
func (h PacketHeader) IsHeartbeat() bool { return h.Seqno == HeartbeatSeqno }

// Sane is PacketHeader.sanityCheck: only the last packet may be empty, the
// last packet carries no data, and seqnos go up by one.
func (h PacketHeader) Sane(lastSeqno int64) bool {
	if h.DataLen <= 0 && !h.LastPacketInBlock {
		return false
	}
	if h.LastPacketInBlock && h.DataLen != 0 {
		return false
	}
	return h.Seqno == lastSeqno+1
}

// appendProto appends the PacketHeaderProto bytes in the order Java's
// generated code writes them.
func (h PacketHeader) appendProto(b []byte) []byte {
	b = protowire.AppendTag(b, 1, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, uint64(h.OffsetInBlock))
	b = protowire.AppendTag(b, 2, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, uint64(h.Seqno))
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeBool(h.LastPacketInBlock))
	b = protowire.AppendTag(b, 4, protowire.Fixed32Type)
	b = protowire.AppendFixed32(b, uint32(h.DataLen))
	if h.SyncBlock {
		b = protowire.AppendTag(b, 5, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	return b
}

// parsePacketHeader decodes a PacketHeaderProto without allocating. All
// four required fields must be present; unknown fields are skipped.
func parsePacketHeader(b []byte) (PacketHeader, error) {
	var h PacketHeader
	var seen uint8
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return h, fmt.Errorf("%w: packet header: %v", ErrMalformed, protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.Fixed64Type:
			v, m := protowire.ConsumeFixed64(b)
			n = m
			h.OffsetInBlock = int64(v)
		case num == 2 && typ == protowire.Fixed64Type:
			v, m := protowire.ConsumeFixed64(b)
			n = m
			h.Seqno = int64(v)
		case num == 3 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			n = m
			h.LastPacketInBlock = v != 0
		case num == 4 && typ == protowire.Fixed32Type:
			v, m := protowire.ConsumeFixed32(b)
			n = m
			h.DataLen = int32(v)
		case num == 5 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			n = m
			h.SyncBlock = v != 0
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return h, fmt.Errorf("%w: packet header field %d: %v", ErrMalformed, num, protowire.ParseError(n))
		}
		if num >= 1 && num <= 4 {
			seen |= 1 << num
		}
		b = b[n:]
	}
	if seen != 0x1e {
		return h, fmt.Errorf("%w: packet header lacks required fields (have mask %#x)", ErrMalformed, seen)
	}
	return h, nil
}

// AppendPacket appends a whole packet: lengths, header, checksums, data.
// h.DataLen is set from len(data).
func AppendPacket(b []byte, h PacketHeader, sums, data []byte) ([]byte, error) {
	// Readers bound payload plus header length; assume the largest header.
	if len(data) > math.MaxInt32 || 4+len(sums)+len(data)+MaxPacketHeaderLen-PacketLengthsLen > MaxPacketSize {
		return b, fmt.Errorf("%w: packet of %d checksum and %d data bytes exceeds %d", ErrTooLarge, len(sums), len(data), MaxPacketSize)
	}
	h.DataLen = int32(len(data))
	b = AppendPacketHeader(b, h, len(sums))
	b = append(b, sums...)
	return append(b, data...), nil
}

// AppendPacketHeader appends the lengths and header of a packet carrying
// sumsLen checksum bytes and h.DataLen data bytes, which the caller sends
// after it (a DataNode sends the data straight from the block file).
func AppendPacketHeader(b []byte, h PacketHeader, sumsLen int) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(4+sumsLen+int(h.DataLen)))
	lenAt := len(b)
	b = append(b, 0, 0)
	b = h.appendProto(b)
	binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-lenAt-2))
	return b
}

// WritePacket writes one packet with a single Write.
func WritePacket(w io.Writer, h PacketHeader, sums, data []byte) error {
	b, err := AppendPacket(nil, h, sums, data)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("datatransfer: writing packet seqno %d: %w", h.Seqno, err)
	}
	return nil
}

// Packet is one packet as read. Its slices belong to the PacketReader and
// are valid until the next call to Next.
type Packet struct {
	Header    PacketHeader
	Checksums []byte
	Data      []byte
	// Raw is the packet exactly as received, lengths included, for a
	// DataNode to mirror downstream (PacketReceiver.mirrorPacketTo).
	Raw []byte
}

// PacketReader reads packets into one buffer it reuses.
type PacketReader struct {
	r   io.Reader
	buf []byte
	// MaxPacketSize bounds payload length plus header length;
	// NewPacketReader sets it to MaxPacketSize.
	MaxPacketSize int
}

// NewPacketReader returns a reader of the packets in r.
func NewPacketReader(r io.Reader) *PacketReader {
	return &PacketReader{r: r, MaxPacketSize: MaxPacketSize}
}

// Next reads the next packet, with PacketReceiver's checks. A clean end of
// stream before the first byte is io.EOF.
func (p *PacketReader) Next() (*Packet, error) {
	if cap(p.buf) < PacketLengthsLen {
		p.buf = make([]byte, 0, 4096)
	}
	lens := p.buf[:PacketLengthsLen]
	if _, err := io.ReadFull(p.r, lens); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("datatransfer: reading packet lengths: %w", noEOF(err))
	}
	payloadLen := int32(binary.BigEndian.Uint32(lens))
	headerLen := int16(binary.BigEndian.Uint16(lens[4:]))
	if payloadLen < 4 {
		return nil, fmt.Errorf("%w: packet payload length %d is less than 4", ErrMalformed, payloadLen)
	}
	if headerLen < 0 {
		return nil, fmt.Errorf("%w: packet header length %d is negative", ErrMalformed, headerLen)
	}
	if total := int64(payloadLen) + int64(headerLen); total > int64(p.MaxPacketSize) {
		return nil, fmt.Errorf("%w: packet payload length %d plus header length %d exceeds %d",
			ErrTooLarge, payloadLen, headerLen, p.MaxPacketSize)
	}
	n := PacketLengthsLen + int(headerLen) + int(payloadLen) - 4
	if cap(p.buf) < n {
		nb := make([]byte, n)
		copy(nb, lens)
		p.buf = nb
	}
	raw := p.buf[:n]
	if _, err := io.ReadFull(p.r, raw[PacketLengthsLen:]); err != nil {
		return nil, fmt.Errorf("datatransfer: reading %d-byte packet: %w", n, noEOF(err))
	}
	hdrEnd := PacketLengthsLen + int(headerLen)
	h, err := parsePacketHeader(raw[PacketLengthsLen:hdrEnd])
	if err != nil {
		return nil, err
	}
	body := raw[hdrEnd:]
	if h.DataLen < 0 || int(h.DataLen) > len(body) {
		return nil, fmt.Errorf("%w: packet seqno %d data length %d exceeds the %d checksum and data bytes received",
			ErrMalformed, h.Seqno, h.DataLen, len(body))
	}
	split := len(body) - int(h.DataLen)
	return &Packet{Header: h, Checksums: body[:split], Data: body[split:], Raw: raw}, nil
}

// PacketWriter cuts a stream of block data into packets with checksums,
// reusing one buffer. It does not track seqnos or offsets: the caller does.
type PacketWriter struct {
	w        io.Writer
	checksum DataChecksum
	buf      []byte
	sums     []byte
}

// NewPacketWriter returns a writer that checksums data with c.
func NewPacketWriter(w io.Writer, c DataChecksum) *PacketWriter {
	return &PacketWriter{w: w, checksum: c}
}

// WriteData writes one packet carrying data and its checksums. Unless it is
// the end of the data, offsetInBlock should be chunk aligned.
func (pw *PacketWriter) WriteData(offsetInBlock, seqno int64, data []byte, sync bool) error {
	pw.sums = pw.checksum.AppendChecksums(pw.sums[:0], data)
	return pw.write(PacketHeader{OffsetInBlock: offsetInBlock, Seqno: seqno, SyncBlock: sync}, pw.sums, data)
}

// WriteLast writes the empty packet that ends a block.
func (pw *PacketWriter) WriteLast(offsetInBlock, seqno int64, sync bool) error {
	return pw.write(PacketHeader{OffsetInBlock: offsetInBlock, Seqno: seqno, LastPacketInBlock: true, SyncBlock: sync}, nil, nil)
}

// WriteHeartbeat writes a heartbeat packet.
func (pw *PacketWriter) WriteHeartbeat() error { return pw.write(Heartbeat, nil, nil) }

func (pw *PacketWriter) write(h PacketHeader, sums, data []byte) error {
	b, err := AppendPacket(pw.buf[:0], h, sums, data)
	if err != nil {
		return err
	}
	pw.buf = b
	if _, err := pw.w.Write(b); err != nil {
		return fmt.Errorf("datatransfer: writing packet seqno %d: %w", h.Seqno, err)
	}
	return nil
}

package datatransfer

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// ChecksumType is DataChecksum.Type; the ids match ChecksumTypeProto.
type ChecksumType uint8

// The checksum types a DataChecksum can be built from.
const (
	ChecksumNull   ChecksumType = 0
	ChecksumCRC32  ChecksumType = 1
	ChecksumCRC32C ChecksumType = 2
)

func (t ChecksumType) String() string {
	switch t {
	case ChecksumNull:
		return "NULL"
	case ChecksumCRC32:
		return "CRC32"
	case ChecksumCRC32C:
		return "CRC32C"
	}
	return fmt.Sprintf("ChecksumType(%d)", uint8(t))
}

// Size is the number of checksum bytes per chunk: 4 for the CRCs, 0 for NULL.
func (t ChecksumType) Size() int {
	if t == ChecksumCRC32 || t == ChecksumCRC32C {
		return 4
	}
	return 0
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc returns the checksum of one chunk.
func (t ChecksumType) crc(b []byte) uint32 {
	if t == ChecksumCRC32C {
		return crc32.Checksum(b, castagnoli)
	}
	return crc32.ChecksumIEEE(b)
}

// Checksum computes t over b. NULL gives 0.
func (t ChecksumType) Checksum(b []byte) uint32 {
	if t.Size() == 0 {
		return 0
	}
	return t.crc(b)
}

// DataChecksum says how a block's data is checksummed: a type and the
// number of data bytes each checksum covers (the last chunk may be shorter).
type DataChecksum struct {
	Type             ChecksumType
	BytesPerChecksum int
}

// ChecksumHeaderLen is the size of a DataChecksum header: the type byte and
// the big-endian int32 bytes per checksum.
const ChecksumHeaderLen = 5

// NewDataChecksum validates t and bpc as DataChecksum.newDataChecksum does:
// bpc must be positive and the type one of NULL, CRC32, CRC32C.
func NewDataChecksum(t ChecksumType, bpc int) (DataChecksum, error) {
	if t > ChecksumCRC32C {
		return DataChecksum{}, fmt.Errorf("%w: checksum type %d does not map to a valid checksum type", ErrMalformed, uint8(t))
	}
	if bpc <= 0 || bpc > 1<<31-1 {
		return DataChecksum{}, fmt.Errorf("%w: cannot create %v checksum with bytesPerChecksum %d", ErrMalformed, t, bpc)
	}
	return DataChecksum{Type: t, BytesPerChecksum: bpc}, nil
}

// Size is the number of checksum bytes per chunk.
func (c DataChecksum) Size() int { return c.Type.Size() }

// NumChunks is the number of chunks n data bytes span.
func (c DataChecksum) NumChunks(n int) int {
	if n <= 0 || c.BytesPerChecksum <= 0 {
		return 0
	}
	return (n-1)/c.BytesPerChecksum + 1
}

// ChecksumLen is the number of checksum bytes for n data bytes.
func (c DataChecksum) ChecksumLen(n int) int { return c.NumChunks(n) * c.Size() }

// AppendHeader appends the 5-byte header.
func (c DataChecksum) AppendHeader(b []byte) []byte {
	b = append(b, byte(c.Type))
	return binary.BigEndian.AppendUint32(b, uint32(c.BytesPerChecksum))
}

// ParseChecksumHeader decodes the 5-byte header at the start of b.
func ParseChecksumHeader(b []byte) (DataChecksum, error) {
	if len(b) < ChecksumHeaderLen {
		return DataChecksum{}, fmt.Errorf("%w: checksum header needs %d bytes, have %d", ErrMalformed, ChecksumHeaderLen, len(b))
	}
	return NewDataChecksum(ChecksumType(b[0]), int(int32(binary.BigEndian.Uint32(b[1:]))))
}

// Proto converts c to a ChecksumProto.
func (c DataChecksum) Proto() *hdfspb.ChecksumProto {
	t := hdfspb.ChecksumTypeProto(c.Type)
	bpc := uint32(c.BytesPerChecksum)
	return &hdfspb.ChecksumProto{Type: &t, BytesPerChecksum: &bpc}
}

// ChecksumFromProto converts and validates a ChecksumProto.
func ChecksumFromProto(p *hdfspb.ChecksumProto) (DataChecksum, error) {
	if p == nil {
		return DataChecksum{}, fmt.Errorf("%w: missing checksum", ErrMalformed)
	}
	return NewDataChecksum(ChecksumType(p.GetType()), int(int32(p.GetBytesPerChecksum())))
}

func (c DataChecksum) String() string { return fmt.Sprintf("%v:%d", c.Type, c.BytesPerChecksum) }

// AppendChecksums appends the big-endian checksum of every chunk of data.
func (c DataChecksum) AppendChecksums(dst, data []byte) []byte {
	if c.Size() == 0 || c.BytesPerChecksum <= 0 {
		return dst
	}
	bpc := c.BytesPerChecksum
	for len(data) > 0 {
		n := min(bpc, len(data))
		dst = binary.BigEndian.AppendUint32(dst, c.Type.crc(data[:n]))
		data = data[n:]
	}
	return dst
}

// Verify checks data against its per-chunk checksums. basePos is the
// position of data[0] in the block; a *ChecksumError names the position of
// the first bad chunk. Extra checksum bytes are ignored; missing ones are an
// error.
func (c DataChecksum) Verify(data, sums []byte, basePos int64) error {
	if c.Size() == 0 {
		return nil
	}
	if need := c.ChecksumLen(len(data)); len(sums) < need {
		return fmt.Errorf("%w: %d data bytes need %d checksum bytes, have %d", ErrMalformed, len(data), need, len(sums))
	}
	bpc := c.BytesPerChecksum
	for off := 0; off < len(data); off += bpc {
		end := min(off+bpc, len(data))
		got := c.Type.crc(data[off:end])
		want := binary.BigEndian.Uint32(sums)
		sums = sums[4:]
		if got != want {
			return &ChecksumError{Type: c.Type, Pos: basePos + int64(off), Expected: want, Computed: got}
		}
	}
	return nil
}

// MetaVersion is BlockMetadataHeader.VERSION.
const MetaVersion = 1

// MetaHeaderLen is the size of a .meta file header: int16 version and a
// DataChecksum header.
const MetaHeaderLen = 2 + ChecksumHeaderLen

// MetaHeader is the header of a block's .meta file; the chunk checksums
// follow it.
type MetaHeader struct {
	Version  int16
	Checksum DataChecksum
}

// AppendTo appends the 7-byte header.
func (h MetaHeader) AppendTo(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(h.Version))
	return h.Checksum.AppendHeader(b)
}

// ParseMetaHeader decodes the first 7 bytes of b. Hadoop only logs a
// version other than MetaVersion, so it is returned, not rejected.
func ParseMetaHeader(b []byte) (MetaHeader, error) {
	if len(b) < MetaHeaderLen {
		return MetaHeader{}, fmt.Errorf("%w: meta header needs %d bytes, have %d", ErrMalformed, MetaHeaderLen, len(b))
	}
	c, err := ParseChecksumHeader(b[2:])
	if err != nil {
		return MetaHeader{}, err
	}
	return MetaHeader{Version: int16(binary.BigEndian.Uint16(b)), Checksum: c}, nil
}

// ReadMetaHeader reads a 7-byte .meta header.
func ReadMetaHeader(r io.Reader) (MetaHeader, error) {
	var b [MetaHeaderLen]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return MetaHeader{}, fmt.Errorf("datatransfer: reading block meta header: %w", noEOF(err))
	}
	return ParseMetaHeader(b[:])
}

// WriteMetaHeader writes a 7-byte .meta header.
func WriteMetaHeader(w io.Writer, h MetaHeader) error {
	if _, err := w.Write(h.AppendTo(nil)); err != nil {
		return fmt.Errorf("datatransfer: writing block meta header: %w", err)
	}
	return nil
}

package fsdataset

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// ChecksumType is the checksum byte of a .meta header (ChecksumTypeProto).
type ChecksumType uint8

// The checksum types.
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

// Size is the bytes of checksum per chunk.
func (t ChecksumType) Size() int {
	if t == ChecksumNull {
		return 0
	}
	return 4
}

// MetaHeaderLen is the length of a .meta header.
const MetaHeaderLen = 7

// MetaVersion is the only .meta header version.
const MetaVersion = 1

// MetaHeader is the header of a .meta file: version, checksum type and
// bytes per checksum.
type MetaHeader struct {
	Version          int16
	Type             ChecksumType
	BytesPerChecksum int32
}

// NewMetaHeader is a version-1 header.
func NewMetaHeader(t ChecksumType, bytesPerChecksum int32) MetaHeader {
	return MetaHeader{Version: MetaVersion, Type: t, BytesPerChecksum: bytesPerChecksum}
}

// DefaultMetaHeader is what Hadoop writes by default: CRC32C per 512
// bytes.
var DefaultMetaHeader = NewMetaHeader(ChecksumCRC32C, 512)

// Marshal is the 7 header bytes, big-endian.
func (h MetaHeader) Marshal() []byte {
	b := make([]byte, MetaHeaderLen)
	binary.BigEndian.PutUint16(b, uint16(h.Version))
	b[2] = byte(h.Type)
	binary.BigEndian.PutUint32(b[3:], uint32(h.BytesPerChecksum))
	return b
}

// ParseMetaHeader reads a .meta header, refusing what Hadoop's
// DataChecksum refuses: an unknown type or a non-positive chunk size.
// Another version is returned, not refused (Hadoop logs it and reads on).
func ParseMetaHeader(b []byte) (MetaHeader, error) {
	if len(b) < MetaHeaderLen {
		return MetaHeader{}, fmt.Errorf("%w: .meta header is %d bytes, want %d", ErrCorrupt, len(b), MetaHeaderLen)
	}
	h := MetaHeader{
		Version:          int16(binary.BigEndian.Uint16(b)),
		Type:             ChecksumType(b[2]),
		BytesPerChecksum: int32(binary.BigEndian.Uint32(b[3:])),
	}
	if h.Type > ChecksumCRC32C {
		return MetaHeader{}, fmt.Errorf("%w: unknown checksum type %d in .meta header", ErrCorrupt, b[2])
	}
	if h.BytesPerChecksum <= 0 {
		return MetaHeader{}, fmt.Errorf("%w: bytesPerChecksum %d in .meta header", ErrCorrupt, h.BytesPerChecksum)
	}
	return h, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Sum is the checksum of one chunk.
func (h MetaHeader) Sum(chunk []byte) uint32 {
	switch h.Type {
	case ChecksumCRC32:
		return crc32.ChecksumIEEE(chunk)
	case ChecksumCRC32C:
		return crc32.Checksum(chunk, castagnoli)
	}
	return 0
}

// Chunks is the number of chunks of n data bytes.
func (h MetaHeader) Chunks(n int64) int64 {
	bpc := int64(h.BytesPerChecksum)
	return (n + bpc - 1) / bpc
}

// MetaLen is the length of the .meta file of a replica of n bytes.
func (h MetaHeader) MetaLen(n int64) int64 {
	return MetaHeaderLen + h.Chunks(n)*int64(h.Type.Size())
}

// AppendSums appends the checksum of every chunk of data (the last one
// may be short).
func (h MetaHeader) AppendSums(dst, data []byte) []byte {
	if h.Type == ChecksumNull {
		return dst
	}
	bpc := int(h.BytesPerChecksum)
	for len(data) > 0 {
		n := min(bpc, len(data))
		dst = binary.BigEndian.AppendUint32(dst, h.Sum(data[:n]))
		data = data[n:]
	}
	return dst
}

// Verify checks data against sums chunk by chunk; data starts at a chunk
// boundary. It returns the offset in data of the first bad chunk, or -1.
func (h MetaHeader) Verify(data, sums []byte) int {
	if h.Type == ChecksumNull {
		return -1
	}
	bpc := int(h.BytesPerChecksum)
	for off := 0; off < len(data); off += bpc {
		i := off / bpc * 4
		if i+4 > len(sums) {
			return off
		}
		n := min(bpc, len(data)-off)
		if binary.BigEndian.Uint32(sums[i:]) != h.Sum(data[off:off+n]) {
			return off
		}
	}
	return -1
}

package fsdataset

import (
	"encoding/binary"
	"fmt"

	"github.com/hdfsd/hdfsd/datatransfer"
)

// ChecksumType is the checksum byte of a .meta header (ChecksumTypeProto).
type ChecksumType = datatransfer.ChecksumType

// The checksum types.
const (
	ChecksumNull   = datatransfer.ChecksumNull
	ChecksumCRC32  = datatransfer.ChecksumCRC32
	ChecksumCRC32C = datatransfer.ChecksumCRC32C
)

// MetaHeaderLen is the length of a .meta header.
const MetaHeaderLen = datatransfer.MetaHeaderLen

// MetaVersion is the only .meta header version.
const MetaVersion = datatransfer.MetaVersion

// MetaHeader is the header of a .meta file: version, checksum type and
// bytes per checksum. It is datatransfer.MetaHeader flattened, with the
// arithmetic the dataset does on .meta files.
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

// checksum is h's DataChecksum.
func (h MetaHeader) checksum() datatransfer.DataChecksum {
	return datatransfer.DataChecksum{Type: h.Type, BytesPerChecksum: int(h.BytesPerChecksum)}
}

// Marshal is the 7 header bytes, big-endian.
func (h MetaHeader) Marshal() []byte {
	wire := datatransfer.MetaHeader{Version: h.Version, Checksum: h.checksum()}
	return wire.AppendTo(make([]byte, 0, MetaHeaderLen))
}

// ParseMetaHeader reads a .meta header, refusing what Hadoop's
// DataChecksum refuses: an unknown type or a non-positive chunk size.
// Another version is returned, not refused (Hadoop logs it and reads on).
func ParseMetaHeader(b []byte) (MetaHeader, error) {
	wire, err := datatransfer.ParseMetaHeader(b)
	if err != nil {
		return MetaHeader{}, fmt.Errorf("%w: .meta header: %v", ErrCorrupt, err)
	}
	return MetaHeader{Version: wire.Version, Type: wire.Checksum.Type, BytesPerChecksum: int32(wire.Checksum.BytesPerChecksum)}, nil
}

// Sum is the checksum of one chunk.
func (h MetaHeader) Sum(chunk []byte) uint32 { return h.Type.Checksum(chunk) }

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
	return h.checksum().AppendChecksums(dst, data)
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

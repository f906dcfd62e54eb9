package datatransfer

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// BlockChecksumType is BlockChecksumTypeProto.
type BlockChecksumType uint8

// Block checksum types.
const (
	// MD5CRC is the MD5 of the chunk CRCs (the default).
	MD5CRC BlockChecksumType = 1
	// CompositeCRC is the CRC of the data itself, composed from the chunk
	// CRCs, one per stripe.
	CompositeCRC BlockChecksumType = 2
)

func (t BlockChecksumType) String() string {
	switch t {
	case MD5CRC:
		return "MD5CRC"
	case CompositeCRC:
		return "COMPOSITE_CRC"
	}
	return fmt.Sprintf("BlockChecksumType(%d)", uint8(t))
}

// BlockChecksumOptions is BlockChecksumOptionsProto.
type BlockChecksumOptions struct {
	Type         BlockChecksumType
	StripeLength int64 // COMPOSITE_CRC only; <= 0 means the whole block
}

// OptionsFromProto converts the options of a BLOCK_CHECKSUM request; absent
// options mean MD5CRC, as the proto default says.
func OptionsFromProto(p *hdfspb.BlockChecksumOptionsProto) BlockChecksumOptions {
	return BlockChecksumOptions{Type: BlockChecksumType(p.GetBlockChecksumType()), StripeLength: int64(p.GetStripeLength())}
}

// Proto converts o. Both fields are always set (stripeLength 0 too), as
// Hadoop's PBHelperClient does.
func (o BlockChecksumOptions) Proto() *hdfspb.BlockChecksumOptionsProto {
	t := hdfspb.BlockChecksumTypeProto(o.Type)
	sl := uint64(max(o.StripeLength, 0))
	return &hdfspb.BlockChecksumOptionsProto{BlockChecksumType: &t, StripeLength: &sl}
}

// Replica is what a DataNode knows of one replica when it answers
// OP_BLOCK_CHECKSUM.
type Replica struct {
	Checksum      DataChecksum // from the .meta header
	Sums          []byte       // the .meta file after its header
	VisibleLength int64
	// RequestLength is the numBytes of the requested block; the checksum
	// covers only that prefix when it is shorter than VisibleLength.
	RequestLength int64
	// Tail is the block data PartialChunk names, if it names any.
	Tail []byte
}

// PartialChunk returns the data range whose CRC a block checksum must
// compute afresh: the last, partial chunk of a request shorter than the
// visible length. n is 0 when no data is needed.
func PartialChunk(c DataChecksum, visibleLength, requestLength int64) (off int64, n int) {
	if requestLength >= visibleLength || c.BytesPerChecksum <= 0 || requestLength < 0 {
		return 0, 0
	}
	p := requestLength % int64(c.BytesPerChecksum)
	if p == 0 {
		return 0, 0
	}
	return requestLength - p, int(p)
}

// BlockChecksum is the answer to OP_BLOCK_CHECKSUM
// (OpBlockChecksumResponseProto).
type BlockChecksum struct {
	BytesPerCRC int
	CRCPerBlock int64 // checksums stored in the .meta file
	CRCType     ChecksumType
	Options     BlockChecksumOptions
	Checksum    []byte // 16-byte MD5, or one 4-byte CRC per stripe
}

// ComputeBlockChecksum computes what a DataNode answers for a replica, as
// BlockChecksumHelper.ReplicatedBlockChecksumComputer does.
func ComputeBlockChecksum(r Replica, opts BlockChecksumOptions) (*BlockChecksum, error) {
	c := r.Checksum
	if _, err := NewDataChecksum(c.Type, c.BytesPerChecksum); err != nil {
		return nil, err
	}
	if r.RequestLength < 0 {
		return nil, fmt.Errorf("datatransfer: negative block checksum request length %d", r.RequestLength)
	}
	bc := &BlockChecksum{BytesPerCRC: c.BytesPerChecksum, CRCType: c.Type, Options: opts}
	if s := c.Size(); s > 0 {
		bc.CRCPerBlock = int64(len(r.Sums) / s)
	}
	var err error
	switch opts.Type {
	case MD5CRC:
		bc.Checksum, err = blockMD5(r, bc.CRCPerBlock)
	case CompositeCRC:
		bc.Checksum, err = blockCompositeCRC(r, opts.StripeLength)
	default:
		err = fmt.Errorf("datatransfer: unrecognized block checksum type %v", opts.Type)
	}
	if err != nil {
		return nil, err
	}
	return bc, nil
}

// tailCRC is the CRC of the partial last chunk of the request, or false
// when the request ends on a chunk boundary or covers the visible length.
func tailCRC(r Replica) (uint32, bool, error) {
	_, n := PartialChunk(r.Checksum, r.VisibleLength, r.RequestLength)
	if n == 0 {
		return 0, false, nil
	}
	if len(r.Tail) != n {
		return 0, false, fmt.Errorf("datatransfer: block checksum needs the %d bytes of the partial last chunk, got %d", n, len(r.Tail))
	}
	return r.Checksum.Type.Checksum(r.Tail), true, nil
}

// blockMD5: the MD5 of every stored checksum for a whole block; for a
// shorter request, of the checksums of its whole chunks followed by a fresh
// CRC of its partial last chunk.
func blockMD5(r Replica, crcPerBlock int64) ([]byte, error) {
	if r.RequestLength >= r.VisibleLength || crcPerBlock == 0 {
		sum := md5.Sum(r.Sums)
		return sum[:], nil
	}
	h := md5.New()
	whole := r.RequestLength / int64(r.Checksum.BytesPerChecksum) * int64(r.Checksum.Size())
	h.Write(r.Sums[:min(whole, int64(len(r.Sums)))])
	crc, ok, err := tailCRC(r)
	if err != nil {
		return nil, err
	}
	if ok {
		h.Write(binary.BigEndian.AppendUint32(nil, crc))
	}
	return h.Sum(nil), nil
}

func blockCompositeCRC(r Replica, stripe int64) ([]byte, error) {
	bpc := int64(r.Checksum.BytesPerChecksum)
	length := min(r.VisibleLength, r.RequestLength)
	if stripe <= 0 || stripe > length {
		stripe = length
	}
	comp, err := NewCRCComposer(r.Checksum.Type, bpc, stripe)
	if err != nil {
		return nil, err
	}
	full := length / bpc
	if int64(len(r.Sums))/4 < full {
		return nil, fmt.Errorf("datatransfer: %d bytes of block data need %d stored checksums, have %d", length, full, len(r.Sums)/4)
	}
	if err := comp.UpdateChunks(r.Sums[:4*full], bpc); err != nil {
		return nil, err
	}
	if part := length % bpc; part > 0 {
		crc, ok, err := tailCRC(r)
		if err != nil {
			return nil, err
		}
		if !ok {
			if int64(len(r.Sums)) < 4*full+4 {
				return nil, fmt.Errorf("datatransfer: stored checksums end before the partial chunk at %d", full*bpc)
			}
			crc = binary.BigEndian.Uint32(r.Sums[4*full:])
		}
		if err := comp.Update(crc, part); err != nil {
			return nil, err
		}
	}
	return comp.Digest(), nil
}

// Proto converts b to the response DataXceiver sends.
func (b *BlockChecksum) Proto() *hdfspb.OpBlockChecksumResponseProto {
	bpc := uint32(b.BytesPerCRC)
	cpb := uint64(b.CRCPerBlock)
	t := hdfspb.ChecksumTypeProto(b.CRCType)
	return &hdfspb.OpBlockChecksumResponseProto{
		BytesPerCrc:          &bpc,
		CrcPerBlock:          &cpb,
		BlockChecksum:        append([]byte{}, b.Checksum...),
		CrcType:              &t,
		BlockChecksumOptions: b.Options.Proto(),
	}
}

// BlockChecksumFromProto converts a response. A missing crcType (a
// DataNode older than 2.x) is reported as an error: the client would have
// to read the block to learn it.
func BlockChecksumFromProto(p *hdfspb.OpBlockChecksumResponseProto) (*BlockChecksum, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: missing block checksum response", ErrMalformed)
	}
	if p.CrcType == nil {
		return nil, fmt.Errorf("%w: block checksum response has no crcType", ErrMalformed)
	}
	return &BlockChecksum{
		BytesPerCRC: int(p.GetBytesPerCrc()),
		CRCPerBlock: int64(p.GetCrcPerBlock()),
		CRCType:     ChecksumType(p.GetCrcType()),
		Options:     OptionsFromProto(p.GetBlockChecksumOptions()),
		Checksum:    p.GetBlockChecksum(),
	}, nil
}

// MD5CRCFileChecksum is MD5MD5CRC32FileChecksum: the MD5 of the block MD5s.
type MD5CRCFileChecksum struct {
	BytesPerCRC int32
	CRCPerBlock int64 // from the first block, and only for files of several blocks
	CRCType     ChecksumType
	MD5         [md5.Size]byte
}

// CombineMD5CRC folds MD5CRC block checksums, in block order, into the file
// checksum, as the client's FileChecksumHelper does.
//
// Hadoop digests the whole backing array of the DataOutputBuffer the block
// MD5s were written to, not just the bytes written: a ByteArrayOutputStream
// that starts at 32 bytes and doubles. So the MD5 covers the block MD5s
// followed by zeros up to that capacity (48 bytes of MD5s for three blocks
// are digested as 64). `hdfs dfs -checksum` prints that value, so we do too.
func CombineMD5CRC(blocks []*BlockChecksum) (*MD5CRCFileChecksum, error) {
	if len(blocks) == 0 {
		return nil, fmt.Errorf("datatransfer: no block checksums to combine")
	}
	f := &MD5CRCFileChecksum{BytesPerCRC: int32(blocks[0].BytesPerCRC), CRCType: blocks[0].CRCType}
	if len(blocks) > 1 {
		f.CRCPerBlock = blocks[0].CRCPerBlock
	}
	buf := make([]byte, 0, javaBufferCap(md5.Size*len(blocks)))
	for i, b := range blocks {
		if b.BytesPerCRC != blocks[0].BytesPerCRC {
			return nil, fmt.Errorf("datatransfer: block %d has bytesPerCRC %d, block 0 has %d", i, b.BytesPerCRC, blocks[0].BytesPerCRC)
		}
		if b.CRCType != f.CRCType {
			return nil, fmt.Errorf("datatransfer: block %d has CRC type %v, block 0 has %v (MIXED has no file checksum)", i, b.CRCType, f.CRCType)
		}
		if len(b.Checksum) != md5.Size {
			return nil, fmt.Errorf("datatransfer: block %d checksum is %d bytes, not an MD5", i, len(b.Checksum))
		}
		buf = append(buf, b.Checksum...)
	}
	if f.CRCType.Size() == 0 {
		return nil, fmt.Errorf("datatransfer: a file checksummed with %v has no MD5-of-CRC checksum", f.CRCType)
	}
	f.MD5 = md5.Sum(buf[:cap(buf)])
	return f, nil
}

// javaBufferCap is the capacity of a default ByteArrayOutputStream after
// 16-byte writes totalling n bytes: 32, doubled while too small.
func javaBufferCap(n int) int {
	c := 32
	for c < n {
		c *= 2
	}
	return c
}

// AlgorithmName is the name `hdfs dfs -checksum` prints, e.g.
// "MD5-of-2048MD5-of-512CRC32C".
func (f *MD5CRCFileChecksum) AlgorithmName() string {
	return fmt.Sprintf("MD5-of-%dMD5-of-%d%v", f.CRCPerBlock, f.BytesPerCRC, f.CRCType)
}

// Bytes is the checksum's serialized form: int32 bytesPerCRC, int64
// crcPerBlock, the MD5.
func (f *MD5CRCFileChecksum) Bytes() []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(f.BytesPerCRC))
	b = binary.BigEndian.AppendUint64(b, uint64(f.CRCPerBlock))
	return append(b, f.MD5[:]...)
}

// Hex is Bytes in hex, as `hdfs dfs -checksum` prints it.
func (f *MD5CRCFileChecksum) Hex() string { return hex.EncodeToString(f.Bytes()) }

// BlockCRC is one block's COMPOSITE_CRC and the number of file bytes it
// covers.
type BlockCRC struct {
	CRC    uint32
	Length int64
}

// CompositeCRCFileChecksum is CompositeCrcFileChecksum.
type CompositeCRCFileChecksum struct {
	CRC         uint32
	CRCType     ChecksumType
	BytesPerCRC int32
}

// CombineCompositeCRC composes the block CRCs of a file, in order, into the
// CRC of the whole file. The caller trims the last block's Length to the
// file length, as FileChecksumHelper does.
func CombineCompositeCRC(t ChecksumType, bytesPerCRC int32, blocks []BlockCRC) (*CompositeCRCFileChecksum, error) {
	var hint int64
	if len(blocks) > 0 {
		hint = blocks[0].Length
	}
	comp, err := NewCRCComposer(t, hint, 0)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		if err := comp.Update(b.CRC, b.Length); err != nil {
			return nil, err
		}
	}
	f := &CompositeCRCFileChecksum{CRCType: t, BytesPerCRC: bytesPerCRC}
	if d := comp.Digest(); len(d) == 4 {
		f.CRC = binary.BigEndian.Uint32(d)
	}
	return f, nil
}

// AlgorithmName is e.g. "COMPOSITE-CRC32C".
func (f *CompositeCRCFileChecksum) AlgorithmName() string {
	return fmt.Sprintf("COMPOSITE-%v", f.CRCType)
}

// Bytes is the big-endian CRC.
func (f *CompositeCRCFileChecksum) Bytes() []byte { return binary.BigEndian.AppendUint32(nil, f.CRC) }

// Hex is Bytes in hex, as `hdfs dfs -checksum` prints it.
func (f *CompositeCRCFileChecksum) Hex() string { return hex.EncodeToString(f.Bytes()) }

func (f *CompositeCRCFileChecksum) String() string {
	return fmt.Sprintf("%s:0x%08x", f.AlgorithmName(), f.CRC)
}

package datatransfer

import (
	"encoding/binary"
	"fmt"
	"math"
)

// CRC polynomials in the reflected form Hadoop's CrcUtil uses.
const (
	polyIEEE       = 0xEDB88320
	polyCastagnoli = 0x82F63B78
	// gfOne is the polynomial 1: the top bit is the x^0 term.
	gfOne = 0x80000000
)

func polynomial(t ChecksumType) (uint32, error) {
	switch t {
	case ChecksumCRC32:
		return polyIEEE, nil
	case ChecksumCRC32C:
		return polyCastagnoli, nil
	}
	return 0, fmt.Errorf("datatransfer: no CRC polynomial for checksum type %v", t)
}

// gfMul multiplies p by q modulo the polynomial m. Bit 31 is the x^0
// coefficient and bit 0 the x^31 one, so multiplying by x is a right shift
// that folds in m when the x^31 term overflows.
func gfMul(p, q, m uint32) uint32 {
	var sum uint32
	for bit := uint32(gfOne); bit != 0; bit >>= 1 {
		if q&bit != 0 {
			sum ^= p
		}
		carry := p&1 != 0
		p >>= 1
		if carry {
			p ^= m
		}
	}
	return sum
}

// monomial returns x^(8*n) mod m, by squaring.
func monomial(n int64, m uint32) uint32 {
	prod := uint32(gfOne)
	pow := uint32(gfOne >> 8) // x^8
	for ; n > 0; n >>= 1 {
		if n&1 != 0 {
			prod = gfMul(prod, pow, m)
		}
		pow = gfMul(pow, pow, m)
	}
	return prod
}

// ComposeCRC returns the CRC of A followed by B given crc(A), crc(B) and
// the length of B in bytes. It holds for CRC32 and CRC32C with their
// standard pre- and post-inversion.
func ComposeCRC(t ChecksumType, crcA, crcB uint32, lenB int64) (uint32, error) {
	m, err := polynomial(t)
	if err != nil {
		return 0, err
	}
	if lenB < 0 {
		return 0, fmt.Errorf("datatransfer: negative length %d to compose a CRC over", lenB)
	}
	return gfMul(crcA, monomial(lenB, m), m) ^ crcB, nil
}

// CRCComposer folds a sequence of chunk CRCs into one CRC per stripe, as
// Hadoop's CrcComposer does for COMPOSITE_CRC block and file checksums.
type CRCComposer struct {
	poly     uint32
	hintLen  int64
	hintMono uint32
	stripe   int64
	cur      uint32
	pos      int64
	out      []byte
}

// NewCRCComposer returns a composer for CRCs of type t. bytesPerCRCHint is
// the chunk length most updates will use (its monomial is precomputed);
// stripeLength <= 0 means a single stripe.
func NewCRCComposer(t ChecksumType, bytesPerCRCHint, stripeLength int64) (*CRCComposer, error) {
	m, err := polynomial(t)
	if err != nil {
		return nil, err
	}
	if bytesPerCRCHint < 0 {
		return nil, fmt.Errorf("datatransfer: negative CRC length hint %d", bytesPerCRCHint)
	}
	if stripeLength <= 0 {
		stripeLength = math.MaxInt64
	}
	return &CRCComposer{poly: m, hintLen: bytesPerCRCHint, hintMono: monomial(bytesPerCRCHint, m), stripe: stripeLength}, nil
}

// Update appends the CRC of the next n bytes. A chunk may not cross a
// stripe boundary.
func (c *CRCComposer) Update(crc uint32, n int64) error {
	if n < 0 {
		return fmt.Errorf("datatransfer: negative CRC chunk length %d", n)
	}
	if n > c.stripe-c.pos {
		return fmt.Errorf("datatransfer: CRC chunk of %d bytes at position %d crosses stripe length %d",
			n, c.pos, c.stripe)
	}
	mono := c.hintMono
	if n != c.hintLen {
		mono = monomial(n, c.poly)
	}
	// The composition of an empty prefix with B is B itself.
	c.cur = gfMul(c.cur, mono, c.poly) ^ crc
	c.pos += n
	if c.pos == c.stripe {
		c.out = binary.BigEndian.AppendUint32(c.out, c.cur)
		c.cur, c.pos = 0, 0
	}
	return nil
}

// UpdateChunks appends big-endian CRCs each covering n bytes.
func (c *CRCComposer) UpdateChunks(crcs []byte, n int64) error {
	if len(crcs)%4 != 0 {
		return fmt.Errorf("datatransfer: %d CRC bytes are not a multiple of 4", len(crcs))
	}
	for ; len(crcs) > 0; crcs = crcs[4:] {
		if err := c.Update(binary.BigEndian.Uint32(crcs), n); err != nil {
			return err
		}
	}
	return nil
}

// Digest returns one big-endian CRC per stripe (the last one possibly
// short) and resets the composer.
func (c *CRCComposer) Digest() []byte {
	if c.pos > 0 {
		c.out = binary.BigEndian.AppendUint32(c.out, c.cur)
	}
	out := c.out
	c.out, c.cur, c.pos = nil, 0, 0
	if out == nil {
		out = []byte{}
	}
	return out
}

package datatransfer

import (
	"encoding/binary"
	"math/rand"
	"testing"
)

// Composing crc(A) and crc(B) gives crc(A||B), for every split, both
// polynomials, and empty pieces.
func TestComposeCRCEqualsCRCOfConcatenation(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	for _, typ := range []ChecksumType{ChecksumCRC32, ChecksumCRC32C} {
		for i := 0; i < 200; i++ {
			data := make([]byte, rng.Intn(3000))
			rng.Read(data)
			cut := 0
			if len(data) > 0 {
				cut = rng.Intn(len(data) + 1)
			}
			got, err := ComposeCRC(typ, typ.Checksum(data[:cut]), typ.Checksum(data[cut:]), int64(len(data)-cut))
			if err != nil || got != typ.Checksum(data) {
				t.Fatalf("%v len %d cut %d: %08x vs %08x (%v)", typ, len(data), cut, got, typ.Checksum(data), err)
			}
		}
	}
	if _, err := ComposeCRC(ChecksumNull, 0, 0, 1); err == nil {
		t.Error("NULL has a polynomial")
	}
}

func TestCRCComposerStripes(t *testing.T) {
	data := make([]byte, 5000)
	rand.New(rand.NewSource(7)).Read(data)
	typ := ChecksumCRC32C
	cs := DataChecksum{typ, 500}
	comp, err := NewCRCComposer(typ, 500, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if err := comp.UpdateChunks(cs.AppendChecksums(nil, data), 500); err != nil {
		t.Fatal(err)
	}
	d := comp.Digest()
	want := []uint32{typ.Checksum(data[:2000]), typ.Checksum(data[2000:4000]), typ.Checksum(data[4000:])}
	if len(d) != 12 {
		t.Fatalf("digest of %d bytes", len(d))
	}
	for i, w := range want {
		if got := binary.BigEndian.Uint32(d[4*i:]); got != w {
			t.Errorf("stripe %d: %08x want %08x", i, got, w)
		}
	}
	if d := comp.Digest(); len(d) != 0 {
		t.Errorf("digest after reset: %x", d)
	}
	// Chunk lengths other than the hint still compose.
	comp, _ = NewCRCComposer(typ, 500, 0)
	comp.Update(typ.Checksum(data[:7]), 7)
	comp.Update(typ.Checksum(data[7:1000]), 993)
	if got := binary.BigEndian.Uint32(comp.Digest()); got != typ.Checksum(data[:1000]) {
		t.Errorf("mixed lengths: %08x", got)
	}
	comp, _ = NewCRCComposer(typ, 500, 700)
	comp.Update(1, 500)
	if err := comp.Update(2, 500); err == nil {
		t.Error("chunk across a stripe boundary accepted")
	}
}

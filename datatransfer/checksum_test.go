package datatransfer

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"
)

func TestChecksumKnownVectors(t *testing.T) {
	in := []byte("123456789")
	if got := ChecksumCRC32.Checksum(in); got != 0xCBF43926 {
		t.Errorf("CRC32 %08x", got)
	}
	if got := ChecksumCRC32C.Checksum(in); got != 0xE3069283 {
		t.Errorf("CRC32C %08x", got)
	}
	if got := ChecksumNull.Checksum(in); got != 0 {
		t.Errorf("NULL %08x", got)
	}
}

func TestComputeAndVerifyChunks(t *testing.T) {
	data := make([]byte, 2000)
	rand.New(rand.NewSource(5)).Read(data)
	for _, typ := range []ChecksumType{ChecksumCRC32, ChecksumCRC32C} {
		cs := DataChecksum{typ, 512}
		sums := cs.AppendChecksums(nil, data)
		if len(sums) != 16 || cs.ChecksumLen(len(data)) != 16 || cs.NumChunks(len(data)) != 4 {
			t.Fatalf("%v: %d checksum bytes", typ, len(sums))
		}
		if err := cs.Verify(data, sums, 4096); err != nil {
			t.Fatal(err)
		}
		bad := bytes.Clone(data)
		bad[1500] ^= 1
		err := cs.Verify(bad, sums, 4096)
		var ce *ChecksumError
		if !errors.As(err, &ce) || ce.Pos != 4096+1024 || !errors.Is(err, ErrChecksum) || ce.Type != typ {
			t.Fatalf("%v: %v", typ, err)
		}
		if err := cs.Verify(data, sums[:12], 0); !errors.Is(err, ErrMalformed) {
			t.Errorf("short checksums: %v", err)
		}
	}
	if err := (DataChecksum{ChecksumNull, 512}).Verify(data, nil, 0); err != nil {
		t.Errorf("NULL: %v", err)
	}
}

func TestChecksumErrorMessage(t *testing.T) {
	err := &ChecksumError{Type: ChecksumCRC32C, Pos: 1024, Expected: 0xdeadbeef, Computed: 0x1234}
	if want := "datatransfer: CRC32C checksum mismatch in chunk at position 1024: expected=DEADBEEF computed=00001234"; err.Error() != want {
		t.Errorf("%q", err)
	}
}

func TestVerifyDoesNotAllocate(t *testing.T) {
	cs := DataChecksum{ChecksumCRC32C, 512}
	data := make([]byte, 64<<10)
	sums := cs.AppendChecksums(nil, data)
	if n := testing.AllocsPerRun(10, func() { _ = cs.Verify(data, sums, 0) }); n != 0 {
		t.Errorf("Verify allocates %v times", n)
	}
}

func TestChecksumHeaderAndMetaHeader(t *testing.T) {
	cs := DataChecksum{ChecksumCRC32C, 512}
	h := cs.AppendHeader(nil)
	if !bytes.Equal(h, []byte{2, 0, 0, 2, 0}) {
		t.Fatalf("% x", h)
	}
	if got, err := ParseChecksumHeader(h); err != nil || got != cs {
		t.Fatalf("%v %v", got, err)
	}
	meta := MetaHeader{Version: MetaVersion, Checksum: cs}
	var buf bytes.Buffer
	if err := WriteMetaHeader(&buf, meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), []byte{0, 1, 2, 0, 0, 2, 0}) {
		t.Fatalf("meta % x", buf.Bytes())
	}
	wire := buf.Bytes()
	for i := 0; i < len(wire); i++ {
		if _, err := ReadMetaHeader(bytes.NewReader(wire[:i])); err == nil {
			t.Fatalf("prefix %d accepted", i)
		}
	}
	if got, err := ReadMetaHeader(&buf); err != nil || got != meta {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range [][]byte{
		{3, 0, 0, 2, 0},    // DEFAULT cannot be built
		{4, 0, 0, 2, 0},    // MIXED neither
		{2, 0, 0, 0, 0},    // zero bytes per checksum
		{1, 0x80, 0, 0, 0}, // negative
		{0xff, 0, 0, 0, 1}, // out of range
	} {
		if _, err := ParseChecksumHeader(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("% x: %v", bad, err)
		}
	}
}

func TestChecksumProtoRoundTrip(t *testing.T) {
	for _, cs := range []DataChecksum{{ChecksumNull, 1}, {ChecksumCRC32, 512}, {ChecksumCRC32C, 4096}} {
		if got, err := ChecksumFromProto(cs.Proto()); err != nil || got != cs {
			t.Errorf("%v: %v %v", cs, got, err)
		}
	}
	if _, err := ChecksumFromProto(nil); err == nil {
		t.Error("nil accepted")
	}
}

func BenchmarkVerifyCRC32C(b *testing.B) {
	cs := DataChecksum{ChecksumCRC32C, 512}
	data := make([]byte, 64<<10)
	sums := cs.AppendChecksums(nil, data)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := cs.Verify(data, sums, 0); err != nil {
			b.Fatal(err)
		}
	}
}

package datatransfer

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"math/rand"
	"testing"

	"google.golang.org/protobuf/proto"
)

func replicaOf(cs DataChecksum, data []byte, request int64) Replica {
	r := Replica{Checksum: cs, Sums: cs.AppendChecksums(nil, data), VisibleLength: int64(len(data)), RequestLength: request}
	if off, n := PartialChunk(cs, r.VisibleLength, request); n > 0 {
		r.Tail = data[off : off+int64(n)]
	}
	return r
}

func TestPartialChunk(t *testing.T) {
	cs := DataChecksum{ChecksumCRC32C, 512}
	for _, tc := range []struct {
		visible, request, off int64
		n                     int
	}{
		{2000, 2000, 0, 0}, // whole block
		{2000, 3000, 0, 0}, // longer than visible
		{2000, 1024, 0, 0}, // chunk aligned
		{2000, 1030, 1024, 6},
		{2000, 100, 0, 100},
	} {
		off, n := PartialChunk(cs, tc.visible, tc.request)
		if off != tc.off || n != tc.n {
			t.Errorf("%d/%d: %d,%d", tc.visible, tc.request, off, n)
		}
	}
}

// MD5CRC of a replica is the MD5 of the CRCs of the requested prefix: for a
// whole block all stored CRCs, for a shorter request the whole-chunk CRCs
// followed by a fresh CRC of the partial chunk.
func TestBlockMD5CRC(t *testing.T) {
	data := make([]byte, 5000)
	rand.New(rand.NewSource(8)).Read(data)
	cs := DataChecksum{ChecksumCRC32C, 512}
	for _, req := range []int64{5000, 6000, 4096, 4097, 1, 0, 4999} {
		bc, err := ComputeBlockChecksum(replicaOf(cs, data, req), BlockChecksumOptions{Type: MD5CRC})
		if err != nil {
			t.Fatalf("request %d: %v", req, err)
		}
		want := md5.Sum(cs.AppendChecksums(nil, data[:min(req, 5000)]))
		if !bytes.Equal(bc.Checksum, want[:]) {
			t.Errorf("request %d: md5 %x want %x", req, bc.Checksum, want)
		}
		if bc.CRCPerBlock != 10 || bc.BytesPerCRC != 512 || bc.CRCType != ChecksumCRC32C {
			t.Errorf("request %d: %+v", req, bc)
		}
	}
	r := replicaOf(cs, data, 1030)
	r.Tail = nil
	if _, err := ComputeBlockChecksum(r, BlockChecksumOptions{Type: MD5CRC}); err == nil {
		t.Error("partial request without the tail data accepted")
	}
}

// COMPOSITE_CRC of a replica is the CRC of the requested data itself, per
// stripe.
func TestBlockCompositeCRC(t *testing.T) {
	data := make([]byte, 5000)
	rand.New(rand.NewSource(9)).Read(data)
	for _, typ := range []ChecksumType{ChecksumCRC32, ChecksumCRC32C} {
		cs := DataChecksum{typ, 512}
		for _, req := range []int64{5000, 7000, 4096, 4097, 1} {
			bc, err := ComputeBlockChecksum(replicaOf(cs, data, req), BlockChecksumOptions{Type: CompositeCRC})
			if err != nil {
				t.Fatalf("%v request %d: %v", typ, req, err)
			}
			if want := typ.Checksum(data[:min(req, 5000)]); len(bc.Checksum) != 4 || binary.BigEndian.Uint32(bc.Checksum) != want {
				t.Errorf("%v request %d: %x want %08x", typ, req, bc.Checksum, want)
			}
		}
		bc, err := ComputeBlockChecksum(replicaOf(cs, data, 5000), BlockChecksumOptions{Type: CompositeCRC, StripeLength: 2048})
		if err != nil || len(bc.Checksum) != 12 ||
			binary.BigEndian.Uint32(bc.Checksum[4:]) != typ.Checksum(data[2048:4096]) ||
			binary.BigEndian.Uint32(bc.Checksum[8:]) != typ.Checksum(data[4096:]) {
			t.Errorf("%v striped: %x %v", typ, bc.Checksum, err)
		}
	}
	if _, err := ComputeBlockChecksum(replicaOf(DataChecksum{ChecksumNull, 512}, data, 5000), BlockChecksumOptions{Type: CompositeCRC}); err == nil {
		t.Error("COMPOSITE_CRC over NULL checksums accepted")
	}
	r := replicaOf(DataChecksum{ChecksumCRC32C, 512}, data, 5000)
	r.Sums = r.Sums[:8]
	if _, err := ComputeBlockChecksum(r, BlockChecksumOptions{Type: CompositeCRC}); err == nil {
		t.Error("missing stored checksums accepted")
	}
}

func TestBlockChecksumProtoRoundTrip(t *testing.T) {
	bc := &BlockChecksum{BytesPerCRC: 512, CRCPerBlock: 2048, CRCType: ChecksumCRC32C,
		Options: BlockChecksumOptions{Type: MD5CRC}, Checksum: bytes.Repeat([]byte{7}, 16)}
	p := bc.Proto()
	if p.GetBlockChecksumOptions().StripeLength == nil {
		t.Error("stripeLength 0 must still be sent, as Hadoop does")
	}
	got, err := BlockChecksumFromProto(p)
	if err != nil || !proto.Equal(got.Proto(), p) {
		t.Fatalf("%+v %v", got, err)
	}
	if o := OptionsFromProto(nil); o.Type != MD5CRC {
		t.Errorf("absent options: %+v", o)
	}
}

// MD5-of-MD5 file checksum: the MD5 of the block MD5s as laid out in a
// growing Java byte buffer (32 bytes, doubling), zeros included.
func TestCombineMD5CRCPadsLikeJava(t *testing.T) {
	mk := func(b byte) *BlockChecksum {
		return &BlockChecksum{BytesPerCRC: 512, CRCPerBlock: 4, CRCType: ChecksumCRC32, Checksum: bytes.Repeat([]byte{b}, 16)}
	}
	for n, padded := range map[int]int{1: 32, 2: 32, 3: 64, 5: 128} {
		var blocks []*BlockChecksum
		buf := make([]byte, padded)
		for i := 0; i < n; i++ {
			blocks = append(blocks, mk(byte(i+1)))
			copy(buf[16*i:], blocks[i].Checksum)
		}
		f, err := CombineMD5CRC(blocks)
		if err != nil || f.MD5 != md5.Sum(buf) {
			t.Errorf("%d blocks: %v", n, err)
		}
		wantCPB := int64(4)
		if n == 1 {
			wantCPB = 0
		}
		if f.CRCPerBlock != wantCPB || f.AlgorithmName() != "MD5-of-"+map[bool]string{true: "0", false: "4"}[n == 1]+"MD5-of-512CRC32" {
			t.Errorf("%d blocks: %s", n, f.AlgorithmName())
		}
	}
	mixed := []*BlockChecksum{mk(1), mk(2)}
	mixed[1].CRCType = ChecksumCRC32C
	if _, err := CombineMD5CRC(mixed); err == nil {
		t.Error("mixed CRC types combined")
	}
}

func TestCombineCompositeCRCIsCRCOfFile(t *testing.T) {
	data := make([]byte, 10000)
	rand.New(rand.NewSource(10)).Read(data)
	typ := ChecksumCRC32C
	var blocks []BlockCRC
	for off := 0; off < len(data); off += 4096 {
		end := min(off+4096, len(data))
		blocks = append(blocks, BlockCRC{CRC: typ.Checksum(data[off:end]), Length: int64(end - off)})
	}
	f, err := CombineCompositeCRC(typ, 512, blocks)
	if err != nil || f.CRC != typ.Checksum(data) {
		t.Fatalf("%v %v", f, err)
	}
	if f.AlgorithmName() != "COMPOSITE-CRC32C" || len(f.Bytes()) != 4 || f.String() != "COMPOSITE-CRC32C:"+sprintf08x(f.CRC) {
		t.Errorf("%s %x %s", f.AlgorithmName(), f.Bytes(), f)
	}
}

func sprintf08x(v uint32) string {
	const hexdigits = "0123456789abcdef"
	b := []byte("0x00000000")
	for i := 9; i >= 2; i-- {
		b[i] = hexdigits[v&15]
		v >>= 4
	}
	return string(b)
}

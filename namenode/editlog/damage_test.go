package editlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// How the Reader meets damage: truncated records, flipped bits, unknown
// opcodes, garbage after the end marker, bad headers. A strict Reader
// reports each with an error naming the offset; a torn-tail Reader stops
// cleanly at the last good record, as Hadoop does for in-progress
// segments. Nothing panics.

// readUntilError reads ops until an error and returns the ops and it.
func readUntilError(data []byte, torn bool) (*Reader, int, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, 0, err
	}
	if torn {
		r.AllowTornTail()
	}
	n := 0
	for {
		if _, err := r.Next(); err != nil {
			return r, n, err
		}
		n++
	}
}

// recordStarts returns the offsets of every record of a segment, and the
// end of the last one.
func recordStarts(t *testing.T, seg []byte) []int64 {
	r, err := NewReader(bytes.NewReader(seg))
	if err != nil {
		t.Fatal(err)
	}
	starts := []int64{r.Offset()}
	for {
		if _, err := r.Next(); err != nil {
			return starts
		}
		starts = append(starts, r.Offset())
	}
}

// Every cut inside any record, after one whole record, is a truncated
// record in strict mode and a torn tail after that whole record otherwise.
func TestEveryTruncationIsATornTailOrAnError(t *testing.T) {
	segs := map[string][]byte{"editsStored": readFile(t, testdata(t, "hadoop", "editsStored"))}
	for _, tb := range []string{"hadoop-22-dfs-dir.tgz", "hadoop-2-reserved.tgz"} { // LV -33, -40
		dir := extract(t, testdata(t, "hadoop", tb))
		rel := editFiles(t, dir)[0]
		segs[tb] = readFile(t, filepath.Join(dir, rel))
	}
	for name, seg := range segs {
		starts := recordStarts(t, seg)
		hdr := seg[:starts[0]]
		for i := 1; i < len(starts)-1; i++ {
			prev, rec := seg[starts[i-1]:starts[i]], seg[starts[i]:starts[i+1]]
			for cut := range len(rec) {
				data := append(append(bytes.Clone(hdr), prev...), rec[:cut]...)
				checkTruncation(t, name, data, int64(len(hdr)+len(prev)), cut == 0)
			}
		}
	}
}

// checkTruncation reads data, which holds one whole record ending at good
// and then, unless atBoundary, part of another.
func checkTruncation(t *testing.T, name string, data []byte, good int64, atBoundary bool) {
	t.Helper()
	_, n, err := readUntilError(data, false)
	switch {
	case atBoundary && (err != io.EOF || n != 1):
		t.Fatalf("%s cut at a record boundary %d: %d ops, %v", name, len(data), n, err)
	case !atBoundary && (!errors.Is(err, ErrTruncated) || n != 1):
		t.Fatalf("%s cut at %d: %d ops, %v; want 1 op, ErrTruncated", name, len(data), n, err)
	case !atBoundary && !strings.Contains(err.Error(), "offset "):
		t.Fatalf("%s cut at %d: error %q names no offset", name, len(data), err)
	}
	r, n, err := readUntilError(data, true)
	if err != io.EOF || n != 1 || r.Offset() != good {
		t.Fatalf("%s cut at %d, torn-tail mode: %d ops to %d, %v; want 1 op to %d",
			name, len(data), n, r.Offset(), err, good)
	}
	if (r.TornTail() == nil) != atBoundary {
		t.Fatalf("%s cut at %d: TornTail %v", name, len(data), r.TornTail())
	}
}

// Flipping any bit of a record's txid, body or checksum is a checksum
// error at that record; flipping its opcode or length is some error.
func TestEveryFlippedByteIsDetected(t *testing.T) {
	seg := readFile(t, testdata(t, "hadoop", "editsStored"))
	starts := recordStarts(t, seg)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 1; i < len(starts); i++ {
		rec := int(starts[i-1])
		for off := rec; off < int(starts[i]); off++ {
			bad := bytes.Clone(seg)
			bad[off] ^= 1 << rng.IntN(8)
			r, n, err := readUntilError(bad, false)
			if err == io.EOF || n >= i {
				t.Fatalf("flip at %d (record at %d) went unnoticed", off, rec)
			}
			if off-rec >= 5 && (!errors.Is(err, ErrChecksum) || r.Offset() != int64(rec)) {
				t.Fatalf("flip at %d (record at %d): %v at %d, want ErrChecksum", off, rec, err, r.Offset())
			}
		}
	}
}

func TestUnknownOpcodesAreRefused(t *testing.T) {
	for _, code := range []byte{5, 6, 53, 0x7f, 0xfe} {
		rec := []byte{code, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 9}
		rec = binary.BigEndian.AppendUint32(rec, crc32IEEE(rec))
		_, _, err := readUntilError(append(header(-67), rec...), false)
		if !errors.Is(err, ErrUnknownOpcode) || !strings.Contains(err.Error(), "txid 9") {
			t.Errorf("opcode %d: %v", code, err)
		}
	}
	// Without a length, the opcode is all there is to go on.
	_, _, err := readUntilError(append(header(-39), 5, 0, 0, 0, 0, 0, 0, 0, 1), false)
	if !errors.Is(err, ErrUnknownOpcode) {
		t.Errorf("LV -39 opcode 5: %v", err)
	}
}

func TestRecordSizesOutsideTheLimitsAreCorrupt(t *testing.T) {
	for _, length := range []uint32{0, 11, 0x7fffffff, 0xffffffff} {
		rec := binary.BigEndian.AppendUint32([]byte{byte(OpStartLogSegment)}, length)
		rec = append(rec, make([]byte, 16)...)
		_, _, err := readUntilError(append(header(-67), rec...), false)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("length %d: %v", length, err)
		}
	}
}

func TestBodyLongerThanItsFieldsIsCorrupt(t *testing.T) {
	op := NewOp(OpSetGenstampV2)
	rec, _ := AppendRecord(nil, &op, CurrentLayoutVersion)
	rec = append(rec[:len(rec)-4], 0) // one stray byte
	binary.BigEndian.PutUint32(rec[1:], uint32(len(rec)-1))
	rec = binary.BigEndian.AppendUint32(rec, crc32IEEE(rec))
	_, _, err := readUntilError(append(header(-67), rec...), false)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "after the fields") {
		t.Fatalf("%v", err)
	}
}

// An in-progress segment ends in OP_INVALID padding: 0xFF (and, in old
// releases, 0x00) bytes. Anything else after the marker is corruption.
func TestPaddingEndsTheSegmentButGarbageAfterItDoesNot(t *testing.T) {
	seg := readFile(t, testdata(t, "hadoop", "editsStored"))
	padded := append(bytes.Clone(seg), bytes.Repeat([]byte{0xff, 0xff, 0, 0xff}, 300000)...)
	r, n, err := readUntilError(padded, false)
	if err != io.EOF || n != 121 || r.Offset() != int64(len(seg)) {
		t.Fatalf("padded: %d ops to %d, %v", n, r.Offset(), err)
	}
	garbage := append(bytes.Clone(padded), 0x42)
	r, _, err = readUntilError(garbage, false)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "OP_INVALID") {
		t.Fatalf("garbage after padding: %v", err)
	}
	r, n, err = readUntilError(garbage, true)
	if err != io.EOF || n != 121 || r.Offset() != int64(len(seg)) || r.TornTail() == nil {
		t.Fatalf("garbage after padding, torn-tail mode: %d ops to %d, %v, %v", n, r.Offset(), err, r.TornTail())
	}
}

func TestHeadersThatCannotBeRead(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want error
	}{
		"empty":             {nil, ErrHeader},
		"short":             {[]byte{0xff, 0xff}, ErrHeader},
		"preallocated only": {bytes.Repeat([]byte{0xff}, 1024), ErrHeader},
		"newer than -67":    {header(-68), ErrLayoutVersion},
		"older than -16":    {header(-15), ErrLayoutVersion},
		"positive":          {header(3), ErrLayoutVersion},
		"no flags word":     {header(-67)[:4], ErrHeader},
		"flags set":         {append(header(-67)[:4], 0, 0, 0, 1), ErrHeader},
	}
	for name, c := range cases {
		_, err := NewReader(bytes.NewReader(c.data))
		if !errors.Is(err, c.want) || !strings.HasPrefix(err.Error(), "editlog: ") {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if _, err := NewWriterVersion(io.Discard, -68); !errors.Is(err, ErrLayoutVersion) {
		t.Errorf("writer for -68: %v", err)
	}
}

func header(lv int32) []byte {
	var buf bytes.Buffer
	if _, err := NewWriterVersion(&buf, lv); err != nil {
		return append(binary.BigEndian.AppendUint32(nil, uint32(lv)), 0, 0, 0, 0)
	}
	return buf.Bytes()
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

package journal

import (
	"bytes"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// EditLogFileOutputStream.preallocate: before a write of n bytes, when
// fewer than n bytes of padding are left, the file grows by whole 1 MiB
// steps of OP_INVALID until they fit.
func TestPreallocationGrowsInWholeSteps(t *testing.T) {
	fsys, dirs := memDirs(t, 1)
	s, err := createSegment(fsys, dirs.Healthy()[0], 1)
	if err != nil {
		t.Fatal(err)
	}
	const mib = PreallocationLength
	for _, step := range []struct {
		write    int
		wantSize int64
	}{
		{8, mib},             // the header: one step
		{mib - 8, mib},       // fills the file exactly: no growth
		{1, 2 * mib},         // one byte more: one step
		{3 * mib, 5 * mib},   // needs 2 MiB+1 beyond the padding left: three steps
		{mib - 1, 5 * mib},   // exactly the padding left
		{2*mib + 1, 8 * mib}, // three steps again
		{0, 8 * mib},         // nothing to write
	} {
		if err := s.write(bytes.Repeat([]byte{7}, step.write)); err != nil {
			t.Fatal(err)
		}
		data, _ := fsys.ReadFile(s.path())
		if int64(len(data)) != step.wantSize || s.size != step.wantSize {
			t.Errorf("after writing %d bytes: size %d, want %d", step.write, len(data), step.wantSize)
		}
		if pad := data[s.pos:]; len(bytes.Trim(pad, "\xff")) != 0 {
			t.Errorf("after writing %d bytes: padding is not all OP_INVALID", step.write)
		}
	}
}

// A crash in the middle of a write leaves a torn record; the in-progress
// segment then ends at the last whole record, for the scanner and for
// Replay, whatever follows (padding, half a record, garbage).
func TestTornTailEndsTheInProgressSegment(t *testing.T) {
	fsys, dirs := memDirs(t, 1)
	j := open(t, fsys, dirs, 1, Options{})
	appendSync(t, j, setOwner("/a"), setOwner("/b"))
	j.Abort()
	path := dirs.Healthy()[0].File(storage.InProgressName(1))
	data, _ := fsys.ReadFile(path)
	r, _ := decode(t, data, false)
	end := int(r.Offset())
	rec, _ := editlog.AppendRecord(nil, setOwner("/torn"), editlog.CurrentLayoutVersion)
	for name, tail := range map[string][]byte{
		"padding only":                   nil,
		"half a record, then 0xFF":       rec[:len(rec)/2],
		"a record with a bad CRC":        append(rec[:len(rec)-1:len(rec)-1], rec[len(rec)-1]^1),
		"half a record at the end":       rec[:len(rec)/2],
		"an opcode Hadoop does not know": {0x77, 1, 2, 3},
	} {
		torn := append(append([]byte(nil), data[:end]...), tail...)
		if name != "half a record at the end" {
			torn = append(torn, data[end+len(tail):]...)
		}
		fsys.WriteFile(path, torn)
		scan, err := Scanner(fsys)(path)
		if err != nil || scan.LastTxID != 3 {
			t.Errorf("%s: scan %+v %v, want last txid 3", name, scan, err)
		}
		p := plan(t, fsys, dirs, true)
		if ops := replayAll(t, fsys, p); len(ops) != 3 || ops[2].Path != "/b" {
			t.Errorf("%s: replayed %d ops", name, len(ops))
		}
	}
}

func TestScannerOnDamagedHeaders(t *testing.T) {
	fsys := storage.NewMemFS()
	for name, data := range map[string][]byte{
		"empty":             {},
		"short":             {0xff, 0xff},
		"preallocated only": bytes.Repeat([]byte{0xff}, 64),
		"unknown layout":    {0, 0, 0, 1, 0, 0, 0, 0},
	} {
		fsys.WriteFile("/s", data)
		scan, err := Scanner(fsys)("/s")
		if err != nil || !scan.CorruptHeader {
			t.Errorf("%s: %+v %v, want a corrupt header", name, scan, err)
		}
	}
	fsys.WriteFile("/s", append(bytes.Clone(header), bytes.Repeat([]byte{0xff}, 100)...))
	if scan, err := Scanner(fsys)("/s"); err != nil || scan.CorruptHeader || scan.LastTxID != storage.InvalidTxID {
		t.Errorf("header only: %+v %v, want no transaction", scan, err)
	}
	if _, err := Scanner(fsys)("/missing"); err == nil {
		t.Error("scan of a missing file succeeded")
	}
}

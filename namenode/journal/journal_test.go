package journal

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

var ctx = context.Background()

func open(t testing.TB, fsys storage.FS, dirs *storage.Dirs, first int64, opts Options) *Journal {
	t.Helper()
	j, err := Open(fsys, dirs, first, opts)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func appendSync(t testing.TB, j *Journal, ops ...*editlog.Op) int64 {
	t.Helper()
	txid, err := j.Append(ops...)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Sync(ctx, txid); err != nil {
		t.Fatal(err)
	}
	return txid
}

// A new segment is edits_inprogress_<first>: the -67 header and
// OP_START_LOG_SEGMENT with txid <first>, synced, in a file preallocated
// to 1 MiB of OP_INVALID.
func TestOpenStartsASegment(t *testing.T) {
	fsys, dirs := memDirs(t, 2)
	j := open(t, fsys, dirs, 452, Options{})
	if got := j.LastSyncedTxID(); got != 452 {
		t.Errorf("last synced %d, want 452", got)
	}
	fsys.Crash() // only what was synced is left
	for _, d := range dirs.Healthy() {
		data, err := fsys.ReadFile(d.File("edits_inprogress_0000000000000000452"))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != PreallocationLength {
			t.Errorf("size %d, want %d", len(data), PreallocationLength)
		}
		if !bytes.Equal(data[:8], []byte{0xff, 0xff, 0xff, 0xbd, 0, 0, 0, 0}) {
			t.Errorf("header % x", data[:8])
		}
		r, ops := decode(t, data, false)
		if len(ops) != 1 || ops[0].Code != editlog.OpStartLogSegment || ops[0].TxID != 452 {
			t.Errorf("ops %+v", ops)
		}
		if pad := data[r.Offset():]; len(bytes.Trim(pad, "\xff")) != 0 {
			t.Error("the padding is not all OP_INVALID")
		}
	}
}

func TestAppendAssignsConsecutiveTxIDs(t *testing.T) {
	fsys, dirs := memDirs(t, 1)
	j := open(t, fsys, dirs, 1, Options{})
	a, b, c := setOwner("/a"), setOwner("/b"), setOwner("/c")
	if last := appendSync(t, j, a, b); last != 3 || a.TxID != 2 || b.TxID != 3 {
		t.Errorf("last %d, txids %d %d", last, a.TxID, b.TxID)
	}
	if last := appendSync(t, j, c); last != 4 {
		t.Errorf("last %d", last)
	}
	if j.LastWrittenTxID() != 4 || j.LastSyncedTxID() != 4 || j.SegmentFirstTxID() != 1 || j.SegmentTxns() != 4 {
		t.Errorf("written %d synced %d first %d txns %d", j.LastWrittenTxID(), j.LastSyncedTxID(),
			j.SegmentFirstTxID(), j.SegmentTxns())
	}
	// An op that cannot be encoded changes nothing.
	bad := editlog.NewOp(editlog.OpDatanodeAdd)
	if _, err := j.Append(setOwner("/d"), &bad); !errors.Is(err, editlog.ErrNotWritable) {
		t.Errorf("append of an obsolete op: %v", err)
	}
	if j.LastWrittenTxID() != 4 {
		t.Errorf("written %d after a failed append", j.LastWrittenTxID())
	}
	if err := j.Sync(ctx, 9); !errors.Is(err, ErrInvalid) {
		t.Errorf("sync past the last append: %v", err)
	}
}

// Roll ends the segment with OP_END_LOG_SEGMENT, cuts the padding, names
// it edits_<first>-<last> and opens edits_inprogress_<last+1>.
func TestRollFinalizesTheSegment(t *testing.T) {
	fsys, dirs := memDirs(t, 2)
	j := open(t, fsys, dirs, 1, Options{})
	appendSync(t, j, setOwner("/a"), setOwner("/b"), setOwner("/c"))
	next, err := j.Roll()
	if err != nil || next != 6 || j.SegmentFirstTxID() != 6 || j.LastSyncedTxID() != 6 {
		t.Fatalf("roll: %d %v, segment %d synced %d", next, err, j.SegmentFirstTxID(), j.LastSyncedTxID())
	}
	fsys.Crash()
	for _, d := range dirs.Healthy() {
		names, _ := fsys.ReadDir(d.Current())
		want := []string{"VERSION", "edits_0000000000000000001-0000000000000000005",
			"edits_inprogress_0000000000000000006", "fsimage_0000000000000000000"}
		if !equal(names, want) {
			t.Errorf("%s holds %v, want %v", d.Root, names, want)
		}
		data, _ := fsys.ReadFile(d.File(storage.EditsName(1, 5)))
		r, ops := decode(t, data, false)
		if r.Offset() != int64(len(data)) {
			t.Errorf("finalized file has %d bytes after its records", int64(len(data))-r.Offset())
		}
		codes := []editlog.Opcode{editlog.OpStartLogSegment, editlog.OpSetOwner, editlog.OpSetOwner,
			editlog.OpSetOwner, editlog.OpEndLogSegment}
		for i, o := range ops {
			if o.Code != codes[i] || o.TxID != int64(i+1) {
				t.Errorf("op %d: %v txid %d", i, o.Code, o.TxID)
			}
		}
		if ops := readOps(t, fsys, d.File(storage.InProgressName(6)), false); len(ops) != 1 ||
			ops[0].Code != editlog.OpStartLogSegment || ops[0].TxID != 6 {
			t.Errorf("new segment: %+v", ops)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCloseFinalizesAndAbortLeavesInProgress(t *testing.T) {
	fsys, dirs := memDirs(t, 1)
	j := open(t, fsys, dirs, 1, Options{})
	appendSync(t, j, setOwner("/a"))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Append(setOwner("/b")); !errors.Is(err, ErrClosed) {
		t.Errorf("append after close: %v", err)
	}
	if _, err := fsys.Stat(dirs.Healthy()[0].File(storage.EditsName(1, 3))); err != nil {
		t.Error(err)
	}

	j = open(t, fsys, dirs, 4, Options{})
	appendSync(t, j, setOwner("/c"))
	if _, err := j.Append(setOwner("/lost")); err != nil {
		t.Fatal(err)
	}
	j.Abort()
	scan, err := Scanner(fsys)(dirs.Healthy()[0].File(storage.InProgressName(4)))
	if err != nil || scan.LastTxID != 5 || scan.CorruptHeader {
		t.Errorf("scan of the aborted segment: %+v %v, want last txid 5", scan, err)
	}
	if err := j.Sync(ctx, 6); !errors.Is(err, ErrClosed) {
		t.Errorf("sync after abort: %v", err)
	}
}

// Open refuses directories still holding a segment that reaches the txid
// it would start at, or one in progress: recovery comes first.
func TestOpenNeedsRecoveredDirectories(t *testing.T) {
	fsys, dirs := memDirs(t, 1)
	j := open(t, fsys, dirs, 1, Options{})
	appendSync(t, j, setOwner("/a"))
	j.Abort()
	if _, err := Open(fsys, dirs, 3, Options{}); !errors.Is(err, ErrNotRecovered) {
		t.Errorf("open over an in-progress segment: %v", err)
	}
	recoverDirs(t, fsys, dirs)
	if _, err := Open(fsys, dirs, 2, Options{}); !errors.Is(err, ErrNotRecovered) {
		t.Errorf("open inside edits_1-2: %v", err)
	}
	if _, err := Open(fsys, dirs, 3, Options{}); err != nil {
		t.Errorf("open after recovery: %v", err)
	}
}

func TestShouldRoll(t *testing.T) {
	if got := RollThreshold(0.5, 1_000_000); got != DefaultRollThreshold {
		t.Errorf("default threshold %d", got)
	}
	if got := RollThreshold(0.3, 10); got != 3 {
		t.Errorf("0.3 × 10 = %d, want 3 (float arithmetic, truncated)", got)
	}
	fsys, dirs := memDirs(t, 1)
	j := open(t, fsys, dirs, 1, Options{RollThreshold: 3})
	appendSync(t, j, setOwner("/a"), setOwner("/b"))
	if j.ShouldRoll() {
		t.Error("3 txns do not exceed 3")
	}
	appendSync(t, j, setOwner("/c"))
	if !j.ShouldRoll() {
		t.Error("4 txns exceed 3")
	}
	j.Roll()
	if j.ShouldRoll() || j.SegmentTxns() != 1 {
		t.Errorf("after roll: %d txns", j.SegmentTxns())
	}
}

// Hadoop reads our segments: the journal, given the ops of Hadoop 3.3.2's
// first segment, writes a file whose oev XML is Hadoop's dump of that
// segment, but for the layout version.
func TestOurSegmentReadsLikeHadoops(t *testing.T) {
	want, err := os.ReadFile(testdata(t, "hadoop-3.3.2", "nn-dumps", "edits_0000000000000000001-0000000000000000431.xml"))
	if err != nil {
		t.Fatal(err)
	}
	ops := fromXML(t, want)
	fsys, dirs := memDirs(t, 1)
	j := open(t, fsys, dirs, 1, Options{})
	for i := range ops[1 : len(ops)-1] { // the journal writes START and END
		o := ops[1+i]
		if _, err := j.Append(&o); err != nil {
			t.Fatal(err)
		}
		if i%7 == 0 {
			if err := j.Sync(ctx, o.TxID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := fsys.ReadFile(dirs.Healthy()[0].File(storage.EditsName(1, 431)))
	if err != nil {
		t.Fatal(err)
	}
	r, got := decode(t, data, false)
	if r.LayoutVersion() != -67 {
		t.Errorf("layout %d", r.LayoutVersion())
	}
	xml := toXML(t, -66, got)
	if !bytes.Equal(xml, want) {
		t.Errorf("XML differs from Hadoop's dump (%d and %d bytes)", len(xml), len(want))
		os.WriteFile(filepath.Join(t.TempDir(), "got.xml"), xml, 0o644)
	}
}

package disk

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

var stockSI = core.StorageInfo{LayoutVersion: -66, NamespaceID: 552735754,
	ClusterID: "CID-301977bf-eef9-4ddf-aa0d-4cba6b566d19", CTime: 1795431319195}

// TestLoadStockDirectory reads a stock JournalNode's directory.
func TestLoadStockDirectory(t *testing.T) {
	root := filepath.Join(golden.Extract(t, "hadoop-3.3.2", "jn-dirs.tgz"), "jn1", "ns1")
	d, err := Open(storage.OSFS, root, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !s.Formatted || s.Storage != stockSI || s.LastPromised != 3 || s.LastWriter != 3 || s.Committed != 81 || len(s.Segments) != 9 {
		t.Fatalf("%+v", s)
	}
	if last := s.Segments[8]; last != (core.Segment{Start: 82, End: 82, InProgress: true}) {
		t.Fatalf("in progress: %v", last)
	}
	// VERSION as we write it is the stock file, but for the date comment.
	want, _ := os.ReadFile(filepath.Join(root, "current", "VERSION"))
	got := VersionFile(stockSI, time.Now())
	if cut(got) != cut(want) {
		t.Fatalf("VERSION\n%s\nwant\n%s", got, want)
	}
}

func cut(b []byte) string { return strings.SplitN(string(b), "\n", 2)[1] }

func TestPaxosFileRoundTrip(t *testing.T) {
	p := core.Paxos{Segment: core.Segment{Start: 39, End: 54, InProgress: true}, AcceptedInEpoch: 3}
	b := PaxosFile(p)
	got, err := ParsePaxos(b)
	if err != nil || got != p {
		t.Fatalf("%v %v", got, err)
	}
	wantText := "segmentState {\n  startTxId: 39\n  endTxId: 54\n  isInProgress: true\n}\nacceptedInEpoch: 3\n\n"
	if !bytes.HasSuffix(b, []byte("\n"+wantText)) {
		t.Fatalf("%q", b)
	}
	for i := range len(b) - len(wantText) - 1 {
		if _, err := ParsePaxos(b[:i]); err == nil {
			t.Fatalf("truncated at %d accepted", i)
		}
	}
}

// TestApplyWritesHadoopFiles: the small files have Hadoop's bytes and a
// segment is a header, records and OP_INVALID padding, cut at close.
func TestApplyWritesHadoopFiles(t *testing.T) {
	fsys := storage.NewMemFS()
	d, _ := Open(fsys, "/jn/ns1", nil, func() time.Time { return time.Unix(0, 0) })
	ctx := context.Background()
	rec := []byte{0x18, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 1, 0x70, 0x43, 0xf0, 0xb7}
	err := d.Apply(ctx, []core.Action{
		{Op: core.FormatDir, Storage: stockSI},
		{Op: core.PersistPromised, Value: 12},
		{Op: core.PersistWriter, Value: 3},
		{Op: core.PersistCommitted, Value: 81},
		{Op: core.CreateSegment, Start: 1, LayoutVersion: -66},
		{Op: core.WriteRecords, Start: 1, Data: rec, Sync: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := storage.ReadFile(fsys, "/jn/ns1/current/"+name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if string(read(FilePromised)) != "12\n" || string(read(FileWriter)) != "3\n" ||
		!bytes.Equal(read(FileCommitted), []byte{0, 0, 0, 0, 0, 0, 0, 0x51}) {
		t.Fatal("long files")
	}
	seg := read("edits_inprogress_0000000000000000001")
	if len(seg) != PreallocationLength || !bytes.Equal(seg[:8], []byte{0xff, 0xff, 0xff, 0xbe, 0, 0, 0, 0}) ||
		!bytes.Equal(seg[8:8+len(rec)], rec) || seg[8+len(rec)] != 0xff {
		t.Fatalf("segment %x", seg[:40])
	}
	if err := d.Apply(ctx, []core.Action{{Op: core.CloseSegment, Start: 1, End: 1}}); err != nil {
		t.Fatal(err)
	}
	if got := read("edits_0000000000000000001-0000000000000000001"); len(got) != 8+len(rec) {
		t.Fatalf("finalized %d bytes", len(got))
	}
	s, err := d.Load()
	if err != nil || s.LastPromised != 12 || s.Committed != 81 || len(s.Segments) != 1 {
		t.Fatalf("%+v %v", s, err)
	}
}

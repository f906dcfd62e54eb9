package namenode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// recordedDiffListing is the getSnapshotDiffReportListing call the stock
// `hdfs snapshotDiff /snap s1 s2-renamed` made of a Hadoop 3.3.2
// NameNode, and the answer it got.
func recordedDiffListing(t *testing.T) (req, resp []byte) {
	dir, _ := os.Getwd()
	var base string
	for {
		p := filepath.Join(dir, "shared", "testdata", "hadoop-3.3.2", "captures", "a2-client-nn-rpc-full-workload")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			base = filepath.Join(p, "conn168-50846-37100")
			break
		}
		if filepath.Dir(dir) == dir {
			t.Skip("no shared/testdata/hadoop-3.3.2/captures")
		}
		dir = filepath.Dir(dir)
	}
	c2s, err := os.ReadFile(base + ".c2s.bin")
	if err != nil {
		t.Skip(err)
	}
	s2c, err := os.ReadFile(base + ".s2c.bin")
	if err != nil {
		t.Skip(err)
	}
	for _, fr := range recordedFrames(c2s[hadooprpc.PreambleLen:]) {
		h, rest := mustDelimited(t, fr)
		var rh commonpb.RpcRequestHeaderProto
		if err := proto.Unmarshal(h, &rh); err != nil || rh.GetCallId() < 0 {
			continue
		}
		_, rest = mustDelimited(t, rest) // RequestHeaderProto
		req, _ = mustDelimited(t, rest)
	}
	for _, fr := range recordedFrames(s2c) {
		_, rest := mustDelimited(t, fr)
		resp, _ = mustDelimited(t, rest)
	}
	return req, resp
}

func recordedFrames(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint32(b))
		if len(b) < 4+n {
			break
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out
}

func mustDelimited(t *testing.T, b []byte) (msg, rest []byte) {
	t.Helper()
	msg, rest, err := hadooprpc.NextDelimited(b)
	if err != nil {
		t.Fatal(err)
	}
	return msg, rest
}

// listingLines renders a listing with inode ids replaced by the names
// ids maps them to, so that two NameNodes that numbered the same
// inodes differently compare equal.
func listingLines(l *hdfspb.SnapshotDiffReportListingProto, ids map[uint64]string) []string {
	var out []string
	for _, part := range []struct {
		label string
		es    []*hdfspb.SnapshotDiffReportListingEntryProto
	}{{"M", l.GetModifiedEntries()}, {"+", l.GetCreatedEntries()}, {"-", l.GetDeletedEntries()}} {
		for _, e := range part.es {
			out = append(out, fmt.Sprintf("%s %q dir=%s file=%s ref=%v target=%q", part.label, e.GetFullpath(),
				ids[e.GetDirId()], ids[e.GetFileId()], e.GetIsReference(), e.GetTargetPath()))
		}
	}
	return append(out, fmt.Sprintf("fromEarlier=%v cursor=%q/%d", l.GetIsFromEarlier(),
		l.GetCursor().GetStartPath(), l.GetCursor().GetIndex()))
}

// The stock client's snapshotDiff, replayed: hdfsd builds the scenario
// the recording was made in (a chmod stands in for the append and the
// truncate, which modify a file the same way for the diff) and answers
// the recorded request as Hadoop did, inode for inode.
func TestSnapshotDiffListingAnswersLikeHadoop(t *testing.T) {
	req, resp := recordedDiffListing(t)
	var want hdfspb.GetSnapshotDiffReportListingResponseProto
	if err := proto.Unmarshal(resp, &want); err != nil {
		t.Fatal(err)
	}
	var q hdfspb.GetSnapshotDiffReportListingRequestProto
	if err := proto.Unmarshal(req, &q); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	defer nn.stop()
	chmod := func(p string) {
		nn.mustCall("setPermission", &hdfspb.SetPermissionRequestProto{Src: proto.String(p),
			Permission: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o600)}}, &hdfspb.SetPermissionResponseProto{})
	}
	snap := func(name string) {
		nn.mustCall("createSnapshot", &hdfspb.CreateSnapshotRequestProto{SnapshotRoot: proto.String("/snap"),
			SnapshotName: proto.String(name)}, &hdfspb.CreateSnapshotResponseProto{})
	}
	nn.mkdirs("/snap/dir1")
	for _, f := range []string{"f1", "f2", "dir1/f3", "trunc-in-snap", "append-in-snap"} {
		nn.touch("/snap/" + f)
	}
	nn.mustCall("allowSnapshot", &hdfspb.AllowSnapshotRequestProto{SnapshotRoot: proto.String("/snap")}, &hdfspb.AllowSnapshotResponseProto{})
	snap("s1")
	nn.mustCall("delete", &hdfspb.DeleteRequestProto{Src: proto.String("/snap/f2"), Recursive: proto.Bool(false)}, &hdfspb.DeleteResponseProto{})
	nn.mustCall("rename", &hdfspb.RenameRequestProto{Src: proto.String("/snap/f1"), Dst: proto.String("/snap/f1-renamed")}, &hdfspb.RenameResponseProto{})
	chmod("/snap/append-in-snap")
	chmod("/snap/trunc-in-snap")
	nn.touch("/snap/new-after-s1")
	chmod("/snap/dir1/f3")
	snap("s2")
	nn.mustCall("delete", &hdfspb.DeleteRequestProto{Src: proto.String("/snap/dir1"), Recursive: proto.Bool(true)}, &hdfspb.DeleteResponseProto{})
	snap("s3")
	nn.mustCall("renameSnapshot", &hdfspb.RenameSnapshotRequestProto{SnapshotRoot: proto.String("/snap"),
		SnapshotOldName: proto.String("s2"), SnapshotNewName: proto.String("s2-renamed")}, &hdfspb.RenameSnapshotResponseProto{})

	// Hadoop's inode ids in the recording, and ours.
	hadoopIDs := map[uint64]string{16399: "snap", 16434: "f1", 16435: "f2", 16436: "f3",
		16437: "trunc", 16438: "append", 16439: "new"}
	ours := map[uint64]string{}
	for p, name := range map[string]string{"/snap": "snap", "/snap/f1-renamed": "f1", "/snap/.snapshot/s1/f2": "f2",
		"/snap/.snapshot/s1/dir1/f3": "f3", "/snap/trunc-in-snap": "trunc", "/snap/append-in-snap": "append",
		"/snap/new-after-s1": "new"} {
		ours[nn.stat(p).GetFileId()] = name
	}
	var got hdfspb.GetSnapshotDiffReportListingResponseProto
	nn.mustCall("getSnapshotDiffReportListing", &q, &got)
	w, g := listingLines(want.GetDiffReport(), hadoopIDs), listingLines(got.GetDiffReport(), ours)
	if fmt.Sprint(w) != fmt.Sprint(g) {
		t.Fatalf("listing differs from Hadoop's:\n got %q\nwant %q", g, w)
	}
	// Every field Hadoop sends is sent (the required ones and the
	// optional target path, file id and cursor).
	for _, e := range got.GetDiffReport().GetModifiedEntries() {
		if e.TargetPath == nil || e.FileId == nil {
			t.Fatalf("entry without its optional fields: %v", e)
		}
	}
	if got.GetDiffReport().Cursor == nil {
		t.Fatal("no cursor")
	}
}

// Over RPC with the default limit the whole diff is one page; paging by a
// cursor from the middle goes on where a page ended.
func TestSnapshotDiffListingOverRPC(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	defer nn.stop()
	nn.mkdirs("/d")
	nn.touch("/d/a")
	nn.mustCall("allowSnapshot", &hdfspb.AllowSnapshotRequestProto{SnapshotRoot: proto.String("/d")}, &hdfspb.AllowSnapshotResponseProto{})
	nn.mustCall("createSnapshot", &hdfspb.CreateSnapshotRequestProto{SnapshotRoot: proto.String("/d"), SnapshotName: proto.String("s1")}, &hdfspb.CreateSnapshotResponseProto{})
	nn.touch("/d/b")
	nn.touch("/d/c")
	nn.mustCall("createSnapshot", &hdfspb.CreateSnapshotRequestProto{SnapshotRoot: proto.String("/d"), SnapshotName: proto.String("s2")}, &hdfspb.CreateSnapshotResponseProto{})
	list := func(from, to string, start string, index int32) *hdfspb.SnapshotDiffReportListingProto {
		var r hdfspb.GetSnapshotDiffReportListingResponseProto
		nn.mustCall("getSnapshotDiffReportListing", &hdfspb.GetSnapshotDiffReportListingRequestProto{
			SnapshotRoot: proto.String("/d"), FromSnapshot: proto.String(from), ToSnapshot: proto.String(to),
			Cursor: &hdfspb.SnapshotDiffReportCursorProto{StartPath: []byte(start), Index: proto.Int32(index)}}, &r)
		return r.GetDiffReport()
	}
	l := list("s1", "s2", "", -1)
	if len(l.GetModifiedEntries()) != 1 || len(l.GetCreatedEntries()) != 2 || !l.GetIsFromEarlier() ||
		string(l.GetCursor().GetStartPath()) != "" || l.GetCursor().GetIndex() != -1 {
		t.Fatalf("listing %v", l)
	}
	// Resuming at the second created entry of the root directory.
	l = list("s1", "s2", "", 1)
	if len(l.GetModifiedEntries()) != 0 || len(l.GetCreatedEntries()) != 1 || string(l.GetCreatedEntries()[0].GetFullpath()) != "c" {
		t.Fatalf("resumed listing %v", l)
	}
	l = list("s2", "s1", "", -1)
	if l.GetIsFromEarlier() || len(l.GetCreatedEntries()) != 2 {
		t.Fatalf("reversed listing %v", l)
	}
	err := nn.call("getSnapshotDiffReportListing", &hdfspb.GetSnapshotDiffReportListingRequestProto{
		SnapshotRoot: proto.String("/d"), FromSnapshot: proto.String("nope"), ToSnapshot: proto.String("s1"),
		Cursor: &hdfspb.SnapshotDiffReportCursorProto{StartPath: []byte{}, Index: proto.Int32(-1)}}, &hdfspb.GetSnapshotDiffReportListingResponseProto{})
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Class != hadooprpc.ClassSnapshot {
		t.Fatalf("unknown snapshot: %v", err)
	}
}

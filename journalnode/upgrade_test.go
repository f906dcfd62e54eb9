package journalnode

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

var upNS = core.StorageInfo{LayoutVersion: -66, NamespaceID: 7, ClusterID: "CID-up", CTime: 0}

func osNode(t *testing.T, dir string) *node {
	t.Helper()
	n := &node{fs: storage.OSFS, editsDir: dir, cacheBytes: DefaultCacheBytes, log: discard(),
		httpPort: func() int { return 1 }, httpURI: func() string { return "" }}
	t.Cleanup(func() { n.close() })
	return n
}

// rpc calls method through the translation layer.
func rpc(t *testing.T, n *node, method string, req proto.Message) (proto.Message, error) {
	t.Helper()
	h, ok := jnrpc.Protocol(n).Methods[method]
	if !ok {
		t.Fatalf("no method %s", method)
	}
	return h.Call(context.Background(), req)
}

func jidP() *pb.JournalIdProto { return &pb.JournalIdProto{Identifier: proto.String("ns1")} }

func siProto(si core.StorageInfo) *hdfspb.StorageInfoProto {
	return &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(uint32(si.LayoutVersion)),
		NamespceID: proto.Uint32(uint32(si.NamespaceID)), ClusterID: proto.String(si.ClusterID),
		CTime: proto.Uint64(uint64(si.CTime))}
}

// writeSegments formats ns1 and writes finalized segments [a,b] in epoch.
func writeSegments(t *testing.T, n *node, epoch int64, format bool, segs ...[2]int64) {
	t.Helper()
	ctx := context.Background()
	if format {
		must(t, n.Format(ctx, "ns1", "", upNS, false))
	}
	if _, _, err := n.NewEpoch(ctx, "ns1", "", upNS, epoch); err != nil {
		t.Fatal(err)
	}
	serial := int64(0)
	for _, s := range segs {
		must(t, n.StartLogSegment(ctx, req(epoch, serial, 0), s[0], -66))
		var recs []byte
		for tx := s[0]; tx <= s[1]; tx++ {
			recs = append(recs, op(tx)...)
		}
		must(t, n.Journal(ctx, req(epoch, serial+1, 0), s[0], s[0], int(s[1]-s[0]+1), recs))
		must(t, n.FinalizeLogSegment(ctx, req(epoch, serial+2, s[1]), s[0], s[1]))
		serial += 3
	}
}

func cTime(t *testing.T, n *node) int64 {
	t.Helper()
	resp, err := rpc(t, n, "getJournalCTime", &pb.GetJournalCTimeRequestProto{Jid: jidP()})
	if err != nil {
		t.Fatal(err)
	}
	return resp.(*pb.GetJournalCTimeResponseProto).GetResultCTime()
}

func canRollBack(t *testing.T, n *node, lv int32) (bool, error) {
	t.Helper()
	resp, err := rpc(t, n, "canRollBack", &pb.CanRollBackRequestProto{Jid: jidP(), Storage: siProto(upNS),
		PrevStorage: siProto(upNS), TargetLayoutVersion: proto.Int32(lv)})
	if err != nil {
		return false, err
	}
	return resp.(*pb.CanRollBackResponseProto).GetCanRollBack(), nil
}

func manifestStarts(t *testing.T, n *node) []int64 {
	t.Helper()
	m, err := n.Manifest(context.Background(), "ns1", "", 0, true)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, s := range m.Logs {
		out = append(out, s.Start)
	}
	return out
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

var upgraded = core.StorageInfo{LayoutVersion: -67, CTime: 1700000000000}

func upgrade(t *testing.T, n *node) {
	t.Helper()
	if _, err := rpc(t, n, "doPreUpgrade", &pb.DoPreUpgradeRequestProto{Jid: jidP()}); err != nil {
		t.Fatal(err)
	}
	if _, err := rpc(t, n, "doUpgrade", &pb.DoUpgradeRequestProto{Jid: jidP(), SInfo: siProto(upgraded)}); err != nil {
		t.Fatal(err)
	}
}

// An upgrade keeps the edits (linked into the new current/) and the
// epochs, writes the new layout and cTime, and keeps the old directory
// as previous/ until doFinalize drops it.
func TestUpgradeThenFinalize(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "ns1")
	n := osNode(t, dir)
	writeSegments(t, n, 1, true, [2]int64{1, 3})
	if got := cTime(t, n); got != 0 {
		t.Fatalf("cTime %d before the upgrade", got)
	}
	if _, err := rpc(t, n, "doPreUpgrade", &pb.DoPreUpgradeRequestProto{Jid: jidP()}); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(root, "previous.tmp", "VERSION")) || exists(filepath.Join(root, "current", "VERSION")) ||
		!exists(filepath.Join(root, "current", storage.EditsName(1, 3))) {
		t.Fatal("doPreUpgrade: want previous.tmp/VERSION, no current/VERSION, the edits linked")
	}
	if _, err := rpc(t, n, "doUpgrade", &pb.DoUpgradeRequestProto{Jid: jidP(), SInfo: siProto(upgraded)}); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(root, "previous", "VERSION")) || exists(filepath.Join(root, "previous.tmp")) {
		t.Fatal("doUpgrade: want previous/ and no previous.tmp")
	}
	v, _ := os.ReadFile(filepath.Join(root, "current", "VERSION"))
	for _, want := range []string{"layoutVersion=-67", "cTime=1700000000000", "namespaceID=7", "clusterID=CID-up"} {
		if !strings.Contains(string(v), want) {
			t.Fatalf("current/VERSION lacks %s:\n%s", want, v)
		}
	}
	if got := cTime(t, n); got != upgraded.CTime {
		t.Fatalf("cTime %d after the upgrade", got)
	}
	if e, err := n.LastPromised(context.Background(), "ns1", ""); err != nil || e != 1 {
		t.Fatalf("promised epoch %d %v after the upgrade, want 1", e, err)
	}
	if got := manifestStarts(t, n); !slices.Equal(got, []int64{1}) {
		t.Fatalf("segments %v after the upgrade", got)
	}
	if ok, err := canRollBack(t, n, -66); err != nil || !ok {
		t.Fatalf("canRollBack(-66) = %v %v, want true", ok, err)
	}
	var re *hadooprpc.RemoteError
	if _, err := canRollBack(t, n, -60); !errors.As(err, &re) || re.Class != hadooprpc.ClassIOException ||
		!strings.Contains(re.Message, "Cannot rollback to storage version -66") {
		t.Fatalf("canRollBack(-60): %v", err)
	}
	// A second upgrade is refused while previous/ exists.
	_, err := rpc(t, n, "doPreUpgrade", &pb.DoPreUpgradeRequestProto{Jid: jidP()})
	if !errors.As(err, &re) || re.Class != jnrpc.ClassIllegalState || !strings.Contains(re.Message, "Previous directory must not exist") {
		t.Fatalf("second doPreUpgrade: %v", err)
	}
	if _, err := rpc(t, n, "doFinalize", &pb.DoFinalizeRequestProto{Jid: jidP()}); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(root, "previous")) || exists(filepath.Join(root, "finalized.tmp")) {
		t.Fatal("doFinalize left previous/ or finalized.tmp")
	}
	if ok, err := canRollBack(t, n, -66); err != nil || ok {
		t.Fatalf("canRollBack after finalize = %v %v, want false", ok, err)
	}
	// The upgraded journal takes new writes.
	writeSegments(t, n, 2, false, [2]int64{4, 5})
	if got := manifestStarts(t, n); !slices.Equal(got, []int64{1, 4}) {
		t.Fatalf("segments %v", got)
	}
}

// doRollback brings back the journal as it was before doPreUpgrade:
// segments written since are gone, and so is the new cTime.
func TestRollbackRestoresPrevious(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "ns1")
	n := osNode(t, dir)
	writeSegments(t, n, 1, true, [2]int64{1, 3})
	upgrade(t, n)
	writeSegments(t, n, 2, false, [2]int64{4, 6})
	if _, err := rpc(t, n, "doRollback", &pb.DoRollbackRequestProto{Jid: jidP()}); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(root, "previous")) || exists(filepath.Join(root, "removed.tmp")) {
		t.Fatal("doRollback left previous/ or removed.tmp")
	}
	if got := cTime(t, n); got != 0 {
		t.Fatalf("cTime %d after rollback", got)
	}
	if got := manifestStarts(t, n); !slices.Equal(got, []int64{1}) {
		t.Fatalf("segments %v after rollback", got)
	}
	if e, _ := n.LastPromised(context.Background(), "ns1", ""); e != 1 {
		t.Fatalf("promised epoch %d after rollback, want 1", e)
	}
	// Without previous/ a rollback does nothing; canRollBack says false.
	if _, err := rpc(t, n, "doRollback", &pb.DoRollbackRequestProto{Jid: jidP()}); err != nil {
		t.Fatal(err)
	}
	if ok, err := canRollBack(t, n, -66); err != nil || ok {
		t.Fatalf("canRollBack = %v %v", ok, err)
	}
}

// A crash between the renames of doPreUpgrade, doUpgrade, doFinalize or
// doRollback leaves a state the next load completes or undoes, as
// Storage.analyzeStorage and doRecover do.
func TestUpgradeCrashPointsRecoveredOnLoad(t *testing.T) {
	mv := func(root, from, to string) {
		if err := os.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		upgraded bool // the directory is upgraded (previous/ exists) before the crash
		crash    func(root string)
		cTime    int64
		previous bool
	}{
		{"pre-upgrade: current renamed", false, func(r string) { mv(r, "current", "previous.tmp") }, 0, false},
		{"pre-upgrade: new current made", false, func(r string) {
			mv(r, "current", "previous.tmp")
			os.Mkdir(filepath.Join(r, "current"), 0o755)
		}, 0, false},
		{"upgrade: VERSION written", true, func(r string) { mv(r, "previous", "previous.tmp") }, upgraded.CTime, true},
		{"finalize: previous renamed", true, func(r string) { mv(r, "previous", "finalized.tmp") }, upgraded.CTime, false},
		{"rollback: current renamed", true, func(r string) { mv(r, "current", "removed.tmp") }, upgraded.CTime, true},
		{"rollback: previous renamed", true, func(r string) {
			mv(r, "current", "removed.tmp")
			mv(r, "previous", "current")
		}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			root := filepath.Join(dir, "ns1")
			n := osNode(t, dir)
			writeSegments(t, n, 1, true, [2]int64{1, 3})
			if tc.upgraded {
				upgrade(t, n)
			}
			n.close()
			tc.crash(root)
			n2 := osNode(t, dir)
			if got := cTime(t, n2); got != tc.cTime {
				t.Fatalf("cTime %d after recovery, want %d", got, tc.cTime)
			}
			for _, d := range []string{"previous.tmp", "removed.tmp", "finalized.tmp"} {
				if exists(filepath.Join(root, d)) {
					t.Fatalf("%s left after recovery", d)
				}
			}
			if got := exists(filepath.Join(root, "previous")); got != tc.previous {
				t.Fatalf("previous/ exists: %v, want %v", got, tc.previous)
			}
			if got := manifestStarts(t, n2); !slices.Equal(got, []int64{1}) {
				t.Fatalf("segments %v after recovery", got)
			}
		})
	}
}

// discardSegments moves every segment from the txid on aside as .trash
// and lowers the committed txid (FileJournalManager.discardEditLogSegments).
func TestDiscardSegmentsThroughRPC(t *testing.T) {
	dir := t.TempDir()
	cur := filepath.Join(dir, "ns1", "current")
	n := osNode(t, dir)
	writeSegments(t, n, 1, true, [2]int64{1, 3}, [2]int64{4, 6}, [2]int64{7, 9})
	var re *hadooprpc.RemoteError
	_, err := rpc(t, n, "discardSegments", &pb.DiscardSegmentsRequestProto{Jid: jidP(), StartTxId: proto.Uint64(5)})
	if !errors.As(err, &re) || re.Class != jnrpc.ClassIllegalState {
		t.Fatalf("discard inside a segment: %v", err)
	}
	if _, err := rpc(t, n, "discardSegments", &pb.DiscardSegmentsRequestProto{Jid: jidP(), StartTxId: proto.Uint64(4)}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{storage.EditsName(4, 6) + ".trash", storage.EditsName(7, 9) + ".trash", storage.EditsName(1, 3)} {
		if !exists(filepath.Join(cur, name)) {
			t.Fatalf("no %s", name)
		}
	}
	if got := manifestStarts(t, n); !slices.Equal(got, []int64{1}) {
		t.Fatalf("segments %v after discard", got)
	}
	m, _ := n.Manifest(context.Background(), "ns1", "", 0, true)
	if m.Committed != 3 {
		t.Fatalf("committed %d after discard, want 3", m.Committed)
	}
}

// A JournalNode restarted between doPreUpgrade and doUpgrade has undone
// the pre-upgrade on load; doUpgrade then refuses and leaves the old
// VERSION alone (Hadoop would write the new one first).
func TestUpgradeAfterRestartRefusesAndKeepsVersion(t *testing.T) {
	dir := t.TempDir()
	n := osNode(t, dir)
	writeSegments(t, n, 1, true, [2]int64{1, 3})
	if _, err := rpc(t, n, "doPreUpgrade", &pb.DoPreUpgradeRequestProto{Jid: jidP()}); err != nil {
		t.Fatal(err)
	}
	n.close()
	n2 := osNode(t, dir)
	_, err := rpc(t, n2, "doUpgrade", &pb.DoUpgradeRequestProto{Jid: jidP(), SInfo: siProto(upgraded)})
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Class != jnrpc.ClassIllegalState || !strings.Contains(re.Message, "previous.tmp directory must exist for upgrade.") {
		t.Fatalf("doUpgrade after restart: %v", err)
	}
	if got := cTime(t, n2); got != 0 {
		t.Fatalf("cTime %d, want the old 0", got)
	}
	writeSegments(t, n2, 2, false, [2]int64{4, 4})
}

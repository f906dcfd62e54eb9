package journalnode

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// TestAcceptRecoveryDownloadsTheDecidedSegment (HDFS-3077): a
// JournalNode lacking the segment a recovery decided fetches it from the
// named peer, records the decision in paxos/, puts the file in place, and
// forgets the decision once the writer finalizes it.
func TestAcceptRecoveryDownloadsTheDecidedSegment(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "a"), filepath.Join(root, "b")
	copyStock(t, "jn1", src)
	copyStock(t, "jn2", dst)
	name := "edits_0000000000000000080-0000000000000000081"
	os.Remove(filepath.Join(dst, "ns1", "current", "edits_inprogress_0000000000000000082"))
	os.Remove(filepath.Join(dst, "ns1", "current", name))
	a, _, _ := startDaemon(t, src, nil)

	ctx := context.Background()
	n := &node{fs: storage.OSFS, editsDir: dst, cacheBytes: DefaultCacheBytes, log: discard(),
		fetch: httpFetcher(http.DefaultClient), httpPort: func() int { return 1 }, httpURI: func() string { return "" }}
	defer n.close()
	ns := core.StorageInfo{LayoutVersion: -66, NamespaceID: 552735754, ClusterID: "CID-301977bf-eef9-4ddf-aa0d-4cba6b566d19", CTime: 1795431319195}
	last, ok, err := n.NewEpoch(ctx, "ns1", "", ns, 4)
	if err != nil || !ok || last != 78 {
		t.Fatalf("newEpoch: %d %v %v", last, ok, err)
	}
	p, err := n.PrepareRecovery(ctx, req(4, 0, 0), 80)
	if err != nil || p.Segment != nil || p.LastWriterEpoch != 3 || p.Committed != 81 {
		t.Fatalf("prepare: %+v %v", p, err)
	}
	url := fmt.Sprintf("http://%s/getJournal?jid=ns1&segmentTxId=80&storageInfo=%s", a.HTTPAddr(), stockStorageInfo)
	if err := n.AcceptRecovery(ctx, req(4, 1, 0), core.Segment{Start: 80, End: 81}, url); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "ns1", "current", "paxos", "80")); err != nil {
		t.Fatalf("no paxos decision: %v", err)
	}
	p, err = n.PrepareRecovery(ctx, req(4, 2, 0), 80)
	if err != nil || !p.HasAccepted || p.AcceptedInEpoch != 4 || *p.Segment != (core.Segment{Start: 80, End: 81}) {
		t.Fatalf("prepare after accept: %+v %v", p, err)
	}
	if err := n.FinalizeLogSegment(ctx, req(4, 3, 0), 80, 81); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dst, "ns1", "current", name))
	want, _ := os.ReadFile(filepath.Join(src, "ns1", "current", name))
	if !bytes.Equal(got, want) {
		t.Fatalf("segment %d bytes, want %d", len(got), len(want))
	}
	if _, err := os.Stat(filepath.Join(dst, "ns1", "current", "paxos", "80")); !os.IsNotExist(err) {
		t.Fatalf("paxos decision kept after finalize: %v", err)
	}
}

package namenode

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/nnimage"
)

// Hadoop 3.3.2 checkpointed cluster P at txid 431: replaying the edits it
// logged from the empty image (txids 1-431: OP_ADD, OP_ADD_BLOCK,
// OP_UPDATE_BLOCKS, OP_CLOSE, OP_SET_QUOTA_BY_STORAGETYPE, snapshots, ...)
// gives the namespace of that checkpoint, inode for inode; the edits after
// it (432 to the in-progress segment) replay onto the checkpoint.
//
// Only the storage-type usage differs, as it does in Hadoop: a NameNode
// that applied the edits counts the 210000 bytes written under ALL_SSD
// (/policy/allssd), but setting ONE_SSD on /data/size-3.5MiB after it
// was written recounts nothing; loading the checkpoint counts the file
// under its policy (SSD 3670016 more, and DISK twice that).
func TestHadoop332EditsReplayOntoTheirImages(t *testing.T) {
	cur := filepath.Join(untar(t, "hadoop-3.3.2", "nn-namedir.tgz"), "nn", "current")
	cfg := namespaceConfig(t)
	replayed := loadImage(t, filepath.Join(cur, "fsimage_0000000000000000000"), cfg)
	if last := replaySegment(t, replayed, filepath.Join(cur, "edits_0000000000000000001-0000000000000000431")); last != 431 {
		t.Fatalf("replayed up to txid %d, want 431", last)
	}
	checkpoint := loadImage(t, filepath.Join(cur, "fsimage_0000000000000000431"), cfg)
	root := namespace.Op{User: "root"}
	if qu, _ := replayed.GetQuotaUsage(root, "/"); qu.TypeConsumed[namespace.StorageSSD] != 210000 ||
		qu.TypeConsumed[namespace.StorageDisk] != 0 {
		t.Errorf("replayed type usage %v", qu.TypeConsumed)
	}
	if qu, _ := checkpoint.GetQuotaUsage(root, "/"); qu.TypeConsumed[namespace.StorageSSD] != 210000+3670016 ||
		qu.TypeConsumed[namespace.StorageDisk] != 2*3670016 {
		t.Errorf("checkpoint type usage %v", qu.TypeConsumed)
	}
	want, got := describeTree(t, checkpoint), describeTree(t, replayed)
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s:\n got %s\nwant %s", p, got[p], w)
		}
		delete(got, p)
	}
	for p, g := range got {
		t.Errorf("%s replayed but not in the checkpoint: %s", p, g)
	}

	replaySegment(t, checkpoint, filepath.Join(cur, "edits_0000000000000000432-0000000000000000450"))
	if last := replaySegment(t, checkpoint, filepath.Join(cur, "edits_inprogress_0000000000000000451")); last < 451 {
		t.Errorf("in-progress segment ends at txid %d", last)
	}
}

func namespaceConfig(t *testing.T) namespace.Config {
	t.Helper()
	cfg := namespace.DefaultConfig("root")
	cfg.SymlinksEnabled = true
	return cfg
}

func loadImage(t *testing.T, path string, cfg namespace.Config) *namespace.Tree {
	t.Helper()
	l, err := nnimage.Load(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l.Tree
}

// cacheOps are the centralized-cache ops cluster P logged; hdfsd keeps
// cache pools and directives only as the image's section, so this test
// leaves them out of the namespace replay.
var cacheOps = map[editlog.Opcode]bool{editlog.OpAddCachePool: true, editlog.OpModifyCachePool: true,
	editlog.OpRemoveCachePool: true, editlog.OpAddCacheDirective: true, editlog.OpModifyCacheDirective: true,
	editlog.OpRemoveCacheDirective: true}

// replaySegment applies every op of a segment file (but cacheOps) and
// returns the last txid.
func replaySegment(t *testing.T, tree *namespace.Tree, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := editlog.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r.AllowTornTail()
	ap := &applier{tree: tree, ids: &IDs{}, super: namespace.Op{User: "root"}}
	for {
		op, err := r.Next()
		if errors.Is(err, io.EOF) {
			return ap.last
		}
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		if cacheOps[op.Code] {
			ap.last = op.TxID
			continue
		}
		if err := ap.apply(&op); err != nil {
			t.Fatal(err)
		}
	}
}

// describeTree lists every live inode by path with what an image keeps of
// it, and the quota usage of each directory with a quota.
func describeTree(t *testing.T, tree *namespace.Tree) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := tree.WalkImage(func(w *namespace.ImageWalk) error {
		return w.Inodes(func(n *namespace.Inode) error {
			p, ok := w.Path(n.ID)
			if !ok {
				return nil // kept only by a snapshot
			}
			out[p] = fmt.Sprintf("id=%d type=%d perm=%+v mtime=%d atime=%d repl=%d bs=%d policy=%d blocks=%+v "+
				"uc=%v/%s quota=%d/%d/%v xattrs=%v acl=%v target=%s", n.ID, n.Type, n.Perm, n.Mtime, n.Atime,
				n.Replication, n.BlockSize, n.StoragePolicy, n.Blocks, n.UnderConstruction, n.ClientName,
				n.NSQuota, n.SSQuota, n.TypeQuotas, n.XAttrs, n.ACL, n.Target)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range out {
		if qu, err := tree.GetQuotaUsage(namespace.Op{User: "root"}, p); err == nil && (qu.Quota >= 0 || qu.SpaceQuota >= 0) {
			qu.TypeConsumed = [len(qu.TypeConsumed)]int64{} // see above
			out[p] += fmt.Sprintf(" usage=%+v", *qu)
		}
	}
	return out
}

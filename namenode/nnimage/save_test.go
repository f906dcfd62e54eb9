package nnimage

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// facts renders what an image says, with names resolved through its
// string table and without the on-disk presence bits, normalised as
// Hadoop 3.4 itself changes an image when it loads and saves it again: a
// preferred block size of 0 becomes 1 (HDFS-7788), a missing striped block
// id becomes BlockIdManager's initial Long.MIN_VALUE, and diff lists
// without diffs (Hadoop 2 wrote one for the root) are dropped.
type facts struct {
	b  strings.Builder
	st *fsimage.StringTable
}

func (f *facts) p(format string, args ...any) error {
	fmt.Fprintf(&f.b, format+"\n", args...)
	return nil
}

func (f *facts) name(kind fsimage.StringKind, id uint32) string {
	if id == 0 {
		return "<null>"
	}
	s, ok := f.st.Lookup(kind, id)
	if !ok {
		return fmt.Sprintf("<missing %d>", id)
	}
	return s
}

func (f *facts) perm(p fsimage.Permission) string {
	return fmt.Sprintf("%s:%s:%o", f.name(fsimage.KindUser, p.UserID()), f.name(fsimage.KindGroup, p.GroupID()), p.Mode())
}

func (f *facts) features(acl []fsimage.ACLEntry, xattrs []fsimage.XAttr) string {
	var s []string
	for _, e := range acl {
		kind := fsimage.KindUser
		if e.Type() == fsimage.ACLGroup {
			kind = fsimage.KindGroup
		}
		s = append(s, fmt.Sprintf("acl %d/%d/%s/%s", e.Scope(), e.Type(), f.name(kind, e.NameID()), e.Perm()))
	}
	for _, x := range xattrs {
		s = append(s, fmt.Sprintf("xattr %d.%s=%q", x.Name.Namespace(), f.name(fsimage.KindXAttr, x.Name.NameID()), x.Value))
	}
	return strings.Join(s, " ")
}

func (f *facts) NameSystem(n *fsimage.NameSystem) error {
	striped := n.LastAllocatedStripedBlockID
	if !n.Present.Has(fsimage.NSLastAllocatedStripedBlockID) {
		striped = math.MinInt64
	}
	return f.p("ns id=%d gs=%d/%d/%d block=%d striped=%d txid=%d rolling=%d", n.NamespaceID, n.GenstampV1,
		n.GenstampV2, n.GenstampV1Limit, n.LastAllocatedBlockID, striped, n.TxID, n.RollingUpgradeStartTime)
}
func (f *facts) StringTable(t *fsimage.StringTable) error  { f.st = t; return nil }
func (f *facts) ErasureCoding(ps []fsimage.ECPolicy) error { return f.p("ec %+v", ps) }
func (f *facts) INodeHeader(h *fsimage.INodeHeader) error {
	return f.p("inodes last=%d n=%d", h.LastINodeID, h.NumINodes)
}

func (f *facts) INode(n *fsimage.INode) error {
	switch {
	case n.File != nil:
		x := n.File
		uc := ""
		if x.UC != nil {
			uc = x.UC.ClientName + "@" + x.UC.ClientMachine
		}
		return f.p("file %d %q %s r=%d m=%d a=%d bs=%d %v uc=%s policy=%d %s %s", n.ID, n.Name, f.perm(x.Permission),
			x.Replication, x.ModTime, x.AccessTime, max(x.PreferredBlockSize, 1), x.Blocks, uc, x.StoragePolicyID,
			x.BlockType, f.features(x.ACL, x.XAttrs))
	case n.Dir != nil:
		x := n.Dir
		return f.p("dir %d %q %s m=%d q=%d/%d %v %s", n.ID, n.Name, f.perm(x.Permission), x.ModTime, x.NSQuota,
			x.DSQuota, x.TypeQuotas, f.features(x.ACL, x.XAttrs))
	case n.Symlink != nil:
		x := n.Symlink
		return f.p("symlink %d %q %s m=%d a=%d -> %q", n.ID, n.Name, f.perm(x.Permission), x.ModTime, x.AccessTime, x.Target)
	}
	return f.p("inode %+v", n)
}

func (f *facts) Reference(r *fsimage.Reference) error { return f.p("ref %+v", *r) }
func (f *facts) SnapshotHeader(h *fsimage.SnapshotHeader) error {
	return f.p("snapshots counter=%d dirs=%v n=%d", h.SnapshotCounter, h.SnapshottableDirs, h.NumSnapshots)
}
func (f *facts) Snapshot(s *fsimage.Snapshot) error { return f.p("snapshot %d", s.ID) }
func (f *facts) DirEntry(e *fsimage.DirEntry) error {
	return f.p("children %d %v %v", e.Parent, e.Children, e.RefChildren)
}
func (f *facts) FileUnderConstruction(e *fsimage.FileUCEntry) error {
	return f.p("uc %d %s", e.INodeID, e.FullPath)
}
func (f *facts) SnapshotDiff(e *fsimage.DiffEntry) error {
	if len(e.FileDiffs)+len(e.DirDiffs) == 0 {
		return nil
	}
	return f.p("diff %+v", *e)
}
func (f *facts) SecretManager(m *fsimage.SecretManager) error { return f.p("secrets %+v", *m) }
func (f *facts) CacheManager(m *fsimage.CacheManager) error   { return f.p("cache %+v", *m) }

func imageFacts(t testing.TB, path string) string {
	t.Helper()
	f := &facts{}
	if _, err := fsimage.LoadFile(path, f); err != nil {
		t.Fatal(err)
	}
	return f.b.String()
}

func saveTo(t testing.TB, l *Loaded, opts Options) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fsimage_0000000000000000001")
	if _, err := Save(p, l.Tree, l.Meta, opts); err != nil {
		t.Fatal(err)
	}
	return p
}

// An image Hadoop 3.x wrote, loaded and saved again with its layout,
// comes back byte for byte, string table order and .md5 sidecar included.
func TestSaveReproducesHadoopsImagesByteForByte(t *testing.T) {
	nn := untar(t, "hadoop-3.3.2", "nn-namedir.tgz")
	for _, p := range []string{testdata(t, dynamometer), filepath.Join(nn, "nn/current/fsimage_0000000000000000000")} {
		l := mustLoad(t, p)
		out := saveTo(t, l, Options{LayoutVersion: l.Meta.LayoutVersion})
		want, _ := os.ReadFile(p)
		got, _ := os.ReadFile(out)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: saved image differs (%d bytes, original %d)", p, len(got), len(want))
		}
		wantMD5, _ := os.ReadFile(p + ".md5")
		gotMD5, _ := os.ReadFile(out + ".md5")
		if !bytes.Equal(bytes.Fields(gotMD5)[0], bytes.Fields(wantMD5)[0]) {
			t.Errorf("%s: sidecar %q, original %q", p, gotMD5, wantMD5)
		}
	}
}

// Every snapshot-free image saved again says what the original says,
// modulo what Hadoop 3.4 changes itself (see facts).
func TestSaveGivesBackWhatTheImageSays(t *testing.T) {
	for _, p := range snapshotFreeImages(t) {
		l := mustLoad(t, p)
		got := imageFacts(t, saveTo(t, l, Options{LayoutVersion: l.Meta.LayoutVersion}))
		if want := imageFacts(t, p); got != want {
			t.Errorf("%s: saved image says\n%s\noriginal says\n%s", p, got, want)
		}
	}
}

// opsTree builds a namespace through client operations: directories with
// quotas, closed and open files with blocks, a symlink, xattrs, an ACL and
// a storage policy.
func opsTree(t testing.TB) *namespace.Tree {
	t.Helper()
	tr, err := namespace.New(config())
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ *namespace.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	hdfs := namespace.Op{User: "hdfs", Groups: []string{"supergroup"}, Now: 1000}
	alice := namespace.Op{User: "alice", Groups: []string{"users"}, Now: 2000}
	must(tr.Mkdirs(hdfs, "/user/alice/data", 0755, true))
	alicesName, users := "alice", "users"
	must(tr.SetOwner(hdfs, "/user/alice", &alicesName, &users))
	must(tr.SetOwner(hdfs, "/user/alice/data", &alicesName, &users))
	must(tr.SetQuota(hdfs, "/user/alice", 1000, 1<<40))
	for i, name := range []string{"part-0", "part-1"} {
		p := "/user/alice/data/" + name
		must(tr.Create(alice, namespace.CreateArgs{Path: p, Masked: 0644, ClientName: "DFSClient_7",
			ClientMachine: "10.0.0.7", Create: true, Replication: 3, BlockSize: 1 << 20}))
		b := namespace.Block{ID: 1<<30 + int64(i), GenStamp: 1001 + int64(i)}
		must(tr.AddBlock(alice, p, 0, "DFSClient_7", nil, b))
		if i == 0 {
			b.NumBytes = 777
			must(tr.CompleteFile(alice, p, 0, "DFSClient_7", &b))
		}
	}
	must(tr.CreateSymlink(hdfs, "/user/alice/data/part-0", "/user/link", false))
	must(tr.SetXAttr(hdfs, "/user/alice/data/part-0", namespace.XAttr{NS: namespace.XAttrUser, Name: "origin",
		Value: []byte("sensor-7")}, namespace.XAttrCreate))
	must(tr.SetXAttr(hdfs, "/user", namespace.XAttr{NS: namespace.XAttrTrusted, Name: "empty"}, namespace.XAttrCreate))
	must(tr.ModifyAclEntries(hdfs, "/user/alice", []namespace.AclEntry{
		{Scope: namespace.AclAccess, Type: namespace.AclUser, Name: "bob", Perm: namespace.ActReadExecute},
		{Scope: namespace.AclDefault, Type: namespace.AclGroup, Name: "auditors", Perm: namespace.ActRead}}))
	must(tr.SetStoragePolicy(hdfs, "/user/alice/data", 2))
	return tr
}

// walkFacts renders a tree as the saver sees it.
func walkFacts(tr *namespace.Tree) string {
	var b strings.Builder
	_ = tr.WalkImage(func(w *namespace.ImageWalk) error {
		fmt.Fprintf(&b, "count=%d last=%d\n", w.Count(), w.LastInodeID())
		_ = w.Inodes(func(n *namespace.Inode) error {
			p, _ := w.Path(n.ID)
			fmt.Fprintf(&b, "%s %+v %q %q\n", p, *n, n.Name, n.Target)
			return nil
		})
		return w.Children(func(p int64, kids []int64) error {
			fmt.Fprintf(&b, "children %d %v\n", p, kids)
			return nil
		})
	})
	return b.String()
}

// A namespace built by client operations, saved and loaded back, is the
// same namespace: every inode and attribute, quotas and their usage,
// leases, features, and the last inode id.
func TestSavedTreeLoadsBackEqual(t *testing.T) {
	tr := opsTree(t)
	meta := NewMeta(42)
	p := filepath.Join(t.TempDir(), "fsimage_0000000000000000007")
	if _, err := Save(p, tr, meta, Options{}); err != nil {
		t.Fatal(err)
	}
	l := mustLoad(t, p)
	if got, want := walkFacts(l.Tree), walkFacts(tr); got != want {
		t.Errorf("loaded:\n%s\nsaved:\n%s", got, want)
	}
	if got, want := fmt.Sprint(l.OpenFiles), fmt.Sprint(tr.OpenFiles()); got != want {
		t.Errorf("open files %s, want %s", got, want)
	}
	for _, path := range []string{"/", "/user", "/user/alice"} {
		a, err1 := l.Tree.GetQuotaUsage(superuser, path)
		b, err2 := tr.GetQuotaUsage(superuser, path)
		if err1 == nil && err2 == nil {
			// The live tree did not recount its storage-type usage when
			// /user/alice/data got a policy after its files were
			// written (nor does Hadoop); loading counts it afresh.
			a.TypeConsumed, b.TypeConsumed = [len(a.TypeConsumed)]int64{}, [len(b.TypeConsumed)]int64{}
		}
		if err1 != nil || err2 != nil || *a != *b {
			t.Errorf("%s: quota usage %+v (%v), want %+v (%v)", path, a, err1, b, err2)
		}
	}
	if l.Meta.NamespaceID != 42 || l.Meta.LayoutVersion != fsimage.CurrentLayoutVersion ||
		len(l.Meta.ECPolicies) != 5 {
		t.Errorf("meta %+v", l.Meta)
	}
	// Hadoop's offline viewer reads it.
	if err := fsimage.ConvertTo(p, new(bytes.Buffer), "XML", fsimage.Options{}); err != nil {
		t.Errorf("oiv XML of the saved image: %v", err)
	}
}

// dfs.image.compress writes every section through the codec;
// dfs.image.parallel.load adds INODE_SUB and INODE_DIR_SUB slices. Both
// load back to the same tree.
func TestSaveCompressedOrInSubSections(t *testing.T) {
	tr := opsTree(t)
	want := walkFacts(tr)
	for _, opts := range []Options{
		{Compress: true},
		{Compress: true, Codec: fsimage.CodecGzip},
		{ParallelLoad: true, TargetSections: 3, InodeThreshold: 2},
	} {
		p := filepath.Join(t.TempDir(), "fsimage_0000000000000000009")
		if _, err := Save(p, tr, NewMeta(1), opts); err != nil {
			t.Fatal(err)
		}
		img, err := fsimage.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := img.Summary()
		img.Close()
		switch {
		case opts.Compress && sum.Codec != map[string]string{"": fsimage.CodecDefault}[opts.Codec] && sum.Codec != opts.Codec:
			t.Errorf("%+v: codec %q", opts, sum.Codec)
		case opts.ParallelLoad && len(img.Sections(fsimage.SectionINodeSub)) < 2:
			t.Errorf("%+v: sections %v", opts, sum.Sections)
		}
		if got := walkFacts(mustLoad(t, p).Tree); got != want {
			t.Errorf("%+v: loaded\n%s\nwant\n%s", opts, got, want)
		}
	}
}

// Layouts before -65 share one string id space and have no mask bits;
// layouts before -64 have no ERASURE_CODING section.
func TestSaveInAnOlderLayout(t *testing.T) {
	tr := opsTree(t)
	p := filepath.Join(t.TempDir(), "fsimage_0000000000000000011")
	if _, err := Save(p, tr, NewMeta(1), Options{LayoutVersion: -60}); err != nil {
		t.Fatal(err)
	}
	img, err := fsimage.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	st, _ := img.StringTable()
	if _, ok := img.Section(fsimage.SectionErasureCoding); ok || st.MaskBits != 0 || img.Summary().LayoutVersion != -60 {
		t.Errorf("summary %+v, mask bits %d", img.Summary(), st.MaskBits)
	}
	if got, want := walkFacts(mustLoad(t, p).Tree), walkFacts(tr); got != want {
		t.Errorf("loaded\n%s\nwant\n%s", got, want)
	}
	if _, err := Save(p, tr, NewMeta(1), Options{LayoutVersion: -68}); err == nil {
		t.Error("saved with layout -68, which does not exist yet")
	}
}

package nnimage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// checker compares a loaded tree with the image it came from, through the
// namespace's client operations: every inode is where the INODE_DIR
// section puts it, with the attributes the INODE section gives it.
type checker struct {
	t    *testing.T
	img  *fsimage.Image
	st   *fsimage.StringTable
	l    *Loaded
	open map[int64]bool
}

func (c *checker) name(kind fsimage.StringKind, id uint32) string {
	s, _ := c.st.Lookup(kind, id)
	return s
}

func (c *checker) inode(in *fsimage.INode) {
	t, tree := c.t, c.l.Tree
	path, ok := tree.PathOf(in.ID)
	if !ok {
		t.Errorf("inode %d is not in the tree", in.ID)
		return
	}
	st, err := tree.GetFileInfo(superuser, path, false)
	if err != nil || st == nil || st.FileID != in.ID {
		t.Errorf("%s: status %+v, %v", path, st, err)
		return
	}
	var perm fsimage.Permission
	var mtime int64
	switch {
	case in.File != nil:
		perm, mtime = in.File.Permission, in.File.ModTime
		c.file(path, st, in)
	case in.Dir != nil:
		perm, mtime = in.Dir.Permission, in.Dir.ModTime
		c.dir(path, st, in.Dir)
	case in.Symlink != nil:
		perm, mtime = in.Symlink.Permission, in.Symlink.ModTime
		if st.Type != namespace.TypeSymlink || st.Symlink != string(in.Symlink.Target) || st.AccessTime != in.Symlink.AccessTime {
			t.Errorf("%s: symlink status %+v, image %+v", path, st, in.Symlink)
		}
	}
	want := fmt.Sprintf("%s:%s:%o m=%d", c.name(fsimage.KindUser, perm.UserID()), c.name(fsimage.KindGroup, perm.GroupID()),
		perm.Mode(), mtime)
	if got := fmt.Sprintf("%s:%s:%o m=%d", st.Owner, st.Group, st.Permission, st.ModTime); got != want {
		t.Errorf("%s: %s, image says %s", path, got, want)
	}
}

func (c *checker) file(path string, st *namespace.FileStatus, in *fsimage.INode) {
	f := in.File
	bs := max(f.PreferredBlockSize, 1) // HeaderFormat takes 0 as 1 (HDFS-7788)
	if st.Type != namespace.TypeFile || st.Replication != int16(f.Replication) || st.BlockSize != bs ||
		st.AccessTime != f.AccessTime {
		c.t.Errorf("%s: file status %+v, image %+v", path, st, f)
	}
	var want []namespace.Block
	for i, b := range f.Blocks {
		want = append(want, namespace.Block{ID: b.ID, NumBytes: b.NumBytes, GenStamp: b.GenStamp,
			Complete: f.UC == nil || i < len(f.Blocks)-1})
	}
	if got := c.l.Tree.Blocks(in.ID); !slices.Equal(got, want) {
		c.t.Errorf("%s: blocks %v, image %v", path, got, want)
	}
	if f.UC != nil {
		c.open[in.ID] = true
		want := namespace.OpenFile{ID: in.ID, Path: path, ClientName: f.UC.ClientName, ClientMachine: f.UC.ClientMachine}
		if !slices.Contains(c.l.OpenFiles, want) {
			c.t.Errorf("%s: open files %v lack %v", path, c.l.OpenFiles, want)
		}
	}
}

func (c *checker) dir(path string, st *namespace.FileStatus, d *fsimage.INodeDirectory) {
	if st.Type != namespace.TypeDir {
		c.t.Errorf("%s: status %+v for a directory", path, st)
	}
	cs, err := c.l.Tree.GetContentSummary(superuser, path)
	if err != nil {
		c.t.Fatal(err)
	}
	ns, ss := d.NSQuota, d.DSQuota
	if path == "/" && ns == -1 && ss == -1 { // the root keeps its default quota
		ns = namespace.QuotaDontSet
	}
	if cs.Quota != ns || cs.SpaceQuota != ss {
		c.t.Errorf("%s: quotas %d/%d, image %d/%d", path, cs.Quota, cs.SpaceQuota, ns, ss)
	}
}

// children checks a directory's listing against its INODE_DIR entry.
func (c *checker) children(e *fsimage.DirEntry) {
	path, _ := c.l.Tree.PathOf(e.Parent)
	var got []int64
	var after []byte
	for {
		l, err := c.l.Tree.GetListing(superuser, path, after)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, s := range l.Entries {
			got = append(got, s.FileID)
			after = s.Name
		}
		if l.Remaining == 0 {
			break
		}
	}
	if !slices.Equal(got, e.Children) {
		c.t.Errorf("listing of %s: %v, image %v", path, got, e.Children)
	}
}

func (c *checker) all() {
	h, s, err := c.img.INodes()
	if err != nil {
		c.t.Fatal(err)
	}
	if c.l.Tree.LastInodeID() != h.LastINodeID || c.l.Tree.Stats().Inodes != int(h.NumINodes) {
		c.t.Errorf("last inode id %d and %d inodes, image %+v", c.l.Tree.LastInodeID(), c.l.Tree.Stats().Inodes, h)
	}
	for in, err := s.Next(); !errors.Is(err, io.EOF); in, err = s.Next() {
		if err != nil {
			c.t.Fatal(err)
		}
		c.inode(in)
	}
	if sec, ok := c.img.Section(fsimage.SectionINodeDir); ok {
		ds, err := c.img.OpenDirEntries(sec)
		if err != nil {
			c.t.Fatal(err)
		}
		for e, err := ds.Next(); !errors.Is(err, io.EOF); e, err = ds.Next() {
			if err != nil {
				c.t.Fatal(err)
			}
			c.children(e)
		}
	}
	if len(c.open) != len(c.l.OpenFiles) {
		c.t.Errorf("open files %v, image has %d", c.l.OpenFiles, len(c.open))
	}
}

// Every snapshot-free image Hadoop wrote (2.4 to 3.3) loads whole: each
// inode is at the path its directory entries give, with its owner, group,
// mode, times, replication, block size, blocks, lease, symlink target and
// quotas, and each directory lists its children in the image's order.
func TestLoadKeepsEveryInodeOfTheImage(t *testing.T) {
	paths := snapshotFreeImages(t)
	if len(paths) < 16 {
		t.Fatalf("found %d images", len(paths))
	}
	for _, p := range paths {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(p)))+"/"+filepath.Base(p), func(t *testing.T) {
			l := mustLoad(t, p)
			img, err := fsimage.OpenFile(p)
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			st, err := img.StringTable()
			if err != nil {
				t.Fatal(err)
			}
			(&checker{t: t, img: img, st: st, l: l, open: map[int64]bool{}}).all()
			ns, _ := img.NameSystem()
			m := l.Meta
			if m.NamespaceID != ns.NamespaceID || m.GenstampV1 != ns.GenstampV1 || m.GenstampV2 != ns.GenstampV2 ||
				m.GenstampV1Limit != ns.GenstampV1Limit || m.LastAllocatedBlockID != ns.LastAllocatedBlockID ||
				m.TxID != ns.TxID || m.RollingUpgradeStartTime != ns.RollingUpgradeStartTime ||
				m.LayoutVersion != img.Summary().LayoutVersion {
				t.Errorf("meta %+v, image %+v", m, ns)
			}
		})
	}
}

// The dynamometer image of Hadoop 3.1 matches its own oiv XML dump in
// size: 216 inodes under lastInodeId 26700.
func TestLoadDynamometerImage(t *testing.T) {
	l := mustLoad(t, testdata(t, dynamometer))
	if got := l.Tree.Stats().Inodes; got != 216 || l.Meta.LastInodeID != 26700 || l.Tree.LastInodeID() != 26700 {
		t.Errorf("%d inodes, last id %d / %d", got, l.Meta.LastInodeID, l.Tree.LastInodeID())
	}
	if l.Meta.TxID != 61969 || len(l.Meta.ECPolicies) != 5 || l.Meta.CacheManager.NextDirectiveID != 1 {
		t.Errorf("meta %+v", l.Meta)
	}
}

// HDFS-7788: an image holding a file with preferred block size 0, under
// construction, loads; the block size reads as 1 and the file's lease is
// kept.
func TestLoadImageWithZeroBlockSize(t *testing.T) {
	dir := untar(t, "hadoop", "image-with-zero-block-size.tar.gz")
	l := mustLoad(t, filepath.Join(dir, "image-with-zero-block-size/name/current/fsimage_0000000000000000004"))
	st, err := l.Tree.GetFileInfo(superuser, "/tmp/zeroBlockFile", false)
	if err != nil || st == nil || st.BlockSize != 1 {
		t.Fatalf("status %+v, %v", st, err)
	}
	want := "[{16387 /tmp/zeroBlockFile DFSClient_NONMAPREDUCE_1633025288_1 127.0.0.1}]"
	if got := fmt.Sprint(l.OpenFiles); got != want {
		t.Errorf("open files %s, want %s", got, want)
	}
}

// Hadoop's images with snapshots load, the 3.3.2 one with its DISK quota
// on /quota, which is saved again as it came. No storage policy is in
// effect under /quota, so it holds no DISK space (as hdfs dfs -count -q -t
// showed: 52428800 of 52428800 left).
func TestLoadHadoopImagesWithSnapshots(t *testing.T) {
	nn := untar(t, "hadoop-3.3.2", "nn-namedir.tgz")
	ha := untar(t, "hadoop-3.3.2", "ha-namedirs.tgz")
	for _, p := range []string{filepath.Join(ha, "nn1/current/fsimage_0000000000000000033"),
		filepath.Join(ha, "nn2/current/fsimage_0000000000000000078")} {
		if _, err := Load(p, config()); err != nil {
			t.Errorf("Load(%s): %v", p, err)
		}
	}
	p := filepath.Join(nn, "nn/current/fsimage_0000000000000000431")
	l, err := Load(p, config())
	if err != nil {
		t.Fatalf("Load(%s): %v", p, err)
	}
	qu, err := l.Tree.GetQuotaUsage(superuser, "/quota")
	if err != nil || qu.Quota != 100 || qu.SpaceQuota != 100<<20 ||
		qu.TypeQuota[namespace.StorageDisk] != 50<<20 || qu.TypeConsumed[namespace.StorageDisk] != 0 {
		t.Fatalf("/quota usage %+v, %v", qu, err)
	}
}

// The image is checked against its .md5 sidecar first; a mismatch names
// the image.
func TestLoadChecksTheImagesMD5(t *testing.T) {
	nn := untar(t, "hadoop-3.3.2", "nn-namedir.tgz")
	p := filepath.Join(nn, "nn/current/fsimage_0000000000000000000")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[20] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p, config())
	if !errors.Is(err, fsimage.ErrChecksum) || !strings.Contains(err.Error(), p) {
		t.Errorf("Load of a tampered image: %v", err)
	}
}

package namespace

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// reload walks a tree as an image saver does and feeds the walk to a
// Loader, as an image loader does.
func reload(t testing.TB, tr *Tree) (*Tree, error) {
	t.Helper()
	ld, err := NewLoader(tr.Config(), tr.Stats().Inodes)
	if err != nil {
		t.Fatal(err)
	}
	err = tr.WalkImage(func(w *ImageWalk) error {
		ld.SetLastInodeID(w.LastInodeID())
		if err := w.Inodes(ld.Add); err != nil {
			return err
		}
		return w.Children(ld.AddChildren)
	})
	if err != nil {
		return nil, err
	}
	return ld.Finish()
}

// walkDump describes everything the walk reports, in walk order.
func walkDump(tr *Tree) string {
	var b strings.Builder
	_ = tr.WalkImage(func(w *ImageWalk) error {
		fmt.Fprintf(&b, "count=%d last=%d\n", w.Count(), w.LastInodeID())
		_ = w.Inodes(func(n *Inode) error {
			path, _ := w.Path(n.ID)
			fmt.Fprintf(&b, "%s %+v name=%s target=%s\n", path, *n, n.Name, n.Target)
			return nil
		})
		return w.Children(func(p int64, kids []int64) error {
			fmt.Fprintf(&b, "dir %d: %v\n", p, kids)
			return nil
		})
	})
	return b.String()
}

// buildTree makes a namespace with every kind of inode and state the
// loader must carry: directories with and without quotas, closed files
// with blocks, a file being written, a symlink, xattrs, an ACL, a storage
// policy and a second owner.
func buildTree(t testing.TB) *Tree {
	t.Helper()
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/user/alice/logs", 0755)
	chown(t, tr, "/user/alice", "alice", "users")
	chown(t, tr, "/user/alice/logs", "alice", "users")
	ok(t)(tr.SetQuota(hdfs, "/user/alice", 100, 1<<40))
	ok(t)(tr.SetQuota(hdfs, "/user", 1000, QuotaDontSet))
	create(t, tr, alice, "/user/alice/logs/a.log")
	ok(t)(tr.AddBlock(alice, "/user/alice/logs/a.log", 0, "DFSClient_1", nil, Block{ID: 1 << 30, GenStamp: 1001}))
	last := Block{ID: 1 << 30, NumBytes: 5000, GenStamp: 1001}
	ok(t)(tr.CompleteFile(alice, "/user/alice/logs/a.log", 0, "DFSClient_1", &last))
	create(t, tr, alice, "/user/alice/open")
	ok(t)(tr.AddBlock(alice, "/user/alice/open", 0, "DFSClient_1", nil, Block{ID: 1<<30 + 1, GenStamp: 1002}))
	ok(t)(tr.CreateSymlink(hdfs, "/user/alice/logs/a.log", "/latest", false))
	touch(t, tr, hdfs, "/tmp/empty")
	ok(t)(tr.SetXAttr(hdfs, "/tmp/empty", XAttr{NS: XAttrUser, Name: "color", Value: []byte("blue")}, XAttrCreate))
	ok(t)(tr.SetXAttr(hdfs, "/tmp", XAttr{NS: XAttrTrusted, Name: "flag"}, XAttrCreate))
	ok(t)(tr.ModifyAclEntries(hdfs, "/user/alice", []AclEntry{{Scope: AclAccess, Type: AclUser, Name: "bob", Perm: ActRead}}))
	ok(t)(tr.SetStoragePolicy(hdfs, "/user/alice/logs", 2))
	return tr
}

// Loading what the walk of a tree reports gives the same tree: inodes,
// ids, names, owners, times, blocks, leases, quotas and their usage
// (which the loader computes, where the live operations kept it up to
// date), xattrs and ACLs, and the last inode id.
func TestLoadingAWalkReproducesTheTree(t *testing.T) {
	tr := buildTree(t)
	got, err := reload(t, tr)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := dump(got), dump(tr); a != b {
		t.Errorf("loaded tree:\n%s\nwant:\n%s", a, b)
	}
	if a, b := walkDump(got), walkDump(tr); a != b {
		t.Errorf("loaded walk:\n%s\nwant:\n%s", a, b)
	}
	if got.LastInodeID() != tr.LastInodeID() {
		t.Errorf("last inode id %d, want %d", got.LastInodeID(), tr.LastInodeID())
	}
	if a, b := fmt.Sprint(got.OpenFiles()), fmt.Sprint(tr.OpenFiles()); a != b {
		t.Errorf("open files %s, want %s", a, b)
	}
	acl, err := got.GetAclStatus(hdfs, "/user/alice")
	if err != nil || len(acl.Entries) == 0 {
		t.Errorf("ACL of /user/alice after loading: %+v, %v", acl, err)
	}
	// The loaded tree takes new inodes after the last id.
	mkdirs(t, got, hdfs, "/new", 0755)
	if st := stat(t, got, "/new"); st.FileID != tr.LastInodeID()+1 {
		t.Errorf("new inode id %d, want %d", st.FileID, tr.LastInodeID()+1)
	}
}

// The walk hands out each directory's children in name order, after
// every inode, and skips the slots of deleted inodes.
func TestWalkListsInodesThenChildrenInNameOrder(t *testing.T) {
	tr := newTree(t)
	for _, p := range []string{"/b", "/a", "/c", "/a/z", "/a/y"} {
		mkdirs(t, tr, hdfs, p, 0755)
	}
	ok(t)(tr.Delete(hdfs, "/c", true))
	var ids []int64
	var dirs []string
	err := tr.WalkImage(func(w *ImageWalk) error {
		if w.Count() != 5 {
			t.Errorf("count %d, want 5", w.Count())
		}
		_ = w.Inodes(func(n *Inode) error { ids = append(ids, n.ID); return nil })
		return w.Children(func(p int64, kids []int64) error {
			dirs = append(dirs, fmt.Sprint(p, kids))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "[16385 16386 16387 16389 16390]"; fmt.Sprint(ids) != want {
		t.Errorf("inodes %v, want %s", ids, want)
	}
	if want := "[16385 [16387 16386] 16387 [16390 16389]]"; fmt.Sprint(dirs) != want {
		t.Errorf("children %v, want %s", dirs, want)
	}
}

func rootInode() *Inode {
	return &Inode{ID: RootID, Type: InodeDir, Perm: PermissionStatus{User: "hdfs", Group: "supergroup", Mode: 0755},
		NSQuota: QuotaReset, SSQuota: QuotaReset}
}

func dirInode(id int64, name string) *Inode {
	n := rootInode()
	n.ID, n.Name = id, []byte(name)
	return n
}

func fileInode(id int64, name string, blocks ...Block) *Inode {
	return &Inode{ID: id, Type: InodeFile, Name: []byte(name), Replication: 3, BlockSize: 1 << 20,
		Perm: PermissionStatus{User: "alice", Group: "users", Mode: 0644}, Blocks: blocks}
}

// load feeds inodes and directory entries to a Loader and finishes it.
func load(t testing.TB, last int64, inodes []*Inode, dirs map[int64][]int64) (*Tree, error) {
	t.Helper()
	ld, err := NewLoader(DefaultConfig("hdfs"), len(inodes))
	if err != nil {
		t.Fatal(err)
	}
	ld.SetLastInodeID(last)
	for _, n := range inodes {
		if err := ld.Add(n); err != nil {
			return nil, err
		}
	}
	for _, p := range []int64{RootID, RootID + 1, RootID + 2, RootID + 3, RootID + 4} {
		if kids, ok := dirs[p]; ok {
			if err := ld.AddChildren(p, kids); err != nil {
				return nil, err
			}
		}
	}
	return ld.Finish()
}

// Children come sorted in images written since HDFS-13693; older ones are
// sorted on load, in Hadoop's signed-byte order.
func TestLoaderSortsChildrenInHadoopsOrder(t *testing.T) {
	tr, err := load(t, RootID+3, []*Inode{rootInode(), dirInode(RootID+1, "b"), dirInode(RootID+2, "é"),
		dirInode(RootID+3, "a")}, map[int64][]int64{RootID: {RootID + 1, RootID + 2, RootID + 3}})
	if err != nil {
		t.Fatal(err)
	}
	listing, err := tr.GetListing(hdfs, "/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(names(listing)); got != "[é a b]" {
		t.Errorf("listing %s, want [é a b]", got)
	}
}

// Quota usage is recomputed on load (FSImage.updateCountForQuota): a
// file being written counts its last block at the preferred block size.
func TestLoaderComputesQuotaUsage(t *testing.T) {
	q := dirInode(RootID+1, "q")
	q.NSQuota, q.SSQuota = 10, 1<<30
	done := fileInode(RootID+2, "done", Block{ID: 1, NumBytes: 100, Complete: true})
	open := fileInode(RootID+3, "open", Block{ID: 2, NumBytes: 7, Complete: true}, Block{ID: 3, NumBytes: 5})
	open.UnderConstruction, open.ClientName, open.ClientMachine = true, "DFSClient_9", "10.0.0.9"
	tr, err := load(t, RootID+3, []*Inode{rootInode(), q, done, open},
		map[int64][]int64{RootID: {RootID + 1}, RootID + 1: {RootID + 2, RootID + 3}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tr.GetQuotaUsage(hdfs, "/q")
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(3 * (100 + 7 + 1<<20)); u.FileAndDirectoryCount != 3 || u.SpaceConsumed != want {
		t.Errorf("usage %+v, want 3 inodes and %d bytes", u, want)
	}
	if got := fmt.Sprint(tr.OpenFiles()); got != "[{16388 /q/open DFSClient_9 10.0.0.9}]" {
		t.Errorf("open files %s", got)
	}
}

// The root in an image updates the tree's root; its quota changes only
// when the image sets one (loadRootINode).
func TestLoaderTakesTheRootsAttributes(t *testing.T) {
	root := rootInode()
	root.Perm, root.Mtime = PermissionStatus{User: "root", Group: "admins", Mode: 0700}, 42
	tr, err := load(t, 0, []*Inode{root}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := stat(t, tr, "/")
	if st.Owner != "root" || st.Group != "admins" || st.Permission != 0700 || st.ModTime != 42 {
		t.Errorf("root status %+v", st)
	}
	cs, err := tr.GetContentSummary(hdfs, "/")
	if err != nil || cs.Quota != QuotaDontSet || cs.SpaceQuota != QuotaReset {
		t.Errorf("root quotas %+v, %v; want the defaults", cs, err)
	}
	if tr.LastInodeID() != RootID {
		t.Errorf("last inode id %d", tr.LastInodeID())
	}
}

// Inodes and entries that do not make one tree are refused, each with a
// message naming what is wrong.
func TestLoaderRefusesWhatIsNotATree(t *testing.T) {
	root, a, b, f := rootInode(), dirInode(RootID+1, "a"), dirInode(RootID+2, "b"), fileInode(RootID+3, "f")
	cases := []struct {
		name   string
		last   int64
		inodes []*Inode
		dirs   map[int64][]int64
		want   string
	}{
		{"no root", 0, []*Inode{a}, nil, "has no root inode"},
		{"two roots", 0, []*Inode{root, root}, nil, "root inode appears twice"},
		{"duplicate id", 0, []*Inode{root, a, a}, nil, "inode 16386 appears twice"},
		{"empty name", 0, []*Inode{root, dirInode(RootID+1, "")}, nil, "empty name"},
		{"slash in name", 0, []*Inode{root, dirInode(RootID+1, "x/y")}, nil, "contains '/'"},
		{"orphan", 0, []*Inode{root, a}, nil, `inode 16386 ("a") is in no directory`},
		{"cycle", 0, []*Inode{root, a, b}, map[int64][]int64{RootID + 1: {RootID + 2}, RootID + 2: {RootID + 1}},
			"form a cycle"},
		{"two parents", 0, []*Inode{root, a, b}, map[int64][]int64{RootID: {RootID + 1, RootID + 2}, RootID + 1: {RootID + 2}},
			"inode 16387 is listed by directories 16385 and 16386"},
		{"unknown child", 0, []*Inode{root}, map[int64][]int64{RootID: {99}}, "lists inode 99, which does not exist"},
		{"unknown parent", 0, []*Inode{root}, map[int64][]int64{RootID + 1: {RootID}}, "inode 16386, which does not exist"},
		{"file parent", 0, []*Inode{root, f}, map[int64][]int64{RootID + 3: {RootID}}, "16388, which is not a directory"},
		{"root as child", 0, []*Inode{root, a}, map[int64][]int64{RootID + 1: {RootID}}, "lists the root"},
		{"same name", 0, []*Inode{root, a, dirInode(RootID+2, "a")}, map[int64][]int64{RootID: {RootID + 1, RootID + 2}},
			`directory / (inode 16385) has two children named "a"`},
		{"reserved", 0, []*Inode{root, dirInode(RootID+1, ".reserved")}, map[int64][]int64{RootID: {RootID + 1}},
			`File name ".reserved" is reserved`},
		{"id above last", RootID, []*Inode{root, a}, map[int64][]int64{RootID: {RootID + 1}},
			"inode 16386 is above the last inode id 16385"},
		{"huge block size", 0, []*Inode{root, {ID: RootID + 1, Type: InodeFile, Name: []byte("f"), BlockSize: 1 << 48}},
			nil, "does not fit in 48 bits"},
		{"unknown type", 0, []*Inode{root, {ID: RootID + 1, Type: 9, Name: []byte("x")}}, nil, "unknown type 9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(t, c.last, c.inodes, c.dirs)
			if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want ErrLoad with %q", err, c.want)
			}
		})
	}
}

// A loader is spent once finished.
func TestLoaderIsSpentAfterFinish(t *testing.T) {
	ld, err := NewLoader(DefaultConfig("hdfs"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := ld.Add(rootInode()); err != nil {
		t.Fatal(err)
	}
	if _, err := ld.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := ld.Add(dirInode(RootID+1, "late")); !errors.Is(err, ErrLoad) {
		t.Errorf("Add after Finish: %v", err)
	}
	if _, err := ld.Finish(); !errors.Is(err, ErrLoad) {
		t.Errorf("second Finish: %v", err)
	}
}

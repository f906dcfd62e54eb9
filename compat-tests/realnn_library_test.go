package compattests

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// Namespace operations through the colinmarc/hdfs library against the
// real NameNode, each result checked as Hadoop would give it, and the
// whole namespace checked again after a SIGTERM restart.

// aliceHome makes /user/alice, owned by alice, as an administrator
// would, and returns alice's client.
func aliceHome(t *testing.T, nn *realNameNode) (su, alice *hdfs.Client) {
	t.Helper()
	su = newClient(t, nn, superuser(t))
	must(t, su.MkdirAll("/user/alice", 0o755))
	must(t, su.Chown("/user/alice", "alice", "analysts"))
	return su, newClient(t, nn, "alice")
}

// dumpTree is everything a client sees of the entries under root, one
// line each, in listing order: the namespace's fingerprint.
func dumpTree(t *testing.T, c *hdfs.Client, root string) []string {
	t.Helper()
	var lines []string
	var walk func(p string)
	walk = func(p string) {
		fi, err := c.Stat(p)
		must(t, err)
		lines = append(lines, describe(t, c, p, fi))
		if !fi.IsDir() {
			return
		}
		fis, err := c.ReadDir(p)
		must(t, err)
		for _, child := range fis {
			walk(path.Join(p, child.Name()))
		}
	}
	walk(root)
	return lines
}

func describe(t *testing.T, c *hdfs.Client, p string, fi os.FileInfo) string {
	t.Helper()
	st := status(t, fi)
	xs, err := c.ListXAttrs(p)
	must(t, err)
	var xattrs []string
	for k, v := range xs {
		xattrs = append(xattrs, k+"="+v)
	}
	slices.Sort(xattrs)
	return fmt.Sprintf("%s %v perm=%#o %s:%s size=%d mtime=%d atime=%d id=%d repl=%d bs=%d children=%d xattrs=%v",
		p, st.GetFileType(), st.GetPermission().GetPerm(), st.GetOwner(), st.GetGroup(), st.GetLength(),
		st.GetModificationTime(), st.GetAccessTime(), st.GetFileId(), st.GetBlockReplication(),
		st.GetBlocksize(), st.GetChildrenNum(), xattrs)
}

// checkSurvivesRestart dumps root, restarts the NameNode with SIGTERM,
// and requires the same dump from a new client.
func checkSurvivesRestart(t *testing.T, nn *realNameNode, root string) {
	t.Helper()
	su := superuser(t)
	before := dumpTree(t, newClient(t, nn, su), root)
	nn.restartT(t)
	after := dumpTree(t, newClient(t, nn, su), root)
	if !slices.Equal(before, after) {
		t.Errorf("%s after a restart:\n%s\nbefore:\n%s", root, strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
}

// statOf is Stat that must succeed.
func statOf(t *testing.T, c *hdfs.Client, p string) *hdfs.FileInfo {
	t.Helper()
	fi, err := c.Stat(p)
	if err != nil {
		t.Fatalf("stat %s: %v", p, err)
	}
	return fi.(*hdfs.FileInfo)
}

func checkEntry(t *testing.T, c *hdfs.Client, p string, mode os.FileMode, owner, group string) {
	t.Helper()
	fi := statOf(t, c, p)
	if fi.Mode() != mode || fi.Owner() != owner || fi.OwnerGroup() != group {
		t.Errorf("%s: %v %s:%s, want %v %s:%s", p, fi.Mode(), fi.Owner(), fi.OwnerGroup(), mode, owner, group)
	}
}

// Implicit parents get the requested mode plus u+wx, and every new inode
// takes its parent's group (FSDirMkdirOp, INode group inheritance).
func TestRealNN_LibraryMkdirAllGivesParentsUserWriteExecute(t *testing.T) {
	nn := startRealNameNode(t, nil)
	_, c := aliceHome(t, nn)
	must(t, c.MkdirAll("/user/alice/a/b/c", 0o550))
	checkEntry(t, c, "/user/alice/a", os.ModeDir|0o750, "alice", "analysts")
	checkEntry(t, c, "/user/alice/a/b", os.ModeDir|0o750, "alice", "analysts")
	checkEntry(t, c, "/user/alice/a/b/c", os.ModeDir|0o550, "alice", "analysts")
	checkPathError(t, c.Mkdir("/user/alice/a/b/c/d", 0o755), "mkdir", "/user/alice/a/b/c/d", os.ErrPermission)
	checkSurvivesRestart(t, nn, "/user")
}

func TestRealNN_LibraryNamespaceOperationsSurviveRestart(t *testing.T) {
	nn := startRealNameNode(t, nil)
	su, c := aliceHome(t, nn)
	const h = "/user/alice"
	start := time.Now().Add(-time.Second)

	must(t, c.MkdirAll(h+"/proj/in", 0o755))
	must(t, c.Mkdir(h+"/proj/out", 0o700))
	for _, f := range []string{"proj/in/a", "proj/in/b", "proj/in/c", "proj/notes"} {
		must(t, c.CreateEmptyFile(h+"/"+f))
	}
	f := statOf(t, c, h+"/proj/in/a")
	if f.Size() != 0 || f.Mode() != 0o644 || f.Owner() != "alice" || f.OwnerGroup() != "analysts" ||
		f.ModTime().Before(start) || f.ModTime().After(time.Now().Add(time.Second)) {
		t.Errorf("new file: size %d mode %v %s:%s mtime %v, want 0 -rw-r--r-- alice:analysts now",
			f.Size(), f.Mode(), f.Owner(), f.OwnerGroup(), f.ModTime())
	}
	if st := status(t, f); st.GetBlockReplication() != 3 || st.GetBlocksize() != 128<<20 {
		t.Errorf("new file: replication %d block size %d, want the defaults 3 and 128 MiB",
			st.GetBlockReplication(), st.GetBlocksize())
	}

	// chmod, chown (superuser), chtimes.
	must(t, c.Chmod(h+"/proj/in/a", 0o600))
	must(t, c.Chmod(h+"/proj/out", 0o711))
	checkEntry(t, c, h+"/proj/in/a", 0o600, "alice", "analysts")
	checkEntry(t, c, h+"/proj/out", os.ModeDir|0o711, "alice", "analysts")
	checkPathError(t, c.Chown(h+"/proj/in/b", "bob", ""), "chown", h+"/proj/in/b", os.ErrPermission)
	must(t, su.Chown(h+"/proj/in/b", "bob", "etl"))
	checkEntry(t, c, h+"/proj/in/b", 0o644, "bob", "etl")
	// Not Chown(p, "", "etl"): the library sends username "" and Hadoop
	// sets it as the owner, yet its edit log reads "" back as "unchanged"
	// (SetOwnerOp, readString_EmptyAsNull), so the owner differs after a
	// restart, in Hadoop as in hdfsd.
	must(t, su.Chown(h+"/proj/in/c", "alice", "etl"))
	checkEntry(t, c, h+"/proj/in/c", 0o644, "alice", "etl")
	when := time.Date(2001, 9, 9, 1, 46, 40, 0, time.UTC)
	must(t, c.Chtimes(h+"/proj/notes", when.Add(time.Hour), when))
	n := statOf(t, c, h+"/proj/notes")
	if !n.ModTime().Equal(when) || !n.AccessTime().Equal(when.Add(time.Hour)) {
		t.Errorf("after Chtimes: mtime %v atime %v, want %v and %v", n.ModTime(), n.AccessTime(), when, when.Add(time.Hour))
	}

	// rename: to a new name, into another directory, over an existing file.
	must(t, c.Rename(h+"/proj/in/c", h+"/proj/out/c2"))
	must(t, c.Rename(h+"/proj/notes", h+"/proj/in/a")) // overwrites a
	n2 := statOf(t, c, h+"/proj/in/a")
	if n2.Mode() != 0o644 || !n2.ModTime().Equal(when) {
		t.Errorf("the renamed file is %v mtime %v, want the source's -rw-r--r-- and %v", n2.Mode(), n2.ModTime(), when)
	}
	for _, p := range []string{h + "/proj/notes", h + "/proj/in/c"} {
		_, err := c.Stat(p)
		checkPathError(t, err, "stat", p, os.ErrNotExist)
	}

	// xattrs.
	must(t, c.SetXAttr(h+"/proj", "user.owner", "team-a"))
	must(t, c.SetXAttr(h+"/proj/in/a", "user.k1", "v1"))
	must(t, c.SetXAttr(h+"/proj/in/a", "user.k2", ""))
	must(t, c.RemoveXAttr(h+"/proj/in/a", "user.k2"))
	xs, err := c.GetXAttrs(h+"/proj/in/a", "user.k1")
	must(t, err)
	checkXAttrs(t, xs, map[string]string{"user.k1": "v1"})

	// delete: a file, then a tree.
	must(t, c.MkdirAll(h+"/scratch/x/y", 0o755))
	must(t, c.CreateEmptyFile(h+"/scratch/x/y/z"))
	must(t, c.Remove(h+"/proj/in/b"))
	checkPathError(t, c.Remove(h+"/scratch"), "remove", h+"/scratch", syscall.ENOTEMPTY)
	must(t, c.RemoveAll(h+"/scratch"))

	// du: content summary; df: no DataNodes, all zero.
	cs, err := c.GetContentSummary(h)
	must(t, err)
	if cs.DirectoryCount() != 4 || cs.FileCount() != 2 || cs.Size() != 0 || cs.SizeAfterReplication() != 0 {
		t.Errorf("content summary of %s: %d dirs %d files %d bytes (%d replicated), want 4 2 0 0",
			h, cs.DirectoryCount(), cs.FileCount(), cs.Size(), cs.SizeAfterReplication())
	}
	fs, err := c.StatFs()
	must(t, err)
	if fs != (hdfs.FsInfo{}) {
		t.Errorf("StatFs = %+v, want all zeros with no DataNodes", fs)
	}

	if names := listNames(t, c, h+"/proj/in"); names != "[a]" {
		t.Errorf("proj/in holds %s, want [a]", names)
	}
	if names := listNames(t, c, h+"/proj/out"); names != "[c2]" {
		t.Errorf("proj/out holds %s, want [c2]", names)
	}
	checkSurvivesRestart(t, nn, "/")
	xs, err = newClient(t, nn, "alice").ListXAttrs(h + "/proj")
	must(t, err)
	checkXAttrs(t, xs, map[string]string{"user.owner": "team-a"})
}

func listNames(t *testing.T, c *hdfs.Client, dir string) string {
	t.Helper()
	fis, err := c.ReadDir(dir)
	must(t, err)
	var names []string
	for _, fi := range fis {
		names = append(names, fi.Name())
	}
	return fmt.Sprint(names)
}

// A restart keeps inode ids and times exactly, and new inodes after it
// continue the id sequence.
func TestRealNN_RestartKeepsInodeIDsAndContinuesThem(t *testing.T) {
	nn := startRealNameNode(t, nil)
	_, c := aliceHome(t, nn)
	must(t, c.CreateEmptyFile("/user/alice/one"))
	id1 := status(t, statOf(t, c, "/user/alice/one")).GetFileId()
	checkSurvivesRestart(t, nn, "/")
	c = newClient(t, nn, "alice")
	must(t, c.CreateEmptyFile("/user/alice/two"))
	if id2 := status(t, statOf(t, c, "/user/alice/two")).GetFileId(); id2 <= id1 {
		t.Errorf("inode id after restart %d, want more than %d", id2, id1)
	}
	if root := status(t, statOf(t, c, "/")).GetFileId(); root != rootInodeID {
		t.Errorf("root inode id %d, want %d", root, rootInodeID)
	}
}

package namespace

import (
	"slices"
	"testing"
)

func TestDeleteRemovesTheSubtreeAndReportsBlocksAndLeases(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/d/closed")
	create(t, tr, alice, "/user/alice/d/e/open")
	ok(t)(tr.AddBlock(alice, "/user/alice/d/e/open", 0, "DFSClient_1", nil, Block{ID: 7, GenStamp: 1}))
	open := stat(t, tr, "/user/alice/d/e/open").FileID
	before := tr.Stats().Inodes
	ch := ok(t)(tr.Delete(at(alice, 9000), "/user/alice/d", true))
	if !ch.OK || len(ch.Records) != 1 || ch.Records[0].Path != "/user/alice/d" || ch.Records[0].Timestamp != 9000 {
		t.Fatalf("change %+v", ch)
	}
	if ch.Removed.Inodes != 4 || !slices.Equal(ch.Removed.Blocks, []int64{7}) ||
		!slices.Equal(ch.Removed.LeaseIDs, []int64{open}) {
		t.Fatalf("removed %+v", ch.Removed)
	}
	if stat(t, tr, "/user/alice/d") != nil || tr.Stats().Inodes != before-4 {
		t.Fatal("subtree still there")
	}
	if _, found := tr.PathOf(open); found {
		t.Fatal("id map keeps a deleted inode")
	}
	if m := stat(t, tr, "/user/alice").ModTime; m != 9000 {
		t.Fatalf("parent mtime %d", m)
	}
}

func TestDeleteOfNonEmptyDirectoryNeedsRecursive(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/d/f")
	_, err := tr.Delete(alice, "/user/alice/d", false)
	wantErr(t, err, ErrPathIsNotEmptyDirectory, "`/user/alice/d is non empty': Directory is not empty")
	mkdirs(t, tr, alice, "/user/alice/empty", 0755)
	if ch := ok(t)(tr.Delete(alice, "/user/alice/empty", false)); !ch.OK {
		t.Fatal("empty directory not deleted")
	}
}

func TestDeleteOfMissingPathOrRootIsFalse(t *testing.T) {
	tr := homeTree(t)
	for _, p := range []string{"/user/alice/nothing", "/"} {
		ch := ok(t)(tr.Delete(hdfs, p, true))
		if ch.OK || len(ch.Records) != 0 {
			t.Errorf("delete %s: %+v", p, ch)
		}
	}
	if stat(t, tr, "/user/alice") == nil {
		t.Fatal("the root was deleted")
	}
	_, err := tr.Delete(hdfs, "/", false)
	wantErr(t, err, ErrPathIsNotEmptyDirectory, "`/ is non empty': Directory is not empty")
	_, err = tr.Delete(hdfs, "/.reserved", true)
	wantErr(t, err, ErrInvalidPath, "Invalid path name /.reserved")
}

func TestStickyBitProtectsOthersFiles(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/tmp", 0777)
	chmod(t, tr, "/tmp", 01777)
	touch(t, tr, alice, "/tmp/a")
	_, err := tr.Delete(bob, "/tmp/a", false)
	wantErr(t, err, ErrAccessControl, `Permission denied by sticky bit: user=bob, path="/tmp/a":alice:supergroup:-rw-r--r--,`+
		` parent="/tmp":hdfs:supergroup:drwxrwxrwt`)
	_, err = tr.Rename(bob, "/tmp/a", "/tmp/b", 0)
	if err == nil {
		t.Fatal("bob renamed alice's file out of a sticky directory")
	}
	if ch := ok(t)(tr.Delete(alice, "/tmp/a", false)); !ch.OK {
		t.Fatal("the owner could not delete")
	}
}

func TestDeleteNeedsFullAccessToNonEmptySubdirectories(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/d/sub/f")
	mkdirs(t, tr, alice, "/user/alice/d/empty", 0755)
	chmod(t, tr, "/user/alice/d/empty", 0555)
	chmod(t, tr, "/user/alice/d/sub", 0555)
	_, err := tr.Delete(alice, "/user/alice/d", true)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=alice, access=ALL, inode="/user/alice/d/sub":alice:users:dr-xr-xr-x`)
	chmod(t, tr, "/user/alice/d/sub", 0755)
	ok(t)(tr.Delete(alice, "/user/alice/d", true)) // the empty read-only directory does not count
}

func TestNonCreateOpsReportAFileInThePathAsAccessDenied(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	_, err := tr.Delete(alice, "/user/alice/f/x", false)
	wantErr(t, err, ErrAccessControl, "/user/alice/f (is not a directory)")
	_, err = tr.GetFileInfo(alice, "/user/alice/f/x", true)
	wantErr(t, err, ErrAccessControl, "/user/alice/f (is not a directory)")
	if st, err := tr.GetFileInfo(hdfs, "/user/alice/f/x", true); st != nil || err != nil {
		t.Fatalf("superuser got %v, %v; Hadoop answers null", st, err)
	}
}

// Deleting files still open for write ends their leases even when a
// snapshot keeps them, at any depth below the deleted directory, as
// Hadoop's cleanSubtree hands every file under construction it deletes to
// removeLeasesAndINodes. The snapshot copies stay under construction.
func TestDeleteEndsTheLeasesOfOpenFilesASnapshotKeeps(t *testing.T) {
	tr := homeTree(t)
	mkdirs(t, tr, hdfs, "/snap/d/e", 0755)
	create(t, tr, hdfs, "/snap/open")
	create(t, tr, hdfs, "/snap/d/open")
	create(t, tr, hdfs, "/snap/d/e/open")
	ids := []int64{stat(t, tr, "/snap/open").FileID, stat(t, tr, "/snap/d/open").FileID, stat(t, tr, "/snap/d/e/open").FileID}
	ok(t)(tr.AllowSnapshot(hdfs, "/snap"))
	ok(t)(tr.CreateSnapshot(hdfs, "/snap", "s1"))
	var ended []int64
	for _, p := range []string{"/snap/open", "/snap/d"} {
		ch := ok(t)(tr.Delete(hdfs, p, true))
		ended = append(ended, ch.Removed.LeaseIDs...)
	}
	slices.Sort(ended)
	if !slices.Equal(ended, ids) {
		t.Fatalf("leases ended %v, want %v", ended, ids)
	}
	if open := tr.OpenFiles(); len(open) != 0 {
		t.Fatalf("still open: %+v", open)
	}
	if st := stat(t, tr, "/snap/.snapshot/s1/d/e/open"); st == nil {
		t.Fatal("the snapshot lost the file")
	}
}

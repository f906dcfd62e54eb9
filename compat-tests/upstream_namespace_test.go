package compattests

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// Ported from colinmarc/hdfs v2.4.0 (see upstream_test.go): mkdir_test.go,
// perms_test.go, readdir_test.go, remove_test.go, rename_test.go,
// stat_test.go, content_summary_test.go, defaults_test.go,
// stat_fs_test.go, walk_test.go, client_test.go, and the parts of
// file_writer_test.go, file_reader_test.go and truncate_test.go that need
// no DataNode.

const dirMode = 0o777 | os.ModeDir // upstream's mode for Mkdir

func TestUpstream_Mkdir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/dir2")
	must(t, c.Mkdir("/_test/dir2", dirMode))
	fi, err := c.Stat("/_test/dir2")
	must(t, err)
	if !fi.IsDir() {
		t.Errorf("/_test/dir2 is not a directory")
	}
}

func TestUpstream_MkdirExists(t *testing.T) {
	_, c, _ := upstreamClients(t)
	mkdirp(t, c, "/_test/existingdir")
	checkPathError(t, c.Mkdir("/_test/existingdir", dirMode), "mkdir", "/_test/existingdir", os.ErrExist)
}

func TestUpstream_MkdirWithoutParent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	checkPathError(t, c.Mkdir("/_test/nonexistent/foo", dirMode), "mkdir", "/_test/nonexistent/foo", os.ErrNotExist)
	_, err := c.Stat("/_test/nonexistent/foo")
	checkPathError(t, err, "stat", "/_test/nonexistent/foo", os.ErrNotExist)
	_, err = c.Stat("/_test/nonexistent")
	checkPathError(t, err, "stat", "/_test/nonexistent", os.ErrNotExist)
}

func TestUpstream_MkdirAll(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/dir3")
	must(t, c.MkdirAll("/_test/dir3/foo", dirMode))
	for _, p := range []string{"/_test/dir3/foo", "/_test/dir3"} {
		fi, err := c.Stat(p)
		must(t, err)
		if !fi.IsDir() || fi.Size() != 0 {
			t.Errorf("%s: dir %v size %d, want a directory of size 0", p, fi.IsDir(), fi.Size())
		}
	}
}

func TestUpstream_MkdirAllExists(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/dir4")
	must(t, c.MkdirAll("/_test/dir4/foo", dirMode))
	must(t, c.MkdirAll("/_test/dir4/foo", dirMode))
}

func TestUpstream_MkdirWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirp(t, c, "/_test/accessdenied")
	checkPathError(t, c2.Mkdir("/_test/accessdenied/dir", dirMode), "mkdir", "/_test/accessdenied/dir", os.ErrPermission)
	_, err := c.Stat("/_test/accessdenied/dir")
	checkPathError(t, err, "stat", "/_test/accessdenied/dir", os.ErrNotExist)
}

// Upstream calls Mkdir here, not MkdirAll, despite the name.
func TestUpstream_MkdirAllWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirp(t, c, "/_test/accessdenied")
	checkPathError(t, c2.Mkdir("/_test/accessdenied/dir2/foo", dirMode), "mkdir", "/_test/accessdenied/dir2/foo", os.ErrPermission)
	_, err := c.Stat("/_test/accessdenied/dir2/foo")
	checkPathError(t, err, "stat", "/_test/accessdenied/dir2/foo", os.ErrNotExist)
	_, err = c.Stat("/_test/accessdenied/dir2")
	checkPathError(t, err, "stat", "/_test/accessdenied/dir2", os.ErrNotExist)
}

func TestUpstream_Chmod(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/tochmod")
	must(t, c.Chmod("/_test/tochmod", 0o777))
	fi, err := c.Stat("/_test/tochmod")
	must(t, err)
	if fi.Mode() != 0o777 {
		t.Errorf("mode %v, want -rwxrwxrwx", fi.Mode())
	}
}

func TestUpstream_ChmodDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	mkdirp(t, c, "/_test/dirtochmod")
	must(t, c.Chmod("/_test/dirtochmod", 0o777))
	fi, err := c.Stat("/_test/dirtochmod")
	must(t, err)
	if fi.Mode() != 0o777|os.ModeDir {
		t.Errorf("mode %v, want drwxrwxrwx", fi.Mode())
	}
}

func TestUpstream_ChmodNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	checkPathError(t, c.Chmod("/_test/nonexistent", 0o777), "chmod", "/_test/nonexistent", os.ErrNotExist)
}

func TestUpstream_ChmodWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirp(t, c, "/_test/accessdenied")
	checkPathError(t, c2.Chmod("/_test/accessdenied", 0o777), "chmod", "/_test/accessdenied", os.ErrPermission)
}

func TestUpstream_Chown(t *testing.T) {
	nn, c, _ := upstreamClients(t)
	su := newClient(t, nn, superuser(t))
	touch(t, c, "/_test/tochown")
	must(t, su.Chown("/_test/tochown", "foo", "bar"))
	checkOwner(t, su, "/_test/tochown", "foo", "bar")
}

func TestUpstream_ChownDir(t *testing.T) {
	nn, c, _ := upstreamClients(t)
	su := newClient(t, nn, superuser(t))
	mkdirp(t, c, "/_test/tochowndir")
	must(t, su.Chown("/_test/tochowndir", "foo", "bar"))
	checkOwner(t, su, "/_test/tochowndir", "foo", "bar")
}

func checkOwner(t *testing.T, c *hdfs.Client, p, owner, group string) {
	t.Helper()
	fi, err := c.Stat(p)
	must(t, err)
	if hfi := fi.(*hdfs.FileInfo); hfi.Owner() != owner || hfi.OwnerGroup() != group {
		t.Errorf("%s is owned by %s:%s, want %s:%s", p, hfi.Owner(), hfi.OwnerGroup(), owner, group)
	}
}

func TestUpstream_ChownNonexistent(t *testing.T) {
	nn, c, _ := upstreamClients(t)
	su := newClient(t, nn, superuser(t))
	baleet(t, c, "/_test/nonexistent")
	checkPathError(t, su.Chown("/_test/nonexistent", gohdfs2, ""), "chown", "/_test/nonexistent", os.ErrNotExist)
}

func TestUpstream_ChownWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirp(t, c, "/_test/accessdenied")
	checkPathError(t, c2.Chown("/_test/accessdenied", "owner", ""), "chown", "/_test/accessdenied", os.ErrPermission)
}

func TestUpstream_Chtimes(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/tochtime")
	birthday := time.Date(1990, 1, 22, 14, 33, 35, 0, time.UTC)
	must(t, c.Chtimes("/_test/tochtime", birthday, birthday))
	fi, err := c.Stat("/_test/tochtime")
	must(t, err)
	if !fi.ModTime().Equal(birthday) || !fi.(*hdfs.FileInfo).AccessTime().Equal(birthday) {
		t.Errorf("mtime %v atime %v, want both %v", fi.ModTime().UTC(), fi.(*hdfs.FileInfo).AccessTime().UTC(), birthday)
	}
}

// fullDir is upstream's /_test/fulldir fixture: three empty files and a
// directory.
func fullDir(t *testing.T, c *hdfs.Client, dir string) {
	t.Helper()
	mkdirp(t, c, dir)
	mkdirp(t, c, dir+"/dir")
	for _, f := range []string{"1", "2", "3"} {
		touch(t, c, dir+"/"+f)
	}
}

func checkFullDir(t *testing.T, res []os.FileInfo) {
	t.Helper()
	var got []string
	for _, fi := range res {
		got = append(got, fmt.Sprintf("%s:%v", fi.Name(), fi.IsDir()))
	}
	if want := "[1:false 2:false 3:false dir:true]"; fmt.Sprint(got) != want {
		t.Errorf("listing %v, want %s", got, want)
	}
}

func TestUpstream_ReadDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	fullDir(t, c, "/_test/fulldir")
	res, err := c.ReadDir("/_test/fulldir")
	must(t, err)
	checkFullDir(t, res)
}

func TestUpstream_ReadDirTrailingSlash(t *testing.T) {
	_, c, _ := upstreamClients(t)
	fullDir(t, c, "/_test/fulldir2")
	res, err := c.ReadDir("/_test/fulldir2/")
	must(t, err)
	checkFullDir(t, res)
}

func TestUpstream_ReadEmptyDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/emptydir")
	mkdirp(t, c, "/_test/emptydir")
	res, err := c.ReadDir("/_test/emptydir")
	must(t, err)
	if len(res) != 0 {
		t.Errorf("%d entries, want 0", len(res))
	}
}

func TestUpstream_ReadDirNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	res, err := c.ReadDir("/_test/nonexistent")
	checkPathError(t, err, "open", "/_test/nonexistent", os.ErrNotExist)
	if res != nil {
		t.Errorf("entries %v, want nil", res)
	}
}

func TestUpstream_ReadDirWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	touchMask(t, c, "/_test/accessdenied/foo", 0o600)
	res, err := c2.ReadDir("/_test/accessdenied")
	checkPathError(t, err, "readdir", "/_test/accessdenied", os.ErrPermission)
	if res != nil {
		t.Errorf("entries %v, want nil", res)
	}
}

func TestUpstream_RemoveFile(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/todelete")
	mkdirp(t, c, "/_test/todelete")
	touch(t, c, "/_test/todelete/deleteme")
	must(t, c.Remove("/_test/todelete/deleteme"))
	fi, err := c.Stat("/_test/todelete/deleteme")
	checkPathError(t, err, "stat", "/_test/todelete/deleteme", os.ErrNotExist)
	if fi != nil {
		t.Errorf("Stat = %v, want nil", fi)
	}
}

func TestUpstream_RemoveEmptyDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/todelete")
	mkdirp(t, c, "/_test/todelete")
	must(t, c.Remove("/_test/todelete"))
	_, err := c.Stat("/_test/todelete")
	checkPathError(t, err, "stat", "/_test/todelete", os.ErrNotExist)
}

func TestUpstream_RemoveNonEmptyDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/todelete")
	mkdirp(t, c, "/_test/todelete")
	touch(t, c, "/_test/todelete/dummy")
	checkPathError(t, c.Remove("/_test/todelete"), "remove", "/_test/todelete", syscall.ENOTEMPTY)
	if _, err := c.Stat("/_test/todelete/dummy"); err != nil {
		t.Errorf("the file survives a failed delete: %v", err)
	}
}

func TestUpstream_RemoveNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	checkPathError(t, c.Remove("/_test/nonexistent"), "remove", "/_test/nonexistent", os.ErrNotExist)
}

// Upstream relies on /_test/accessdenied being left 0755 by an earlier
// test; here the test makes it so.
func TestUpstream_RemoveWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirp(t, c, "/_test/accessdenied")
	touch(t, c, "/_test/accessdenied/foo")
	checkPathError(t, c2.Remove("/_test/accessdenied/foo"), "remove", "/_test/accessdenied/foo", os.ErrPermission)
}

func TestUpstream_RemoveAllEmptyDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/todelete")
	mkdirp(t, c, "/_test/todelete")
	must(t, c.RemoveAll("/_test/todelete"))
	_, err := c.Stat("/_test/todelete")
	checkPathError(t, err, "stat", "/_test/todelete", os.ErrNotExist)
}

func TestUpstream_RemoveAllNonEmptyDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/todelete")
	mkdirp(t, c, "/_test/todelete")
	touch(t, c, "/_test/todelete/dummy")
	must(t, c.RemoveAll("/_test/todelete"))
	_, err := c.Stat("/_test/todelete")
	checkPathError(t, err, "stat", "/_test/todelete", os.ErrNotExist)
}

func TestUpstream_RemoveAllNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	must(t, c.RemoveAll("/_test/nonexistent"))
}

func TestUpstream_RemoveAllWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirp(t, c, "/_test/accessdenied")
	touch(t, c, "/_test/accessdenied/foo")
	checkPathError(t, c2.RemoveAll("/_test/accessdenied/foo"), "remove", "/_test/accessdenied/foo", os.ErrPermission)
}

func TestUpstream_Rename(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/tomove")
	baleet(t, c, "/_test/tomovedest")
	must(t, c.Rename("/_test/tomove", "/_test/tomovedest"))
	_, err := c.Stat("/_test/tomove")
	checkPathError(t, err, "stat", "/_test/tomove", os.ErrNotExist)
	_, err = c.Stat("/_test/tomovedest")
	must(t, err)
}

func TestUpstream_RenameSrcNotExistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	baleet(t, c, "/_test/nonexistent2")
	checkPathError(t, c.Rename("/_test/nonexistent", "/_test/nonexistent2"), "rename", "/_test/nonexistent", os.ErrNotExist)
}

func TestUpstream_RenameDestExists(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/tomove2")
	touch(t, c, "/_test/tomovedest2")
	must(t, c.Rename("/_test/tomove2", "/_test/tomovedest2"))
}

func TestUpstream_RenameWithoutPermissionForSrc(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	touchMask(t, c, "/_test/accessdenied/foo", 0o600)
	checkPathError(t, c2.Rename("/_test/accessdenied/foo", "/_test/tomovedest3"), "rename", "/_test/accessdenied/foo", os.ErrPermission)
}

// Upstream relies on /_test/accessdenied being left 0700 by gohdfs1 by
// the test before: the library stats the destination first, and that
// stat is what fails.
func TestUpstream_RenameWithoutPermissionForDest(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	baleet(t, c2, "/_test/ownedbyother2")
	must(t, c2.CreateEmptyFile("/_test/ownedbyother2"))
	checkPathError(t, c2.Rename("/_test/ownedbyother2", "/_test/accessdenied/tomovedest4"),
		"rename", "/_test/accessdenied/tomovedest4", os.ErrPermission)
}

// checkFreshStat is upstream's check of a stat: name, kind, size, and a
// modification time in the current month.
func checkFreshStat(t *testing.T, fi os.FileInfo, name string, dir bool) {
	t.Helper()
	now := time.Now()
	if fi.Name() != name || fi.IsDir() != dir || fi.Size() != 0 ||
		fi.ModTime().Year() != now.Year() || fi.ModTime().Month() != now.Month() {
		t.Errorf("stat: name %q dir %v size %d mtime %v, want %q %v 0 this month",
			fi.Name(), fi.IsDir(), fi.Size(), fi.ModTime(), name, dir)
	}
}

func TestUpstream_StatEmptyFile(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/emptyfile2")
	fi, err := c.Stat("/_test/emptyfile2")
	must(t, err)
	checkFreshStat(t, fi, "emptyfile2", false)
}

func TestUpstream_StatNotExistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	fi, err := c.Stat("/_test/nonexistent")
	checkPathError(t, err, "stat", "/_test/nonexistent", os.ErrNotExist)
	if fi != nil {
		t.Errorf("Stat = %v, want nil", fi)
	}
}

func TestUpstream_StatDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	mkdirp(t, c, "/_test/dir")
	fi, err := c.Stat("/_test/dir")
	must(t, err)
	checkFreshStat(t, fi, "dir", true)
}

func TestUpstream_StatDirWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	touchMask(t, c, "/_test/accessdenied/foo", 0o600)
	fi, err := c2.Stat("/_test/accessdenied")
	must(t, err)
	if fi.(*hdfs.FileInfo).Owner() == "" {
		t.Errorf("/_test/accessdenied has no owner")
	}
	_, err = c2.Stat("/_test/accessdenied/foo")
	checkPathError(t, err, "stat", "/_test/accessdenied/foo", os.ErrPermission)
}

func TestUpstream_ContentSummaryDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/dirforcs")
	mkdirp(t, c, "/_test/dirforcs/1")
	mkdirp(t, c, "/_test/dirforcs/2")
	touch(t, c, "/_test/dirforcs/foo")
	touch(t, c, "/_test/dirforcs/1/bar")
	cs, err := c.GetContentSummary("/_test/dirforcs")
	must(t, err)
	if cs.FileCount() != 2 || cs.DirectoryCount() != 3 {
		t.Errorf("files %d dirs %d, want 2 3", cs.FileCount(), cs.DirectoryCount())
	}
}

func TestUpstream_ContentSummaryNonExistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	cs, err := c.GetContentSummary("/_test/nonexistent")
	checkPathError(t, err, "content summary", "/_test/nonexistent", os.ErrNotExist)
	if cs != nil {
		t.Errorf("summary %v, want nil", cs)
	}
}

func TestUpstream_ContentSummaryDirWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	touchMask(t, c, "/_test/accessdenied/foo", 0o600)
	_, err := c2.GetContentSummary("/_test/accessdenied/foo")
	checkPathError(t, err, "content summary", "/_test/accessdenied/foo", os.ErrPermission)
}

func TestUpstream_ServerDefaults(t *testing.T) {
	_, c, _ := upstreamClients(t)
	sd, err := c.ServerDefaults()
	must(t, err)
	if sd.BlockSize == 0 {
		t.Errorf("ServerDefaults = %+v, want a block size", sd)
	}
}

func TestUpstream_StatFs(t *testing.T) {
	_, c, _ := upstreamClients(t)
	_, err := c.StatFs()
	must(t, err)
}

// Upstream creates the files with Create and never closes them; they are
// closed here, so that the shared NameNode holds no leases.
func TestUpstream_Walk(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/walk")
	for _, d := range []string{"/_test/walk", "/_test/walk/dir", "/_test/walk/dir/subdir"} {
		must(t, c.Mkdir(d, os.ModePerm))
	}
	for _, f := range []string{"/_test/walk/walkfile", "/_test/walk/dir/walkfile1", "/_test/walk/dir/walkfile2",
		"/_test/walk/dir/subdir/walkfile1", "/_test/walk/dir/subdir/walkfile2"} {
		must(t, c.CreateEmptyFile(f))
	}
	var paths []string
	err := c.Walk("/_test/walk/", func(p string, _ os.FileInfo, _ error) error {
		paths = append(paths, p)
		return nil
	})
	must(t, err)
	want := []string{
		"/_test/walk/",
		"/_test/walk/dir",
		"/_test/walk/dir/subdir",
		"/_test/walk/dir/subdir/walkfile1",
		"/_test/walk/dir/subdir/walkfile2",
		"/_test/walk/dir/walkfile1",
		"/_test/walk/dir/walkfile2",
		"/_test/walk/walkfile",
	}
	if fmt.Sprint(paths) != fmt.Sprint(want) {
		t.Errorf("Walk visited %v, want %v", paths, want)
	}
}

func TestUpstream_WalkError(t *testing.T) {
	_, c, _ := upstreamClients(t)
	var errs []error
	c.Walk("/not_existing", func(_ string, _ os.FileInfo, err error) error {
		if err != nil {
			errs = append(errs, err)
		}
		return nil
	})
	if len(errs) != 1 {
		t.Errorf("Walk(/not_existing) reported %v, want a single error", errs)
	}
}

func TestUpstream_NewWithMultipleNodes(t *testing.T) {
	nn := upstreamNameNode(t)
	c, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{"localhost:100", nn.address()}, User: gohdfs1})
	must(t, err)
	c.Close()
}

func TestUpstream_NewWithFailingNode(t *testing.T) {
	if _, err := hdfs.New("localhost:100"); err == nil {
		t.Error("hdfs.New(localhost:100) succeeded")
	}
}

func TestUpstream_CreateEmptyFile(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/emptyfile")
	must(t, c.CreateEmptyFile("/_test/emptyfile"))
	fi, err := c.Stat("/_test/emptyfile")
	must(t, err)
	if fi.IsDir() || fi.Size() != 0 {
		t.Errorf("dir %v size %d, want an empty file", fi.IsDir(), fi.Size())
	}
	checkPathError(t, c.CreateEmptyFile("/_test/emptyfile"), "create", "/_test/emptyfile", os.ErrExist)
}

// FileAlreadyExistsException from HDFS.
func TestUpstream_CreateFileAlreadyExistsException(t *testing.T) {
	const p = "/_test/create/already_exists.txt"
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/create/being_created_file")
	mkdirp(t, c, filepath.Dir(p))
	f, err := c.CreateFile(p, 1, 1048576, 0o755)
	must(t, err)
	must(t, f.Close())
	_, err = c.CreateFile(p, 1, 1048576, 0o755)
	checkPathError(t, err, "create", p, os.ErrExist)
}

// AlreadyBeingCreatedException from HDFS.
func TestUpstream_CreateFileAlreadyBeingCreatedException(t *testing.T) {
	const p = "/_test/create/being_created.txt"
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/create/being_created_file")
	mkdirp(t, c, filepath.Dir(p))
	f, err := c.CreateFile(p, 1, 1048576, 0o755)
	must(t, err)
	defer func() { must(t, f.Close()) }()
	_, err = c.CreateFile(p, 1, 1048576, 0o755)
	checkPathError(t, err, "create", p, os.ErrExist)
}

func TestUpstream_CreateEmptyFileWithoutParent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	checkPathError(t, c.CreateEmptyFile("/_test/nonexistent/emptyfile"), "create", "/_test/nonexistent/emptyfile", os.ErrNotExist)
	_, err := c.Stat("/_test/nonexistent/emptyfile")
	checkPathError(t, err, "stat", "/_test/nonexistent/emptyfile", os.ErrNotExist)
}

func TestUpstream_CreateEmptyFileWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirp(t, c, "/_test/accessdenied")
	checkPathError(t, c2.CreateEmptyFile("/_test/accessdenied/emptyfile"), "create", "/_test/accessdenied/emptyfile", os.ErrPermission)
	_, err := c.Stat("/_test/accessdenied/emptyfile")
	checkPathError(t, err, "stat", "/_test/accessdenied/emptyfile", os.ErrNotExist)
}

// An empty file has no blocks, so reading it asks no DataNode.
func TestUpstream_ReadEmptyFile(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/emptyfile")
	f, err := c.Open("/_test/emptyfile")
	must(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	must(t, err)
	if len(b) != 0 {
		t.Errorf("read %q, want nothing", b)
	}
}

func TestUpstream_FileReadDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/fulldir3")
	fullDir(t, c, "/_test/fulldir3")
	f, err := c.Open("/_test/fulldir3")
	must(t, err)
	names := func(fis []os.FileInfo) string {
		var s []string
		for _, fi := range fis {
			s = append(s, fi.Name())
		}
		return fmt.Sprint(s)
	}
	res, _ := f.Readdir(2)
	if got := names(res); got != "[1 2]" {
		t.Errorf("Readdir(2) = %s, want [1 2]", got)
	}
	res, _ = f.Readdir(5)
	if got := names(res); got != "[3 dir]" {
		t.Errorf("then Readdir(5) = %s, want [3 dir]", got)
	}
	res, _ = f.Readdir(0)
	if got := names(res); got != "[1 2 3 dir]" {
		t.Errorf("then Readdir(0) = %s, want [1 2 3 dir]", got)
	}
}

func TestUpstream_FileReadDirnames(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/fulldir4")
	fullDir(t, c, "/_test/fulldir4")
	f, err := c.Open("/_test/fulldir4")
	must(t, err)
	res, _ := f.Readdirnames(0)
	if fmt.Sprint(res) != "[1 2 3 dir]" {
		t.Errorf("Readdirnames(0) = %v, want [1 2 3 dir]", res)
	}
}

// 2535 empty files: three getListing pages at the default dfs.ls.limit.
func TestUpstream_FileReadDirMany(t *testing.T) {
	_, c, _ := upstreamClients(t)
	const (
		maxReadDir = 1000 // HDFS returns this many entries.
		total      = maxReadDir*2 + maxReadDir/2 + 35
		firstBatch = maxReadDir + 71
	)
	mkdirp(t, c, "/_test/fulldir5")
	for i := range total {
		// Upstream's touch removes first; the directory is new, so create.
		must(t, c.CreateEmptyFile(fmt.Sprintf("/_test/fulldir5/%04d", i)))
	}
	f, err := c.Open("/_test/fulldir5")
	must(t, err)
	check := func(what string, res []os.FileInfo, n, from int) {
		t.Helper()
		if len(res) != n {
			t.Fatalf("%s: %d entries, want %d", what, len(res), n)
		}
		for i, fi := range res {
			if want := fmt.Sprintf("%04d", i+from); fi.Name() != want {
				t.Fatalf("%s: entry %d is %s, want %s", what, i, fi.Name(), want)
			}
		}
	}
	res, _ := f.Readdir(firstBatch)
	check("Readdir(firstBatch)", res, firstBatch, 0)
	res, _ = f.Readdir(total)
	check("then Readdir(total)", res, total-firstBatch, firstBatch)
	res, _ = f.Readdir(0)
	check("then Readdir(0)", res, total, 0)
}

func TestUpstream_OpenFileWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	touchMask(t, c, "/_test/accessdenied/foo", 0o700)
	f, err := c2.Open("/_test/accessdenied/foo")
	checkPathError(t, err, "open", "/_test/accessdenied/foo", os.ErrPermission)
	if f != nil {
		t.Errorf("Open = %v, want nil", f)
	}
}

func TestUpstream_TruncateNoExist(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/nonexistent")
	done, err := c.Truncate("/_test/nonexistent", 100)
	checkPathError(t, err, "truncate", "/_test/nonexistent", os.ErrNotExist)
	if done {
		t.Error("Truncate reported done")
	}
}

func TestUpstream_TruncateDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	mkdirp(t, c, "/_test/truncate")
	done, err := c.Truncate("/_test/truncate", 100)
	checkPathError(t, err, "truncate", "/_test/truncate", os.ErrNotExist)
	if done {
		t.Error("Truncate reported done")
	}
}

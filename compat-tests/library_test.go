package compattests

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// Facts of the fixture served by treenn (compat-tests/treenn/tree,
// Fixture). They are spelled out here so that the tests read as the
// specification of what a client sees.
const (
	rootInodeID  = 16385 // Hadoop's INodeId.ROOT_INODE_ID
	aliceInodeID = 16387 // /user/alice, the second inode added
	helloInodeID = 16388 // /user/alice/hello.txt, the third
	bigFiles     = 2500  // files f0000..f2499 in /big; file i is i bytes long

	mar05_1407   = 1709647620000 // 2024-03-05 14:07:00 UTC, ms
	mar05_140730 = 1709647650000 // 2024-03-05 14:07:30 UTC, ms
)

// newClient connects the colinmarc/hdfs library to nn as user.
func newClient(t *testing.T, nn nnAddress, user string) *hdfs.Client {
	t.Helper()
	c, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{nn.address()}, User: user})
	if err != nil {
		t.Fatalf("hdfs.NewClient(%s): %v", nn.address(), err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func status(t *testing.T, fi os.FileInfo) *hdfs.FileStatus {
	t.Helper()
	st, ok := fi.Sys().(*hdfs.FileStatus)
	if !ok {
		t.Fatalf("%s: Sys() is %T, want *hdfs.FileStatus", fi.Name(), fi.Sys())
	}
	return st
}

func TestLibrary_StatsAFile(t *testing.T) {
	fi, err := newClient(t, shared, "alice").Stat("/user/alice/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Name() != "hello.txt" || fi.Size() != 12 || fi.IsDir() || fi.Mode() != 0o644 {
		t.Errorf("name %q size %d dir %v mode %v, want hello.txt 12 false -rw-r--r--",
			fi.Name(), fi.Size(), fi.IsDir(), fi.Mode())
	}
	if want := time.UnixMilli(mar05_1407); !fi.ModTime().Equal(want) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), want)
	}
	hfi := fi.(*hdfs.FileInfo)
	if hfi.Owner() != "alice" || hfi.OwnerGroup() != "supergroup" {
		t.Errorf("owner %s:%s, want alice:supergroup", hfi.Owner(), hfi.OwnerGroup())
	}
	if want := time.UnixMilli(mar05_140730); !hfi.AccessTime().Equal(want) {
		t.Errorf("atime %v, want %v", hfi.AccessTime(), want)
	}
	st := status(t, fi)
	if st.GetFileType().String() != "IS_FILE" || st.GetFileId() != helloInodeID ||
		st.GetBlockReplication() != 3 || st.GetBlocksize() != 128<<20 {
		t.Errorf("type %v fileId %d replication %d blocksize %d, want IS_FILE %d 3 %d",
			st.GetFileType(), st.GetFileId(), st.GetBlockReplication(), st.GetBlocksize(), helloInodeID, 128<<20)
	}
	// A status read by path carries an empty name: only listings set it.
	if st.Path == nil || len(st.Path) != 0 {
		t.Errorf("path = %q (nil %v), want present and empty", st.Path, st.Path == nil)
	}
	// Fields Hadoop always sets, even when zero: a missing childrenNum
	// would read as -1.
	if st.ChildrenNum == nil || st.GetChildrenNum() != 0 || st.StoragePolicy == nil || st.Flags == nil {
		t.Errorf("childrenNum %v storagePolicy %v flags %v, want 0 0 0 all present",
			st.ChildrenNum, st.StoragePolicy, st.Flags)
	}
}

func TestLibrary_StatsADirectory(t *testing.T) {
	fi, err := newClient(t, shared, "alice").Stat("/user/alice")
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() || fi.Mode() != os.ModeDir|0o755 || fi.Size() != 0 {
		t.Errorf("dir %v mode %v size %d, want a 0755 directory of size 0", fi.IsDir(), fi.Mode(), fi.Size())
	}
	if want := time.UnixMilli(mar05_140730); !fi.ModTime().Equal(want) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), want)
	}
	hfi := fi.(*hdfs.FileInfo)
	if hfi.Owner() != "alice" || hfi.OwnerGroup() != "supergroup" {
		t.Errorf("owner %s:%s, want alice:supergroup", hfi.Owner(), hfi.OwnerGroup())
	}
	st := status(t, fi)
	if st.GetFileId() != aliceInodeID || st.GetChildrenNum() != 4 || st.GetBlockReplication() != 0 || st.GetAccessTime() != 0 {
		t.Errorf("fileId %d childrenNum %d replication %d atime %d, want %d 4 0 0",
			st.GetFileId(), st.GetChildrenNum(), st.GetBlockReplication(), st.GetAccessTime(), aliceInodeID)
	}
}

func TestLibrary_RootHasInodeID16385(t *testing.T) {
	fi, err := newClient(t, shared, "alice").Stat("/")
	if err != nil {
		t.Fatal(err)
	}
	st := status(t, fi)
	if !fi.IsDir() || st.GetFileId() != rootInodeID || st.GetChildrenNum() != 3 || st.GetOwner() != "hdfs" {
		t.Errorf("/ is dir %v fileId %d childrenNum %d owner %s, want dir %d 3 hdfs",
			fi.IsDir(), st.GetFileId(), st.GetChildrenNum(), st.GetOwner(), rootInodeID)
	}
}

// The sticky bit travels as 01000 in FsPermissionProto.perm. The library
// copies those bits into os.FileMode as they are, where 01000 is not
// os.ModeSticky, so it is checked on the wire status.
func TestLibrary_StickyBitReachesTheClient(t *testing.T) {
	fi, err := newClient(t, shared, "alice").Stat("/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if perm := status(t, fi).GetPermission().GetPerm(); perm != 0o1777 {
		t.Errorf("/tmp perm = %#o, want 01777", perm)
	}
	if !fi.IsDir() || fi.Mode().Perm() != 0o777 {
		t.Errorf("/tmp mode = %v, want a directory with rwxrwxrwx", fi.Mode())
	}
}

func TestLibrary_ReadDirListsRoot(t *testing.T) {
	fis, err := newClient(t, shared, "alice").ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fi := range fis {
		got = append(got, fmt.Sprintf("%s:%v:%d", fi.Name(), fi.IsDir(), status(t, fi).GetChildrenNum()))
		// Listings name each entry by its local name, as Hadoop does.
		if p := string(status(t, fi).GetPath()); p != fi.Name() {
			t.Errorf("entry %s carries path %q, want its local name", fi.Name(), p)
		}
	}
	if want := fmt.Sprint([]string{"big:true:2500", "tmp:true:0", "user:true:2"}); fmt.Sprint(got) != want {
		t.Errorf("ReadDir(/) = %v, want %v", got, want)
	}
}

func TestLibrary_ReadDirPagesThroughALargeDirectory(t *testing.T) {
	fis, err := newClient(t, shared, "alice").ReadDir("/big")
	if err != nil {
		t.Fatal(err)
	}
	checkBigListing(t, fis)
}

// The stock CLI reads directories 100 entries at a time, resuming each
// getListing after the last name it kept.
func TestLibrary_ReadDirInBatchesResumesAfterTheLastName(t *testing.T) {
	f, err := newClient(t, shared, "alice").Open("/big")
	if err != nil {
		t.Fatal(err)
	}
	var all []os.FileInfo
	for {
		batch, err := f.Readdir(333)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, batch...)
	}
	checkBigListing(t, all)
}

func TestLibrary_ReadDirPagesAtASmallListLimit(t *testing.T) {
	nn := startTestNamenode(t, "-ls-limit", "7")
	fis, err := newClient(t, nn, "alice").ReadDir("/big")
	if err != nil {
		t.Fatal(err)
	}
	checkBigListing(t, fis)
}

func TestLibrary_ConcurrentClientsListTheSameDirectory(t *testing.T) {
	const clients = 8
	var wg sync.WaitGroup
	results := make([][]os.FileInfo, clients)
	errs := make([]error, clients)
	for i := range clients {
		c := newClient(t, shared, fmt.Sprintf("user%d", i))
		wg.Go(func() { results[i], errs[i] = c.ReadDir("/big") })
	}
	wg.Wait()
	for i := range clients {
		if errs[i] != nil {
			t.Fatalf("client %d: %v", i, errs[i])
		}
		checkBigListing(t, results[i])
	}
}

func checkBigListing(t *testing.T, fis []os.FileInfo) {
	t.Helper()
	if len(fis) != bigFiles {
		t.Fatalf("/big has %d entries, want %d", len(fis), bigFiles)
	}
	for i, fi := range fis {
		if want := fmt.Sprintf("f%04d", i); fi.Name() != want || fi.Size() != int64(i) {
			t.Fatalf("entry %d is %s (%d bytes), want %s (%d bytes)", i, fi.Name(), fi.Size(), want, i)
		}
	}
}

func TestLibrary_MissingPathIsNotExist(t *testing.T) {
	c := newClient(t, shared, "alice")
	for _, p := range []string{"/nope", "/nope/deeper", "/user/carol"} {
		if _, err := c.Stat(p); !os.IsNotExist(err) {
			t.Errorf("Stat(%s) error = %v, want not-exist", p, err)
		}
		if _, err := c.ReadDir(p); !os.IsNotExist(err) {
			t.Errorf("ReadDir(%s) error = %v, want not-exist", p, err)
		}
	}
}

// Through a file, Hadoop answers the superuser as if the path were missing
// and anyone else with an AccessControlException.
func TestLibrary_PathThroughAFileIsDeniedExceptToTheSuperuser(t *testing.T) {
	const p = "/user/alice/hello.txt/x"
	if _, err := newClient(t, shared, "alice").Stat(p); !os.IsPermission(err) {
		t.Errorf("as alice, Stat(%s) error = %v, want permission denied", p, err)
	}
	if _, err := newClient(t, shared, "hdfs").Stat(p); !os.IsNotExist(err) {
		t.Errorf("as hdfs, Stat(%s) error = %v, want not-exist", p, err)
	}
}

func TestLibrary_ListingShowsSymlinksWithTheirTargets(t *testing.T) {
	fis, err := newClient(t, shared, "alice").ReadDir("/user/alice")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fi := range fis {
		st := status(t, fi)
		got = append(got, fmt.Sprintf("%s:%v:%s", fi.Name(), st.GetFileType(), st.GetSymlink()))
	}
	want := fmt.Sprint([]string{"hello.txt:IS_FILE:", "latest:IS_SYMLINK:/user/alice/hello.txt",
		"private:IS_DIR:", "report.csv:IS_FILE:"})
	if fmt.Sprint(got) != want {
		t.Errorf("ReadDir(/user/alice) = %v, want %v", got, want)
	}
}

// The NameNode never follows a symlink: it throws UnresolvedPathException
// naming the resolved path, as an application error the client may handle.
func TestLibrary_StatOfASymlinkIsUnresolvedPathException(t *testing.T) {
	_, err := newClient(t, shared, "alice").Stat("/user/alice/latest")
	var re hdfs.Error
	if !errors.As(err, &re) {
		t.Fatalf("Stat(symlink) error = %v, want a NameNode exception", err)
	}
	if re.Exception() != "org.apache.hadoop.hdfs.protocol.UnresolvedPathException" || re.Desc() != "ERROR_APPLICATION" {
		t.Errorf("exception %s (%s), want UnresolvedPathException (ERROR_APPLICATION)", re.Exception(), re.Desc())
	}
	if got := re.Message(); len(got) < len("/user/alice/hello.txt") || got[:len("/user/alice/hello.txt")] != "/user/alice/hello.txt" {
		t.Errorf("message %q, want it to start with the resolved path /user/alice/hello.txt", got)
	}
}

// A method the server does not serve fails that call only: the connection
// carries on.
func TestLibrary_UnservedMethodIsRpcNoSuchMethodException(t *testing.T) {
	c := newClient(t, shared, "alice")
	err := c.Chmod("/tmp", 0o755)
	var re hdfs.Error
	if !errors.As(err, &re) {
		t.Fatalf("Chmod error = %v, want a NameNode exception", err)
	}
	if re.Exception() != "org.apache.hadoop.ipc.RpcNoSuchMethodException" || re.Desc() != "ERROR_NO_SUCH_METHOD" {
		t.Errorf("exception %s (%s), want RpcNoSuchMethodException (ERROR_NO_SUCH_METHOD)", re.Exception(), re.Desc())
	}
	if _, err := c.Stat("/tmp"); err != nil {
		t.Errorf("Stat after the failed call: %v", err)
	}
}

func TestLibrary_ReadsServerDefaults(t *testing.T) {
	d, err := newClient(t, shared, "alice").ServerDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := hdfs.ServerDefaults{BlockSize: 128 << 20, BytesPerChecksum: 512, WritePacketSize: 64 << 10,
		Replication: 3, FileBufferSize: 4096, PolicyId: 7}
	if d != want {
		t.Errorf("ServerDefaults = %+v, want %+v", d, want)
	}
}

func TestLibrary_StatFsReportsCapacity(t *testing.T) {
	fs, err := newClient(t, shared, "alice").StatFs()
	if err != nil {
		t.Fatal(err)
	}
	if fs.Capacity != 1<<40 || fs.Used != 1<<30 || fs.Remaining != 1<<40-1<<30 || fs.MissingBlocks != 0 {
		t.Errorf("StatFs = %+v", fs)
	}
}

// Walk opens every path it meets, so it stumbles on the symlink exactly as
// it would against Hadoop: the NameNode does not follow it.
func TestLibrary_WalkVisitsTheTreeAndReportsTheSymlink(t *testing.T) {
	var visited, failed []string
	err := newClient(t, shared, "alice").Walk("/user", func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			failed = append(failed, p)
			return nil
		}
		if p != "/user" && path.Base(p) != fi.Name() {
			return fmt.Errorf("%s is named %q", p, fi.Name())
		}
		visited = append(visited, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "[/user /user/alice /user/alice/hello.txt /user/alice/private /user/alice/report.csv /user/bob]"
	if fmt.Sprint(visited) != want || fmt.Sprint(failed) != "[/user/alice/latest]" {
		t.Errorf("Walk(/user) visited %v and failed on %v, want %s and [/user/alice/latest]", visited, failed, want)
	}
}

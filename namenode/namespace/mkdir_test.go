package namespace

import (
	"strings"
	"testing"
)

// homeTree has /user (hdfs, 0755) and /user/alice (alice:users, 0755).
func homeTree(t *testing.T, edit ...func(*Config)) *Tree {
	tr := newTree(t, edit...)
	mkdirs(t, tr, hdfs, "/user/alice", 0755)
	chown(t, tr, "/user/alice", "alice", "users")
	return tr
}

func TestMkdirsCreatesParentsWithImplicitWritePermission(t *testing.T) {
	tr := homeTree(t)
	ch := ok(t)(tr.Mkdirs(alice, "/user/alice/a/b/c", 0500, true))
	if len(ch.Records) != 3 {
		t.Fatalf("records %+v, want three OP_MKDIR", ch.Records)
	}
	for i, want := range []struct {
		path string
		mode Mode
	}{{"/user/alice/a", 0700}, {"/user/alice/a/b", 0700}, {"/user/alice/a/b/c", 0500}} {
		r := ch.Records[i]
		if r.Kind != KindMkdir || r.Path != want.path || r.Perm != (PermissionStatus{"alice", "users", want.mode}) ||
			r.Timestamp != alice.Now || r.InodeID != RootID+3+int64(i) {
			t.Errorf("record %d = %+v", i, r)
		}
		st := stat(t, tr, want.path)
		if st.Permission != want.mode || st.Owner != "alice" || st.Group != "users" {
			t.Errorf("%s: %s:%s:%s", want.path, st.Owner, st.Group, st.Permission)
		}
	}
	if st := stat(t, tr, "/user/alice"); st.ModTime != alice.Now || st.ChildrenNum != 1 {
		t.Errorf("parent mtime %d children %d", st.ModTime, st.ChildrenNum)
	}
}

func TestNewDirectoriesTakeTheirParentsGroup(t *testing.T) {
	tr := newTree(t)
	st := stat(t, tr, "/")
	if st.Owner != "hdfs" || st.Group != "supergroup" || st.Permission != 0755 || st.FileID != RootID || !st.Snapshottable {
		t.Fatalf("root %+v", st)
	}
	mkdirs(t, tr, hdfs, "/x", 0755)
	if g := stat(t, tr, "/x").Group; g != "supergroup" {
		t.Fatalf("group %q, want the root's", g)
	}
}

func TestMkdirsOfExistingDirectoryRecordsNothing(t *testing.T) {
	tr := homeTree(t)
	ch := ok(t)(tr.Mkdirs(alice, "/user/alice", 0700, false))
	if !ch.OK || len(ch.Records) != 0 {
		t.Fatalf("change %+v", ch)
	}
}

func TestMkdirsFailures(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	chmod(t, tr, "/user", 0711)
	for _, c := range []struct {
		name   string
		op     Op
		path   string
		parent bool
		kind   error
		msg    string
	}{
		{"over a file", alice, "/user/alice/f", true, ErrFileAlreadyExists, "Path is not a directory: /user/alice/f"},
		{"under a file", alice, "/user/alice/f/g", true, ErrParentNotDirectory, "/user/alice/f (is not a directory)"},
		{"missing parent", alice, "/user/alice/a/b", false, ErrFileNotFound, "Parent directory doesn't exist: /user/alice/a"},
		{"no write on the nearest ancestor", bob, "/user/alice/x/y", true, ErrAccessControl,
			`Permission denied: user=bob, access=WRITE, inode="/user/alice":alice:users:drwxr-xr-x`},
		{"dot dot", alice, "/user/alice/../x", true, ErrInvalidPath, "Invalid file name: /user/alice/../x"},
		{"relative", alice, "user/x", true, ErrInvalidPath, "Invalid file name: user/x"},
		{"colon", alice, "/user/alice/a:b", true, ErrInvalidPath, "Invalid file name: /user/alice/a:b"},
		{"double slash", alice, "/user//alice", true, ErrInvalidPath, "Invalid file name: /user//alice"},
		{"empty", alice, "", true, ErrIllegalArgument, "Can not create a Path from an empty string"},
		{".snapshot", alice, "/user/alice/.snapshot", true, ErrHadoopIllegalArgument, `".snapshot" is a reserved name.`},
		{"/.reserved", hdfs, "/.reserved", true, ErrHadoopIllegalArgument, `File name ".reserved" is reserved and cannot ` +
			"be created. If this is during upgrade change the name of the existing file or directory to another " +
			"name before upgrading to the new release."},
		{"too deep", alice, strings.Repeat("/d", 1001), true, ErrIO,
			"mkdirs: Pathname too long.  Limit 8000 characters, 1000 levels."},
	} {
		_, err := tr.Mkdirs(c.op, c.path, 0755, c.parent)
		t.Run(c.name, func(t *testing.T) { wantErr(t, err, c.kind, c.msg) })
	}
}

func TestMkdirsNeedsExecuteToTraverse(t *testing.T) {
	tr := homeTree(t)
	chmod(t, tr, "/user/alice", 0700)
	_, err := tr.Mkdirs(bob, "/user/alice/x/y", 0755, true)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=EXECUTE, inode="/user/alice":alice:users:drwx------`)
}

func TestPathComponentTooLongNamesTheParent(t *testing.T) {
	tr := homeTree(t)
	long := strings.Repeat("x", 256)
	_, err := tr.Mkdirs(alice, "/user/alice/"+long, 0755, true)
	wantErr(t, err, ErrPathComponentTooLong, "The maximum path component name limit of "+long+
		" in directory /user/alice is exceeded: limit=255 length=256")
	// The limit counts UTF-8 bytes, not characters.
	_, err = tr.Mkdirs(alice, "/user/alice/"+strings.Repeat("é", 128), 0755, true)
	if err == nil {
		t.Fatal("256-byte name accepted")
	}
	ok(t)(tr.Mkdirs(alice, "/user/alice/"+strings.Repeat("é", 127), 0755, true))
}

func TestMaxDirectoryItemsCountsChildren(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.MaxDirectoryItems = 2 })
	mkdirs(t, tr, alice, "/user/alice/a", 0755)
	touch(t, tr, alice, "/user/alice/b")
	_, err := tr.Mkdirs(alice, "/user/alice/c", 0755, true)
	wantErr(t, err, ErrMaxDirectoryItems, "The directory item limit of /user/alice is exceeded: limit=2 items=2")
}

func TestMkdirsStoppedByQuotaKeepsTheParentsItMade(t *testing.T) {
	tr := homeTree(t)
	ok(t)(tr.SetQuota(hdfs, "/user/alice", 3, QuotaDontSet))
	ch, err := tr.Mkdirs(alice, "/user/alice/a/b/c", 0755, true)
	wantErr(t, err, ErrNSQuotaExceeded, "The NameSpace quota (directories and files) of directory /user/alice"+
		" is exceeded: quota=3 file count=4")
	if len(ch.Records) != 2 || stat(t, tr, "/user/alice/a/b") == nil {
		t.Fatalf("records %+v: the two parents made before the failure must be kept and logged", ch.Records)
	}
	// Hadoop allocated an id for c before the quota check failed.
	if got, want := tr.LastInodeID(), ch.Records[1].InodeID+1; got != want {
		t.Fatalf("last inode id %d, want %d", got, want)
	}
}

func TestPermissionsDisabledSkipsChecksButNotOwnership(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.PermissionsEnabled = false })
	chmod(t, tr, "/user/alice", 0700)
	mkdirs(t, tr, bob, "/user/alice/bobs", 0755)
	// setPermission checks the owner even with permissions disabled.
	_, err := tr.SetPermission(bob, "/user/alice", 0777)
	wantErr(t, err, ErrAccessControl, "Permission denied. user=bob is not the owner of inode=/user/alice")
}

package namespace

import (
	"slices"
	"testing"
)

func TestRenameMovesTheInodeAndItsSubtree(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/a/sub/f")
	mkdirs(t, tr, alice, "/user/alice/b", 0755)
	id := stat(t, tr, "/user/alice/a/sub").FileID
	ch := ok(t)(tr.Rename(at(alice, 8000), "/user/alice/a/sub", "/user/alice/b/moved", 0))
	want := Record{Kind: KindRename, Path: "/user/alice/a/sub", Dst: "/user/alice/b/moved", Timestamp: 8000}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) || !ch.OK {
		t.Fatalf("change %+v", ch)
	}
	if st := stat(t, tr, "/user/alice/b/moved"); st == nil || st.FileID != id {
		t.Fatalf("moved: %+v", st)
	}
	if stat(t, tr, "/user/alice/b/moved/f") == nil || stat(t, tr, "/user/alice/a/sub") != nil {
		t.Fatal("subtree did not move")
	}
	for _, p := range []string{"/user/alice/a", "/user/alice/b"} {
		if m := stat(t, tr, p).ModTime; m != 8000 {
			t.Errorf("%s mtime %d", p, m)
		}
	}
	if p, _ := tr.PathOf(id); p != "/user/alice/b/moved" {
		t.Fatalf("path of the moved inode %q", p)
	}
}

func TestRenameIntoOwnSubdirectoryFails(t *testing.T) {
	tr := homeTree(t)
	mkdirs(t, tr, alice, "/user/alice/a/b", 0755)
	_, err := tr.Rename(alice, "/user/alice/a", "/user/alice/a/b/c", 0)
	wantErr(t, err, ErrIO, "Rename destination /user/alice/a/b/c is a directory or file under source /user/alice/a")
	ch := ok(t)(tr.RenameOld(alice, "/user/alice/a", "/user/alice/a/b"))
	if ch.OK || len(ch.Records) != 0 {
		t.Fatalf("old rename into its own subdirectory: %+v", ch)
	}
}

func TestRename2Failures(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	touch(t, tr, alice, "/user/alice/g")
	touch(t, tr, alice, "/user/alice/full/x")
	mkdirs(t, tr, alice, "/user/alice/d", 0755)
	for _, c := range []struct {
		name, src, dst string
		opts           RenameOptions
		kind           error
		msg            string
	}{
		{"missing source", "/user/alice/nope", "/user/alice/z", 0, ErrFileNotFound, "rename source /user/alice/nope is not found."},
		{"root source", "/", "/user/alice/z", 0, ErrIO, "rename source cannot be the root"},
		{"same path", "/user/alice/f", "/user/alice/f", 0, ErrFileAlreadyExists,
			"The source /user/alice/f and destination /user/alice/f are the same"},
		{"root destination", "/user/alice/f", "/", 0, ErrIO, "rename destination cannot be the root"},
		{"exists", "/user/alice/f", "/user/alice/g", 0, ErrFileAlreadyExists, "rename destination /user/alice/g already exists"},
		{"file onto directory", "/user/alice/f", "/user/alice/d", RenameOverwrite, ErrIO,
			"Source /user/alice/f and destination /user/alice/d must both be directories"},
		{"onto non-empty directory", "/user/alice/d", "/user/alice/full", RenameOverwrite, ErrIO,
			"rename destination directory is not empty: /user/alice/full"},
		{"missing parent", "/user/alice/f", "/user/alice/x/y", 0, ErrFileNotFound,
			"rename destination parent /user/alice/x/y not found."},
		{"reserved", "/user/alice/f", "/.reserved", 0, ErrInvalidPath, "Invalid path name Cannot rename to or from /.reserved"},
		{"invalid destination", "/user/alice/f", "/user/alice/a:b", 0, ErrInvalidPath, "Invalid file name: /user/alice/a:b"},
		{"no write on source parent", "/user/alice/f", "/tmp/f", 0, ErrAccessControl,
			`Permission denied: user=bob, access=WRITE, inode="/user/alice":alice:users:drwxr-xr-x`},
	} {
		op := alice
		switch c.kind {
		case ErrAccessControl:
			op = bob
		case ErrInvalidPath:
			op = hdfs // alice may not write to the root, which is checked first
		}
		_, err := tr.Rename(op, c.src, c.dst, c.opts)
		t.Run(c.name, func(t *testing.T) { wantErr(t, err, c.kind, c.msg) })
	}
}

func TestRename2WithOverwriteReplacesTheDestination(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	create(t, tr, alice, "/user/alice/g")
	ok(t)(tr.AddBlock(alice, "/user/alice/g", 0, "DFSClient_1", nil, Block{ID: 42, GenStamp: 1}))
	id := stat(t, tr, "/user/alice/f").FileID
	ch := ok(t)(tr.Rename(alice, "/user/alice/f", "/user/alice/g", RenameOverwrite))
	if !slices.Equal(ch.Removed.Blocks, []int64{42}) || ch.Records[0].Options != RenameOverwrite {
		t.Fatalf("change %+v", ch)
	}
	if st := stat(t, tr, "/user/alice/g"); st.FileID != id {
		t.Fatalf("g is %d, want the renamed %d", st.FileID, id)
	}
}

func TestOldRenameMovesIntoADirectoryDestination(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	mkdirs(t, tr, alice, "/user/alice/d", 0755)
	ch := ok(t)(tr.RenameOld(alice, "/user/alice/f", "/user/alice/d"))
	if !ch.OK || ch.Records[0].Kind != KindRenameOld || ch.Records[0].Dst != "/user/alice/d/f" {
		t.Fatalf("change %+v", ch)
	}
	if stat(t, tr, "/user/alice/d/f") == nil {
		t.Fatal("not moved")
	}
	// Moving into a directory needs write access to that directory, not
	// to its parent.
	mkdirs(t, tr, hdfs, "/shared", 0777)
	touch(t, tr, alice, "/user/alice/g")
	ok(t)(tr.RenameOld(alice, "/user/alice/g", "/shared"))
	// Renaming a path onto its own directory is a successful no-op.
	ch = ok(t)(tr.RenameOld(alice, "/user/alice/d/f", "/user/alice/d"))
	if !ch.OK || len(ch.Records) != 1 {
		t.Fatalf("self rename %+v", ch)
	}
}

func TestOldRenameFailuresAreFalse(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	touch(t, tr, alice, "/user/alice/g")
	for _, c := range [][2]string{
		{"/user/alice/nope", "/user/alice/z"},
		{"/user/alice/f", "/user/alice/g"},
		{"/user/alice/f", "/user/alice/x/y"},
		{"/", "/user/alice/z"},
	} {
		ch := ok(t)(tr.RenameOld(alice, c[0], c[1]))
		if ch.OK || len(ch.Records) != 0 {
			t.Errorf("rename %s %s: %+v", c[0], c[1], ch)
		}
	}
	_, err := tr.RenameOld(hdfs, "/user/alice/f", "/.reserved")
	wantErr(t, err, ErrInvalidPath, "Invalid path name Cannot rename to or from /.reserved")
}

func TestRenameChecksQuotaAboveTheCommonAncestor(t *testing.T) {
	tr := homeTree(t)
	mkdirs(t, tr, alice, "/user/alice/q/in", 0755)
	touch(t, tr, alice, "/user/alice/big/f1")
	ok(t)(tr.SetQuota(hdfs, "/user/alice/q", 3, QuotaDontSet))
	_, err := tr.Rename(alice, "/user/alice/big", "/user/alice/q/big", 0)
	wantErr(t, err, ErrNSQuotaExceeded, "The NameSpace quota (directories and files) of directory /user/alice/q"+
		" is exceeded: quota=3 file count=4")
	// Moving inside the quota directory costs nothing.
	ok(t)(tr.Rename(alice, "/user/alice/q/in", "/user/alice/q/in2", 0))
}

package namespace

import (
	"errors"
	"reflect"
	"testing"
)

func TestCreateAddsAFileUnderConstruction(t *testing.T) {
	tr := homeTree(t)
	ch := create(t, tr, alice, "/user/alice/f")
	want := Record{Kind: KindAdd, Path: "/user/alice/f", InodeID: RootID + 3, Mtime: alice.Now, Atime: alice.Now,
		Perm: PermissionStatus{"alice", "users", 0644}, Replication: 3, BlockSize: 128 << 20,
		ClientName: "DFSClient_1", ClientMachine: "10.0.0.1"}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v\nwant %+v", ch.Records, want)
	}
	st := ch.Status
	if st.Type != TypeFile || st.Length != 0 || st.Replication != 3 || st.BlockSize != 128<<20 ||
		st.Owner != "alice" || st.Group != "users" || st.FileID != RootID+3 || len(st.Name) != 0 {
		t.Fatalf("status %+v", st)
	}
	if p, ok := tr.PathOf(RootID + 3); !ok || p != "/user/alice/f" {
		t.Fatal("id map misses the new file")
	}
}

func recordsEqual(a, b Record) bool { return reflect.DeepEqual(a, b) }

func TestCreateOfAnExistingFile(t *testing.T) {
	tr := homeTree(t)
	create(t, tr, alice, "/user/alice/open")
	touch(t, tr, alice, "/user/alice/closed")
	other := createArgs("/user/alice/open")
	other.ClientName = "DFSClient_2"
	for _, c := range []struct {
		name string
		args CreateArgs
		kind error
		msg  string
	}{
		{"same client", createArgs("/user/alice/open"), ErrAlreadyBeingCreated, "Failed to CREATE_FILE /user/alice/open" +
			" for DFSClient_1 on 10.0.0.1 because DFSClient_1 is already the current lease holder."},
		{"other client", other, ErrAlreadyBeingCreated, "Failed to CREATE_FILE /user/alice/open for DFSClient_2" +
			" on 10.0.0.1 because this file lease is currently owned by DFSClient_1 on 10.0.0.1"},
		{"closed file", createArgs("/user/alice/closed"), ErrFileAlreadyExists,
			"/user/alice/closed for client 10.0.0.1 already exists"},
	} {
		_, err := tr.Create(alice, c.args)
		t.Run(c.name, func(t *testing.T) { wantErr(t, err, c.kind, c.msg) })
	}
}

func TestCreateWithOverwriteReplacesTheFile(t *testing.T) {
	tr := homeTree(t)
	create(t, tr, alice, "/user/alice/f")
	ok(t)(tr.AddBlock(alice, "/user/alice/f", 0, "DFSClient_1", nil, Block{ID: 1 << 30, GenStamp: 1001}))
	old := stat(t, tr, "/user/alice/f").FileID
	a := createArgs("/user/alice/f")
	a.Overwrite, a.ClientName = true, "DFSClient_2"
	ch := ok(t)(tr.Create(at(alice, 5000), a))
	if !ch.Records[0].Overwrite || ch.Status.FileID == old {
		t.Fatalf("change %+v", ch)
	}
	if len(ch.Removed.Blocks) != 1 || ch.Removed.Blocks[0] != 1<<30 || len(ch.Removed.LeaseIDs) != 1 ||
		ch.Removed.LeaseIDs[0] != old {
		t.Fatalf("removed %+v", ch.Removed)
	}
	// Overwriting needs write access to the file itself.
	chmod(t, tr, "/user/alice/f", 0444)
	_, err := tr.Create(alice, a)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=alice, access=WRITE, inode="/user/alice/f":alice:users:-r--r--r--`)
}

func TestCreateFailures(t *testing.T) {
	tr := homeTree(t)
	mkdirs(t, tr, alice, "/user/alice/d", 0755)
	args := func(path string, edit func(*CreateArgs)) CreateArgs {
		a := createArgs(path)
		edit(&a)
		return a
	}
	none := func(*CreateArgs) {}
	for _, c := range []struct {
		name string
		args CreateArgs
		kind error
		msg  string
	}{
		{"over a directory", args("/user/alice/d", none), ErrFileAlreadyExists, "/user/alice/d already exists as a directory"},
		{"no CREATE flag", args("/user/alice/g", func(a *CreateArgs) { a.Create, a.Overwrite = false, true }),
			ErrFileNotFound, "Can't overwrite non-existent /user/alice/g"},
		{"no parent", args("/user/alice/x/g", func(a *CreateArgs) { a.CreateParent = false }),
			ErrFileNotFound, "Parent directory doesn't exist: /user/alice/x"},
		{"reserved", args("/.reserved", none), ErrInvalidPath, "Invalid path name /.reserved"},
		{"under reserved", args("/.reserved/x", none), ErrInvalidPath, "Invalid path name /.reserved/x"},
		{"dot dot", args("/user/../f", none), ErrInvalidPath, "Invalid path name /user/../f"},
		{"small block", args("/user/alice/g", func(a *CreateArgs) { a.BlockSize = 1024 }), ErrIO,
			"Specified block size 1024 is less than configured minimum value dfs.namenode.fs-limits.min-block-size=1048576"},
		{"replication", args("/user/alice/g", func(a *CreateArgs) { a.Replication = 600 }), ErrIO,
			"Requested replication factor of 600 exceeds maximum of 512 for /user/alice/g, clientName=10.0.0.1"},
		{"no write", args("/user/g", none), ErrAccessControl,
			`Permission denied: user=alice, access=WRITE, inode="/user":hdfs:supergroup:drwxr-xr-x`},
	} {
		_, err := tr.Create(alice, c.args)
		t.Run(c.name, func(t *testing.T) { wantErr(t, err, c.kind, c.msg) })
	}
}

func TestCreateParentsGetTheNearestAncestorsModePlusUWX(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/ro", 0555)
	ch := create(t, tr, hdfs, "/ro/x/y/f")
	if len(ch.Records) != 3 || ch.Records[0].Kind != KindMkdir || ch.Records[2].Kind != KindAdd {
		t.Fatalf("records %+v", ch.Records)
	}
	for _, p := range []string{"/ro/x", "/ro/x/y"} {
		if m := stat(t, tr, p).Permission; m != 0755 {
			t.Errorf("%s mode %s, want rwxr-xr-x", p, m)
		}
	}
}

func TestCreateRawPathNeedsSuperuser(t *testing.T) {
	tr := homeTree(t)
	_, err := tr.Create(alice, createArgs("/.reserved/raw/user/alice/f"))
	wantErr(t, err, ErrAccessControl, "Access denied for user alice. Superuser privilege is required for operation null")
	ch := create(t, tr, hdfs, "/.reserved/raw/user/alice/f")
	if ch.Records[0].Path != "/user/alice/f" {
		t.Fatalf("recorded path %q, want the path below /.reserved/raw", ch.Records[0].Path)
	}
}

func TestPathsAreJavaStrings(t *testing.T) {
	tr := homeTree(t)
	create(t, tr, alice, "/user/alice/bad\xffname")
	if st := stat(t, tr, "/user/alice/bad\uFFFDname"); st == nil {
		t.Fatal("a malformed byte must name the file as Java's U+FFFD does")
	}
	_, err := tr.Create(alice, createArgs("/user/alice/bad\xffname"))
	if !errors.Is(err, ErrAlreadyBeingCreated) {
		t.Fatalf("got %v", err)
	}
}

package namespace

import "testing"

func TestSymlinksAreRefusedUnlessEnabled(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.SymlinksEnabled = false })
	_, err := tr.CreateSymlink(alice, "/x", "/user/alice/link", false)
	wantErr(t, err, ErrUnsupportedOperation, "Symlinks not supported")
}

func TestCreateSymlinkAndGetFileLinkInfo(t *testing.T) {
	tr := homeTree(t)
	ch := ok(t)(tr.CreateSymlink(at(alice, 5000), "/data/x", "/user/alice/link", false))
	r := ch.Records[0]
	if r.Kind != KindSymlink || r.Target != "/data/x" || r.Perm != (PermissionStatus{"alice", "users", 0777}) || r.Mtime != 5000 {
		t.Fatalf("record %+v", r)
	}
	st, err := tr.GetFileInfo(alice, "/user/alice/link", false)
	if err != nil || st.Type != TypeSymlink || st.Symlink != "/data/x" || st.Permission != 0777 {
		t.Fatalf("link info %+v %v", st, err)
	}
	_, err = tr.GetFileInfo(alice, "/user/alice/link", true)
	wantErr(t, err, ErrUnresolvedLink, "/data/x")
}

func TestLinkInTheMiddleOfAPathIsUnresolved(t *testing.T) {
	tr := homeTree(t)
	ok(t)(tr.CreateSymlink(alice, "/data", "/user/alice/abs", false))
	ok(t)(tr.CreateSymlink(alice, "sub", "/user/alice/rel", false))
	_, err := tr.GetFileInfo(alice, "/user/alice/abs/a/b", true)
	wantErr(t, err, ErrUnresolvedLink, "/data/a/b")
	_, err = tr.GetFileInfo(alice, "/user/alice/rel/a", false)
	wantErr(t, err, ErrUnresolvedLink, "/user/alice/sub/a")
	_, err = tr.Mkdirs(alice, "/user/alice/abs/new", 0755, true)
	wantErr(t, err, ErrUnresolvedLink, "/data/new")
	// Operations on the link itself do not follow it.
	if ch := ok(t)(tr.Delete(alice, "/user/alice/abs", false)); !ch.OK {
		t.Fatal("link not deleted")
	}
}

func TestCreateSymlinkFailures(t *testing.T) {
	tr := homeTree(t)
	ok(t)(tr.CreateSymlink(alice, "/user/alice/t", "/user/alice/link", false))
	for _, c := range []struct {
		name, target, link string
		kind               error
		msg                string
	}{
		{"exists", "/x", "/user/alice/link", ErrIO,
			"failed to create link /user/alice/link either because the filename is invalid or the file exists"},
		{"relative link", "/x", "user/l", ErrInvalidPath, "Invalid link name: user/l"},
		{"empty target", "", "/user/alice/l", ErrInvalidPath, "Invalid target name: "},
		{"reserved target", "/.reserved/raw/x", "/user/alice/l", ErrInvalidPath, "Invalid target name: /.reserved/raw/x"},
		{"no parent", "/x", "/user/alice/d/l", ErrFileNotFound, "Parent directory doesn't exist: /user/alice/d"},
	} {
		_, err := tr.CreateSymlink(alice, c.target, c.link, false)
		t.Run(c.name, func(t *testing.T) { wantErr(t, err, c.kind, c.msg) })
	}
	_, err := tr.Rename(alice, "/user/alice/link", "/user/alice/t", 0)
	wantErr(t, err, ErrFileAlreadyExists, "Cannot rename symlink /user/alice/link to its target /user/alice/t")
}

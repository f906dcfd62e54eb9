package namespace

import (
	"slices"
	"strconv"
	"testing"
)

func TestGetFileInfoOfMissingPathIsNil(t *testing.T) {
	tr := homeTree(t)
	st, err := tr.GetFileInfo(alice, "/user/alice/nothing", true)
	if st != nil || err != nil {
		t.Fatalf("got %v, %v; want nil, nil", st, err)
	}
	_, err = tr.GetFileInfo(alice, "relative", true)
	wantErr(t, err, ErrAssertion, "Absolute path required, but got 'relative'")
}

func TestListingPagesFromStartAfter(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.ListLimit = 3 })
	for _, n := range []string{"g", "a", "c", "e", "b", "f", "d"} {
		touch(t, tr, alice, "/user/alice/"+n)
	}
	for _, c := range []struct {
		after string
		want  []string
		rest  int
	}{
		{"", []string{"a", "b", "c"}, 4},
		{"c", []string{"d", "e", "f"}, 1},
		{"cc", []string{"d", "e", "f"}, 1}, // a name that is not there
		{"f", []string{"g"}, 0},
		{"g", nil, 0},
	} {
		l, err := tr.GetListing(alice, "/user/alice", []byte(c.after))
		if err != nil || !slices.Equal(names(l), c.want) || l.Remaining != c.rest {
			t.Errorf("after %q: %q remaining %d (%v); want %q, %d", c.after, names(l), l.Remaining, err, c.want, c.rest)
		}
	}
}

func TestListingEntriesAreFullStatuses(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	mkdirs(t, tr, alice, "/user/alice/d/x", 0700)
	l, err := tr.GetListing(alice, "/user/alice", nil)
	if err != nil || len(l.Entries) != 2 {
		t.Fatal(l, err)
	}
	d, f := l.Entries[0], l.Entries[1]
	if string(d.Name) != "d" || d.Type != TypeDir || d.ChildrenNum != 1 || d.Permission != 0700 {
		t.Errorf("d: %+v", d)
	}
	if string(f.Name) != "f" || f.Type != TypeFile || f.Replication != 3 || f.Owner != "alice" {
		t.Errorf("f: %+v", f)
	}
	// A file lists as itself, nameless; a missing path is nil.
	l, _ = tr.GetListing(alice, "/user/alice/f", nil)
	if len(l.Entries) != 1 || len(l.Entries[0].Name) != 0 || l.Entries[0].FileID != f.FileID {
		t.Errorf("file listing %+v", l)
	}
	if l, err := tr.GetListing(alice, "/user/alice/none", nil); l != nil || err != nil {
		t.Errorf("missing listing %v %v", l, err)
	}
	_, err = tr.GetListing(bob, "/user/alice/d", nil)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/d":alice:users:drwx------`)
}

func TestListingOrderIsHadoopsSignedByteOrder(t *testing.T) {
	tr := homeTree(t)
	for _, n := range []string{"b", "é", "A", "a"} {
		touch(t, tr, alice, "/user/alice/"+n)
	}
	l, _ := tr.GetListing(alice, "/user/alice", nil)
	if got := names(l); !slices.Equal(got, []string{"é", "A", "a", "b"}) {
		t.Fatalf("order %q", got)
	}
}

func TestReservedPaths(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.CTime = 77 })
	touch(t, tr, alice, "/user/alice/f")
	touch(t, tr, alice, "/user/alice/g")
	f := stat(t, tr, "/user/alice/f")
	st := stat(t, tr, "/.reserved")
	if st.Type != TypeDir || st.Permission != 01770 {
		t.Errorf("/.reserved: %+v", st)
	}
	l, _ := tr.GetListing(hdfs, "/.reserved", nil)
	if got := names(l); !slices.Equal(got, []string{".inodes", "raw"}) || l.Entries[0].ModTime != 77 {
		t.Errorf("/.reserved lists %q", got)
	}
	byID := "/.reserved/.inodes/" + strconv.FormatInt(f.FileID, 10)
	if st := stat(t, tr, byID); st.FileID != f.FileID {
		t.Errorf("%s: %+v", byID, st)
	}
	if st := stat(t, tr, byID+"/.."); st.FileID != stat(t, tr, "/user/alice").FileID {
		t.Errorf("%s/..: %+v", byID, st)
	}
	if st := stat(t, tr, "/.reserved/.inodes/16385"); st.FileID != RootID {
		t.Errorf("root by id: %+v", st)
	}
	if st := stat(t, tr, "/.reserved/raw/user/alice/f"); st.FileID != f.FileID {
		t.Errorf("raw path: %+v", st)
	}
	_, err := tr.GetFileInfo(alice, "/.reserved/.inodes/abc", true)
	wantErr(t, err, ErrFileNotFound, "Invalid inode path: /.reserved/.inodes/abc")
	_, err = tr.GetFileInfo(alice, "/.reserved/.inodes/99999", true)
	wantErr(t, err, ErrFileNotFound, "File for given inode path does not exist: /.reserved/.inodes/99999")
	// A listing can resume after an inode path.
	l, _ = tr.GetListing(alice, "/user/alice", []byte(byID))
	if got := names(l); !slices.Equal(got, []string{"g"}) {
		t.Errorf("after %s: %q", byID, got)
	}
	_, err = tr.GetListing(alice, "/user/alice", []byte("/.reserved/.inodes/99999"))
	wantErr(t, err, ErrStartAfterNotFound, "Can't find startAfter /.reserved/.inodes/99999")
}

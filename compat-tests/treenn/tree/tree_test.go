package tree

import (
	"errors"
	"fmt"
	"testing"
)

func TestStat_RootIsADirectoryWithHadoopsRootInodeID(t *testing.T) {
	st, err := Fixture().Stat("/")
	if err != nil {
		t.Fatal(err)
	}
	if st.ID != 16385 || st.Kind != Dir || st.Owner != "hdfs" || st.Group != "supergroup" || st.Perm != 0o755 {
		t.Errorf("Stat(/) = %+v", st)
	}
	if st.Children != 3 {
		t.Errorf("root has %d children, want 3 (big, tmp, user)", st.Children)
	}
}

func TestStat_ByPathHasEmptyName(t *testing.T) {
	st, err := Fixture().Stat("/user/alice/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{Kind: File, Owner: "alice", Group: "supergroup", Perm: 0o644, Length: 12,
		Replication: 3, BlockSize: 128 << 20, Mtime: t2024Mar05, Atime: t2024Mar5b}
	if st.Name != "" || st.Entry != want || st.Children != 0 {
		t.Errorf("Stat = %+v, want name \"\" and %+v", st, want)
	}
}

func TestStat_StickyBitIsKept(t *testing.T) {
	st, err := Fixture().Stat("/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if st.Perm != 0o1777 {
		t.Errorf("/tmp perm = %#o, want 01777", st.Perm)
	}
}

func TestStat_PathsAreSplitNotNormalised(t *testing.T) {
	tr := Fixture()
	for _, p := range []string{"//user///alice/", "/user/alice/"} {
		if st, err := tr.Stat(p); err != nil || st.Owner != "alice" {
			t.Errorf("Stat(%q) = %+v, %v; want /user/alice", p, st, err)
		}
	}
	for _, p := range []string{"/user/../tmp", "/user/./alice"} {
		if _, err := tr.Stat(p); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat(%q) error = %v, want ErrNotFound (. and .. are plain names)", p, err)
		}
	}
}

func TestStat_Errors(t *testing.T) {
	tests := []struct {
		path     string
		err      error
		errPath  string
		linkInfo bool // StatLink instead of Stat
	}{
		{path: "/nope", err: ErrNotFound, errPath: "/nope"},
		{path: "/nope/deeper/still", err: ErrNotFound, errPath: "/nope/deeper/still"},
		{path: "/user/alice/hello.txt/x", err: ErrNotDirectory, errPath: "/user/alice/hello.txt"},
		{path: "/user/alice/hello.txt/x/y", err: ErrNotDirectory, errPath: "/user/alice/hello.txt"},
		{path: "/user/alice/latest", err: ErrUnresolvedLink, errPath: "/user/alice/hello.txt"},
		{path: "/user/alice/latest/x", err: ErrUnresolvedLink, errPath: "/user/alice/hello.txt/x"},
		{path: "/user/alice/latest/x", err: ErrUnresolvedLink, errPath: "/user/alice/hello.txt/x", linkInfo: true},
		{path: "user/alice", err: ErrNotAbsolute, errPath: "user/alice"},
		{path: "", err: ErrNotAbsolute, errPath: ""},
	}
	tr := Fixture()
	for _, tt := range tests {
		stat := tr.Stat
		if tt.linkInfo {
			stat = tr.StatLink
		}
		_, err := stat(tt.path)
		var pe *PathError
		if !errors.Is(err, tt.err) || !errors.As(err, &pe) || pe.Path != tt.errPath {
			t.Errorf("Stat(%q) (link info %v) error = %v, want %v naming %q", tt.path, tt.linkInfo, err, tt.err, tt.errPath)
		}
	}
}

func TestStatLink_ReportsTheLinkItself(t *testing.T) {
	st, err := Fixture().StatLink("/user/alice/latest")
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind != Symlink || st.Target != "/user/alice/hello.txt" || st.Length != 0 || st.Perm != 0o777 {
		t.Errorf("StatLink = %+v", st)
	}
}

func TestSymlink_RelativeTargetResolvesAgainstItsDirectory(t *testing.T) {
	tr := New(Entry{Owner: "hdfs", Group: "supergroup", Perm: 0o755})
	mustAdd(t, tr, "/a", Entry{Kind: Dir, Perm: 0o755})
	mustAdd(t, tr, "/a/rel", Entry{Kind: Symlink, Perm: 0o777, Target: "../b"})
	var pe *PathError
	if _, err := tr.Stat("/a/rel/c"); !errors.As(err, &pe) || pe.Path != "/b/c" {
		t.Errorf("Stat(/a/rel/c) error = %v, want unresolved link naming /b/c", err)
	}
}

func TestList_PagesAtTheLimitAndCountsWhatRemains(t *testing.T) {
	tr := Fixture()
	var after []byte
	var pages [][2]int
	seen := 0
	for {
		l, err := tr.List(BigDir, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, [2]int{len(l.Entries), l.Remaining})
		for i, e := range l.Entries {
			if want := fmt.Sprintf("f%04d", seen+i); e.Name != want {
				t.Fatalf("entry %d is %q, want %q", seen+i, e.Name, want)
			}
		}
		seen += len(l.Entries)
		if l.Remaining == 0 {
			break
		}
		after = []byte(l.Entries[len(l.Entries)-1].Name)
	}
	if fmt.Sprint(pages) != "[[1000 1500] [1000 500] [500 0]]" {
		t.Errorf("pages (entries, remaining) = %v", pages)
	}
}

func TestList_StartAfterNeedNotExist(t *testing.T) {
	tr := Fixture()
	tests := []struct {
		after     string
		first     string
		remaining int
	}{
		{"", "f0000", 2490},
		{"f0999", "f1000", 1490},
		{"f0999x", "f1000", 1490},
		{"a", "f0000", 2490},
		{"f2499", "", 0},
		{"zzz", "", 0},
	}
	for _, tt := range tests {
		l, err := tr.List(BigDir, []byte(tt.after), 10)
		if err != nil {
			t.Fatal(err)
		}
		first := ""
		if len(l.Entries) > 0 {
			first = l.Entries[0].Name
		}
		if first != tt.first || l.Remaining != tt.remaining {
			t.Errorf("List(startAfter %q) starts at %q with %d remaining, want %q and %d",
				tt.after, first, l.Remaining, tt.first, tt.remaining)
		}
	}
}

func TestList_EntriesCarryLocalNamesAndChildCounts(t *testing.T) {
	l, err := Fixture().List("/user/alice", nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range l.Entries {
		got = append(got, fmt.Sprintf("%s:%d:%d", e.Name, e.Kind, e.Children))
	}
	want := "[hello.txt:2:0 latest:3:0 private:1:0 report.csv:2:0]"
	if fmt.Sprint(got) != want || l.Remaining != 0 {
		t.Errorf("List(/user/alice) = %v remaining %d, want %s remaining 0", got, l.Remaining, want)
	}
	root, _ := Fixture().List("/", nil, 1000)
	if n := root.Entries[0]; n.Name != "big" || n.Children != BigFiles {
		t.Errorf("first entry of / = %+v, want big with %d children", n, BigFiles)
	}
}

func TestList_AFileListsAsItselfWithAnEmptyName(t *testing.T) {
	l, err := Fixture().List("/user/alice/hello.txt", nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 1 || l.Entries[0].Name != "" || l.Entries[0].Length != 12 || l.Remaining != 0 {
		t.Errorf("List(file) = %+v", l)
	}
}

func TestList_Errors(t *testing.T) {
	tr := Fixture()
	for path, want := range map[string]error{
		"/nope":                   ErrNotFound,
		"/user/alice/hello.txt/x": ErrNotDirectory,
		"/user/alice/latest":      ErrUnresolvedLink,
		"relative":                ErrNotAbsolute,
	} {
		if _, err := tr.List(path, nil, 1000); !errors.Is(err, want) {
			t.Errorf("List(%q) error = %v, want %v", path, err, want)
		}
	}
}

func TestChildren_SortBySignedBytesAsHadoopDoes(t *testing.T) {
	tr := New(Entry{Perm: 0o755})
	for _, name := range []string{"a", "B", "é", "ab", "_"} {
		mustAdd(t, tr, "/"+name, Entry{Kind: File, Perm: 0o644})
	}
	l, err := tr.List("/", nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range l.Entries {
		got = append(got, e.Name)
	}
	// "é" is 0xC3 0xA9: negative as a signed byte, so it sorts first.
	if want := "[é B _ a ab]"; fmt.Sprint(got) != want {
		t.Errorf("order = %v, want %s", got, want)
	}
	l, _ = tr.List("/", []byte("é"), 1000)
	if l.Entries[0].Name != "B" {
		t.Errorf("after \"é\" comes %q, want \"B\"", l.Entries[0].Name)
	}
}

func TestAdd_Errors(t *testing.T) {
	tr := Fixture()
	for path, want := range map[string]error{
		"/user":                   ErrExist,
		"/":                       ErrExist,
		"/nope/x":                 ErrNotFound,
		"/user/alice/hello.txt/x": ErrNotDirectory,
		"rel":                     ErrNotAbsolute,
	} {
		if err := tr.Add(path, Entry{Kind: Dir}); !errors.Is(err, want) {
			t.Errorf("Add(%q) error = %v, want %v", path, err, want)
		}
	}
}

func TestInodeIDs_FollowTheOrderOfAdds(t *testing.T) {
	tr := New(Entry{Perm: 0o755})
	mustAdd(t, tr, "/z", Entry{Kind: Dir})
	mustAdd(t, tr, "/a", Entry{Kind: Dir})
	for p, want := range map[string]uint64{"/": 16385, "/z": 16386, "/a": 16387} {
		if st, _ := tr.Stat(p); st.ID != want {
			t.Errorf("id of %s = %d, want %d", p, st.ID, want)
		}
	}
}

func mustAdd(t *testing.T, tr *Tree, p string, e Entry) {
	t.Helper()
	if err := tr.Add(p, e); err != nil {
		t.Fatal(err)
	}
}

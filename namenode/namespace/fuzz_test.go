package namespace

import (
	"errors"
	"strings"
	"testing"
)

// FuzzResolvePath feeds arbitrary path strings to the path-taking
// operations: they must never panic, must fail only with an *Error, must
// refuse what DFSUtil.isValidName refuses when creating, and what they
// record must replay to the same tree.
func FuzzResolvePath(f *testing.F) {
	for _, s := range []string{"/", "", "a", "/a/b", "/a/../b", "/a//b", "/a/./b", "/a:b", "/.reserved",
		"/.reserved/.inodes/16385/..", "/.reserved/.inodes/16386/x", "/.reserved/raw/d/f", "/.reserved/raw",
		"\xff", "/d/\xe2\x82", "/d/f/x", "/link/x", "/d/" + strings.Repeat("n", 300), "/.snapshot", "/d/.snapshot",
		strings.Repeat("/x", 1001), "a:b", "/d/é/日本"} {
		f.Add(s)
	}
	f.Fuzz(runFuzzOne)
}

// runFuzzOne runs the fuzz checks on one path.
func runFuzzOne(t *testing.T, path string) {
	tr, replay := fuzzTree(t), fuzzTree(t)
	record := func(ch *Change, err error) error {
		checkErr(t, path, err)
		if ch != nil {
			for _, r := range ch.Records {
				if _, err := replay.Apply(r); err != nil {
					t.Fatalf("%q: replaying %+v: %v", path, r, err)
				}
			}
		}
		return err
	}
	_, err := tr.GetFileInfo(alice, path, true)
	checkErr(t, path, err)
	_, err = tr.GetListing(alice, path, []byte(path))
	checkErr(t, path, err)
	_, err = tr.GetContentSummary(hdfs, path)
	checkErr(t, path, err)
	err = record(tr.Mkdirs(hdfs, path, 0755, true))
	if j := javaString(path); !isValidName(j) && err == nil {
		t.Fatalf("mkdirs accepted %q", path)
	}
	if err == nil {
		if st, _ := tr.GetFileInfo(hdfs, path, true); st == nil || st.Type != TypeDir {
			t.Fatalf("mkdirs %q succeeded but made no directory: %+v", path, st)
		}
		for _, c := range components(javaString(path)) {
			if len(c) > 255 {
				t.Fatalf("mkdirs %q made a %d-byte name", path, len(c))
			}
		}
	}
	record(tr.Create(hdfs, createArgs(path+"/f")))
	record(tr.Rename(hdfs, "/d/f", path, RenameOverwrite))
	record(tr.RenameOld(hdfs, path, "/d"))
	record(tr.Delete(hdfs, path, true))
	if a, b := dump(tr), dump(replay); a != b {
		t.Fatalf("%q: replay differs\n%s\n%s", path, a, b)
	}
}

func fuzzTree(t *testing.T) *Tree {
	tr := newTree(t)
	touch(t, tr, hdfs, "/d/f")
	ok(t)(tr.CreateSymlink(hdfs, "/d", "/link", false))
	return tr
}

func checkErr(t *testing.T, path string, err error) {
	t.Helper()
	var e *Error
	if err != nil && (!errors.As(err, &e) || e.Kind == nil || e.Msg == "" || errors.Is(err, ErrBadRecord)) {
		t.Fatalf("%q: unexpected error %#v", path, err)
	}
}

package namespace

import (
	"fmt"
	"slices"
	"testing"
)

// listingScenario changes a snapshottable directory between s1 and s2
// in every way a listing shows: created, deleted and renamed children
// in several directories, renamed directories and changed files.
func listingScenario(t *testing.T, limit int) *Tree {
	tr := newTree(t, func(c *Config) { c.DiffListingLimit = limit })
	for _, d := range []string{"/d/a/x", "/d/b", "/d/c"} {
		mkdirs(t, tr, hdfs, d, 0755)
	}
	for _, f := range []string{"/d/f1", "/d/f2", "/d/a/g", "/d/a/x/h", "/d/b/k", "/d/c/m"} {
		touch(t, tr, hdfs, f)
	}
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "s1"))
	for _, f := range []string{"/d/n1", "/d/n2", "/d/a/n3", "/d/a/x/n4", "/d/b/n5", "/d/b/n6"} {
		touch(t, tr, hdfs, f)
	}
	ok(t)(tr.Delete(hdfs, "/d/f2", false))
	ok(t)(tr.Delete(hdfs, "/d/b/k", false))
	ok(t)(tr.Rename(hdfs, "/d/f1", "/d/b/f1", 0))
	ok(t)(tr.Rename(hdfs, "/d/a/x", "/d/c/x2", 0))
	chmod(t, tr, "/d/a/g", 0600)
	chmod(t, tr, "/d/c/x2/h", 0600)
	chmod(t, tr, "/d/c/m", 0600)
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "s2"))
	return tr
}

func listingLine(kind string, e DiffListingEntry) string {
	return fmt.Sprintf("%s %s dir=%d file=%d ref=%v target=%s", kind, e.Path, e.DirID, e.FileID, e.IsReference, e.Target)
}

// pages lists the diff page by page as the stock client does, returning
// every entry's line and the number of pages.
func pages(t *testing.T, tr *Tree, from, to string) (lines []string, n int) {
	cur := DiffCursor{StartPath: []byte{}, Index: -1}
	for {
		l, err := tr.GetSnapshotDiffReportListing(hdfs, "/d", from, to, cur)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if got := len(l.Modified) + len(l.Created) + len(l.Deleted); got > tr.cfg.DiffListingLimit {
			t.Fatalf("page of %d entries over the limit %d", got, tr.cfg.DiffListingLimit)
		}
		for _, e := range l.Modified {
			lines = append(lines, listingLine("M", e))
		}
		for _, e := range l.Created {
			lines = append(lines, listingLine("+", e))
		}
		for _, e := range l.Deleted {
			lines = append(lines, listingLine("-", e))
		}
		cur = l.Cursor
		if len(cur.StartPath) == 0 && cur.Index == -1 {
			return lines, n
		}
		if n > 1000 {
			t.Fatal("the cursor never ends")
		}
	}
}

func TestDiffListingOnePage(t *testing.T) {
	tr := listingScenario(t, 1000)
	l, err := tr.GetSnapshotDiffReportListing(hdfs, "/d", "s1", "s2", DiffCursor{Index: -1})
	if err != nil {
		t.Fatal(err)
	}
	id := func(p string) int64 { return stat(t, tr, p).FileID }
	var got []string
	for _, e := range l.Modified {
		got = append(got, fmt.Sprintf("M %q %v %v", e.Path, e.DirID == e.FileID, e.IsReference))
	}
	for _, e := range l.Created {
		got = append(got, fmt.Sprintf("+ %q %v", e.Path, e.IsReference))
	}
	for _, e := range l.Deleted {
		got = append(got, fmt.Sprintf("- %q %q %v", e.Path, e.Target, e.IsReference))
	}
	// A renamed directory is walked where the earlier snapshot had it.
	wantLines := []string{
		`M "" true true`, `M "a" true true`, `M "a/g" true false`, `M "a/x" true true`, `M "a/x/h" true false`,
		`M "b" true true`, `M "c" true true`, `M "c/m" true false`,
		`+ "n1" false`, `+ "n2" false`, `+ "a/n3" false`, `+ "a/x/n4" false`, `+ "b/f1" true`, `+ "b/n5" false`, `+ "b/n6" false`, `+ "c/x2" true`,
		`- "f1" "b/f1" true`, `- "f2" "" false`, `- "a/x" "c/x2" true`, `- "b/k" "" false`,
	}
	if !slices.Equal(got, wantLines) {
		t.Fatalf("listing\n%q\nwant\n%q", got, wantLines)
	}
	if !l.IsFromEarlier || len(l.Cursor.StartPath) != 0 || l.Cursor.Index != -1 {
		t.Fatalf("flags %v %q %d", l.IsFromEarlier, l.Cursor.StartPath, l.Cursor.Index)
	}
	if l.Modified[0].DirID != id("/d") || l.Created[0].DirID != id("/d") || l.Created[0].FileID != id("/d/n1") ||
		l.Deleted[2].DirID != id("/d/a") || l.Deleted[2].FileID != id("/d/c/x2") {
		t.Fatalf("ids %+v", l)
	}
}

// Paging by any limit returns each entry of the one-page listing exactly
// once (pages group them differently, so compare them sorted).
func TestDiffListingPagesReturnEverythingOnce(t *testing.T) {
	whole, n := pages(t, listingScenario(t, 1000), "s1", "s2")
	slices.Sort(whole)
	if n != 1 {
		t.Fatalf("%d pages with the default limit", n)
	}
	for limit := 1; limit <= len(whole)+1; limit++ {
		got, n := pages(t, listingScenario(t, limit), "s1", "s2")
		slices.Sort(got)
		if !slices.Equal(got, whole) {
			t.Fatalf("limit %d (%d pages):\n%q\nwant\n%q", limit, n, got, whole)
		}
	}
	// From the later snapshot the lists are the same, flagged.
	rev, _ := pages(t, listingScenario(t, 2), "s2", "s1")
	slices.Sort(rev)
	if !slices.Equal(rev, whole) {
		t.Fatalf("reversed:\n%q\nwant\n%q", rev, whole)
	}
}

func TestDiffListingOfOneSnapshotIsEmpty(t *testing.T) {
	tr := listingScenario(t, 1000)
	l, err := tr.GetSnapshotDiffReportListing(hdfs, "/d", "s1", "s1", DiffCursor{Index: -1})
	if err != nil || len(l.Modified)+len(l.Created)+len(l.Deleted) != 0 || l.IsFromEarlier || l.Cursor.Index != -1 {
		t.Fatalf("%+v %v", l, err)
	}
	_, err = tr.GetSnapshotDiffReportListing(hdfs, "/d", "s1", "nope", DiffCursor{Index: -1})
	wantErr(t, err, ErrSnapshot, "Cannot find the snapshot of directory /d with name nope")
}

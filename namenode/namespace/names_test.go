package namespace

import (
	"slices"
	"sort"
	"testing"
)

func TestIsValidNameFollowsDFSUtilClient(t *testing.T) {
	for _, c := range []struct {
		path string
		ok   bool
	}{
		{"/", true},
		{"/a/b", true},
		{"/a/b/", true},
		{"/a//", true}, // trailing empty components are dropped
		{"/a//b", false},
		{"//a", false},
		{"a/b", false},
		{"", false},
		{"/a/./b", false},
		{"/a/../b", false},
		{"/a/b:c", false},
		{"/a/..b/c.", true},
		{"/.reserved/.inodes/16385/..", true},
		{"/.reserved/.inodes/16385/../x", true},
		{"/.reserved/.inodes/..", false},
		{"/.reserved/raw/..", false},
	} {
		if got := isValidName(c.path); got != c.ok {
			t.Errorf("isValidName(%q) = %v, want %v", c.path, got, c.ok)
		}
	}
}

func TestPathComponentsCollapseSlashes(t *testing.T) {
	for _, c := range []struct {
		path string
		want []string
		join string
	}{
		{"/", []string{""}, "/"},
		{"/a", []string{"", "a"}, "/a"},
		{"//a///b//", []string{"", "a", "b"}, "/a/b"},
	} {
		comps := components(c.path)
		var got []string
		for _, p := range comps {
			got = append(got, string(p))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("components(%q) = %q, want %q", c.path, got, c.want)
		}
		if j := joinPath(comps, 0, len(comps)); j != c.join {
			t.Errorf("joinPath(%q) = %q, want %q", c.path, j, c.join)
		}
	}
	comps := components("/a/b/c/d")
	if got := joinPath(comps, 2, 2); got != "b/c" {
		t.Errorf("relative join = %q, want b/c", got)
	}
	if got := joinPath(comps, 2, 0); got != "" {
		t.Errorf("empty join = %q", got)
	}
}

func TestChildrenSortBySignedBytesAsHadoop(t *testing.T) {
	// Guava's SignedBytes comparator: bytes >= 0x80 are negative, so
	// non-ASCII names sort before ASCII ones.
	names := []string{"b", "é", "a", "B", "ab", "\x7f", "日本"}
	sort.Slice(names, func(i, j int) bool { return compareNames([]byte(names[i]), []byte(names[j])) < 0 })
	want := []string{"é", "日本", "B", "a", "ab", "b", "\x7f"}
	if !slices.Equal(names, want) {
		t.Fatalf("order %q, want %q", names, want)
	}
}

func TestJavaStringReplacesMalformedUTF8LikeJava(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain/é", "plain/é"},
		{"a\xffb", "a\uFFFDb"},
		{"\xff\xfe", "\uFFFD\uFFFD"},
		{"\xe2\x82", "\uFFFD"},                 // truncated sequence: one replacement
		{"\xe2\x82x", "\uFFFDx"},               //
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"}, // a surrogate is three bad bytes
		{"\xf0\x9f\x98", "\uFFFD"},
		{"\xc0\xaf", "\uFFFD\uFFFD"},
	} {
		if got := javaString(c.in); got != c.want {
			t.Errorf("javaString(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLong2StringUsesBinaryPrefixesAndJavaRounding(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1 KB"},
		{1536, "1.50 KB"},
		{402653184, "384 MB"},
		{1048575, "1.00 MB"}, // "1024.00 KB" moves up a prefix
		{1048577, "1.00 MB"},
		{-2048, "-2 KB"},
		{3 << 60, "3 EB"},
	} {
		if got := long2String(c.n, "B", 2); got != c.want {
			t.Errorf("long2String(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := javaFixed(0.125, 2); got != "0.13" {
		t.Errorf("javaFixed(0.125) = %q, want Java's half-up 0.13", got)
	}
	if got := javaFixed(1.005, 2); got != "1.01" {
		t.Errorf("javaFixed(1.005) = %q, want 1.01", got)
	}
	if got := javaFixed(9.999, 2); got != "10.00" {
		t.Errorf("javaFixed(9.999) = %q", got)
	}
}

func TestResolvedLinkPathReplacesTheLink(t *testing.T) {
	for _, c := range []struct{ preceding, target, remainder, want string }{
		{"/a", "/x/y", "c/d", "/x/y/c/d"},
		{"/a", "/x/y", "", "/x/y"},
		{"/a", "y", "c", "/a/y/c"},
		{"/a/b", "../y", "", "/a/y"},
		{"/", "y/", "", "/y"},
		{"/a", "hdfs://nn:8020/x", "c", "hdfs://nn:8020/x/c"},
	} {
		if got := resolveLinkPath(c.preceding, c.target, c.remainder); got != c.want {
			t.Errorf("resolveLinkPath(%q, %q, %q) = %q, want %q", c.preceding, c.target, c.remainder, got, c.want)
		}
	}
}

func TestModeStringIsFsPermissionToString(t *testing.T) {
	for _, c := range []struct {
		m    Mode
		want string
	}{
		{0755, "rwxr-xr-x"},
		{0644, "rw-r--r--"},
		{01777, "rwxrwxrwt"},
		{01770, "rwxrwx--T"},
		{0, "---------"},
	} {
		if got := c.m.String(); got != c.want {
			t.Errorf("%o = %q, want %q", c.m, got, c.want)
		}
	}
}

func TestIDMapSurvivesChurn(t *testing.T) {
	ids := map[uint32]int64{}
	idOf := func(s uint32) int64 { return ids[s] }
	m := newIDMap()
	for s := uint32(0); s < 5000; s++ {
		ids[s] = int64(s)*7919 + 16385
		m.put(ids[s], s, idOf)
	}
	for s := uint32(0); s < 5000; s += 3 {
		m.del(ids[s], idOf)
	}
	for s := uint32(0); s < 5000; s++ {
		got := m.get(ids[s], idOf)
		if want := map[bool]uint32{true: nilSlot, false: s}[s%3 == 0]; got != want {
			t.Fatalf("slot of id %d = %d, want %d", ids[s], got, want)
		}
	}
}

package fsimage

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The expected values in this file were produced by OpenJDK 17 running the
// Java code each helper stands for.

func TestJavaStringReplacesMalformedUTF8LikeTheJDK(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{[]byte("plain ünï"), "plain ünï"},
		{[]byte{0xe2, 0x82}, "\ufffd"},                                // truncated sequence: one replacement
		{[]byte{0xed, 0xa0, 0x80, 'a'}, "\ufffda"},                    // an encoded surrogate is replaced whole
		{[]byte{0xe0, 0x80, 0x80}, "\ufffd\ufffd\ufffd"},              // overlong: byte by byte
		{[]byte{0xf0, 0x90, 0x80}, "\ufffd"},                          // truncated 4-byte sequence
		{[]byte{0xf0, 0x90, 0x80, 'z'}, "\ufffdz"},                    // cut short by a non-continuation
		{[]byte{0xc0, 0xaf}, "\ufffd\ufffd"},                          // C0 never starts a sequence
		{[]byte{0xf4, 0x90, 0x80, 0x80}, strings.Repeat("\ufffd", 4)}, // above U+10FFFF
		{[]byte{0xe2, 0x28, 0xa1}, "\ufffd(\ufffd"},
		{[]byte{0xff, 'q'}, "\ufffdq"},
	} {
		if got := javaString(c.in); got != c.want {
			t.Errorf("javaString(% x) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJavaHashOrderIsHashMapIterationOrder(t *testing.T) {
	keys := []string{"root", "supergroup", "alice", "bob", "staff", "eng", "", "user.attr",
		"secret", "hsm.block.storage.policy.id", "snapattr", "x", "Aa", "BB", "a", "b", "c",
		"d", "e", "f", "g", "h", "i", "j", "k", "l", "m"}
	got := fmt.Sprint(javaHashOrder(keys, 16))
	want := "[6 12 13 2 10 8 0 9 5 14 1 15 16 17 18 19 20 21 22 4 23 24 25 26 3 7 11]"
	if got != want {
		t.Errorf("new HashMap<>() order = %s, want %s", got, want)
	}
	got = fmt.Sprint(javaHashOrder([]string{"k3", "k1", "zz"}, tableSizeFor(3)))
	if want := "[0 2 1]"; got != want {
		t.Errorf("new HashMap<>(3) order = %s, want %s", got, want)
	}
}

func TestMangleXMLRoundTrips(t *testing.T) {
	in := "a\\b\x01c<&>\"'\td\ufffe" + "😀"
	m := mangleXML(in)
	if want := `a\005c;b\0001;c&lt;&amp;&gt;&quot;&apos;` + "\td" + `\fffe;` + "😀"; m != want {
		t.Fatalf("mangleXML = %q, want %q", m, want)
	}
	// The XML parser undoes the entities; unmangleXML undoes the escapes.
	parsed := strings.NewReplacer("&lt;", "<", "&amp;", "&", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(m)
	if back, err := unmangleXML(parsed); err != nil || back != in {
		t.Fatalf("unmangleXML = %q, %v; want %q", back, err, in)
	}
	for _, bad := range []string{`\12`, `\0041`, `\zzzz;`} {
		if _, err := unmangleXML(bad); err == nil {
			t.Errorf("unmangleXML(%q) accepted a broken escape", bad)
		}
	}
}

func TestDatesUseHadoopsPatterns(t *testing.T) {
	if got := isoDate(1795431227885); got != "2026-11-23T10:53:47.885" {
		t.Errorf("isoDate = %s", got)
	}
	if ms, err := parseISODate("2026-11-23T10:53:47.885"); err != nil || ms != 1795431227885 {
		t.Errorf("parseISODate = %d, %v", ms, err)
	}
	if got := minuteDate(0, time.UTC); got != "1970-01-01 00:00" {
		t.Errorf("minuteDate = %s", got)
	}
}

func TestEscapeCSVQuotesOnlyWhenNeeded(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "a,b": `"a,b"`, `say "hi"`: `"say ""hi"""`, "tab\there": "tab\there",
	} {
		if got := escapeCSV(in); got != want {
			t.Errorf("escapeCSV(%q) = %q, want %q", in, got, want)
		}
	}
	if got := field("line1\nline2"); got != `"line1%x0Aline2"` {
		t.Errorf("field = %q", got)
	}
}

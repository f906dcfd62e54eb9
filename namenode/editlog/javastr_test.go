package editlog

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Strings as Java and Hadoop's serializers see them.

// Hadoop's UTF8 writes each UTF-16 unit as 1 to 3 bytes: NUL as one zero
// byte, a supplementary character as two 3-byte surrogates. It reads
// 4-byte sequences as well.
func TestHadoopUTF8EncodesUTF16Units(t *testing.T) {
	cases := []struct {
		s    string
		wire []byte
	}{
		{"a/b", []byte("a/b")},
		{"\x00", []byte{0}},
		{"é名", []byte{0xc3, 0xa9, 0xe5, 0x90, 0x8d}},
		{"😀", []byte{0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80}},
		{lone(0xd800) + "x", []byte{0xed, 0xa0, 0x80, 'x'}},
	}
	for _, c := range cases {
		got, err := appendHadoopUTF8(nil, c.s)
		if err != nil || !bytes.Equal(got, c.wire) {
			t.Errorf("encode %q = %x, %v; want %x", c.s, got, err, c.wire)
		}
		back, err := decodeHadoopUTF8(c.wire)
		if err != nil || back != c.s {
			t.Errorf("decode %x = %q, %v; want %q", c.wire, back, err, c.s)
		}
	}
	if s, err := decodeHadoopUTF8([]byte{0xf0, 0x9f, 0x98, 0x80}); err != nil || s != "😀" {
		t.Errorf("4-byte sequence: %q, %v", s, err)
	}
}

func TestHadoopUTF8RefusesWhatUTF8ReadCharsRefuses(t *testing.T) {
	for _, b := range [][]byte{{0x80}, {0xff}, {0xc3}, {0xe5, 0x90}, {0xf0, 0x9f, 0x98}, {'a', 0xf8, 1, 2, 3, 4}} {
		if _, err := decodeHadoopUTF8(b); err == nil {
			t.Errorf("%x decoded", b)
		}
	}
	long := strings.Repeat("é", maxUTF8Chars+1)
	if _, err := appendHadoopUTF8(nil, long); !errors.Is(err, ErrNotWritable) {
		t.Errorf("a string Hadoop would truncate was written: %v", err)
	}
}

func lone(cp int) string {
	var b strings.Builder
	writeCodePoint(&b, cp)
	return b.String()
}

// XMLUtils.mangleXmlString: characters XML cannot carry, and the
// backslash, become \XXXX; the rest is left to the serializer.
func TestMangleAndUnmangle(t *testing.T) {
	cases := map[string]string{
		`a\b`:                   `a\005c;b`,
		"\x00\x01\x1f":          `\0000;\0001;\001f;`,
		"\t\n\r":                "\t\n\r",
		lone(0xdc00) + "x":      `\dc00;x`,
		"\ufffe\uffff\ufffd":    `\fffe;\ffff;` + "\ufffd",
		"😀&<>":                  "😀&<>",
		lone(0xd83d) + "\uffff": `\d83d;\ffff;`,
	}
	for in, want := range cases {
		if got := mangle(in); got != want {
			t.Errorf("mangle(%q) = %q, want %q", in, got, want)
		}
		if back, err := unmangle(want); err != nil || back != in {
			t.Errorf("unmangle(%q) = %q, %v", want, back, err)
		}
	}
	if s, _ := unmangle(`\d83d;\de00;`); s != "😀" {
		t.Errorf("escaped surrogate pair unmangles to %q", s)
	}
	for _, bad := range []string{`\12`, `\00411`, `\zzzz;`, `x\`} {
		if _, err := unmangle(bad); !errors.Is(err, ErrXML) {
			t.Errorf("unmangle(%q): %v", bad, err)
		}
	}
}

// The JDK serializer escapes markup characters as entities and CR, the
// C1 controls and U+2028 as character references; quotes stay as they are.
func TestCharacterDataEscaping(t *testing.T) {
	var b bytes.Buffer
	writeEscaped(&b, "a&b<c>d\"e'f\rg\u0085h\u2028i\u007fj\tk\nl")
	want := "a&amp;b&lt;c&gt;d\"e'f&#13;g&#133;h&#8232;i&#127;j\tk\nl"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

func TestJavaHashAndHashMapOrder(t *testing.T) {
	if h := javaHash("hello"); h != 99162322 {
		t.Errorf(`"hello".hashCode() = %d`, h)
	}
	if javaHash("Aa") != javaHash("BB") {
		t.Error(`"Aa" and "BB" should collide`)
	}
	kv := func(keys ...string) []KeyValue {
		var out []KeyValue
		for _, k := range keys {
			out = append(out, KeyValue{Key: k, Value: "v" + k})
		}
		return out
	}
	// By bucket (hash 2112 = 0x840 -> 0, 'a' 97 -> 1, 'c' 99 -> 3); a
	// collision keeps insertion order; a repeated key keeps its first place
	// and its last value.
	got := javaHashMapOrder(append(kv("c", "BB", "a", "Aa"), KeyValue{"c", "last"}), 16)
	want := []KeyValue{{"BB", "vBB"}, {"Aa", "vAa"}, {"a", "va"}, {"c", "last"}}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

package storage

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/internal/javafmt"
)

// A VERSION file is read with java.util.Properties.load; these are the
// rules of that format, case by case.
func TestParsePropertiesFollowsJavaLoad(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string // key, value, key, value...
	}{
		{"equals", "a=b", []string{"a", "b"}},
		{"blanks around equals", "a = b", []string{"a", "b"}},
		{"colon", "a:b", []string{"a", "b"}},
		{"blank separates", "a b", []string{"a", "b"}},
		{"tabs and form feeds, trailing blanks kept", "a\t\f=  b  ", []string{"a", "b  "}},
		{"only one separator is eaten", "a==b", []string{"a", "=b"}},
		{"separator after blanks", "a = = b", []string{"a", "= b"}},
		{"key alone", "key", []string{"key", ""}},
		{"empty key", "=b", []string{"", "b"}},
		{"comments and blank lines", "  # c\n! d\n\n   \na=1", []string{"a", "1"}},
		{"continuation drops leading blanks", "a=1\\\n   2", []string{"a", "12"}},
		{"even backslashes do not continue", "a=1\\\\\nb=2", []string{"a", "1\\", "b", "2"}},
		{"continuation into an empty line ends it", "a=1\\\n\nb=2", []string{"a", "1", "b", "2"}},
		{"a comment does not continue", "#c\\\na=1", []string{"a", "1"}},
		{"a continued line is no comment", "a=1\\\n#2", []string{"a", "1#2"}},
		{"backslash at end of file", "a=x\\", []string{"a", "x"}},
		{"escaped separators in a key", "a\\ b\\=c\\:d=e", []string{"a b=c:d", "e"}},
		{"escapes", `a=\u0041\t\n\r\f\q\\`, []string{"a", "A\t\n\r\fq\\"}},
		{"surrogate pair", `a=\uD83D\uDE00`, []string{"a", "\U0001F600"}},
		{"bytes are ISO-8859-1", "a=\xe9", []string{"a", "é"}},
		{"CR, CRLF and LF", "a=1\r\nb=2\rc=3\n", []string{"a", "1", "b", "2", "c", "3"}},
		{"last value wins, first place kept", "a=1\nb=2\na=3", []string{"a", "3", "b", "2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseProperties([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, k := range p.Keys() {
				v, _ := p.Get(k)
				got = append(got, k, v)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("parse %q = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestParsePropertiesRejectsMalformedUnicodeEscapes(t *testing.T) {
	for _, in := range []string{`a=\u00G1`, `a=\u00`, `a\u12=b`} {
		if _, err := ParseProperties([]byte(in)); !errors.Is(err, ErrInvalid) {
			t.Errorf("parse %q: err %v, want ErrInvalid", in, err)
		}
	}
}

// Properties.store escapes keys and values (saveConvert) and writes them
// in ISO-8859-1 with \uXXXX for everything else.
func TestStorePropertiesEscapesLikeJava(t *testing.T) {
	p := NewProperties()
	p.Set("a b", " lead and inner ")
	p.Set("sep", "=:#!\\")
	p.Set("ctl", "\t\n\r\f\x01")
	p.Set("uni", "é\U0001F600")
	got := lines(StoreProperties(p, OrderSorted, fixedClock()))
	want := []string{
		"#Mon Nov 23 10:53:40 UTC 2026",
		`a\ b=\ lead and inner `,
		`ctl=\t\n\r\f\u0001`,
		`sep=\=\:\#\!\\`,
		`uni=\u00E9\uD83D\uDE00`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("store =\n%q\nwant\n%q", got, want)
	}
}

func FuzzPropertiesRoundTrip(f *testing.F) {
	f.Add("key", "value")
	f.Add(" k=:#!", " v\\\n\té")
	f.Fuzz(func(t *testing.T, k, v string) {
		if !utf8Valid(k) || !utf8Valid(v) {
			return
		}
		p := NewProperties()
		p.Set(k, v)
		q, err := ParseProperties(StoreProperties(p, OrderJava9, fixedClock()))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := q.Get(k); q.Len() != 1 || got != v {
			t.Fatalf("round trip of %q=%q gave %q (%d keys)", k, v, got, q.Len())
		}
	})
}

func FuzzParseProperties(f *testing.F) {
	f.Add([]byte("#c\na=b\\\n c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseProperties(data) // must not panic
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// The key order of a stored file is the JVM's map order, not Hadoop's
// choice: three JVM generations, three orders for the same six keys.
func TestKeyOrderOfEachJVM(t *testing.T) {
	v := Version{LayoutVersion: -67, StorageType: NodeNameNode}
	for _, c := range []struct {
		order KeyOrder
		want  []string
	}{
		{OrderJava9, []string{"namespaceID", "blockpoolID", "storageType", "cTime", "clusterID", "layoutVersion"}},
		{OrderJava8, []string{"namespaceID", "clusterID", "cTime", "storageType", "blockpoolID", "layoutVersion"}},
		{OrderSorted, []string{"blockpoolID", "cTime", "clusterID", "layoutVersion", "namespaceID", "storageType"}},
	} {
		if got := v.Properties().OrderedKeys(c.order); !reflect.DeepEqual(got, c.want) {
			t.Errorf("order %d: %v, want %v", c.order, got, c.want)
		}
	}
}

func TestJavaDateIsDateToString(t *testing.T) {
	if got := javafmt.Date(fixedClock()); got != "Mon Nov 23 10:53:40 UTC 2026" {
		t.Errorf("UTC: %q", got)
	}
	ist := time.Date(2026, 1, 5, 9, 7, 3, 0, time.FixedZone("", 5*3600+1800))
	if got := javafmt.Date(ist); got != "Mon Jan 05 09:07:03 GMT+05:30 2026" {
		t.Errorf("unnamed zone: %q", got)
	}
	if la, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		if got := javafmt.Date(time.Date(2015, 8, 21, 11, 23, 35, 0, la)); got != "Fri Aug 21 11:23:35 PDT 2015" {
			t.Errorf("Los Angeles: %q", got)
		}
	}
}

package fsimage

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// ReverseXML's string table is OfflineImageReconstructor's: no mask bits,
// ids from 0 in the order strings are first met (the root's owner comes
// first), listed in java.util.HashMap order.
func TestReverseXMLStringTableIsTheReconstructors(t *testing.T) {
	g := goldenImages[1]
	var out bytes.Buffer
	xml := wantFile(t, "hadoop-3.3.2", g.dumps, filepath.Base(g.image)+".xml")
	if err := reverseXML(bytes.NewReader(xml), &out, Options{AnyLayoutVersion: true}); err != nil {
		t.Fatal(err)
	}
	st, err := openBytes(t, out.Bytes(), "reversed").StringTable()
	if err != nil {
		t.Fatal(err)
	}
	if st.MaskBits != 0 || st.Present != FieldsOf(STNumEntry) {
		t.Errorf("mask bits %d, fields %b", st.MaskBits, st.Present)
	}
	byID := make([]string, len(st.Entries))
	for _, e := range st.Entries {
		byID[e.ID] = e.Str
	}
	if byID[0] != "root" || byID[1] != "supergroup" {
		t.Errorf("first ids: %q", byID[:2])
	}
	for i, want := range javaHashOrder(byID, 16) {
		if st.Entries[i].ID != uint32(want) {
			t.Fatalf("entry %d has id %d, HashMap order says %d", i, st.Entries[i].ID, want)
		}
	}
}

// Malformed XML is refused with Hadoop's complaint, never a panic.
func TestReverseXMLRefusesMalformedXML(t *testing.T) {
	const v = `<?xml version="1.0"?><fsimage><version><layoutVersion>-67</layoutVersion><onDiskVersion>1</onDiskVersion></version>`
	for xml, says := range map[string]string{
		`<fsimage><NameSection/></fsimage>`: "no <version> section",
		`<fsimage><version><layoutVersion>-66</layoutVersion><onDiskVersion>1</onDiskVersion></version></fsimage>`: "layout version mismatch",
		v + `<NameSection><namespaceId>1</namespaceId></NameSection></fsimage>`:                                    "ended prematurely, without including section(s) CacheManagerSection",
		v + `<Bogus/></fsimage>`: "unknown or duplicate section found for Bogus",
		v + `<NameSection><namespaceId>1</namespaceId><extra>2</extra></NameSection>`:                                      "found unknown XML keys in NameSection: extra",
		v + `<NameSection><genstampV1>1</genstampV1></NameSection>`:                                                        "<NameSection> is missing <namespaceId>",
		v + `<INodeSection><numInodes>1</numInodes></INodeSection>`:                                                        "only found 0 <inode> entries out of 1",
		v + `<INodeSection><numInodes>1</numInodes><inode><id>5</id></inode></INodeSection>`:                               "no <type> tag",
		v + `<INodeSection><numInodes>1</numInodes><inode><type>FILE</type><id>5</id><permission>a:b</permission></inode>`: "expected 3 components, but only had 2",
		v + `<NameSection><namespaceId>x</namespaceId></NameSection>`:                                                      "is not an int",
		v + `<NameSection><namespaceId>\12</namespaceId></NameSection>`:                                                    "broke off in the middle",
	} {
		err := reverseXML(strings.NewReader(xml), io.Discard, Options{})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), says) || !strings.HasPrefix(err.Error(), "fsimage: ") {
			t.Errorf("%s\n  got %v\n want an error saying %q", xml, err, says)
		}
	}
}

// ReverseXML needs a file to write the image and its .md5 to.
func TestReverseXMLNeedsAnOutputFile(t *testing.T) {
	if err := Convert("in.xml", "-", "reversexml", Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("ReverseXML to stdout: %v", err)
	}
}

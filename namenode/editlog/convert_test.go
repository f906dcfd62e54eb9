package editlog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ConvertFile is `hdfs oev -i IN -o OUT -p P`: the input kind comes from
// the file name, the output kind from the processor.

func TestConvertFileXMLAndBackReproducesEditsStored(t *testing.T) {
	dir := t.TempDir()
	stored := testdata(t, "hadoop", "editsStored")
	xmlOut := filepath.Join(dir, "edits.xml")
	if err := ConvertFile(stored, xmlOut, "xml"); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, xmlOut), readFile(t, stored+".xml"); !bytes.Equal(got, want) {
		t.Fatalf("xml: %s", firstDiff(got, want))
	}
	binOut := filepath.Join(dir, "edits.bin")
	if err := ConvertFile(xmlOut, binOut, "BINARY"); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, binOut), readFile(t, stored); !bytes.Equal(got, want) {
		t.Fatalf("binary: %s", firstDiff(got, want))
	}
}

func TestConvertFileStatsFromBinaryAndFromXML(t *testing.T) {
	dir := t.TempDir()
	seg := filepath.Join(extract(t, testdata(t, "hadoop-3.3.2", "nn-namedir.tgz")),
		"nn", "current", "edits_inprogress_0000000000000000451")
	want := readFile(t, testdata(t, "hadoop-3.3.2", "nn-dumps", filepath.Base(seg)+".stats.txt"))
	for _, in := range []string{seg, testdata(t, "hadoop-3.3.2", "nn-dumps", filepath.Base(seg)+".xml")} {
		out := filepath.Join(dir, "stats.txt")
		if err := ConvertFile(in, out, "stats"); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, out); !bytes.Equal(got, want) {
			t.Errorf("stats of %s:\n%s", filepath.Base(in), got)
		}
	}
}

func TestConvertFileRefusesSameFormatAndUnknownProcessors(t *testing.T) {
	dir := t.TempDir()
	stored := testdata(t, "hadoop", "editsStored")
	for _, c := range []struct{ in, p, want string }{
		{stored + ".xml", "xml", "XML format input"},
		{stored, "binary", "binary format input"},
		{stored, "json", "unknown processor"},
	} {
		err := ConvertFile(c.in, filepath.Join(dir, "out"), c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "editlog: ") {
			t.Errorf("ConvertFile(%s, %s) = %v, want an error about %q", filepath.Base(c.in), c.p, err, c.want)
		}
	}
}

// A damaged segment still yields the records before the damage, then
// Hadoop's error trailer.
func TestConvertFileKeepsWhatItReadBeforeAnError(t *testing.T) {
	dir := t.TempDir()
	data := readFile(t, testdata(t, "hadoop", "editsStored"))
	bad := filepath.Join(dir, "edits")
	if err := os.WriteFile(bad, data[:len(data)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "stats.txt")
	if err := ConvertFile(bad, out, "stats"); err == nil {
		t.Fatal("no error for a truncated segment")
	}
	got := string(readFile(t, out))
	if !strings.Contains(got, "OP_START_LOG_SEGMENT           ( 24): 1") ||
		!strings.Contains(got, "EXITING ON ERROR: editlog: truncated record") {
		t.Fatalf("stats output:\n%s", got)
	}
	xmlOut := filepath.Join(dir, "out.xml")
	if err := ConvertFile(bad, xmlOut, "xml"); err == nil {
		t.Fatal("no error for a truncated segment")
	}
	if got := string(readFile(t, xmlOut)); !strings.Contains(got, "<TXID>120</TXID>") ||
		!strings.Contains(got, "</EDITS>\n<ERROR>editlog: truncated record") {
		t.Fatalf("xml output ends:\n%s", got[max(0, len(got)-300):])
	}
}

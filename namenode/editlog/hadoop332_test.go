package editlog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real segments written by a stock Hadoop 3.3.2 NameNode and JournalNodes
// (layout version -66), with the dumps its offline edits viewer made of
// them (shared/testdata/hadoop-3.3.2, see its README).

// segmentCase is one segment and the oev dumps of it, if any.
type segmentCase struct {
	path      string // extracted segment
	xml, stat string // dump files, "" if none
}

func hadoop332Segments(t *testing.T) []segmentCase {
	base := testdata(t, "hadoop-3.3.2")
	var cases []segmentCase
	add := func(tarball, dumps string) {
		dir := extract(t, filepath.Join(base, tarball))
		for _, rel := range editFiles(t, dir) {
			c := segmentCase{path: filepath.Join(dir, rel)}
			if dumps != "" && (strings.HasPrefix(rel, "nn/") || strings.HasPrefix(rel, "jn1/")) {
				stem := filepath.Join(base, dumps, filepath.Base(rel))
				c.xml, c.stat = stem+".xml", stem+".stats.txt"
			}
			cases = append(cases, c)
		}
	}
	add("nn-namedir.tgz", "nn-dumps")
	add("jn-dirs.tgz", "ha-dumps/jn1-edits")
	add("ha-namedirs.tgz", "")
	if len(cases) < 30 {
		t.Fatalf("found only %d segments", len(cases))
	}
	return cases
}

func TestHadoop332SegmentsMatchTheirOEVDumps(t *testing.T) {
	dumped := 0
	for _, c := range hadoop332Segments(t) {
		data := readFile(t, c.path)
		r, ops := decodeAll(t, data)
		if r.LayoutVersion() != -66 {
			t.Errorf("%s: layout version %d", c.path, r.LayoutVersion())
		}
		if c.xml == "" {
			continue
		}
		if _, err := os.Stat(c.xml); err != nil {
			t.Errorf("%s: no dump %s", c.path, c.xml)
			continue
		}
		dumped++
		if got, want := toXML(t, r.LayoutVersion(), ops), readFile(t, c.xml); !bytes.Equal(got, want) {
			t.Errorf("%s: XML differs from %s: %s", c.path, filepath.Base(c.xml), firstDiff(got, want))
		}
		st := NewStats(r.LayoutVersion())
		for i := range ops {
			st.Add(&ops[i])
		}
		if got, want := st.String(), string(readFile(t, c.stat)); got != want {
			t.Errorf("%s: stats differ from %s:\n%s", c.path, filepath.Base(c.stat), got)
		}
	}
	if dumped != 12 {
		t.Errorf("compared %d segments with dumps, want 12 (3 NN + 9 JN)", dumped)
	}
}

// Re-encoding a segment reproduces its bytes up to where the records end;
// the rest of a preallocated file is OP_INVALID padding.
func TestHadoop332SegmentsReencodeByteForByte(t *testing.T) {
	for _, c := range hadoop332Segments(t) {
		data := readFile(t, c.path)
		r, ops := decodeAll(t, data)
		end := r.Offset()
		if rest := data[end:]; len(bytes.Trim(rest, "\xff")) != 0 {
			t.Errorf("%s: bytes after offset %d are not all 0xFF", c.path, end)
		}
		if got := encodeAll(t, r.LayoutVersion(), ops); !bytes.Equal(got, data[:end]) {
			t.Errorf("%s: %s", c.path, firstDiff(got, data[:end]))
		}
	}
}

// The XML dumps convert back to the very bytes of their segments (in the
// segment's own layout version; `hdfs oev -p binary` itself would write
// -67).
func TestHadoop332DumpsConvertBackToTheirSegments(t *testing.T) {
	for _, c := range hadoop332Segments(t) {
		if c.xml == "" {
			continue
		}
		data := readFile(t, c.path)
		r, _ := decodeAll(t, data)
		lv, ops := fromXML(t, readFile(t, c.xml))
		if got := encodeAll(t, lv, ops); !bytes.Equal(got, data[:r.Offset()]) {
			t.Errorf("%s: %s", c.xml, firstDiff(got, data[:r.Offset()]))
		}
	}
}

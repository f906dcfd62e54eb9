package fsimage

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Images written by stock Hadoop 3.3.2, and what its `hdfs oiv` printed
// for them (shared/testdata/hadoop-3.3.2, see its README).
type goldenImage struct {
	tgz, image, dumps string
}

var goldenImages = []goldenImage{
	{"nn-namedir.tgz", "nn/current/fsimage_0000000000000000000", "nn-dumps"},
	{"nn-namedir.tgz", "nn/current/fsimage_0000000000000000431", "nn-dumps"},
	{"ha-namedirs.tgz", "nn1/current/fsimage_0000000000000000033", "ha-dumps/nn1-fsimage"},
	{"ha-namedirs.tgz", "nn1/current/fsimage_0000000000000000078", "ha-dumps/nn1-fsimage"},
	{"ha-namedirs.tgz", "nn2/current/fsimage_0000000000000000078", "ha-dumps/nn1-fsimage"},
}

// goldenPath extracts the image's name directory into a temporary
// directory and returns the image's path there.
func goldenPath(t *testing.T, g goldenImage) string {
	t.Helper()
	return filepath.Join(untar(t, "hadoop-3.3.2", g.tgz), g.image)
}

// convert runs an image processor and returns its output.
func convert(t *testing.T, path, processor string, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ConvertTo(path, &buf, processor, opts); err != nil {
		t.Fatalf("%s of %s: %v", processor, path, err)
	}
	return buf.Bytes()
}

func wantFile(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata(t, parts...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameBytes fails with the first differing line.
func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q", what, i+1, g, w)
		}
	}
}

// The XML processor reproduces Hadoop's dump byte for byte; only the
// build revision Hadoop records is supplied by the caller.
func TestXMLIsByteForByteHadoopsOIV(t *testing.T) {
	for _, g := range goldenImages {
		t.Run(g.image, func(t *testing.T) {
			got := convert(t, goldenPath(t, g), "XML", Options{Revision: "local-javac-build"})
			sameBytes(t, "XML", got, wantFile(t, "hadoop-3.3.2", g.dumps, filepath.Base(g.image)+".xml"))
		})
	}
}

// The Delimited processor matches too, header, paths, dates (the dumps
// were made in UTC) and the rows it leaves out for snapshot-only inodes.
func TestDelimitedIsByteForByteHadoopsOIV(t *testing.T) {
	for _, g := range goldenImages {
		t.Run(g.image, func(t *testing.T) {
			var log bytes.Buffer
			got := convert(t, goldenPath(t, g), "Delimited", Options{Location: time.UTC, Log: &log})
			sameBytes(t, "Delimited", got, wantFile(t, "hadoop-3.3.2", g.dumps, filepath.Base(g.image)+".delimited.txt"))
		})
	}
}

// README surprise 14: Hadoop's Delimited processor skips inodes that live
// only in snapshots and says so in its log.
func TestDelimitedLogsSnapshotOnlyInodes(t *testing.T) {
	var log bytes.Buffer
	convert(t, goldenPath(t, goldenImages[1]), "Delimited", Options{Location: time.UTC, Log: &log})
	want := "Ignored 3 nodes, including 3 in snapshots. Please turn on debug log for details\n"
	if log.String() != want {
		t.Errorf("log = %q, want %q", log.String(), want)
	}
}

// Processor names are matched without regard to case, and the output file
// is written as `hdfs oiv -o` would.
func TestConvertWritesTheOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.xml")
	if err := Convert(goldenPath(t, goldenImages[0]), out, "xml", Options{Revision: "local-javac-build"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "XML file", got, wantFile(t, "hadoop-3.3.2", "nn-dumps", "fsimage_0000000000000000000.xml"))
	if err := Convert(goldenPath(t, goldenImages[0]), out, "Web", Options{}); err == nil {
		t.Error("the Web processor is not implemented, but Convert accepted it")
	}
	if err := Convert(goldenPath(t, goldenImages[0]), out, "Bogus", Options{}); err == nil {
		t.Error("Convert accepted an unknown processor")
	}
}

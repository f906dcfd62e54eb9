package storage

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// testdata returns shared/testdata/<sub...>: under $HDFSD_TESTDATA, or found
// by walking up from the package directory.
func testdata(t testing.TB, sub ...string) string {
	t.Helper()
	if d := os.Getenv("HDFSD_TESTDATA"); d != "" {
		return filepath.Join(append([]string{d}, sub...)...)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		d := filepath.Join(dir, "shared", "testdata")
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return filepath.Join(append([]string{d}, sub...)...)
		}
		if filepath.Dir(dir) == dir {
			t.Skip("shared/testdata not found above the package; set HDFSD_TESTDATA")
		}
		dir = filepath.Dir(dir)
	}
}

// extract unpacks a gzipped tarball from shared/testdata into a fresh
// t.TempDir() and returns it. The tarball itself is only read.
func extract(t testing.TB, sub ...string) string {
	t.Helper()
	f, err := os.Open(testdata(t, sub...))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return dir
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := extractOne(dir, h, tr); err != nil {
			t.Fatal(err)
		}
	}
}

func extractOne(dir string, h *tar.Header, r io.Reader) error {
	name := filepath.Join(dir, filepath.Clean("/"+h.Name))
	switch h.Typeflag {
	case tar.TypeDir:
		return os.MkdirAll(name, 0o755)
	case tar.TypeReg:
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		return os.WriteFile(name, data, 0o644)
	}
	return nil
}

// listing builds a Listing by hand: a formatted directory whose current/
// holds files (each 1 byte long; see scanned for in-progress ends).
func listing(root string, role Role, seen int64, files ...string) Listing {
	l := Listing{Dir: Dir{Root: root, Role: role}, HasVersion: true, SeenTxID: seen}
	for _, f := range files {
		l.Entries = append(l.Entries, Entry{File: f, Name: ParseName(f), Size: 1})
	}
	return l
}

// scanned sets the scan result of an in-progress segment in l.
func scanned(l Listing, file string, last int64) Listing {
	for i := range l.Entries {
		if l.Entries[i].File == file {
			l.Entries[i].Scan = &Scan{LastTxID: last}
		}
	}
	return l
}

// treeOf lists every regular file under root, relative and sorted.
func treeOf(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// keysOf returns the keys of a properties file in file order.
func keysOf(t testing.TB, data []byte) []string {
	t.Helper()
	p, err := ParseProperties(data)
	if err != nil {
		t.Fatal(err)
	}
	return p.Keys()
}

func lines(b []byte) []string { return strings.Split(strings.TrimRight(string(b), "\n"), "\n") }

// fixedClock is 2026-11-23 10:53:40.493 UTC, the nn-namedir capture's day.
func fixedClock() time.Time { return time.UnixMilli(1795431220493).UTC() }

// counter is a deterministic "random" source: 1, 2, 3, ...
type counter struct{ b byte }

func (z *counter) Read(p []byte) (int, error) {
	for i := range p {
		z.b++
		p[i] = z.b
	}
	return len(p), nil
}

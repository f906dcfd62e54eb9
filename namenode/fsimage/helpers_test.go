package fsimage

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata returns shared/testdata: $HDFSD_TESTDATA, else found by walking
// up from the package directory.
func testdata(t testing.TB, parts ...string) string {
	dir := os.Getenv("HDFSD_TESTDATA")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for dir = ""; dir == ""; wd = filepath.Dir(wd) {
			if fi, err := os.Stat(filepath.Join(wd, "shared", "testdata")); err == nil && fi.IsDir() {
				dir = filepath.Join(wd, "shared", "testdata")
			} else if filepath.Dir(wd) == wd {
				t.Skip("shared/testdata not found above the package directory; set HDFSD_TESTDATA")
			}
		}
	}
	return filepath.Join(append([]string{dir}, parts...)...)
}

// untar extracts a .tgz from the shared testdata into a fresh temporary
// directory and returns that directory. Testdata is never modified.
func untar(t testing.TB, parts ...string) string {
	t.Helper()
	f, err := os.Open(testdata(t, parts...))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return dst
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Clean(h.Name)
		if strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			t.Fatalf("unsafe path %q in %s", h.Name, parts)
		}
		p := filepath.Join(dst, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// openImage opens an image file, verifying its .md5 sidecar.
func openImage(t testing.TB, path string) *Image {
	t.Helper()
	img, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	return img
}

func newBufioWriter(w io.Writer) *bufio.Writer { return bufio.NewWriter(w) }

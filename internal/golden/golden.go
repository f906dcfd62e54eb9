// Package golden finds the shared test data Apache Hadoop wrote
// (../shared/testdata next to the checkout, or $HDFSD_TESTDATA) and unpacks
// its tarballs for tests. The files there are only ever read.
package golden

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Path returns shared/testdata/<sub...>: under $HDFSD_TESTDATA, or found by
// walking up from the test's directory. A test without the data is skipped.
func Path(t testing.TB, sub ...string) string {
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

// Extract unpacks the gzipped tarball shared/testdata/<sub...> into a new
// t.TempDir() and returns that folder. Names cannot escape it.
func Extract(t testing.TB, sub ...string) string {
	t.Helper()
	f, err := os.Open(Path(t, sub...))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return extractFrom(t, f)
}

func extractFrom(t testing.TB, f io.Reader) string {
	t.Helper()
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

// ExtractFile is Extract for a tarball named by its path.
func ExtractFile(t testing.TB, tarball string) string {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return extractFrom(t, f)
}

// ReadMaybeGzip returns the bytes of the file path, gunzipped when its
// name ends in .gz; when path does not exist but path+".gz" does, it reads
// that one. The recorded connections are kept either way.
func ReadMaybeGzip(t testing.TB, path string) []byte {
	t.Helper()
	if _, err := os.Stat(path); err != nil && !strings.HasSuffix(path, ".gz") {
		if _, gzErr := os.Stat(path + ".gz"); gzErr == nil {
			path += ".gz"
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b, err = io.ReadAll(zr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

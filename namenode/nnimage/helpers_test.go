package nnimage

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/namespace"
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

// untar extracts a .tgz of the shared testdata into a fresh temporary
// directory and returns it. Testdata is never modified.
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

const dynamometer = "hadoop/dynamometer-hadoop-3.1/fsimage_0000000000000061740"

// snapshotFreeImages extracts every protobuf image of the shared testdata
// that has no snapshots and returns their paths: Hadoop 2.4 to 3.3.
func snapshotFreeImages(t testing.TB) []string {
	t.Helper()
	paths := []string{testdata(t, dynamometer),
		filepath.Join(untar(t, "hadoop-3.3.2", "nn-namedir.tgz"), "nn/current/fsimage_0000000000000000000")}
	for _, tgz := range []string{"hadoop-252-dfs-dir.tgz", "testUpgradeFrom22via26FixesStorageIDs.tgz",
		"testUpgradeFrom26PreservesStorageIDs.tgz", "image-with-zero-block-size.tar.gz",
		"hadoop-56-layout-datanode-dir.tgz", "hadoop-24-datanode-dir.tgz"} {
		dir := untar(t, "hadoop", tgz)
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil && strings.HasPrefix(fi.Name(), "fsimage_") && !strings.HasSuffix(p, ".md5") {
				paths = append(paths, p)
			}
			return nil
		})
	}
	return paths
}

// superuser reads the loaded trees: the NameNode's own user.
var superuser = namespace.Op{User: "hdfs", Now: 1}

func config() namespace.Config {
	cfg := namespace.DefaultConfig("hdfs")
	cfg.SymlinksEnabled = true
	return cfg
}

func mustLoad(t testing.TB, path string) *Loaded {
	t.Helper()
	l, err := Load(path, config())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

package nnimage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/namespace"

	"github.com/hdfsd/hdfsd/internal/golden"
)

func testdata(t testing.TB, parts ...string) string { return golden.Path(t, parts...) }

func untar(t testing.TB, parts ...string) string { return golden.Extract(t, parts...) }

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

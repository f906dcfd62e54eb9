package nnimage

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
)

// benchInodes is the size of the synthetic image: 1,000,000 inodes, or
// $HDFSD_BENCH_INODES (10000000 for the NameNode's target size).
func benchInodes() int {
	if n, err := strconv.Atoi(os.Getenv("HDFSD_BENCH_INODES")); err == nil && n > 1000 {
		return n
	}
	return 1000000
}

// writeSyntheticImage writes an image of n inodes: directories of 1,000
// files, each file with one block.
func writeSyntheticImage(b *testing.B, n int) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "fsimage_0000000000000000001")
	const perDir = 1000
	dirs := (n - 1) / (perDir + 1)
	files := dirs * perDir
	_, err := fsimage.WriteFile(p, fsimage.WriterOptions{}, func(w *fsimage.Writer) error {
		meta := NewMeta(1)
		w.NameSystem(meta.nameSystem())
		w.ErasureCoding(DefaultECPolicies())
		total := int64(1 + dirs + files)
		w.BeginINodes(&fsimage.INodeHeader{LastINodeID: fsimage.RootINodeID + total - 1, NumINodes: total,
			Present: fsimage.SavedINodeHeader})
		root := dirNode(fsimage.RootINodeID, "")
		root.Dir.NSQuota = 1<<63 - 1
		w.INode(&root)
		id := int64(fsimage.RootINodeID)
		for d := 0; d < dirs; d++ {
			id++
			dn := dirNode(id, "dir-"+strconv.Itoa(d))
			w.INode(&dn)
			for f := 0; f < perDir; f++ {
				id++
				fn := fileNode(id, "part-"+strconv.Itoa(f))
				fn.File.Blocks = []fsimage.Block{{ID: 1<<30 + id, GenStamp: 1001, NumBytes: 4096}}
				if err := w.INode(&fn); err != nil {
					return err
				}
			}
		}
		w.BeginDirEntries()
		var top []int64
		for d := 0; d < dirs; d++ {
			top = append(top, fsimage.RootINodeID+1+int64(d)*(perDir+1))
		}
		w.DirEntry(&fsimage.DirEntry{Parent: fsimage.RootINodeID, Children: top})
		kids := make([]int64, perDir)
		for _, dir := range top {
			for f := range kids {
				kids[f] = dir + 1 + int64(f)
			}
			w.DirEntry(&fsimage.DirEntry{Parent: dir, Children: kids})
		}
		w.BeginFilesUnderConstruction()
		w.BeginSnapshots(&fsimage.SnapshotHeader{})
		w.BeginReferences()
		w.SecretManager(&meta.SecretManager)
		w.CacheManager(&meta.CacheManager)
		return w.StringTable(fsimage.NewStringTable(3, []fsimage.StringEntry{{ID: 1 | 1<<29, Str: "hdfs"},
			{ID: 1 | 2<<29, Str: "supergroup"}}))
	})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkLoadAndSave loads a synthetic image of a million inodes and
// saves it again, reporting the time per inode of each and the live heap
// the loaded tree takes per inode:
//
//	go test -run '^$' -bench LoadAndSave -benchtime 1x ./namenode/nnimage/
//	HDFSD_BENCH_INODES=10000000 go test -run '^$' -bench LoadAndSave -benchtime 1x -timeout 30m ./namenode/nnimage/
func BenchmarkLoadAndSave(b *testing.B) {
	if testing.Short() {
		b.Skip("writes a large image")
	}
	n := benchInodes()
	p := writeSyntheticImage(b, n)
	fi, _ := os.Stat(p)
	out := filepath.Join(b.TempDir(), "fsimage_0000000000000000002")
	b.ResetTimer()
	for range b.N {
		before := heapInUse()
		start := time.Now()
		l, err := Load(p, config())
		if err != nil {
			b.Fatal(err)
		}
		loaded := time.Since(start)
		inodes := l.Tree.Stats().Inodes
		heap := heapInUse() - before
		start = time.Now()
		if _, err := Save(out, l.Tree, l.Meta, Options{}); err != nil {
			b.Fatal(err)
		}
		saved := time.Since(start)
		b.ReportMetric(float64(inodes), "inodes")
		b.ReportMetric(float64(loaded.Nanoseconds())/float64(inodes), "load-ns/inode")
		b.ReportMetric(float64(saved.Nanoseconds())/float64(inodes), "save-ns/inode")
		b.ReportMetric(float64(heap)/float64(inodes), "heap-bytes/inode")
		b.ReportMetric(float64(fi.Size())/float64(inodes), "image-bytes/inode")
		runtime.KeepAlive(l)
	}
}

func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

package namespace

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
)

// BenchmarkMemoryPerInode creates 1,000,000 empty closed files in 1,000
// directories through the live operations and reports the live heap they
// take, per inode:
//
//	go test -run '^$' -bench MemoryPerInode -benchtime 1x ./namenode/namespace/
func BenchmarkMemoryPerInode(b *testing.B) {
	const dirs, perDir = 1000, 1000
	for range b.N {
		before := liveHeap()
		tr := newTree(b)
		for d := range dirs {
			dir := fmt.Sprintf("/user/u%03d", d)
			ok(b)(tr.Mkdirs(hdfs, dir, 0755, true))
			for f := range perDir {
				p := dir + "/part-" + strconv.Itoa(f)
				ok(b)(tr.Create(hdfs, createArgs(p)))
				ok(b)(tr.CompleteFile(hdfs, p, 0, "DFSClient_1", nil))
			}
		}
		after := liveHeap()
		inodes := tr.Stats().Inodes
		b.ReportMetric(float64(after-before)/float64(inodes), "heap-bytes/inode")
		b.ReportMetric(float64(inodes), "inodes")
		runtime.KeepAlive(tr)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkGetFileInfo measures a path lookup and status in a tree of
// 100,000 files.
func BenchmarkGetFileInfo(b *testing.B) {
	tr := newTree(b)
	for d := range 100 {
		for f := range 1000 {
			p := fmt.Sprintf("/data/d%02d/f%04d", d, f)
			ok(b)(tr.Create(hdfs, createArgs(p)))
		}
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if st, err := tr.GetFileInfo(alice, fmt.Sprintf("/data/d%02d/f%04d", i%100, i%1000), true); st == nil || err != nil {
				b.Fatal(st, err)
			}
		}
	})
}

package fsimage

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// writeBigImage writes an image with n files under one directory.
func writeBigImage(t testing.TB, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fsimage_big")
	perm := MakePermission(1, 2, 0o644)
	_, err := WriteFile(p, WriterOptions{}, func(w *Writer) error {
		w.NameSystem(&NameSystem{Present: SavedNameSystem})
		w.BeginINodes(&INodeHeader{LastINodeID: int64(RootINodeID + n), NumINodes: int64(n + 1), Present: SavedINodeHeader})
		w.INode(&INode{Type: TypeDirectory, ID: RootINodeID, Name: []byte{}, Dir: &INodeDirectory{Permission: perm, Present: SavedDirectory}})
		kids := make([]int64, 0, n)
		for i := 1; i <= n; i++ {
			id := int64(RootINodeID + i)
			kids = append(kids, id)
			if err := w.INode(&INode{Type: TypeFile, ID: id, Name: []byte("file-" + strconv.Itoa(i)),
				File: &INodeFile{Replication: 3, Permission: perm, PreferredBlockSize: 128 << 20, Present: SavedFile,
					Blocks: []Block{{ID: 1<<30 + id, GenStamp: 1001, NumBytes: 1234}}}}); err != nil {
				return err
			}
		}
		w.BeginDirEntries()
		w.DirEntry(&DirEntry{Parent: RootINodeID, Children: kids})
		return w.StringTable(NewStringTable(3, []StringEntry{{ID: 1 | 1<<29, Str: "u"}, {ID: 2 | 2<<29, Str: "g"}}))
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// heapWatcher samples the live heap while inodes stream past.
type heapWatcher struct {
	NopVisitor
	n, peak uint64
}

func (h *heapWatcher) INode(*INode) error {
	if h.n++; h.n%50000 == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapAlloc)
	}
	return nil
}

// Walking an image holds one record at a time: the live heap while
// 500,000 inodes stream by stays far below what their records would take.
func TestWalkHoldsOneRecordAtATime(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 500,000-inode image")
	}
	p := writeBigImage(t, 500000)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	h := &heapWatcher{}
	if _, err := LoadFile(p, h); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	grown := int64(h.peak) - int64(before.HeapAlloc)
	t.Logf("image %d bytes, %d inodes, live heap grew by at most %d bytes", fi.Size(), h.n, grown)
	if grown > 8<<20 {
		t.Errorf("live heap grew by %d bytes while streaming", grown)
	}
}

func BenchmarkWalkINodes(b *testing.B) {
	p := writeBigImage(b, 100000)
	b.ResetTimer()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := LoadFile(p, NopVisitor{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/inode")
}

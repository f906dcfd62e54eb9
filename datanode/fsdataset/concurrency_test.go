package fsdataset

import (
	"bytes"
	"sync"
	"testing"
)

// Writers of different blocks, readers, reports and the directory
// scanner run at once (run with -race).
func TestConcurrentWritersAndReports(t *testing.T) {
	ds, _ := openVols(t, 3, nil)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				b := Block{ID: int64(1000 + g*100 + i), GenStamp: 1}
				data := pattern(2000+i*100, byte(g))
				w, err := ds.CreateRBW(bp, b, CreateOptions{BlockSize: 4096})
				if err != nil {
					t.Error(err)
					return
				}
				for off := 0; off < len(data); off += 512 {
					end := min(off+512, len(data))
					if err := w.Write(int64(off), data[off:end], nil); err != nil {
						t.Error(err)
						return
					}
					w.SetAcked(int64(end))
				}
				w.Close()
				b.NumBytes = int64(len(data))
				if _, err := ds.FinalizeBlock(bp, b); err != nil {
					t.Error(err)
					return
				}
				rd, err := ds.OpenRead(bp, b)
				if err != nil {
					t.Error(err)
					return
				}
				got := make([]byte, rd.VisibleLength())
				rd.Data.ReadAt(got, 0)
				rd.Close()
				if !bytes.Equal(got, data) {
					t.Errorf("%v read back differs", b)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			ds.BlockReports(bp)
			ds.StorageReports(bp)
			ds.DirectoryScan(bp)
		}
	}()
	wg.Wait()
	n := 0
	for _, r := range ds.BlockReports(bp) {
		n += len(r.Finalized)
	}
	if n != 30 {
		t.Fatalf("%d finalized replicas, want 30", n)
	}
	if err := ds.AddBlockPool(testNS); err != nil || ds.Len(bp) != 30 {
		t.Fatal("re-adding the block pool:", err, ds.Len(bp))
	}
}

// DataStorage.removeDuplicateEntries' choice between copies of a block in
// an old layout.
func TestUpgradeDuplicateChoice(t *testing.T) {
	f := blockFiles{
		data:  []linkFile{{"a", "blk_1", 512}, {"b", "blk_1", 510}, {"c", "blk_1", 600}},
		metas: []linkFile{{"a", "blk_1_7.meta", 7}, {"b", "blk_1_7.meta", 7}, {"c", "blk_1_6.meta", 6}},
	}
	d, m := f.choose()
	if d.dir != "a" || m.n != 7 {
		t.Fatalf("%+v %+v", d, m)
	}
	f = blockFiles{data: []linkFile{{"a", "blk_1", 510}, {"b", "blk_1", 512}}, metas: []linkFile{{"a", "blk_1_7.meta", 7}}}
	if d, m := f.choose(); d.dir != "b" || m.dir != "a" {
		t.Fatalf("%+v %+v", d, m)
	}
}

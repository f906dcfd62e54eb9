package fsdataset

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A block pool taken out of service (a nameservice refreshNamenodes
// dropped) leaves the map and the volume's usage with its files kept and
// its dfsUsed saved; adding it again loads it from disk.
func TestShutdownBlockPoolUnloadsAndKeepsTheFiles(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	w := writeBlock(t, ds, Block{ID: 70, GenStamp: 1}, pattern(5000, 1), 5000)
	w.Close()
	if _, err := ds.FinalizeBlock(bp, Block{ID: 70, GenStamp: 1}); err != nil {
		t.Fatal(err)
	}
	used := ds.vols[0].DfsUsed()
	if used == 0 {
		t.Fatal("no usage before the shutdown")
	}
	if err := ds.ShutdownBlockPool(bp); err != nil {
		t.Fatal(err)
	}
	if _, ok := ds.Get(bp, 70); ok || len(ds.BlockPools()) != 0 || ds.vols[0].DfsUsed() != 0 {
		t.Fatalf("after the shutdown: replica found %v, pools %v, dfsUsed %d", ok, ds.BlockPools(), ds.vols[0].DfsUsed())
	}
	saved, err := os.ReadFile(filepath.Join(roots[0], "current", bp, "current", FileDfsUsed))
	if err != nil || string(saved) != string(FormatDfsUsed(used, testNow)) {
		t.Errorf("dfsUsed saved as %q (%v), want %q", saved, err, FormatDfsUsed(used, testNow))
	}
	if err := ds.ShutdownBlockPool(bp); !errors.Is(err, ErrInvalid) {
		t.Errorf("a second shutdown: %v", err)
	}
	if err := ds.AddBlockPool(testNS); err != nil {
		t.Fatal(err)
	}
	if r, ok := ds.Get(bp, 70); !ok || r.State != Finalized || r.NumBytes != 5000 || !slices.Equal(ds.BlockPools(), []string{bp}) {
		t.Fatalf("after adding it again: %v %v", r, ok)
	}
}

// deleteBlockPool removes a pool out of service from every volume; a pool
// in service is refused, and one with replica files only when forced.
func TestDeleteBlockPool(t *testing.T) {
	ds, roots := openVols(t, 2, nil)
	bpDirs := []string{filepath.Join(roots[0], "current", bp), filepath.Join(roots[1], "current", bp)}
	w := writeBlock(t, ds, Block{ID: 71, GenStamp: 1}, pattern(700, 1), 700)
	w.Close()
	if err := ds.DeleteBlockPool(bp, true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("deleting a pool in service: %v", err)
	}
	if err := ds.ShutdownBlockPool(bp); err != nil {
		t.Fatal(err)
	}
	err := ds.DeleteBlockPool(bp, false)
	if !errors.Is(err, ErrBlockPoolNotEmpty) {
		t.Fatalf("deleting a pool with an rbw replica unforced: %v", err)
	}
	for _, d := range bpDirs {
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("refused, yet %s is gone: %v", d, err)
		}
	}
	if err := ds.DeleteBlockPool(bp, true); err != nil {
		t.Fatal(err)
	}
	for _, d := range bpDirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s left after a forced delete: %v", d, err)
		}
	}

	// An empty pool goes without force.
	other := testNS
	other.BlockPoolID = "BP-2-127.0.0.1-2000"
	if err := ds.AddBlockPool(other); err != nil {
		t.Fatal(err)
	}
	if err := ds.ShutdownBlockPool(other.BlockPoolID); err != nil {
		t.Fatal(err)
	}
	if err := ds.DeleteBlockPool(other.BlockPoolID, false); err != nil {
		t.Fatalf("deleting an empty pool: %v", err)
	}
	if _, err := os.Stat(filepath.Join(roots[0], "current", other.BlockPoolID)); !os.IsNotExist(err) {
		t.Errorf("empty pool left: %v", err)
	}
}

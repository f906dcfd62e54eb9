package fsdataset

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

func faultVols(t *testing.T, n, tolerated int) (*Dataset, *FaultFS, []string) {
	t.Helper()
	ffs := NewFaultFS(OSFS)
	ds, roots := openVols(t, n, func(c *Config) {
		c.FS = ffs
		c.FailedVolumesTolerated = tolerated
	})
	return ds, ffs, roots
}

// An EIO while writing fails the volume: its replicas leave the block
// report, its storage report says failed, and the failed-volume check
// applies dfs.datanode.failed.volumes.tolerated.
func TestIOErrorFailsVolume(t *testing.T) {
	ds, ffs, roots := faultVols(t, 2, 0)
	for i := range 4 {
		writeBlock(t, ds, Block{ID: int64(100 + i), GenStamp: 1}, pattern(10, 1), 10).Close()
	}
	w, err := ds.CreateRBW(bp, Block{ID: 200, GenStamp: 1}, CreateOptions{}) // round robin: d1
	if err != nil {
		t.Fatal(err)
	}
	if w.Volume().Root != roots[0] {
		t.Fatal("round robin chose", w.Volume().Root)
	}
	ffs.Inject(FailUnder(storage.OpWrite, roots[0], syscall.EIO))
	err = w.Write(0, pattern(10, 1), nil)
	wantErr(t, err, ErrVolumeFailed, "blk_200")
	wantErr(t, err, syscall.EIO, "input/output error")
	ffs.Inject(nil)
	if failed, _ := ds.Volumes()[0].Failed(); !failed {
		t.Fatal("volume not failed")
	}
	reps := ds.BlockReports(bp)
	if len(reps) != 1 || len(reps[0].UnderConstruction) != 2 {
		t.Fatalf("%+v", reps)
	}
	srs := ds.StorageReports(bp)
	if !srs[0].Failed || srs[1].Failed {
		t.Fatalf("%+v", srs)
	}
	wantErr(t, ds.CheckVolumes(), ErrDiskError, "Too many failed volumes - current valid volumes: 1, volumes configured: 2, volumes failed: 1, volume failures tolerated: 0")
	if f := ds.Failures(); len(f) != 1 || f[0].Root != roots[0] {
		t.Fatalf("%+v", f)
	}
	// New replicas go to the surviving volume.
	w2, err := ds.CreateRBW(bp, Block{ID: 201, GenStamp: 1}, CreateOptions{})
	if err != nil || w2.Volume().Root != roots[1] {
		t.Fatal(err)
	}
	w2.Close()
}

// ENOSPC is a full disk, not a failed volume.
func TestNoSpaceIsNotAVolumeFailure(t *testing.T) {
	ds, ffs, roots := faultVols(t, 1, 0)
	w, err := ds.CreateRBW(bp, Block{ID: 300, GenStamp: 1}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ffs.Inject(FailUnder(storage.OpWrite, roots[0], syscall.ENOSPC))
	err = w.Write(0, pattern(10, 1), nil)
	wantErr(t, err, ErrDiskOutOfSpace, "blk_300")
	if failed, _ := ds.Volumes()[0].Failed(); failed {
		t.Fatal("ENOSPC failed the volume")
	}
	w.Close()
}

// A volume whose free space is under the reserve plus the block is
// skipped; when all are, Hadoop's DiskOutOfSpaceException message.
func TestFullVolumeSkipped(t *testing.T) {
	ds, ffs, roots := faultVols(t, 2, 0)
	ds.Volumes()[0].Reserved = 1 << 20
	ffs.SetUsage(roots[0], Usage{Capacity: 10 << 20, Used: 9<<20 + 512<<10, Available: 512 << 10})
	ffs.SetUsage(roots[1], Usage{Capacity: 10 << 20, Used: 1 << 20, Available: 9 << 20})
	for i := range 3 {
		w, err := ds.CreateRBW(bp, Block{ID: int64(400 + i), GenStamp: 1}, CreateOptions{BlockSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if w.Volume().Root != roots[1] {
			t.Fatal("full volume chosen")
		}
		w.Close()
	}
	srs := ds.StorageReports(bp)
	if srs[0].Capacity != 9<<20 || srs[0].Remaining != 512<<10 || srs[0].NonDfsUsed != 9<<20+512<<10-1<<20 {
		t.Fatalf("%+v", srs[0])
	}
	if srs[1].Capacity != 10<<20 || srs[1].Remaining != 9<<20 {
		t.Fatalf("%+v", srs[1])
	}
	ffs.SetUsage(roots[1], Usage{Capacity: 10 << 20, Used: 10 << 20, Available: 0})
	_, err := ds.CreateRBW(bp, Block{ID: 500, GenStamp: 1}, CreateOptions{BlockSize: 1 << 20})
	wantErr(t, err, ErrDiskOutOfSpace, "Out of space: The volume with the most available space (=524288 B) is less than the block size (=1048576 B).")
	_, err = ds.CreateRBW(bp, Block{ID: 501, GenStamp: 1}, CreateOptions{StorageType: SSD})
	wantErr(t, err, ErrDiskOutOfSpace, "No more available volumes")
}

// With failed.volumes.tolerated = 1 a foreign volume is dropped and the
// DataNode goes on; with 0 it refuses to start.
func TestForeignVolumeTolerance(t *testing.T) {
	for _, tolerated := range []int{0, 1} {
		ds, roots := openVols(t, 2, func(c *Config) { c.FailedVolumesTolerated = tolerated })
		ds.Shutdown()
		v := DNVersion{LayoutVersion: -57, StorageID: NewStorageID(), ClusterID: "CID-other", DatanodeUUID: ds.DatanodeUUID()}
		os.WriteFile(filepath.Join(roots[1], "current", "VERSION"), v.Marshal(testNow), 0o644)
		nds, err := Open(ds.cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = nds.AddBlockPool(testNS)
		if tolerated == 0 {
			wantErr(t, err, ErrDiskError, "Too many failed volumes")
			wantErr(t, err, ErrIncompatible, "Incompatible clusterIDs in "+roots[1])
		} else if err != nil {
			t.Fatal(err)
		}
		nds.Shutdown()
	}
}

// The same block on two volumes: the higher generation stamp stays, the
// other copy is deleted (resolveDuplicateReplicas).
func TestDuplicateReplicasAcrossVolumes(t *testing.T) {
	ds, roots := openVols(t, 2, nil)
	b := Block{ID: 600, GenStamp: 5, NumBytes: 100}
	writeBlock(t, ds, b, pattern(100, 1), 100).Close() // on d1
	f, _ := ds.FinalizeBlock(bp, b)
	d, m := ds.Paths(bp, f)
	dst := filepath.Join(roots[1], "current", bp, "current", "finalized", IDToBlockDir(600))
	os.MkdirAll(dst, 0o755)
	copyTo(t, d, filepath.Join(dst, "blk_600"))
	copyTo(t, m, filepath.Join(dst, "blk_600_6.meta"))
	ds = reopen(t, ds)
	r, _ := ds.Get(bp, 600)
	if r.GenStamp != 6 || ds.VolumeOf(r).Root != roots[1] {
		t.Fatalf("%v on %s", r, ds.VolumeOf(r).Root)
	}
	if exists(d) || exists(m) {
		t.Fatal("older copy not deleted")
	}
}

func copyTo(t *testing.T, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(out, in)
	out.Close()
}

// The directory scanner's disk side against a live dataset.
func TestDirectoryScan(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	for i := range 3 {
		b := Block{ID: int64(700 + i), GenStamp: 1, NumBytes: 10}
		writeBlock(t, ds, b, pattern(10, 1), 10).Close()
		ds.FinalizeBlock(bp, b)
	}
	r, _ := ds.Get(bp, 700)
	d, _ := ds.Paths(bp, r)
	os.Remove(d)
	fin := filepath.Join(roots[0], "current", bp, "current", "finalized", IDToBlockDir(800))
	os.MkdirAll(fin, 0o755)
	os.WriteFile(filepath.Join(fin, "blk_800"), []byte("stray"), 0o644)
	r, _ = ds.Get(bp, 701)
	d, _ = ds.Paths(bp, r)
	os.WriteFile(d, []byte("longer than ten"), 0o644)
	diffs, err := ds.DirectoryScan(bp)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 3 || diffs[0].Kind != MissingOnDisk || diffs[1].Kind != LengthMismatch || diffs[2].Kind != MissingInMemory || diffs[2].ID != 800 {
		t.Fatalf("%+v", diffs)
	}
}

// An unreadable volume at startup is dropped when tolerated.
func TestStartupScanErrorFailsVolume(t *testing.T) {
	ds, ffs, roots := faultVols(t, 2, 1)
	writeBlock(t, ds, Block{ID: 900, GenStamp: 1}, pattern(10, 1), 10).Close()
	writeBlock(t, ds, Block{ID: 901, GenStamp: 1}, pattern(10, 1), 10).Close()
	ffs.Inject(FailUnder(storage.OpReadDir, filepath.Join(roots[0], "current", bp, "current", "rbw"), syscall.EIO))
	ds = reopen(t, ds)
	if failed, err := ds.Volumes()[0].Failed(); !failed || err == nil {
		t.Fatal("volume with an unreadable rbw/ in service")
	}
	if ds.Len(bp) != 1 {
		t.Fatal(ds.Len(bp))
	}
}

// hsync errors reach the writer; an fsync EIO fails the volume.
func TestSyncError(t *testing.T) {
	ds, ffs, roots := faultVols(t, 1, 0)
	w := writeBlock(t, ds, Block{ID: 950, GenStamp: 1}, pattern(10, 1), 10)
	ffs.Inject(FailUnder(storage.OpSync, roots[0], syscall.EIO))
	wantErr(t, w.Sync(), ErrVolumeFailed, "syncing data")
	w.Close()
}

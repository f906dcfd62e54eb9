package fsdataset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A new volume is formatted when the namespace arrives, with the files and
// key order Hadoop's DataStorage and BlockPoolSliceStorage write.
func TestFormatNewVolume(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	data, err := os.ReadFile(filepath.Join(roots[0], "current", "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, l := range strings.Split(string(data), "\n")[1:] {
		if k, _, ok := strings.Cut(l, "="); ok {
			keys = append(keys, k)
		}
	}
	if got := strings.Join(keys, ","); got != "datanodeUuid,storageType,cTime,clusterID,layoutVersion,storageID" {
		t.Fatal(got)
	}
	v := ds.Volumes()[0].Version()
	if v.LayoutVersion != -57 || v.ClusterID != "CID-test" || v.CTime != 0 || !IsValidStorageID(v.StorageID) || v.DatanodeUUID != ds.DatanodeUUID() {
		t.Fatalf("%+v", v)
	}
	bpv, err := os.ReadFile(filepath.Join(roots[0], "current", bp, "current", "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(bpv), "\nnamespaceID=42\nblockpoolID="+bp+"\ncTime=1000\nlayoutVersion=-57\n") {
		t.Fatal(string(bpv))
	}
	for _, d := range []string{"current/finalized", "current/rbw", "tmp"} {
		if !exists(filepath.Join(roots[0], "current", bp, d)) {
			t.Error("missing", d)
		}
	}
	if !exists(filepath.Join(roots[0], "in_use.lock")) {
		t.Error("no in_use.lock")
	}
	if _, err := Open(ds.cfg); err == nil {
		t.Fatal("second Open of a locked volume succeeded")
	}
}

// Write, ack, hsync, finalize, read back, restart: the replica is
// FINALIZED in finalized/subdir<d1>/subdir<d2> with valid checksums.
func TestWriteFinalizeReadRestart(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	b := Block{ID: 0x40010203, GenStamp: 1001}
	data := pattern(3000, 1)
	w := writeBlock(t, ds, b, data, 700)
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	r, _ := ds.Get(bp, b.ID)
	if r.State != RBW || r.BytesOnDisk != 3000 || r.BytesAcked != 3000 {
		t.Fatalf("%v", r)
	}
	if got := readAll(t, ds, b); !bytes.Equal(got, data) {
		t.Fatal("RBW read differs")
	}
	w.Close()
	b.NumBytes = 3000
	f, err := ds.FinalizeBlock(bp, b)
	if err != nil {
		t.Fatal(err)
	}
	if f.State != Finalized || f.NumBytes != 3000 {
		t.Fatalf("%v", f)
	}
	dir := filepath.Join(roots[0], "current", bp, "current", "finalized", "subdir1", "subdir2")
	n, err := VerifyFiles(OSFS, filepath.Join(dir, "blk_1073807875"), filepath.Join(dir, "blk_1073807875_1001.meta"))
	if err != nil || n != 3000 {
		t.Fatal(n, err)
	}
	if _, err := ds.FinalizeBlock(bp, b); err != nil {
		t.Fatal("finalizing twice:", err)
	}
	ds = reopen(t, ds)
	r, ok := ds.Get(bp, b.ID)
	if !ok || r.State != Finalized || r.NumBytes != 3000 || r.GenStamp != 1001 {
		t.Fatalf("after restart: %v %v", r, ok)
	}
	if !bytes.Equal(readAll(t, ds, b), data) {
		t.Fatal("read after restart differs")
	}
	if used := ds.Volumes()[0].BlockPoolUsed(bp); used != 3000+7+6*4 {
		t.Fatalf("dfsUsed %d", used)
	}
}

// FsDatasetImpl.createRbw / createTemporary refuse an existing replica.
func TestCreateExistingReplica(t *testing.T) {
	ds, _ := openVols(t, 1, nil)
	b := Block{ID: 7, GenStamp: 5}
	writeBlock(t, ds, b, pattern(10, 0), 10).Close()
	_, err := ds.CreateRBW(bp, b, CreateOptions{})
	wantErr(t, err, ErrReplicaAlreadyExists, "Block "+bp+":blk_7_5 already exists in state RBW and thus cannot be created.")
	_, err = ds.CreateTemporary(bp, b, CreateOptions{}, false)
	wantErr(t, err, ErrReplicaAlreadyExists, "already exists in state RBW")
	// A newer generation stamp replaces a replica in a pipeline.
	w, err := ds.CreateTemporary(bp, Block{ID: 7, GenStamp: 6}, CreateOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if r, _ := ds.Get(bp, 7); r.State != Temporary || r.GenStamp != 6 {
		t.Fatalf("%v", r)
	}
	if JavaClass(err) != "java.io.IOException" {
		t.Fatal(JavaClass(err))
	}
}

// Appending to a partial last chunk recomputes its checksum; truncating
// back to the acked length fixes the last checksum again.
func TestPartialChunkAppendAndTruncate(t *testing.T) {
	ds, _ := openVols(t, 1, nil)
	b := Block{ID: 9, GenStamp: 1}
	data := pattern(1300, 2)
	w := writeBlock(t, ds, b, data[:700], 700)
	if err := w.Write(700, data[700:], nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Truncate(1000); err != nil {
		t.Fatal(err)
	}
	w.Close()
	f, err := ds.FinalizeBlock(bp, b)
	if err != nil || f.NumBytes != 1000 {
		t.Fatal(f, err)
	}
	d, m := ds.Paths(bp, f)
	if n, err := VerifyFiles(OSFS, d, m); err != nil || n != 1000 {
		t.Fatal(n, err)
	}
	// Caller-given checksums for aligned data are stored as given.
	b2 := Block{ID: 10, GenStamp: 1}
	w2, _ := ds.CreateRBW(bp, b2, CreateOptions{})
	sums := DefaultMetaHeader.AppendSums(nil, data[:1024])
	if err := w2.Write(0, data[:1024], sums); err != nil {
		t.Fatal(err)
	}
	if err := w2.Write(1024, data[1024:1100], []byte{1}); err == nil {
		t.Fatal("short checksums accepted")
	}
	w2.Close()
}

// append / recoverAppend / recoverClose / recoverRbw: Hadoop's
// generation-stamp and state checks and messages.
func TestAppendAndPipelineRecovery(t *testing.T) {
	ds, _ := openVols(t, 1, nil)
	b := Block{ID: 11, GenStamp: 100, NumBytes: 600}
	data := pattern(600, 3)
	writeBlock(t, ds, b, data, 600).Close()
	_, err := ds.Append(bp, b, 101, 600)
	wantErr(t, err, ErrReplicaNotFound, "Cannot append to an unfinalized replica "+bp+":blk_11_100")
	if _, err := ds.FinalizeBlock(bp, b); err != nil {
		t.Fatal(err)
	}
	_, err = ds.Append(bp, b, 99, 600)
	wantErr(t, err, nil, "The new generation stamp 99 should be greater than the replica "+bp+":blk_11_100's generation stamp")
	_, err = ds.Append(bp, b, 101, 500)
	wantErr(t, err, ErrCorrupt, "with a length of 600 expected length is 500")
	w, err := ds.Append(bp, b, 101, 600)
	if err != nil {
		t.Fatal(err)
	}
	more := pattern(200, 4)
	if err := w.Write(600, more, nil); err != nil {
		t.Fatal(err)
	}
	w.SetAcked(800)
	r, _ := ds.Get(bp, 11)
	if r.State != RBW || r.GenStamp != 101 || r.NumBytes != 800 {
		t.Fatalf("%v", r)
	}
	// The pipeline breaks; the client recovers with GS 102.
	b.GenStamp = 101
	_, err = ds.RecoverRBW(bp, b, 102, 900, 1000)
	wantErr(t, err, ErrReplicaNotFound, "Unmatched length replica")
	_, err = ds.RecoverRBW(bp, Block{ID: 11, GenStamp: 103}, 104, 0, 1000)
	wantErr(t, err, ErrReplicaNotFound, "Cannot append to a replica with unexpected generation stamp "+bp+":blk_11_103. Expected GS range is [103, 104].")
	w2, err := ds.RecoverRBW(bp, b, 102, 800, 800)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(800, more, nil); err == nil {
		t.Fatal("the old writer still writes")
	}
	w2.Close()
	b.GenStamp = 102
	_, err = ds.RecoverClose(bp, b, 103, 700)
	wantErr(t, err, ErrCorrupt, "expected length is 700")
	f, err := ds.RecoverClose(bp, b, 103, 800)
	if err != nil {
		t.Fatal(err)
	}
	if f.State != Finalized || f.GenStamp != 103 {
		t.Fatalf("%v", f)
	}
	if got := readAll(t, ds, Block{ID: 11, GenStamp: 103}); !bytes.Equal(got, append(append([]byte{}, data...), more...)) {
		t.Fatal("content after append differs")
	}
	// recoverAppend of a finalized replica reopens it.
	w3, err := ds.RecoverAppend(bp, Block{ID: 11, GenStamp: 103}, 104, 800)
	if err != nil {
		t.Fatal(err)
	}
	w3.Close()
	_, err = ds.RecoverAppend(bp, Block{ID: 11, GenStamp: 105}, 106, 800)
	wantErr(t, err, ErrReplicaNotFound, "Cannot append to a replica with unexpected generation stamp 104. Expected GS range is [105, 106].")
	_, err = ds.RecoverRBW(bp, Block{ID: 12, GenStamp: 1}, 2, 0, 0)
	wantErr(t, err, ErrReplicaNotFound, "Replica does not exist "+bp+":12")
}

// A replica in rbw/ at startup comes back RWR, with the length its last
// valid checksum vouches for (validateIntegrityAndSetLength).
func TestRestartLoadsRBWAsRWR(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	b := Block{ID: 13, GenStamp: 7}
	w := writeBlock(t, ds, b, pattern(1200, 5), 1200)
	w.Sync()
	w.Close()
	rbw := filepath.Join(roots[0], "current", bp, "current", "rbw", "blk_13")
	f, _ := os.OpenFile(rbw, os.O_WRONLY, 0)
	f.WriteAt([]byte{0xff, 0xfe}, 1100) // corrupt the last chunk
	f.Close()
	os.WriteFile(filepath.Join(roots[0], "current", bp, "tmp", "junk"), []byte("x"), 0o644)
	ds = reopen(t, ds)
	r, _ := ds.Get(bp, 13)
	if r.State != RWR || r.NumBytes != 1024 || r.BytesOnDisk != 1024 {
		t.Fatalf("%v", r)
	}
	if st, _ := os.Stat(rbw); st.Size() != 1024 {
		t.Fatal("data file not cut back", st.Size())
	}
	if exists(filepath.Join(roots[0], "current", bp, "tmp", "junk")) {
		t.Fatal("tmp/ not cleared")
	}
	reps := ds.BlockReports(bp)
	if len(reps[0].UnderConstruction) != 1 || reps[0].UnderConstruction[0].State != RWR {
		t.Fatalf("%+v", reps)
	}
	_, err := ds.RecoverRBW(bp, Block{ID: 13, GenStamp: 7}, 8, 0, 2000)
	wantErr(t, err, ErrReplicaNotFound, "Cannot recover a non-RBW replica ")
	if _, err := ds.OpenRead(bp, Block{ID: 13, GenStamp: 7}); err == nil {
		t.Fatal("RWR replica readable")
	}
}

// Block recovery: initReplicaRecovery makes an RUR, updateReplicaUnderRecovery
// bumps the generation stamp, truncates and finalizes.
func TestBlockRecovery(t *testing.T) {
	ds, _ := openVols(t, 1, nil)
	b := Block{ID: 14, GenStamp: 10}
	w := writeBlock(t, ds, b, pattern(1500, 6), 500)
	info, err := ds.InitReplicaRecovery(bp, b, 12)
	if err != nil {
		t.Fatal(err)
	}
	if info.State != RBW || info.Block != (Block{ID: 14, GenStamp: 10, NumBytes: 1500}) {
		t.Fatalf("%+v", info)
	}
	if err := w.Write(1500, []byte("x"), nil); err == nil {
		t.Fatal("writer survived recovery")
	}
	_, err = ds.InitReplicaRecovery(bp, b, 11)
	wantErr(t, err, ErrRecoveryInProgress, "rur.getRecoveryID() >= recoveryId = 11")
	_, err = ds.InitReplicaRecovery(bp, b, 10)
	wantErr(t, err, nil, "THIS IS NOT SUPPOSED TO HAPPEN: replica.getGenerationStamp() >= recoveryId = 10")
	if info, _ := ds.InitReplicaRecovery(bp, b, 13); info == nil {
		t.Fatal("recovery id not raised")
	}
	reps := ds.BlockReports(bp)
	if uc := reps[0].UnderConstruction; len(uc) != 1 || uc[0].State != RBW {
		t.Fatalf("RUR not reported as its original state: %+v", reps)
	}
	_, err = ds.UpdateReplicaUnderRecovery(bp, Block{ID: 14, GenStamp: 10, NumBytes: 1500}, 12, 14, 1000)
	wantErr(t, err, nil, "rur.getRecoveryID() != recoveryId = 12")
	f, err := ds.UpdateReplicaUnderRecovery(bp, Block{ID: 14, GenStamp: 10, NumBytes: 1500}, 13, 14, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if f.State != Finalized || f.GenStamp != 13 || f.NumBytes != 1000 {
		t.Fatalf("%v", f)
	}
	d, m := ds.Paths(bp, f)
	if n, err := VerifyFiles(OSFS, d, m); err != nil || n != 1000 {
		t.Fatal(n, err)
	}
	if info, err := ds.InitReplicaRecovery(bp, Block{ID: 99, GenStamp: 1}, 2); info != nil || err != nil {
		t.Fatal(info, err)
	}
}

// Truncate recovery of a FINALIZED replica, twice: the replica map holds
// the cut length after each, so the second recovery (whose
// updateReplicaUnderRecovery checks the files against the map) succeeds
// and the replica reads back as its first bytes.
func TestBlockRecoveryTruncatesAFinalizedReplicaTwice(t *testing.T) {
	ds, _ := openVols(t, 1, nil)
	data := pattern(3000, 8)
	b := Block{ID: 17, GenStamp: 10, NumBytes: 3000}
	writeBlock(t, ds, b, data, 1000).Close()
	if _, err := ds.FinalizeBlock(bp, b); err != nil {
		t.Fatal(err)
	}
	for i, cut := range []int64{1000, 488} {
		gs := b.GenStamp + 1
		info, err := ds.InitReplicaRecovery(bp, b, gs)
		if err != nil {
			t.Fatalf("recovery %d: %v", i, err)
		}
		if info.State != Finalized || info.Block != b {
			t.Fatalf("recovery %d: %+v, want %v FINALIZED", i, info, b)
		}
		f, err := ds.UpdateReplicaUnderRecovery(bp, b, gs, b.ID, cut)
		if err != nil {
			t.Fatalf("recovery %d: %v", i, err)
		}
		b = Block{ID: 17, GenStamp: gs, NumBytes: cut}
		if got, ok := ds.Get(bp, 17); !ok || got != f || got.State != Finalized || got.Block() != b || got.BytesOnDisk != cut {
			t.Fatalf("recovery %d: map holds %v, update returned %v, want %v", i, got, f, b)
		}
		if got := readAll(t, ds, b); !bytes.Equal(got, data[:cut]) {
			t.Fatalf("recovery %d: %d bytes read back differ from the first %d written", i, len(got), cut)
		}
	}
}

func TestInvalidate(t *testing.T) {
	ds, _ := openVols(t, 1, nil)
	b := Block{ID: 15, GenStamp: 3, NumBytes: 100}
	writeBlock(t, ds, b, pattern(100, 7), 100).Close()
	f, _ := ds.FinalizeBlock(bp, b)
	d, m := ds.Paths(bp, f)
	err := ds.Invalidate(bp, []Block{{ID: 15, GenStamp: 2}, {ID: 16, GenStamp: 1}})
	wantErr(t, err, ErrReplicaNotFound, "Failed to delete replica "+bp+":blk_15_2: GenerationStamp not matched, existing replica is ")
	wantErr(t, err, ErrReplicaNotFound, "Failed to delete replica "+bp+":blk_16_1: ReplicaInfo not found.")
	if err := ds.Invalidate(bp, []Block{b}); err != nil {
		t.Fatal(err)
	}
	if exists(d) || exists(m) {
		t.Fatal("files left")
	}
	if _, ok := ds.Get(bp, 15); ok {
		t.Fatal("still in the map")
	}
	if used := ds.Volumes()[0].BlockPoolUsed(bp); used != 0 {
		t.Fatal("dfsUsed", used)
	}
	_, err = ds.OpenRead(bp, b)
	wantErr(t, err, ErrReplicaNotFound, "Replica not found for "+bp+":blk_15_3. The block may have been removed recently")
}

// A TEMPORARY replica (re-replication) lives in tmp/, is invisible to
// block reports and readers, and can become RBW or be finalized.
func TestTemporaryReplica(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	b := Block{ID: 16, GenStamp: 4}
	w, err := ds.CreateTemporary(bp, b, CreateOptions{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(0, pattern(600, 1), nil); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(roots[0], "current", bp, "tmp", "blk_16")) {
		t.Fatal("not in tmp/")
	}
	if reps := ds.BlockReports(bp); len(reps[0].Finalized)+len(reps[0].UnderConstruction) != 0 {
		t.Fatalf("%+v", reps)
	}
	if _, err := ds.OpenRead(bp, b); err == nil {
		t.Fatal("temporary replica readable")
	}
	_, err = ds.ConvertTemporaryToRBW(bp, Block{ID: 16, GenStamp: 4, NumBytes: 700})
	wantErr(t, err, nil, "600 = numBytes < visible = 700")
	r, err := ds.ConvertTemporaryToRBW(bp, Block{ID: 16, GenStamp: 4, NumBytes: 600})
	if err != nil || r.State != RBW || r.BytesAcked != 600 {
		t.Fatal(r, err)
	}
	if err := w.Write(600, pattern(100, 2), nil); err != nil {
		t.Fatal("writer lost by the conversion:", err)
	}
	w.Close()
	f, err := ds.FinalizeBlock(bp, b)
	if err != nil || f.NumBytes != 700 {
		t.Fatal(f, err)
	}
	d, m := ds.Paths(bp, f)
	if _, err := VerifyFiles(OSFS, d, m); err != nil {
		t.Fatal(err)
	}
}

// A replica with an unexpired restart marker comes back RBW, one with an
// expired marker RWR; markers are deleted.
func TestRestartMarkers(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	for _, id := range []int64{20, 21} {
		w := writeBlock(t, ds, Block{ID: id, GenStamp: 1}, pattern(700, 1), 700)
		w.Close()
	}
	cur := filepath.Join(roots[0], "current", bp, "current")
	os.WriteFile(RestartMarker(cur, 20), []byte("1795435250000"), 0o644) // testNow + 50 s
	os.WriteFile(RestartMarker(cur, 21), []byte("1795435100000"), 0o644) // expired
	ds = reopen(t, ds)
	r20, _ := ds.Get(bp, 20)
	r21, _ := ds.Get(bp, 21)
	if r20.State != RBW || r20.BytesAcked != 700 || r21.State != RWR {
		t.Fatalf("%v / %v", r20, r21)
	}
	if exists(RestartMarker(cur, 20)) || exists(RestartMarker(cur, 21)) {
		t.Fatal("markers left")
	}
	if _, err := ds.RecoverRBW(bp, Block{ID: 20, GenStamp: 1}, 2, 700, 700); err != nil {
		t.Fatal(err)
	}
}

// A DataNode restarting for an upgrade marks the replicas it was writing
// until a given time; its next start, before then, finds them RBW.
func TestMarkForRestart(t *testing.T) {
	ds, roots := openVols(t, 1, nil)
	w := writeBlock(t, ds, Block{ID: 22, GenStamp: 1}, pattern(900, 1), 900)
	if err := ds.MarkForRestart(bp, 22, testNow.Add(50*time.Second)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	cur := filepath.Join(roots[0], "current", bp, "current")
	if got, _ := os.ReadFile(RestartMarker(cur, 22)); string(got) != "1795435250000" {
		t.Fatalf("marker holds %q, want the time in ms", got)
	}
	if err := ds.MarkForRestart(bp, 23, testNow); !errors.Is(err, ErrReplicaNotFound) {
		t.Errorf("marking a replica that is not being written: %v", err)
	}
	ds = reopen(t, ds)
	if r, _ := ds.Get(bp, 22); r.State != RBW || r.BytesAcked != 900 {
		t.Fatalf("after the restart: %v", r)
	}
}

// A replica's data file is allocated ahead of the writes (up to the
// block size) while it is written, and keeps only what it holds once the
// writer is closed; its size is always the bytes written.
func TestWriterPreallocatesAndGivesBackTheRest(t *testing.T) {
	ds, _ := openVols(t, 1, nil)
	b := Block{ID: 0x40010204, GenStamp: 1001}
	data := pattern(300_000, 3)
	w := writeBlock(t, ds, b, data, 64_512)
	path := w.dataPath
	allocated := func() (size, blocks int64) {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok {
			t.Skip("no block counts on this platform")
		}
		return st.Size(), sys.Blocks * 512
	}
	size, blocks := allocated()
	if size != int64(len(data)) {
		t.Fatalf("size while writing %d, want %d", size, len(data))
	}
	if blocks < 1<<20 {
		t.Skipf("the file system under %s did not preallocate (%d bytes allocated)", path, blocks)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	size, blocks = allocated()
	if size != int64(len(data)) || blocks >= 1<<20 {
		t.Fatalf("after close: size %d, %d bytes allocated; want %d and less than the 1 MiB block", size, blocks, len(data))
	}
	b.NumBytes = int64(len(data))
	if _, err := ds.FinalizeBlock(bp, b); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, ds, b); !bytes.Equal(got, data) {
		t.Fatal("read back differs")
	}
}

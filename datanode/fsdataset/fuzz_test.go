package fsdataset

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

// FuzzDiskDecoders hands arbitrary bytes to every parser of what a
// DataNode reads from its volumes: VERSION files, the dfsUsed cache, the
// .meta header, replica file names and dfs.datanode.data.dir. Each one
// answers or refuses; none panics, and a .meta header it accepts encodes
// back to the same bytes.
func FuzzDiskDecoders(f *testing.F) {
	f.Add(DefaultMetaHeader.Marshal())
	f.Add([]byte("123456 1795435200000\n"))
	f.Add(DNVersion{StorageID: "DS-1", ClusterID: "CID-1", DatanodeUUID: "u", LayoutVersion: -57}.Marshal(testNow))
	f.Add(BPVersion{NamespaceID: 1, BlockPoolID: bp, LayoutVersion: -57}.Marshal(testNow))
	f.Add([]byte("blk_1073741825_1001.meta"))
	f.Add([]byte("[DISK]/a,[SSD]file:///b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseDfsUsed(data, testNow)
		if h, err := ParseMetaHeader(data); err == nil {
			if got := h.Marshal(); !bytes.Equal(got, data[:MetaHeaderLen]) {
				t.Fatalf("header %+v encodes as %x, was read from %x", h, got, data[:MetaHeaderLen])
			}
			h.Chunks(int64(len(data)))
			h.MetaLen(int64(len(data)))
			h.Verify(data, data)
		}
		ParseDNVersion(data, "VERSION")
		ParseBPVersion(data, "VERSION")
		ParseBlockName(string(data))
		ParseMetaName(string(data))
		ParseLocations(string(data))
	})
}

// FuzzReplicaFiles puts arbitrary bytes in a replica's data and .meta
// files, finalized or being written, and starts the dataset on the
// volume. The scan keeps the replica or drops it; reading it, verifying
// it and reopening it for a write then answer or fail with an error.
func FuzzReplicaFiles(f *testing.F) {
	h := DefaultMetaHeader
	good := pattern(1500, 1)
	f.Add(good, h.AppendSums(h.Marshal(), good), false)
	f.Add(good, h.AppendSums(h.Marshal(), good), true)
	f.Add(good[:700], h.Marshal(), true)
	f.Add([]byte{}, []byte{0, 1, 4, 0, 0, 2, 0}, false)
	f.Fuzz(func(t *testing.T, data, meta []byte, rbw bool) {
		ds, _ := openVols(t, 1, nil)
		b := Block{ID: 0x40000100, GenStamp: 1001}
		w := writeBlock(t, ds, b, good, 512)
		dataPath, metaPath := w.dataPath, w.dataPath+"_1001.meta"
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !rbw {
			b.NumBytes = int64(len(good))
			r, err := ds.FinalizeBlock(bp, b)
			if err != nil {
				t.Fatal(err)
			}
			dataPath, metaPath = ds.vols[r.Volume].files(bp, r)
		}
		if err := os.WriteFile(dataPath, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(metaPath, meta, 0o644); err != nil {
			t.Fatal(err)
		}
		ds = reopen(t, ds)
		r, ok := ds.Get(bp, b.ID)
		if !ok {
			return // dropped by the scan
		}
		ds.BlockReports(bp)
		if rd, err := ds.OpenRead(bp, r.Block()); err == nil {
			vis := rd.VisibleLength()
			buf := make([]byte, min(vis, 1<<16))
			if _, err := rd.Data.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
				t.Logf("reading: %v", err)
			}
			rd.Sums(0, rd.Header.Chunks(vis))
			rd.Close()
		}
		if _, err := VerifyFiles(ds.fsys, dataPath, metaPath); err != nil {
			t.Logf("verify: %v", err)
		}
		var aw *Writer
		var err error
		if r.State == Finalized {
			aw, err = ds.Append(bp, r.Block(), r.GenStamp+1, r.NumBytes)
		} else {
			aw, err = ds.RecoverRBW(bp, r.Block(), r.GenStamp+1, 0, r.NumBytes)
		}
		if err == nil {
			if err := aw.Write(aw.BytesOnDisk(), []byte("more"), nil); err != nil {
				t.Logf("write: %v", err)
			}
			aw.Close()
		}
	})
}

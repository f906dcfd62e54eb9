package fsdataset

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// testNS is a namespace for volumes the tests format.
var testNS = NamespaceInfo{NamespaceID: 42, ClusterID: "CID-test", BlockPoolID: "BP-1-127.0.0.1-1000", CTime: 1000}

const bp = "BP-1-127.0.0.1-1000"

// openVols opens a dataset over n fresh volumes under t.TempDir() and adds
// testNS.
func openVols(t *testing.T, n int, mod func(*Config)) (*Dataset, []string) {
	t.Helper()
	dir := t.TempDir()
	cfg := Config{Now: func() time.Time { return testNow }, Chooser: NewRoundRobin(0)}
	var roots []string
	for i := range n {
		root := filepath.Join(dir, "d"+string(rune('1'+i)))
		roots = append(roots, root)
		cfg.Locations = append(cfg.Locations, Location{Type: Disk, Path: root})
	}
	if mod != nil {
		mod(&cfg)
	}
	ds, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Shutdown() })
	if err := ds.AddBlockPool(testNS); err != nil {
		t.Fatal(err)
	}
	return ds, roots
}

// reopen shuts ds down and opens the same configuration again.
func reopen(t *testing.T, ds *Dataset) *Dataset {
	t.Helper()
	if err := ds.Shutdown(); err != nil {
		t.Fatal(err)
	}
	nds, err := Open(ds.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nds.Shutdown() })
	if err := nds.AddBlockPool(testNS); err != nil {
		t.Fatal(err)
	}
	return nds
}

// pattern is n bytes of a block's content.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

// writeBlock creates an RBW replica, writes data in packets of pkt bytes,
// acknowledges it all and returns the open writer.
func writeBlock(t *testing.T, ds *Dataset, b Block, data []byte, pkt int) *Writer {
	t.Helper()
	w, err := ds.CreateRBW(bp, b, CreateOptions{StorageType: Disk, BlockSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; off < len(data); off += pkt {
		end := min(off+pkt, len(data))
		if err := w.Write(int64(off), data[off:end], nil); err != nil {
			t.Fatal(err)
		}
		if err := w.SetAcked(int64(end)); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func readAll(t *testing.T, ds *Dataset, b Block) []byte {
	t.Helper()
	rd, err := ds.OpenRead(bp, b)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	buf := make([]byte, rd.VisibleLength())
	if _, err := rd.Data.ReadAt(buf, 0); err != nil && len(buf) > 0 {
		t.Fatal(err)
	}
	return buf
}

func wantErr(t *testing.T, err, sentinel error, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v %q", sentinel, msg)
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Fatalf("error %v is not %v", err, sentinel)
	}
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Fatalf("error %q does not say %q", err, msg)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func ids(rs []ReportedReplica) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

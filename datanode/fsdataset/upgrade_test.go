package fsdataset

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/internal/golden"
)

// nsOf reads the namespace of an old data dir from its VERSION files.
func nsOf(t *testing.T, data string) NamespaceInfo {
	t.Helper()
	dv, err := os.ReadFile(filepath.Join(data, "current", "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := ParseDNVersion(dv, "VERSION")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := os.ReadDir(filepath.Join(data, "current"))
	for _, n := range names {
		if IsBlockPoolID(n.Name()) {
			p := filepath.Join(data, "current", n.Name(), "current", "VERSION")
			bv, _ := os.ReadFile(p)
			b, err := ParseBPVersion(bv, p)
			if err != nil {
				t.Fatal(err)
			}
			return NamespaceInfo{NamespaceID: b.NamespaceID, ClusterID: v.ClusterID, BlockPoolID: b.BlockPoolID, CTime: b.CTime}
		}
	}
	t.Fatal("no block pool in", data)
	return NamespaceInfo{}
}

// countBlockFiles counts the distinct block ids of the data files under
// dir.
func countBlockFiles(t *testing.T, dir string) int {
	seen := map[int64]bool{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if id, ok := ParseBlockName(info.Name()); ok {
				seen[id] = true
			}
		}
		return nil
	})
	return len(seen)
}

// Layouts -56 (256x256 block-id folders, Hadoop 2.6) and -55 (the old
// subdir tree, Hadoop 2.4) are upgraded as DataStorage.doUpgrade does:
// hard links at the -57 places, the old current/ kept as previous/.
func TestUpgradeOldLayouts(t *testing.T) {
	for _, tc := range []struct {
		tarball string
		oldLV   int32
	}{{"hadoop-56-layout-datanode-dir.tgz", -56}, {"hadoop-24-datanode-dir.tgz", -55}} {
		t.Run(tc.tarball, func(t *testing.T) {
			data := filepath.Join(golden.Extract(t, "hadoop", tc.tarball), "dfs", "data")
			ns := nsOf(t, data)
			want := countBlockFiles(t, filepath.Join(data, "current", ns.BlockPoolID, "current"))
			cfg := Config{Locations: []Location{{Disk, data}}}
			ds, err := Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := ds.AddBlockPool(ns); err != nil {
				t.Fatal(err)
			}
			if got := ds.Len(ns.BlockPoolID); got != want || want == 0 {
				t.Fatalf("%d replicas, %d block files", got, want)
			}
			for _, r := range ds.Replicas(ns.BlockPoolID) {
				d, m := ds.Paths(ns.BlockPoolID, r)
				if r.State == Finalized && !strings.HasSuffix(filepath.Dir(d), IDToBlockDir(r.ID)) {
					t.Errorf("%v at %s", r, d)
				}
				if r.State == Finalized {
					if n, err := VerifyFiles(OSFS, d, m); err != nil || n != r.NumBytes {
						t.Errorf("%v: %d %v", r, n, err)
					}
				}
			}
			if v := ds.Volumes()[0].Version(); v.LayoutVersion != -57 {
				t.Fatalf("%+v", v)
			}
			bpDir := filepath.Join(data, "current", ns.BlockPoolID)
			bv, _ := os.ReadFile(filepath.Join(bpDir, "current", "VERSION"))
			if !strings.Contains(string(bv), "layoutVersion=-57") {
				t.Fatal(string(bv))
			}
			pv, _ := os.ReadFile(filepath.Join(bpDir, "previous", "VERSION"))
			if !strings.Contains(string(pv), "layoutVersion="+itoa(tc.oldLV)) {
				t.Fatal(string(pv))
			}
			if got := countBlockFiles(t, filepath.Join(bpDir, "previous")); got != want {
				t.Fatalf("previous/ holds %d block files", got)
			}
			// A restart loads the upgraded layout as it is.
			ds.Shutdown()
			ds, err = Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer ds.Shutdown()
			if err := ds.AddBlockPool(ns); err != nil || ds.Len(ns.BlockPoolID) != want {
				t.Fatal(err, ds.Len(ns.BlockPoolID))
			}
			if err := ds.FinalizeUpgrade(ns.BlockPoolID); err != nil || exists(filepath.Join(bpDir, "previous")) {
				t.Fatal("finalize", err)
			}
		})
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

// An upgrade a crash interrupted before the new VERSION was written is
// undone at the next start, then done again.
func TestInterruptedUpgradeIsRecovered(t *testing.T) {
	data := filepath.Join(golden.Extract(t, "hadoop", "hadoop-56-layout-datanode-dir.tgz"), "dfs", "data")
	ns := nsOf(t, data)
	bpDir := filepath.Join(data, "current", ns.BlockPoolID)
	if err := os.Rename(filepath.Join(bpDir, "current"), filepath.Join(bpDir, "previous.tmp")); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(bpDir, "current", "finalized"), 0o755)
	ds, err := Open(Config{Locations: []Location{{Disk, data}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Shutdown()
	if err := ds.AddBlockPool(ns); err != nil {
		t.Fatal(err)
	}
	if ds.Len(ns.BlockPoolID) != 4 || exists(filepath.Join(bpDir, "previous.tmp")) || !exists(filepath.Join(bpDir, "previous")) {
		t.Fatal(ds.Len(ns.BlockPoolID))
	}
}

// Layouts hdfsd neither reads nor upgrades are refused naming the
// version.
func TestRefuseUnsupportedLayouts(t *testing.T) {
	for lv, want := range map[string]error{"-19": ErrUnsupportedLayout, "-47": ErrUnsupportedLayout, "-58": ErrIncompatible} {
		data := []byte("#x\nstorageID=DS-1\nclusterID=CID-1\ncTime=0\nstorageType=DATA_NODE\nlayoutVersion=" + lv + "\n")
		_, err := ParseDNVersion(data, "/d/current/VERSION")
		wantErr(t, err, want, "/d/current/VERSION")
		wantErr(t, err, nil, lv)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "current"), 0o755)
	os.WriteFile(filepath.Join(dir, "current", "VERSION"), []byte("namespaceID=1\nstorageID=DS-1\ncTime=0\nstorageType=DATA_NODE\nlayoutVersion=-19\n"), 0o644)
	ds, err := Open(Config{Locations: []Location{{Disk, dir}}, FailedVolumesTolerated: 0})
	if err == nil {
		ds.Shutdown()
		t.Fatal("opened a Hadoop 1 volume")
	}
	wantErr(t, err, ErrDiskError, "Too many failed volumes")
	wantErr(t, err, ErrUnsupportedLayout, "has layout version -19, from before block pools")
}

package fsdataset

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/internal/golden"
)

// The cluster-P namespace of shared/testdata/hadoop-3.3.2: one block pool
// on three Apache Hadoop 3.3.2 DataNodes (layout -57).
var clusterP = NamespaceInfo{NamespaceID: 991908957, ClusterID: "CID-3bfd075e-37a1-4109-aaa6-b10185e776ea",
	BlockPoolID: "BP-1618196460-127.0.0.1-1795431027493", CTime: 1795431027493}

type fsckBlock struct {
	block    Block
	repl     int
	storages []string // DS-... of the holders (first fsck only)
}

type fsckFile struct {
	path   string
	size   int64
	blocks []int64
}

var (
	fsckFileRE  = regexp.MustCompile(`^(/.*) (\d+) bytes, .* (\d+) block\(s\)`)
	fsckBlockRE = regexp.MustCompile(`^\d+\. BP-[^:]+:blk_(-?\d+)_(\d+) len=(\d+) Live_repl=(\d+)(.*)$`)
	storageRE   = regexp.MustCompile(`DS-[0-9a-f-]{36}`)
)

// readListing parses namespace-listing.txt: file MD5s of the NAMESPACE
// section, the files and block locations of the first fsck, and every
// block (snapshots included) of the second.
func readListing(t *testing.T) (md5s map[string]string, files []fsckFile, blocks map[int64]*fsckBlock) {
	t.Helper()
	data, err := os.ReadFile(golden.Path(t, "hadoop-3.3.2", "namespace-listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	md5s, blocks = map[string]string{}, map[int64]*fsckBlock{}
	section := ""
	var cur *fsckFile
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		switch {
		case section == "## NAMESPACE":
			f := strings.Split(line, "\t")
			if len(f) == 14 && f[0] == "f" {
				md5s[f[13]] = f[12]
			}
		case strings.HasPrefix(section, "## hdfs fsck"):
			first := strings.Contains(section, "-locations")
			if m := fsckFileRE.FindStringSubmatch(line); m != nil && first {
				size, _ := strconv.ParseInt(m[2], 10, 64)
				files = append(files, fsckFile{path: m[1], size: size})
				cur = &files[len(files)-1]
				continue
			}
			m := fsckBlockRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			id, _ := strconv.ParseInt(m[1], 10, 64)
			gs, _ := strconv.ParseInt(m[2], 10, 64)
			n, _ := strconv.ParseInt(m[3], 10, 64)
			repl, _ := strconv.Atoi(m[4])
			b := blocks[id]
			if b == nil {
				b = &fsckBlock{block: Block{ID: id, GenStamp: gs, NumBytes: n}, repl: repl}
				blocks[id] = b
			}
			if first {
				b.storages = storageRE.FindAllString(m[5], -1)
				cur.blocks = append(cur.blocks, id)
			}
		}
	}
	return md5s, files, blocks
}

// openClusterP extracts dn-datadirs.tgz and opens the three DataNodes.
func openClusterP(t *testing.T, now time.Time) ([]*Dataset, string) {
	t.Helper()
	root := golden.Extract(t, "hadoop-3.3.2", "dn-datadirs.tgz")
	var dss []*Dataset
	for _, dn := range []string{"dn1", "dn2", "dn3"} {
		ds, err := Open(Config{Locations: []Location{{Disk, filepath.Join(root, dn)}}, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ds.Shutdown() })
		if err := ds.AddBlockPool(clusterP); err != nil {
			t.Fatal(err)
		}
		dss = append(dss, ds)
	}
	return dss, root
}

// Every replica of the three Hadoop 3.3.2 DataNodes is loaded with the id,
// generation stamp and length fsck printed, on the DataNodes fsck named.
func TestHadoop332DataDirsMatchFsck(t *testing.T) {
	_, _, blocks := readListing(t)
	dss, _ := openClusterP(t, time.Now())
	total := 0
	held := map[int64]int{}
	for _, ds := range dss {
		reps := ds.BlockReports(clusterP.BlockPoolID)
		if len(reps) != 1 || len(reps[0].UnderConstruction) != 0 {
			t.Fatalf("%+v", reps)
		}
		sid := reps[0].StorageID
		if !IsValidStorageID(sid) {
			t.Fatal(sid)
		}
		for _, r := range reps[0].Finalized {
			total++
			held[r.ID]++
			fb := blocks[r.ID]
			if fb == nil {
				t.Errorf("%s holds blk_%d, unknown to fsck", sid, r.ID)
				continue
			}
			if fb.block.GenStamp != r.GenStamp || fb.block.NumBytes != r.NumBytes {
				t.Errorf("%s: %+v, fsck says %v len=%d", sid, r, fb.block, fb.block.NumBytes)
			}
			if fb.storages != nil && !strings.Contains(strings.Join(fb.storages, ","), sid) {
				t.Errorf("%s holds %v; fsck places it on %v", sid, fb.block, fb.storages)
			}
		}
	}
	if total != 137 || len(blocks) != 48 {
		t.Fatalf("%d replicas of %d blocks, want 137 of 48", total, len(blocks))
	}
	for id, b := range blocks {
		if held[id] != b.repl {
			t.Errorf("blk_%d on %d DataNodes, fsck says %d", id, held[id], b.repl)
		}
	}
}

// Every replica's data matches the CRC32C checksums of its .meta file.
func TestHadoop332ReplicasMatchTheirChecksums(t *testing.T) {
	dss, _ := openClusterP(t, time.Now())
	for _, ds := range dss {
		for _, r := range ds.Replicas(clusterP.BlockPoolID) {
			data, meta := ds.Paths(clusterP.BlockPoolID, r)
			n, err := VerifyFiles(ds.fsys, data, meta)
			if err != nil || n != r.NumBytes {
				t.Errorf("%v: %d bytes, %v", r, n, err)
			}
			rd, err := ds.OpenRead(clusterP.BlockPoolID, r.Block())
			if err != nil {
				t.Fatal(err)
			}
			if rd.Header != DefaultMetaHeader {
				t.Errorf("%v: header %+v", r, rd.Header)
			}
			if _, ok := rd.Data.(*os.File); !ok {
				t.Errorf("data file is a %T, not an *os.File", rd.Data)
			}
			rd.Close()
		}
	}
}

// Concatenating each file's blocks, read from whichever DataNode holds
// them, gives the MD5 the stock client read back.
func TestHadoop332FilesReassemble(t *testing.T) {
	md5s, files, _ := readListing(t)
	dss, _ := openClusterP(t, time.Now())
	checked := 0
	for _, f := range files {
		want, ok := md5s[f.path]
		if !ok {
			continue
		}
		h := md5.New()
		var n int64
		for _, id := range f.blocks {
			var got []byte
			for _, ds := range dss {
				if r, ok := ds.Get(clusterP.BlockPoolID, id); ok {
					rd, err := ds.OpenRead(clusterP.BlockPoolID, r.Block())
					if err != nil {
						t.Fatal(err)
					}
					got = make([]byte, rd.VisibleLength())
					if _, err := rd.Data.ReadAt(got, 0); err != nil && len(got) > 0 {
						t.Fatal(err)
					}
					rd.Close()
					break
				}
			}
			if got == nil {
				t.Fatalf("%s: blk_%d on no DataNode", f.path, id)
			}
			h.Write(got)
			n += int64(len(got))
		}
		if n != f.size || hex.EncodeToString(h.Sum(nil)) != want {
			t.Errorf("%s: %d bytes, md5 %x; listing says %d bytes, %s", f.path, n, h.Sum(nil), f.size, want)
		}
		checked++
	}
	if checked < 30 {
		t.Fatalf("only %d files checked", checked)
	}
}

// The VERSION files hdfsd writes are byte for byte the ones Hadoop 3.3.2
// on JDK 17 wrote, and a saved dfsUsed younger than 600 s is used.
func TestHadoop332VersionFilesAndDfsUsed(t *testing.T) {
	mtime := time.UnixMilli(1795431291339).UTC()
	dss, root := openClusterP(t, mtime.Add(time.Minute))
	dnv := filepath.Join(root, "dn1", "current", "VERSION")
	orig, _ := os.ReadFile(dnv)
	v, err := ParseDNVersion(orig, dnv)
	if err != nil {
		t.Fatal(err)
	}
	when, _ := time.Parse("Mon Jan 02 15:04:05 MST 2006", "Mon Nov 23 10:50:39 UTC 2026")
	if got := v.Marshal(when); !bytes.Equal(got, orig) {
		t.Errorf("DataNode VERSION:\n%s\nHadoop wrote:\n%s", got, orig)
	}
	bpv := filepath.Join(root, "dn1", "current", clusterP.BlockPoolID, "current", "VERSION")
	orig, _ = os.ReadFile(bpv)
	b, err := ParseBPVersion(orig, bpv)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Marshal(when); !bytes.Equal(got, orig) {
		t.Errorf("block pool VERSION:\n%s\nHadoop wrote:\n%s", got, orig)
	}
	cached, _ := os.ReadFile(filepath.Join(root, "dn1", "current", clusterP.BlockPoolID, "current", "dfsUsed"))
	want, _ := strconv.ParseInt(strings.Fields(string(cached))[0], 10, 64)
	if got := dss[0].Volumes()[0].BlockPoolUsed(clusterP.BlockPoolID); got != want {
		t.Errorf("dfsUsed %d, the cache says %d", got, want)
	}
}

// A volume of another cluster is refused with Hadoop's message.
func TestRefuseVolumeOfAnotherCluster(t *testing.T) {
	root := golden.Extract(t, "hadoop-3.3.2", "dn-datadirs.tgz")
	ds, err := Open(Config{Locations: []Location{{Disk, filepath.Join(root, "dn1")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Shutdown()
	other := clusterP
	other.ClusterID = "CID-other"
	err = ds.AddBlockPool(other)
	wantErr(t, err, ErrIncompatible, "Incompatible clusterIDs in "+filepath.Join(root, "dn1")+
		": namenode clusterID = CID-other; datanode clusterID = CID-3bfd075e-37a1-4109-aaa6-b10185e776ea")
	wantErr(t, err, nil, "All specified directories have failed to load.")
}

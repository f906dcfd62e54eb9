package blocklist

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
)

// blockReports returns every blockReport request a stock DataNode sent on
// one recorded connection.
func blockReports(t *testing.T, path string) []*datanodepb.BlockReportRequestProto {
	t.Helper()
	var out []*datanodepb.BlockReportRequestProto
	for _, c := range rpccapture.Conn(t, path) {
		if c.Method == "blockReport" {
			req := new(datanodepb.BlockReportRequestProto)
			rpccapture.Unmarshal(t, c.Req, req)
			out = append(out, req)
		}
	}
	return out
}

type fsckBlock struct {
	genStamp, length int64
	storages         []string
}

var fsckLine = regexp.MustCompile(`blk_(\d+)_(\d+) len=(\d+)`)
var storageID = regexp.MustCompile(`DS-[0-9a-f-]+`)

// fsckBlocks reads the fsck section of namespace-listing.txt.
func fsckBlocks(t *testing.T) map[int64]fsckBlock {
	t.Helper()
	f, err := os.Open(golden.Path(t, "hadoop-3.3.2", "namespace-listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int64]fsckBlock{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := fsckLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		gs, _ := strconv.ParseInt(m[2], 10, 64)
		n, _ := strconv.ParseInt(m[3], 10, 64)
		out[id] = fsckBlock{genStamp: gs, length: n, storages: storageID.FindAllString(sc.Text(), -1)}
	}
	if len(out) == 0 {
		t.Fatal("no blocks in the fsck section")
	}
	return out
}

// TestRecordedBlockReports decodes every full block report of the b1 and
// b2 captures; the b2 reports (a restart with data) must agree with fsck.
func TestRecordedBlockReports(t *testing.T) {
	fsck := fsckBlocks(t)
	seen := map[string]map[int64]bool{} // storage -> reported block ids
	for _, scenario := range []string{"b1-dn-nn-fresh-cluster", "b2-dn-nn-restart"} {
		dir := golden.Path(t, "hadoop-3.3.2", "captures", scenario)
		files, _ := filepath.Glob(filepath.Join(dir, "*.c2s.bin"))
		if len(files) == 0 {
			t.Fatalf("%s: no captures", scenario)
		}
		for _, file := range files {
			reqs := blockReports(t, file)
			if len(reqs) != 1 {
				t.Fatalf("%s: %d blockReport calls, want 1", filepath.Base(file), len(reqs))
			}
			for _, sr := range reqs[0].GetReports() {
				var num *uint64
				if sr.NumberOfBlocks != nil {
					num = sr.NumberOfBlocks
				}
				rs, err := DecodeReport(num, sr.GetBlocks(), sr.GetBlocksBuffers())
				if err != nil {
					t.Fatalf("%s: %v", filepath.Base(file), err)
				}
				if num != nil {
					n2, bufs := EncodeBuffers(rs)
					if n2 != *num || !slices.EqualFunc(bufs, sr.GetBlocksBuffers(), bytes.Equal) {
						t.Errorf("%s: re-encoding does not give the DataNode's bytes", filepath.Base(file))
					}
				}
				if scenario == "b1-dn-nn-fresh-cluster" {
					if len(rs) != 0 || num == nil {
						t.Fatalf("%s: fresh DataNode reported %d blocks (buffer form %v)", file, len(rs), num != nil)
					}
					continue
				}
				if len(rs) == 0 {
					t.Fatalf("%s: restarted DataNode reported no blocks", file)
				}
				sid := sr.GetStorage().GetStorageUuid()
				if seen[sid] == nil {
					seen[sid] = map[int64]bool{}
				}
				for _, r := range rs {
					seen[sid][r.ID] = true
					if r.State != Finalized {
						t.Errorf("%s: block %d is %v after a clean restart", sid, r.ID, r.State)
					}
					fb, ok := fsck[r.ID]
					if !ok {
						continue // e.g. a replica fsck no longer lists
					}
					if fb.genStamp != r.GenStamp || fb.length != r.NumBytes {
						t.Errorf("%s: blk_%d_%d len=%d, fsck says blk_%d_%d len=%d",
							sid, r.ID, r.GenStamp, r.NumBytes, r.ID, fb.genStamp, fb.length)
					}
				}
			}
		}
	}
	if len(seen) != 3 {
		t.Fatalf("b2 reports came from %d storages, want 3", len(seen))
	}
	for id, fb := range fsck {
		for _, s := range fb.storages {
			if !seen[s][id] {
				t.Errorf("fsck places blk_%d on %s, its block report does not list it", id, s)
			}
		}
	}
}

package namenode

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// sharedTestdata finds shared/testdata above the package (or
func sharedTestdata(t *testing.T, sub ...string) string { return golden.Path(t, sub...) }

func untar(t *testing.T, sub ...string) string { return golden.Extract(t, sub...) }

// filesIn maps each file of dir to its bytes.
func filesIn(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, n.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[n.Name()] = string(data)
	}
	return out
}

// startWith starts a NameNode on c and cfg with opts, serving until the
// test ends or stop.
func startWith(t *testing.T, c *conf.Conf, cfg Config, opts Options) (*testNN, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	opts.Logger = quietLogger()
	d, err := Start(ctx, c, cfg, opts)
	if err != nil {
		cancel()
		return nil, err
	}
	nn := &testNN{t: t, conf: c, cfg: cfg, d: d, cancel: cancel, done: make(chan error, 1),
		client: hadooprpc.NewClient(hadooprpc.ClientConfig{User: cfg.User, Logger: quietLogger()})}
	go func() { nn.done <- d.Run(ctx) }()
	t.Cleanup(nn.stop)
	return nn, nil
}

// entry is one path of a namespace as the client protocol shows it.
type entry struct {
	path, kind                 string // kind: d, f or l
	perm                       uint32
	owner, group               string
	size, blocksize, mtime     uint64
	replication                uint32
	underConstruction, symlink bool
}

// walk lists the namespace under dir depth first, children in name order
// (the order of TestDFSUpgradeFromImage.verifyDir).
func (nn *testNN) walk(dir string) []entry {
	nn.t.Helper()
	var out []entry
	after := []byte{}
	for {
		var resp hdfspb.GetListingResponseProto
		nn.mustCall("getListing", &hdfspb.GetListingRequestProto{Src: proto.String(dir), StartAfter: after,
			NeedLocation: proto.Bool(true)}, &resp)
		list := resp.GetDirList()
		for _, st := range list.GetPartialListing() {
			p := strings.TrimSuffix(dir, "/") + "/" + string(st.GetPath())
			e := entry{path: p, perm: st.GetPermission().GetPerm() & 0o7777, owner: st.GetOwner(), group: st.GetGroup(),
				size: st.GetLength(), blocksize: st.GetBlocksize(), mtime: st.GetModificationTime(),
				replication: st.GetBlockReplication(), underConstruction: st.GetLocations().GetUnderConstruction()}
			switch st.GetFileType() {
			case hdfspb.HdfsFileStatusProto_IS_DIR:
				e.kind = "d"
				out = append(out, e)
				out = append(out, nn.walk(p)...)
			case hdfspb.HdfsFileStatusProto_IS_SYMLINK:
				e.kind = "l"
				out = append(out, e)
			default:
				e.kind = "f"
				out = append(out, e)
			}
			after = st.GetPath()
		}
		if list.GetRemainingEntries() == 0 {
			return out
		}
	}
}

// paths lists the entries' paths.
func paths(es []entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.path)
	}
	return out
}

// reference reads a listing file of TestDFSUpgradeFromImage: "path crc"
// lines (blank lines and # comments skipped), the last one overallCRC.
func reference(t *testing.T, name string) (files []string, overall uint32) {
	t.Helper()
	f, err := os.Open(sharedTestdata(t, "hadoop", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if fields[0] == "overallCRC" {
			v, err := strconv.ParseUint(fields[1], 10, 32)
			if err != nil {
				t.Fatal(err)
			}
			overall = uint32(v)
			continue
		}
		files = append(files, fields[0])
	}
	return files, overall
}

// overallCRC is verifyDir's overall checksum: CRC32 over every path, in
// walk order.
func overallCRC(es []entry) uint32 {
	h := crc32.NewIEEE()
	for _, e := range es {
		h.Write([]byte(e.path))
	}
	return h.Sum32()
}

// upgradeCase is a name directory Hadoop wrote and what its namespace
// holds.
type upgradeCase struct {
	name    string
	tarball []string
	dir     string // the name directory inside
	oldLV   int32
	check   func(t *testing.T, es []entry)
}

var upgradeCases = []upgradeCase{
	{name: "2.5.2 (TestDFSUpgradeFromImage.testPreserveEditLogs)", tarball: []string{"hadoop", "hadoop-252-dfs-dir.tgz"},
		dir: "dfs/name1", oldLV: -57, check: func(t *testing.T, es []entry) {
			// mkdir /input, /input/dir1..5; two files copied in; one
			// moved to /input/dir3/randome_file_3; rmdir /input/dir1.
			want := []string{"/input", "/input/dir2", "/input/dir2/randome_file_2", "/input/dir3",
				"/input/dir3/randome_file_3", "/input/dir4", "/input/dir5"}
			if got := paths(es); !slices.Equal(got, want) {
				t.Errorf("namespace %v\nwant %v", got, want)
			}
		}},
	{name: "2.6 upgraded from 2.2 and not finalized", tarball: []string{"hadoop", "testUpgradeFrom22via26FixesStorageIDs.tgz"},
		dir: "testUpgradeFrom22via26FixesStorageIDs/dfs/name", oldLV: -60,
		check: checkReference("testUpgradeFrom22via26FixesStorageIDs.txt")},
	{name: "2.6", tarball: []string{"hadoop", "testUpgradeFrom26PreservesStorageIDs.tgz"},
		dir: "testUpgradeFrom26PreservesStorageIDs/dfs/name", oldLV: -60,
		check: checkReference("testUpgradeFrom26PreservesStorageIDs.txt")},
	{name: "zero block size (TestFSImage.testZeroBlockSize)", tarball: []string{"hadoop", "image-with-zero-block-size.tar.gz"},
		dir: "image-with-zero-block-size/name", oldLV: -63, check: func(t *testing.T, es []entry) {
			i := slices.IndexFunc(es, func(e entry) bool { return e.path == "/tmp/zeroBlockFile" })
			if i < 0 || es[i].kind != "f" {
				t.Errorf("/tmp/zeroBlockFile missing: %v", es)
			}
		}},
}

// checkReference compares the files with a TestDFSUpgradeFromImage
// listing: the same files in the same order, and the overall CRC of all
// paths (the per-file CRCs are of the data, which DataNodes hold).
func checkReference(name string) func(t *testing.T, es []entry) {
	return func(t *testing.T, es []entry) {
		files, overall := reference(t, name)
		var got []string
		for _, e := range es {
			if e.kind == "f" {
				got = append(got, e.path)
			}
		}
		if !slices.Equal(got, files) {
			t.Errorf("files %v, want %v", got, files)
		}
		if crc := overallCRC(es); crc != overall {
			t.Errorf("overallCRC %d, want %d", crc, overall)
		}
	}
}

// -upgrade on name directories older Hadoop releases wrote, as
// TestDFSUpgradeFromImage and TestFSImage start them: the namespace is
// served at once; current/ then holds the new layout and previous/ the old
// current/ (its in-progress segment finalized, as every start does); a
// regular restart serves the same before and after finalizeUpgrade, which
// removes previous/.
func TestUpgradeFromOlderReleases(t *testing.T) {
	for _, c := range upgradeCases {
		t.Run(c.name, func(t *testing.T) {
			root := untar(t, c.tarball...)
			nameDir := filepath.Join(root, c.dir)
			old := filesIn(t, filepath.Join(nameDir, "current"))
			cfgRoot := t.TempDir()
			cc, cfg := newTestConf(t, cfgRoot, map[string]string{"dfs.namenode.name.dir": nameDir})

			if _, err := startWith(t, cc, cfg, Options{}); !errors.Is(err, storage.ErrUnsupportedLayout) {
				t.Fatalf("regular start on layout %d: %v", c.oldLV, err)
			}
			nn, err := startWith(t, cc, cfg, Options{Upgrade: true, ClusterID: "testClusterId"})
			if err != nil {
				t.Fatalf("-upgrade: %v", err)
			}
			upgraded := nn.walk("/")
			c.check(t, upgraded)
			if finalized := nn.upgradeStatus(); finalized {
				t.Error("upgradeStatus says finalized while previous/ exists")
			}
			nn.stop()
			checkUpgradedDir(t, nameDir, old, c.oldLV)

			nn, err = startWith(t, cc, cfg, Options{})
			if err != nil {
				t.Fatalf("regular start after the upgrade: %v", err)
			}
			if again := nn.walk("/"); !slices.Equal(again, upgraded) {
				t.Errorf("after restart:\n%v\nwant\n%v", again, upgraded)
			}
			nn.mustCall("finalizeUpgrade", &hdfspb.FinalizeUpgradeRequestProto{}, &hdfspb.FinalizeUpgradeResponseProto{})
			if _, err := os.Stat(filepath.Join(nameDir, "previous")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("previous/ after finalizeUpgrade: %v", err)
			}
			if !nn.upgradeStatus() {
				t.Error("upgradeStatus says not finalized after finalizeUpgrade")
			}
			nn.stop()
			nn, err = startWith(t, cc, cfg, Options{})
			if err != nil {
				t.Fatalf("start after finalize: %v", err)
			}
			if again := nn.walk("/"); !slices.Equal(again, upgraded) {
				t.Errorf("after finalize:\n%v\nwant\n%v", again, upgraded)
			}
		})
	}
}

func (nn *testNN) upgradeStatus() bool {
	nn.t.Helper()
	var resp hdfspb.UpgradeStatusResponseProto
	nn.mustCall("upgradeStatus", &hdfspb.UpgradeStatusRequestProto{}, &resp)
	return resp.GetUpgradeFinalized()
}

// checkUpgradedDir: previous/ is the old current/ byte for byte (an
// in-progress segment renamed as finalized, which any start does);
// current/ holds VERSION in layout -67 with the old IDs, a new image, and
// the old segments (hard links, as Hadoop's doPreUpgrade makes).
func checkUpgradedDir(t *testing.T, nameDir string, old map[string]string, oldLV int32) {
	t.Helper()
	prev := filesIn(t, filepath.Join(nameDir, "previous"))
	for name, data := range old {
		got, ok := prev[name]
		if !ok && strings.HasPrefix(name, "edits_inprogress_") {
			first := strings.TrimPrefix(name, "edits_inprogress_")
			for p := range prev {
				if strings.HasPrefix(p, "edits_"+first+"-") {
					name, got, ok = p, prev[p], true
				}
			}
		}
		if !ok || got != data {
			t.Errorf("previous/%s differs from the old current/ (present: %v)", name, ok)
		}
		delete(prev, name)
	}
	if len(prev) != 0 {
		t.Errorf("previous/ has files the old current/ did not: %v", slices.Sorted(maps.Keys(prev)))
	}
	pv, err := storage.ParseVersion([]byte(old["VERSION"]), nameDir)
	if err != nil || pv.LayoutVersion != oldLV {
		t.Fatalf("old VERSION: %+v %v", pv, err)
	}
	v, err := storage.ReadVersion(storage.OSFS, nameDir)
	if err != nil {
		t.Fatal(err)
	}
	if v.LayoutVersion != storage.LayoutVersion || v.NamespaceID != pv.NamespaceID ||
		v.ClusterID != pv.ClusterID || v.BlockPoolID != pv.BlockPoolID || v.CTime == pv.CTime {
		t.Errorf("upgraded VERSION %+v, old %+v", v, pv)
	}
	cur := filesIn(t, filepath.Join(nameDir, "current"))
	for name, data := range filesIn(t, filepath.Join(nameDir, "previous")) {
		if strings.HasPrefix(name, "edits") && cur[name] != data {
			t.Errorf("current/ lacks the old segment %s", name)
		}
	}
}

// The 3.3.2 name directory (cluster P) holds snapshots and a storage-type
// quota; once both load, -upgrade serves what the stock client listed
// before shutdown.
func TestUpgradeFromHadoop332(t *testing.T) {
	root := untar(t, "hadoop-3.3.2", "nn-namedir.tgz")
	nameDir := filepath.Join(root, "nn")
	cc, cfg := newTestConf(t, t.TempDir(), map[string]string{"dfs.namenode.name.dir": nameDir})
	nn, err := startWith(t, cc, cfg, Options{Upgrade: true})
	if err != nil {
		t.Fatalf("-upgrade: %v", err)
	}
	want := namespaceListing(t)
	got := map[string]entry{}
	for _, e := range nn.walk("/") {
		if e.kind != "l" {
			got[e.path] = e
		}
	}
	for p, w := range want {
		g, ok := got[p]
		if p == "/" {
			continue
		}
		if !ok {
			t.Errorf("%s missing", p)
			continue
		}
		if g.underConstruction {
			g.size = w.size // the client adds the length of the block being written
		}
		if g != w {
			t.Errorf("%s:\n got %+v\nwant %+v", p, g, w)
		}
		delete(got, p)
	}
	for p := range got {
		t.Errorf("%s served but not in the listing", p)
	}
	// hdfs dfs -count -q -t /quota: DISK quota 52428800, all of it left
	// (no storage policy is in effect there).
	var qu hdfspb.GetQuotaUsageResponseProto
	nn.mustCall("getQuotaUsage", &hdfspb.GetQuotaUsageRequestProto{Path: proto.String("/quota")}, &qu)
	for _, info := range qu.GetUsage().GetTypeQuotaInfos().GetTypeQuotaInfo() {
		want := uint64(1<<64 - 1)
		if info.GetType() == hdfspb.StorageTypeProto_DISK {
			want = 52428800
		}
		if info.GetQuota() != want || info.GetConsumed() != 0 {
			t.Errorf("/quota %v quota %d consumed %d", info.GetType(), info.GetQuota(), info.GetConsumed())
		}
	}
	if n := len(qu.GetUsage().GetTypeQuotaInfos().GetTypeQuotaInfo()); n != 5 {
		t.Errorf("/quota has %d storage type entries, want 5", n)
	}
}

// namespaceListing reads the NAMESPACE rows of cluster P's listing.
func namespaceListing(t *testing.T) map[string]entry {
	t.Helper()
	data, err := os.ReadFile(sharedTestdata(t, "hadoop-3.3.2", "namespace-listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]entry{}
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case line == "## NAMESPACE":
			in = true
			continue
		case strings.HasPrefix(line, "##"):
			in = false
		}
		f := strings.Split(line, "\t")
		if !in || len(f) != 14 || f[0] == "type" {
			continue
		}
		num := func(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }
		perm, _ := strconv.ParseUint(f[1], 8, 32)
		e := entry{path: f[13], kind: f[0], perm: uint32(perm), owner: f[4], group: f[5], size: num(f[6]),
			replication: uint32(num(f[7])), blocksize: num(f[8]), mtime: num(f[9])}
		out[e.path] = e
	}
	if len(out) < 50 {
		t.Fatalf("read only %d rows of the listing", len(out))
	}
	return out
}

// An upgrade within this layout (which Hadoop 3.4 can roll back):
// -rollback restores the old current/ byte for byte, and the NameNode
// then starts on the namespace from before the upgrade.
func TestRollbackRestoresCurrentByteForByte(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/before")
	nn.touch("/before/f")
	nn.stop()
	nameDir := filepath.Join(root, "name")
	old := filesIn(t, filepath.Join(nameDir, "current"))

	nn, err := startWith(t, c, cfg, Options{Upgrade: true})
	if err != nil {
		t.Fatal(err)
	}
	nn.mkdirs("/after")
	nn.stop()

	var stderr bytes.Buffer
	err = Rollback(cfg, RollbackOptions{Confirm: func(string) bool { return false }, Stderr: &stderr, Logger: quietLogger()})
	if !errors.Is(err, ErrRollbackAborted) || !strings.HasSuffix(stderr.String(), "Rollback aborted.\n") {
		t.Fatalf("unconfirmed rollback: %v %q", err, stderr.String())
	}
	if err := Rollback(cfg, RollbackOptions{Logger: quietLogger()}); err != nil {
		t.Fatal(err)
	}
	if got := filesIn(t, filepath.Join(nameDir, "current")); !maps.Equal(got, old) {
		t.Errorf("current/ after rollback: %v\nwant %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(old)))
	}
	if _, err := os.Stat(filepath.Join(nameDir, "previous")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("previous/ after rollback: %v", err)
	}
	nn = startNN(t, c, cfg)
	if nn.stat("/before/f") == nil || nn.stat("/after") != nil {
		t.Error("the rolled-back namespace is not the one from before the upgrade")
	}
}

// Rolling back to an older layout is the older release's job: Hadoop
// 3.4 refuses, and the directories are left as they are.
func TestRollbackToOlderLayoutRefused(t *testing.T) {
	root := untar(t, "hadoop", "testUpgradeFrom26PreservesStorageIDs.tgz")
	nameDir := filepath.Join(root, "testUpgradeFrom26PreservesStorageIDs/dfs/name")
	cc, cfg := newTestConf(t, t.TempDir(), map[string]string{"dfs.namenode.name.dir": nameDir})
	nn, err := startWith(t, cc, cfg, Options{Upgrade: true})
	if err != nil {
		t.Fatal(err)
	}
	nn.stop()
	prev := filesIn(t, filepath.Join(nameDir, "previous"))
	err = Rollback(cfg, RollbackOptions{Logger: quietLogger()})
	want := "Cannot rollback to storage version -60 using this version of the NameNode, which uses storage version -67. " +
		"Please use the previous version of HDFS to perform the rollback."
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("rollback: %v", err)
	}
	if got := filesIn(t, filepath.Join(nameDir, "previous")); !maps.Equal(got, prev) {
		t.Error("a refused rollback changed previous/")
	}
	if _, err := startWith(t, cc, cfg, Options{Upgrade: true}); err == nil ||
		!strings.Contains(err.Error(), "previous fs state should not exist during upgrade. Finalize or rollback first.") {
		t.Errorf("second -upgrade: %v", err)
	}
}

// finalizeUpgrade needs the superuser, as FSNamesystem.finalizeUpgrade
// checks first.
func TestFinalizeUpgradeNeedsSuperuser(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	other := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "mallory", Logger: quietLogger()})
	defer other.Close()
	err := other.Call(context.Background(), nn.d.RPCAddr(), clientProtocol, "finalizeUpgrade",
		&hdfspb.FinalizeUpgradeRequestProto{}, &hdfspb.FinalizeUpgradeResponseProto{})
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || !strings.Contains(re.Message, "Superuser privilege is required for operation finalizeUpgrade") {
		t.Errorf("finalizeUpgrade as mallory: %v", err)
	}
	if !nn.upgradeStatus() {
		t.Error("a freshly formatted namespace is not finalized")
	}
	nn.mustCall("finalizeUpgrade", &hdfspb.FinalizeUpgradeRequestProto{}, &hdfspb.FinalizeUpgradeResponseProto{})
}

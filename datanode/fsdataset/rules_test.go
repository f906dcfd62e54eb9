package fsdataset

import (
	"bytes"
	"slices"
	"testing"
)

func TestBlockFileNames(t *testing.T) {
	if got := BlockName(1073741825); got != "blk_1073741825" {
		t.Fatal(got)
	}
	if got := MetaName(-5264, 1001); got != "blk_-5264_1001.meta" {
		t.Fatal(got)
	}
	for name, want := range map[string]int64{"blk_1073741825": 1073741825, "blk_-5264": -5264} {
		if id, ok := ParseBlockName(name); !ok || id != want {
			t.Errorf("ParseBlockName(%q) = %d, %v", name, id, ok)
		}
	}
	for _, bad := range []string{"blk_", "blk_1_2", "blk_x", "blk_1.meta", "blk_+1", "dfsUsed"} {
		if _, ok := ParseBlockName(bad); ok {
			t.Errorf("ParseBlockName(%q) accepted", bad)
		}
	}
	if id, gs, ok := ParseMetaName("blk_-5264_1001.meta"); !ok || id != -5264 || gs != 1001 {
		t.Fatal(id, gs, ok)
	}
	for _, bad := range []string{"blk_1.meta", "blk_1_x.meta", "blk_1_2", "blk__2.meta"} {
		if _, _, ok := ParseMetaName(bad); ok {
			t.Errorf("ParseMetaName(%q) accepted", bad)
		}
	}
}

// DatanodeUtil.idToBlockDir: 32x32 folders from bits 16-20 and 8-12.
func TestIDToBlockDirIs32x32(t *testing.T) {
	for id, want := range map[int64]string{
		1073741825:  "subdir0/subdir0",
		0x401F1F00:  "subdir31/subdir31",
		0x40200000:  "subdir0/subdir0",
		0x40010100:  "subdir1/subdir1",
		-5264442200: IDToBlockDir(-5264442200),
	} {
		if got := IDToBlockDir(id); got != want {
			t.Errorf("IDToBlockDir(%#x) = %s, want %s", id, got, want)
		}
	}
	if !IsBlockPoolID("BP-1618196460-127.0.0.1-1795431027493") || IsBlockPoolID("BP-1-localhost-2") {
		t.Fatal("block pool pattern")
	}
}

func TestMetaHeaderRoundTripAndTruncation(t *testing.T) {
	h := DefaultMetaHeader
	b := h.Marshal()
	if !bytes.Equal(b, []byte{0, 1, 2, 0, 0, 2, 0}) {
		t.Fatalf("% x", b)
	}
	got, err := ParseMetaHeader(b)
	if err != nil || got != h {
		t.Fatal(got, err)
	}
	for i := range b {
		if _, err := ParseMetaHeader(b[:i]); err == nil {
			t.Fatalf("truncated header of %d bytes accepted", i)
		}
	}
	if _, err := ParseMetaHeader([]byte{0, 1, 9, 0, 0, 2, 0}); err == nil {
		t.Fatal("unknown checksum type accepted")
	}
	data := pattern(1500, 3)
	sums := h.AppendSums(nil, data)
	if len(sums) != 12 || h.MetaLen(1500) != 19 {
		t.Fatal(len(sums), h.MetaLen(1500))
	}
	if h.Verify(data, sums) != -1 {
		t.Fatal("verify")
	}
	data[1100]++
	if off := h.Verify(data, sums); off != 1024 {
		t.Fatal(off)
	}
}

func TestParseLocationTags(t *testing.T) {
	locs, err := ParseLocations("[SSD]/a, /b,[archive]file:///c,[RAM_DISK]/d ,")
	if err != nil {
		t.Fatal(err)
	}
	want := []Location{{SSD, "/a"}, {Disk, "/b"}, {Archive, "/c"}, {RAMDisk, "/d"}}
	if len(locs) != len(want) {
		t.Fatal(locs)
	}
	for i := range want {
		if locs[i] != want[i] {
			t.Errorf("%d: %v, want %v", i, locs[i], want[i])
		}
	}
	if _, err := ParseLocation("[FLOPPY]/x"); err == nil {
		t.Fatal("unknown type accepted")
	}
}

func TestDfsUsedValidFor600s(t *testing.T) {
	data := FormatDfsUsed(24832946, testNow)
	if string(data) != "24832946 1795435200000" {
		t.Fatal(string(data))
	}
	if n, ok := ParseDfsUsed(data, testNow.Add(599*1e9)); !ok || n != 24832946 {
		t.Fatal(n, ok)
	}
	if _, ok := ParseDfsUsed(data, testNow.Add(600*1e9)); ok {
		t.Fatal("stale dfsUsed used")
	}
	if _, ok := ParseDfsUsed([]byte("12"), testNow); ok {
		t.Fatal("no mtime accepted")
	}
}

// BlockPoolSlice.selectReplicaToDelete.
func TestResolveDuplicateReplicas(t *testing.T) {
	a := Replica{ID: 1, GenStamp: 5, NumBytes: 10}
	b := Replica{ID: 1, GenStamp: 6, NumBytes: 1}
	if SelectReplicaToDelete(a, b, Disk, Disk, false) != 1 {
		t.Fatal("older genstamp kept")
	}
	b.GenStamp = 5
	if SelectReplicaToDelete(a, b, Disk, Disk, false) != 2 {
		t.Fatal("shorter kept")
	}
	b.NumBytes = 10
	if SelectReplicaToDelete(a, b, RAMDisk, Disk, false) != 1 {
		t.Fatal("RAM_DISK copy kept")
	}
	if SelectReplicaToDelete(a, b, Disk, Disk, false) != 2 {
		t.Fatal("first not kept on a tie")
	}
	if SelectReplicaToDelete(a, b, Disk, Disk, true) != 0 {
		t.Fatal("same files deleted")
	}
}

func TestRoundRobinSkipsFullVolumes(t *testing.T) {
	rr := NewRoundRobin(100)
	avail := []int64{1000, 50, 1000}
	var got []int
	for range 4 {
		i, err := rr.Choose(Disk, avail, 500)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, i)
	}
	if want := []int{0, 2, 0, 2}; !slices.Equal(got, want) {
		t.Fatal(got)
	}
	_, err := rr.Choose(Disk, []int64{10, 20}, 500)
	wantErr(t, err, ErrDiskOutOfSpace, "Out of space: The volume with the most available space (=20 B) is less than the block size (=500 B).")
	_, err = rr.Choose(Disk, nil, 1)
	wantErr(t, err, ErrDiskOutOfSpace, "No more available volumes")
	if JavaClass(err) != "org.apache.hadoop.util.DiskChecker$DiskOutOfSpaceException" {
		t.Fatal(JavaClass(err))
	}
}

// Each storage type has its own turn: writing to an SSD does not move
// the next DISK volume on.
func TestRoundRobinTurnPerStorageType(t *testing.T) {
	rr := NewRoundRobin(0)
	avail := []int64{1000, 1000, 1000}
	pick := func(st StorageType) int {
		i, err := rr.Choose(st, avail, 10)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	got := []int{pick(Disk), pick(SSD), pick(SSD), pick(Disk), pick(Archive), pick(Disk)}
	if want := []int{0, 0, 1, 1, 0, 2}; !slices.Equal(got, want) {
		t.Fatal(got)
	}
	// A volume lost since the last turn: the turn starts over.
	if i, _ := rr.Choose(Disk, avail[:1], 10); i != 0 {
		t.Fatal(i)
	}
}

// share picks n times and returns how often each volume was chosen.
func share(t *testing.T, c VolumeChooser, avail []int64, blockSize int64, n int) []int {
	t.Helper()
	counts := make([]int, len(avail))
	for range n {
		i, err := c.Choose(Disk, avail, blockSize)
		if err != nil {
			t.Fatal(err)
		}
		counts[i]++
	}
	return counts
}

// AvailableSpaceVolumeChoosingPolicy: volumes whose free space differs by
// no more than the threshold are taken in turn.
func TestAvailableSpaceBalancedIsRoundRobin(t *testing.T) {
	p := NewAvailableSpace(1)
	p.Threshold = 1 << 30
	// Exactly the threshold apart still counts as balanced.
	if got := share(t, p, []int64{1 << 30, 2 << 30, 2 << 30}, 1<<20, 300); !slices.Equal(got, []int{100, 100, 100}) {
		t.Fatal(got)
	}
}

// Imbalanced volumes: the emptier group gets the preference fraction of
// the picks, weighted by the groups' sizes, and round robin inside it.
func TestAvailableSpacePrefersEmptierVolumes(t *testing.T) {
	const n = 20000
	within := func(got, want int) bool { return got > want-n/50 && got < want+n/50 }

	p := NewAvailableSpace(1)
	got := share(t, p, []int64{100 << 30, 1 << 30}, 1<<20, n)
	if !within(got[0], n*3/4) {
		t.Fatalf("one emptier of two volumes: chosen %d of %d, want 3/4", got[0], n)
	}

	// Two emptier volumes, one fuller, fraction 0.75: the emptier pair
	// gets 1.5 / (1.5 + 0.25) = 6/7 of the picks, split evenly.
	p = NewAvailableSpace(2)
	got = share(t, p, []int64{100 << 30, 1 << 30, 90 << 30}, 1<<20, n)
	if !within(got[0]+got[2], n*6/7) || got[0]-got[2] > 1 || got[2]-got[0] > 1 {
		t.Fatalf("two emptier of three volumes: %v, want 6/7 to the first and last", got)
	}

	// A fraction under one half favours the fuller volumes.
	p = NewAvailableSpace(3)
	p.Preference = 0.25
	got = share(t, p, []int64{100 << 30, 1 << 30}, 1<<20, n)
	if !within(got[1], n*3/4) {
		t.Fatalf("fraction 0.25: fuller volume chosen %d of %d, want 3/4", got[1], n)
	}
}

// When no fuller volume can take the block, the emptier ones are always
// chosen, and the low group's round robin never sees it.
func TestAvailableSpaceSkipsLowGroupWithoutRoom(t *testing.T) {
	p := NewAvailableSpace(4)
	p.Preference = 0 // would always pick the fuller volumes
	p.Threshold = 1 << 20
	got := share(t, p, []int64{64 << 20, 1 << 20, 100 << 20}, 2<<20, 100)
	if !slices.Equal(got, []int{50, 0, 50}) {
		t.Fatal(got)
	}
	p.Threshold = 10 << 30
	_, err := p.Choose(Disk, []int64{1 << 20, 2 << 20}, 4<<20)
	wantErr(t, err, ErrDiskOutOfSpace, "Out of space")
	_, err = p.Choose(Disk, nil, 1)
	wantErr(t, err, ErrDiskOutOfSpace, "No more available volumes")
}

// dfs.datanode.fsdataset.volume.choosing.policy names a class; only
// Hadoop's two policies exist.
func TestNewChooserByClassName(t *testing.T) {
	c, err := NewChooser(ChooserConfig{Additional: 5})
	if rr, ok := c.(*RoundRobin); err != nil || !ok || rr.additional != 5 {
		t.Fatalf("default: %T %v", c, err)
	}
	c, err = NewChooser(ChooserConfig{Policy: AvailableSpacePolicyClass, Threshold: 7, Preference: 0.6})
	if as, ok := c.(*AvailableSpace); err != nil || !ok || as.Threshold != 7 || as.Preference != 0.6 {
		t.Fatalf("available space: %T %v", c, err)
	}
	_, err = NewChooser(ChooserConfig{Policy: "com.example.MyPolicy"})
	wantErr(t, err, ErrInvalid, "class com.example.MyPolicy not found")
}

// A dataset with the available-space policy fills its emptier volume
// first.
func TestDatasetUsesAvailableSpacePolicy(t *testing.T) {
	p := NewAvailableSpace(5)
	p.Preference = 1
	ds, ffs, roots := faultVols(t, 2, 0)
	ds.cfg.Chooser = p
	ffs.SetUsage(roots[0], Usage{Capacity: 100 << 30, Used: 90 << 30, Available: 10 << 30})
	ffs.SetUsage(roots[1], Usage{Capacity: 100 << 30, Used: 10 << 30, Available: 90 << 30})
	for i := range 4 {
		w, err := ds.CreateRBW(bp, Block{ID: int64(600 + i), GenStamp: 1}, CreateOptions{BlockSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if w.Volume().Root != roots[1] {
			t.Fatalf("block %d on the fuller volume", i)
		}
		w.Close()
	}
}

// FsDatasetImpl's dfs.datanode.failed.volumes.tolerated rules.
func TestFailedVolumesTolerated(t *testing.T) {
	wantErr(t, ValidateFailedVolumesTolerated(3, 3), ErrInvalid,
		"Invalid value configured for dfs.datanode.failed.volumes.tolerated - 3. Value configured is either less than maxVolumeFailureLimit or greater than to the number of configured volumes (3).")
	wantErr(t, ValidateFailedVolumesTolerated(-2, 3), ErrInvalid, "")
	if ValidateFailedVolumesTolerated(-1, 3) != nil || ValidateFailedVolumesTolerated(2, 3) != nil {
		t.Fatal("valid values refused")
	}
	wantErr(t, CheckVolumeFailures(3, 2, 1), ErrDiskError,
		"Too many failed volumes - current valid volumes: 1, volumes configured: 3, volumes failed: 2, volume failures tolerated: 1")
	if CheckVolumeFailures(3, 2, -1) != nil || CheckVolumeFailures(3, 1, 1) != nil {
		t.Fatal("tolerated failures refused")
	}
	wantErr(t, CheckVolumeFailures(3, 3, -1), ErrDiskError, "")
}

func TestDiffReplicas(t *testing.T) {
	mem := []Replica{
		{ID: 1, GenStamp: 1, NumBytes: 10, State: Finalized},
		{ID: 2, GenStamp: 1, NumBytes: 10, State: Finalized},
		{ID: 3, GenStamp: 1, NumBytes: 10, State: Finalized},
		{ID: 4, GenStamp: 1, NumBytes: 10, State: Finalized},
		{ID: 5, GenStamp: 1, NumBytes: 10, State: RBW},
		{ID: 7, GenStamp: 1, NumBytes: 10, State: Finalized},
	}
	disk := []DiskReplica{
		{Replica: Replica{ID: 2, GenStamp: 2, NumBytes: 10}, Data: "d2", Meta: "m2"},
		{Replica: Replica{ID: 3, GenStamp: 1, NumBytes: 9}, Data: "d3", Meta: "m3"},
		{Replica: Replica{ID: 4, GenStamp: 1, NumBytes: 10}, Data: "d4", Meta: "m4"},
		{Replica: Replica{ID: 6, GenStamp: 1, NumBytes: 10}, Data: "d6", Meta: "m6"},
		{Replica: Replica{ID: 7, GenStamp: 1, NumBytes: 10}, Data: "d7"},
	}
	got := DiffReplicas(mem, disk)
	want := []struct {
		id   int64
		kind DiffKind
	}{{1, MissingOnDisk}, {2, GenStampMismatch}, {3, LengthMismatch}, {6, MissingInMemory}, {7, MissingMeta}}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].Kind != w.kind {
			t.Errorf("%d: %d %v, want %d %v", i, got[i].ID, got[i].Kind, w.id, w.kind)
		}
	}
}

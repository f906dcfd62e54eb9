package fsck

import (
	"bytes"
	"errors"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/internal/javafmt"
)

func TestJavaFloatFormatsAsFloatToString(t *testing.T) {
	for _, tc := range []struct {
		f    float32
		want string
	}{
		{0, "0.0"}, {100, "100.0"}, {2, "2.0"}, {float32(122) / 43, "2.8372092"},
		{float32(194) / 67, "2.8955224"}, {float32(100) / 7, "14.285714"}, {0.5, "0.5"},
		{1e7, "1.0E7"}, {1.5e-4, "1.5E-4"}, {0.001, "0.001"}, {float32(math.NaN()), "NaN"},
		{float32(math.Inf(1)), "Infinity"}, {123456.7, "123456.7"},
	} {
		if got := javaFloat(tc.f); got != tc.want {
			t.Errorf("javaFloat(%v) = %s, want %s", tc.f, got, tc.want)
		}
	}
}

func TestJavaDateAndAddress(t *testing.T) {
	d := time.Date(2026, 11, 3, 9, 4, 5, 0, time.UTC)
	if got := javafmt.Date(d); got != "Tue Nov 03 09:04:05 UTC 2026" {
		t.Errorf("javaDate = %q", got)
	}
	if got := javafmt.Date(d.In(time.FixedZone("", 5*3600+1800))); got != "Tue Nov 03 14:34:05 GMT+05:30 2026" {
		t.Errorf("javaDate in an unnamed zone = %q", got)
	}
	if got := JavaAddress(net.ParseIP("::1")); got != "/0:0:0:0:0:0:0:1" {
		t.Errorf("JavaAddress(::1) = %q", got)
	}
	if got := remoteAddress("127.0.0.1:5555"); got != "/127.0.0.1" {
		t.Errorf("remoteAddress = %q", got)
	}
}

func TestParseQueryBlockIDsSplitAsJava(t *testing.T) {
	for in, want := range map[string][]string{
		"blk_1 blk_2 ": {"blk_1", "blk_2"},
		"blk_1  blk_2": {"blk_1", "", "blk_2"},
		"":             {""},
		"   ":          {},
	} {
		o := ParseQuery(url.Values{"blockId": {in}})
		if strings.Join(o.BlockIDs, "|") != strings.Join(want, "|") || len(o.BlockIDs) != len(want) {
			t.Errorf("%q: %q, want %q", in, o.BlockIDs, want)
		}
	}
	if o := ParseQuery(url.Values{}); o.Path != "/" || o.BlockIDs != nil {
		t.Errorf("defaults: %+v", o)
	}
}

// small is a namespace of one directory /d whose files each have one
// block, for the status rules.
func small(blocks map[string]Block, repl int) *fakeSource {
	f := newFakeSource(Cluster{BlockPoolID: "BP-1", LiveDataNodes: 3, Racks: 2, NonEmptyRacks: 2,
		EverMultiRack: true, DefaultReplication: 3, MinReplication: 1})
	f.add("/", Inode{Kind: Dir})
	f.add("/d", Inode{Kind: Dir})
	for name, b := range blocks {
		f.add("/d/"+name, Inode{Kind: File, Length: b.Len, Replication: repl, StoragePolicy: "HOT"})
		f.setBlocks("/d/"+name, FileBlocks{Blocks: []Block{b}})
	}
	return f
}

func rep(port int, rack string) Replica {
	return Replica{Node: DataNode{IP: "10.0.0.1", XferPort: port, HostName: "h" + string(rune('0'+port%10)), Rack: rack},
		StorageID: "DS-" + string(rune('0'+port%10)), StorageType: "DISK"}
}

func runQuery(t *testing.T, src Source, query string) string {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := Run(&out, src, ParseQuery(q), Request{User: "hdfs", Remote: "/10.0.0.9", Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("report lacks %q:\n%s", l, out)
		}
	}
}

func TestUnderReplicatedAndMisplacedBlocksAreNamed(t *testing.T) {
	f := small(map[string]Block{"u": {ID: 7, GenStamp: 8, Len: 5, Replicas: []Replica{rep(1, "/r1"), rep(2, "/r1")}}}, 3)
	out := runQuery(t, f, "files=1&blocks=1&racks=1&path=/d")
	wantLines(t, out,
		"/d/u 5 bytes, replicated: replication=3, 1 block(s):  Under replicated BP-1:blk_7_8. Target Replicas is 3 but found 2 live replica(s), 0 decommissioned replica(s), 0 decommissioning replica(s).\n"+
			" Replica placement policy is violated for BP-1:blk_7_8. Block should be additionally replicated on 1 more rack(s). Total number of racks in the cluster: 2\n"+
			"0. BP-1:blk_7_8 len=5 Live_repl=2  [/r1/10.0.0.1:1, /r1/10.0.0.1:2]\n\n",
		"Status: HEALTHY\n",
		" Under-replicated blocks:\t1 (100.0 %)\n Mis-replicated blocks:\t\t1 (100.0 %)\n",
		" Average block replication:\t2.0\n Missing blocks:\t\t0\n Corrupt blocks:\t\t0\n Missing replicas:\t\t1 (33.333332 %)\n")
	// Without -files the problems go on lines of their own.
	out = runQuery(t, f, "path=/d")
	wantLines(t, out, "\n\n/d/u:  Under replicated BP-1:blk_7_8.", "/d/u:  Replica placement policy is violated")
}

func TestCorruptAndMissingBlocksMakeTheFilesystemCorrupt(t *testing.T) {
	bad := rep(1, "/r1")
	bad.Corrupt = true
	f := small(map[string]Block{
		"c": {ID: 1, GenStamp: 1, Len: 10, Replicas: []Replica{bad}},
		"m": {ID: 2, GenStamp: 2, Len: 20},
	}, 1)
	f.cluster.EverMultiRack = false // else the missing block is also mis-replicated (no racks at all)
	out := runQuery(t, f, "files=1&blocks=1&replicadetails=1&path=/")
	wantLines(t, out,
		"/d/c 10 bytes, replicated: replication=1, 1 block(s): \n/d/c: CORRUPT blockpool BP-1 block blk_1\n CORRUPT 1 blocks of total size 10 B\n0. BP-1:blk_1_1 len=10 Live_repl=0  [DatanodeInfoWithStorage[10.0.0.1:1,DS-1,DISK](CORRUPT)]\n",
		"/d/m 20 bytes, replicated: replication=1, 1 block(s):  MISSING 1 blocks of total size 20 B\n0. BP-1:blk_2_2 len=20 MISSING!\n",
		"Status: CORRUPT\n",
		"  ********************************\n  UNDER MIN REPL'D BLOCKS:\t2 (100.0 %)\n  MINIMAL BLOCK REPLICATION:\t1\n  CORRUPT FILES:\t2\n  MISSING BLOCKS:\t1\n  MISSING SIZE:\t\t20 B\n  CORRUPT BLOCKS: \t1\n  CORRUPT SIZE:\t\t10 B\n  ********************************\n",
		"\n\nThe filesystem under path '/' is CORRUPT")
	if !strings.HasSuffix(out, "is CORRUPT") {
		t.Errorf("the last line must be the status, without a newline")
	}
}

func TestOpenFilesAreCountedApartUnlessOpenForWrite(t *testing.T) {
	f := small(nil, 3)
	uc := Block{ID: 9, GenStamp: 3, Len: 0, Replicas: []Replica{rep(1, "/r1"), rep(2, "/r2")}}
	f.add("/d/open", Inode{Kind: File, Length: 100, Replication: 3})
	f.setBlocks("/d/open", FileBlocks{UnderConstruction: true, UCLast: &uc})
	out := runQuery(t, f, "files=1&blocks=1&path=/d")
	wantLines(t, out, " Total size:\t0 B (Total open files size: 100 B)\n Total files:\t0 (Files currently being written: 1)\n")
	if strings.Contains(out, "/d/open") {
		t.Errorf("open file listed without -openforwrite:\n%s", out)
	}
	out = runQuery(t, f, "files=1&blocks=1&locations=1&openforwrite=1&path=/d")
	wantLines(t, out, "/d/open 100 bytes, replicated: replication=3, 0 block(s), OPENFORWRITE:  OK\n\n"+
		"Under Construction Block:\n0. BP-1:blk_9_3 len=0 Expected_repl=2  [DatanodeInfoWithStorage[10.0.0.1:1,DS-1,DISK], DatanodeInfoWithStorage[10.0.0.1:2,DS-2,DISK]]\n")
}

func TestStoragePolicySummary(t *testing.T) {
	ssd := rep(2, "/r2")
	ssd.StorageType = "SSD"
	f := small(map[string]Block{
		"a": {ID: 1, GenStamp: 1, Len: 1, Replicas: []Replica{rep(1, "/r1"), rep(3, "/r2")}},
		"b": {ID: 2, GenStamp: 1, Len: 1, Replicas: []Replica{rep(1, "/r1"), rep(3, "/r2")}},
		"c": {ID: 3, GenStamp: 1, Len: 1, Replicas: []Replica{rep(1, "/r1"), ssd}},
	}, 2)
	out := runQuery(t, f, "storagepolicies=1&path=/")
	wantLines(t, out, "Blocks queued for replication:\t0\n\n"+
		"Blocks satisfying the specified storage policy:\nStorage Policy                  # of blocks       % of blocks\n"+
		"DISK:2(HOT)                        2              66.6667%\n\n"+
		"Blocks NOT satisfying the specified storage policy:\nStorage Policy                  Specified Storage Policy      # of blocks       % of blocks\n"+
		"SSD:1,DISK:1(ONE_SSD)               HOT                           1              33.3333%\n"+
		"FSCK ended at ")
}

func TestShowProgressWarnsBeforeTheHeaderAndDotsMarkHundredFiles(t *testing.T) {
	blocks := map[string]Block{}
	for i := 0; i < 100; i++ {
		blocks["f"+string(rune('A'+i/26))+string(rune('a'+i%26))] = Block{ID: int64(i + 1), GenStamp: 1, Len: 1,
			Replicas: []Replica{rep(1, "/r1"), rep(2, "/r2"), rep(3, "/r2")}}
	}
	out := runQuery(t, small(blocks, 3), "showprogress=1&path=/")
	if !strings.HasPrefix(out, "The fsck switch -showprogress is deprecated and no longer has any effect. Progress is now shown by default.\nFSCK started by hdfs (auth:SIMPLE) from /10.0.0.9 for path / at Fri Jan 02 03:04:05 UTC 2026\n\n.\nStatus: HEALTHY") {
		t.Errorf("got:\n%s", out)
	}
}

func TestRefusedAndFailedRunsEndWithFailed(t *testing.T) {
	for _, c := range []struct{ query, why string }{
		{"move=1&path=/d", "-move is not supported by hdfsd's fsck (copying blocks to /lost+found is not built)"},
		{"delete=1&path=/d", "-delete is not supported by hdfsd's fsck (this source cannot delete)"},
		{"replicate=1&path=/d", "-replicate is not supported by hdfsd's fsck (this source cannot queue replication work)"},
	} {
		out := runQuery(t, small(nil, 3), c.query)
		want := "FSCK started by hdfs (auth:SIMPLE) from /10.0.0.9 for path /d at Fri Jan 02 03:04:05 UTC 2026\n" +
			"FSCK ended at Fri Jan 02 03:04:05 UTC 2026 in 0 milliseconds\n" +
			"fsck: refused: " + c.why + "\n\n\nFsck on path '/d' FAILED"
		if out != want {
			t.Errorf("got:\n%q\nwant:\n%q", out, want)
		}
	}
	out := ""
	out = runQuery(t, failing{small(nil, 3)}, "path=/d")
	if !strings.HasSuffix(out, "in 0 milliseconds\nlisting failed\n\n\nFsck on path '/d' FAILED") {
		t.Errorf("got:\n%s", out)
	}
	out = runQuery(t, small(nil, 3), "path=/missing")
	if !strings.HasSuffix(out, "at Fri Jan 02 03:04:05 UTC 2026\n\n\nPath '/missing' does not exist") {
		t.Errorf("got:\n%s", out)
	}
}

// deleting is a Source that deletes, recording who deleted what.
type deleting struct {
	*fakeSource
	deleted []string
	fail    string // the path whose delete fails
}

func (d *deleting) Delete(user, path string) error {
	if path == d.fail {
		return errors.New("Permission denied: user=" + user)
	}
	d.deleted = append(d.deleted, user+" "+path)
	return nil
}

// -delete removes each corrupt or missing file as the fsck user, never an
// open one; the report is the same as without it. A delete that fails
// makes the run FAILED after its summary.
func TestDeleteRemovesCorruptFilesButNotOpenOnes(t *testing.T) {
	bad := rep(1, "/r1")
	bad.Corrupt = true
	src := func() *deleting {
		f := small(map[string]Block{
			"c":  {ID: 1, GenStamp: 1, Len: 10, Replicas: []Replica{bad}},
			"m":  {ID: 2, GenStamp: 2, Len: 20},
			"ok": {ID: 3, GenStamp: 3, Len: 30, Replicas: []Replica{rep(1, "/r1"), rep(2, "/r2"), rep(3, "/r2")}},
		}, 3)
		f.add("/d/open", Inode{Kind: File, Length: 40, Replication: 3})
		f.setBlocks("/d/open", FileBlocks{UnderConstruction: true, Blocks: []Block{{ID: 4, GenStamp: 4, Len: 40}}})
		return &deleting{fakeSource: f}
	}
	d := src()
	out := runQuery(t, d, "delete=1&openforwrite=1&path=/d")
	if want := []string{"hdfs /d/c", "hdfs /d/m"}; !slices.Equal(d.deleted, want) {
		t.Errorf("deleted %q, want %q", d.deleted, want)
	}
	wantLines(t, out, "  CORRUPT FILES:\t3\n")
	if !strings.HasSuffix(out, "\n\nThe filesystem under path '/d' is CORRUPT") {
		t.Errorf("got:\n%s", out)
	}

	d = src()
	d.fail = "/d/m"
	out = runQuery(t, d, "delete=1&path=/d")
	if want := []string{"hdfs /d/c"}; !slices.Equal(d.deleted, want) {
		t.Errorf("deleted %q, want %q", d.deleted, want)
	}
	if !strings.Contains(out, "Status: CORRUPT\n") ||
		!strings.HasSuffix(out, "in 0 milliseconds\nFSCK ended at Fri Jan 02 03:04:05 UTC 2026 in 0 milliseconds\nfsck encountered internal errors!\n\n\nFsck on path '/d' FAILED") {
		t.Errorf("got:\n%s", out)
	}
}

// rescanning is a Source that queues blocks for replication, recording
// which.
type rescanning struct {
	*fakeSource
	asked []int64
}

func (r *rescanning) Rescan(ids []int64) (int, error) {
	r.asked = append(r.asked, ids...)
	return len(ids), nil
}

// -replicate hands the badly placed blocks, and only those, to the block
// manager and counts them as queued.
func TestReplicateQueuesTheMisplacedBlocks(t *testing.T) {
	f := small(map[string]Block{
		"bad":  {ID: 7, GenStamp: 8, Len: 5, Replicas: []Replica{rep(1, "/r1"), rep(2, "/r1")}},
		"good": {ID: 9, GenStamp: 8, Len: 5, Replicas: []Replica{rep(1, "/r1"), rep(3, "/r2")}},
	}, 2)
	r := &rescanning{fakeSource: f}
	out := runQuery(t, r, "replicate=1&path=/d")
	if !slices.Equal(r.asked, []int64{7}) {
		t.Errorf("rescanned %v, want [7]", r.asked)
	}
	wantLines(t, out, " Blocks queued for replication:\t1\n")
	if !strings.HasSuffix(out, "is HEALTHY") {
		t.Errorf("got:\n%s", out)
	}
	// Without -replicate nothing is queued.
	r.asked = nil
	out = runQuery(t, r, "path=/d")
	if r.asked != nil || !strings.Contains(out, " Blocks queued for replication:\t0\n") {
		t.Errorf("rescanned %v without -replicate:\n%s", r.asked, out)
	}
}

type failing struct{ *fakeSource }

func (failing) List(string) ([]Inode, error) { return nil, errors.New("listing failed") }

func TestHandlerStreamsTextForTheQueryUser(t *testing.T) {
	src := small(map[string]Block{"a": {ID: 1, GenStamp: 1, Len: 1, Replicas: []Replica{rep(1, "/r1"), rep(2, "/r2"), rep(3, "/r2")}}}, 3)
	var logged string
	h := Handler(src, WithClock(func() time.Time { return time.Unix(0, 0).UTC() }),
		WithLogger(func(user, remote, path string, ok bool) { logged = user + " " + remote + " " + path }))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/fsck?ugi=alice&user.name=bob&path=%2Fd&files=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.HasPrefix(body.String(), "FSCK started by bob (auth:SIMPLE) from /127.0.0.1 for path /d at Thu Jan 01 00:00:00 UTC 1970\n\n/d <dir>\n/d/a 1 bytes") ||
		!strings.HasSuffix(body.String(), "The filesystem under path '/d' is HEALTHY") {
		t.Errorf("body:\n%s", body.String())
	}
	if logged != "bob /127.0.0.1 /d" {
		t.Errorf("logged %q", logged)
	}
}

func TestBlockIDStatusOfEachReplica(t *testing.T) {
	corrupt := rep(1, "/r1")
	corrupt.Corrupt, corrupt.CorruptReason = true, "GENSTAMP_MISMATCH"
	decom := rep(2, "/r2")
	decom.Node.Admin = Decommissioning
	stale := rep(3, "/r2")
	stale.Node.Stale = true
	f := small(map[string]Block{"a": {ID: 5, GenStamp: 1, Len: 1, Replicas: []Replica{stale, decom, corrupt}}}, 3)
	out := runQuery(t, f, "blockId=blk_5&maintenance=1")
	wantLines(t, out, "No. of live Replica: 1\n", "No. of decommissioning Replica: 1\nNo. of entering maintenance Replica: 0\nNo. of in maintenance Replica: 0\nNo. of corrupted Replica: 1\n"+
		"Block replica on datanode/rack: h1/r1 is CORRUPT\t ReasonCode: GENSTAMP_MISMATCH\n"+
		"Block replica on datanode/rack: h2/r2 is DECOMMISSIONING\n"+
		"Block replica on datanode/rack: h3/r2 is STALE\n")
}

// brokenPipe fails every write, as a connection whose client went away.
type brokenPipe struct{ writes int }

func (b *brokenPipe) Write(p []byte) (int, error) { b.writes++; return 0, errors.New("broken pipe") }

type countingSource struct {
	*fakeSource
	lists int
}

func (c *countingSource) List(dir string) ([]Inode, error) { c.lists++; return c.fakeSource.List(dir) }

func TestWalkStopsWhenTheClientIsGone(t *testing.T) {
	src := &countingSource{fakeSource: small(nil, 3)}
	for i := 0; i < 3000; i++ {
		src.add("/d/"+strings.Repeat("x", 40)+string(rune('A'+i%26))+string(rune('A'+i/26%26))+string(rune('A'+i/676)), Inode{Kind: Dir})
	}
	w := &brokenPipe{}
	err := Run(w, src, Options{Path: "/", Files: true}, Request{User: "u", Remote: "/1.2.3.4"})
	if err == nil {
		t.Fatal("Run hid the write error")
	}
	if src.lists > 1000 {
		t.Errorf("listed %d directories after the client left", src.lists)
	}
}

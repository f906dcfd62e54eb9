package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode/fsck"
)

// fsckSource is a one-directory namespace: /d with the given files, each
// with one block of 3 replicas (0 when missing).
type fsckSource struct {
	files   map[string]fsck.Block // name in /d -> its block
	queries []string
}

func (s *fsckSource) Cluster() fsck.Cluster {
	return fsck.Cluster{BlockPoolID: "BP-1-127.0.0.1-1", LiveDataNodes: 3, Racks: 1, NonEmptyRacks: 1,
		DefaultReplication: 3, MinReplication: 1}
}

func (s *fsckSource) Stat(p string) (fsck.Inode, bool, error) {
	switch {
	case p == "/" || p == "/d":
		return fsck.Inode{Kind: fsck.Dir}, true, nil
	case strings.HasPrefix(p, "/d/"):
		b, ok := s.files[p[3:]]
		return fsck.Inode{Kind: fsck.File, Length: b.Len, Replication: 3}, ok, nil
	}
	return fsck.Inode{}, false, nil
}

func (s *fsckSource) List(dir string) ([]fsck.Inode, error) {
	switch dir {
	case "/":
		return []fsck.Inode{{Name: "d", Kind: fsck.Dir}}, nil
	case "/d":
		var out []fsck.Inode
		for _, name := range []string{"a", "b", "c"} {
			if b, ok := s.files[name]; ok {
				out = append(out, fsck.Inode{Name: name, Kind: fsck.File, Length: b.Len, Replication: 3})
			}
		}
		return out, nil
	}
	return nil, nil
}

func (s *fsckSource) Blocks(p string) (fsck.FileBlocks, bool, error) {
	b, ok := s.files[strings.TrimPrefix(p, "/d/")]
	return fsck.FileBlocks{Blocks: []fsck.Block{b}}, ok, nil
}

func (s *fsckSource) SnapshottableDirs() ([]string, error) { return nil, nil }

func (s *fsckSource) Block(id int64) (fsck.BlockOwner, bool, error) {
	for name, b := range s.files {
		if b.ID == id {
			return fsck.BlockOwner{Path: "/d/" + name, ExpectedReplicas: 3, Block: b}, true, nil
		}
	}
	return fsck.BlockOwner{}, false, nil
}

func replicas(n int) []fsck.Replica {
	var out []fsck.Replica
	for i := 0; i < n; i++ {
		out = append(out, fsck.Replica{
			Node:      fsck.DataNode{IP: "127.0.0.1", XferPort: 9866 + i, HostName: "dn" + string(rune('1'+i)), Rack: "/default-rack"},
			StorageID: "DS-" + string(rune('a'+i)), StorageType: "DISK",
		})
	}
	return out
}

func healthyFiles() map[string]fsck.Block {
	return map[string]fsck.Block{
		"a": {ID: 1073741825, GenStamp: 1001, Len: 10, Replicas: replicas(3)},
		"b": {ID: 1073741826, GenStamp: 1002, Len: 20, Replicas: replicas(3)},
	}
}

// serveNameNode starts a NameNode web server with /fsck over src and
// /isActive answering as active says; it returns its host:port.
func serveNameNode(t *testing.T, src *fsckSource, active bool) string {
	t.Helper()
	clock := func() time.Time { return time.Date(2026, 11, 23, 10, 54, 34, 0, time.UTC) }
	h := fsck.Handler(src, fsck.WithClock(clock))
	mux := http.NewServeMux()
	mux.HandleFunc("/fsck", func(w http.ResponseWriter, r *http.Request) {
		src.queries = append(src.queries, r.URL.RawQuery)
		h.ServeHTTP(w, r)
	})
	mux.HandleFunc("/isActive", func(w http.ResponseWriter, r *http.Request) {
		if !active {
			http.Error(w, "I am not Active!", http.StatusMethodNotAllowed)
			return
		}
		_, _ = w.Write([]byte("I am Active!"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func runFsckWith(t *testing.T, settings map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	c := conf.New()
	for k, v := range settings {
		c.Set(k, v)
	}
	var out, errb bytes.Buffer
	tool := &fsckTool{out: &out, err: &errb, conf: c, user: "root", http: fsckHTTPClient(c)}
	code, err := tool.run(context.Background(), args)
	if err != nil {
		errb.WriteString("fsck: " + err.Error() + "\n")
		code = fsckFailure
	}
	return code, out.String(), errb.String()
}

func singleNameNode(httpAddr string) map[string]string {
	return map[string]string{"fs.defaultFS": "hdfs://127.0.0.1:8020", "dfs.namenode.http-address": httpAddr}
}

func TestFsckHealthyPrintsTheReportAndExits0(t *testing.T) {
	src := &fsckSource{files: healthyFiles()}
	addr := serveNameNode(t, src, true)
	code, out, errs := runFsckWith(t, singleNameNode(addr), "/", "-files", "-blocks", "-locations")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	wantURL := "Connecting to namenode via http://" + addr + "/fsck?ugi=root&files=1&blocks=1&locations=1&path=%2F\n"
	if errs != wantURL {
		t.Errorf("stderr = %q, want %q", errs, wantURL)
	}
	for _, want := range []string{
		"FSCK started by root (auth:SIMPLE) from /127.0.0.1 for path / at Mon Nov 23 10:54:34 UTC 2026\n\n/ <dir>\n/d <dir>\n",
		"/d/a 10 bytes, replicated: replication=3, 1 block(s):  OK\n0. BP-1-127.0.0.1-1:blk_1073741825_1001 len=10 Live_repl=3  [DatanodeInfoWithStorage[127.0.0.1:9866,DS-a,DISK], ",
		" Total blocks (validated):\t2 (avg. block size 15 B)\n",
		"FSCK ended at Mon Nov 23 10:54:34 UTC 2026 in 0 milliseconds\n\n\nThe filesystem under path '/' is HEALTHY\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if q := src.queries[0]; !strings.HasSuffix(q, "&user.name=root") {
		t.Errorf("query %q does not carry user.name as Hadoop's pseudo authenticator does", q)
	}
}

func TestFsckCorruptExits1(t *testing.T) {
	files := healthyFiles()
	files["c"] = fsck.Block{ID: 1073741827, GenStamp: 1003, Len: 30}
	addr := serveNameNode(t, &fsckSource{files: files}, true)
	code, out, _ := runFsckWith(t, singleNameNode(addr), "/d")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{
		"/d/c: MISSING 1 blocks of total size 30 B.",
		"  CORRUPT FILES:\t1\n  MISSING BLOCKS:\t1\n  MISSING SIZE:\t\t30 B\n",
		"Status: CORRUPT\n",
		"The filesystem under path '/d' is CORRUPT\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestFsckMissingPathExits0(t *testing.T) {
	addr := serveNameNode(t, &fsckSource{files: healthyFiles()}, true)
	code, out, _ := runFsckWith(t, singleNameNode(addr), "/nope")
	if code != 0 || !strings.HasSuffix(out, "\n\n\nPath '/nope' does not exist\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestFsckMoveIsRefusedAndExits255(t *testing.T) {
	addr := serveNameNode(t, &fsckSource{files: healthyFiles()}, true)
	code, out, _ := runFsckWith(t, singleNameNode(addr), "/", "-move")
	if code != fsckFailure || !strings.HasSuffix(out, "\n\n\nFsck on path '/' FAILED\n") ||
		!strings.Contains(out, "-move is not supported") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestFsckBlockIDReportsItsReplicas(t *testing.T) {
	src := &fsckSource{files: healthyFiles()}
	addr := serveNameNode(t, src, true)
	code, out, errs := runFsckWith(t, singleNameNode(addr), "-blockId", "blk_1073741826", "x1", "blk_9")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if !strings.Contains(errs, "&blockId=blk_1073741826+x1+blk_9+&path=%2F") {
		t.Errorf("stderr %q", errs)
	}
	want := "FSCK started by root (auth:SIMPLE) from /127.0.0.1 at Mon Nov 23 10:54:34 UTC 2026\n\n" +
		"Block Id: blk_1073741826\nBlock belongs to: /d/b\nNo. of Expected Replica: 3\nNo. of live Replica: 3\n" +
		"No. of excess Replica: 0\nNo. of stale Replica: 0\nNo. of decommissioned Replica: 0\n" +
		"No. of decommissioning Replica: 0\nNo. of corrupted Replica: 0\n" +
		"Block replica on datanode/rack: dn3/default-rack is HEALTHY\n" +
		"Block replica on datanode/rack: dn2/default-rack is HEALTHY\n" +
		"Block replica on datanode/rack: dn1/default-rack is HEALTHY\n" +
		"Incorrect blockId format: x1\n" +
		"\nBlock blk_9 does not exist\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestFsckListCorruptFileBlocksFollowsTheCookie(t *testing.T) {
	files := healthyFiles()
	files["c"] = fsck.Block{ID: 1073741827, GenStamp: 1003, Len: 30}
	src := &fsckSource{files: files}
	addr := serveNameNode(t, src, true)
	code, out, _ := runFsckWith(t, singleNameNode(addr), "/", "-list-corruptfileblocks")
	want := "The list of corrupt blocks under path '/' are:\nblk_1073741827\t3\t/d/c\n" +
		"The filesystem under path '/' has 1 CORRUPT blocks\n"
	if code != fsckFailure || out != want {
		t.Fatalf("exit %d, got:\n%q\nwant:\n%q", code, out, want)
	}
	if len(src.queries) != 2 || !strings.Contains(src.queries[1], "&startblockafter=1") {
		t.Errorf("queries %q: the second should start after the cookie", src.queries)
	}
}

func TestFsckHAAsksEachNameNodeWhetherItIsActive(t *testing.T) {
	standby := &fsckSource{files: healthyFiles()}
	active := &fsckSource{files: healthyFiles()}
	a1 := serveNameNode(t, standby, false)
	a2 := serveNameNode(t, active, true)
	settings := map[string]string{
		"fs.defaultFS": "hdfs://ns1", "dfs.nameservices": "ns1", "dfs.ha.namenodes.ns1": "nn1,nn2",
		"dfs.namenode.rpc-address.ns1.nn1": "127.0.0.1:8020", "dfs.namenode.rpc-address.ns1.nn2": "127.0.0.1:8021",
		"dfs.namenode.http-address.ns1.nn1": a1, "dfs.namenode.http-address.ns1.nn2": a2,
	}
	code, _, errs := runFsckWith(t, settings, "/d")
	if code != 0 || len(standby.queries) != 0 || len(active.queries) != 1 {
		t.Fatalf("exit %d, standby asked %d, active asked %d: %s", code, len(standby.queries), len(active.queries), errs)
	}
	if !strings.Contains(errs, "http://"+a2+"/fsck?ugi=root&path=%2Fd") {
		t.Errorf("stderr %q", errs)
	}
}

func TestFsckUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"/a", "/b"}, "fsck: can only operate on one path at a time '/b'\n"},
		{[]string{"/", "-bogus"}, "fsck: Illegal option '-bogus'\n"},
	} {
		code, _, errs := runFsckWith(t, singleNameNode("127.0.0.1:1"), tc.args...)
		if code != fsckFailure || !strings.HasPrefix(errs, tc.msg+fsckUsage+"\n\n"+"Generic options supported are:\n") {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errs)
		}
	}
	for _, args := range [][]string{nil, {"-files", "/"}} {
		var out, errb bytes.Buffer
		code := runFsck(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args)
		if code != fsckFailure || !strings.HasPrefix(errb.String(), "Usage: hdfs fsck <path> ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := runFsck(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"-h"}); code != 0 ||
		!strings.HasPrefix(out.String(), "Usage: hdfs fsck") {
		t.Errorf("-h: exit %d, stdout %q", code, out.String())
	}
}

func TestFsckExitCodeFollowsTheLastLine(t *testing.T) {
	for last, want := range map[string]int{
		"The filesystem under path '/' is HEALTHY":                      0,
		"The filesystem under path '/' is CORRUPT":                      1,
		"Path '/x' does not exist":                                      0,
		"Block replica on datanode/rack: dn1/default-rack is EXCESS":    0,
		"Block replica on datanode/rack: dn1/r is DECOMMISSIONED":       2,
		"Block replica on datanode/rack: dn1/r is DECOMMISSIONING":      3,
		"Block replica on datanode/rack: dn1/r is IN MAINTENANCE":       4,
		"Block replica on datanode/rack: dn1/r is ENTERING MAINTENANCE": 5,
		"Block replica on datanode/rack: dn1/r is STALE":                6,
		"Fsck on path '/' FAILED":                                       255,
	} {
		if got := fsckExitCode(last); got != want {
			t.Errorf("%q: exit %d, want %d", last, got, want)
		}
	}
}

func TestFsckNonHDFSFileSystemExits0(t *testing.T) {
	code, _, errs := runFsckWith(t, map[string]string{"fs.defaultFS": "file:///"}, "/")
	if code != 0 || errs != "FileSystem is file:///\nDFSck exiting.\n" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

func TestFsckThroughRunUsesGenericOptionsAndReplacesAWildcardHTTPHost(t *testing.T) {
	t.Setenv("HADOOP_USER_NAME", "carol")
	addr := serveNameNode(t, &fsckSource{files: healthyFiles()}, true)
	_, port, _ := strings.Cut(addr, ":")
	var out, errb bytes.Buffer
	code := runFsck(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{
		"-D", "fs.defaultFS=hdfs://127.0.0.1:8020", "-D", "dfs.namenode.http-address=0.0.0.0:" + port, "d"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := "Connecting to namenode via http://127.0.0.1:" + port + "/fsck?ugi=carol&path=%2Fuser%2Fcarol%2Fd\n"
	if errb.String() != want {
		t.Errorf("stderr %q, want %q", errb.String(), want)
	}
	if !strings.HasSuffix(out.String(), "\nPath '/user/carol/d' does not exist\n") {
		t.Errorf("stdout:\n%s", out.String())
	}
}

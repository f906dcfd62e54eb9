package nnbench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tickClock advances one millisecond per reading, so that with one thread
// every call takes exactly 1 ms and N calls take 2N+1 ms of elapsed time.
func tickClock() func() time.Time {
	var n atomic.Int64
	base := time.Unix(1_700_000_000, 0)
	return func() time.Time { return base.Add(time.Duration(n.Add(1)) * time.Millisecond) }
}

type result struct {
	code           int
	stdout, stderr string
	blocks         map[string]map[string]string // op -> "key" -> value
	order          []string
}

func runBench(t *testing.T, f *fakeNN, args ...string) result {
	t.Helper()
	if f != nil {
		args = append([]string{"-fs", "hdfs://" + f.addr}, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut, nil, tickClock())
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	r.blocks, r.order = parseBlocks(t, r.stdout)
	return r
}

// parseBlocks reads NNThroughputBenchmark's result blocks: a blank line,
// "--- op inputs ---", "key = value" lines, "--- op stats  ---", and
// "key: value" lines.
func parseBlocks(t *testing.T, out string) (map[string]map[string]string, []string) {
	blocks := map[string]map[string]string{}
	var order []string
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
		case strings.HasSuffix(line, " inputs ---"):
			name := strings.TrimSuffix(strings.TrimPrefix(line, "--- "), " inputs ---")
			cur = map[string]string{}
			blocks[name] = cur
			order = append(order, name)
		case cur == nil:
			t.Fatalf("line %q outside a block", line)
		case strings.HasSuffix(line, " stats  ---"):
			cur["stats"] = line
		case strings.Contains(line, " = "):
			k, v, _ := strings.Cut(line, " = ")
			cur[k] = v
		case strings.Contains(line, ": "):
			k, v, _ := strings.Cut(line, ": ")
			cur[k] = v
		default:
			cur[line] = ""
		}
	}
	return blocks, order
}

func count(calls []string, method string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, method+" ") || c == method {
			n++
		}
	}
	return n
}

func TestCreatePrintsJavaBlock(t *testing.T) {
	f := startFakeNN(t)
	r := runBench(t, f, "-op", "create", "-threads", "1", "-files", "10", "-filesPerDir", "4")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	want := "\n--- create inputs ---\nnrFiles = 10\nnrThreads = 1\nnrFilesPerDir = 4\n" +
		"--- create stats  ---\n# operations: 10\nElapsed Time: 21\n Ops per sec: 476.1904761904762\nAverage Time: 1\n"
	if r.stdout != want {
		t.Fatalf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	calls := f.calls()
	if calls[0] != "setSafeMode SAFEMODE_LEAVE" || calls[1] != "create /nnThroughputBenchmark/create/ThroughputBenchDir0/ThroughputBench0" {
		t.Errorf("first calls: %q", calls[:2])
	}
	if count(calls, "create") != 10 || count(calls, "complete") != 0 {
		t.Errorf("creates %d, completes %d", count(calls, "create"), count(calls, "complete"))
	}
	if last := calls[len(calls)-1]; last != "delete /nnThroughputBenchmark/create" {
		t.Errorf("clean up: %q", last)
	}
}

func TestCreateCloseCompletesEveryFile(t *testing.T) {
	f := startFakeNN(t)
	r := runBench(t, f, "-op", "create", "-threads", "4", "-files", "9", "-close", "-keepResults")
	if r.code != 0 || r.blocks["create"]["# operations"] != "9" {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	calls := f.calls()
	if count(calls, "create") != 9 || count(calls, "complete") != 9 || count(calls, "delete") != 0 {
		t.Errorf("calls: %q", calls)
	}
	if _, ok := f.exists("/nnThroughputBenchmark/create/ThroughputBenchDir2/ThroughputBench8"); !ok {
		t.Error("-keepResults: file 8 is gone")
	}
}

func TestMkdirsUsesDirsPerDir(t *testing.T) {
	f := startFakeNN(t)
	r := runBench(t, f, "-op", "mkdirs", "-threads", "2", "-dirs", "5", "-baseDirName", "/bench1")
	b := r.blocks["mkdirs"]
	if r.code != 0 || b["nrDirs"] != "5" || b["nrThreads"] != "2" || b["nrDirsPerDir"] != "2" || b["# operations"] != "5" {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	calls := f.calls()
	if !slices.Contains(calls, "mkdirs /bench1/mkdirs/ThroughputBenchDir0/ThroughputBenchDir0/ThroughputBench4") {
		t.Errorf("mkdirs calls: %q", calls)
	}
	if calls[len(calls)-1] != "delete /bench1/mkdirs" {
		t.Errorf("clean up: %q", calls[len(calls)-1])
	}
}

// open, delete, fileStatus and rename first create their files under
// <base>/create with -close, rename that to <base>/<op>, then run.
func TestFileOpsCreateTheirFilesFirst(t *testing.T) {
	for op, method := range map[string]string{
		"open": "getBlockLocations", "delete": "delete", "fileStatus": "getFileInfo", "rename": "rename",
	} {
		t.Run(op, func(t *testing.T) {
			f := startFakeNN(t)
			r := runBench(t, f, "-op", op, "-threads", "3", "-files", "7", "-filesPerDir", "3")
			if r.code != 0 || r.blocks[op]["# operations"] != "7" || r.blocks[op]["nrFilesPerDir"] != "3" {
				t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			calls := f.calls()
			if count(calls, "create") != 7 || count(calls, "complete") != 7 {
				t.Errorf("setup: %d creates, %d completes", count(calls, "create"), count(calls, "complete"))
			}
			if !slices.Contains(calls, "rename /nnThroughputBenchmark/create /nnThroughputBenchmark/"+op) {
				t.Errorf("no rename of the created directory: %q", calls)
			}
			file := "/nnThroughputBenchmark/" + op + "/ThroughputBenchDir2/ThroughputBench6"
			if op == "rename" {
				file += " " + file + ".r"
			}
			if !slices.Contains(calls, method+" "+file) {
				t.Errorf("no %s %s in %q", method, file, calls)
			}
		})
	}
}

func TestUseExistingNeedsTheFiles(t *testing.T) {
	f := startFakeNN(t)
	r := runBench(t, f, "-op", "open", "-useExisting")
	if r.code != 1 || !strings.Contains(r.stderr, "nnbench: /nnThroughputBenchmark/open does not exist") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if count(f.calls(), "create") != 0 {
		t.Error("-useExisting created files")
	}
}

func TestAllRunsEveryRemoteOp(t *testing.T) {
	f := startFakeNN(t)
	r := runBench(t, f, "-op", "all", "-threads", "2", "-files", "4", "-dirs", "3", "-filesPerDir", "2")
	want := []string{"create", "mkdirs", "open", "delete", "fileStatus", "rename", "clean"}
	if r.code != 0 || !slices.Equal(r.order, want) {
		t.Fatalf("exit %d, blocks %q, stderr:\n%s", r.code, r.order, r.stderr)
	}
	if r.blocks["mkdirs"]["# operations"] != "3" || r.blocks["rename"]["# operations"] != "4" {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if r.blocks["clean"]["Remove directory /nnThroughputBenchmark"] != "" || r.blocks["clean"]["# operations"] != "1" {
		t.Errorf("clean block: %v", r.blocks["clean"])
	}
	if !strings.Contains(r.stderr, "blockReport test is ignored") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if _, ok := f.exists("/nnThroughputBenchmark"); ok {
		t.Error("clean left /nnThroughputBenchmark")
	}
}

func TestRefreshUserMappingsEveryG(t *testing.T) {
	f := startFakeNN(t)
	r := runBench(t, f, "-op", "mkdirs", "-threads", "1", "-dirs", "6", "-UGCacheRefreshCount", "3")
	if r.code != 0 || count(f.calls(), "refreshUserToGroupsMappings") != 2 {
		t.Fatalf("exit %d, calls %q", r.code, f.calls())
	}
}

func TestFailingCallsEndWithStatusOne(t *testing.T) {
	f := startFakeNN(t)
	f.failOn("create")
	r := runBench(t, f, "-op", "create", "-threads", "2", "-files", "4")
	if r.code != 1 || r.blocks["create"]["# operations"] != "0" {
		t.Fatalf("exit %d, stdout:\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "StatsDaemon 1 failed") || !strings.Contains(r.stderr, "injected create failure") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestBadCommandLines(t *testing.T) {
	usage := [][]string{
		{}, {"-op"}, {"-files", "3", "-op", "create"}, {"-op", "list"},
		{"-op", "create", "-dirs", "3"}, {"-op", "create", "-threads"},
		{"-op", "create", "-logLevel"}, {"-op", "mkdirs", "-close"},
	}
	for _, args := range usage {
		r := runBench(t, nil, append([]string{"-fs", "hdfs://127.0.0.1:1"}, args...)...)
		if r.code != usageExit || !strings.HasPrefix(r.stderr, "Usage: NNThroughputBenchmark\n\t-op all <other ops options> | \n\t-op create") {
			t.Errorf("%q: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
	for args, msg := range map[string]string{
		"-op create -files ten":                    `nnbench: bad value "ten" for -files`,
		"-op create":                               "nnbench: no remote NameNode",
		"-op blockReport -fs hdfs://h:1":           "nnbench: -op blockReport is not supported",
		"-op create -filesPerDir 0 -fs hdfs://h:1": "nnbench: create needs at least 1 entry per directory",
	} {
		r := runBench(t, nil, strings.Fields(args)...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, msg) {
			t.Errorf("%s: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestRunDialsOneSharedConnection(t *testing.T) {
	f := startFakeNN(t)
	dials := 0
	dial := func(ctx context.Context, addr string) (Conn, error) {
		dials++
		if addr != f.addr {
			return nil, fmt.Errorf("dialled %s", addr)
		}
		return RPCDialer(hadooprpcConfig())(ctx, addr)
	}
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"-fs", "hdfs://" + f.addr, "-op", "fileStatus", "-threads", "4", "-files", "8"}, &out, &errOut, dial)
	if code != 0 || dials != 1 {
		t.Fatalf("exit %d after %d dials, stderr:\n%s", code, dials, errOut.String())
	}
	for _, key := range []string{"# operations: 8", "Elapsed Time: ", " Ops per sec: ", "Average Time: "} {
		if !strings.Contains(out.String(), "\n"+key) {
			t.Errorf("no %q line in:\n%s", key, out.String())
		}
	}
	if _, err := strconv.ParseFloat(strings.Fields(strings.Split(out.String(), "Ops per sec: ")[1])[0], 64); err != nil {
		t.Error(err)
	}
}

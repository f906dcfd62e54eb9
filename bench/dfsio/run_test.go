package dfsio

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteThenReadThenClean runs the three modes against a local
// directory as TestDFSIO's users do: -write, then -read of the same files,
// then -clean.
func TestWriteThenReadThenClean(t *testing.T) {
	fs := newDirFS(t)
	res := filepath.Join(t.TempDir(), "TestDFSIO_results.log")
	proc := fakeProc(t, map[string]string{"77": "hdfsd\x00datanode\x00"}, map[string]string{"77": dnStat})
	var addr string
	common := []string{"-nrFiles", "3", "-size", "64KB", "-bufferSize", "10000", "-resFile", res,
		"-dir", "/bench", "-fs", "hdfs://nn:9000", "-diskdir", t.TempDir(), "-dnpids", "auto", "-floorsize", "1MB"}

	code, stdout, stderr := testRun(t, fs.opener(&addr), proc, append([]string{"-write", "-replication", "2"}, common...)...)
	if code != 0 {
		t.Fatalf("write: exit %d\n%s%s", code, stdout, stderr)
	}
	if addr != "nn:9000" {
		t.Errorf("opened %q, want nn:9000", addr)
	}
	for i, name := range []string{"/bench/io_data/test_io_0", "/bench/io_data/test_io_1", "/bench/io_data/test_io_2"} {
		b, err := os.ReadFile(fs.local(name))
		if err != nil || !bytes.Equal(b, pattern(64<<10)) {
			t.Errorf("file %d: %d bytes, %v; want the 64 KiB pattern", i, len(b), err)
		}
		if r := fs.mu.replication[name]; r != 2 {
			t.Errorf("%s created with replication %d, want 2", name, r)
		}
	}
	checkOutput(t, "write", stdout, "files=3 bytes=196608 replication=2 ")
	if !strings.Contains(stdout, "\n  Write floor CPU sec/GiB: ") || !strings.Contains(stdout, " dn_write_floor_cpu_s_per_GiB=") {
		t.Errorf("write output lacks the write floor:\n%s", stdout)
	}

	code, stdout, stderr = testRun(t, fs.opener(nil), proc, append([]string{"-read"}, common...)...)
	if code != 0 {
		t.Fatalf("read: exit %d\n%s%s", code, stdout, stderr)
	}
	checkOutput(t, "read", stdout, "files=3 bytes=196608 wall_s=")
	if !strings.Contains(stdout, "\n  Serve floor CPU sec/GiB: ") || !strings.Contains(stdout, " dn_serve_floor_cpu_s_per_GiB=") {
		t.Errorf("read output lacks the serve floor:\n%s", stdout)
	}

	b, err := os.ReadFile(res)
	if err != nil || strings.Count(string(b), "----- TestDFSIO ----- : ") != 2 ||
		!strings.Contains(string(b), ": write\n") || !strings.Contains(string(b), ": read\n") {
		t.Errorf("result file %q, %v; want a write and a read block", b, err)
	}

	if code, _, stderr = testRun(t, fs.opener(nil), "", "-clean", "-dir", "/bench"); code != 0 {
		t.Fatalf("clean: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(fs.local("/bench")); !os.IsNotExist(err) {
		t.Errorf("after -clean, /bench: %v", err)
	}
}

func checkOutput(t *testing.T, mode, stdout, summary string) {
	t.Helper()
	for _, want := range []string{
		"----- TestDFSIO ----- : " + mode + "\n            Date & time: Mon Nov 23 17:22:08 UTC 2026\n",
		"        Number of files: 3\n Total MBytes processed: .19\n      Throughput mb/sec: ",
		"Disk write+fsync mb/sec: ",
		"Loopback TCP copy mb/sec: ",
		"CRC32C 512-byte chunks mb/sec: ",
		"CRC32C one pass mb/sec: ",
		"DataNode CPU sec/GiB: 0.000 (0.00 s by pids 77 over ",
		"Client CPU sec/GiB: ",
		"\ndfsio " + mode + ": " + summary,
		" dn_cpu_s_per_GiB=0.000 client_cpu_s_per_GiB=",
		" dn_cpu_ratio_to_floor=0.000\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("%s output lacks %q:\n%s", mode, want, stdout)
		}
	}
}

func TestWriteEmptiesTheDataDirFirst(t *testing.T) {
	fs := newDirFS(t)
	stale := fs.local("/b/io_data/test_io_9")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	write(t, stale, "old")
	res := filepath.Join(t.TempDir(), "r.log")
	if code, out, errs := testRun(t, fs.opener(nil), "", "-write", "-dir", "/b", "-size", "1KB", "-resFile", res, "-nobounds"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale file survived -write: %v", err)
	}
}

func TestReadOfShortFilesFails(t *testing.T) {
	fs := newDirFS(t)
	res := filepath.Join(t.TempDir(), "r.log")
	args := []string{"-dir", "/b", "-nrFiles", "2", "-resFile", res, "-nobounds"}
	if code, _, errs := testRun(t, fs.opener(nil), "", append([]string{"-write", "-size", "10KB"}, args...)...); code != 0 {
		t.Fatalf("write: %s", errs)
	}
	code, stdout, stderr := testRun(t, fs.opener(nil), "", append([]string{"-read", "-size", "20KB"}, args...)...)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "has 10240 bytes, fewer than -size 20480; run -write first") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestOneFailedFileFailsTheRun(t *testing.T) {
	fs := newDirFS(t)
	fs.failCreate = "/b/io_data/test_io_1"
	res := filepath.Join(t.TempDir(), "r.log")
	code, stdout, stderr := testRun(t, fs.opener(nil), "", "-write", "-dir", "/b", "-nrFiles", "4", "-resFile", res, "-nobounds")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "dfsio: create /b/io_data/test_io_1: injected create failure") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(res); !os.IsNotExist(err) {
		t.Errorf("result file written after a failure: %v", err)
	}
}

func TestNoOpenerIsErrNoClient(t *testing.T) {
	code, stdout, stderr := testRun(t, nil, "", "-write")
	if code != 1 || stdout != "" || stderr != ErrNoClient.Error()+"\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

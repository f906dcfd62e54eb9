package compattests

import (
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The whole colinmarc/hdfs v2.4.0 test suite, unchanged: its Go tests
// (go test ./... in a copy of the module) and its bats CLI tests, against
// a local hdfsd cluster of a NameNode and three DataNodes, with the
// fixtures its CI writes (.github/scripts/fixtures.sh).

const upstreamModule = "github.com/colinmarc/hdfs/v2@v2.4.0"

// upstreamSource copies the upstream module (from the module cache) into
// a writable directory and returns it.
func upstreamSource(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", upstreamModule).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", upstreamModule, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: no directory in %s", upstreamModule, out)
	}
	dst := filepath.Join(t.TempDir(), "hdfs")
	err = filepath.WalkDir(info.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(info.Dir, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, src)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		t.Fatalf("copying %s: %v", info.Dir, err)
	}
	return dst
}

// writeUpstreamFixtures is fixtures.sh: /_test (0777), /_test/foo.txt
// and /_test/mobydick.txt written with 1 MiB blocks.
func writeUpstreamFixtures(t *testing.T, c *realCluster, src string) {
	t.Helper()
	cl := newClient(t, c.nn, superuser(t))
	must(t, cl.MkdirAll("/_test", 0o777))
	must(t, cl.Chmod("/_test", 0o777))
	put := func(local, remote string, blockSize int64) {
		data, err := os.ReadFile(filepath.Join(src, "testdata", local))
		must(t, err)
		w, err := cl.CreateFile(remote, 3, blockSize, 0o644)
		must(t, err)
		_, err = w.Write(data)
		must(t, err)
		must(t, w.Close())
	}
	put("foo.txt", "/_test/foo.txt", 128<<20)
	put("mobydick.txt", "/_test/mobydick.txt", 1<<20)
}

func upstreamEnv(c *realCluster) []string {
	env := hdfsdEnv()
	return append(env, "HADOOP_CONF_DIR="+c.clientConfDir(), "HADOOP_NAMENODE="+c.nn.address(), "GOFLAGS=-mod=mod")
}

// TestUpstreamGoSuite runs `go test ./...` of colinmarc/hdfs v2.4.0.
func TestUpstreamGoSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("the upstream suite runs a cluster and builds a module")
	}
	c := startRealCluster(t, 3, nil)
	src := upstreamSource(t)
	writeUpstreamFixtures(t, c, src)
	cmd := exec.Command("go", "test", "-v", "-count=1", "-timeout", "10m", "./...")
	cmd.Dir, cmd.Env = src, upstreamEnv(c)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("upstream go test: %v\n%s\nNameNode log:\n%s", err, out, tail(c.nn.logs(), 60))
	}
	t.Logf("upstream go test:\n%s", out)
}

// TestUpstreamBatsSuite runs the upstream CLI tests (cmd/hdfs/test/*.bats)
// with the upstream `hdfs` binary built from the same copy.
func TestUpstreamBatsSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("the upstream suite runs a cluster and builds a module")
	}
	bats, err := exec.LookPath("bats")
	if err != nil {
		t.Fatal("bats is not installed (apt-get install bats; .ci/run does)")
	}
	c := startRealCluster(t, 3, nil)
	src := upstreamSource(t)
	writeUpstreamFixtures(t, c, src)
	build := exec.Command("go", "build", "-o", filepath.Join(src, "hdfs"), "./cmd/hdfs")
	build.Dir, build.Env = src, upstreamEnv(c)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the upstream hdfs CLI: %v\n%s", err, out)
	}
	tests, _ := filepath.Glob(filepath.Join(src, "cmd", "hdfs", "test", "*.bats"))
	cmd := exec.Command(bats, tests...)
	cmd.Dir = src
	cmd.Env = append(upstreamEnv(c), "HADOOP_FS="+hadoopFSShim(t, c))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("upstream bats: %v\n%s", err, out)
	}
	t.Logf("upstream bats:\n%s", out)
}

// hadoopFSShim is what the bats tests run as "hadoop fs" (for -checksum
// and -cp): hdfsd's own checksum client and a copy through the stock
// client, so the CLI under test is compared with another implementation.
func hadoopFSShim(t *testing.T, c *realCluster) string {
	t.Helper()
	if hadoopfsBuildErr != nil {
		t.Fatal(hadoopfsBuildErr)
	}
	return hadoopfsBin + " --config " + c.clientConfDir() + " fs"
}

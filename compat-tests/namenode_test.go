package compattests

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var (
	treennBin     string // the test NameNode, built by TestMain
	hdfsdBin      string // the real one (./cmd/hdfsd), built by TestMain
	hdfsdBuildErr error  // why hdfsdBin is missing
	// hadoopfsBin stands in for `hadoop fs` in the upstream bats tests.
	hadoopfsBin      string
	hadoopfsBuildErr error
	shared           *namenode // one treenn for the tests that only read
	raceBuild        bool      // build the NameNodes with -race (see race_test.go)
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "compattests-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	treennBin = filepath.Join(dir, "treenn")
	hdfsdBin = filepath.Join(dir, "hdfsd")
	// The real NameNode failing to build fails its tests, not treenn's.
	hadoopfsBin = filepath.Join(dir, "hadoopfs")
	errs := buildAll(map[string]string{treennBin: "./cmd/treenn", hdfsdBin: "../cmd/hdfsd", hadoopfsBin: "./cmd/hadoopfs"})
	if err := errs["./cmd/treenn"]; err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	hdfsdBuildErr = errs["../cmd/hdfsd"]
	hadoopfsBuildErr = errs["./cmd/hadoopfs"]
	shared, err = startNamenode()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	if err := shared.stop(syscall.SIGTERM); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = max(code, 1)
	}
	if err := stopSharedRealNameNode(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = max(code, 1)
	}
	return code
}

// buildAll builds each package into its binary, side by side, and
// returns the failures by package.
func buildAll(bins map[string]string) map[string]error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs = map[string]error{}
	)
	for bin, pkg := range bins {
		args := []string{"build", "-o", bin}
		if raceBuild {
			args = append(args, "-race")
		}
		wg.Go(func() {
			if out, err := exec.Command("go", append(args, pkg)...).CombinedOutput(); err != nil {
				mu.Lock()
				errs[pkg] = fmt.Errorf("compattests: go build %s: %v\n%s", pkg, err, out)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errs
}

// startNamenode runs treenn with args and returns once it has printed
// "listening host:port", its first line on stdout.
func startNamenode(args ...string) (*namenode, error) {
	return startProcess(procSpec{
		name: "treenn",
		bin:  treennBin,
		args: args,
		ready: func(line string) (string, bool, error) {
			addr, ok := strings.CutPrefix(line, "listening ")
			if _, _, err := net.SplitHostPort(addr); !ok || err != nil {
				return "", false, fmt.Errorf("first line is %q, want \"listening host:port\"", line)
			}
			return addr, true, nil
		},
	})
}

// startTestNamenode starts a treenn that lives as long as the test and
// must exit cleanly at its end.
func startTestNamenode(t *testing.T, args ...string) *namenode {
	t.Helper()
	nn, err := startNamenode(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := nn.stop(syscall.SIGTERM); err != nil {
			t.Error(err)
		}
	})
	return nn
}

func TestTreeNN_PrintsItsAddressFirstAndExitsCleanlyOnSIGTERM(t *testing.T) {
	nn, err := startNamenode()
	if err != nil {
		t.Fatal(err)
	}
	if host, port, _ := net.SplitHostPort(nn.addr); host != "127.0.0.1" || port == "0" {
		t.Errorf("listening on %q, want 127.0.0.1 and a chosen port", nn.addr)
	}
	if err := nn.stop(syscall.SIGTERM); err != nil {
		t.Error(err)
	}
}

func TestTreeNN_ExitsCleanlyOnSIGINTWithAClientConnected(t *testing.T) {
	nn, err := startNamenode()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, nn, "alice")
	if _, err := c.Stat("/"); err != nil {
		t.Fatal(err)
	}
	if err := nn.stop(syscall.SIGINT); err != nil {
		t.Error(err)
	}
}

func TestTreeNN_RejectsABadFlag(t *testing.T) {
	out, err := exec.Command(treennBin, "-no-such-flag").CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Errorf("treenn -no-such-flag: %v, want a non-zero exit; output:\n%s", err, out)
	}
}

package compattests

import (
	"bytes"
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
	"time"
)

// How long a test NameNode may take to bind its socket, and to exit once
// signalled. These are deadlines for a hung process, not waits: the tests
// block on the "listening" line and on process exit.
const (
	startDeadline = 30 * time.Second
	stopDeadline  = 10 * time.Second
)

var (
	treennBin string    // the test NameNode, built by TestMain
	shared    *namenode // one NameNode for the tests that only read
	raceBuild bool      // build the NameNode with -race (see race_test.go)
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
	args := []string{"build", "-o", treennBin}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./cmd/treenn")...)
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "compattests: go build ./cmd/treenn: %v\n%s", err, out)
		return 1
	}
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
	return code
}

// namenode is a running ./cmd/treenn process.
type namenode struct {
	addr   string // host:port from its "listening" line
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd.Wait has returned
	err    error         // cmd.Wait's result, set before exited is closed
	stderr *syncBuffer
}

// startNamenode runs treenn with args and returns once it has printed the
// address it listens on. Where the OS allows, the process dies with the
// test binary, so a crashed test leaks nothing.
func startNamenode(args ...string) (*namenode, error) {
	nn := &namenode{
		cmd:    exec.Command(treennBin, args...),
		exited: make(chan struct{}),
		stderr: &syncBuffer{},
	}
	first := &firstLine{line: make(chan string, 1)}
	nn.cmd.Stdout = first
	nn.cmd.Stderr = nn.stderr
	dieWithParent(nn.cmd)
	if err := nn.cmd.Start(); err != nil {
		return nil, fmt.Errorf("compattests: start treenn: %w", err)
	}
	go func() {
		nn.err = nn.cmd.Wait()
		close(nn.exited)
	}()

	deadline := time.NewTimer(startDeadline)
	defer deadline.Stop()
	select {
	case line := <-first.line:
		addr, ok := strings.CutPrefix(line, "listening ")
		if _, _, err := net.SplitHostPort(addr); !ok || err != nil {
			nn.kill()
			return nil, fmt.Errorf("compattests: treenn's first line is %q, want \"listening host:port\"", line)
		}
		nn.addr = addr
		return nn, nil
	case <-nn.exited:
		return nil, fmt.Errorf("compattests: treenn exited before listening (%v); stderr:\n%s", nn.err, nn.stderr)
	case <-deadline.C:
		nn.kill()
		return nil, fmt.Errorf("compattests: treenn printed no address in %v; stderr:\n%s", startDeadline, nn.stderr)
	}
}

// startTestNamenode starts a NameNode that lives as long as the test and
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

// stop sends sig and waits for the process to exit; anything but a clean
// exit (status 0) is an error.
func (nn *namenode) stop(sig os.Signal) error {
	select {
	case <-nn.exited:
		return fmt.Errorf("compattests: treenn died during the tests (%v); stderr:\n%s", nn.err, nn.stderr)
	default:
	}
	if err := nn.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("compattests: signal treenn: %w", err)
	}
	deadline := time.NewTimer(stopDeadline)
	defer deadline.Stop()
	select {
	case <-nn.exited:
	case <-deadline.C:
		nn.kill()
		return fmt.Errorf("compattests: treenn still running %v after %v; stderr:\n%s", stopDeadline, sig, nn.stderr)
	}
	if nn.err != nil {
		return fmt.Errorf("compattests: treenn exited after %v: %w; stderr:\n%s", sig, nn.err, nn.stderr)
	}
	return nil
}

func (nn *namenode) kill() {
	nn.cmd.Process.Kill()
	<-nn.exited
}

// firstLine is a process's stdout: it hands over the first complete line
// and discards the rest.
type firstLine struct {
	buf  []byte
	line chan string // receives the first line once
	done bool
}

func (w *firstLine) Write(p []byte) (int, error) {
	if w.done {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	if i := bytes.IndexByte(w.buf, '\n'); i >= 0 {
		w.done = true
		w.line <- string(w.buf[:i])
	}
	return len(p), nil
}

// syncBuffer collects a process's stderr while tests may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
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

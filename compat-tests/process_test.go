package compattests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// How long a test NameNode may take to start serving, and to exit once
// signalled. These are deadlines for a hung process, not waits: the tests
// block on the line that announces the address and on process exit.
const (
	startDeadline = 30 * time.Second
	stopDeadline  = 10 * time.Second
)

// namenode is a running NameNode process under test: ./cmd/treenn or
// `hdfsd namenode`.
type namenode struct {
	name   string // what it is, for messages ("treenn", "hdfsd namenode")
	addr   string // host:port it serves clients on
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd.Wait has returned
	err    error         // cmd.Wait's result, set before exited is closed
	stderr *syncBuffer
}

// address is where clients reach nn.
func (nn *namenode) address() string { return nn.addr }

// nnAddress is anything that knows where a NameNode serves: a *namenode,
// or a *realNameNode whose process changes on restart.
type nnAddress interface{ address() string }

// procSpec says how to run a NameNode binary and how to tell it is up.
type procSpec struct {
	name string
	bin  string
	args []string
	env  []string // nil inherits the test's environment
	// fromStderr: the announcing line comes on stderr (else stdout).
	fromStderr bool
	// ready looks at each output line of that stream until it returns
	// done or an error; done carries the address.
	ready func(line string) (addr string, done bool, err error)
}

// startProcess runs spec and returns once it has announced its address.
// Where the OS allows, the process dies with the test binary, so a crashed
// test leaks nothing.
func startProcess(spec procSpec) (*namenode, error) {
	nn := &namenode{
		name:   spec.name,
		cmd:    exec.Command(spec.bin, spec.args...),
		exited: make(chan struct{}),
		stderr: &syncBuffer{},
	}
	nn.cmd.Env = spec.env
	w := &lineWatch{ready: spec.ready, result: make(chan readyResult, 1)}
	if spec.fromStderr {
		w.tee = nn.stderr
		nn.cmd.Stderr = w
	} else {
		nn.cmd.Stdout = w
		nn.cmd.Stderr = nn.stderr
	}
	dieWithParent(nn.cmd)
	if err := nn.cmd.Start(); err != nil {
		return nil, fmt.Errorf("compattests: start %s: %w", spec.name, err)
	}
	go func() {
		nn.err = nn.cmd.Wait()
		close(nn.exited)
	}()

	deadline := time.NewTimer(startDeadline)
	defer deadline.Stop()
	select {
	case r := <-w.result:
		if r.err != nil {
			nn.kill()
			return nil, fmt.Errorf("compattests: %s: %w; stderr:\n%s", spec.name, r.err, nn.stderr)
		}
		nn.addr = r.addr
		return nn, nil
	case <-nn.exited:
		return nil, &exitedEarly{name: spec.name, err: nn.err, stderr: nn.stderr.String()}
	case <-deadline.C:
		nn.kill()
		return nil, fmt.Errorf("compattests: %s announced no address in %v; stderr:\n%s", spec.name, startDeadline, nn.stderr)
	}
}

// exitedEarly is a NameNode that exited before serving.
type exitedEarly struct {
	name   string
	err    error
	stderr string
}

func (e *exitedEarly) Error() string {
	return fmt.Sprintf("compattests: %s exited before serving (%v); stderr:\n%s", e.name, e.err, e.stderr)
}

// stop sends sig and waits for the process to exit; anything but a clean
// exit (status 0) is an error.
func (nn *namenode) stop(sig os.Signal) error {
	select {
	case <-nn.exited:
		return fmt.Errorf("compattests: %s died during the tests (%v); stderr:\n%s", nn.name, nn.err, nn.stderr)
	default:
	}
	if err := nn.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("compattests: signal %s: %w", nn.name, err)
	}
	deadline := time.NewTimer(stopDeadline)
	defer deadline.Stop()
	select {
	case <-nn.exited:
	case <-deadline.C:
		nn.kill()
		return fmt.Errorf("compattests: %s still running %v after %v; stderr:\n%s", nn.name, stopDeadline, sig, nn.stderr)
	}
	if nn.err != nil {
		return fmt.Errorf("compattests: %s exited after %v: %w; stderr:\n%s", nn.name, sig, nn.err, nn.stderr)
	}
	return nil
}

// kill ends the process with SIGKILL and waits for it to be gone.
func (nn *namenode) kill() {
	nn.cmd.Process.Kill()
	<-nn.exited
}

type readyResult struct {
	addr string
	err  error
}

// lineWatch is a process's output stream: it shows each complete line to
// ready until one announces the address, and copies everything to tee.
type lineWatch struct {
	ready  func(line string) (addr string, done bool, err error)
	tee    *syncBuffer      // may be nil: the stream is discarded
	result chan readyResult // receives one result
	buf    []byte
	done   bool
}

func (w *lineWatch) Write(p []byte) (int, error) {
	if w.tee != nil {
		w.tee.Write(p)
	}
	if w.done {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	for !w.done {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		addr, done, err := w.ready(line)
		if done || err != nil {
			w.done = true
			w.buf = nil
			w.result <- readyResult{addr, err}
		}
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

// tail is the last n lines of s, for failure messages about long logs.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

package dfsio

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// dirFS is an FS kept in a local directory. Like the HDFS client's
// CreateFile, Create neither overwrites nor makes parents.
type dirFS struct {
	root       string
	failCreate string // a name whose Create fails

	mu struct {
		sync.Mutex
		replication map[string]int
	}
}

func newDirFS(t *testing.T) *dirFS {
	d := &dirFS{root: t.TempDir()}
	d.mu.replication = map[string]int{}
	return d
}

func (d *dirFS) local(name string) string { return filepath.Join(d.root, filepath.FromSlash(name)) }

func (d *dirFS) Create(name string, replication int) (io.WriteCloser, error) {
	if name == d.failCreate {
		return nil, errors.New("injected create failure")
	}
	d.mu.Lock()
	d.mu.replication[name] = replication
	d.mu.Unlock()
	return os.OpenFile(d.local(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}

func (d *dirFS) Open(name string) (io.ReadCloser, error) { return os.Open(d.local(name)) }
func (d *dirFS) RemoveAll(name string) error             { return os.RemoveAll(d.local(name)) }
func (d *dirFS) MkdirAll(name string) error              { return os.MkdirAll(d.local(name), 0o755) }
func (d *dirFS) Close() error                            { return nil }

func (d *dirFS) opener(gotAddr *string) Opener {
	return func(_ context.Context, addr string) (FS, error) {
		if gotAddr != nil {
			*gotAddr = addr
		}
		return d, nil
	}
}

// tinyBounds keeps the bound measurements of tests to a few hundred KiB.
var tinyBounds = boundsConfig{maxBytes: 256 << 10, maxTime: 2 * time.Second,
	crcBuf: 64 << 10, crcBytes: 128 << 10, crcTime: 2 * time.Second}

// fakeProc makes a /proc with the given command lines (NUL-separated) and
// stat lines by pid.
func fakeProc(t *testing.T, cmdlines, stats map[string]string) string {
	root := t.TempDir()
	for pid, cmd := range cmdlines {
		dir := filepath.Join(root, pid)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "cmdline"), cmd)
		if s, ok := stats[pid]; ok {
			write(t, filepath.Join(dir, "stat"), s)
		}
	}
	return root
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// testRun runs a command line against fs, returning the exit status and
// the output.
func testRun(t *testing.T, fs Opener, procRoot string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	e := env{stdout: &stdout, stderr: &stderr, open: fs, procRoot: procRoot, bounds: tinyBounds,
		now: func() time.Time { return time.Date(2026, 11, 23, 17, 22, 8, 0, time.UTC) }}
	code := run(context.Background(), args, e)
	return code, stdout.String(), stderr.String()
}

package cli

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestDatanodeArgsParseAsHadoopsParseArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "regular"},
		{[]string{"-regular"}, "regular"},
		{[]string{"-ROLLBACK"}, "rollback"},
		{[]string{"-rollback", "-regular"}, "usage"},
		{[]string{"-rollingupgrade", "rollback"}, "usage"},
		{[]string{"-format"}, "usage"},
		{[]string{"--rack", "/r1"}, "-r, --rack arguments are not supported anymore. RackID resolution is handled by the NameNode."},
	}
	for _, tc := range tests {
		got, err := parseDataNodeArgs(tc.args)
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestDatanodeUnknownOptionPrintsUsageAndExits1(t *testing.T) {
	var out, errb bytes.Buffer
	code := runDatanode(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"-upgrade"})
	if code != 1 || !strings.Contains(errb.String(), "Usage: hdfs datanode [-regular | -rollback | -rollingupgrade rollback ]") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

// lineWaiter is a log destination that tells when a line containing a
// string has been written.
type lineWaiter struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *lineWaiter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if strings.Contains(w.b.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *lineWaiter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestDatanodeStartsAndStopsOnSIGTERM(t *testing.T) {
	// A NameNode address nobody answers on: the DataNode starts anyway and
	// keeps asking.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nn := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	site := `<configuration>
<property><name>fs.defaultFS</name><value>hdfs://` + nn + `</value></property>
<property><name>dfs.datanode.data.dir</name><value>` + filepath.Join(dir, "data") + `</value></property>
<property><name>dfs.datanode.address</name><value>127.0.0.1:0</value></property>
<property><name>dfs.datanode.ipc.address</name><value>127.0.0.1:0</value></property>
<property><name>dfs.datanode.http.address</name><value>127.0.0.1:0</value></property>
</configuration>`
	if err := os.WriteFile(filepath.Join(dir, "hdfs-site.xml"), []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	var out bytes.Buffer
	errw := &lineWaiter{want: `msg="DataNode up"`, seen: make(chan struct{})}
	done := make(chan int, 1)
	// runDatanode directly, as Run would call it for "--config DIR datanode".
	env := &Env{Stdout: &out, Stderr: errw, ConfDir: dir, Logger: slog.New(slog.NewTextHandler(errw, nil))}
	go func() { done <- runDatanode(ctx, env, nil) }()
	select {
	case <-errw.seen:
	case code := <-done:
		t.Fatalf("exited %d before coming up: %s", code, errw.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("no DataNode up line: %s", errw.String())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(errw.String(), `msg="DataNode stopped"`) {
			t.Fatalf("exit %d after SIGTERM: %s", code, errw.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("still running after SIGTERM: %s", errw.String())
	}
	if st, err := os.Stat(filepath.Join(dir, "data")); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("data dir %v %v, want created with 700", st, err)
	}
}

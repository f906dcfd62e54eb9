package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestJournalnodeRejectsArguments(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runJournalnode(context.Background(), &Env{Stdout: &out, Stderr: &errb, ConfDir: t.TempDir()}, []string{"-format"}); code != 1 ||
		!strings.Contains(errb.String(), "Usage: hdfs journalnode") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

func TestJournalnodeRejectsRelativeEditsDir(t *testing.T) {
	dir := t.TempDir()
	site := `<configuration><property><name>dfs.journalnode.edits.dir</name><value>rel/jn</value></property></configuration>`
	os.WriteFile(filepath.Join(dir, "hdfs-site.xml"), []byte(site), 0o644)
	var out, errb bytes.Buffer
	if code := runJournalnode(context.Background(), &Env{Stdout: &out, Stderr: &errb, ConfDir: dir}, nil); code != 1 ||
		!strings.Contains(errb.String(), "Journal dir 'rel/jn' should be an absolute path") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

func TestJournalnodeStartsAndStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	site := `<configuration>
<property><name>dfs.journalnode.edits.dir</name><value>` + filepath.Join(dir, "jn") + `</value></property>
<property><name>dfs.journalnode.rpc-address</name><value>127.0.0.1:0</value></property>
<property><name>dfs.journalnode.http-address</name><value>127.0.0.1:0</value></property>
</configuration>`
	if err := os.WriteFile(filepath.Join(dir, "hdfs-site.xml"), []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	var out bytes.Buffer
	errw := &lineWaiter{want: `msg="JournalNode up"`, seen: make(chan struct{})}
	done := make(chan int, 1)
	env := &Env{Stdout: &out, Stderr: errw, ConfDir: dir, Logger: slog.New(slog.NewTextHandler(errw, nil))}
	go func() { done <- runJournalnode(ctx, env, nil) }()
	select {
	case <-errw.seen:
	case code := <-done:
		t.Fatalf("exited %d before coming up: %s", code, errw.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("no JournalNode up line: %s", errw.String())
	}
	if !strings.Contains(errw.String(), "rpc=127.0.0.1:") || !strings.Contains(errw.String(), "http=127.0.0.1:") {
		t.Fatalf("up line: %s", errw.String())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(errw.String(), `msg="JournalNode stopped"`) {
			t.Fatalf("exit %d after SIGTERM: %s", code, errw.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("still running after SIGTERM: %s", errw.String())
	}
}

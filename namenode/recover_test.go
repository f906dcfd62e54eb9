package namenode

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Recovery mode with -force skips an op it cannot read, applies the ones
// after it, saves an image there, and a regular start then serves that.
func TestRecoverySkipsACorruptOp(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	for _, p := range []string{"/a", "/bbbbbbbbbbbbbbbb", "/c", "/d"} {
		nn.mkdirs(p)
	}
	nn.stop()
	segs, _ := filepath.Glob(filepath.Join(root, "name", "current", "edits_0*"))
	if len(segs) != 1 {
		t.Fatalf("segments %v", segs)
	}
	b, _ := os.ReadFile(segs[0])
	i := bytes.Index(b, []byte("bbbbbbbbbbbbbbbb"))
	if i < 0 {
		t.Fatal("the mkdir of /bbbbbbbbbbbbbbbb is not in the segment")
	}
	b[i+3] ^= 0x20 // the op's CRC no longer matches
	if err := os.WriteFile(segs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Start(context.Background(), c, cfg, Options{Logger: quietLogger()}); err == nil {
		t.Fatal("a regular start accepted the corrupt segment")
	}
	var out, errb bytes.Buffer
	code := Recover(context.Background(), c, cfg, RecoverOptions{Force: true, In: strings.NewReader("Y\n"),
		Out: &out, Err: &errb, Logger: quietLogger()})
	if code != 0 {
		t.Fatalf("recover: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "automatically choosing c") {
		t.Fatalf("recover did not report the skipped op:\n%s", out.String())
	}
	nn = startNN(t, c, cfg)
	for p, want := range map[string]bool{"/a": true, "/bbbbbbbbbbbbbbbb": false, "/c": true, "/d": true} {
		if got := nn.stat(p) != nil; got != want {
			t.Errorf("%s exists = %v after recovery, want %v", p, got, want)
		}
	}
}

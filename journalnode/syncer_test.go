package journalnode

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestSyncerCopiesMissingSegments: a JournalNode that lost finalized
// segments gets them back from its peer (JournalNodeSyncer), byte for
// byte, through edits.sync/.
func TestSyncerCopiesMissingSegments(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "a")
	copyStock(t, "jn1", src)
	dst := filepath.Join(root, "b")
	copyStock(t, "jn2", dst)
	missing := []string{"edits_0000000000000000003-0000000000000000034", "edits_0000000000000000035-0000000000000000036"}
	for _, m := range missing {
		if err := os.Remove(filepath.Join(dst, "ns1", "current", m)); err != nil {
			t.Fatal(err)
		}
	}
	a, _, _ := startDaemon(t, src, nil)
	b, _, _ := startDaemon(t, dst, map[string]string{
		"dfs.namenode.shared.edits.dir": "qjournal://" + a.RPCAddr() + ";127.0.0.1:1/ns1",
		"dfs.journalnode.enable.sync":   "false"})
	if got := b.others("ns1"); len(got) != 2 {
		t.Fatalf("peers %v", got)
	}
	j, err := b.node.journal("ns1", "")
	if err != nil {
		t.Fatal(err)
	}
	b.syncJournal(context.Background(), j, 0)
	for _, m := range missing {
		got, err := os.ReadFile(filepath.Join(dst, "ns1", "current", m))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(src, "ns1", "current", m))
		if !bytes.Equal(got, want) {
			t.Fatalf("%s differs", m)
		}
	}
	mf, err := b.node.Manifest(context.Background(), "ns1", "", 0, false)
	if err != nil || len(mf.Logs) != 8 {
		t.Fatalf("manifest %v %v", mf.Logs, err)
	}
}

func copyStock(t *testing.T, name, to string) {
	t.Helper()
	from := filepath.Join(extractStock(t), name)
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

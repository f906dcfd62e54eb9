package namenode

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/journalnode"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// testJN is a JournalNode in this process.
type testJN struct {
	d      *journalnode.Daemon
	cancel context.CancelFunc
	done   chan error
}

func startJN(t *testing.T, dir string) *testJN {
	t.Helper()
	c := conf.New()
	c.Set("dfs.journalnode.edits.dir", dir)
	c.Set("dfs.journalnode.rpc-address", "127.0.0.1:0")
	c.Set("dfs.journalnode.http-address", "127.0.0.1:0")
	c.Set("dfs.journalnode.enable.sync", "false")
	cfg, err := journalnode.ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, err := journalnode.Start(ctx, c, cfg, journalnode.Options{Logger: quietLogger()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	jn := &testJN{d: d, cancel: cancel, done: make(chan error, 1)}
	go func() { jn.done <- d.Run(ctx) }()
	t.Cleanup(jn.stop)
	return jn
}

func (jn *testJN) stop() {
	if jn.cancel != nil {
		jn.cancel()
		<-jn.done
		jn.cancel = nil
	}
}

// A NameNode whose only edits dir is qjournal:// writes every edit to the
// JournalNodes, formats them with the namespace, and after a restart
// replays from them what its local directories do not hold.
func TestNameNodeOnJournalNodes(t *testing.T) {
	root := t.TempDir()
	var jns []*testJN
	var addrs []string
	for i := range 3 {
		jn := startJN(t, filepath.Join(root, "jn", string(rune('a'+i))))
		jns = append(jns, jn)
		addrs = append(addrs, jn.d.RPCAddr())
	}
	uri := "qjournal://" + strings.Join(addrs, ";") + "/ns1"
	c, cfg := newTestConf(t, root, map[string]string{"dfs.namenode.edits.dir": uri,
		"dfs.qjournal.write-txns.timeout.ms": "3000", "ipc.client.connect.max.retries": "1"})
	if cfg.SharedEdits != uri || len(cfg.EditsDirs) != 0 {
		t.Fatalf("shared %q, local edits %v", cfg.SharedEdits, cfg.EditsDirs)
	}
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/a/b")
	nn.touch("/a/b/f")
	nn.stop()

	nn = startNN(t, c, cfg)
	if nn.stat("/a/b/f") == nil {
		t.Fatal("after a restart the file is missing: the edits on the JournalNodes were not replayed")
	}
	// One JournalNode down: a quorum is left, mutations go on.
	jns[0].stop()
	nn.mkdirs("/with-two")
	// Two down: no quorum. The mutation is not acknowledged and the
	// NameNode stops.
	jns[1].stop()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := nn.client.Call(ctx, nn.d.RPCAddr(), clientProtocol, "mkdirs", &hdfspb.MkdirsRequestProto{Src: proto.String("/no-quorum"),
		Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o755)}, CreateParent: proto.Bool(true)}, &hdfspb.MkdirsResponseProto{})
	if err == nil {
		t.Fatal("a mutation was acknowledged without a quorum of JournalNodes")
	}
	select {
	case runErr := <-nn.done:
		if runErr == nil {
			t.Fatal("the NameNode stopped cleanly after losing its quorum")
		}
		nn.cancel = nil // stopped already
	case <-time.After(30 * time.Second):
		t.Fatal("the NameNode kept running without a quorum")
	}
}

// -initializeSharedEdits copies a NameNode's edits since its newest image
// to new JournalNodes: started afterwards with its edits there only, the
// NameNode finds everything.
func TestInitializeSharedEdits(t *testing.T) {
	root := t.TempDir()
	var addrs []string
	for i := range 3 {
		addrs = append(addrs, startJN(t, filepath.Join(root, "jn", string(rune('a'+i)))).d.RPCAddr())
	}
	uri := "qjournal://" + strings.Join(addrs, ";") + "/ns1"
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/before/shared")
	nn.touch("/before/shared/f")
	nn.stop()

	_, shared := newTestConf(t, root, map[string]string{"dfs.namenode.shared.edits.dir": uri})
	if err := InitializeSharedEdits(context.Background(), shared, storageFormat(), quietLogger()); err != nil {
		t.Fatal(err)
	}
	c2, only := newTestConf(t, root, map[string]string{"dfs.namenode.edits.dir": uri})
	nn = startNN(t, c2, only)
	if nn.stat("/before/shared/f") == nil {
		t.Fatal("the edits copied to the JournalNodes do not hold /before/shared/f")
	}
}

func storageFormat() storage.FormatOptions { return storage.FormatOptions{NonInteractive: true} }

// `namenode -upgrade` upgrades the shared edit log with the local
// directories (previous/ kept on every JournalNode) and finalizeUpgrade
// finalizes both.
func TestUpgradeAndFinalizeTheSharedEditLog(t *testing.T) {
	root := t.TempDir()
	var addrs, jnDirs []string
	for i := range 3 {
		dir := filepath.Join(root, "jn", string(rune('a'+i)))
		jnDirs = append(jnDirs, dir)
		addrs = append(addrs, startJN(t, dir).d.RPCAddr())
	}
	uri := "qjournal://" + strings.Join(addrs, ";") + "/ns1"
	c, cfg := newTestConf(t, root, map[string]string{"dfs.namenode.shared.edits.dir": uri})
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/kept")
	nn.stop()

	ctx, cancel := context.WithCancel(context.Background())
	d, err := Start(ctx, c, cfg, Options{Logger: quietLogger(), Upgrade: true})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	for _, dir := range jnDirs {
		if _, err := os.Stat(filepath.Join(dir, "ns1", "previous")); err != nil {
			t.Errorf("after -upgrade %s has no previous/: %v", dir, err)
		}
	}
	if err := d.ns.finalizeUpgrade(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range jnDirs {
		if _, err := os.Stat(filepath.Join(dir, "ns1", "previous")); !os.IsNotExist(err) {
			t.Errorf("after finalizeUpgrade %s still has previous/ (%v)", dir, err)
		}
	}
	cancel()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

package namenode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

const clientProtocol = "org.apache.hadoop.hdfs.protocol.ClientProtocol"

// testNN is a NameNode on 127.0.0.1 over storage in a temporary folder.
type testNN struct {
	t      *testing.T
	conf   *conf.Conf
	cfg    Config
	d      *Daemon
	cancel context.CancelFunc
	done   chan error
	client *hadooprpc.Client
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestConf is a NameNode configuration over dirs under root.
func newTestConf(t *testing.T, root string, extra map[string]string) (*conf.Conf, Config) {
	t.Helper()
	c := conf.New()
	c.Set("dfs.namenode.name.dir", filepath.Join(root, "name"))
	c.Set("dfs.namenode.rpc-address", "127.0.0.1:0")
	c.Set("dfs.namenode.http-address", "127.0.0.1:0")
	for k, v := range extra {
		c.Set(k, v)
	}
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, cfg
}

func formatNN(t *testing.T, cfg Config) {
	t.Helper()
	err := Format(cfg, storage.FormatOptions{NonInteractive: true, ClusterID: "CID-test"}, quietLogger())
	if err != nil {
		t.Fatalf("format: %v", err)
	}
}

func startNN(t *testing.T, c *conf.Conf, cfg Config) *testNN {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := Start(ctx, c, cfg, Options{Logger: quietLogger()})
	if err != nil {
		cancel()
		t.Fatalf("start: %v", err)
	}
	nn := &testNN{t: t, conf: c, cfg: cfg, d: d, cancel: cancel, done: make(chan error, 1),
		client: hadooprpc.NewClient(hadooprpc.ClientConfig{User: cfg.User, Logger: quietLogger()})}
	go func() { nn.done <- d.Run(ctx) }()
	t.Cleanup(nn.stop)
	return nn
}

func (nn *testNN) stop() {
	if nn.cancel == nil {
		return
	}
	nn.cancel()
	nn.cancel = nil
	if err := <-nn.done; err != nil {
		nn.t.Errorf("namenode stopped with %v", err)
	}
	if nn.client != nil {
		nn.client.Close()
	}
}

func (nn *testNN) call(method string, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return nn.client.Call(ctx, nn.d.RPCAddr(), clientProtocol, method, req, resp)
}

func (nn *testNN) mustCall(method string, req, resp proto.Message) {
	nn.t.Helper()
	if err := nn.call(method, req, resp); err != nil {
		nn.t.Fatalf("%s: %v", method, err)
	}
}

func (nn *testNN) mkdirs(path string) {
	nn.t.Helper()
	nn.mustCall("mkdirs", &hdfspb.MkdirsRequestProto{Src: proto.String(path),
		Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o755)}, CreateParent: proto.Bool(true)},
		&hdfspb.MkdirsResponseProto{})
}

func (nn *testNN) touch(path string) {
	nn.t.Helper()
	var cr hdfspb.CreateResponseProto
	nn.mustCall("create", &hdfspb.CreateRequestProto{Src: proto.String(path),
		Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o644)}, ClientName: proto.String("DFSClient_test"),
		CreateFlag: proto.Uint32(1), CreateParent: proto.Bool(true), Replication: proto.Uint32(3),
		BlockSize: proto.Uint64(128 << 20)}, &cr)
	var done hdfspb.CompleteResponseProto
	nn.mustCall("complete", &hdfspb.CompleteRequestProto{Src: proto.String(path), ClientName: proto.String("DFSClient_test"),
		FileId: proto.Uint64(cr.GetFs().GetFileId())}, &done)
	if !done.GetResult() {
		nn.t.Fatalf("complete %s: false", path)
	}
}

func (nn *testNN) stat(path string) *hdfspb.HdfsFileStatusProto {
	nn.t.Helper()
	var resp hdfspb.GetFileInfoResponseProto
	nn.mustCall("getFileInfo", &hdfspb.GetFileInfoRequestProto{Src: proto.String(path)}, &resp)
	return resp.GetFs()
}

func TestFormatWritesHadoopsLayout(t *testing.T) {
	root := t.TempDir()
	_, cfg := newTestConf(t, root, map[string]string{
		"dfs.namenode.name.dir": filepath.Join(root, "a") + "," + filepath.Join(root, "b")})
	formatNN(t, cfg)
	for _, d := range []string{"a", "b"} {
		cur := filepath.Join(root, d, "current")
		for _, f := range []string{"VERSION", "seen_txid", "fsimage_0000000000000000000", "fsimage_0000000000000000000.md5"} {
			if _, err := os.Stat(filepath.Join(cur, f)); err != nil {
				t.Errorf("%s: %v", d, err)
			}
		}
		v, err := os.ReadFile(filepath.Join(cur, "VERSION"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"clusterID=CID-test", "storageType=NAME_NODE", "layoutVersion=-67", "blockpoolID=BP-"} {
			if !strings.Contains(string(v), want) {
				t.Errorf("%s/VERSION lacks %q:\n%s", d, want, v)
			}
		}
	}
}

func TestNamespaceSurvivesRestart(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/a/b/c")
	nn.touch("/a/b/f")
	nn.mustCall("rename2", &hdfspb.Rename2RequestProto{Src: proto.String("/a/b/f"), Dst: proto.String("/a/g"), OverwriteDest: proto.Bool(false)}, &hdfspb.Rename2ResponseProto{})
	nn.mustCall("setPermission", &hdfspb.SetPermissionRequestProto{Src: proto.String("/a/b"),
		Permission: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o1777)}}, &hdfspb.SetPermissionResponseProto{})
	nn.stop()

	// A clean stop finalizes the segment.
	cur := filepath.Join(root, "name", "current")
	names, _ := filepath.Glob(filepath.Join(cur, "edits_*"))
	for _, n := range names {
		if strings.Contains(n, "inprogress") {
			t.Errorf("clean stop left %s", n)
		}
	}

	nn = startNN(t, c, cfg)
	if st := nn.stat("/a/b/c"); st == nil || st.GetFileType() != hdfspb.HdfsFileStatusProto_IS_DIR {
		t.Fatalf("/a/b/c after restart: %v", st)
	}
	if st := nn.stat("/a/g"); st == nil || st.GetFileType() != hdfspb.HdfsFileStatusProto_IS_FILE {
		t.Fatalf("/a/g after restart: %v", st)
	}
	if st := nn.stat("/a/b/f"); st != nil {
		t.Fatalf("/a/b/f still there after the rename: %v", st)
	}
	if st := nn.stat("/a/b"); st.GetPermission().GetPerm() != 0o1777 {
		t.Fatalf("/a/b mode %o, want 1777", st.GetPermission().GetPerm())
	}
}

func TestSaveNamespaceNeedsSafeModeAndCheckpoints(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/x")
	err := nn.call("saveNamespace", &hdfspb.SaveNamespaceRequestProto{}, &hdfspb.SaveNamespaceResponseProto{})
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Message != "Safe mode should be turned ON in order to create namespace image." {
		t.Fatalf("saveNamespace out of safe mode: %v", err)
	}
	var sm hdfspb.SetSafeModeResponseProto
	nn.mustCall("setSafeMode", &hdfspb.SetSafeModeRequestProto{Action: hdfspb.SafeModeActionProto_SAFEMODE_ENTER.Enum()}, &sm)
	if !sm.GetResult() {
		t.Fatal("safe mode enter answered false")
	}
	err = nn.call("mkdirs", &hdfspb.MkdirsRequestProto{Src: proto.String("/y"),
		Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o755)}, CreateParent: proto.Bool(true)}, &hdfspb.MkdirsResponseProto{})
	if !errors.As(err, &re) || re.Class != classSafeMode || !strings.HasPrefix(re.Message, "Cannot create directory /y. Name node is in safe mode.\nIt was turned on manually.") {
		t.Fatalf("mkdirs in safe mode: %v", err)
	}
	var sr hdfspb.SaveNamespaceResponseProto
	nn.mustCall("saveNamespace", &hdfspb.SaveNamespaceRequestProto{}, &sr)
	nn.mustCall("setSafeMode", &hdfspb.SetSafeModeRequestProto{Action: hdfspb.SafeModeActionProto_SAFEMODE_LEAVE.Enum()}, &sm)
	var roll hdfspb.RollEditsResponseProto
	nn.mustCall("rollEdits", &hdfspb.RollEditsRequestProto{}, &roll)
	nn.mkdirs("/z")
	nn.stop()
	images, _ := filepath.Glob(filepath.Join(root, "name", "current", "fsimage_???????????????????"))
	if len(images) != 2 {
		t.Fatalf("images after saveNamespace: %v", images)
	}
	nn = startNN(t, c, cfg)
	for _, p := range []string{"/x", "/z"} {
		if nn.stat(p) == nil {
			t.Errorf("%s lost", p)
		}
	}
}

// faultFS is the real file system with writes and syncs failing under
// the prefixes in bad.
type faultFS struct {
	storage.FS
	mu  sync.Mutex
	bad []string
}

func (f *faultFS) fail(prefix string) {
	f.mu.Lock()
	f.bad = append(f.bad, prefix)
	f.mu.Unlock()
}

func (f *faultFS) broken(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.bad {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func (f *faultFS) Create(name string) (storage.File, error) {
	if f.broken(name) {
		return nil, errors.New("injected: disk gone")
	}
	file, err := f.FS.Create(name)
	if err != nil {
		return nil, err
	}
	return &faultFile{RandomFile: file.(storage.RandomFile), fs: f, name: name}, nil
}

type faultFile struct {
	storage.RandomFile
	fs   *faultFS
	name string
}

func (f *faultFile) Write(p []byte) (int, error) {
	if f.fs.broken(f.name) {
		return 0, errors.New("injected: disk gone")
	}
	return f.RandomFile.Write(p)
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	if f.fs.broken(f.name) {
		return 0, errors.New("injected: disk gone")
	}
	return f.RandomFile.WriteAt(p, off)
}

func (f *faultFile) Sync() error {
	if f.fs.broken(f.name) {
		return errors.New("injected: disk gone")
	}
	return f.RandomFile.Sync()
}

// With two name dirs, a dir whose writes fail is dropped and the
// NameNode goes on; when the last one fails, it stops without
// acknowledging the mutation.
func TestFailingNameDirIsDroppedUntilNoneIsLeft(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	fsys := &faultFS{FS: storage.OSFS}
	c, cfg := newTestConf(t, root, map[string]string{"dfs.namenode.name.dir": a + "," + b})
	if err := FormatOn(fsys, cfg, storage.FormatOptions{NonInteractive: true}, quietLogger()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := Start(ctx, c, cfg, Options{Logger: quietLogger(), FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	nn := &testNN{t: t, conf: c, cfg: cfg, d: d, client: hadooprpc.NewClient(hadooprpc.ClientConfig{User: cfg.User, Logger: quietLogger()})}
	defer nn.client.Close()
	nn.mkdirs("/before")

	fsys.fail(a)
	nn.mkdirs("/one-dir-left")
	if f := d.dirs.Failures(); len(f) != 1 || f[0].Dir.Root != a {
		t.Fatalf("failures %v, want %s dropped", f, a)
	}

	fsys.fail(b)
	if err := nn.call("mkdirs", &hdfspb.MkdirsRequestProto{Src: proto.String("/lost"),
		Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o755)}, CreateParent: proto.Bool(true)},
		&hdfspb.MkdirsResponseProto{}); err == nil {
		t.Fatal("mkdirs acknowledged with no edits dir left")
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the NameNode stopped without an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the NameNode did not stop when no edits dir was left")
	}
}

// The background checkpoint saves an image without stopping writers, keeps
// the open segment in place, and retention keeps two images; everything
// written before, during and after it is there after a restart.
func TestBackgroundCheckpointKeepsTheOpenSegment(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	cfg.CheckpointTxns = 40
	cfg.CheckpointCheck = 20 * time.Millisecond
	cfg.Retention.ExtraEditsRetained = 5 // so that old segments are purged too
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	cur := filepath.Join(root, "name", "current")
	images := func() []string {
		m, _ := filepath.Glob(filepath.Join(cur, "fsimage_???????????????????"))
		return m
	}
	made := 0
	seen := map[string]bool{}
	deadline := time.Now().Add(20 * time.Second)
	for len(seen) < 4 || made < 300 { // fsimage_0 and three checkpoints
		if time.Now().After(deadline) {
			t.Fatalf("fewer than three checkpoints after %d mkdirs: %v", made, seen)
		}
		nn.mkdirs(fmt.Sprintf("/d/%d", made))
		made++
		for _, img := range images() {
			seen[filepath.Base(img)] = true
		}
	}
	for i := 0; i < 50; i++ {
		nn.mkdirs(fmt.Sprintf("/d/%d", made))
		made++
	}
	if stale, _ := filepath.Glob(filepath.Join(cur, "*.stale")); len(stale) > 0 {
		t.Fatalf("the open segment was set aside: %v", stale)
	}
	if n := len(images()); n > 2 {
		t.Fatalf("%d images kept, want dfs.namenode.num.checkpoints.retained (2)", n)
	}
	nn.stop()
	nn = startNN(t, c, cfg)
	for i := 0; i < made; i++ {
		if nn.stat(fmt.Sprintf("/d/%d", i)) == nil {
			t.Fatalf("/d/%d lost across checkpoints and a restart", i)
		}
	}
}

// With dfs.namenode.servicerpc-address set, the NameNode serves the same
// protocols on a second port, which DataNodes use.
func TestServiceRPCAddressServesToo(t *testing.T) {
	c, cfg := newTestConf(t, t.TempDir(), map[string]string{"dfs.namenode.servicerpc-address": "127.0.0.1:0"})
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	if nn.d.ServiceRPCAddr() == nn.d.RPCAddr() {
		t.Fatalf("service RPC address %s is the client one", nn.d.ServiceRPCAddr())
	}
	nn.mkdirs("/through-client-port")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var resp hdfspb.GetFileInfoResponseProto
	if err := nn.client.Call(ctx, nn.d.ServiceRPCAddr(), clientProtocol, "getFileInfo",
		&hdfspb.GetFileInfoRequestProto{Src: proto.String("/through-client-port")}, &resp); err != nil || resp.GetFs() == nil {
		t.Fatalf("getFileInfo on the service port: %v %v", resp.GetFs(), err)
	}
}

package namenode

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (nn *testNN) invoke(method string, callID, retry int32, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return nn.client.Invoke(ctx, nn.d.RPCAddr(), clientProtocol, method,
		hadooprpc.CallOptions{CallID: callID, RetryCount: retry}, req, resp)
}

// A retried delete (same client id, same call id) answers what the first
// attempt answered, even though the path is gone by then; a new call id
// runs again and answers false. The cache survives a restart: it is
// rebuilt from the edit log's rpc ids.
func TestRetriedCallGetsItsFirstAnswer(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/d")
	del := &hdfspb.DeleteRequestProto{Src: proto.String("/d"), Recursive: proto.Bool(true)}
	var first, retried, fresh hdfspb.DeleteResponseProto
	if err := nn.invoke("delete", 1000, 0, del, &first); err != nil || !first.GetResult() {
		t.Fatalf("first delete: %v %v", first.GetResult(), err)
	}
	if err := nn.invoke("delete", 1000, 1, del, &retried); err != nil || !retried.GetResult() {
		t.Fatalf("retried delete: %v %v, want the first answer (true)", retried.GetResult(), err)
	}
	if err := nn.invoke("delete", 1001, 0, del, &fresh); err != nil || fresh.GetResult() {
		t.Fatalf("new delete: %v %v, want false", fresh.GetResult(), err)
	}
	// The same client after a restart.
	id := nn.client
	nn.client = nil
	nn.stop()
	nn = startNN(t, c, cfg)
	nn.client.Close()
	nn.client = id
	var again hdfspb.DeleteResponseProto
	if err := nn.invoke("delete", 1000, 2, del, &again); err != nil || !again.GetResult() {
		t.Fatalf("delete retried after a restart: %v %v, want true from the rebuilt cache", again.GetResult(), err)
	}
}

// A corrupt image is refused with an error naming it; nothing is dropped.
func TestCorruptImageIsRefusedByName(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	img := filepath.Join(root, "name", "current", "fsimage_0000000000000000000")
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(img, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Start(context.Background(), c, cfg, Options{Logger: quietLogger()})
	if err == nil || !strings.Contains(err.Error(), img) {
		t.Fatalf("start on a corrupt image: %v; want an error naming %s", err, img)
	}
}

// A corrupt finalized segment stops the start with its name.
func TestCorruptFinalizedSegmentIsRefusedByName(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	for _, p := range []string{"/a", "/b", "/c"} {
		nn.mkdirs(p)
	}
	nn.stop()
	segs, _ := filepath.Glob(filepath.Join(root, "name", "current", "edits_0*"))
	if len(segs) != 1 {
		t.Fatalf("segments %v", segs)
	}
	b, _ := os.ReadFile(segs[0])
	b[len(b)-30] ^= 0x55
	os.WriteFile(segs[0], b, 0o644)
	_, err := Start(context.Background(), c, cfg, Options{Logger: quietLogger()})
	if err == nil || !strings.Contains(err.Error(), filepath.Base(segs[0])) {
		t.Fatalf("start on a corrupt segment: %v; want an error naming %s", err, segs[0])
	}
	var re *hadooprpc.RemoteError
	_ = errors.As(err, &re)
}

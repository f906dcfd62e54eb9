package hadooprpc

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"google.golang.org/protobuf/proto"
)

// With InlineLoneCalls a call that finds its connection idle runs on the
// reader; a call sent meanwhile on the same connection waits for it and
// is then answered, and many concurrent callers all get their own answer
// (answers written directly or by the writer, in any order).
func TestInlineLoneCalls(t *testing.T) {
	s := NewServer(ServerConfig{Logger: slog.New(slog.DiscardHandler), InlineLoneCalls: true})
	release := make(chan struct{})
	s.Register(Protocol{Name: testProtocol, Version: 1, Methods: map[string]Handler{
		"getLinkTarget": Method(func() *hdfspb.GetLinkTargetRequestProto { return &hdfspb.GetLinkTargetRequestProto{} },
			func(ctx context.Context, r *hdfspb.GetLinkTargetRequestProto) (*hdfspb.GetLinkTargetResponseProto, error) {
				if r.GetPath() == "/block" {
					<-release
				}
				return &hdfspb.GetLinkTargetResponseProto{TargetPath: proto.String("to" + r.GetPath())}, nil
			}),
	}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	defer s.Close()
	c := NewClient(ClientConfig{Logger: slog.New(slog.DiscardHandler)})
	defer c.Close()
	call := func(path string) (string, error) {
		resp := &hdfspb.GetLinkTargetResponseProto{}
		err := c.Call(context.Background(), l.Addr().String(), testProtocol, "getLinkTarget",
			&hdfspb.GetLinkTargetRequestProto{Path: proto.String(path)}, resp)
		return resp.GetTargetPath(), err
	}
	if got, err := call("/a"); err != nil || got != "to/a" {
		t.Fatalf("got %q, %v", got, err)
	}
	blocked := make(chan error, 1)
	go func() {
		got, err := call("/block")
		if err == nil && got != "to/block" {
			err = fmt.Errorf("got %q", got)
		}
		blocked <- err
	}()
	behind := make(chan error, 1)
	go func() {
		got, err := call("/behind")
		if err == nil && got != "to/behind" {
			err = fmt.Errorf("got %q", got)
		}
		behind <- err
	}()
	close(release)
	for _, ch := range []chan error{blocked, behind} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			p := fmt.Sprintf("/p%d", i)
			if got, err := call(p); err != nil || got != "to"+p {
				t.Errorf("%s: got %q, %v", p, got, err)
			}
		})
	}
	wg.Wait()
}

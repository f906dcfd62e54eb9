package hadooprpc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"sync"
	"testing"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"google.golang.org/protobuf/proto"
)

const haProtocol = "org.apache.hadoop.ha.HAServiceProtocol"

// startClientTestServer runs a real Server on a loopback port until tb
// ends. It serves HAServiceProtocol.monitorHealth (empty in, empty out)
// and a ClientProtocol.getLinkTarget that echoes, or fails for "/missing".
func startClientTestServer(tb testing.TB) string {
	tb.Helper()
	s := NewServer(ServerConfig{Logger: slog.New(slog.DiscardHandler)})
	s.Register(Protocol{Name: haProtocol, Version: 1, Methods: map[string]Handler{
		"monitorHealth": Method(func() *commonpb.MonitorHealthRequestProto { return &commonpb.MonitorHealthRequestProto{} },
			func(context.Context, *commonpb.MonitorHealthRequestProto) (*commonpb.MonitorHealthResponseProto, error) {
				return &commonpb.MonitorHealthResponseProto{}, nil
			}),
	}})
	s.Register(Protocol{Name: testProtocol, Version: 1, Methods: map[string]Handler{
		"getLinkTarget": Method(func() *hdfspb.GetLinkTargetRequestProto { return &hdfspb.GetLinkTargetRequestProto{} },
			func(ctx context.Context, r *hdfspb.GetLinkTargetRequestProto) (*hdfspb.GetLinkTargetResponseProto, error) {
				if r.GetPath() == "/missing" {
					return nil, fmt.Errorf("File does not exist: %s: %w", r.GetPath(), ErrFileNotFound)
				}
				c, _ := CallerFromContext(ctx)
				return &hdfspb.GetLinkTargetResponseProto{TargetPath: proto.String(fmt.Sprintf("%s as %s call %d retry %d",
					r.GetPath(), c.User, c.CallID, c.RetryCount))}, nil
			}),
	}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	tb.Cleanup(func() {
		s.Close()
		<-done
	})
	return l.Addr().String()
}

func monitorHealth(ctx context.Context, c *Client, addr string) error {
	return c.Call(ctx, addr, haProtocol, "monitorHealth", &commonpb.MonitorHealthRequestProto{}, &commonpb.MonitorHealthResponseProto{})
}

// The client against this package's server over TCP: user, call id and
// retry count reach the handler; handler errors come back as the Java
// class the server maps them to; concurrent calls share a connection.
func TestClientAgainstServer(t *testing.T) {
	addr := startClientTestServer(t)
	c := NewClient(ClientConfig{User: "carol", Logger: slog.New(slog.DiscardHandler)})
	defer c.Close()
	ctx := context.Background()
	if err := monitorHealth(ctx, c, addr); err != nil {
		t.Fatal(err)
	}
	resp := &hdfspb.GetLinkTargetResponseProto{}
	req := &hdfspb.GetLinkTargetRequestProto{Path: proto.String("/a")}
	if err := c.Invoke(ctx, addr, testProtocol, "getLinkTarget", CallOptions{CallID: 41, RetryCount: 2, ConnectRetries: -1}, req, resp); err != nil {
		t.Fatal(err)
	}
	if got, want := resp.GetTargetPath(), "/a as carol call 41 retry 2"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	req.Path = proto.String("/missing")
	err := c.Call(ctx, addr, testProtocol, "getLinkTarget", req, resp)
	var re *RemoteError
	if !errors.As(err, &re) || re.Class != ClassFileNotFound || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want FileNotFoundException", err)
	}
	err = c.Call(ctx, addr, testProtocol, "noSuchMethod", req, resp)
	if !errors.Is(err, ErrNoSuchMethod) {
		t.Errorf("err = %v, want RpcNoSuchMethodException", err)
	}
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range 50 {
				if err := monitorHealth(ctx, c, addr); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	c.mu.Lock()
	conns := len(c.mu.conns)
	c.mu.Unlock()
	if conns != 2 { // one per protocol
		t.Errorf("%d connections, want 2", conns)
	}
}

package hadooprpc

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// gatedProtocol's refresh reports each call on started and returns when
// release is closed or the call's context ends (answering ctx's error).
func gatedProtocol(started chan<- string, release <-chan struct{}) Protocol {
	return Protocol{Name: refreshProtocol, Version: 1, Methods: map[string]Handler{
		"refresh": Method(func() *refreshReq { return new(refreshReq) }, func(ctx context.Context, r *refreshReq) (*refreshResp, error) {
			started <- r.GetIdentifier()
			select {
			case <-release:
				return &refreshResp{}, nil
			case <-ctx.Done():
				started <- "cancelled " + r.GetIdentifier()
				return nil, ctx.Err()
			}
		}),
	}}
}

// Shutdown stops accepting at once, lets the call in flight finish and be
// answered, then closes the connection and returns.
func TestServerShutdownDrainsCallsInFlight(t *testing.T) {
	started, release := make(chan string, 4), make(chan struct{})
	s, addr := startTestServer(t, ServerConfig{}, gatedProtocol(started, release))
	c := dialRawTestClient(t, addr).connect("hank", refreshProtocol)
	c.refresh(1, "slow")
	<-started

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	waitRefused(t, addr)
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a call in flight", err)
	default:
	}
	close(release)
	if h, _ := c.response(); h.GetCallId() != 1 || h.GetStatus() != commonpb.RpcResponseHeaderProto_SUCCESS {
		t.Fatalf("in-flight call answered with %v", h)
	}
	c.expectClosed()
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// waitRefused dials until the listener is gone.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		nc.Close()
		time.Sleep(time.Millisecond)
	}
	t.Fatal("listener still accepts after Shutdown")
}

// Shutdown with an expired context falls back to Close: calls are cancelled.
func TestServerShutdownDeadlineCancelsCalls(t *testing.T) {
	started := make(chan string, 4)
	s, addr := startTestServer(t, ServerConfig{}, gatedProtocol(started, nil))
	c := dialRawTestClient(t, addr).connect("ivy", refreshProtocol)
	c.refresh(1, "stuck")
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown = %v, want context.Canceled", err)
	}
	if got := <-started; got != "cancelled stuck" {
		t.Fatalf("handler saw %q", got)
	}
	c.expectClosed()
}

// A client that goes away cancels its calls' contexts.
func TestServerCancelsCallsWhenClientCloses(t *testing.T) {
	started := make(chan string, 4)
	_, addr := startTestServer(t, ServerConfig{}, gatedProtocol(started, nil))
	c := dialRawTestClient(t, addr).connect("jack", refreshProtocol)
	c.refresh(1, "orphan")
	<-started
	c.nc.Close()
	if got := <-started; got != "cancelled orphan" {
		t.Fatalf("handler saw %q", got)
	}
}

// Beyond ipc.server.max.connections new connections are closed unanswered.
func TestServerDropsConnectionsBeyondMax(t *testing.T) {
	_, addr := startTestServer(t, ServerConfig{MaxConnections: 1}, refreshTestProtocol(nil))
	first := dialRawTestClient(t, addr).connect("kim", refreshProtocol)
	checkStillServes(t, first, 1)
	second := dialRawTestClient(t, addr)
	second.expectClosed()
	checkStillServes(t, first, 2)
}

// A connection with no call in flight for IdleTimeout is closed; one whose
// call runs longer than that is not.
func TestServerClosesIdleConnections(t *testing.T) {
	started, release := make(chan string, 4), make(chan struct{})
	_, addr := startTestServer(t, ServerConfig{IdleTimeout: 50 * time.Millisecond}, gatedProtocol(started, release))
	busy := dialRawTestClient(t, addr).connect("lee", refreshProtocol)
	busy.refresh(1, "long")
	<-started
	idle := dialRawTestClient(t, addr).connect("max", refreshProtocol)
	idle.expectClosed() // the idle one goes while the busy one's call runs
	close(release)
	if h, _ := busy.response(); h.GetCallId() != 1 {
		t.Fatalf("busy connection: %v", h)
	}
	busy.expectClosed() // and then it is idle too
}

// The connection context's users reach the handler; calls of one user on
// behalf of another carry both (ProtoUtil.getUgi).
func TestServerPassesProxyUserToHandlers(t *testing.T) {
	_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr)
	c.write(preamble(9, AuthNone))
	c.frame(rawRPCHeader(CallIDConnectionContext), &commonpb.IpcConnectionContextProto{
		UserInfo: &commonpb.UserInformationProto{EffectiveUser: proto.String("nina"), RealUser: proto.String("oozie")},
		Protocol: proto.String(refreshProtocol),
	})
	c.refresh(1, "echo")
	if _, r := c.refreshResponse(); r.Responses[0].GetSenderName() != "nina/oozie/"+refreshProtocol+"/refresh" {
		t.Fatalf("caller = %q", r.Responses[0].GetSenderName())
	}
}

// Authorize vets the connection once its context is read; a refusal is a
// FATAL_UNAUTHORIZED answer with the error's class.
func TestServerAuthorizeRefusesConnection(t *testing.T) {
	cfg := ServerConfig{Authorize: func(c Caller) error {
		if c.RealUser != "" {
			return &RemoteError{Class: "org.apache.hadoop.security.authorize.AuthorizationException",
				Message: "User: " + c.RealUser + " is not allowed to impersonate " + c.User}
		}
		return nil
	}}
	_, addr := startTestServer(t, cfg, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr)
	c.write(preamble(9, AuthNone))
	c.frame(rawRPCHeader(CallIDConnectionContext), &commonpb.IpcConnectionContextProto{
		UserInfo: &commonpb.UserInformationProto{EffectiveUser: proto.String("nina"), RealUser: proto.String("oozie")},
	})
	h, _ := c.response()
	checkHeaderEqual(t, h, fatalWant(-3, 0, commonpb.RpcResponseHeaderProto_FATAL_UNAUTHORIZED,
		"org.apache.hadoop.security.authorize.AuthorizationException", "User: oozie is not allowed to impersonate nina"))
	c.expectClosed()
}

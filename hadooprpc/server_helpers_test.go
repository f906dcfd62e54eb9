package hadooprpc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// The test protocol: Hadoop's GenericRefreshProtocol, whose refresh method
// the tests bend into an echo server. The identifier picks the behaviour.
const refreshProtocol = "org.apache.hadoop.ipc.GenericRefreshProtocol"

type refreshReq = commonpb.GenericRefreshRequestProto
type refreshResp = commonpb.GenericRefreshResponseCollectionProto

// refreshTestProtocol answers refresh(identifier, args):
//
//	echo   args joined, sender "user/realUser/protocol/method"
//	fail   a RemoteError of class args[0], message args[1]
//	plain  a plain Go error (java.io.IOException)
//	panic  a panic
//	block  waits for release (or the call's context) and echoes
//	ctx    waits for the call's context to end, answers its error
func refreshTestProtocol(release <-chan struct{}) Protocol {
	return Protocol{
		Name: refreshProtocol, Version: 1,
		Methods: map[string]Handler{
			"refresh": Method(func() *refreshReq { return new(refreshReq) }, func(ctx context.Context, r *refreshReq) (*refreshResp, error) {
				return refreshHandler(ctx, r, release)
			}),
		},
	}
}

func refreshHandler(ctx context.Context, r *refreshReq, release <-chan struct{}) (*refreshResp, error) {
	c, _ := CallerFromContext(ctx)
	switch r.GetIdentifier() {
	case "fail":
		return nil, &RemoteError{Class: r.Args[0], Message: r.Args[1]}
	case "plain":
		return nil, errors.New("plain failure")
	case "panic":
		panic("handler bug")
	case "block":
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case "ctx":
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return &refreshResp{Responses: []*commonpb.GenericRefreshResponseProto{{
		ExitStatus:  proto.Int32(c.CallID),
		UserMessage: proto.String(strings.Join(r.Args, " ")),
		SenderName:  proto.String(c.User + "/" + c.RealUser + "/" + c.Protocol + "/" + c.Method),
	}}}, nil
}

// startTestServer runs a server on a loopback port until the test ends, and
// checks that Serve returned ErrServerClosed and no goroutine was left.
func startTestServer(t *testing.T, cfg ServerConfig, ps ...Protocol) (*Server, string) {
	t.Helper()
	checkNoGoroutineLeak(t)
	if cfg.Logger == nil {
		cfg.Logger = serverTestLogger(t)
	}
	s := NewServer(cfg)
	for _, p := range ps {
		s.Register(p)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return s, l.Addr().String()
}

// checkNoGoroutineLeak fails the test if goroutines started during it outlive it.
func checkNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
	})
}

// rawTestClient speaks Hadoop IPC by hand, frame by frame.
type rawTestClient struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dialRawTestClient(t *testing.T, addr string) *rawTestClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { nc.Close() })
	return &rawTestClient{t: t, nc: nc, br: bufio.NewReader(nc)}
}

// connect sends the preamble and the connection context for user and
// protocol, as a SIMPLE client without SASL does.
func (c *rawTestClient) connect(user, protocol string) *rawTestClient {
	c.write(AppendPreamble(nil, Preamble{Version: Version, AuthProtocol: AuthNone}))
	c.frame(rawRPCHeader(CallIDConnectionContext), &commonpb.IpcConnectionContextProto{
		UserInfo: &commonpb.UserInformationProto{EffectiveUser: proto.String(user)},
		Protocol: proto.String(protocol),
	})
	return c
}

func (c *rawTestClient) write(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *rawTestClient) frame(msgs ...proto.Message) {
	c.t.Helper()
	b, err := AppendFrame(nil, msgs...)
	if err != nil {
		c.t.Fatal(err)
	}
	c.write(b)
}

var rawTestClientID = []byte("0123456789abcdef")

func rawRPCHeader(callID int32) *commonpb.RpcRequestHeaderProto {
	return &commonpb.RpcRequestHeaderProto{
		RpcKind:    commonpb.RpcKindProto_RPC_PROTOCOL_BUFFER.Enum(),
		RpcOp:      commonpb.RpcRequestHeaderProto_RPC_FINAL_PACKET.Enum(),
		CallId:     proto.Int32(callID),
		ClientId:   rawTestClientID,
		RetryCount: proto.Int32(0),
	}
}

func rawMethodHeader(protocol, method string) *commonpb.RequestHeaderProto {
	return &commonpb.RequestHeaderProto{
		MethodName: proto.String(method), DeclaringClassProtocolName: proto.String(protocol),
		ClientProtocolVersion: proto.Uint64(1),
	}
}

// refresh sends refresh(identifier, args...) as call id.
func (c *rawTestClient) refresh(id int32, identifier string, args ...string) {
	c.t.Helper()
	c.frame(rawRPCHeader(id), rawMethodHeader(refreshProtocol, "refresh"),
		&refreshReq{Identifier: proto.String(identifier), Args: args})
}

// response reads one response frame: its header and, on SUCCESS, the body.
func (c *rawTestClient) response() (*commonpb.RpcResponseHeaderProto, []byte) {
	c.t.Helper()
	frame, err := ReadFrame(c.br, DefaultMaxDataLength, nil)
	if err != nil {
		c.t.Fatalf("reading response: %v", err)
	}
	var h commonpb.RpcResponseHeaderProto
	rest, err := UnmarshalDelimited(frame, &h)
	if err != nil {
		c.t.Fatal(err)
	}
	if h.GetStatus() != commonpb.RpcResponseHeaderProto_SUCCESS {
		if len(rest) != 0 {
			c.t.Errorf("error response with %d bytes after the header", len(rest))
		}
		return &h, nil
	}
	body, rest, err := NextDelimited(rest)
	if err != nil || len(rest) != 0 {
		c.t.Fatalf("response body: %v, %d trailing bytes", err, len(rest))
	}
	return &h, body
}

// refreshResponse reads a response and decodes a SUCCESS body.
func (c *rawTestClient) refreshResponse() (*commonpb.RpcResponseHeaderProto, *refreshResp) {
	c.t.Helper()
	h, body := c.response()
	if body == nil {
		return h, nil
	}
	var r refreshResp
	if err := proto.Unmarshal(body, &r); err != nil {
		c.t.Fatal(err)
	}
	return h, &r
}

// expectClosed reads until EOF, failing on anything but EOF or a reset.
func (c *rawTestClient) expectClosed() {
	c.t.Helper()
	b, err := io.ReadAll(c.br)
	if len(b) > 0 {
		c.t.Errorf("unexpected %d bytes before close: %q", len(b), b)
	}
	var ne net.Error
	if err != nil && !(errors.As(err, &ne) && !ne.Timeout()) && !strings.Contains(err.Error(), "reset") {
		c.t.Errorf("waiting for close: %v", err)
	}
}

// readAll reads everything up to EOF.
func (c *rawTestClient) readAll() []byte {
	c.t.Helper()
	b, err := io.ReadAll(c.br)
	if err != nil && !strings.Contains(err.Error(), "reset") {
		c.t.Errorf("reading to EOF: %v", err)
	}
	return b
}

func rawBE32(n int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

// serverTestLogger sends the server's log lines to the test log.
func serverTestLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(serverTestLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type serverTestLogWriter struct{ t *testing.T }

func (w serverTestLogWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

func newBufReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

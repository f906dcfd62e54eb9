package hadooprpc

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"google.golang.org/protobuf/proto"
)

// A fakeNet routes a Client's dials to scripted fake servers over
// net.Pipe, so client tests need no sockets and run inside synctest
// bubbles. An address with no server refuses the connection.
type fakeNet struct {
	t       testing.TB
	mu      sync.Mutex
	servers map[string]*fakeServer
}

func newFakeNet(t testing.TB) *fakeNet {
	return &fakeNet{t: t, servers: make(map[string]*fakeServer)}
}

// server adds a fake server at addr; handle runs once per connection.
func (n *fakeNet) server(addr string, handle func(*fakeConn)) *fakeServer {
	s := &fakeServer{t: n.t, addr: addr, handle: handle}
	n.mu.Lock()
	n.servers[addr] = s
	n.mu.Unlock()
	n.t.Cleanup(s.wait)
	return s
}

func (n *fakeNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	s := n.servers[addr]
	n.mu.Unlock()
	if s == nil || s.refuse.Load() {
		return nil, errRefused
	}
	client, server := net.Pipe()
	s.dials.Add(1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer server.Close()
		s.handle(newFakeConn(n.t, server))
	}()
	return client, nil
}

var errRefused = &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}

// fakeServer counts the connections made to it.
type fakeServer struct {
	t      testing.TB
	addr   string
	handle func(*fakeConn)
	dials  atomic.Int32
	refuse atomic.Bool
	wg     sync.WaitGroup
}

func (s *fakeServer) wait() { s.wg.Wait() }

// fakeConn is the server end of one connection.
type fakeConn struct {
	t   testing.TB
	nc  net.Conn
	br  *bufio.Reader
	seq int32 // connection number, set by numberedServer
}

func newFakeConn(t testing.TB, nc net.Conn) *fakeConn {
	return &fakeConn{t: t, nc: nc, br: bufio.NewReader(nc)}
}

// fakeRequest is one frame the client sent, decoded.
type fakeRequest struct {
	raw    []byte // the frame without its length
	header *commonpb.RpcRequestHeaderProto
	method *commonpb.RequestHeaderProto // nil for the context and pings
	body   []byte                       // the message after the headers
}

// handshake reads the preamble and the connection context.
func (fc *fakeConn) handshake() (Preamble, *fakeRequest, *commonpb.IpcConnectionContextProto, error) {
	p, err := ReadPreamble(fc.br)
	if err != nil {
		return p, nil, nil, err
	}
	r, err := fc.readFrame()
	if err != nil {
		return p, nil, nil, err
	}
	cc := &commonpb.IpcConnectionContextProto{}
	if err := proto.Unmarshal(r.body, cc); err != nil {
		return p, r, nil, err
	}
	return p, r, cc, nil
}

// accept runs the handshake, failing the test if it goes wrong.
func (fc *fakeConn) accept() *commonpb.IpcConnectionContextProto {
	_, _, cc, err := fc.handshake()
	if err != nil {
		fc.t.Errorf("fake server: handshake: %v", err)
	}
	return cc
}

// readFrame reads one request frame; pings come back with method nil.
func (fc *fakeConn) readFrame() (*fakeRequest, error) {
	raw, err := ReadFrame(fc.br, DefaultMaxDataLength, nil)
	if err != nil {
		return nil, err
	}
	r := &fakeRequest{raw: raw, header: &commonpb.RpcRequestHeaderProto{}}
	rest, err := UnmarshalDelimited(raw, r.header)
	if err != nil {
		return nil, err
	}
	if id := r.header.GetCallId(); id == CallIDPing || id == CallIDConnectionContext {
		if len(rest) > 0 {
			r.body, _, err = NextDelimited(rest)
		}
		return r, err
	}
	r.method = &commonpb.RequestHeaderProto{}
	if rest, err = UnmarshalDelimited(rest, r.method); err != nil {
		return nil, err
	}
	r.body, _, err = NextDelimited(rest)
	return r, err
}

// next returns the next call, skipping pings; nil at EOF.
func (fc *fakeConn) next() *fakeRequest {
	for {
		r, err := fc.readFrame()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
				fc.t.Errorf("fake server: reading request: %v", err)
			}
			return nil
		}
		if r.method != nil {
			return r
		}
	}
}

// respond sends a SUCCESS answer to r carrying resp.
func (fc *fakeConn) respond(r *fakeRequest, resp proto.Message) {
	fc.write(cliSuccessFrame(r.header.GetCallId(), r.header.GetClientId(), resp))
}

// fail sends an ERROR answer to r.
func (fc *fakeConn) fail(r *fakeRequest, class, msg string) {
	fc.write(cliErrorFrame(r.header.GetCallId(), commonpb.RpcResponseHeaderProto_ERROR, class, msg))
}

func (fc *fakeConn) write(b []byte) {
	if _, err := fc.nc.Write(b); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		fc.t.Errorf("fake server: write: %v", err)
	}
}

// serveEcho answers every getLinkTarget call with "target-of-<path>".
func serveEcho(fc *fakeConn) {
	fc.accept()
	for r := fc.next(); r != nil; r = fc.next() {
		fc.respond(r, echoResponse(r))
	}
}

func echoResponse(r *fakeRequest) *hdfspb.GetLinkTargetResponseProto {
	req := &hdfspb.GetLinkTargetRequestProto{}
	proto.Unmarshal(r.body, req)
	return &hdfspb.GetLinkTargetResponseProto{TargetPath: proto.String("target-of-" + req.GetPath())}
}

func cliSuccessFrame(callID int32, clientID []byte, resp proto.Message) []byte {
	h := &commonpb.RpcResponseHeaderProto{
		CallId:              proto.Uint32(uint32(callID)),
		Status:              commonpb.RpcResponseHeaderProto_SUCCESS.Enum(),
		ServerIpcVersionNum: proto.Uint32(Version),
		ClientId:            clientID,
	}
	b, err := AppendFrame(nil, h, resp)
	if err != nil {
		panic(err)
	}
	return b
}

func cliErrorFrame(callID int32, status commonpb.RpcResponseHeaderProto_RpcStatusProto, class, msg string) []byte {
	h := &commonpb.RpcResponseHeaderProto{
		CallId:             proto.Uint32(uint32(callID)),
		Status:             status.Enum(),
		ExceptionClassName: proto.String(class),
		ErrorMsg:           proto.String(msg),
		ErrorDetail:        commonpb.RpcResponseHeaderProto_ERROR_APPLICATION.Enum(),
	}
	b, err := AppendFrame(nil, h)
	if err != nil {
		panic(err)
	}
	return b
}

// cliRawFrame wraps b in a frame length.
func cliRawFrame(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
}

const (
	testProtocol = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	testAddr     = "nn1:8020"
)

var testClientID = []byte("0123456789abcdef")

// newTestClient returns a client on net with small timeouts, closed at
// the end of the test.
func newTestClient(t testing.TB, n *fakeNet, cfg ClientConfig) *Client {
	cfg.Dial = n.dial
	if cfg.ClientID == nil {
		cfg.ClientID = testClientID
	}
	if cfg.User == "" {
		cfg.User = "alice"
	}
	if cfg.ConnectRetries == 0 {
		cfg.ConnectRetries = -1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := NewClient(cfg)
	t.Cleanup(func() { c.Close() })
	return c
}

// linkTarget calls getLinkTarget(path) and returns the target.
func linkTarget(ctx context.Context, c *Client, addr, path string) (string, error) {
	resp := &hdfspb.GetLinkTargetResponseProto{}
	err := c.Call(ctx, addr, testProtocol, "getLinkTarget", &hdfspb.GetLinkTargetRequestProto{Path: proto.String(path)}, resp)
	return resp.GetTargetPath(), err
}

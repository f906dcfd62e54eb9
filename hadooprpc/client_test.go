package hadooprpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"google.golang.org/protobuf/proto"
)

// The connection opens with "hrpc", version 9, service class 0, auth NONE,
// then the connection context (call id -3, retry count -1) naming the
// user and the protocol; calls carry the client id, increasing call ids
// and retry count 0 (Client.Connection.writeConnectionHeader,
// writeConnectionContext, sendRpcRequest).
func TestClientWireHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, user, realUser string
		wantUser             *commonpb.UserInformationProto
	}{
		{"simple user", "alice", "", &commonpb.UserInformationProto{EffectiveUser: proto.String("alice")}},
		{"proxy user", "alice", "hive", &commonpb.UserInformationProto{
			EffectiveUser: proto.String("alice"), RealUser: proto.String("hive")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := newFakeNet(t)
			got := make(chan []*fakeRequest, 1)
			n.server(testAddr, func(fc *fakeConn) {
				pre, ctxReq, cc, err := fc.handshake()
				if err != nil {
					t.Errorf("handshake: %v", err)
					return
				}
				if pre != (Preamble{Version: 9, ServiceClass: 0, AuthProtocol: AuthNone}) {
					t.Errorf("preamble = %+v", pre)
				}
				checkClientHeader(t, ctxReq.header, CallIDConnectionContext, -1)
				want := &commonpb.IpcConnectionContextProto{UserInfo: tc.wantUser, Protocol: proto.String(testProtocol)}
				if !proto.Equal(cc, want) {
					t.Errorf("connection context = %v, want %v", cc, want)
				}
				var reqs []*fakeRequest
				for r := fc.next(); r != nil; r = fc.next() {
					reqs = append(reqs, r)
					fc.respond(r, echoResponse(r))
				}
				got <- reqs
			})
			c := newTestClient(t, n, ClientConfig{User: tc.user, RealUser: tc.realUser})
			ctx := context.Background()
			for _, p := range []string{"/a", "/b"} {
				if _, err := linkTarget(ctx, c, testAddr, p); err != nil {
					t.Fatal(err)
				}
			}
			resp := &hdfspb.GetLinkTargetResponseProto{}
			req := &hdfspb.GetLinkTargetRequestProto{Path: proto.String("/c")}
			if err := c.Invoke(ctx, testAddr, testProtocol, "getLinkTarget",
				CallOptions{CallID: 77, RetryCount: 3, ConnectRetries: -1}, req, resp); err != nil {
				t.Fatal(err)
			}
			c.Close()
			reqs := <-got
			if len(reqs) != 3 {
				t.Fatalf("server saw %d calls, want 3", len(reqs))
			}
			for i, want := range []struct{ id, retry int32 }{{0, 0}, {1, 0}, {77, 3}} {
				checkClientHeader(t, reqs[i].header, want.id, want.retry)
				wantMethod := &commonpb.RequestHeaderProto{MethodName: proto.String("getLinkTarget"),
					DeclaringClassProtocolName: proto.String(testProtocol), ClientProtocolVersion: proto.Uint64(1)}
				if !proto.Equal(reqs[i].method, wantMethod) {
					t.Errorf("call %d: request header = %v", i, reqs[i].method)
				}
			}
			wantBody, _ := proto.Marshal(req)
			if !bytes.Equal(reqs[2].body, wantBody) {
				t.Errorf("request body = %x, want %x", reqs[2].body, wantBody)
			}
		})
	}
}

func checkClientHeader(t *testing.T, h *commonpb.RpcRequestHeaderProto, callID, retry int32) {
	t.Helper()
	want := &commonpb.RpcRequestHeaderProto{
		RpcKind:    commonpb.RpcKindProto_RPC_PROTOCOL_BUFFER.Enum(),
		RpcOp:      commonpb.RpcRequestHeaderProto_RPC_FINAL_PACKET.Enum(),
		CallId:     proto.Int32(callID),
		ClientId:   testClientID,
		RetryCount: proto.Int32(retry),
	}
	if !proto.Equal(h, want) {
		t.Errorf("RpcRequestHeaderProto = %v, want %v", h, want)
	}
}

// Call ids count up from 0 per client and wrap from 2^31-1 to 0, never
// taking the negative ids reserved for special frames (Client.nextCallId).
func TestClientCallIDsWrapPastNegatives(t *testing.T) {
	c := NewClient(ClientConfig{User: "u"})
	defer c.Close()
	if got := c.NextCallID(); got != 0 {
		t.Errorf("first call id = %d, want 0", got)
	}
	c.nextID.Store(1<<31 - 1)
	for _, want := range []int32{1<<31 - 1, 0, 1} {
		if got := c.NextCallID(); got != want {
			t.Errorf("call id = %d, want %d", got, want)
		}
	}
	if id := c.ClientID(); len(id) != 16 || id[6]>>4 != 4 || id[8]>>6 != 2 {
		t.Errorf("generated client id %x is not a version 4 UUID", id)
	}
}

// Concurrent callers share one connection; the server answers in any order
// and each caller gets its own response, matched by call id.
func TestClientMultiplexesOutOfOrderResponses(t *testing.T) {
	const calls = 64
	n := newFakeNet(t)
	srv := n.server(testAddr, func(fc *fakeConn) {
		fc.accept()
		var reqs []*fakeRequest
		for len(reqs) < calls {
			r := fc.next()
			if r == nil {
				return
			}
			reqs = append(reqs, r)
		}
		for i := len(reqs) - 1; i >= 0; i-- { // newest first
			fc.respond(reqs[i], echoResponse(reqs[i]))
		}
		for r := fc.next(); r != nil; r = fc.next() {
		}
	})
	c := newTestClient(t, n, ClientConfig{})
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			p := fmt.Sprintf("/f%d", i)
			got, err := linkTarget(context.Background(), c, testAddr, p)
			if err != nil || got != "target-of-"+p {
				t.Errorf("call %d: got %q, %v", i, got, err)
			}
		})
	}
	wg.Wait()
	if d := srv.dials.Load(); d != 1 {
		t.Errorf("%d connections, want 1", d)
	}
}

// A caller whose context ends gets ctx's error at once; the response that
// comes later is dropped and the connection stays usable.
func TestClientContextEndsWait(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func(received <-chan struct{}) (context.Context, context.CancelFunc)
		want error
	}{
		{"cancel", func(received <-chan struct{}) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-received; cancel() }()
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func(<-chan struct{}) (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 5*time.Second)
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := newFakeNet(t)
				received, returned := make(chan struct{}), make(chan struct{})
				srv := n.server(testAddr, func(fc *fakeConn) {
					fc.accept()
					late := fc.next()
					close(received)
					<-returned
					fc.respond(late, echoResponse(late)) // to a caller that left
					serveRest(fc)
				})
				c := newTestClient(t, n, ClientConfig{})
				ctx, cancel := tc.ctx(received)
				defer cancel()
				_, err := linkTarget(ctx, c, testAddr, "/slow")
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				close(returned)
				got, err := linkTarget(context.Background(), c, testAddr, "/next")
				if err != nil || got != "target-of-/next" {
					t.Fatalf("next call: %q, %v", got, err)
				}
				if d := srv.dials.Load(); d != 1 {
					t.Errorf("%d connections, want 1", d)
				}
			})
		})
	}
}

// serveRest echoes every remaining call.
func serveRest(fc *fakeConn) {
	for r := fc.next(); r != nil; r = fc.next() {
		fc.respond(r, echoResponse(r))
	}
}

// stubAuth is a ClientAuth that exchanges nothing and reports method.
type stubAuth struct{ method string }

func (a stubAuth) AuthProtocol() byte { return AuthSASL }

func (a stubAuth) Authenticate(ctx context.Context, nc net.Conn, info ClientAuthInfo) (ClientAuthResult, error) {
	return ClientAuthResult{Method: a.method}, nil
}

// With a ClientAuth the preamble says SASL, and the connection context
// carries the users the negotiated method calls for
// (ProtoUtil.makeIpcConnectionContext): both under SIMPLE, the effective
// user under KERBEROS, none under TOKEN.
func TestClientAuthSeam(t *testing.T) {
	for _, tc := range []struct {
		method string
		want   *commonpb.UserInformationProto
	}{
		{AuthMethodSimple, &commonpb.UserInformationProto{EffectiveUser: proto.String("alice"), RealUser: proto.String("oozie")}},
		{AuthMethodKerberos, &commonpb.UserInformationProto{EffectiveUser: proto.String("alice")}},
		{AuthMethodToken, &commonpb.UserInformationProto{}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			n := newFakeNet(t)
			n.server(testAddr, func(fc *fakeConn) {
				pre, _, cc, err := fc.handshake()
				if err != nil || pre.AuthProtocol != AuthSASL {
					t.Errorf("preamble %+v, %v", pre, err)
				}
				if !proto.Equal(cc.GetUserInfo(), tc.want) {
					t.Errorf("userInfo = %v, want %v", cc.GetUserInfo(), tc.want)
				}
				serveRest(fc)
			})
			c := newTestClient(t, n, ClientConfig{RealUser: "oozie", Auth: stubAuth{tc.method}})
			if _, err := linkTarget(context.Background(), c, testAddr, "/x"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

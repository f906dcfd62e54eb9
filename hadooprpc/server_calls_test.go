package hadooprpc

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// Faults that concern one call are answered with ERROR on that call and the
// connection goes on (ProtobufRpcEngine2's invoker, Server.RpcCall.run).
func TestServerAnswersFailedCallsAndKeepsConnection(t *testing.T) {
	mh := rawMethodHeader
	echo := &refreshReq{Identifier: proto.String("echo")}
	tests := []struct {
		name string
		msgs []proto.Message // after the RpcRequestHeaderProto
		code commonpb.RpcResponseHeaderProto_RpcErrorCodeProto
		cls  string
		msg  string
	}{
		{"unknown protocol", []proto.Message{mh("org.example.Nope", "refresh"), echo},
			commonpb.RpcResponseHeaderProto_ERROR_NO_SUCH_PROTOCOL,
			"org.apache.hadoop.ipc.RpcNoSuchProtocolException", "Unknown protocol: org.example.Nope"},
		{"protocol version not served", []proto.Message{&commonpb.RequestHeaderProto{
			MethodName: proto.String("refresh"), DeclaringClassProtocolName: proto.String(refreshProtocol),
			ClientProtocolVersion: proto.Uint64(2)}, echo},
			commonpb.RpcResponseHeaderProto_ERROR_RPC_SERVER, "org.apache.hadoop.ipc.RPC$VersionMismatch",
			"Protocol " + refreshProtocol + " version mismatch. (client = 2, server = 1)"},
		{"unknown method names the connection's protocol", []proto.Message{mh(refreshProtocol, "nope"), echo},
			commonpb.RpcResponseHeaderProto_ERROR_NO_SUCH_METHOD, "org.apache.hadoop.ipc.RpcNoSuchMethodException",
			"Unknown method nope called on org.example.ConnProtocol protocol."},
		{"request header without required fields", []proto.Message{&commonpb.RequestHeaderProto{}},
			commonpb.RpcResponseHeaderProto_ERROR_APPLICATION,
			"org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException",
			"Message missing required fields: methodName, declaringClassProtocolName, clientProtocolVersion"},
		{"request message missing", []proto.Message{mh(refreshProtocol, "refresh")},
			commonpb.RpcResponseHeaderProto_ERROR_APPLICATION,
			"org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException",
			"While parsing a protocol message, the input ended unexpectedly in the middle of a field.  " +
				"This could mean either that the input has been truncated or that an embedded message misreported its own length."},
		{"handler's RemoteError keeps its class and message",
			[]proto.Message{mh(refreshProtocol, "refresh"), &refreshReq{Identifier: proto.String("fail"),
				Args: []string{"org.apache.hadoop.ipc.StandbyException", "Operation category READ is not supported in state standby"}}},
			commonpb.RpcResponseHeaderProto_ERROR_APPLICATION, "org.apache.hadoop.ipc.StandbyException",
			"Operation category READ is not supported in state standby"},
		{"plain Go error is an IOException", []proto.Message{mh(refreshProtocol, "refresh"), &refreshReq{Identifier: proto.String("plain")}},
			commonpb.RpcResponseHeaderProto_ERROR_APPLICATION, "java.io.IOException", "plain failure"},
		{"handler panic is an IOException", []proto.Message{mh(refreshProtocol, "refresh"), &refreshReq{Identifier: proto.String("panic")}},
			commonpb.RpcResponseHeaderProto_ERROR_APPLICATION, "java.io.IOException",
			"hadooprpc: " + refreshProtocol + ".refresh failed: handler bug"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
			c := dialRawTestClient(t, addr).connect("dave", "org.example.ConnProtocol")
			h := rawRPCHeader(11)
			h.RetryCount = proto.Int32(2)
			c.write(frameOf(t, append([]proto.Message{h}, tc.msgs...)...))
			got, _ := c.response()
			checkHeaderEqual(t, got, wantError(11, rawTestClientID, 2, commonpb.RpcResponseHeaderProto_ERROR, tc.code, tc.cls, tc.msg))
			checkStillServes(t, c, 12)
		})
	}
}

// Sentinel errors map to their Java classes through the one table.
func TestServerSendsJavaClassOfSentinel(t *testing.T) {
	p := Protocol{Name: refreshProtocol, Version: 1, Methods: map[string]Handler{
		"refresh": Method(func() *refreshReq { return new(refreshReq) }, func(_ context.Context, r *refreshReq) (*refreshResp, error) {
			return nil, fmt.Errorf("%w: File does not exist: %s", ErrFileNotFound, r.GetIdentifier())
		}),
	}}
	_, addr := startTestServer(t, ServerConfig{}, p)
	c := dialRawTestClient(t, addr).connect("erin", refreshProtocol)
	c.refresh(1, "/missing")
	h, _ := c.response()
	if h.GetExceptionClassName() != "java.io.FileNotFoundException" ||
		h.GetErrorMsg() != "file not found: File does not exist: /missing" {
		t.Errorf("got %s: %s", h.GetExceptionClassName(), h.GetErrorMsg())
	}
}

// Pings (call id -4) get no answer.
func TestServerIgnoresPing(t *testing.T) {
	_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr).connect("frank", refreshProtocol)
	c.frame(rawRPCHeader(CallIDPing))
	checkStillServes(t, c, 1) // the first answer is the call's, not the ping's
}

// Calls on one connection run concurrently and are answered as they finish.
func TestServerAnswersCallsOutOfOrder(t *testing.T) {
	release := make(chan struct{})
	_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(release))
	c := dialRawTestClient(t, addr).connect("gina", refreshProtocol)
	c.refresh(1, "block", "first")
	c.refresh(2, "echo", "second")
	if h, r := c.refreshResponse(); h.GetCallId() != 2 || r.Responses[0].GetUserMessage() != "second" {
		t.Fatalf("first answer: %v %v", h, r)
	}
	close(release)
	if h, r := c.refreshResponse(); h.GetCallId() != 1 || r.Responses[0].GetUserMessage() != "first" {
		t.Fatalf("second answer: %v %v", h, r)
	}
}

// With MaxInFlightPerConn calls running, the server stops reading the
// connection until one finishes, as a Hadoop reader blocks on a full call
// queue; nothing is lost or refused.
func TestServerBoundsCallsPerConnection(t *testing.T) {
	release := make(chan struct{})
	_, addr := startTestServer(t, ServerConfig{MaxInFlightPerConn: 1}, refreshTestProtocol(release))
	c := dialRawTestClient(t, addr).connect("olga", refreshProtocol)
	c.refresh(1, "block", "first")
	c.refresh(2, "echo", "second") // not read until call 1 is done
	close(release)
	for _, want := range []uint32{1, 2} {
		if h, _ := c.refreshResponse(); h.GetCallId() != want {
			t.Fatalf("answer for call %d, want %d", h.GetCallId(), want)
		}
	}
}

// Frames larger than the read step arrive whole.
func TestServerReadsLargeFrames(t *testing.T) {
	_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr).connect("pia", refreshProtocol)
	big := strings.Repeat("x", 3<<20+17)
	c.refresh(1, "echo", big)
	if _, r := c.refreshResponse(); r.Responses[0].GetUserMessage() != big {
		t.Fatalf("echo of %d bytes came back as %d", len(big), len(r.Responses[0].GetUserMessage()))
	}
}

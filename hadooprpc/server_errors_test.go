package hadooprpc

import (
	"bytes"
	"encoding/hex"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// Hadoop's texts, spelled out here independently of the server code.
const (
	javaTruncated = "org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException: " +
		"While parsing a protocol message, the input ended unexpectedly in the middle of a field.  " +
		"This could mean either that the input has been truncated or that an embedded message " +
		"misreported its own length."
	classRPCServer = "org.apache.hadoop.ipc.RpcServerException"
)

// wantError is a response header as Hadoop's Server.setupResponse builds it
// for a failure: client id empty unless the call's own, retry count echoed.
func wantError(callID int32, clientID []byte, retry int32, status commonpb.RpcResponseHeaderProto_RpcStatusProto,
	code commonpb.RpcResponseHeaderProto_RpcErrorCodeProto, class, msg string) *commonpb.RpcResponseHeaderProto {
	if clientID == nil {
		clientID = []byte{}
	}
	return &commonpb.RpcResponseHeaderProto{
		CallId: proto.Uint32(uint32(callID)), Status: status.Enum(), ServerIpcVersionNum: proto.Uint32(9),
		ExceptionClassName: proto.String(class), ErrorMsg: proto.String(msg), ErrorDetail: code.Enum(),
		ClientId: clientID, RetryCount: proto.Int32(retry),
	}
}

func fatalWant(callID, retry int32, code commonpb.RpcResponseHeaderProto_RpcErrorCodeProto, class, msg string) *commonpb.RpcResponseHeaderProto {
	return wantError(callID, nil, retry, commonpb.RpcResponseHeaderProto_FATAL, code, class, msg)
}

func writableString(s string) []byte { return append(rawBE32(int32(len(s))), s...) }

func concat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

// frameOf frames msgs like AppendFrame but lets required fields be missing.
func frameOf(t testing.TB, msgs ...proto.Message) []byte {
	var body []byte
	for _, m := range msgs {
		b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		body = protowire.AppendBytes(body, b)
	}
	return append(rawBE32(int32(len(body))), body...)
}

func preamble(version, auth byte) []byte {
	return AppendPreamble(nil, Preamble{Version: version, AuthProtocol: auth})
}

// A bad connection header is answered exactly as Server.readAndProcess,
// setupBadVersionResponse and initializeAuthContext answer it, then closed.
func TestServerRejectsBadConnectionHeaders(t *testing.T) {
	versionMsg := func(v string) string { return "Server IPC version 9 cannot communicate with client version " + v }
	protoFatal := func(t *testing.T, h *commonpb.RpcResponseHeaderProto) []byte { return frameOf(t, h) }
	tests := []struct {
		name string
		send []byte
		want func(t *testing.T) []byte
	}{
		{"HTTP GET gets a plain-text 404", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), func(*testing.T) []byte {
			return []byte("HTTP/1.1 404 Not Found\r\nContent-type: text/plain\r\n\r\n" +
				"It looks like you are making an HTTP request to a Hadoop IPC port. " +
				"This is not the correct port for the web interface on this daemon.\r\n")
		}},
		{"wrong magic answers with the byte after it as the version", []byte("hrpX\x09\x00\x00"), func(t *testing.T) []byte {
			return protoFatal(t, fatalWant(-1, -1, commonpb.RpcResponseHeaderProto_FATAL_VERSION_MISMATCH,
				"org.apache.hadoop.ipc.RPC$VersionMismatch", versionMsg("9")))
		}},
		{"newer version gets a protobuf FATAL", preamble(10, 0), func(t *testing.T) []byte {
			return protoFatal(t, fatalWant(-1, -1, commonpb.RpcResponseHeaderProto_FATAL_VERSION_MISMATCH,
				"org.apache.hadoop.ipc.RPC$VersionMismatch", versionMsg("10")))
		}},
		{"versions 3 to 8 get the old layout", preamble(8, 0), func(*testing.T) []byte {
			return concat(rawBE32(-1), rawBE32(-1),
				writableString("org.apache.hadoop.ipc.RPC$VersionMismatch"), writableString(versionMsg("8")))
		}},
		{"version 2 gets the 0.18 layout", preamble(2, 0), func(*testing.T) []byte {
			return concat(rawBE32(0), []byte{1},
				writableString("org.apache.hadoop.ipc.RPC$VersionMismatch"), writableString(versionMsg("2")))
		}},
		{"version 1 gets nothing", preamble(1, 0), func(*testing.T) []byte { return nil }},
		{"negative version byte gets nothing", preamble(0xF0, 0), func(*testing.T) []byte { return nil }},
		{"unknown auth protocol", preamble(9, 5), func(t *testing.T) []byte {
			return protoFatal(t, fatalWant(-1, -1, commonpb.RpcResponseHeaderProto_FATAL_UNAUTHORIZED,
				"org.apache.hadoop.ipc.IpcException", "Unknown auth protocol:5"))
		}},
		{"auth protocol byte is signed", preamble(9, 0x80), func(t *testing.T) []byte {
			return protoFatal(t, fatalWant(-1, -1, commonpb.RpcResponseHeaderProto_FATAL_UNAUTHORIZED,
				"org.apache.hadoop.ipc.IpcException", "Unknown auth protocol:-128"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
			good := dialRawTestClient(t, addr).connect("bob", refreshProtocol)
			bad := dialRawTestClient(t, addr)
			bad.write(tc.send)
			if got, want := bad.readAll(), tc.want(t); !bytes.Equal(got, want) {
				t.Errorf("answer:\n got %s\nwant %s", hex.EncodeToString(got), hex.EncodeToString(want))
			}
			checkStillServes(t, good, 1)
		})
	}
}

// checkStillServes makes a call on c and expects its answer.
func checkStillServes(t *testing.T, c *rawTestClient, id int32) {
	t.Helper()
	c.refresh(id, "echo", "still", "here")
	h, r := c.refreshResponse()
	if h.GetStatus() != commonpb.RpcResponseHeaderProto_SUCCESS || h.GetCallId() != uint32(id) ||
		r.Responses[0].GetUserMessage() != "still here" {
		t.Fatalf("other connection: %v %v", h, r)
	}
}

// Faults in a frame after a good preamble: FATAL answers with Hadoop's
// classes and texts (Server.processOneRpc, checkRpcHeaders,
// processRpcOutOfBandRequest, processConnectionContext, processRpcRequest),
// or a silent close where Hadoop's reader gives up without answering.
func TestServerClosesConnectionOnFatalFrames(t *testing.T) {
	hdr := func(id int32, edit func(*commonpb.RpcRequestHeaderProto)) *commonpb.RpcRequestHeaderProto {
		h := rawRPCHeader(id)
		if edit != nil {
			edit(h)
		}
		return h
	}
	ctxMsg := &commonpb.IpcConnectionContextProto{
		UserInfo: &commonpb.UserInformationProto{EffectiveUser: proto.String("carol")},
		Protocol: proto.String(refreshProtocol),
	}
	refresh := &refreshReq{Identifier: proto.String("echo")}
	mh := rawMethodHeader(refreshProtocol, "refresh")
	invalid := commonpb.RpcResponseHeaderProto_FATAL_INVALID_RPC_HEADER
	tests := []struct {
		name     string
		context  bool // send a good connection context first
		send     func(t *testing.T) []byte
		want     *commonpb.RpcResponseHeaderProto // nil: closed without an answer
		maxFrame int
	}{
		{name: "negative length", send: func(*testing.T) []byte { return rawBE32(-1) }},
		{name: "length over ipc.maximum.data.length", maxFrame: 1024,
			send: func(*testing.T) []byte { return concat(rawBE32(1025), make([]byte, 1025)) }},
		{name: "empty frame", send: func(*testing.T) []byte { return rawBE32(0) },
			want: fatalWant(-1, -1, commonpb.RpcResponseHeaderProto_FATAL_DESERIALIZING_REQUEST, classRPCServer,
				"Error decoding RpcRequestHeaderProto: "+javaTruncated)},
		{name: "truncated length varint", send: func(*testing.T) []byte { return concat(rawBE32(1), []byte{0x80}) },
			want: fatalWant(-1, -1, commonpb.RpcResponseHeaderProto_FATAL_DESERIALIZING_REQUEST, classRPCServer,
				"Error decoding RpcRequestHeaderProto: "+javaTruncated)},
		{name: "header without its required fields", send: func(t *testing.T) []byte {
			return frameOf(t, &commonpb.RpcRequestHeaderProto{RpcKind: commonpb.RpcKindProto_RPC_PROTOCOL_BUFFER.Enum()})
		}, want: fatalWant(-1, -1, commonpb.RpcResponseHeaderProto_FATAL_DESERIALIZING_REQUEST, classRPCServer,
			"Error decoding RpcRequestHeaderProto: org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException: "+
				"Message missing required fields: callId, clientId")},
		{name: "no rpc op", send: func(t *testing.T) []byte {
			return frameOf(t, hdr(5, func(h *commonpb.RpcRequestHeaderProto) { h.RpcOp = nil; h.RetryCount = proto.Int32(3) }))
		}, want: fatalWant(5, 3, invalid, classRPCServer, " IPC Server: No rpc op in rpcRequestHeader")},
		{name: "RPC_CLOSE_CONNECTION is refused", send: func(t *testing.T) []byte {
			return frameOf(t, hdr(5, func(h *commonpb.RpcRequestHeaderProto) {
				h.RpcOp = commonpb.RpcRequestHeaderProto_RPC_CLOSE_CONNECTION.Enum()
			}))
		}, want: fatalWant(5, 0, invalid, classRPCServer, "IPC Server does not implement rpc header operationRPC_CLOSE_CONNECTION")},
		{name: "no rpc kind", send: func(t *testing.T) []byte {
			return frameOf(t, hdr(5, func(h *commonpb.RpcRequestHeaderProto) { h.RpcKind = nil }))
		}, want: fatalWant(5, 0, invalid, classRPCServer, " IPC Server: No rpc kind in rpcRequestHeader")},
		{name: "call before the connection context", send: func(t *testing.T) []byte {
			return frameOf(t, hdr(5, nil), mh, refresh)
		}, want: fatalWant(5, 0, invalid, classRPCServer, "Connection context not established")},
		{name: "unknown out-of-band call id", send: func(t *testing.T) []byte { return frameOf(t, hdr(-7, nil)) },
			want: fatalWant(-7, 0, invalid, classRPCServer, "Unknown out of band call #-7")},
		{name: "SASL message without SASL in the preamble", send: func(t *testing.T) []byte {
			return frameOf(t, hdr(-33, nil), &commonpb.RpcSaslProto{State: commonpb.RpcSaslProto_NEGOTIATE.Enum()})
		}, want: fatalWant(-33, 0, invalid, classRPCServer, "SASL protocol not requested by client")},
		{name: "second connection context", context: true, send: func(t *testing.T) []byte {
			return frameOf(t, hdr(-3, nil), ctxMsg)
		}, want: fatalWant(-3, 0, invalid, classRPCServer, "Connection context already processed")},
		{name: "undecodable connection context", send: func(t *testing.T) []byte {
			return concat(rawBE32(int32(len(frameOf(t, hdr(-3, nil)))-4+2)), frameOf(t, hdr(-3, nil))[4:], []byte{0x05, 0x12})
		}, want: fatalWant(-3, 0, commonpb.RpcResponseHeaderProto_FATAL_DESERIALIZING_REQUEST, classRPCServer,
			"Error decoding IpcConnectionContextProto: "+javaTruncated)},
		{name: "empty effective user", send: func(t *testing.T) []byte {
			return frameOf(t, hdr(-3, nil), &commonpb.IpcConnectionContextProto{
				UserInfo: &commonpb.UserInformationProto{EffectiveUser: proto.String("")}})
		}},
		{name: "writable rpc kind", context: true, send: func(t *testing.T) []byte {
			return frameOf(t, hdr(6, func(h *commonpb.RpcRequestHeaderProto) {
				h.RpcKind = commonpb.RpcKindProto_RPC_WRITABLE.Enum()
			}), mh, refresh)
		}, want: fatalWant(6, 0, invalid, classRPCServer, "Unknown rpc kind in rpc headerRPC_WRITABLE")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startTestServer(t, ServerConfig{MaxDataLength: tc.maxFrame}, refreshTestProtocol(nil))
			good := dialRawTestClient(t, addr).connect("bob", refreshProtocol)
			bad := dialRawTestClient(t, addr)
			if tc.context {
				bad.connect("carol", refreshProtocol)
			} else {
				bad.write(preamble(9, AuthNone))
			}
			bad.write(tc.send(t))
			if tc.want != nil {
				h, _ := bad.response()
				checkHeaderEqual(t, h, tc.want)
			}
			bad.expectClosed()
			checkStillServes(t, good, 1)
		})
	}
}

func checkHeaderEqual(t *testing.T, got, want proto.Message) {
	t.Helper()
	if !proto.Equal(got, want) {
		t.Errorf("answer:\n got %v\nwant %v", prototext.Format(got), prototext.Format(want))
	}
}

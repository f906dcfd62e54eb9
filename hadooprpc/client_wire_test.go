package hadooprpc

import (
	"bufio"
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// The hand-written request headers are byte for byte what proto.Marshal
// makes of the generated types with the same fields.
func TestRequestHeadersMatchGeneratedCode(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		callID, retry int32
		clientID      []byte
	}{
		{0, 0, testClientID},
		{1<<31 - 1, 15, testClientID},
		{CallIDConnectionContext, -1, testClientID},
		{CallIDPing, -1, testClientID},
		{CallIDSASL, -1, nil},
		{-1 << 31, 1<<31 - 1, []byte{}},
	} {
		gen := &commonpb.RpcRequestHeaderProto{
			RpcKind:    commonpb.RpcKindProto_RPC_PROTOCOL_BUFFER.Enum(),
			RpcOp:      commonpb.RpcRequestHeaderProto_RPC_FINAL_PACKET.Enum(),
			CallId:     proto.Int32(tc.callID),
			ClientId:   append([]byte{}, tc.clientID...),
			RetryCount: proto.Int32(tc.retry),
		}
		want, err := AppendDelimited(nil, gen)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendRPCRequestHeader(nil, tc.callID, tc.retry, tc.clientID); !bytes.Equal(got, want) {
			t.Errorf("call %d retry %d:\n got %x\nwant %x", tc.callID, tc.retry, got, want)
		}
	}
	for _, m := range [][2]string{{"getFileInfo", testProtocol}, {long, long + long}, {"", ""}} {
		want, _ := AppendDelimited(nil, &commonpb.RequestHeaderProto{MethodName: proto.String(m[0]),
			DeclaringClassProtocolName: proto.String(m[1]), ClientProtocolVersion: proto.Uint64(1)})
		if got := appendMethodHeader(nil, m[0], m[1]); !bytes.Equal(got, want) {
			t.Errorf("method header %.20q:\n got %x\nwant %x", m[0], got, want)
		}
	}
}

func respHeaderBytes(t testing.TB, h *commonpb.RpcResponseHeaderProto) []byte {
	b, err := (proto.MarshalOptions{AllowPartial: true}).Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return protowire.AppendBytes(nil, b)
}

// decodeRespHeader agrees with the generated decoder on headers Hadoop's
// server sends, and rejects every truncation of them.
func TestDecodeRespHeader(t *testing.T) {
	for _, h := range []*commonpb.RpcResponseHeaderProto{
		{CallId: proto.Uint32(0), Status: commonpb.RpcResponseHeaderProto_SUCCESS.Enum(),
			ServerIpcVersionNum: proto.Uint32(9), ClientId: testClientID, RetryCount: proto.Int32(0)},
		{CallId: proto.Uint32(0xffffffff), Status: commonpb.RpcResponseHeaderProto_FATAL.Enum(),
			ExceptionClassName: proto.String(ClassIPC), ErrorMsg: proto.String("bad"),
			ErrorDetail: commonpb.RpcResponseHeaderProto_FATAL_VERSION_MISMATCH.Enum(), ClientId: []byte{}},
		{CallId: proto.Uint32(7), Status: commonpb.RpcResponseHeaderProto_ERROR.Enum(),
			ExceptionClassName: proto.String(ClassStandby), ErrorMsg: proto.String(strings.Repeat("m", 2000)),
			ErrorDetail: commonpb.RpcResponseHeaderProto_ERROR_APPLICATION.Enum(), StateId: proto.Int64(-5),
			RouterFederatedState: []byte("rfs"), RetryCount: proto.Int32(-1)},
	} {
		b := respHeaderBytes(t, h)
		got, rest, err := decodeRespHeader(append(b, 0xAA))
		if err != nil {
			t.Fatalf("%v: %v", h, err)
		}
		if !bytes.Equal(rest, []byte{0xAA}) {
			t.Errorf("rest = %x", rest)
		}
		checkAgrees(t, b[protowire.SizeVarint(uint64(len(b)-1)):], got)
		for i := range len(b) - 1 {
			if _, _, err := decodeRespHeader(b[:i]); err == nil {
				t.Errorf("%d of %d bytes decoded without error", i, len(b))
			}
		}
	}
}

// closedEnums drops the values of status (2) and errorDetail (6) that are
// not in their enums. protobuf-go treats proto2 enums as open, while
// protobuf-java (Hadoop's) treats them as closed and parks unknown values
// with the unknown fields; filtered this way, the generated Go decoder
// reads what the Java one would.
func closedEnums(body []byte) []byte {
	var out []byte
	for b := body; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return body
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return body
		}
		if typ == protowire.VarintType && (num == 2 || num == 6) {
			v, _ := protowire.ConsumeVarint(b[n:])
			if _, ok := commonpb.RpcResponseHeaderProto_RpcStatusProto_name[int32(v)]; num == 2 && !ok {
				b = b[n+m:]
				continue
			}
			if _, ok := commonpb.RpcResponseHeaderProto_RpcErrorCodeProto_name[int32(v)]; num == 6 && !ok {
				b = b[n+m:]
				continue
			}
		}
		out = append(out, b[:n+m]...)
		b = b[n+m:]
	}
	return out
}

// checkAgrees compares our decoding of body with the generated code's.
func checkAgrees(t testing.TB, body []byte, got respHeader) {
	t.Helper()
	var gen commonpb.RpcResponseHeaderProto
	if err := proto.Unmarshal(closedEnums(body), &gen); err != nil {
		t.Fatalf("generated code rejects %x: %v", body, err)
	}
	want := respHeader{callID: int32(gen.GetCallId()), status: int32(gen.GetStatus()),
		class: gen.GetExceptionClassName(), msg: gen.GetErrorMsg(), code: int32(gen.GetErrorDetail()),
		hasClass: gen.ExceptionClassName != nil, hasMsg: gen.ErrorMsg != nil, hasStatus: true}
	if gen.ErrorDetail == nil {
		want.code = 0
	}
	if !bytes.Equal(got.clientID, gen.ClientId) {
		t.Errorf("client id %x, generated code %x", got.clientID, gen.ClientId)
	}
	got.clientID = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v, generated code %+v", got, want)
	}
}

// Random bytes never crash the decoder, and whenever both decoders accept
// the input they agree (proto2 rules: unknown fields, closed enums,
// required fields).
func FuzzDecodeRespHeader(f *testing.F) {
	f.Add(respHeaderBytes(f, &commonpb.RpcResponseHeaderProto{CallId: proto.Uint32(3),
		Status: commonpb.RpcResponseHeaderProto_ERROR.Enum(), ExceptionClassName: proto.String("c"),
		ErrorDetail: commonpb.RpcResponseHeaderProto_ERROR_NO_SUCH_METHOD.Enum()}))
	f.Add([]byte{6, 0x08, 0x01, 0x10, 0x05, 0x30, 0x63})
	f.Add([]byte{4, 0x08, 0x01, 0x12, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, _, err := decodeRespHeader(b)
		body, _, derr := NextDelimited(b)
		if derr != nil {
			if err == nil {
				t.Fatal("accepted a bad length prefix")
			}
			return
		}
		var gen commonpb.RpcResponseHeaderProto
		genErr := proto.Unmarshal(closedEnums(body), &gen)
		if (err == nil) != (genErr == nil) {
			t.Fatalf("%x: ours %v, generated %v", body, err, genErr)
		}
		if err == nil {
			checkAgrees(t, body, got)
		}
	})
}

// appendVLong is Hadoop's WritableUtils.writeVLong, for the test.
func appendVLong(dst []byte, v int64) []byte {
	if v >= -112 && v <= 127 {
		return append(dst, byte(v))
	}
	l := -112
	if v < 0 {
		v = ^v
		l = -120
	}
	for tmp := v; tmp != 0; tmp >>= 8 {
		l--
	}
	dst = append(dst, byte(int8(l)))
	n := -(l + 112)
	if l < -120 {
		n = -(l + 120)
	}
	for i := n; i > 0; i-- {
		dst = append(dst, byte(v>>((i-1)*8)))
	}
	return dst
}

func TestReadVLong(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 127, -112, 128, -113, 255, 256, 1 << 20, -(1 << 20), 1<<63 - 1, -1 << 63} {
		b := appendVLong(nil, v)
		got, err := readVLong(bufio.NewReader(bytes.NewReader(b)))
		if err != nil || got != v {
			t.Errorf("%d encoded %x decoded %d, %v", v, b, got, err)
		}
	}
}

package hadooprpc

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// These tests replay TCP streams captured between a stock Hadoop 3.3.2
// client and NameNode (shared/testdata/hadoop-3.3.2/captures). A fake
// server checks that our client sends the bytes Hadoop's client sent and
// answers with the bytes the NameNode answered.
//
// One difference is allowed: FsShell puts an RPCCallerContextProto
// ("CLI") into every RpcRequestHeaderProto (field 7); our client sends no
// caller context, so the recorded headers are compared without it.

// clientTestdata returns shared/testdata: $HDFSD_TESTDATA, else found by
// walking up from the package directory.
func clientTestdata(t testing.TB) string {
	if d := os.Getenv("HDFSD_TESTDATA"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		d := filepath.Join(dir, "shared", "testdata")
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("shared/testdata not found above the package directory; set HDFSD_TESTDATA")
		}
		dir = parent
	}
}

// cliCapture is one recorded TCP connection.
type cliCapture struct {
	name     string
	preamble []byte
	requests [][]byte // c2s frames without their length; [0] is the context
	answers  [][]byte // s2c frames with their length
}

func cliLoadCapture(t testing.TB, dir, prefix string) cliCapture {
	t.Helper()
	c2s := cliReadCaptureFile(t, dir, prefix+"-*.c2s.bin")
	s2c := cliReadCaptureFile(t, dir, prefix+"-*.s2c.bin")
	cp := cliCapture{name: prefix, preamble: c2s[:PreambleLen]}
	for _, f := range cliSplitFrames(t, c2s[PreambleLen:]) {
		cp.requests = append(cp.requests, f[4:])
	}
	cp.answers = cliSplitFrames(t, s2c)
	return cp
}

func cliReadCaptureFile(t testing.TB, dir, pattern string) []byte {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, pattern))
	if len(m) != 1 {
		t.Fatalf("%s: %d files match %s", dir, len(m), pattern)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func cliSplitFrames(t testing.TB, b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 || int(binary.BigEndian.Uint32(b)) > len(b)-4 {
			t.Fatalf("cliCapture ends inside a frame (%d bytes left)", len(b))
		}
		n := 4 + int(binary.BigEndian.Uint32(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// withoutCallerContext returns the request frame body with field 7 taken
// out of its leading RpcRequestHeaderProto, bytes otherwise untouched.
func withoutCallerContext(t testing.TB, frame []byte) []byte {
	hdr, rest, err := NextDelimited(frame)
	if err != nil {
		t.Fatal(err)
	}
	var kept []byte
	for b := hdr; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if n < 0 || m < 0 {
			t.Fatalf("recorded header does not parse: %x", hdr)
		}
		if num != 7 {
			kept = append(kept, b[:n+m]...)
		}
		b = b[n+m:]
	}
	return append(protowire.AppendBytes(nil, kept), rest...)
}

// clientProtocolTypes maps a ClientNamenodeProtocol method to new request
// and response messages.
func clientProtocolTypes(t testing.TB, method string) (req, resp proto.Message) {
	sd := hdfspb.File_ClientNamenodeProtocol_proto.Services().ByName("ClientNamenodeProtocol")
	md := sd.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		t.Fatalf("no method %s in ClientNamenodeProtocol", method)
	}
	newMsg := func(d protoreflect.MessageDescriptor) proto.Message {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(d.FullName())
		if err != nil {
			t.Fatal(err)
		}
		return mt.New().Interface()
	}
	return newMsg(md.Input()), newMsg(md.Output())
}

// cliRecordedCall is a call as the capture shows it.
type cliRecordedCall struct {
	header *commonpb.RpcRequestHeaderProto
	method string
	req    proto.Message
}

func cliParseRecordedCall(t testing.TB, frame []byte) cliRecordedCall {
	rc := cliRecordedCall{header: &commonpb.RpcRequestHeaderProto{}}
	rest, err := UnmarshalDelimited(frame, rc.header)
	if err != nil {
		t.Fatal(err)
	}
	rh := &commonpb.RequestHeaderProto{}
	if rest, err = UnmarshalDelimited(rest, rh); err != nil {
		t.Fatal(err)
	}
	rc.method = rh.GetMethodName()
	var resp proto.Message
	rc.req, resp = clientProtocolTypes(t, rc.method)
	_ = resp
	if _, err := UnmarshalDelimited(rest, rc.req); err != nil {
		t.Fatal(err)
	}
	return rc
}

// cliReplayServer serves the capture to one client connection: it checks the
// preamble and each frame against the recording and answers each call
// with the recorded answer.
func cliReplayServer(t *testing.T, cp cliCapture) func(*fakeConn) {
	return func(fc *fakeConn) {
		pre := make([]byte, PreambleLen)
		if _, err := fc.br.Read(pre); err != nil || !bytes.Equal(pre, cp.preamble) {
			t.Errorf("%s: preamble %x, recorded %x (%v)", cp.name, pre, cp.preamble, err)
		}
		for i, want := range cp.requests {
			got, err := ReadFrame(fc.br, DefaultMaxDataLength, nil)
			if err != nil {
				t.Errorf("%s: frame %d: %v", cp.name, i, err)
				return
			}
			if w := withoutCallerContext(t, want); !bytes.Equal(got, w) {
				t.Errorf("%s: frame %d:\n got %x\nwant %x", cp.name, i, got, w)
			}
			if i > 0 {
				fc.write(cp.answers[i-1])
			}
		}
		fc.next() // until the client hangs up
	}
}

// Every connection of scenario a (FsShell and DFSAdmin against a
// NameNode): our client sends Hadoop's bytes and decodes the NameNode's
// answers into the hdfspb responses.
func TestReplayClientNameNodeCaptures(t *testing.T) {
	dir := filepath.Join(clientTestdata(t), "hadoop-3.3.2", "captures", "a-client-nn-rpc")
	m, _ := filepath.Glob(filepath.Join(dir, "conn*.c2s.bin"))
	if len(m) == 0 {
		t.Fatalf("no captures in %s", dir)
	}
	sort.Strings(m)
	for _, f := range m {
		var n int
		fmt.Sscanf(filepath.Base(f), "conn%d-", &n)
		prefix := fmt.Sprintf("conn%d", n)
		t.Run(prefix, func(t *testing.T) { cliReplayCapture(t, cliLoadCapture(t, dir, prefix)) })
	}
}

func cliReplayCapture(t *testing.T, cp cliCapture) {
	ctxHdr := &commonpb.RpcRequestHeaderProto{}
	rest, err := UnmarshalDelimited(cp.requests[0], ctxHdr)
	if err != nil {
		t.Fatal(err)
	}
	cc := &commonpb.IpcConnectionContextProto{}
	if _, err := UnmarshalDelimited(rest, cc); err != nil {
		t.Fatal(err)
	}
	n := newFakeNet(t)
	n.server(testAddr, cliReplayServer(t, cp))
	c := newTestClient(t, n, ClientConfig{ClientID: ctxHdr.ClientId, User: cc.GetUserInfo().GetEffectiveUser()})
	for i, frame := range cp.requests[1:] {
		rc := cliParseRecordedCall(t, frame)
		_, resp := clientProtocolTypes(t, rc.method)
		opts := CallOptions{CallID: rc.header.GetCallId(), RetryCount: rc.header.GetRetryCount(), ConnectRetries: -1}
		if err := c.Invoke(context.Background(), testAddr, cc.GetProtocol(), rc.method, opts, rc.req, resp); err != nil {
			t.Fatalf("call %d %s: %v", i, rc.method, err)
		}
		want := cliRecordedResponse(t, cp.answers[i], resp)
		if !proto.Equal(resp, want) {
			t.Errorf("call %d %s: decoded %v, recorded %v", i, rc.method, resp, want)
		}
	}
}

// cliRecordedResponse decodes the message of a recorded SUCCESS answer with
// the generated code, for comparison.
func cliRecordedResponse(t testing.TB, frame []byte, like proto.Message) proto.Message {
	h := &commonpb.RpcResponseHeaderProto{}
	rest, err := UnmarshalDelimited(frame[4:], h)
	if err != nil {
		t.Fatal(err)
	}
	m := like.ProtoReflect().New().Interface()
	if _, err := UnmarshalDelimited(rest, m); err != nil {
		t.Fatal(err)
	}
	return m
}

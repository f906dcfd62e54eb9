package hadooprpc

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	_ "github.com/hdfsd/hdfsd/protos/datanodepb"
	_ "github.com/hdfsd/hdfsd/protos/hdfspb"
	_ "github.com/hdfsd/hdfsd/protos/lifelinepb"
	_ "github.com/hdfsd/hdfsd/protos/namenodepb"
	_ "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

// capturesDir finds the recorded Hadoop 3.3.2 traffic: $HDFSD_TESTDATA, or
// shared/testdata found by walking up from the package directory.
func capturesDir(t testing.TB) string {
	t.Helper()
	const sub = "hadoop-3.3.2/captures"
	if d := os.Getenv("HDFSD_TESTDATA"); d != "" {
		return filepath.Join(d, sub)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if fi, err := os.Stat(filepath.Join(dir, "shared", "testdata", sub)); err == nil && fi.IsDir() {
			return filepath.Join(dir, "shared", "testdata", sub)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no shared/testdata/%s above the package and HDFSD_TESTDATA unset", sub)
		}
		dir = parent
	}
}

// capturedConn is one recorded connection that speaks Hadoop IPC.
type capturedConn struct {
	scenario, name string
	c2s, s2c       []byte
}

func hrpcCaptures(t testing.TB) []capturedConn {
	t.Helper()
	root := capturesDir(t)
	files, err := filepath.Glob(filepath.Join(root, "*", "conn*.c2s.bin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures under %s (%v)", root, err)
	}
	var out []capturedConn
	for _, f := range files {
		c2s, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(c2s, []byte("hrpc")) {
			continue
		}
		s2c, err := os.ReadFile(strings.TrimSuffix(f, ".c2s.bin") + ".s2c.bin")
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".c2s.bin")
		out = append(out, capturedConn{filepath.Base(filepath.Dir(f)), name, c2s, s2c})
	}
	return out
}

// splitFrames cuts a stream of 4-byte-length frames.
func splitFrames(b []byte) (frames [][]byte, rest []byte) {
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint32(b))
		if len(b) < 4+n {
			break
		}
		frames = append(frames, b[4:4+n])
		b = b[4+n:]
	}
	return frames, b
}

// serviceOf maps a protocol name on the wire to its proto service.
func serviceOf(protocol string) protoreflect.ServiceDescriptor {
	for _, pb := range pbInterfaces {
		if pb.protocol == protocol {
			d, err := protoregistry.GlobalFiles.FindDescriptorByName(pb.service)
			if err != nil {
				return nil
			}
			return d.(protoreflect.ServiceDescriptor)
		}
	}
	return nil
}

func newMessage(t testing.TB, md protoreflect.MessageDescriptor) proto.Message {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		t.Fatalf("no Go type for %s: %v", md.FullName(), err)
	}
	return mt.New().Interface()
}

// decodeExact decodes the delimited message at the front of b and checks
// that Go encodes it back to the very bytes Java sent.
func decodeExact(t testing.TB, b []byte, m proto.Message) []byte {
	t.Helper()
	msg, rest, err := NextDelimited(b)
	if err != nil {
		t.Fatalf("%s: %v", m.ProtoReflect().Descriptor().Name(), err)
	}
	if err := proto.Unmarshal(msg, m); err != nil {
		t.Fatalf("decoding %s: %v", m.ProtoReflect().Descriptor().Name(), err)
	}
	again, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil || !bytes.Equal(again, msg) {
		t.Errorf("%s re-encodes differently (%v):\n java %x\n go   %x", m.ProtoReflect().Descriptor().Name(), err, msg, again)
	}
	return rest
}

// connTranscript is what a captured connection held.
type connTranscript struct {
	protocol string
	calls    map[uint32]protoreflect.MethodDescriptor // by call id
	requests int                                      // frames after the preamble
	order    []uint32                                 // call ids of calls, in order
}

// decodeRequests decodes every client frame into Hadoop's message types.
func decodeRequests(t *testing.T, cc capturedConn) connTranscript {
	if _, err := ParsePreamble(cc.c2s); err != nil {
		t.Fatalf("preamble: %v", err)
	}
	frames, rest := splitFrames(cc.c2s[PreambleLen:])
	if len(rest) != 0 {
		t.Errorf("%d bytes after the last whole request frame", len(rest))
	}
	tr := connTranscript{calls: map[uint32]protoreflect.MethodDescriptor{}, requests: len(frames)}
	for _, f := range frames {
		var h commonpb.RpcRequestHeaderProto
		body := decodeExact(t, f, &h)
		switch id := h.GetCallId(); {
		case id == CallIDConnectionContext:
			var cc commonpb.IpcConnectionContextProto
			decodeExact(t, body, &cc)
			tr.protocol = cc.GetProtocol()
		case id == CallIDSASL:
			decodeExact(t, body, &commonpb.RpcSaslProto{})
		case id == CallIDPing:
		case id < 0:
			t.Errorf("unexpected call id %d", id)
		default:
			tr.decodeCall(t, &h, body)
		}
	}
	return tr
}

func (tr *connTranscript) decodeCall(t *testing.T, h *commonpb.RpcRequestHeaderProto, body []byte) {
	var rh commonpb.RequestHeaderProto
	body = decodeExact(t, body, &rh)
	sd := serviceOf(rh.GetDeclaringClassProtocolName())
	if sd == nil {
		t.Fatalf("call %d: no service for %s", h.GetCallId(), rh.GetDeclaringClassProtocolName())
	}
	md := sd.Methods().ByName(protoreflect.Name(rh.GetMethodName()))
	if md == nil {
		t.Fatalf("call %d: %s has no method %s", h.GetCallId(), sd.FullName(), rh.GetMethodName())
	}
	if rest := decodeExact(t, body, newMessage(t, md.Input())); len(rest) != 0 {
		t.Errorf("call %d: %d bytes after the request", h.GetCallId(), len(rest))
	}
	tr.calls[uint32(h.GetCallId())] = md
	tr.order = append(tr.order, uint32(h.GetCallId()))
}

// decodeResponses decodes every server frame and checks that this
// package's server would have written the same header bytes.
func decodeResponses(t *testing.T, cc capturedConn, tr connTranscript) int {
	frames, rest := splitFrames(cc.s2c)
	if len(rest) != 0 {
		t.Errorf("%d bytes after the last whole response frame", len(rest))
	}
	for _, f := range frames {
		var h commonpb.RpcResponseHeaderProto
		body := decodeExact(t, f, &h)
		checkOurHeader(t, f, &h)
		md := tr.calls[h.GetCallId()]
		switch {
		case md == nil:
			t.Errorf("response to unknown call %d", int32(h.GetCallId()))
		case h.GetStatus() == commonpb.RpcResponseHeaderProto_SUCCESS:
			if rest := decodeExact(t, body, newMessage(t, md.Output())); len(rest) != 0 {
				t.Errorf("call %d: %d bytes after the response", h.GetCallId(), len(rest))
			}
		case len(body) != 0:
			t.Errorf("call %d: %d bytes after an error header", h.GetCallId(), len(body))
		}
	}
	return len(frames)
}

// checkOurHeader encodes the header the server builds for the same call
// and outcome and compares it with Java's bytes.
func checkOurHeader(t *testing.T, frame []byte, h *commonpb.RpcResponseHeaderProto) {
	id, cid, retry := int32(h.GetCallId()), h.GetClientId(), h.GetRetryCount()
	ours := responseHeader(id, cid, retry, h.GetStatus())
	if h.GetStatus() != commonpb.RpcResponseHeaderProto_SUCCESS {
		ours = errorHeader(id, cid, retry, &rpcError{status: h.GetStatus(), code: h.GetErrorDetail(),
			class: h.GetExceptionClassName(), msg: h.GetErrorMsg()})
	}
	ours.StateId = h.StateId // the NameNode's alignment context, not the IPC layer's
	b, err := AppendDelimited(nil, ours)
	if err != nil || !bytes.HasPrefix(frame, b) {
		t.Errorf("call %d: our header differs:\n java %x\n ours %x", id, frame[:min(len(frame), len(b))], b)
	}
}

// indexCounts reads "N request frames, M response frames" per connection
// from a scenario's INDEX.md.
func indexCounts(t testing.TB, scenario string) map[string][2]int {
	b, err := os.ReadFile(filepath.Join(capturesDir(t), scenario, "INDEX.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]int{}
	re := regexp.MustCompile(`(?m)^## conn\d+ \((conn[^)]+)\)$|^- (\d+) request frames, (\d+) response frames`)
	conn := ""
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		if m[1] != "" {
			conn = m[1]
			continue
		}
		req, _ := strconv.Atoi(m[2])
		resp, _ := strconv.Atoi(m[3])
		out[conn] = [2]int{req, resp}
	}
	return out
}

// Every recorded Hadoop IPC connection decodes frame by frame into
// Hadoop's message types, re-encodes to the same bytes, and this server
// writes the very response headers Hadoop wrote.
func TestCapturesDecode(t *testing.T) {
	convs := hrpcCaptures(t)
	counts := map[string]map[string][2]int{}
	calls, compared := 0, 0
	for _, cc := range convs {
		t.Run(cc.scenario+"/"+cc.name, func(t *testing.T) {
			tr := decodeRequests(t, cc)
			responses := decodeResponses(t, cc, tr)
			calls += len(tr.order)
			if counts[cc.scenario] == nil {
				counts[cc.scenario] = indexCounts(t, cc.scenario)
			}
			if want, ok := counts[cc.scenario][cc.name]; ok {
				compared++
				if want != [2]int{tr.requests, responses} {
					t.Errorf("frames: %d requests, %d responses; INDEX.md says %v", tr.requests, responses, want)
				}
			}
		})
	}
	t.Logf("%d connections, %d calls decoded, frame counts of %d checked against INDEX.md", len(convs), calls, compared)
	if compared == 0 {
		t.Error("no frame counts found in INDEX.md")
	}
}

// The client side of every recorded ClientProtocol connection, replayed
// against this server with a ClientProtocol that answers every method with
// an empty (but complete) response: each call is answered, by call id.
func TestCapturesReplayClientProtocol(t *testing.T) {
	const clientProtocol = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	_, addr := startTestServer(t, ServerConfig{Logger: discardLogger()}, stubProtocol(t, clientProtocol))
	replayed := 0
	for _, cc := range hrpcCaptures(t) {
		if !strings.Contains(string(cc.c2s[:min(len(cc.c2s), 200)]), clientProtocol) {
			continue
		}
		t.Run(cc.scenario+"/"+cc.name, func(t *testing.T) {
			tr := decodeRequests(t, cc)
			c := dialRawTestClient(t, addr)
			c.write(cc.c2s)
			var got []uint32
			for range tr.order {
				h, _ := c.response()
				if h.GetStatus() != commonpb.RpcResponseHeaderProto_SUCCESS {
					t.Errorf("call %d: %s %s", h.GetCallId(), h.GetExceptionClassName(), h.GetErrorMsg())
				}
				got = append(got, h.GetCallId())
			}
			want := slices.Clone(tr.order)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("answered calls %v, want %v", got, want)
			}
			replayed++
		})
	}
	if replayed == 0 {
		t.Fatal("no ClientProtocol connection replayed")
	}
}

// stubProtocol serves every method of a protocol's service with an empty
// response whose required fields are set to their zero values.
func stubProtocol(t testing.TB, name string) Protocol {
	sd := serviceOf(name)
	p := Protocol{Name: name, Version: 1, Methods: map[string]Handler{}}
	for i := 0; i < sd.Methods().Len(); i++ {
		md := sd.Methods().Get(i)
		p.Methods[string(md.Name())] = Handler{
			NewRequest: func() proto.Message { return newMessage(t, md.Input()) },
			Call: func(context.Context, proto.Message) (proto.Message, error) {
				m := newMessage(t, md.Output())
				fillRequired(m.ProtoReflect())
				return m, nil
			},
		}
	}
	return p
}

// fillRequired sets unset required fields to their zero values, recursively.
func fillRequired(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Cardinality() != protoreflect.Required || m.Has(fd) {
			continue
		}
		if fd.Message() != nil {
			fillRequired(m.Mutable(fd).Message())
			continue
		}
		m.Set(fd, fd.Default())
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

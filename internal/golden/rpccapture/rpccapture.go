// Package rpccapture reads the Hadoop IPC calls recorded in
// shared/testdata/hadoop-3.3.2/captures: each connection's two reassembled
// byte streams become a list of calls, the request and response message
// bytes of each as the stock daemons wrote them. Tests of translation
// layers replay these.
package rpccapture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// Call is one recorded call: where it was seen, its method, and the
// request and response messages without their length prefixes. Resp is nil
// when the call failed (OK false) or got no answer.
type Call struct {
	Where    string // "<scenario>/<connection file>"
	CallID   int32
	Method   string
	Req      []byte
	Resp     []byte
	OK       bool // SUCCESS
	Answered bool
}

// Calls returns every call, in request order, made on connections of the
// given scenarios whose connection context names protocol.
func Calls(t testing.TB, protocol string, scenarios ...string) []Call {
	t.Helper()
	root := golden.Path(t, "hadoop-3.3.2", "captures")
	var out []Call
	for _, sc := range scenarios {
		files, _ := filepath.Glob(filepath.Join(root, sc, "conn*.c2s.bin*"))
		sort.Slice(files, func(i, j int) bool { return connNumber(files[i]) < connNumber(files[j]) })
		for _, f := range files {
			c2s := golden.ReadMaybeGzip(t, f)
			if !bytes.HasPrefix(c2s, []byte("hrpc")) || !bytes.Contains(c2s[:min(len(c2s), 400)], []byte(protocol)) {
				continue
			}
			out = append(out, conn(t, sc+"/", f, c2s)...)
		}
	}
	return out
}

// Conn returns the calls of one recorded connection, in request order:
// c2s is its conn*.c2s.bin file (or .c2s.bin.gz); the responses are read
// from the .s2c.bin file beside it.
func Conn(t testing.TB, c2s string) []Call {
	t.Helper()
	return conn(t, filepath.Base(filepath.Dir(c2s))+"/", c2s, golden.ReadMaybeGzip(t, c2s))
}

func conn(t testing.TB, scenario, file string, c2s []byte) []Call {
	t.Helper()
	base := strings.TrimSuffix(strings.TrimSuffix(file, ".gz"), ".c2s.bin")
	s2c := golden.ReadMaybeGzip(t, base+".s2c.bin")
	calls, err := parse(scenario+filepath.Base(base), c2s, s2c)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return calls
}

func parse(where string, c2s, s2c []byte) ([]Call, error) {
	var calls []Call
	byID := map[int32]int{}
	for _, fr := range Frames(c2s[hadooprpc.PreambleLen:]) {
		var h commonpb.RpcRequestHeaderProto
		body, err := hadooprpc.UnmarshalDelimited(fr, &h)
		if err != nil {
			return nil, fmt.Errorf("request header: %w", err)
		}
		if h.GetCallId() < 0 {
			continue // connection context, ping
		}
		var rh commonpb.RequestHeaderProto
		if body, err = hadooprpc.UnmarshalDelimited(body, &rh); err != nil {
			return nil, fmt.Errorf("call %d: method header: %w", h.GetCallId(), err)
		}
		req, _, err := hadooprpc.NextDelimited(body)
		if err != nil {
			return nil, fmt.Errorf("call %d: request: %w", h.GetCallId(), err)
		}
		byID[h.GetCallId()] = len(calls)
		calls = append(calls, Call{Where: where, CallID: h.GetCallId(), Method: rh.GetMethodName(), Req: req})
	}
	for _, fr := range Frames(s2c) {
		var h commonpb.RpcResponseHeaderProto
		body, err := hadooprpc.UnmarshalDelimited(fr, &h)
		if err != nil {
			return nil, fmt.Errorf("response header: %w", err)
		}
		i, ok := byID[int32(h.GetCallId())]
		if !ok {
			continue
		}
		c := &calls[i]
		c.Answered = true
		if c.OK = h.GetStatus() == commonpb.RpcResponseHeaderProto_SUCCESS; c.OK {
			if c.Resp, _, err = hadooprpc.NextDelimited(body); err != nil {
				return nil, fmt.Errorf("call %d: response: %w", c.CallID, err)
			}
		}
	}
	return calls, nil
}

// Frames splits a stream of 4-byte-length-prefixed frames; a torn last
// frame is left out.
func Frames(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint32(b))
		if n < 0 || len(b)-4 < n {
			break
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out
}

// Unmarshal decodes b into m, failing the test on error.
func Unmarshal(t testing.TB, b []byte, m proto.Message) {
	t.Helper()
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatalf("decoding %T: %v", m, err)
	}
}

func connNumber(f string) int {
	var n int
	fmt.Sscanf(strings.TrimPrefix(filepath.Base(f), "conn"), "%d", &n)
	return n
}

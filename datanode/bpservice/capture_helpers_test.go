package bpservice

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// recordedCall is one request a stock DataNode sent.
type recordedCall struct {
	callID int32
	method string
	body   []byte // the request message
}

// recordedCalls parses the c2s stream of one recorded connection.
func recordedCalls(t *testing.T, path string) []recordedCall {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(raw)
	if _, err := hadooprpc.ReadPreamble(r); err != nil {
		t.Fatal(err)
	}
	var out []recordedCall
	for {
		frame, err := hadooprpc.ReadFrame(r, hadooprpc.DefaultMaxDataLength, nil)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var rh commonpb.RpcRequestHeaderProto
		rest, err := hadooprpc.UnmarshalDelimited(frame, &rh)
		if err != nil {
			t.Fatal(err)
		}
		if rh.GetCallId() < 0 {
			continue
		}
		var h commonpb.RequestHeaderProto
		if rest, err = hadooprpc.UnmarshalDelimited(rest, &h); err != nil {
			t.Fatal(err)
		}
		body, _, err := hadooprpc.NextDelimited(rest)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recordedCall{callID: rh.GetCallId(), method: h.GetMethodName(), body: body})
	}
}

func unmarshal(t *testing.T, b []byte, m proto.Message) {
	t.Helper()
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatal(err)
	}
}

// recordedResponses parses the s2c stream of one recorded connection:
// successful response bodies by call id.
func recordedResponses(t *testing.T, path string) map[int32][]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(raw)
	out := map[int32][]byte{}
	for {
		frame, err := hadooprpc.ReadFrame(r, hadooprpc.DefaultMaxDataLength, nil)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var rh commonpb.RpcResponseHeaderProto
		rest, err := hadooprpc.UnmarshalDelimited(frame, &rh)
		if err != nil {
			t.Fatal(err)
		}
		if rh.GetStatus() != commonpb.RpcResponseHeaderProto_SUCCESS {
			continue
		}
		body := []byte{}
		if len(rest) > 0 {
			if body, _, err = hadooprpc.NextDelimited(rest); err != nil {
				t.Fatal(err)
			}
		}
		out[int32(rh.GetCallId())] = body
	}
}

package hadooprpc

import (
	"bytes"
	"testing"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"google.golang.org/protobuf/proto"
)

// The hand-encoded SUCCESS frame must be the bytes the generated code gives
// for the same header, for any call id, retry count and client id.
func TestSuccessFrameEqualsGeneratedEncoding(t *testing.T) {
	resp := &commonpb.GetProtocolSignatureResponseProto{}
	for _, id := range []callID{
		{id: 0, clientID: bytes.Repeat([]byte{7}, 16), retry: 0},
		{id: 1 << 30, clientID: bytes.Repeat([]byte{0xff}, 16), retry: -1},
		{id: -3, clientID: nil, retry: 5},
		{id: 127, clientID: []byte{}, retry: -2147483648},
		{id: 2147483647, clientID: []byte{1}, retry: 2147483647},
	} {
		for _, m := range []proto.Message{resp, nil} {
			want, err := AppendFrame(nil, responseHeader(id.id, id.clientID, id.retry, statusSuccess), m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendSuccessFrame(nil, id, m)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("call %+v: got %x (%v), want %x", id, got, err, want)
			}
		}
	}
}

package hadooprpc

import (
	"context"
	"testing"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// A SIMPLE client sends the preamble, its connection context, then calls;
// each answer carries the call's id, client id and retry count, and the
// handler sees who called.
func TestServerAnswersCallsAfterConnectionContext(t *testing.T) {
	_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr).connect("alice", refreshProtocol)
	c.refresh(7, "echo", "hello", "world")
	h, r := c.refreshResponse()
	if h.GetStatus() != commonpb.RpcResponseHeaderProto_SUCCESS || h.GetCallId() != 7 ||
		string(h.GetClientId()) != string(rawTestClientID) || h.GetRetryCount() != 0 || h.GetServerIpcVersionNum() != 9 {
		t.Fatalf("header = %v", h)
	}
	got := r.Responses[0]
	if got.GetUserMessage() != "hello world" || got.GetExitStatus() != 7 ||
		got.GetSenderName() != "alice//"+refreshProtocol+"/refresh" {
		t.Errorf("response = %v", got)
	}
}

func TestServerShutdownIsIdempotentWithClose(t *testing.T) {
	s, _ := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

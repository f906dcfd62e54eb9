package hadooprpc

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// fuzzSeedStreams adds the client side of a few recorded connections.
func fuzzSeedStreams(f *testing.F, limit int) [][]byte {
	var out [][]byte
	for _, cc := range hrpcCaptures(f) {
		if len(out) == limit {
			break
		}
		out = append(out, cc.c2s)
	}
	return out
}

// The preamble parser and the frame reader of frame.go take any bytes
// without panicking, and what they accept is what the bytes say.
func FuzzReadFrame(f *testing.F) {
	for _, s := range fuzzSeedStreams(f, 20) {
		f.Add(s)
	}
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePreamble(b)
		if err == nil && (p.Version != Version || !bytes.HasPrefix(b, []byte("hrpc"))) {
			t.Fatalf("accepted preamble %x as %+v", b[:min(len(b), PreambleLen)], p)
		}
		r := bytes.NewReader(b)
		if len(b) >= PreambleLen {
			r = bytes.NewReader(b[PreambleLen:])
		}
		for {
			frame, err := ReadFrame(r, 1<<16, nil)
			if err != nil {
				return
			}
			if len(frame) == 0 || len(frame) > 1<<16 {
				t.Fatalf("frame of %d bytes", len(frame))
			}
			for m := frame; len(m) > 0; {
				var err error
				if _, m, err = NextDelimited(m); err != nil {
					break
				}
			}
		}
	})
}

// Decoding a request frame's headers as the server does never panics; what
// decodes re-encodes and decodes to the same message; every failure has a
// Java message to send.
func FuzzRequestHeader(f *testing.F) {
	for _, s := range fuzzSeedStreams(f, 40) {
		frames, _ := splitFrames(s[PreambleLen:])
		for _, fr := range frames {
			f.Add(fr)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		var h commonpb.RpcRequestHeaderProto
		rest, javaMsg, ok := decodeDelimited(b, &h)
		if !ok {
			if javaMsg == "" {
				t.Fatal("failure without a message")
			}
			return
		}
		checkRoundTrip(t, &h)
		checkRequestHeader(&h)
		var rh commonpb.RequestHeaderProto
		if _, javaMsg, ok := decodeDelimited(rest, &rh); ok {
			checkRoundTrip(t, &rh)
		} else if javaMsg == "" {
			t.Fatal("failure without a message")
		}
	})
}

func checkRoundTrip(t *testing.T, m proto.Message) {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatalf("re-encoding %v: %v", m, err)
	}
	again := m.ProtoReflect().New().Interface()
	if err := proto.Unmarshal(b, again); err != nil || !proto.Equal(m, again) {
		t.Fatalf("round trip of %v gave %v (%v)", m, again, err)
	}
}

// The SASL state machine takes any sequence of RpcSaslProto messages,
// on a SIMPLE-only server and on one offering TOKEN and SIMPLE, without
// panicking; once it fails or completes it says so consistently.
func FuzzSASL(f *testing.F) {
	seed := func(msgs ...*commonpb.RpcSaslProto) []byte {
		var b []byte
		for _, m := range msgs {
			mb, _ := proto.MarshalOptions{AllowPartial: true}.Marshal(m)
			b = protowire.AppendBytes(b, mb)
		}
		return b
	}
	nego := saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil)
	f.Add(seed(nego))
	f.Add(seed(nego, saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("good"), tokenAuth())))
	f.Add(seed(saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("x"), tokenAuth()), saslMsg(commonpb.RpcSaslProto_RESPONSE, []byte("good"))))
	f.Add(seed(saslMsg(commonpb.RpcSaslProto_INITIATE, nil, saslAuth("SIMPLE", ""))))
	f.Add(seed(saslMsg(commonpb.RpcSaslProto_RESPONSE, []byte("bad")), saslMsg(commonpb.RpcSaslProto_WRAP, nil)))
	policies := []*saslPolicy{
		newSASLPolicy(nil),
		newSASLPolicy(&SASLConfig{Mechanisms: []SASLMechanism{tokenMech}, Simple: true}),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range policies {
			s := &saslConn{policy: p}
			for rest := b; len(rest) > 0; {
				var m commonpb.RpcSaslProto
				var ok bool
				if rest, _, ok = decodeDelimited(rest, &m); !ok {
					break
				}
				step, err := s.step(&m)
				if err != nil {
					break
				}
				if step.reply != nil {
					if _, err := proto.Marshal(step.reply); err != nil {
						t.Fatalf("reply %v does not encode: %v", step.reply, err)
					}
				}
				if step.switchToSimple && s.established {
					t.Fatal("switched to simple after authenticating")
				}
				if step.switchToSimple {
					break // the connection leaves SASL
				}
			}
		}
	})
}

// A server connection fed arbitrary bytes neither panics nor hangs, and
// ends when the client goes away.
func FuzzServerConn(f *testing.F) {
	for _, s := range fuzzSeedStreams(f, 20) {
		f.Add(s)
	}
	f.Add(append(preamble(9, AuthSASL), saslFrame(f, saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil))...))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add(preamble(3, 0))
	clientProtocol := stubProtocol(f, "org.apache.hadoop.hdfs.protocol.ClientProtocol")
	f.Fuzz(func(t *testing.T, b []byte) {
		s := NewServer(ServerConfig{Logger: discardLogger(), IdleTimeout: time.Minute, MaxDataLength: 1 << 16})
		s.Register(refreshTestProtocol(nil))
		s.Register(clientProtocol)
		client, server := net.Pipe()
		s.accept(server)
		drained := make(chan struct{})
		go func() {
			io.Copy(io.Discard, client)
			close(drained)
		}()
		client.SetWriteDeadline(time.Now().Add(10 * time.Second))
		client.Write(b)
		client.Close()
		<-drained
		done := make(chan struct{})
		go func() {
			s.Close()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("server did not close")
		}
	})
}

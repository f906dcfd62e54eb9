package hadooprpc

import (
	"bytes"
	"errors"
	"net"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

func saslFrame(t testing.TB, m *commonpb.RpcSaslProto) []byte {
	return frameOf(t, rawRPCHeader(CallIDSASL), m)
}

func saslMsg(state commonpb.RpcSaslProto_SaslState, token []byte, auths ...*commonpb.RpcSaslProto_SaslAuth) *commonpb.RpcSaslProto {
	return &commonpb.RpcSaslProto{State: state.Enum(), Token: token, Auths: auths}
}

func saslAuth(method, mech string) *commonpb.RpcSaslProto_SaslAuth {
	return &commonpb.RpcSaslProto_SaslAuth{Method: proto.String(method), Mechanism: proto.String(mech)}
}

// saslReply is the header of every SASL answer: call id -33, SUCCESS,
// empty client id, retry count -1 (Server.doSaslReply).
func saslReplyHeader() *commonpb.RpcResponseHeaderProto {
	return &commonpb.RpcResponseHeaderProto{
		CallId: proto.Uint32(uint32(0xFFFFFFDF)), Status: commonpb.RpcResponseHeaderProto_SUCCESS.Enum(),
		ServerIpcVersionNum: proto.Uint32(9), ClientId: []byte{}, RetryCount: proto.Int32(-1),
	}
}

// readSASL reads a SASL answer and checks its header.
func (c *rawTestClient) readSASL() *commonpb.RpcSaslProto {
	c.t.Helper()
	h, body := c.response()
	checkHeaderEqual(c.t, h, saslReplyHeader())
	var m commonpb.RpcSaslProto
	if err := proto.Unmarshal(body, &m); err != nil {
		c.t.Fatal(err)
	}
	return &m
}

func contextFrame(t *testing.T, user string) []byte {
	return frameOf(t, rawRPCHeader(CallIDConnectionContext), &commonpb.IpcConnectionContextProto{
		UserInfo: &commonpb.UserInformationProto{EffectiveUser: proto.String(user)},
		Protocol: proto.String(refreshProtocol),
	})
}

// A client that asks for SASL from a SIMPLE-only server gets SUCCESS to its
// NEGOTIATE and carries on as a SIMPLE client (Server.buildNegotiateResponse,
// processSaslMessage's switch to simple).
func TestSASLSimpleServerSwitchesClientToSimple(t *testing.T) {
	_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr)
	c.write(preamble(9, AuthSASL))
	c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil)))
	if got := c.readSASL(); !proto.Equal(got, saslMsg(commonpb.RpcSaslProto_SUCCESS, nil)) {
		t.Fatalf("NEGOTIATE answered with %v", got)
	}
	c.write(contextFrame(t, "pat"))
	checkStillServes(t, c, 1)
}

// Every SASL misstep a SIMPLE-only server can see, answered as Hadoop does.
func TestSASLSimpleServerRejectsMissteps(t *testing.T) {
	negotiate := saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil)
	unauthorized := commonpb.RpcResponseHeaderProto_FATAL_UNAUTHORIZED
	invalid := commonpb.RpcResponseHeaderProto_FATAL_INVALID_RPC_HEADER
	const sasl = "javax.security.sasl.SaslException"
	tests := []struct {
		name  string
		steps []*commonpb.RpcSaslProto // each NEGOTIATE gets its SUCCESS answer
		last  func(t *testing.T) []byte
		want  *commonpb.RpcResponseHeaderProto // nil: closed without an answer
		reply *commonpb.RpcSaslProto           // an answer expected to last before want
	}{
		{name: "SASL after switching to simple", steps: []*commonpb.RpcSaslProto{negotiate},
			last: func(t *testing.T) []byte { return saslFrame(t, negotiate) },
			want: fatalWant(-33, 0, invalid, classRPCServer, "SASL protocol not requested by client")},
		{name: "INITIATE with two mechanisms",
			last: func(t *testing.T) []byte {
				return saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, nil, saslAuth("SIMPLE", ""), saslAuth("TOKEN", "DIGEST-MD5")))
			},
			want: fatalWant(-33, 0, unauthorized, sasl, "Client mechanism is malformed")},
		{name: "INITIATE before NEGOTIATE gets the list but no switch",
			last: func(t *testing.T) []byte {
				return concat(saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, nil, saslAuth("TOKEN", "DIGEST-MD5"))),
					contextFrame(t, "pat"))
			},
			reply: saslMsg(commonpb.RpcSaslProto_SUCCESS, nil),
			want:  fatalWant(-3, 0, invalid, classRPCServer, "Connection header sent during SASL negotiation")},
		{name: "RESPONSE without a token",
			last: func(t *testing.T) []byte { return saslFrame(t, saslMsg(commonpb.RpcSaslProto_RESPONSE, nil)) },
			want: fatalWant(-33, 0, unauthorized, sasl, "Client did not send a token")},
		{name: "RESPONSE with a token and no SASL server is dropped",
			last: func(t *testing.T) []byte { return saslFrame(t, saslMsg(commonpb.RpcSaslProto_RESPONSE, []byte("x"))) }},
		{name: "client sends SUCCESS",
			last: func(t *testing.T) []byte { return saslFrame(t, saslMsg(commonpb.RpcSaslProto_SUCCESS, nil)) },
			want: fatalWant(-33, 0, unauthorized, sasl, "Client sent unsupported state SUCCESS")},
		{name: "WRAP before any wrapping",
			last: func(t *testing.T) []byte { return saslFrame(t, saslMsg(commonpb.RpcSaslProto_WRAP, []byte("x"))) },
			want: fatalWant(-33, 0, invalid, sasl, "Server is not wrapping data")},
		{name: "connection context before SASL",
			last: func(t *testing.T) []byte { return contextFrame(t, "pat") },
			want: fatalWant(-3, 0, invalid, classRPCServer, "Connection header sent during SASL negotiation")},
		{name: "call before SASL",
			last: func(t *testing.T) []byte { return frameOf(t, rawRPCHeader(1)) },
			want: fatalWant(1, 0, invalid, classRPCServer, "Connection context not established")},
		{name: "SASL message without a state",
			last: func(t *testing.T) []byte { return saslFrame(t, &commonpb.RpcSaslProto{Token: []byte("x")}) },
			want: fatalWant(-33, 0, commonpb.RpcResponseHeaderProto_FATAL_DESERIALIZING_REQUEST, classRPCServer,
				"Error decoding RpcSaslProto: org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException: "+
					"Message missing required fields: state")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startTestServer(t, ServerConfig{}, refreshTestProtocol(nil))
			c := dialRawTestClient(t, addr)
			c.write(preamble(9, AuthSASL))
			for _, m := range tc.steps {
				c.write(saslFrame(t, m))
				c.readSASL()
			}
			c.write(tc.last(t))
			if tc.reply != nil {
				if got := c.readSASL(); !proto.Equal(got, tc.reply) {
					t.Fatalf("answer %v, want %v", got, tc.reply)
				}
			}
			if tc.want != nil {
				h, _ := c.response()
				checkHeaderEqual(t, h, tc.want)
			}
			c.expectClosed()
		})
	}
}

// fakeMech is a SASL mechanism for tests: the token "good" completes the
// exchange, "bad" fails it, anything else asks for more. With qop
// "auth-int" it wraps by prefixing "W:".
type fakeMech struct {
	method, mech, protocol, serverID string
	challenges                       bool
	qop                              string
}

func (m fakeMech) Method() string    { return m.method }
func (m fakeMech) Mechanism() string { return m.mech }
func (m fakeMech) Protocol() string  { return m.protocol }
func (m fakeMech) ServerID() string  { return m.serverID }
func (m fakeMech) Challenges() bool  { return m.challenges }
func (m fakeMech) NewSession(net.Addr) (SASLSession, error) {
	return &fakeSession{qop: m.qop}, nil
}

type fakeSession struct {
	qop  string
	done bool
}

func (s *fakeSession) Evaluate(token []byte) ([]byte, bool, error) {
	switch string(token) {
	case "":
		return []byte("first-challenge"), false, nil
	case "good":
		s.done = true
		return []byte("rspauth"), true, nil
	case "bad":
		return nil, false, &RemoteError{Class: ClassInvalidToken, Message: "token expired"}
	}
	return []byte("more"), false, nil
}

func (s *fakeSession) AuthorizationID() string { return "svc" }
func (s *fakeSession) QOP() string             { return s.qop }
func (s *fakeSession) Wrap(b []byte) ([]byte, error) {
	return append([]byte("W:"), b...), nil
}

func (s *fakeSession) Unwrap(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte("W:")) {
		return nil, errors.New("not wrapped")
	}
	return b[2:], nil
}

var tokenMech = fakeMech{method: "TOKEN", mech: "DIGEST-MD5", serverID: "default", challenges: true}

func tokenAuth() *commonpb.RpcSaslProto_SaslAuth {
	a := saslAuth("TOKEN", "DIGEST-MD5")
	a.Protocol, a.ServerId = proto.String(""), proto.String("default")
	return a
}

// A secure server lists its methods (TOKEN first, with a challenge), runs
// the exchange, and takes the user SASL authenticated.
func TestSASLTokenExchange(t *testing.T) {
	_, addr := startTestServer(t, ServerConfig{SASL: &SASLConfig{Mechanisms: []SASLMechanism{tokenMech}}}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr)
	c.write(preamble(9, AuthSASL))
	c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil)))
	withChallenge := tokenAuth()
	withChallenge.Challenge = []byte("first-challenge")
	if got, want := c.readSASL(), saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil, withChallenge); !proto.Equal(got, want) {
		t.Fatalf("NEGOTIATE answered %v, want %v", got, want)
	}
	c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("hello"), tokenAuth())))
	if got := c.readSASL(); !proto.Equal(got, saslMsg(commonpb.RpcSaslProto_CHALLENGE, []byte("more"))) {
		t.Fatalf("INITIATE answered %v", got)
	}
	c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_RESPONSE, []byte("good"))))
	if got := c.readSASL(); !proto.Equal(got, saslMsg(commonpb.RpcSaslProto_SUCCESS, []byte("rspauth"))) {
		t.Fatalf("RESPONSE answered %v", got)
	}
	c.write(contextFrame(t, "svc"))
	c.refresh(1, "echo")
	if _, r := c.refreshResponse(); r.Responses[0].GetSenderName() != "svc//"+refreshProtocol+"/refresh" {
		t.Fatalf("caller %q", r.Responses[0].GetSenderName())
	}
}

// Refusals on a secure server.
func TestSASLSecureServerRefusals(t *testing.T) {
	unauthorized := commonpb.RpcResponseHeaderProto_FATAL_UNAUTHORIZED
	tests := []struct {
		name string
		run  func(t *testing.T, c *rawTestClient)
		want *commonpb.RpcResponseHeaderProto
	}{
		{"SIMPLE client", func(t *testing.T, c *rawTestClient) { c.write(preamble(9, AuthNone)) },
			fatalWant(-1, -1, unauthorized, ClassAccessControl, "SIMPLE authentication is not enabled.  Available:[TOKEN]")},
		{"method not offered after NEGOTIATE", func(t *testing.T, c *rawTestClient) {
			c.write(preamble(9, AuthSASL))
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil)))
			c.readSASL()
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("x"), saslAuth("KERBEROS", "GSSAPI"))))
		}, fatalWant(-33, 0, unauthorized, ClassAccessControl, "KERBEROS authentication is not enabled.  Available:[TOKEN]")},
		{"second NEGOTIATE", func(t *testing.T, c *rawTestClient) {
			c.write(preamble(9, AuthSASL))
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil)))
			c.readSASL()
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_NEGOTIATE, nil)))
		}, fatalWant(-33, 0, unauthorized, ClassAccessControl, "Client already attempted negotiation")},
		{"bad token keeps the mechanism's class", func(t *testing.T, c *rawTestClient) {
			c.write(preamble(9, AuthSASL))
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("bad"), tokenAuth())))
		}, fatalWant(-33, 0, unauthorized, ClassInvalidToken, "token expired")},
		{"SASL after success", func(t *testing.T, c *rawTestClient) {
			c.write(preamble(9, AuthSASL))
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("good"), tokenAuth())))
			c.readSASL()
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_RESPONSE, []byte("good"))))
		}, fatalWant(-33, 0, commonpb.RpcResponseHeaderProto_FATAL_INVALID_RPC_HEADER, "javax.security.sasl.SaslException",
			"Negotiation is already complete")},
		{"token user claims another user", func(t *testing.T, c *rawTestClient) {
			c.write(preamble(9, AuthSASL))
			c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("good"), tokenAuth())))
			c.readSASL()
			c.write(contextFrame(t, "root"))
		}, fatalWant(-3, 0, unauthorized, ClassAccessControl,
			"Authenticated user (svc (auth:TOKEN)) doesn't match what the client claims to be (root (auth:SIMPLE))")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startTestServer(t, ServerConfig{SASL: &SASLConfig{Mechanisms: []SASLMechanism{tokenMech}}}, refreshTestProtocol(nil))
			c := dialRawTestClient(t, addr)
			tc.run(t, c)
			h, _ := c.response()
			checkHeaderEqual(t, h, tc.want)
			c.expectClosed()
		})
	}
}

// With a QOP other than "auth", frames travel inside WRAP messages both
// ways once the exchange is complete (Server.wrapWithSasl,
// unwrapPacketAndProcessRpcs); a frame may span WRAP messages.
func TestSASLWrapsFramesAfterIntegrityQOP(t *testing.T) {
	mech := tokenMech
	mech.qop = "auth-int"
	_, addr := startTestServer(t, ServerConfig{SASL: &SASLConfig{Mechanisms: []SASLMechanism{mech}}}, refreshTestProtocol(nil))
	c := dialRawTestClient(t, addr)
	c.write(preamble(9, AuthSASL))
	c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_INITIATE, []byte("good"), tokenAuth())))
	c.readSASL() // the SUCCESS is not wrapped
	inner := concat(contextFrame(t, "svc"), frameOf(t, rawRPCHeader(4), rawMethodHeader(refreshProtocol, "refresh"),
		&refreshReq{Identifier: proto.String("echo"), Args: []string{"wrapped"}}))
	half := len(inner) / 2
	c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_WRAP, append([]byte("W:"), inner[:half]...))))
	c.write(saslFrame(t, saslMsg(commonpb.RpcSaslProto_WRAP, append([]byte("W:"), inner[half:]...))))

	h, body := c.response()
	checkHeaderEqual(t, h, &commonpb.RpcResponseHeaderProto{CallId: proto.Uint32(uint32(0xFFFFFFDF)),
		Status: commonpb.RpcResponseHeaderProto_SUCCESS.Enum()})
	var wrap commonpb.RpcSaslProto
	if err := proto.Unmarshal(body, &wrap); err != nil || wrap.GetState() != commonpb.RpcSaslProto_WRAP {
		t.Fatalf("wrapped answer %v, %v", &wrap, err)
	}
	plain := &rawTestClient{t: t, br: newBufReader(bytes.TrimPrefix(wrap.Token, []byte("W:")))}
	if h, r := plain.refreshResponse(); h.GetCallId() != 4 || r.Responses[0].GetUserMessage() != "wrapped" {
		t.Fatalf("unwrapped answer %v %v", h, r)
	}
}

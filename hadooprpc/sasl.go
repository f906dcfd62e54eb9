package hadooprpc

import (
	"errors"
	"net"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// Hadoop's names for authentication methods (SaslRpcServer.AuthMethod).
const (
	AuthMethodSimple   = "SIMPLE"
	AuthMethodKerberos = "KERBEROS"
	AuthMethodToken    = "TOKEN"
)

// SASLConfig turns on SASL authentication. The server offers Mechanisms in
// order in its NEGOTIATE answer (Hadoop puts TOKEN first, then the
// configured method), followed by SIMPLE when Simple is set.
type SASLConfig struct {
	Mechanisms []SASLMechanism
	Simple     bool
}

// SASLMechanism is one authentication method a server offers, such as
// KERBEROS (GSSAPI) or TOKEN (DIGEST-MD5). It describes itself for the
// NEGOTIATE answer and starts a session per connection.
type SASLMechanism interface {
	Method() string    // Hadoop's AuthMethod name: "TOKEN", "KERBEROS"
	Mechanism() string // the SASL mechanism: "DIGEST-MD5", "GSSAPI"
	Protocol() string  // SaslAuth.protocol ("" for TOKEN, the service for KERBEROS)
	ServerID() string  // SaslAuth.serverId ("default" for TOKEN, the host for KERBEROS)
	// Challenges reports whether the server sends a first challenge in its
	// NEGOTIATE answer (Hadoop does so for TOKEN).
	Challenges() bool
	NewSession(remote net.Addr) (SASLSession, error)
}

// SASLSession is the server side of one SASL exchange.
type SASLSession interface {
	// Evaluate takes the client's token and returns the server's reply and
	// whether authentication is complete. An error is sent to the client as
	// a FATAL_UNAUTHORIZED answer: a *RemoteError keeps its class, anything
	// else goes as javax.security.sasl.SaslException.
	Evaluate(token []byte) (reply []byte, complete bool, err error)
	// AuthorizationID names the authenticated user once complete.
	AuthorizationID() string
	// QOP is the negotiated quality of protection: "auth", "auth-int" or
	// "auth-conf". Anything but "auth" makes the connection wrap its frames.
	QOP() string
	Wrap(b []byte) ([]byte, error)
	Unwrap(b []byte) ([]byte, error)
}

// saslPolicy is a server's fixed view of its authentication methods.
type saslPolicy struct {
	methods   []string // enabled methods in order, as Hadoop's enabledAuthMethods
	mechs     map[string]SASLMechanism
	negotiate *commonpb.RpcSaslProto // Server.buildNegotiateResponse
}

func newSASLPolicy(cfg *SASLConfig) *saslPolicy {
	p := &saslPolicy{mechs: map[string]SASLMechanism{}}
	if cfg == nil || len(cfg.Mechanisms) == 0 {
		p.methods = []string{AuthMethodSimple}
		p.negotiate = &commonpb.RpcSaslProto{State: commonpb.RpcSaslProto_SUCCESS.Enum()}
		return p
	}
	p.negotiate = &commonpb.RpcSaslProto{State: commonpb.RpcSaslProto_NEGOTIATE.Enum()}
	for _, m := range cfg.Mechanisms {
		p.methods = append(p.methods, m.Method())
		p.mechs[m.Method()] = m
		a := &commonpb.RpcSaslProto_SaslAuth{Method: proto.String(m.Method()), Mechanism: proto.String(m.Mechanism())}
		// Hadoop always sets both for SASL methods, even when empty.
		a.Protocol = proto.String(m.Protocol())
		a.ServerId = proto.String(m.ServerID())
		p.negotiate.Auths = append(p.negotiate.Auths, a)
	}
	if cfg.Simple {
		p.methods = append(p.methods, AuthMethodSimple)
		p.negotiate.Auths = append(p.negotiate.Auths, &commonpb.RpcSaslProto_SaslAuth{
			Method: proto.String(AuthMethodSimple), Mechanism: proto.String(""),
		})
	}
	return p
}

func (p *saslPolicy) simpleEnabled() bool {
	for _, m := range p.methods {
		if m == AuthMethodSimple {
			return true
		}
	}
	return false
}

// available formats the enabled methods as Java prints the list.
func (p *saslPolicy) available() string { return "[" + strings.Join(p.methods, ", ") + "]" }

// saslConn is the SASL state of one connection (Server.Connection's
// sentNegotiate, saslServer, authMethod, saslContextEstablished). It is a
// pure state machine: step takes a decoded RpcSaslProto and says what to
// answer; the connection does the I/O.
type saslConn struct {
	policy        *saslPolicy
	remote        net.Addr
	sentNegotiate bool
	established   bool
	method        string
	session       SASLSession
}

// saslStep is what a client message led to.
type saslStep struct {
	reply          *commonpb.RpcSaslProto // nil: send nothing
	switchToSimple bool                   // the connection continues as AuthNone
}

// errSASLInternal stands for the Java runtime exceptions Hadoop's server
// hits on some SASL input (a RESPONSE before any INITIATE, a method name
// it has no enum for): it closes the connection without an answer.
var errSASLInternal = errors.New("hadooprpc: SASL message the server cannot process")

func (s *saslConn) step(m *commonpb.RpcSaslProto) (saslStep, error) {
	if s.established {
		return saslStep{}, fatal(commonpb.RpcResponseHeaderProto_FATAL_INVALID_RPC_HEADER,
			ClassSasl, "Negotiation is already complete")
	}
	switch m.GetState() {
	case commonpb.RpcSaslProto_NEGOTIATE:
		return s.negotiate()
	case commonpb.RpcSaslProto_INITIATE:
		return s.initiate(m)
	case commonpb.RpcSaslProto_RESPONSE:
		return s.token(m)
	}
	return saslStep{}, unauthorized(ClassSasl, "Client sent unsupported state "+m.GetState().String())
}

func unauthorized(class, msg string) *rpcError {
	return fatal(commonpb.RpcResponseHeaderProto_FATAL_UNAUTHORIZED, class, msg)
}

func (s *saslConn) negotiate() (saslStep, error) {
	if s.sentNegotiate {
		return saslStep{}, unauthorized(ClassAccessControl, "Client already attempted negotiation")
	}
	reply, err := s.negotiateReply()
	if err != nil {
		return saslStep{}, err
	}
	// A SIMPLE-only server answers SUCCESS, which the client takes as
	// "switch to simple".
	return saslStep{reply: reply, switchToSimple: reply.GetState() == commonpb.RpcSaslProto_SUCCESS}, nil
}

// negotiateReply is Server.buildSaslNegotiateResponse: the server's list,
// with a first challenge for the first method when it sends one.
func (s *saslConn) negotiateReply() (*commonpb.RpcSaslProto, error) {
	reply := s.policy.negotiate
	if len(reply.Auths) > 0 {
		if mech := s.policy.mechs[reply.Auths[0].GetMethod()]; mech != nil && mech.Challenges() {
			sess, err := mech.NewSession(s.remote)
			if err != nil {
				return nil, saslFailure(err)
			}
			challenge, _, err := sess.Evaluate(nil)
			if err != nil {
				return nil, saslFailure(err)
			}
			s.session, s.method = sess, mech.Method()
			reply = proto.Clone(reply).(*commonpb.RpcSaslProto)
			reply.Auths[0].Challenge = challenge
		}
	}
	s.sentNegotiate = true
	return reply, nil
}

func (s *saslConn) initiate(m *commonpb.RpcSaslProto) (saslStep, error) {
	if len(m.GetAuths()) != 1 {
		return saslStep{}, unauthorized(ClassSasl, "Client mechanism is malformed")
	}
	auth := m.GetAuths()[0]
	if !s.offered(auth) {
		if s.sentNegotiate {
			return saslStep{}, unauthorized(ClassAccessControl,
				auth.GetMethod()+" authentication is not enabled.  Available:"+s.policy.available())
		}
		// Not asked to negotiate yet: answer with the list (without
		// switching to simple, as Hadoop does).
		reply, err := s.negotiateReply()
		return saslStep{reply: reply}, err
	}
	if auth.GetMethod() == AuthMethodSimple {
		return saslStep{switchToSimple: true}, nil
	}
	mech := s.policy.mechs[auth.GetMethod()]
	if mech == nil {
		return saslStep{}, errSASLInternal
	}
	if s.session == nil || auth.GetMethod() != AuthMethodToken {
		sess, err := mech.NewSession(s.remote)
		if err != nil {
			return saslStep{}, saslFailure(err)
		}
		s.session = sess
	}
	s.method = auth.GetMethod()
	return s.token(m)
}

// offered reports whether the server's NEGOTIATE list holds auth exactly.
func (s *saslConn) offered(auth *commonpb.RpcSaslProto_SaslAuth) bool {
	for _, a := range s.policy.negotiate.GetAuths() {
		if proto.Equal(a, auth) {
			return true
		}
	}
	return false
}

func (s *saslConn) token(m *commonpb.RpcSaslProto) (saslStep, error) {
	if m.Token == nil {
		return saslStep{}, unauthorized(ClassSasl, "Client did not send a token")
	}
	if s.session == nil {
		return saslStep{}, errSASLInternal
	}
	reply, complete, err := s.session.Evaluate(m.Token)
	if err != nil {
		return saslStep{}, saslFailure(err)
	}
	state := commonpb.RpcSaslProto_CHALLENGE
	if complete {
		state = commonpb.RpcSaslProto_SUCCESS
		s.established = true
	}
	return saslStep{reply: &commonpb.RpcSaslProto{State: state.Enum(), Token: reply}}, nil
}

// saslFailure is the FATAL_UNAUTHORIZED answer for a mechanism's error.
func saslFailure(err error) *rpcError {
	var re *RemoteError
	if errors.As(err, &re) {
		return unauthorized(re.Class, re.Message)
	}
	return unauthorized(ClassSasl, err.Error())
}

// user is the authenticated user once the exchange is complete.
func (s *saslConn) user() string {
	if s.session == nil {
		return ""
	}
	return s.session.AuthorizationID()
}

// wraps reports whether frames after authentication travel SASL-wrapped.
func (s *saslConn) wraps() bool {
	if !s.established || s.session == nil {
		return false
	}
	q := strings.ToLower(s.session.QOP())
	return q != "" && q != "auth"
}

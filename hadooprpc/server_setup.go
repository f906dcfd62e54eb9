package hadooprpc

import (
	"encoding/binary"
	"errors"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// setupState is what a connection learns before its first call: the auth
// protocol of the preamble, the SASL exchange, and the connection context.
// Only the reader goroutine touches it.
type setupState struct {
	authProtocol byte      // AuthNone or AuthSASL; SASL may switch to AuthNone ("switch to simple")
	sasl         *saslConn // non-nil when the preamble asked for SASL
	contextRead  bool
	protocol     string // IpcConnectionContextProto.protocol; "" when absent
	user         string
	realUser     string
	unwrapped    []byte // SASL-unwrapped bytes not yet forming a whole frame
	unwrapping   bool   // inside unwrapFrames; a WRAP inside a WRAP is refused
}

// readPreamble reads the 7-byte connection header and answers a bad one as
// Server.Connection.readAndProcess does: an HTTP GET gets a plain-text 404,
// a bad magic or version gets setupBadVersionResponse, an unknown auth
// protocol a FATAL_UNAUTHORIZED IpcException.
func (c *conn) readPreamble() error {
	var p [PreambleLen]byte
	if err := c.readFull(p[:]); err != nil {
		return err
	}
	version := int8(p[4]) // Java reads a signed byte
	switch {
	case string(p[:4]) == "GET ":
		c.send([]byte(httpResponse))
		return closeErrorf("HTTP request on the IPC port from %s", addrString(c.remote))
	case [4]byte(p[:4]) != preambleMagic:
		c.sendRaw(badVersionResponse(version))
		return closeErrorf("Incorrect RPC Header from %s. Expected: hrpc. Actual: %q", addrString(c.remote), p[:4])
	case version != Version:
		c.sendRaw(badVersionResponse(version))
		return closeErrorf("Version mismatch from %s. Expected version: %d. Actual version: %d",
			addrString(c.remote), Version, version)
	}
	return c.initAuth(int8(p[6]))
}

// sendRaw queues bytes that may be empty (no answer).
func (c *conn) sendRaw(b []byte) {
	if len(b) > 0 {
		c.send(b)
	}
}

// initAuth is Server.initializeAuthContext.
func (c *conn) initAuth(auth int8) error {
	switch auth {
	case AuthNone:
		if !c.srv.sasl.simpleEnabled() {
			return c.authFailed(unauthorized(ClassAccessControl,
				"SIMPLE authentication is not enabled.  Available:"+c.srv.sasl.available()))
		}
		c.setup.authProtocol = AuthNone
	case int8(-33):
		c.setup.authProtocol = AuthSASL
		c.setup.sasl = &saslConn{policy: c.srv.sasl, remote: c.remote}
	default:
		return c.authFailed(unauthorized(ClassIPC, "Unknown auth protocol:"+strconv.Itoa(int(auth))))
	}
	return nil
}

// authFailed answers on Hadoop's authFailedCall (call id -1) and closes.
func (c *conn) authFailed(e *rpcError) error {
	b, _ := AppendFrame(nil, errorHeader(CallIDAuthorizationFailed, nil, -1, e))
	c.send(b)
	return closeErrorf("%s: %s", e.class, e.msg)
}

// fail answers a fault in a frame with a FATAL response on the frame's call
// id and retry count (clientId stays empty, as in Hadoop) and closes.
func (c *conn) fail(callID, retry int32, e *rpcError) error {
	b, _ := AppendFrame(nil, errorHeader(callID, nil, retry, e))
	c.send(b)
	return closeErrorf("%s: %s", e.class, e.msg)
}

func invalidHeader(msg string) *rpcError {
	return fatal(commonpb.RpcResponseHeaderProto_FATAL_INVALID_RPC_HEADER, "", msg)
}

func undecodable(what, javaMsg string) *rpcError {
	return fatal(commonpb.RpcResponseHeaderProto_FATAL_DESERIALIZING_REQUEST, "",
		"Error decoding "+what+": "+ClassInvalidProtocolBuffer+": "+javaMsg)
}

// processFrame is Server.Connection.processOneRpc for one frame.
func (c *conn) processFrame(b []byte) error {
	var hdr commonpb.RpcRequestHeaderProto
	rest, javaMsg, ok := decodeDelimited(b, &hdr)
	if !ok {
		return c.fail(CallIDAuthorizationFailed, -1, undecodable("RpcRequestHeaderProto", javaMsg))
	}
	callID, retry := hdr.GetCallId(), hdr.GetRetryCount()
	if e := checkRequestHeader(&hdr); e != nil {
		return c.fail(callID, retry, e)
	}
	switch {
	case callID < 0:
		return c.outOfBand(&hdr, rest)
	case !c.setup.contextRead:
		return c.fail(callID, retry, invalidHeader("Connection context not established"))
	}
	return c.startCall(&hdr, rest)
}

// checkRequestHeader is Server.Connection.checkRpcHeaders.
func checkRequestHeader(h *commonpb.RpcRequestHeaderProto) *rpcError {
	if h.RpcOp == nil {
		return invalidHeader(" IPC Server: No rpc op in rpcRequestHeader")
	}
	if h.GetRpcOp() != commonpb.RpcRequestHeaderProto_RPC_FINAL_PACKET {
		// RPC_CLOSE_CONNECTION lands here too: Hadoop's server answers it
		// with this FATAL error and closes.
		return invalidHeader("IPC Server does not implement rpc header operation" + h.GetRpcOp().String())
	}
	if h.RpcKind == nil {
		return invalidHeader(" IPC Server: No rpc kind in rpcRequestHeader")
	}
	return nil
}

// outOfBand handles the negative call ids of connection setup
// (Server.Connection.processRpcOutOfBandRequest).
func (c *conn) outOfBand(h *commonpb.RpcRequestHeaderProto, rest []byte) error {
	callID, retry := h.GetCallId(), h.GetRetryCount()
	switch callID {
	case CallIDConnectionContext:
		if c.setup.authProtocol == AuthSASL && !c.setup.sasl.established {
			return c.fail(callID, retry, invalidHeader("Connection header sent during SASL negotiation"))
		}
		return c.connectionContext(callID, retry, rest)
	case CallIDSASL:
		if c.setup.authProtocol != AuthSASL {
			return c.fail(callID, retry, invalidHeader("SASL protocol not requested by client"))
		}
		return c.saslMessage(callID, retry, rest)
	case CallIDPing:
		return nil
	}
	return c.fail(callID, retry, invalidHeader("Unknown out of band call #"+strconv.Itoa(int(callID))))
}

// connectionContext is Server.Connection.processConnectionContext.
func (c *conn) connectionContext(callID, retry int32, rest []byte) error {
	if c.setup.contextRead {
		return c.fail(callID, retry, invalidHeader("Connection context already processed"))
	}
	var cc commonpb.IpcConnectionContextProto
	if _, javaMsg, ok := decodeDelimited(rest, &cc); !ok {
		return c.fail(callID, retry, undecodable("IpcConnectionContextProto", javaMsg))
	}
	if err := c.setUser(callID, retry, cc.GetUserInfo()); err != nil {
		return err
	}
	c.setup.protocol = cc.GetProtocol()
	if auth := c.srv.cfg.Authorize; auth != nil {
		if err := auth(Caller{User: c.setup.user, RealUser: c.setup.realUser, Remote: c.remote, Protocol: c.setup.protocol}); err != nil {
			return c.fail(callID, retry, unauthorized(ClassOf(err), errMessage(err)))
		}
	}
	c.setup.contextRead = true
	return nil
}

// setUser works out the connection's user from the context's userInfo
// (ProtoUtil.getUgi) and, under SASL, the authenticated user.
func (c *conn) setUser(callID, retry int32, ui *commonpb.UserInformationProto) error {
	eff, real := "", ""
	if ui != nil && ui.EffectiveUser != nil {
		eff = ui.GetEffectiveUser()
		if ui.RealUser != nil {
			real = ui.GetRealUser()
		}
		if eff == "" || (ui.RealUser != nil && real == "") {
			// UserGroupInformation.createRemoteUser throws
			// IllegalArgumentException("Null user"), which Hadoop's reader
			// does not answer.
			return closeErrorf("java.lang.IllegalArgumentException: Null user")
		}
	}
	if c.setup.authProtocol == AuthNone {
		c.setup.user, c.setup.realUser = eff, real
		return nil
	}
	authUser, method := c.setup.sasl.user(), c.setup.sasl.method
	c.setup.user = authUser
	if eff == "" || eff == authUser {
		return nil
	}
	if method == AuthMethodToken {
		return c.fail(callID, retry, unauthorized(ClassAccessControl,
			"Authenticated user ("+authUser+" (auth:TOKEN)) doesn't match what the client claims to be ("+
				ugiString(eff, real)+")"))
	}
	c.setup.user, c.setup.realUser = eff, authUser
	return nil
}

// ugiString is UserGroupInformation.toString for a user from a connection
// context.
func ugiString(eff, real string) string {
	if real == "" {
		return eff + " (auth:SIMPLE)"
	}
	return eff + " (auth:PROXY) via " + real + " (auth:SIMPLE)"
}

// saslMessage is Server.Connection.saslReadAndProcess.
func (c *conn) saslMessage(callID, retry int32, rest []byte) error {
	var m commonpb.RpcSaslProto
	if _, javaMsg, ok := decodeDelimited(rest, &m); !ok {
		return c.fail(callID, retry, undecodable("RpcSaslProto", javaMsg))
	}
	s := c.setup.sasl
	if m.GetState() == commonpb.RpcSaslProto_WRAP {
		if !s.established || !c.wrap.Load() {
			return c.fail(callID, retry, fatal(commonpb.RpcResponseHeaderProto_FATAL_INVALID_RPC_HEADER,
				ClassSasl, "Server is not wrapping data"))
		}
		return c.unwrapFrames(m.Token)
	}
	step, err := s.step(&m)
	var re *rpcError
	switch {
	case errors.As(err, &re):
		return c.fail(callID, retry, re)
	case err != nil:
		return closeErrorf("%v", err)
	}
	if step.reply != nil {
		b, _ := AppendFrame(nil, responseHeader(CallIDSASL, nil, -1, statusSuccess), step.reply)
		c.send(b)
	}
	if step.switchToSimple {
		c.setup.authProtocol = AuthNone
		c.setup.sasl.session = nil
	}
	if s.wraps() {
		c.wrap.Store(true) // only after the last SASL answer went out unwrapped
	}
	return nil
}

// unwrapFrames is Server.Connection.unwrapPacketAndProcessRpcs: the token
// holds a stream of length-prefixed frames, possibly split across tokens.
func (c *conn) unwrapFrames(token []byte) error {
	if c.setup.unwrapping {
		return closeErrorf("SASL WRAP message inside a wrapped frame from %s", addrString(c.remote))
	}
	c.setup.unwrapping = true
	defer func() { c.setup.unwrapping = false }()
	c.saslMu.Lock()
	plain, err := c.setup.sasl.session.Unwrap(token)
	c.saslMu.Unlock()
	if err != nil {
		return closeErrorf("SASL unwrap failed: %v", err)
	}
	c.setup.unwrapped = append(c.setup.unwrapped, plain...)
	for len(c.setup.unwrapped) >= 4 {
		n := int(int32(binary.BigEndian.Uint32(c.setup.unwrapped)))
		if n < 0 || n > c.srv.cfg.MaxDataLength {
			return closeErrorf("Unexpected unwrapped data length %d from %s", n, hostOf(c.remote))
		}
		if len(c.setup.unwrapped) < 4+n {
			return nil
		}
		frame := c.setup.unwrapped[4 : 4+n]
		if err := c.processFrame(frame); err != nil {
			return err
		}
		c.setup.unwrapped = c.setup.unwrapped[4+n:]
	}
	return nil
}

// wrapFrame is Server.wrapWithSasl: the whole response frame becomes the
// token of a WRAP message on call id -33.
func (c *conn) wrapFrame(frame []byte) []byte {
	c.saslMu.Lock()
	token, err := c.setup.sasl.session.Wrap(frame)
	c.saslMu.Unlock()
	if err != nil {
		c.srv.log.Warn("hadooprpc: SASL wrap failed", "remote", addrString(c.remote), "err", err)
		return nil
	}
	// Only callId and status: Hadoop builds this header afresh.
	id := int32(CallIDSASL)
	hdr := &commonpb.RpcResponseHeaderProto{CallId: proto.Uint32(uint32(id)), Status: statusSuccess.Enum()}
	b, _ := AppendFrame(nil, hdr, &commonpb.RpcSaslProto{State: commonpb.RpcSaslProto_WRAP.Enum(), Token: token})
	return b
}

package hadooprpc

import (
	"context"
	"net"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"google.golang.org/protobuf/proto"
)

// ClientAuth is the seam where SASL (Kerberos, delegation tokens) plugs
// into a client connection. With a ClientAuth set, a new connection sends
// the preamble with AuthProtocol(), then runs Authenticate, then sends the
// connection context over whatever connection Authenticate returned.
type ClientAuth interface {
	// AuthProtocol is the preamble's auth byte, normally AuthSASL.
	AuthProtocol() byte
	// Authenticate runs the exchange on nc (SASL frames use call id -33).
	Authenticate(ctx context.Context, nc net.Conn, info ClientAuthInfo) (ClientAuthResult, error)
}

// ClientAuthInfo describes the connection being authenticated.
type ClientAuthInfo struct {
	Addr, Protocol string
	User, RealUser string
	ClientID       []byte
}

// ClientAuthResult is what an authentication exchange settled on.
type ClientAuthResult struct {
	// Conn replaces the raw connection when the negotiated QOP wraps
	// frames; nil keeps the raw one.
	Conn net.Conn
	// Method is AuthMethodSimple (the server let the client fall back),
	// AuthMethodKerberos or AuthMethodToken (declared in sasl.go); it
	// decides which users the connection context carries
	// (ProtoUtil.makeIpcConnectionContext).
	Method string
}

// clientConnContext builds the IpcConnectionContextProto for method: under
// SIMPLE both users, under KERBEROS the effective user only (the real one
// is the authenticated principal), under TOKEN neither.
func clientConnContext(protocol, user, realUser, method string) *commonpb.IpcConnectionContextProto {
	ui := &commonpb.UserInformationProto{}
	switch method {
	case AuthMethodKerberos:
		ui.EffectiveUser = proto.String(user)
	case AuthMethodToken:
	default:
		ui.EffectiveUser = proto.String(user)
		if realUser != "" {
			ui.RealUser = proto.String(realUser)
		}
	}
	return &commonpb.IpcConnectionContextProto{UserInfo: ui, Protocol: proto.String(protocol)}
}

package hadooprpc

import (
	"context"
	"net"
)

// Caller describes the call a handler is serving: who sent it (from the
// connection context, or SASL), on which connection, and the call's
// identifiers from RpcRequestHeaderProto. Handlers use ClientID, CallID and
// RetryCount for Hadoop's retry cache.
type Caller struct {
	User       string // effective user; "" when the client named none
	RealUser   string // the proxying user when User is impersonated, else ""
	ClientID   []byte // RpcRequestHeaderProto.clientId (16 bytes from Java clients)
	CallID     int32
	RetryCount int32 // -1 when the client did not send one
	Remote     net.Addr
	Protocol   string // RequestHeaderProto.declaringClassProtocolName
	Method     string // RequestHeaderProto.methodName
}

type callerKey struct{}

// ContextWithCaller returns a copy of ctx carrying c.
func ContextWithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFromContext returns the Caller stored in ctx by the server (or by
// ContextWithCaller).
func CallerFromContext(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

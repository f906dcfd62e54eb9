package hadooprpc

import (
	"context"
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// Protocol is one Hadoop RPC protocol a server answers: the Java interface
// name from its @ProtocolInfo (e.g. "org.apache.hadoop.hdfs.protocol.ClientProtocol"),
// its version, and a handler per proto rpc name ("getBlockLocations").
type Protocol struct {
	Name    string
	Version uint64
	Methods map[string]Handler
}

// Handler serves one method. NewRequest returns an empty request message to
// decode into; Call returns the response message or an error, which the
// server sends as a Java exception (see ClassOf).
type Handler struct {
	NewRequest func() proto.Message
	Call       func(ctx context.Context, req proto.Message) (proto.Message, error)
}

// Method builds a Handler from a typed function.
func Method[Req, Resp proto.Message](newReq func() Req, fn func(context.Context, Req) (Resp, error)) Handler {
	return Handler{
		NewRequest: func() proto.Message { return newReq() },
		Call: func(ctx context.Context, req proto.Message) (proto.Message, error) {
			resp, err := fn(ctx, req.(Req))
			if err != nil {
				return nil, err
			}
			return resp, nil
		},
	}
}

type protocolKey struct {
	name    string
	version uint64
}

// registry holds the protocols of a server. It is filled before Serve and
// read-only afterwards.
type registry struct {
	byKey    map[protocolKey]*Protocol
	versions map[string][]uint64 // every registered version of a name, ascending
	order    []protocolKey       // registration order, for stable listings
}

func newRegistry() *registry {
	return &registry{byKey: map[protocolKey]*Protocol{}, versions: map[string][]uint64{}}
}

func (r *registry) add(p Protocol) {
	k := protocolKey{p.Name, p.Version}
	if _, dup := r.byKey[k]; !dup {
		r.order = append(r.order, k)
		vs := append(r.versions[p.Name], p.Version)
		slices.Sort(vs)
		r.versions[p.Name] = vs
	}
	r.byKey[k] = &p
}

// lookup finds the handler for a call the way ProtobufRpcEngine2's server
// does: protocol and version first (RpcNoSuchProtocolException, or
// RPC$VersionMismatch naming the highest version served), then the method
// (RpcNoSuchMethodException, which names the connection's protocol).
func (r *registry) lookup(h *commonpb.RequestHeaderProto, connProtocol string) (Handler, *rpcError) {
	name, version := h.GetDeclaringClassProtocolName(), h.GetClientProtocolVersion()
	p := r.byKey[protocolKey{name, version}]
	if p == nil {
		vs := r.versions[name]
		if len(vs) == 0 {
			return Handler{}, &rpcError{
				status: statusError, code: commonpb.RpcResponseHeaderProto_ERROR_NO_SUCH_PROTOCOL,
				class: ClassNoSuchProtocol, msg: "Unknown protocol: " + name,
			}
		}
		return Handler{}, &rpcError{
			status: statusError, code: commonpb.RpcResponseHeaderProto_ERROR_RPC_SERVER,
			class: ClassVersionMismatch,
			msg: fmt.Sprintf("Protocol %s version mismatch. (client = %d, server = %d)",
				name, version, vs[len(vs)-1]),
		}
	}
	m, ok := p.Methods[h.GetMethodName()]
	if !ok || m.NewRequest == nil || m.Call == nil {
		// Hadoop prints the connection's protocol here, "null" when the
		// connection context named none.
		if connProtocol == "" {
			connProtocol = "null"
		}
		return Handler{}, &rpcError{
			status: statusError, code: commonpb.RpcResponseHeaderProto_ERROR_NO_SUCH_METHOD,
			class: ClassNoSuchMethod,
			msg:   "Unknown method " + h.GetMethodName() + " called on " + connProtocol + " protocol.",
		}
	}
	return m, nil
}

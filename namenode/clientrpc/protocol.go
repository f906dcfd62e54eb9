package clientrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
)

// ClientProtocol's name on the wire and its version (wire NOTES §1).
const (
	ProtocolName    = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	ProtocolVersion = 1
)

// server translates calls for one Namesystem.
type server struct {
	ns  Namesystem
	cfg Config
}

// Protocol returns ClientProtocol served by ns: every method listed in the
// package doc, under its rpc name in ClientNamenodeProtocol.proto.
func Protocol(ns Namesystem, cfg Config) hadooprpc.Protocol {
	s := &server{ns: ns, cfg: cfg}
	m := map[string]hadooprpc.Handler{}
	for _, group := range []map[string]hadooprpc.Handler{
		s.readMethods(), s.writeMethods(), s.fileWriteMethods(), s.featureMethods(),
		s.snapshotMethods(), s.adminMethods(), s.ecMethods(),
	} {
		for name, h := range group {
			if _, dup := m[name]; dup {
				panic("clientrpc: method registered twice: " + name)
			}
			m[name] = h
		}
	}
	return hadooprpc.Protocol{Name: ProtocolName, Version: ProtocolVersion, Methods: m}
}

// Handle makes a Handler of a translating function: the request type is
// inferred, and a failure goes through JavaError.
func Handle[Req any, PReq interface {
	*Req
	proto.Message
}, Resp proto.Message](fn func(context.Context, PReq) (Resp, error)) hadooprpc.Handler {
	return hadooprpc.Method(func() PReq { return PReq(new(Req)) },
		func(ctx context.Context, req PReq) (Resp, error) {
			resp, err := fn(ctx, req)
			if err != nil {
				var zero Resp
				return zero, JavaError(err)
			}
			return resp, nil
		})
}

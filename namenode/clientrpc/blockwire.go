package clientrpc

import (
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

func tokenProto(t *Token) *commonpb.TokenProto {
	return &commonpb.TokenProto{Identifier: nonNil(t.Identifier), Password: nonNil(t.Password),
		Kind: proto.String(t.Kind), Service: proto.String(t.Service)}
}

func tokenOf(p *commonpb.TokenProto) Token {
	return Token{Identifier: p.GetIdentifier(), Password: p.GetPassword(), Kind: p.GetKind(), Service: p.GetService()}
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

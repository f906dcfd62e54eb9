package jnrpc

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
)

func sprint(v ...any) string { return fmt.Sprint(any(v)) }

func invoke(p hadooprpc.Protocol, method string, req proto.Message) (proto.Message, error) {
	b, err := proto.Marshal(req)
	if err != nil {
		return nil, err
	}
	h := p.Methods[method]
	m := h.NewRequest()
	if err := proto.Unmarshal(b, m); err != nil {
		return nil, err
	}
	return h.Call(context.Background(), m)
}

func textOf(m proto.Message) string {
	s := prototext.MarshalOptions{}.Format(m)
	return strings.Join(strings.Fields(s), " ")
}

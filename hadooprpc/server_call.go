package hadooprpc

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// callID is what a response echoes of its request.
type callID struct {
	id       int32
	clientID []byte
	retry    int32
}

// startCall decodes a call and starts its handler (Server.Connection.
// processRpcRequest, then ProtobufRpcEngine2's invoker). Faults in the
// RequestHeaderProto, the protocol, the method or the request message are
// answered with ERROR and the connection goes on; a wrong rpcKind is FATAL.
func (c *conn) startCall(h *commonpb.RpcRequestHeaderProto, rest []byte) error {
	if h.GetRpcKind() != commonpb.RpcKindProto_RPC_PROTOCOL_BUFFER {
		c.srv.log.Warn("hadooprpc: unknown rpc kind", "kind", h.GetRpcKind().String(), "remote", addrString(c.remote))
		return c.fail(h.GetCallId(), h.GetRetryCount(),
			invalidHeader("Unknown rpc kind in rpc header"+h.GetRpcKind().String()))
	}
	id := callID{id: h.GetCallId(), clientID: h.GetClientId(), retry: h.GetRetryCount()}
	var rh commonpb.RequestHeaderProto
	body, javaMsg, ok := decodeDelimited(rest, &rh)
	if !ok {
		c.answer(id, nil, appError(ClassInvalidProtocolBuffer, javaMsg))
		return nil
	}
	handler, rerr := c.srv.reg.lookup(&rh, c.setup.protocol)
	if rerr != nil {
		c.srv.log.Warn("hadooprpc: "+rerr.msg, "remote", addrString(c.remote))
		c.answer(id, nil, rerr)
		return nil
	}
	req := handler.NewRequest()
	if _, javaMsg, ok := decodeDelimited(body, req); !ok {
		c.answer(id, nil, appError(ClassInvalidProtocolBuffer, javaMsg))
		return nil
	}
	caller := Caller{
		User: c.setup.user, RealUser: c.setup.realUser,
		ClientID: id.clientID, CallID: id.id, RetryCount: id.retry, Remote: c.remote,
		Protocol: rh.GetDeclaringClassProtocolName(), Method: rh.GetMethodName(),
	}
	alone := c.inflight.Load() == 0
	if err := c.acquire(); err != nil {
		return err
	}
	if alone && c.srv.cfg.InlineLoneCalls {
		c.runCall(id, handler, req, caller)
		return nil
	}
	go c.runCall(id, handler, req, caller)
	return nil
}

func appError(class, msg string) *rpcError {
	return &rpcError{status: statusError, code: commonpb.RpcResponseHeaderProto_ERROR_APPLICATION, class: class, msg: msg}
}

// acquire takes a per-connection and a server-wide call slot, waiting as a
// Hadoop reader waits on a full call queue.
func (c *conn) acquire() error {
	select {
	case c.slots <- struct{}{}:
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
	select {
	case c.srv.slots <- struct{}{}:
	case <-c.ctx.Done():
		<-c.slots
		return c.ctx.Err()
	}
	c.inflight.Add(1)
	c.calls.Add(1)
	return nil
}

func (c *conn) release() {
	c.lastActive.Store(time.Now().UnixNano())
	c.inflight.Add(-1)
	<-c.srv.slots
	<-c.slots
	c.calls.Done()
}

func (c *conn) runCall(id callID, h Handler, req proto.Message, caller Caller) {
	defer c.release()
	resp, err := c.invoke(ContextWithCaller(c.ctx, caller), h, req, caller)
	if err != nil {
		c.answer(id, nil, dispatchError(err))
		return
	}
	c.answer(id, resp, nil)
}

// invoke runs a handler, turning a panic into a java.io.IOException answer.
func (c *conn) invoke(ctx context.Context, h Handler, req proto.Message, caller Caller) (resp proto.Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.srv.log.Error("hadooprpc: handler panicked", "protocol", caller.Protocol,
				"method", caller.Method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			resp, err = nil, fmt.Errorf("hadooprpc: %s.%s failed: %v", caller.Protocol, caller.Method, r)
		}
	}()
	return h.Call(ctx, req)
}

// answer queues the response for a call: SUCCESS with resp, or e's error.
// A response that cannot be encoded becomes ERROR_SERIALIZING_RESPONSE, as
// in Server.setupResponse.
func (c *conn) answer(id callID, resp proto.Message, e *rpcError) {
	if e != nil {
		b, _ := AppendFrame(nil, errorHeader(id.id, id.clientID, id.retry, e))
		c.sendAnswer(b)
		return
	}
	b, err := appendSuccessFrame(nil, id, resp)
	if err != nil {
		c.srv.log.Warn("hadooprpc: cannot encode response", "call", id.id, "err", err)
		b, _ = AppendFrame(nil, errorHeader(id.id, id.clientID, id.retry, serializingError(resp)))
	}
	c.sendAnswer(b)
}

func serializingError(resp proto.Message) *rpcError {
	msg := "Message missing required fields: "
	if resp != nil {
		msg += strings.Join(missingRequired(resp.ProtoReflect(), ""), ", ")
	}
	return &rpcError{
		status: statusError, code: commonpb.RpcResponseHeaderProto_ERROR_SERIALIZING_RESPONSE,
		class: ClassUninitializedMessage, msg: msg,
	}
}

package hadooprpc

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// The client encodes its two per-call headers by hand: they are on every
// request, and the generated proto2 structs (a pointer per scalar field)
// would cost several allocations per call. client_wire_test.go checks the
// bytes against proto.Marshal of the generated types.

// callHeader holds what varies in a request's headers.
type callHeader struct {
	callID, retryCount int32
	clientID           []byte
	method, protocol   string
}

const (
	rpcKindProtocolBuffer = 2 // RpcKindProto.RPC_PROTOCOL_BUFFER
	rpcOpFinalPacket      = 0 // OperationProto.RPC_FINAL_PACKET
	methodProtocolVersion = 1 // RequestHeaderProto.methodProtocolVersion
)

// appendRPCRequestHeader appends a delimited RpcRequestHeaderProto with
// fields 1-5 (rpcKind, rpcOp, callId, clientId, retryCount), in the order
// Hadoop's client writes them.
func appendRPCRequestHeader(dst []byte, callID, retryCount int32, clientID []byte) []byte {
	zc := protowire.EncodeZigZag(int64(callID))
	zr := protowire.EncodeZigZag(int64(retryCount))
	size := 2 + 2 + 1 + protowire.SizeVarint(zc) + 1 + protowire.SizeBytes(len(clientID)) +
		1 + protowire.SizeVarint(zr)
	dst = protowire.AppendVarint(dst, uint64(size))
	dst = append(dst, 1<<3|byte(protowire.VarintType), rpcKindProtocolBuffer)
	dst = append(dst, 2<<3|byte(protowire.VarintType), rpcOpFinalPacket)
	dst = append(dst, 3<<3|byte(protowire.VarintType))
	dst = protowire.AppendVarint(dst, zc)
	dst = append(dst, 4<<3|byte(protowire.BytesType))
	dst = protowire.AppendBytes(dst, clientID)
	dst = append(dst, 5<<3|byte(protowire.VarintType))
	return protowire.AppendVarint(dst, zr)
}

// appendMethodHeader appends a delimited RequestHeaderProto.
func appendMethodHeader(dst []byte, method, protocol string) []byte {
	size := 1 + protowire.SizeBytes(len(method)) + 1 + protowire.SizeBytes(len(protocol)) + 2
	dst = protowire.AppendVarint(dst, uint64(size))
	dst = append(dst, 1<<3|byte(protowire.BytesType))
	dst = protowire.AppendString(dst, method)
	dst = append(dst, 2<<3|byte(protowire.BytesType))
	dst = protowire.AppendString(dst, protocol)
	return append(dst, 3<<3|byte(protowire.VarintType), methodProtocolVersion)
}

// appendCallFrame appends a whole request frame: length, RpcRequestHeader,
// RequestHeader, request. A nil request is sent as an empty message.
func appendCallFrame(dst []byte, h callHeader, req proto.Message) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = appendRPCRequestHeader(dst, h.callID, h.retryCount, h.clientID)
	dst = appendMethodHeader(dst, h.method, h.protocol)
	if req == nil {
		dst = append(dst, 0)
	} else {
		var err error
		if dst, err = AppendDelimited(dst, req); err != nil {
			return dst[:start], err
		}
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst, nil
}

// appendHeaderFrame appends a frame that holds only an RpcRequestHeader
// and, if msg is not nil, one more message: the ping (call id -4) and the
// connection context (call id -3), both with retry count -1.
func appendHeaderFrame(dst []byte, callID int32, clientID []byte, msg proto.Message) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = appendRPCRequestHeader(dst, callID, -1, clientID)
	if msg != nil {
		var err error
		if dst, err = AppendDelimited(dst, msg); err != nil {
			return dst[:start], err
		}
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst, nil
}

// Response statuses (RpcStatusProto).
const (
	rspSuccess = 0
	rspError   = 1
	rspFatal   = 2
)

// respHeader is the part of RpcResponseHeaderProto the client uses.
type respHeader struct {
	callID    int32 // sent as uint32; -1 etc. arrive as large values
	status    int32
	class     string
	msg       string
	code      int32
	clientID  []byte // aliases the frame
	hasClass  bool
	hasMsg    bool
	hasStatus bool
}

var errRespMissingRequired = errors.New("RpcResponseHeaderProto lacks callId or status")

// decodeRespHeader decodes the delimited RpcResponseHeaderProto at the
// front of frame and returns the bytes after it. It follows proto2 rules:
// a field with an unexpected wire type or an unknown value of a closed enum
// is an unknown field, the last occurrence wins, and callId and status are
// required.
func decodeRespHeader(frame []byte) (respHeader, []byte, error) {
	var h respHeader
	b, rest, err := NextDelimited(frame)
	if err != nil {
		return h, nil, err
	}
	hasID := false
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return h, nil, protowire.ParseError(n)
		}
		b = b[n:]
		if typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return h, nil, protowire.ParseError(m)
			}
			b = b[m:]
			switch {
			case num == 1:
				h.callID, hasID = int32(uint32(v)), true
			case num == 2 && uint32(v) <= rspFatal: // closed enum, read as int32
				h.status, h.hasStatus = int32(v), true
			case num == 6 && validRPCErrorCode(v):
				h.code = int32(v)
			}
			continue
		}
		if typ == protowire.BytesType && (num == 4 || num == 5 || num == 7) {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return h, nil, protowire.ParseError(m)
			}
			b = b[m:]
			switch num {
			case 4:
				h.class, h.hasClass = string(v), true
			case 5:
				h.msg, h.hasMsg = string(v), true
			case 7:
				h.clientID = v
			}
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return h, nil, protowire.ParseError(m)
		}
		b = b[m:]
	}
	if !hasID || !h.hasStatus {
		return h, nil, errRespMissingRequired
	}
	return h, rest, nil
}

// validRPCErrorCode reports whether v, read as int32 like any enum, is an
// RpcErrorCodeProto value.
func validRPCErrorCode(v uint64) bool {
	_, ok := commonpb.RpcResponseHeaderProto_RpcErrorCodeProto_name[int32(v)]
	return ok
}

// remoteError turns an ERROR or FATAL header into a *RemoteError, with the
// placeholders Hadoop's client uses when the server left fields out.
func (h *respHeader) remoteError() *RemoteError {
	e := &RemoteError{Class: h.class, Message: h.msg, Code: h.code, Fatal: h.status == rspFatal}
	if !h.hasClass {
		e.Class = "ServerDidNotSetExceptionClassName"
	}
	if !h.hasMsg {
		e.Message = "ServerDidNotSetErrorMsg"
	}
	return e
}

// readPreV9Error reads the rest of a pre-version-9 error response, which a
// server sends as the first response, after a length of -1: an int status,
// then the exception class and message as Hadoop Writable strings.
func readPreV9Error(r *bufio.Reader) error {
	var status [4]byte
	if _, err := io.ReadFull(r, status[:]); err != nil {
		return err
	}
	class, err := readWritableString(r)
	if err != nil {
		return err
	}
	msg, err := readWritableString(r)
	if err != nil {
		return err
	}
	return &RemoteError{Class: class, Message: msg, Fatal: true}
}

// readWritableString reads a WritableUtils string: a vint length, then
// that many bytes of UTF-8.
func readWritableString(r *bufio.Reader) (string, error) {
	n, err := readVLong(r)
	if err != nil {
		return "", err
	}
	if n < 0 || n > 1<<20 {
		return "", fmt.Errorf("%w: string length %d", ErrBadResponse, n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return string(b), nil
}

// readVLong decodes Hadoop's WritableUtils variable-length long.
func readVLong(r *bufio.Reader) (int64, error) {
	c, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	first := int8(c)
	if first >= -112 {
		return int64(first), nil
	}
	size := int(-111 - int(first))
	negative := first < -120
	if negative {
		size = int(-119 - int(first))
	}
	var v int64
	for i := 1; i < size; i++ {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		v = v<<8 | int64(b)
	}
	if negative {
		return ^v, nil
	}
	return v, nil
}

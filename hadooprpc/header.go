package hadooprpc

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

const (
	statusSuccess = commonpb.RpcResponseHeaderProto_SUCCESS
	statusError   = commonpb.RpcResponseHeaderProto_ERROR
	statusFatal   = commonpb.RpcResponseHeaderProto_FATAL
)

// rpcError is an answer the server itself gives: the status, error code,
// Java class and message Hadoop's Server sends for the same fault.
type rpcError struct {
	status commonpb.RpcResponseHeaderProto_RpcStatusProto
	code   commonpb.RpcResponseHeaderProto_RpcErrorCodeProto
	class  string
	msg    string
}

func (e *rpcError) Error() string { return "hadooprpc: " + e.class + ": " + e.msg }

// fatal builds a FATAL answer. Hadoop's FatalRpcServerException wraps a
// message in org.apache.hadoop.ipc.RpcServerException unless it was given
// another exception.
func fatal(code commonpb.RpcResponseHeaderProto_RpcErrorCodeProto, class, msg string) *rpcError {
	if class == "" {
		class = ClassRPCServer
	}
	return &rpcError{status: statusFatal, code: code, class: class, msg: msg}
}

// responseHeader is the RpcResponseHeaderProto Server.setupResponse fills:
// clientId, callId, retryCount, status and the IPC version are always set.
func responseHeader(callID int32, clientID []byte, retry int32, status commonpb.RpcResponseHeaderProto_RpcStatusProto) *commonpb.RpcResponseHeaderProto {
	if clientID == nil {
		clientID = []byte{} // present but empty, as Java's DUMMY_CLIENT_ID
	}
	return &commonpb.RpcResponseHeaderProto{
		CallId:              proto.Uint32(uint32(callID)),
		Status:              status.Enum(),
		ServerIpcVersionNum: proto.Uint32(Version),
		ClientId:            clientID,
		RetryCount:          proto.Int32(retry),
	}
}

// appendSuccessFrame appends a SUCCESS answer: the frame length, the
// delimited response header (encoded by hand, field for field what
// responseHeader holds, since every call pays for it) and the delimited
// response.
func appendSuccessFrame(dst []byte, id callID, resp proto.Message) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	hdrLen := 1 + protowire.SizeVarint(uint64(uint32(id.id))) + // callId
		2 + // status SUCCESS
		2 + // serverIpcVersionNum
		1 + protowire.SizeBytes(len(id.clientID)) +
		1 + protowire.SizeVarint(protowire.EncodeZigZag(int64(id.retry)))
	dst = protowire.AppendVarint(dst, uint64(hdrLen))
	dst = protowire.AppendTag(dst, 1, protowire.VarintType)
	dst = protowire.AppendVarint(dst, uint64(uint32(id.id)))
	dst = protowire.AppendTag(dst, 2, protowire.VarintType)
	dst = protowire.AppendVarint(dst, uint64(statusSuccess))
	dst = protowire.AppendTag(dst, 3, protowire.VarintType)
	dst = protowire.AppendVarint(dst, Version)
	dst = protowire.AppendTag(dst, 7, protowire.BytesType)
	dst = protowire.AppendBytes(dst, id.clientID)
	dst = protowire.AppendTag(dst, 8, protowire.VarintType)
	dst = protowire.AppendVarint(dst, protowire.EncodeZigZag(int64(id.retry)))
	if resp != nil {
		var err error
		if dst, err = AppendDelimited(dst, resp); err != nil {
			return dst[:start], err
		}
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst, nil
}

// errorHeader adds an error's class, message and code to a response header.
func errorHeader(callID int32, clientID []byte, retry int32, e *rpcError) *commonpb.RpcResponseHeaderProto {
	h := responseHeader(callID, clientID, retry, e.status)
	h.ExceptionClassName = proto.String(e.class)
	h.ErrorMsg = proto.String(e.msg)
	h.ErrorDetail = e.code.Enum()
	return h
}

// appendWritableString appends a string the way Hadoop's
// WritableUtils.writeString does: a 4-byte length, then UTF-8 bytes.
func appendWritableString(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// badVersionResponse is what Server.setupBadVersionResponse writes for a
// preamble whose version byte (signed, as Java reads it) is v: a protobuf
// FATAL response for v >= 9, the pre-protobuf layout for 3..8, the 0.18
// layout for 2, and nothing for older clients.
func badVersionResponse(v int8) []byte {
	msg := "Server IPC version 9 cannot communicate with client version " + strconv.Itoa(int(v))
	switch {
	case v >= Version:
		e := fatal(commonpb.RpcResponseHeaderProto_FATAL_VERSION_MISMATCH, ClassVersionMismatch, msg)
		b, _ := AppendFrame(nil, errorHeader(CallIDAuthorizationFailed, nil, -1, e))
		return b
	case v >= 3:
		b := binary.BigEndian.AppendUint32(nil, uint32(0xFFFFFFFF)) // call id -1
		b = binary.BigEndian.AppendUint32(b, uint32(0xFFFFFFFF))    // old FATAL status -1
		b = appendWritableString(b, ClassVersionMismatch)
		return appendWritableString(b, msg)
	case v == 2:
		b := binary.BigEndian.AppendUint32(nil, 0) // call id 0
		b = append(b, 1)                           // error flag
		b = appendWritableString(b, ClassVersionMismatch)
		return appendWritableString(b, msg)
	}
	return nil
}

// httpResponse is Server.RECEIVED_HTTP_REQ_RESPONSE, sent to a client that
// opens with "GET ".
const httpResponse = "HTTP/1.1 404 Not Found\r\n" +
	"Content-type: text/plain\r\n\r\n" +
	"It looks like you are making an HTTP request to a Hadoop IPC port. " +
	"This is not the correct port for the web interface on this daemon.\r\n"

// decodeDelimited reads the varint-delimited message at the front of b into
// m as Hadoop's RpcWritable.ProtobufWrapper does, and returns the rest. On
// failure it returns the message of the InvalidProtocolBufferException
// protobuf-java would throw, for Hadoop's error texts.
func decodeDelimited(b []byte, m proto.Message) (rest []byte, javaMsg string, ok bool) {
	n, k := protowire.ConsumeVarint(b)
	if k < 0 {
		if len(b) < 10 && !hasTerminatedVarint(b) {
			return nil, msgTruncated, false
		}
		return nil, msgMalformedVarint, false
	}
	if int32(uint32(n)) < 0 {
		return nil, msgNegativeSize, false
	}
	if n > uint64(len(b)-k) {
		return nil, msgTruncated, false
	}
	body := b[k : k+int(n)]
	if err := proto.Unmarshal(body, m); err != nil {
		return nil, javaParseError(body, m), false
	}
	return b[k+int(n):], "", true
}

func hasTerminatedVarint(b []byte) bool {
	for _, c := range b {
		if c < 0x80 {
			return true
		}
	}
	return false
}

// Messages of protobuf-java's InvalidProtocolBufferException.
const (
	msgTruncated = "While parsing a protocol message, the input ended unexpectedly " +
		"in the middle of a field.  This could mean either that the input has been " +
		"truncated or that an embedded message misreported its own length."
	msgMalformedVarint = "CodedInputStream encountered a malformed varint."
	msgNegativeSize    = "CodedInputStream encountered an embedded string or message " +
		"which claimed to have negative size."
	msgInvalidTag      = "Protocol message contained an invalid tag (zero)."
	msgInvalidWireType = "Protocol message tag had invalid wire type."
	msgInvalidUTF8     = "Protocol message had invalid UTF-8."
)

// javaParseError explains why b does not decode into m in the words
// protobuf-java would use: a wire-format fault found by scanning b, else the
// required fields that are missing.
func javaParseError(b []byte, m proto.Message) string {
	if msg := scanWire(b, m.ProtoReflect().Descriptor(), 0); msg != "" {
		return msg
	}
	partial := m.ProtoReflect().New().Interface()
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, partial); err != nil {
		if strings.Contains(err.Error(), "UTF-8") {
			return msgInvalidUTF8
		}
		return msgInvalidTag
	}
	return "Message missing required fields: " + strings.Join(missingRequired(partial.ProtoReflect(), ""), ", ")
}

// scanWire walks the wire format of b and names the first fault, descending
// into fields that md declares as messages.
func scanWire(b []byte, md protoreflect.MessageDescriptor, depth int) string {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return tagFault(b)
		}
		if num == 0 {
			return msgInvalidTag
		}
		b = b[n:]
		if typ == protowire.BytesType {
			l, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return msgTruncated
			}
			if int32(uint32(l)) < 0 {
				return msgNegativeSize
			}
			if l > uint64(len(b)-k) {
				return msgTruncated
			}
			if fd := fieldOf(md, num); fd != nil && fd.Message() != nil && depth < 50 {
				if msg := scanWire(b[k:k+int(l)], fd.Message(), depth+1); msg != "" {
					return msg
				}
			}
			b = b[k+int(l):]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return valueFault(typ, b)
		}
		b = b[n:]
	}
	return ""
}

func fieldOf(md protoreflect.MessageDescriptor, num protowire.Number) protoreflect.FieldDescriptor {
	if md == nil {
		return nil
	}
	return md.Fields().ByNumber(num)
}

func tagFault(b []byte) string {
	if _, k := protowire.ConsumeVarint(b); k < 0 {
		if len(b) < 10 && !hasTerminatedVarint(b) {
			return msgTruncated
		}
		return msgMalformedVarint
	}
	return msgInvalidWireType
}

func valueFault(typ protowire.Type, b []byte) string {
	switch typ {
	case protowire.VarintType:
		if len(b) < 10 && !hasTerminatedVarint(b) {
			return msgTruncated
		}
		return msgMalformedVarint
	case protowire.Fixed32Type, protowire.Fixed64Type, protowire.StartGroupType:
		return msgTruncated
	}
	return msgInvalidWireType
}

// missingRequired lists unset required fields the way protobuf-java's
// UninitializedMessageException does, with nested paths ("a.b").
func missingRequired(m protoreflect.Message, prefix string) []string {
	var out []string
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Cardinality() == protoreflect.Required && !m.Has(fd) {
			out = append(out, prefix+string(fd.Name()))
		}
	}
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || !m.Has(fd) {
			continue
		}
		switch {
		case fd.IsList():
			l := m.Get(fd).List()
			for j := 0; j < l.Len(); j++ {
				p := prefix + string(fd.Name()) + "[" + strconv.Itoa(j) + "]."
				out = append(out, missingRequired(l.Get(j).Message(), p)...)
			}
		case fd.IsMap():
			// Hadoop's protos have no map fields.
		default:
			out = append(out, missingRequired(m.Get(fd).Message(), prefix+string(fd.Name())+".")...)
		}
	}
	return out
}

// errMessage is the errorMsg the server sends for a handler's error: a
// RemoteError's own message, else the error text.
func errMessage(err error) string {
	var re *RemoteError
	if errors.As(err, &re) {
		return re.Message
	}
	return err.Error()
}

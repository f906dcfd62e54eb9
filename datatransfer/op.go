package datatransfer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Version is DataTransferProtocol.DATA_TRANSFER_VERSION.
const Version = 28

// Op is the op byte that follows the version of every request.
type Op uint8

// The op codes of Hadoop's Op enum.
const (
	OpWriteBlock             Op = 80
	OpReadBlock              Op = 81
	OpReadMetadata           Op = 82
	OpReplaceBlock           Op = 83
	OpCopyBlock              Op = 84
	OpBlockChecksum          Op = 85
	OpTransferBlock          Op = 86
	OpRequestShortCircuitFDs Op = 87
	OpReleaseShortCircuitFDs Op = 88
	OpRequestShortCircuitShm Op = 89
	OpBlockGroupChecksum     Op = 90
	OpCustom                 Op = 127
)

var opNames = map[Op]string{
	OpWriteBlock:             "WRITE_BLOCK",
	OpReadBlock:              "READ_BLOCK",
	OpReadMetadata:           "READ_METADATA",
	OpReplaceBlock:           "REPLACE_BLOCK",
	OpCopyBlock:              "COPY_BLOCK",
	OpBlockChecksum:          "BLOCK_CHECKSUM",
	OpTransferBlock:          "TRANSFER_BLOCK",
	OpRequestShortCircuitFDs: "REQUEST_SHORT_CIRCUIT_FDS",
	OpReleaseShortCircuitFDs: "RELEASE_SHORT_CIRCUIT_FDS",
	OpRequestShortCircuitShm: "REQUEST_SHORT_CIRCUIT_SHM",
	OpBlockGroupChecksum:     "BLOCK_GROUP_CHECKSUM",
	OpCustom:                 "CUSTOM",
}

// String returns Hadoop's name for the op, or "Op(N)".
func (o Op) String() string {
	if s, ok := opNames[o]; ok {
		return s
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

func (o Op) known() bool { _, ok := opNames[o]; return ok }

// Supported reports whether ReadRequest decodes the op: every op except
// the short-circuit ones (87-89), CUSTOM (127) and READ_METADATA (82), which
// Hadoop 3.4.1 still names but no longer sends, defines no proto for, and
// answers with "Unknown op" in its Receiver.
func (o Op) Supported() bool { return NewRequestMessage(o) != nil }

// NewRequestMessage returns an empty request proto for a supported op, and
// nil for any other.
func NewRequestMessage(o Op) proto.Message {
	switch o {
	case OpWriteBlock:
		return new(hdfspb.OpWriteBlockProto)
	case OpReadBlock:
		return new(hdfspb.OpReadBlockProto)
	case OpReplaceBlock:
		return new(hdfspb.OpReplaceBlockProto)
	case OpCopyBlock:
		return new(hdfspb.OpCopyBlockProto)
	case OpBlockChecksum:
		return new(hdfspb.OpBlockChecksumProto)
	case OpTransferBlock:
		return new(hdfspb.OpTransferBlockProto)
	case OpBlockGroupChecksum:
		return new(hdfspb.OpBlockGroupChecksumProto)
	}
	return nil
}

// AppendRequest appends a request frame (version, op, varint-delimited msg)
// to b. The message type must be the one NewRequestMessage gives for op.
func AppendRequest(b []byte, op Op, msg proto.Message) ([]byte, error) {
	want := NewRequestMessage(op)
	if want == nil {
		return b, &OpError{Op: op}
	}
	if want.ProtoReflect().Descriptor() != msg.ProtoReflect().Descriptor() {
		return b, fmt.Errorf("datatransfer: op %v carries %s, not %s", op,
			want.ProtoReflect().Descriptor().Name(), msg.ProtoReflect().Descriptor().Name())
	}
	b = binary.BigEndian.AppendUint16(b, Version)
	b = append(b, byte(op))
	return AppendDelimited(b, msg)
}

// WriteRequest writes one request frame with a single Write.
func WriteRequest(w io.Writer, op Op, msg proto.Message) error {
	b, err := AppendRequest(nil, op, msg)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("datatransfer: writing %v request: %w", op, err)
	}
	return nil
}

// ReadOpHeader reads the version and op byte of the next request. A clean
// end of stream before the first byte returns io.EOF (the normal end of a
// kept-alive connection). A wrong version returns a *VersionError without
// reading the op byte.
func ReadOpHeader(r io.Reader) (Op, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if err == io.EOF {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("datatransfer: reading request version: %w", err)
	}
	if v := int16(binary.BigEndian.Uint16(hdr[:])); v != Version {
		return 0, &VersionError{Got: v}
	}
	if _, err := io.ReadFull(r, hdr[:1]); err != nil {
		return 0, fmt.Errorf("datatransfer: reading request op: %w", noEOF(err))
	}
	return Op(hdr[0]), nil
}

// ReadRequestBody reads the delimited proto of op, which ReadOpHeader
// returned. Unsupported ops return an *OpError without reading further.
func ReadRequestBody(r io.Reader, op Op) (proto.Message, error) {
	msg := NewRequestMessage(op)
	if msg == nil {
		return nil, &OpError{Op: op}
	}
	if err := ReadDelimited(r, msg); err != nil {
		return nil, fmt.Errorf("datatransfer: reading %v request: %w", op, err)
	}
	return msg, nil
}

// ReadRequest reads a whole request: ReadOpHeader then ReadRequestBody.
func ReadRequest(r io.Reader) (Op, proto.Message, error) {
	op, err := ReadOpHeader(r)
	if err != nil {
		return 0, nil, err
	}
	msg, err := ReadRequestBody(r, op)
	return op, msg, err
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

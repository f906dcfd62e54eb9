package datatransfer

import (
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// MaxMessageSize bounds a varint-delimited proto. It is protobuf-java's
// default CodedInputStream limit (64 MiB), which Hadoop's readers inherit.
// Memory grows only as bytes actually arrive, so a hostile length costs
// nothing up front.
const MaxMessageSize = 64 << 20

// AppendDelimited appends the varint length and the bytes of msg, as
// protobuf-java's writeDelimitedTo does. Fields come out in field-number
// order, as Java writes them.
func AppendDelimited(b []byte, msg proto.Message) ([]byte, error) {
	size := proto.Size(msg)
	b = protowire.AppendVarint(b, uint64(size))
	b, err := proto.MarshalOptions{}.MarshalAppend(b, msg)
	if err != nil {
		return b, fmt.Errorf("datatransfer: encoding %s: %w", msg.ProtoReflect().Descriptor().Name(), err)
	}
	return b, nil
}

// WriteDelimited writes msg varint-delimited with a single Write.
func WriteDelimited(w io.Writer, msg proto.Message) error {
	b, err := AppendDelimited(nil, msg)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("datatransfer: writing %s: %w", msg.ProtoReflect().Descriptor().Name(), err)
	}
	return nil
}

// ReadDelimited reads a varint-delimited proto into msg (Hadoop's
// PBHelperClient.vintPrefixed followed by parseFrom). Required fields must
// be present, as in Java. End of stream before the first byte is io.EOF.
func ReadDelimited(r io.Reader, msg proto.Message) error {
	name := msg.ProtoReflect().Descriptor().Name()
	n, err := readVarint32(r)
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		return fmt.Errorf("datatransfer: reading length of %s: %w", name, err)
	}
	buf, err := readN(r, n)
	if err != nil {
		return fmt.Errorf("datatransfer: reading %d-byte %s: %w", n, name, err)
	}
	if err := proto.Unmarshal(buf, msg); err != nil {
		return fmt.Errorf("datatransfer: decoding %s: %w", name, err)
	}
	return nil
}

// readVarint32 reads the length prefix protobuf-java accepts: a varint of
// at most 5 bytes whose value fits a non-negative int32 and is within
// MaxMessageSize.
func readVarint32(r io.Reader) (int, error) {
	var v uint64
	for i := 0; i < 5; i++ {
		c, err := readByte(r)
		if err != nil {
			if i > 0 {
				return 0, noEOF(err)
			}
			return 0, err
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if v > MaxMessageSize {
				return 0, fmt.Errorf("%w: length %d exceeds %d", ErrTooLarge, v, MaxMessageSize)
			}
			return int(v), nil
		}
	}
	return 0, fmt.Errorf("%w: varint length longer than 5 bytes", ErrMalformed)
}

func readByte(r io.Reader) (byte, error) {
	if br, ok := r.(io.ByteReader); ok {
		return br.ReadByte()
	}
	var b [1]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, err
	}
	return b[0], nil
}

// readN reads exactly n bytes, growing the buffer only as data arrives.
func readN(r io.Reader, n int) ([]byte, error) {
	const chunk = 64 << 10
	if n <= chunk {
		buf := make([]byte, n)
		_, err := io.ReadFull(r, buf)
		return buf, noEOF(err)
	}
	buf := make([]byte, 0, chunk)
	for len(buf) < n {
		m := min(n-len(buf), chunk)
		buf = append(buf, make([]byte, m)...)
		if _, err := io.ReadFull(r, buf[len(buf)-m:]); err != nil {
			return nil, noEOF(err)
		}
	}
	return buf, nil
}

// ReadBlockOpResponse reads the BlockOpResponseProto a DataNode sends after
// a request.
func ReadBlockOpResponse(r io.Reader) (*hdfspb.BlockOpResponseProto, error) {
	m := new(hdfspb.BlockOpResponseProto)
	if err := ReadDelimited(r, m); err != nil {
		return nil, noEOF(err)
	}
	return m, nil
}

// WriteBlockOpResponse writes a BlockOpResponseProto.
func WriteBlockOpResponse(w io.Writer, m *hdfspb.BlockOpResponseProto) error {
	return WriteDelimited(w, m)
}

// CheckBlockOpStatus returns nil for a SUCCESS response and a *StatusError
// otherwise, as DataTransferProtoUtil.checkBlockOpStatus does; what says
// what the request was about.
func CheckBlockOpStatus(m *hdfspb.BlockOpResponseProto, what string) error {
	if m.GetStatus() == hdfspb.Status_SUCCESS {
		return nil
	}
	return &StatusError{Status: m.GetStatus(), Message: m.GetMessage(), What: what}
}

// ReadClientReadStatus reads the ClientReadStatusProto a reader sends after
// the last packet of a READ_BLOCK (CHECKSUM_OK when it verified checksums,
// SUCCESS when it did not).
func ReadClientReadStatus(r io.Reader) (hdfspb.Status, error) {
	m := new(hdfspb.ClientReadStatusProto)
	if err := ReadDelimited(r, m); err != nil {
		return 0, noEOF(err)
	}
	return m.GetStatus(), nil
}

// WriteClientReadStatus writes a ClientReadStatusProto.
func WriteClientReadStatus(w io.Writer, s hdfspb.Status) error {
	return WriteDelimited(w, &hdfspb.ClientReadStatusProto{Status: &s})
}

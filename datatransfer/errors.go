package datatransfer

import (
	"errors"
	"fmt"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

var (
	// ErrVersion is matched by a *VersionError.
	ErrVersion = errors.New("datatransfer: unsupported data transfer version")
	// ErrUnsupportedOp is matched by an *OpError.
	ErrUnsupportedOp = errors.New("datatransfer: unsupported op")
	// ErrChecksum is matched by a *ChecksumError.
	ErrChecksum = errors.New("datatransfer: checksum mismatch")
	// ErrTooLarge reports a length field beyond this package's limits.
	ErrTooLarge = errors.New("datatransfer: frame too large")
	// ErrMalformed reports bytes that cannot be a valid frame.
	ErrMalformed = errors.New("datatransfer: malformed frame")
)

// VersionError is returned by ReadRequest when the peer speaks another
// DataTransferProtocol version.
//
// Hadoop 3.4.1 answers nothing in this case: Receiver.readOp throws
// "Version Mismatch (Expected: 28, Received: N )", DataXceiver counts a
// network error, logs it and closes the socket. A compatible server should
// therefore log the error and close the connection without writing.
type VersionError struct{ Got int16 }

func (e *VersionError) Error() string {
	return fmt.Sprintf("datatransfer: version mismatch: expected %d, received %d", Version, e.Got)
}

func (e *VersionError) Is(target error) bool { return target == ErrVersion }

// OpError is returned by ReadRequest for an op byte this package does not
// decode: the short-circuit ops (87-89, only ever sent over a UNIX domain
// socket), CUSTOM (127), or a code Hadoop does not define at all. Hadoop's
// Receiver throws "Unknown op ... in data stream" for an undefined code and
// the DataXceiver closes the connection without replying; a server without
// short-circuit support should do the same for 87-89 and 127.
type OpError struct{ Op Op }

func (e *OpError) Error() string {
	if e.Op.known() {
		return fmt.Sprintf("datatransfer: op %v (%d) is not supported", e.Op, uint8(e.Op))
	}
	return fmt.Sprintf("datatransfer: unknown op %d in data stream", uint8(e.Op))
}

func (e *OpError) Is(target error) bool { return target == ErrUnsupportedOp }

// ChecksumError names the first chunk whose checksum did not match.
type ChecksumError struct {
	Type     ChecksumType
	Pos      int64 // position of the chunk's first byte (basePos + offset in the buffer)
	Expected uint32
	Computed uint32
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("datatransfer: %v checksum mismatch in chunk at position %d: expected=%08X computed=%08X",
		e.Type, e.Pos, e.Expected, e.Computed)
}

func (e *ChecksumError) Is(target error) bool { return target == ErrChecksum }

// StatusError is a BlockOpResponseProto whose status is not SUCCESS, as
// DataTransferProtoUtil.checkBlockOpStatus reports it.
type StatusError struct {
	Status  hdfspb.Status
	Message string
	What    string // what the request was about, e.g. "for block blk_1_1 from 127.0.0.1:9866"
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("datatransfer: got error, status=%v, status message %q", e.Status, e.Message)
	if e.What != "" {
		s += ", " + e.What
	}
	return s
}

package xceiver

import (
	"errors"
	"fmt"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// The request and response protos this package handles.
type (
	writeBlockReq    = hdfspb.OpWriteBlockProto
	readBlockReq     = hdfspb.OpReadBlockProto
	blockChecksumReq = hdfspb.OpBlockChecksumProto
	copyBlockReq     = hdfspb.OpCopyBlockProto
	replaceBlockReq  = hdfspb.OpReplaceBlockProto
	transferBlockReq = hdfspb.OpTransferBlockProto
	blockOpResponse  = hdfspb.BlockOpResponseProto
)

var (
	// ErrClosed is returned by Transfer once Close was called.
	ErrClosed = errors.New("xceiver: server closed")
	// ErrChecksum reports data whose checksum did not match: sent by a
	// peer, or read from a local replica.
	ErrChecksum = errors.New("xceiver: checksum error")
	// ErrMirror reports a downstream DataNode that failed.
	ErrMirror = errors.New("xceiver: downstream datanode failed")
	// ErrProtocol reports a peer breaking the protocol's rules.
	ErrProtocol = errors.New("xceiver: protocol error")
	// ErrRefused reports a request this node refuses (bad offsets, an
	// unsupported stage, a quota reached).
	ErrRefused = errors.New("xceiver: request refused")

	errReplicaExists = fsdataset.ErrReplicaAlreadyExists
)

// opError is a failed op: what it was about and why. Msg is the text
// Hadoop would put in its IOException.
type opError struct {
	What string // e.g. "WRITE_BLOCK BP-1:blk_1_1 from 127.0.0.1:5000"
	Msg  string
	Err  error
}

func (e *opError) Error() string {
	s := "xceiver: " + e.What
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *opError) Unwrap() error { return e.Err }

func opErr(err error, what, format string, args ...any) error {
	return &opError{What: what, Msg: fmt.Sprintf(format, args...), Err: err}
}

// isExpected reports failures a DataNode sees in normal service (a
// refused request, a replica another pipeline owns, a downstream node or a
// checksum failure the client will recover from).
func isExpected(err error) bool {
	return errors.Is(err, ErrRefused) || errors.Is(err, ErrMirror) || errors.Is(err, ErrChecksum) ||
		errors.Is(err, fsdataset.ErrReplicaNotFound) || errors.Is(err, fsdataset.ErrReplicaAlreadyExists) ||
		errors.Is(err, fsdataset.ErrWriterStopped)
}

type opUnsupportedError struct{ op datatransfer.Op }

func (e *opUnsupportedError) Error() string {
	return fmt.Sprintf("xceiver: op %v is not supported", e.op)
}

// javaMessage is err as Java's Throwable.toString prints it in the
// messages Hadoop sends back: "<class>: <message>".
func javaMessage(err error) string {
	var fe *fsdataset.Error
	if errors.As(err, &fe) && fe.Msg != "" {
		return fsdataset.JavaClass(err) + ": " + fe.Msg
	}
	var oe *opError
	if errors.As(err, &oe) && oe.Msg != "" {
		return "java.io.IOException: " + oe.Msg
	}
	return fsdataset.JavaClass(err) + ": " + err.Error()
}

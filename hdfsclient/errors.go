package hdfsclient

import (
	"errors"
	"fmt"
)

// Errors of Dial. Each is wrapped in an error whose text is Hadoop's.
var (
	// ErrNotHDFS means fs.defaultFS is not an hdfs:// URI.
	ErrNotHDFS = errors.New("hdfsclient: not an HDFS file system")
	// ErrNoAddress means a nameservice lists no NameNode RPC address.
	ErrNoAddress = errors.New("hdfsclient: no NameNode address")
	// ErrBadStorageType means a storage type name Hadoop does not know.
	ErrBadStorageType = errors.New("hdfsclient: unknown storage type")
)

// hadoopError carries Hadoop's message for an error while matching a
// sentinel with errors.Is.
type hadoopError struct {
	msg      string
	sentinel error
}

func (e *hadoopError) Error() string { return e.msg }
func (e *hadoopError) Unwrap() error { return e.sentinel }

func hadoopErrorf(sentinel error, format string, args ...any) error {
	return &hadoopError{msg: fmt.Sprintf(format, args...), sentinel: sentinel}
}

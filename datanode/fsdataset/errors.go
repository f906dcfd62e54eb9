package fsdataset

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors from this package wrap one of these (or a file
// system error) and name the block and file concerned. JavaClass maps them
// to the exception class a Hadoop DataNode would report.
var (
	// ErrReplicaNotFound is Hadoop's ReplicaNotFoundException.
	ErrReplicaNotFound = errors.New("fsdataset: replica not found")
	// ErrReplicaAlreadyExists is Hadoop's ReplicaAlreadyExistsException.
	ErrReplicaAlreadyExists = errors.New("fsdataset: replica already exists")
	// ErrRecoveryInProgress is Hadoop's RecoveryInProgressException.
	ErrRecoveryInProgress = errors.New("fsdataset: recovery in progress")
	// ErrDiskOutOfSpace is Hadoop's DiskOutOfSpaceException.
	ErrDiskOutOfSpace = errors.New("fsdataset: disk out of space")
	// ErrDiskError is Hadoop's DiskErrorException (too many failed
	// volumes).
	ErrDiskError = errors.New("fsdataset: disk error")
	// ErrIncompatible: a volume belongs to another cluster, namespace or
	// block pool, or is newer than this DataNode.
	ErrIncompatible = errors.New("fsdataset: incompatible storage")
	// ErrUnsupportedLayout: a layout this DataNode neither reads nor
	// upgrades.
	ErrUnsupportedLayout = errors.New("fsdataset: unsupported layout version")
	// ErrVolumeFailed: the volume holding the replica had an I/O error
	// and is out of service.
	ErrVolumeFailed = errors.New("fsdataset: volume failed")
	// ErrWriterStopped: an append or recovery took the replica over from
	// this Writer.
	ErrWriterStopped = errors.New("fsdataset: writer stopped by a newer writer")
	// ErrCorrupt: a replica's files contradict each other or its checksums.
	ErrCorrupt = errors.New("fsdataset: corrupt replica")
	// ErrInvalid: an argument Hadoop would refuse.
	ErrInvalid = errors.New("fsdataset: invalid argument")
	// ErrBlockPoolNotEmpty refuses deleting a block pool with replica
	// files unforced.
	ErrBlockPoolNotEmpty = errors.New("fsdataset: Cannot delete block pool, it contains some block files")
)

// Hadoop's ReplicaNotFoundException message prefixes.
const (
	msgNonRBW           = "Cannot recover a non-RBW replica "
	msgUnfinalized      = "Cannot append to an unfinalized replica "
	msgUnfinalizedNoRBW = "Cannot recover append/close to a replica that's not FINALIZED and not RBW "
	msgNonExistent      = "Replica does not exist "
	msgUnexpectedGS     = "Cannot append to a replica with unexpected generation stamp "
	msgPossibleCause    = ". The block may have been removed recently by the balancer " +
		"or by intentionally reducing the replication factor. " +
		"This condition is usually harmless. To be certain, please check the " +
		"preceding datanode log messages for signs of a more serious issue."
)

// javaClasses maps each sentinel to its Java exception class.
var javaClasses = []struct {
	err   error
	class string
}{
	{ErrReplicaNotFound, "org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException"},
	{ErrReplicaAlreadyExists, "org.apache.hadoop.hdfs.server.datanode.ReplicaAlreadyExistsException"},
	{ErrRecoveryInProgress, "org.apache.hadoop.hdfs.protocol.RecoveryInProgressException"},
	{ErrDiskOutOfSpace, "org.apache.hadoop.util.DiskChecker$DiskOutOfSpaceException"},
	{ErrDiskError, "org.apache.hadoop.util.DiskChecker$DiskErrorException"},
}

// JavaClass names the Java exception Hadoop throws for err
// ("java.io.IOException" for everything without a class of its own).
func JavaClass(err error) string {
	for _, c := range javaClasses {
		if errors.Is(err, c.err) {
			return c.class
		}
	}
	return "java.io.IOException"
}

// Error is an error about one replica: what failed, on which block and in
// which file, wrapping the cause (a sentinel or a file system error).
type Error struct {
	Block Block  // the block (ID and generation stamp)
	Path  string // the file or directory concerned; "" when none
	Msg   string // Hadoop's message, when it has one
	Err   error
}

func (e *Error) Error() string {
	s := "fsdataset: replica " + e.Block.String()
	if e.Path != "" {
		s += " in " + e.Path
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil && !isSentinel(e.Err) {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func isSentinel(err error) bool {
	switch err {
	case ErrReplicaNotFound, ErrReplicaAlreadyExists, ErrRecoveryInProgress,
		ErrDiskOutOfSpace, ErrDiskError, ErrIncompatible, ErrUnsupportedLayout,
		ErrVolumeFailed, ErrWriterStopped, ErrCorrupt, ErrInvalid:
		return true
	}
	return false
}

func replicaErr(b Block, path string, err error, format string, args ...any) error {
	return &Error{Block: b, Path: path, Msg: fmt.Sprintf(format, args...), Err: err}
}

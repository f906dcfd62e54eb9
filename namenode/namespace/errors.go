package namespace

import (
	"errors"
	"fmt"
)

// Sentinel errors, one per Java exception class the NameNode answers a
// namespace operation with. Every error this package returns for a client
// request is an *Error that unwraps to one of them; the RPC layer maps the
// sentinel to the Java class named here and sends Error.Msg unchanged.
var (
	// ErrFileNotFound is java.io.FileNotFoundException.
	ErrFileNotFound = errors.New("namespace: file not found")
	// ErrFileAlreadyExists is org.apache.hadoop.fs.FileAlreadyExistsException.
	ErrFileAlreadyExists = errors.New("namespace: file already exists")
	// ErrParentNotDirectory is org.apache.hadoop.fs.ParentNotDirectoryException.
	ErrParentNotDirectory = errors.New("namespace: parent is not a directory")
	// ErrPathIsNotEmptyDirectory is
	// org.apache.hadoop.fs.PathIsNotEmptyDirectoryException.
	ErrPathIsNotEmptyDirectory = errors.New("namespace: directory is not empty")
	// ErrPathIsNotDirectory is org.apache.hadoop.fs.PathIsNotDirectoryException.
	ErrPathIsNotDirectory = errors.New("namespace: not a directory")
	// ErrInvalidPath is org.apache.hadoop.fs.InvalidPathException.
	ErrInvalidPath = errors.New("namespace: invalid path")
	// ErrAccessControl is org.apache.hadoop.security.AccessControlException.
	ErrAccessControl = errors.New("namespace: permission denied")
	// ErrNSQuotaExceeded is org.apache.hadoop.hdfs.protocol.NSQuotaExceededException.
	ErrNSQuotaExceeded = errors.New("namespace: namespace quota exceeded")
	// ErrDSQuotaExceeded is org.apache.hadoop.hdfs.protocol.DSQuotaExceededException.
	ErrDSQuotaExceeded = errors.New("namespace: disk space quota exceeded")
	// ErrQuotaByStorageTypeExceeded is
	// org.apache.hadoop.hdfs.protocol.QuotaByStorageTypeExceededException.
	ErrQuotaByStorageTypeExceeded = errors.New("namespace: storage type quota exceeded")
	// ErrUnsupportedAction is
	// org.apache.hadoop.hdfs.protocol.UnsupportedActionException.
	ErrUnsupportedAction = errors.New("namespace: unsupported action")
	// ErrPathComponentTooLong is org.apache.hadoop.hdfs.protocol.
	// FSLimitException$PathComponentTooLongException.
	ErrPathComponentTooLong = errors.New("namespace: path component too long")
	// ErrMaxDirectoryItems is org.apache.hadoop.hdfs.protocol.
	// FSLimitException$MaxDirectoryItemsExceededException.
	ErrMaxDirectoryItems = errors.New("namespace: too many items in directory")
	// ErrUnresolvedLink is org.apache.hadoop.hdfs.protocol.UnresolvedPathException
	// (a subclass of org.apache.hadoop.fs.UnresolvedLinkException).
	ErrUnresolvedLink = errors.New("namespace: unresolved symlink")
	// ErrIO is a plain java.io.IOException.
	ErrIO = errors.New("namespace: I/O error")
	// ErrHadoopIllegalArgument is org.apache.hadoop.HadoopIllegalArgumentException.
	ErrHadoopIllegalArgument = errors.New("namespace: illegal argument")
	// ErrIllegalArgument is java.lang.IllegalArgumentException.
	ErrIllegalArgument = errors.New("namespace: illegal argument")
	// ErrUnsupportedOperation is java.lang.UnsupportedOperationException.
	ErrUnsupportedOperation = errors.New("namespace: unsupported operation")
	// ErrAlreadyBeingCreated is
	// org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException.
	ErrAlreadyBeingCreated = errors.New("namespace: file is already being created")
	// ErrLeaseExpired is org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException.
	ErrLeaseExpired = errors.New("namespace: lease expired")
	// ErrAssertion is java.lang.AssertionError, which Hadoop's NameNode
	// raises for a relative path outside the create operations.
	ErrAssertion = errors.New("namespace: assertion failed")
	// ErrStartAfterNotFound is org.apache.hadoop.hdfs.protocol.
	// DirectoryListingStartAfterNotFoundException.
	ErrStartAfterNotFound = errors.New("namespace: listing start not found")
	// ErrAcl is org.apache.hadoop.hdfs.protocol.AclException.
	ErrAcl = errors.New("namespace: invalid ACL")
	// ErrXAttrNotFound is org.apache.hadoop.hdfs.protocol.XAttrNotFoundException.
	ErrXAttrNotFound = errors.New("namespace: xattr not found")
	// ErrRecoveryInProgress is
	// org.apache.hadoop.hdfs.protocol.RecoveryInProgressException.
	ErrRecoveryInProgress = errors.New("namespace: recovery in progress")

	// ErrSnapshot is org.apache.hadoop.hdfs.protocol.SnapshotException.
	ErrSnapshot = errors.New("namespace: snapshot error")
	// ErrSnapshotAccessControl is
	// org.apache.hadoop.hdfs.protocol.SnapshotAccessControlException: a
	// change under a .snapshot path.
	ErrSnapshotAccessControl = errors.New("namespace: snapshots are read-only")

	// ErrBadRecord reports a record that does not fit the tree it is
	// applied to (a corrupt or out-of-order edit log). Hadoop fails the edit
	// load with a java.io.IOException in that case.
	ErrBadRecord = errors.New("namespace: record does not apply")
)

// Error is a failed namespace operation. Msg is the message of the Java
// exception Hadoop's NameNode throws in the same situation, exactly as
// getMessage() returns it, so the RPC layer can send it as is.
type Error struct {
	Kind error  // one of the sentinels above
	Msg  string // Hadoop's exception message
}

func (e *Error) Error() string { return "namespace: " + e.Msg }

// Unwrap returns the sentinel, so errors.Is(err, ErrFileNotFound) works.
func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func failMsg(kind error, msg string) *Error { return &Error{Kind: kind, Msg: msg} }

// pathIOMessage formats org.apache.hadoop.fs.PathIOException.getMessage:
// the path in `quotes' followed by the error text.
func pathIOMessage(path, text string) string {
	return "`" + path + "': " + text
}

func badRecord(format string, args ...any) *Error {
	return fail(ErrBadRecord, format, args...)
}

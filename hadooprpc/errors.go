package hadooprpc

import (
	"errors"
	"io/fs"
)

// Java exception classes as Hadoop names them on the wire
// (RpcResponseHeaderProto.exceptionClassName). Every class hdfsd sends or
// interprets is in exceptionTable below; nothing else in the project spells
// a Java class name.
const (
	ClassIOException             = "java.io.IOException"
	ClassFileNotFound            = "java.io.FileNotFoundException"
	ClassEOF                     = "java.io.EOFException"
	ClassUnsupportedOperation    = "java.lang.UnsupportedOperationException"
	ClassIllegalArgument         = "java.lang.IllegalArgumentException"
	ClassHadoopIllegalArgument   = "org.apache.hadoop.HadoopIllegalArgumentException"
	ClassFileAlreadyExists       = "org.apache.hadoop.fs.FileAlreadyExistsException"
	ClassParentNotDirectory      = "org.apache.hadoop.fs.ParentNotDirectoryException"
	ClassPathIsNotEmptyDirectory = "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException"
	ClassPathIsNotDirectory      = "org.apache.hadoop.fs.PathIsNotDirectoryException"
	ClassInvalidPath             = "org.apache.hadoop.fs.InvalidPathException"
	ClassUnresolvedLink          = "org.apache.hadoop.fs.UnresolvedLinkException"
	ClassUnresolvedPath          = "org.apache.hadoop.hdfs.protocol.UnresolvedPathException"
	ClassAssertionError          = "java.lang.AssertionError"
	ClassChecksum                = "org.apache.hadoop.fs.ChecksumException"
	ClassAccessControl           = "org.apache.hadoop.security.AccessControlException"
	ClassInvalidToken            = "org.apache.hadoop.security.token.SecretManager$InvalidToken"
	ClassStandby                 = "org.apache.hadoop.ipc.StandbyException"
	ClassRetriable               = "org.apache.hadoop.ipc.RetriableException"
	ClassObserverRetryOnActive   = "org.apache.hadoop.ipc.ObserverRetryOnActiveException"
	ClassNoSuchMethod            = "org.apache.hadoop.ipc.RpcNoSuchMethodException"
	ClassNoSuchProtocol          = "org.apache.hadoop.ipc.RpcNoSuchProtocolException"
	ClassIPC                     = "org.apache.hadoop.ipc.IpcException"
	ClassRPCServer               = "org.apache.hadoop.ipc.RpcServerException"
	ClassSafeMode                = "org.apache.hadoop.hdfs.server.namenode.SafeModeException"
	ClassLeaseExpired            = "org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException"
	ClassNotReplicatedYet        = "org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException"
	ClassAlreadyBeingCreated     = "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException"
	ClassQuotaExceeded           = "org.apache.hadoop.hdfs.protocol.QuotaExceededException"
	ClassNSQuotaExceeded         = "org.apache.hadoop.hdfs.protocol.NSQuotaExceededException"
	ClassDSQuotaExceeded         = "org.apache.hadoop.hdfs.protocol.DSQuotaExceededException"
	ClassPathComponentTooLong    = "org.apache.hadoop.hdfs.protocol.FSLimitException$PathComponentTooLongException"
	ClassMaxDirectoryItems       = "org.apache.hadoop.hdfs.protocol.FSLimitException$MaxDirectoryItemsExceededException"
	ClassSnapshot                = "org.apache.hadoop.hdfs.protocol.SnapshotException"
	ClassSnapshotAccessControl   = "org.apache.hadoop.hdfs.protocol.SnapshotAccessControlException"
	ClassAcl                     = "org.apache.hadoop.hdfs.protocol.AclException"
	ClassRecoveryInProgress      = "org.apache.hadoop.hdfs.protocol.RecoveryInProgressException"
	ClassUnregisteredNode        = "org.apache.hadoop.hdfs.protocol.UnregisteredNodeException"
	ClassDisallowedDatanode      = "org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException"
	ClassInconsistentFSState     = "org.apache.hadoop.hdfs.server.common.InconsistentFSStateException"
	ClassIncorrectVersion        = "org.apache.hadoop.hdfs.server.common.IncorrectVersionException"
	ClassJournalOutOfSync        = "org.apache.hadoop.hdfs.qjournal.protocol.JournalOutOfSyncException"
	ClassJournalNotFormatted     = "org.apache.hadoop.hdfs.qjournal.protocol.JournalNotFormattedException"
	ClassServiceFailed           = "org.apache.hadoop.ha.ServiceFailedException"
	ClassHealthCheckFailed       = "org.apache.hadoop.ha.HealthCheckFailedException"

	// Classes the IPC server itself sends (Server.java, RPC.java,
	// ProtobufRpcEngine2.java); no sentinel stands for them.
	ClassVersionMismatch       = "org.apache.hadoop.ipc.RPC$VersionMismatch"
	ClassSasl                  = "javax.security.sasl.SaslException"
	ClassInvalidProtocolBuffer = "org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException"
	ClassUninitializedMessage  = "org.apache.hadoop.thirdparty.protobuf.UninitializedMessageException"
)

// Sentinel errors, one per Java class a caller may want to test for. Where
// an io/fs error means the same thing, the sentinel also matches it with
// errors.Is (ErrFileNotFound is fs.ErrNotExist, and so on).
var (
	ErrIO                    = newSentinel("I/O error", nil)
	ErrFileNotFound          = newSentinel("file not found", fs.ErrNotExist)
	ErrEOF                   = newSentinel("unexpected end of file", nil)
	ErrUnsupportedOperation  = newSentinel("unsupported operation", errors.ErrUnsupported)
	ErrIllegalArgument       = newSentinel("illegal argument", fs.ErrInvalid)
	ErrHadoopIllegalArgument = newSentinel("illegal argument", fs.ErrInvalid)
	ErrFileAlreadyExists     = newSentinel("file already exists", fs.ErrExist)
	ErrParentNotDirectory    = newSentinel("parent is not a directory", nil)
	ErrPathIsNotEmptyDir     = newSentinel("directory is not empty", nil)
	ErrPathIsNotDirectory    = newSentinel("not a directory", nil)
	ErrInvalidPath           = newSentinel("invalid path", fs.ErrInvalid)
	ErrUnresolvedLink        = newSentinel("unresolved symlink", nil)
	ErrChecksum              = newSentinel("checksum error", nil)
	ErrAccessControl         = newSentinel("permission denied", fs.ErrPermission)
	ErrInvalidToken          = newSentinel("invalid token", fs.ErrPermission)
	ErrStandby               = newSentinel("operation not supported in standby state", nil)
	ErrRetriable             = newSentinel("retriable error", nil)
	ErrObserverRetryOnActive = newSentinel("observer asks to retry on the active", nil)
	ErrNoSuchMethod          = newSentinel("no such method", nil)
	ErrNoSuchProtocol        = newSentinel("no such protocol", nil)
	ErrIPC                   = newSentinel("IPC error", nil)
	ErrRPCServer             = newSentinel("RPC server error", nil)
	ErrSafeMode              = newSentinel("name node is in safe mode", nil)
	ErrLeaseExpired          = newSentinel("lease expired", nil)
	ErrNotReplicatedYet      = newSentinel("not replicated yet", nil)
	ErrAlreadyBeingCreated   = newSentinel("file is already being created", nil)
	ErrQuotaExceeded         = newSentinel("quota exceeded", nil)
	ErrNSQuotaExceeded       = newSentinel("namespace quota exceeded", nil)
	ErrDSQuotaExceeded       = newSentinel("disk space quota exceeded", nil)
	ErrPathComponentTooLong  = newSentinel("path component too long", nil)
	ErrMaxDirectoryItems     = newSentinel("too many items in directory", nil)
	ErrSnapshot              = newSentinel("snapshot error", nil)
	ErrSnapshotAccessControl = newSentinel("snapshot is read-only", fs.ErrPermission)
	ErrAcl                   = newSentinel("ACL error", nil)
	ErrRecoveryInProgress    = newSentinel("recovery in progress", nil)
	ErrUnregisteredNode      = newSentinel("unregistered node", nil)
	ErrDisallowedDatanode    = newSentinel("datanode denied communication", nil)
	ErrInconsistentFSState   = newSentinel("inconsistent storage state", nil)
	ErrIncorrectVersion      = newSentinel("incorrect layout version", nil)
	ErrJournalOutOfSync      = newSentinel("journal out of sync", nil)
	ErrJournalNotFormatted   = newSentinel("journal not formatted", nil)
	ErrServiceFailed         = newSentinel("service failed", nil)
	ErrHealthCheckFailed     = newSentinel("health check failed", nil)
)

// exceptionTable maps Go errors to and from Java class names. Order matters
// when mapping a Go error: the first entry it matches wins, so specific
// classes precede the general ones they also match (fs.ErrNotExist, ...).
var exceptionTable = []struct {
	class string
	err   error
}{
	{ClassFileNotFound, ErrFileNotFound},
	{ClassEOF, ErrEOF},
	{ClassUnsupportedOperation, ErrUnsupportedOperation},
	{ClassIllegalArgument, ErrIllegalArgument},
	{ClassHadoopIllegalArgument, ErrHadoopIllegalArgument},
	{ClassFileAlreadyExists, ErrFileAlreadyExists},
	{ClassParentNotDirectory, ErrParentNotDirectory},
	{ClassPathIsNotEmptyDirectory, ErrPathIsNotEmptyDir},
	{ClassPathIsNotDirectory, ErrPathIsNotDirectory},
	{ClassInvalidPath, ErrInvalidPath},
	{ClassUnresolvedPath, ErrUnresolvedLink},
	{ClassUnresolvedLink, ErrUnresolvedLink},
	{ClassChecksum, ErrChecksum},
	{ClassSnapshotAccessControl, ErrSnapshotAccessControl},
	{ClassInvalidToken, ErrInvalidToken},
	{ClassAccessControl, ErrAccessControl},
	{ClassStandby, ErrStandby},
	{ClassRetriable, ErrRetriable},
	{ClassObserverRetryOnActive, ErrObserverRetryOnActive},
	{ClassNoSuchMethod, ErrNoSuchMethod},
	{ClassNoSuchProtocol, ErrNoSuchProtocol},
	{ClassIPC, ErrIPC},
	{ClassRPCServer, ErrRPCServer},
	{ClassSafeMode, ErrSafeMode},
	{ClassLeaseExpired, ErrLeaseExpired},
	{ClassNotReplicatedYet, ErrNotReplicatedYet},
	{ClassAlreadyBeingCreated, ErrAlreadyBeingCreated},
	{ClassNSQuotaExceeded, ErrNSQuotaExceeded},
	{ClassDSQuotaExceeded, ErrDSQuotaExceeded},
	{ClassQuotaExceeded, ErrQuotaExceeded},
	{ClassPathComponentTooLong, ErrPathComponentTooLong},
	{ClassMaxDirectoryItems, ErrMaxDirectoryItems},
	{ClassSnapshot, ErrSnapshot},
	{ClassAcl, ErrAcl},
	{ClassRecoveryInProgress, ErrRecoveryInProgress},
	{ClassUnregisteredNode, ErrUnregisteredNode},
	{ClassDisallowedDatanode, ErrDisallowedDatanode},
	{ClassInconsistentFSState, ErrInconsistentFSState},
	{ClassIncorrectVersion, ErrIncorrectVersion},
	{ClassJournalOutOfSync, ErrJournalOutOfSync},
	{ClassJournalNotFormatted, ErrJournalNotFormatted},
	{ClassServiceFailed, ErrServiceFailed},
	{ClassHealthCheckFailed, ErrHealthCheckFailed},
	{ClassIOException, ErrIO},
}

// sentinel is an error value that may also stand for an io/fs error.
type sentinel struct {
	msg  string
	base error
}

func newSentinel(msg string, base error) error { return &sentinel{msg: msg, base: base} }

func (s *sentinel) Error() string { return s.msg }

func (s *sentinel) Is(target error) bool { return s.base != nil && target == s.base }

// ClassOf returns the Java exception class a server sends for err: the class
// a *RemoteError carries, else the first table entry err matches, else
// java.io.IOException.
func ClassOf(err error) string {
	var re *RemoteError
	if errors.As(err, &re) {
		return re.Class
	}
	for _, e := range exceptionTable {
		if errors.Is(err, e.err) {
			return e.class
		}
	}
	return ClassIOException
}

// ErrorOf returns the sentinel for a Java class name, or nil when the class
// is not in the table.
func ErrorOf(class string) error {
	for _, e := range exceptionTable {
		if e.class == class {
			return e.err
		}
	}
	return nil
}

// RemoteError is an exception a Hadoop server answered with. It unwraps to
// the sentinel of its class, so errors.Is(err, ErrStandby) or
// errors.Is(err, fs.ErrNotExist) work on what a call returned.
type RemoteError struct {
	Class   string // Java class name, e.g. "org.apache.hadoop.ipc.StandbyException"
	Message string // the exception's message (errorMsg)
	Code    int32  // RpcErrorCodeProto number, 0 when absent
	Fatal   bool   // the server closed the connection (status FATAL)
}

func (e *RemoteError) Error() string {
	if e.Message == "" {
		return e.Class
	}
	return e.Class + ": " + e.Message
}

// Unwrap returns the sentinel of the error's class, or nil.
func (e *RemoteError) Unwrap() error { return ErrorOf(e.Class) }

package clientrpc

import (
	"errors"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// classStartAfterNotFound is the class Hadoop throws when a listing's
// startAfter names a /.reserved path that does not resolve. hadooprpc's
// table has no sentinel for it, so it travels as a RemoteError.
const classStartAfterNotFound = "org.apache.hadoop.hdfs.protocol.DirectoryListingStartAfterNotFoundException"

// namespaceClasses maps the namespace core's sentinels to the Java class
// the NameNode throws.
var namespaceClasses = []struct {
	kind  error
	class string
}{
	{namespace.ErrFileNotFound, hadooprpc.ClassFileNotFound},
	{namespace.ErrFileAlreadyExists, hadooprpc.ClassFileAlreadyExists},
	{namespace.ErrParentNotDirectory, hadooprpc.ClassParentNotDirectory},
	{namespace.ErrPathIsNotEmptyDirectory, hadooprpc.ClassPathIsNotEmptyDirectory},
	{namespace.ErrPathIsNotDirectory, hadooprpc.ClassPathIsNotDirectory},
	{namespace.ErrInvalidPath, hadooprpc.ClassInvalidPath},
	{namespace.ErrAccessControl, hadooprpc.ClassAccessControl},
	{namespace.ErrNSQuotaExceeded, hadooprpc.ClassNSQuotaExceeded},
	{namespace.ErrDSQuotaExceeded, hadooprpc.ClassDSQuotaExceeded},
	{namespace.ErrQuotaByStorageTypeExceeded, "org.apache.hadoop.hdfs.protocol.QuotaByStorageTypeExceededException"},
	{namespace.ErrUnsupportedAction, "org.apache.hadoop.hdfs.protocol.UnsupportedActionException"},
	{namespace.ErrPathComponentTooLong, hadooprpc.ClassPathComponentTooLong},
	{namespace.ErrMaxDirectoryItems, hadooprpc.ClassMaxDirectoryItems},
	{namespace.ErrUnresolvedLink, hadooprpc.ClassUnresolvedPath},
	{namespace.ErrHadoopIllegalArgument, hadooprpc.ClassHadoopIllegalArgument},
	{namespace.ErrIllegalArgument, hadooprpc.ClassIllegalArgument},
	{namespace.ErrUnsupportedOperation, hadooprpc.ClassUnsupportedOperation},
	{namespace.ErrAlreadyBeingCreated, hadooprpc.ClassAlreadyBeingCreated},
	{namespace.ErrLeaseExpired, hadooprpc.ClassLeaseExpired},
	{namespace.ErrAssertion, hadooprpc.ClassAssertionError},
	{namespace.ErrStartAfterNotFound, classStartAfterNotFound},
	{namespace.ErrSnapshot, hadooprpc.ClassSnapshot},
	{namespace.ErrSnapshotAccessControl, hadooprpc.ClassSnapshotAccessControl},
	{namespace.ErrIO, hadooprpc.ClassIOException},
}

// JavaError turns what the Namesystem returned into what hadooprpc sends:
// a *namespace.Error becomes a RemoteError of its sentinel's class with
// Hadoop's message (unknown sentinels are java.io.IOException); anything
// else (RemoteError, hadooprpc sentinels, plain errors) is left to
// hadooprpc.ClassOf.
func JavaError(err error) error {
	var ne *namespace.Error
	if !errors.As(err, &ne) {
		return err
	}
	class := hadooprpc.ClassIOException
	for _, c := range namespaceClasses {
		if errors.Is(ne.Kind, c.kind) {
			class = c.class
			break
		}
	}
	return &hadooprpc.RemoteError{Class: class, Message: ne.Msg}
}

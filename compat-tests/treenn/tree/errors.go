package tree

import (
	"errors"
	"fmt"
)

// Sentinel errors. Lookups wrap them in a *PathError that names the path
// Hadoop's NameNode would put in its exception message.
var (
	// ErrNotFound: nothing exists at the path. Hadoop's NameNode answers
	// this with a null status (an empty response), not an exception.
	ErrNotFound = errors.New("tree: no such file or directory")
	// ErrNotAbsolute: the path does not start with "/". Hadoop's
	// INode.checkAbsolutePath throws an AssertionError.
	ErrNotAbsolute = errors.New("tree: absolute path required")
	// ErrNotDirectory: a component before the last one is a file
	// (FSPermissionChecker.checkSimpleTraverse).
	ErrNotDirectory = errors.New("tree: is not a directory")
	// ErrUnresolvedLink: the path names or crosses a symlink, which the
	// NameNode never follows itself (FSPermissionChecker.checkNotSymlink).
	ErrUnresolvedLink = errors.New("tree: unresolved symlink")
	// ErrExist: the builder was asked to add a name twice.
	ErrExist = errors.New("tree: file exists")
)

// PathError is a lookup failure. Path is what Hadoop's message says: for
// ErrNotDirectory the prefix that is not a directory, for ErrUnresolvedLink
// the path with the link replaced by its target
// (UnresolvedPathException.getResolvedPath), otherwise the path asked for.
type PathError struct {
	Err  error
	Path string
}

func (e *PathError) Error() string { return fmt.Sprintf("%v: %s", e.Err, e.Path) }

func (e *PathError) Unwrap() error { return e.Err }

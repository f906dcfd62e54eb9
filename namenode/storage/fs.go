package storage

import (
	"io"
	"os"
)

// FS is every file operation this package makes. OSFS is the real one;
// MemFS is an in-memory one for tests that can inject errors and simulate
// a crash that keeps only what was synced.
//
// Durability contract (what MemFS.Crash models): file bytes survive a crash
// once the file was synced; a new name, a removal or a rename survives once
// the directory holding it was synced (SyncDir). MkdirAll is durable when
// it returns: the OS implementation syncs every parent it adds to.
type FS interface {
	// Create creates or truncates name for writing (mode 0644).
	Create(name string) (File, error)
	// Open opens name for reading.
	Open(name string) (File, error)
	// Rename replaces newname with oldname.
	Rename(oldname, newname string) error
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// RemoveAll removes name and everything below it; a missing name is
	// not an error.
	RemoveAll(name string) error
	// MkdirAll creates name and any missing parents with mode perm.
	MkdirAll(name string, perm os.FileMode) error
	// ReadDir returns the names in a directory, sorted.
	ReadDir(name string) ([]string, error)
	// Stat describes name.
	Stat(name string) (os.FileInfo, error)
	// SyncDir makes the entries of a directory durable.
	SyncDir(name string) error
	// Link makes newname a hard link to the file oldname (an upgrade
	// links the edit segments into the new current/, as Hadoop does).
	Link(oldname, newname string) error
	// Lock takes an exclusive lock on the file name (created when missing)
	// and writes owner into it. When another process or another Lock call
	// in this process holds it, the error wraps ErrLocked and is a
	// *HeldError naming the holder.
	Lock(name string, owner string) (io.Closer, error)
}

// File is an open file.
type File interface {
	io.Reader
	io.Writer
	io.Closer
	// Sync makes the bytes written so far durable.
	Sync() error
}

// Op names an FS operation, for error injection.
type Op uint8

// The operations MemFS can fail.
const (
	OpCreate Op = iota + 1
	OpOpen
	OpRead
	OpWrite
	OpSync
	OpClose
	OpRename
	OpRemove
	OpMkdir
	OpReadDir
	OpStat
	OpSyncDir
	OpLock
	OpLink
)

var opNames = [...]string{"?", "create", "open", "read", "write", "sync",
	"close", "rename", "remove", "mkdir", "readdir", "stat", "syncdir", "lock", "link"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return opNames[0]
}

// mutates reports whether the operation changes the file system; crash
// points are counted on these.
func (o Op) mutates() bool {
	switch o {
	case OpCreate, OpWrite, OpSync, OpRename, OpRemove, OpMkdir, OpSyncDir, OpLock, OpLink:
		return true
	}
	return false
}

// HeldError is returned by FS.Lock when someone else holds the lock.
type HeldError struct {
	Path   string
	Holder string // the lock file's content: "<pid>@<host>" when Hadoop or hdfsd holds it
}

func (e *HeldError) Error() string {
	return "storage: " + e.Path + " is locked by " + e.Holder
}

func (e *HeldError) Unwrap() error { return ErrLocked }

package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Lock is a held in_use.lock of a storage directory.
type Lock struct {
	fsys FS
	path string
	c    io.Closer
}

// LockedError is Hadoop's refusal to start on a directory that another
// NameNode (Hadoop's or hdfsd's) holds.
type LockedError struct {
	Root   string
	Holder string // the holder's "<pid>@<host>", as its in_use.lock says
}

func (e *LockedError) Error() string {
	return "storage: Cannot lock storage " + e.Root + ". The directory is already locked"
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// lockOwner is what goes into in_use.lock: "<pid>@<host>", the JVM name
// Hadoop writes there.
var lockOwner = func() string {
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	return fmt.Sprintf("%d@%s", os.Getpid(), host)
}

// LockDir takes root/in_use.lock.
func LockDir(fsys FS, root string) (*Lock, error) {
	p := filepath.Join(root, FileLock)
	c, err := fsys.Lock(p, lockOwner())
	var held *HeldError
	if errors.As(err, &held) {
		return nil, &LockedError{Root: root, Holder: held.Holder}
	}
	if err != nil {
		return nil, fmt.Errorf("storage: locking %s: %w", p, err)
	}
	return &Lock{fsys: fsys, path: p, c: c}, nil
}

// Unlock removes in_use.lock (Hadoop has the JVM delete it on exit) and
// releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.c == nil {
		return nil
	}
	rmErr := l.fsys.Remove(l.path)
	err := l.c.Close()
	l.c = nil
	if err != nil {
		return fmt.Errorf("storage: unlocking %s: %w", l.path, err)
	}
	if rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
		return fmt.Errorf("storage: removing %s: %w", l.path, rmErr)
	}
	return nil
}

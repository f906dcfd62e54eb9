//go:build unix

package storage

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// lockFile opens name, takes a whole-file fcntl write lock without
// waiting, and writes owner into it (Hadoop writes the JVM name,
// "<pid>@<host>").
func lockFile(name, owner string) (*os.File, error) {
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
		err = syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
			holder := readHolder(f)
			f.Close()
			return nil, &HeldError{Path: name, Holder: holder}
		}
		if err != nil {
			f.Close()
			return nil, &os.PathError{Op: "lock", Path: name, Err: err}
		}
		// The previous holder removes the file when it lets go; if it did
		// so between our open and our lock, we locked a file nobody else
		// will look at. Start again on the new one.
		if !sameFile(f, name) {
			f.Close()
			continue
		}
		return f, writeOwner(f, owner)
	}
}

func sameFile(f *os.File, name string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(name)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func readHolder(f *os.File) string {
	buf := make([]byte, 256)
	n, _ := f.ReadAt(buf, 0)
	return string(buf[:n])
}

func writeOwner(f *os.File, owner string) error {
	if err := f.Truncate(0); err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteAt([]byte(owner), 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return nil
}

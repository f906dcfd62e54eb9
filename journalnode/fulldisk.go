package journalnode

import (
	"io/fs"
	"os"
	"syscall"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// FullDiskEnv names a test hook, for tests that cannot mount a small
// tmpfs: when `hdfsd journalnode` runs with HDFSD_JN_FAULT_ENOSPC_FILE set
// to a path, its file system behaves as a full disk while that file
// exists. What needs new space fails with ENOSPC (Create, MkdirAll, Link,
// and writes past the end of a file created since the start); what
// overwrites space already held (a segment's preallocated padding,
// committed-txid in place) or frees it (Truncate, Remove) works, as on a
// real full disk. Removing the file is space returning. compat-tests uses
// it.
const FullDiskEnv = "HDFSD_JN_FAULT_ENOSPC_FILE"

// fullDiskFS is fsys that is full while the file flag exists.
func fullDiskFS(fsys storage.FS, flag string) storage.FS { return &fullFS{FS: fsys, flag: flag} }

type fullFS struct {
	storage.FS
	flag string
}

// check is ENOSPC for op on name while the flag file exists.
func (f *fullFS) check(op, name string) error {
	if _, err := os.Stat(f.flag); err != nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: syscall.ENOSPC}
}

func (f *fullFS) Create(name string) (storage.File, error) {
	if err := f.check("open", name); err != nil {
		return nil, err
	}
	file, err := f.FS.Create(name)
	if err != nil {
		return nil, err
	}
	return f.wrap(file, name), nil
}

func (f *fullFS) MkdirAll(name string, perm os.FileMode) error {
	if err := f.check("mkdir", name); err != nil {
		return err
	}
	return f.FS.MkdirAll(name, perm)
}

func (f *fullFS) Link(oldname, newname string) error {
	if err := f.check("link", newname); err != nil {
		return err
	}
	return f.FS.Link(oldname, newname)
}

// wrap keeps the file a storage.RandomFile when it was one, so segments
// still preallocate. The file was just created: empty.
func (f *fullFS) wrap(file storage.File, name string) storage.File {
	ff := &fullFile{File: file, fs: f, name: name}
	if rf, ok := file.(storage.RandomFile); ok {
		return &fullRandomFile{fullFile: ff, rf: rf}
	}
	return ff
}

// fullFile tracks its size (one writer, as the JournalNode's files have),
// so that only writes that grow it need space.
type fullFile struct {
	storage.File
	fs        *fullFS
	name      string
	pos, size int64
}

// grow fails when [off, end) passes the end of the file on a full disk.
func (f *fullFile) grow(end int64) error {
	if end <= f.size {
		return nil
	}
	return f.fs.check("write", f.name)
}

func (f *fullFile) Write(p []byte) (int, error) {
	if err := f.grow(f.pos + int64(len(p))); err != nil {
		return 0, err
	}
	n, err := f.File.Write(p)
	f.pos += int64(n)
	f.size = max(f.size, f.pos)
	return n, err
}

type fullRandomFile struct {
	*fullFile
	rf storage.RandomFile
}

func (f *fullRandomFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.grow(off + int64(len(p))); err != nil {
		return 0, err
	}
	n, err := f.rf.WriteAt(p, off)
	f.size = max(f.size, off+int64(n))
	return n, err
}

func (f *fullRandomFile) Truncate(size int64) error {
	if err := f.rf.Truncate(size); err != nil {
		return err
	}
	f.size = size
	return nil
}

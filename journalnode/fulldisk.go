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
// exists. Allocating calls (Create, MkdirAll, Link, Write, WriteAt) fail
// with ENOSPC; everything else, freeing space included (Truncate, Remove),
// works. Removing the file is space returning. compat-tests uses it.
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
// still preallocate.
func (f *fullFS) wrap(file storage.File, name string) storage.File {
	ff := fullFile{File: file, fs: f, name: name}
	if rf, ok := file.(storage.RandomFile); ok {
		return fullRandomFile{fullFile: ff, rf: rf}
	}
	return ff
}

type fullFile struct {
	storage.File
	fs   *fullFS
	name string
}

func (f fullFile) Write(p []byte) (int, error) {
	if err := f.fs.check("write", f.name); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

type fullRandomFile struct {
	fullFile
	rf storage.RandomFile
}

func (f fullRandomFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.fs.check("write", f.name); err != nil {
		return 0, err
	}
	return f.rf.WriteAt(p, off)
}

func (f fullRandomFile) Truncate(size int64) error { return f.rf.Truncate(size) }

package fsdataset

import (
	"io"
	"os"
	"strings"
	"sync"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// FS is every file operation this package makes: the NameNode storage's
// storage.FS (VERSION files, locks, renames, hard links, listings) plus
// random-access replica files and the size of the file system under a
// volume. OSFS is the real one; FaultFS wraps any FS to inject errors.
type FS interface {
	storage.FS
	// OpenFile opens a replica file with os.OpenFile's flags. On OSFS the
	// result is an *os.File.
	OpenFile(name string, flag int, perm os.FileMode) (DataFile, error)
	// Usage is the size of the file system holding dir (statfs).
	Usage(dir string) (Usage, error)
}

// DataFile is an open replica data or .meta file.
type DataFile interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.WriterAt
	io.Closer
	Sync() error
	Truncate(size int64) error
	Stat() (os.FileInfo, error)
}

// Usage is what df reports for a file system.
type Usage struct {
	Capacity  int64 // total bytes
	Used      int64 // bytes in use by anyone
	Available int64 // bytes an unprivileged writer may still use
}

// OSFS is the operating system's file system.
var OSFS FS = osFS{storage.OSFS}

type osFS struct{ storage.FS }

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (DataFile, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return f, nil
}

func (osFS) Usage(dir string) (Usage, error) { return statfs(dir) }

// Injector decides whether an operation on path fails; nil means it goes
// ahead.
type Injector func(op storage.Op, path string) error

// FaultFS wraps an FS and fails the operations its injector picks (the
// test's ENOSPC or EIO on one volume). Writes, syncs and truncations of
// open DataFiles are storage.OpWrite and storage.OpSync.
type FaultFS struct {
	FS
	mu     sync.Mutex
	inject Injector
	usage  map[string]Usage // overrides by path prefix
}

// NewFaultFS wraps fsys with no faults.
func NewFaultFS(fsys FS) *FaultFS { return &FaultFS{FS: fsys, usage: map[string]Usage{}} }

// Inject sets the injector (nil: no faults).
func (f *FaultFS) Inject(fn Injector) {
	f.mu.Lock()
	f.inject = fn
	f.mu.Unlock()
}

// SetUsage makes Usage report u for every dir under prefix.
func (f *FaultFS) SetUsage(prefix string, u Usage) {
	f.mu.Lock()
	f.usage[prefix] = u
	f.mu.Unlock()
}

// FailUnder returns an injector failing op (0: every op) under prefix
// with err.
func FailUnder(op storage.Op, prefix string, err error) Injector {
	return func(o storage.Op, path string) error {
		if (op == 0 || o == op) && strings.HasPrefix(path, prefix) {
			return &os.PathError{Op: o.String(), Path: path, Err: err}
		}
		return nil
	}
}

func (f *FaultFS) check(op storage.Op, path string) error {
	f.mu.Lock()
	fn := f.inject
	f.mu.Unlock()
	if fn == nil {
		return nil
	}
	return fn(op, path)
}

func (f *FaultFS) Create(name string) (storage.File, error) {
	if err := f.check(storage.OpCreate, name); err != nil {
		return nil, err
	}
	return f.FS.Create(name)
}

func (f *FaultFS) Open(name string) (storage.File, error) {
	if err := f.check(storage.OpOpen, name); err != nil {
		return nil, err
	}
	return f.FS.Open(name)
}

func (f *FaultFS) Rename(o, n string) error {
	if err := f.check(storage.OpRename, o); err != nil {
		return err
	}
	return f.FS.Rename(o, n)
}

func (f *FaultFS) Remove(name string) error {
	if err := f.check(storage.OpRemove, name); err != nil {
		return err
	}
	return f.FS.Remove(name)
}

func (f *FaultFS) MkdirAll(name string, perm os.FileMode) error {
	if err := f.check(storage.OpMkdir, name); err != nil {
		return err
	}
	return f.FS.MkdirAll(name, perm)
}

func (f *FaultFS) ReadDir(name string) ([]string, error) {
	if err := f.check(storage.OpReadDir, name); err != nil {
		return nil, err
	}
	return f.FS.ReadDir(name)
}

func (f *FaultFS) Stat(name string) (os.FileInfo, error) {
	if err := f.check(storage.OpStat, name); err != nil {
		return nil, err
	}
	return f.FS.Stat(name)
}

func (f *FaultFS) Link(o, n string) error {
	if err := f.check(storage.OpLink, n); err != nil {
		return err
	}
	return f.FS.Link(o, n)
}

func (f *FaultFS) OpenFile(name string, flag int, perm os.FileMode) (DataFile, error) {
	op := storage.OpOpen
	if flag&os.O_CREATE != 0 {
		op = storage.OpCreate
	}
	if err := f.check(op, name); err != nil {
		return nil, err
	}
	df, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{DataFile: df, fs: f, name: name}, nil
}

func (f *FaultFS) Usage(dir string) (Usage, error) {
	f.mu.Lock()
	for p, u := range f.usage {
		if strings.HasPrefix(dir, p) {
			f.mu.Unlock()
			return u, nil
		}
	}
	f.mu.Unlock()
	if err := f.check(storage.OpStat, dir); err != nil {
		return Usage{}, err
	}
	return f.FS.Usage(dir)
}

type faultFile struct {
	DataFile
	fs   *FaultFS
	name string
}

func (f *faultFile) Write(p []byte) (int, error) {
	if err := f.fs.check(storage.OpWrite, f.name); err != nil {
		return 0, err
	}
	return f.DataFile.Write(p)
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.fs.check(storage.OpWrite, f.name); err != nil {
		return 0, err
	}
	return f.DataFile.WriteAt(p, off)
}

func (f *faultFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.fs.check(storage.OpRead, f.name); err != nil {
		return 0, err
	}
	return f.DataFile.ReadAt(p, off)
}

func (f *faultFile) Read(p []byte) (int, error) {
	if err := f.fs.check(storage.OpRead, f.name); err != nil {
		return 0, err
	}
	return f.DataFile.Read(p)
}

func (f *faultFile) Sync() error {
	if err := f.fs.check(storage.OpSync, f.name); err != nil {
		return err
	}
	return f.DataFile.Sync()
}

func (f *faultFile) Truncate(n int64) error {
	if err := f.fs.check(storage.OpWrite, f.name); err != nil {
		return err
	}
	return f.DataFile.Truncate(n)
}

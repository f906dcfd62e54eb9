package storage

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// OSFS is the operating system's file system.
var OSFS FS = osFS{}

type osFS struct{}

func (osFS) Create(name string) (File, error) {
	return os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
}

func (osFS) Open(name string) (File, error) { return os.Open(name) }

func (osFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

func (osFS) Link(oldname, newname string) error { return os.Link(oldname, newname) }

func (osFS) Remove(name string) error { return os.Remove(name) }

func (osFS) RemoveAll(name string) error { return os.RemoveAll(name) }

func (osFS) Stat(name string) (os.FileInfo, error) { return os.Stat(name) }

func (osFS) ReadDir(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	sort.Strings(names)
	return names, err
}

func (osFS) SyncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// MkdirAll creates the missing directories one by one, syncing the parent
// of each, so that the new directories survive a crash.
func (o osFS) MkdirAll(name string, perm os.FileMode) error {
	name = filepath.Clean(name)
	st, err := os.Stat(name)
	if err == nil {
		if !st.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: name, Err: fs.ErrExist}
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(name)
	if parent != name {
		if err := o.MkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := os.Mkdir(name, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	// Mkdir applies the umask; Hadoop sets dfs.namenode.storage.dir.perm
	// exactly.
	if err := os.Chmod(name, perm); err != nil {
		return err
	}
	return o.SyncDir(parent)
}

// Lock takes a POSIX record lock (fcntl F_SETLK) on the whole file, the
// lock Java's FileChannel.tryLock takes, so that hdfsd and a Hadoop
// NameNode exclude each other. (flock(2) would not: on Linux flock and
// fcntl locks do not see each other.) POSIX locks belong to the process,
// so a second Lock in this process would succeed and closing any other
// descriptor of the file would drop the lock; a table of the paths this
// process holds stands in for the JVM's own table of held locks.
func (osFS) Lock(name string, owner string) (io.Closer, error) {
	abs, err := lockKey(name)
	if err != nil {
		return nil, err
	}
	held.mu.Lock()
	defer held.mu.Unlock()
	if holder, ok := held.mu.paths[abs]; ok {
		return nil, &HeldError{Path: name, Holder: holder}
	}
	f, err := lockFile(name, owner)
	if err != nil {
		return nil, err
	}
	held.mu.paths[abs] = owner
	return &osLock{f: f, key: abs}, nil
}

// held is this process's table of lock files it holds.
var held struct {
	mu struct {
		sync.Mutex
		paths map[string]string // lock key -> owner
	}
}

func init() { held.mu.paths = make(map[string]string) }

// lockKey names a lock file independently of how the path was spelt.
func lockKey(name string) (string, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", err
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.Base(abs)), nil
}

type osLock struct {
	f   *os.File
	key string
}

func (l *osLock) Close() error {
	held.mu.Lock()
	defer held.mu.Unlock()
	delete(held.mu.paths, l.key)
	return l.f.Close() // closing the descriptor releases the fcntl lock
}

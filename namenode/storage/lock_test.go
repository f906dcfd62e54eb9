package storage

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Storage.StorageDirectory.lock: a second locker of a directory is
// refused with "Cannot lock storage <root>. The directory is already
// locked", learns who holds it from in_use.lock, and gets the lock once
// the holder lets go (which removes the file).
func TestSecondLockerRefusedLikeStorageDirectoryLock(t *testing.T) {
	for _, c := range []struct {
		name string
		fsys FS
		root func(t *testing.T) string
	}{
		{"OSFS", OSFS, func(t *testing.T) string { return t.TempDir() }},
		{"MemFS", NewMemFS(), func(t *testing.T) string { return "/nn" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := mkdir(t, c.fsys, c.root(t))
			first, err := LockDir(c.fsys, root)
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := ReadFile(c.fsys, filepath.Join(root, FileLock))
			if string(owner) != lockOwner() {
				t.Errorf("in_use.lock holds %q, want %q", owner, lockOwner())
			}
			_, err = LockDir(c.fsys, root)
			var le *LockedError
			if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
				t.Fatalf("second lock: %v, want a LockedError", err)
			}
			if want := "storage: Cannot lock storage " + root + ". The directory is already locked"; err.Error() != want {
				t.Errorf("message %q\nwant    %q", err, want)
			}
			if le.Holder != lockOwner() {
				t.Errorf("holder %q, want %q", le.Holder, lockOwner())
			}
			if err := first.Unlock(); err != nil {
				t.Fatal(err)
			}
			if _, err := c.fsys.Stat(filepath.Join(root, FileLock)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("in_use.lock after unlock: %v", err)
			}
			again, err := LockDir(c.fsys, root)
			if err != nil {
				t.Fatalf("lock after unlock: %v", err)
			}
			again.Unlock()
		})
	}
}

// The same paths spelt differently are the same lock (the JVM compares
// canonical files).
func TestLockSeesThroughPathSpelling(t *testing.T) {
	root := t.TempDir()
	l, err := LockDir(OSFS, root)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if _, err := LockDir(OSFS, root+"/./"); !errors.Is(err, ErrLocked) {
		t.Errorf("lock of %s/./: %v, want ErrLocked", root, err)
	}
}

// A NameNode started twice on the same directories: the second Load is
// refused and the first keeps its lock.
func TestSecondLoadRefused(t *testing.T) {
	m := NewMemFS()
	if _, err := Format(m, NewDirs([]string{"/nn"}, []string{"/nn"}), fixedFormat()); err != nil {
		t.Fatal(err)
	}
	s, err := Load(m, NewDirs([]string{"/nn"}, []string{"/nn"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(m, NewDirs([]string{"/nn"}, []string{"/nn"})); !errors.Is(err, ErrLocked) {
		t.Errorf("second Load: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Load(m, NewDirs([]string{"/nn"}, []string{"/nn"}))
	if err != nil {
		t.Fatalf("Load after Close: %v", err)
	}
	s2.Close()
}

package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"
)

// WriteFileAtomic replaces name with data so that a crash leaves either
// the old content or the new, never a mix: it writes name+".tmp", syncs
// it, renames it over name and syncs the directory. This is Hadoop's
// AtomicFileOutputStream (which does not sync the directory; hdfsd does,
// so that the rename itself survives).
func WriteFileAtomic(fsys FS, name string, data []byte) error {
	tmp := name + ".tmp"
	if err := writeSynced(fsys, tmp, data); err != nil {
		fsys.Remove(tmp)
		return fmt.Errorf("storage: writing %s: %w", name, err)
	}
	if err := fsys.Rename(tmp, name); err != nil {
		fsys.Remove(tmp)
		return fmt.Errorf("storage: writing %s: %w", name, err)
	}
	if err := fsys.SyncDir(filepath.Dir(name)); err != nil {
		return fmt.Errorf("storage: writing %s: %w", name, err)
	}
	return nil
}

func writeSynced(fsys FS, name string, data []byte) error {
	f, err := fsys.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadFile reads a whole file through fsys.
func ReadFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// WriteSeenTxID writes current/seen_txid in dir as Hadoop's
// PersistentLongFile does: the decimal number and "\n", replaced
// atomically.
func WriteSeenTxID(fsys FS, dir string, txid int64) error {
	if txid < 0 {
		return fmt.Errorf("%w: bad txid %d for %s", ErrInvalid, txid, dir)
	}
	return WriteFileAtomic(fsys, filepath.Join(dir, DirCurrent, FileSeenTxID),
		[]byte(strconv.FormatInt(txid, 10)+"\n"))
}

// ReadSeenTxID reads current/seen_txid in dir: 0 when the file is absent;
// otherwise its first line must be a Java long.
func ReadSeenTxID(fsys FS, dir string) (int64, error) {
	name := filepath.Join(dir, DirCurrent, FileSeenTxID)
	data, err := ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: reading %s: %w", name, err)
	}
	line := data
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		line = data[:i]
	}
	v, err := strconv.ParseInt(string(line), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s holds %q, not a number", ErrInvalid, name, line)
	}
	return v, nil
}

// WriteVersion writes current/VERSION in dir, atomically (Hadoop
// overwrites it in place; see doc.go).
func WriteVersion(fsys FS, dir string, v Version, o KeyOrder, now time.Time) error {
	return WriteFileAtomic(fsys, filepath.Join(dir, DirCurrent, FileVersion), v.Marshal(o, now))
}

// ReadVersion reads and checks current/VERSION in dir.
func ReadVersion(fsys FS, dir string) (Version, error) {
	name := filepath.Join(dir, DirCurrent, FileVersion)
	data, err := ReadFile(fsys, name)
	if err != nil {
		return Version{}, fmt.Errorf("storage: reading %s: %w", name, err)
	}
	return ParseVersion(data, dir)
}

package storage

import (
	"io/fs"
	"slices"
)

// RandomFile is a File that can also write at an offset and change its
// size: what an in-progress edit segment needs to preallocate padding
// ahead of its records and to cut that padding off when it is finalized
// (Hadoop writes segments through a FileChannel). The files OSFS and MemFS
// create implement it; code given another FS should test for it.
//
// For MemFS, WriteAt and Truncate are OpWrite for fault injection and
// crash points, and a truncation survives a crash once the file is synced.
type RandomFile interface {
	File
	WriteAt(p []byte, off int64) (int, error)
	Truncate(size int64) error
}

// WriteAt writes p at off, growing the file (with zero bytes) as needed.
// It does not move the position Write uses.
func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.checkLocked(OpWrite, f.path); err != nil {
		return 0, err
	}
	if f.closed || !f.write || off < 0 {
		return 0, &fs.PathError{Op: "writeat", Path: f.path, Err: fs.ErrInvalid}
	}
	end, old := int(off)+len(p), len(f.n.data)
	if end > old {
		f.n.data = slices.Grow(f.n.data, end-old)[:end]
		if int(off) > old {
			clear(f.n.data[old:off])
		}
	}
	copy(f.n.data[off:], p)
	return len(p), nil
}

// Truncate changes the file's size, cutting it or growing it with zero
// bytes.
func (f *memFile) Truncate(size int64) error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.checkLocked(OpWrite, f.path); err != nil {
		return err
	}
	if f.closed || !f.write || size < 0 {
		return &fs.PathError{Op: "truncate", Path: f.path, Err: fs.ErrInvalid}
	}
	n := int(size)
	if n <= len(f.n.data) {
		f.n.data = f.n.data[:n:n]
		return nil
	}
	f.n.data = append(f.n.data, make([]byte, n-len(f.n.data))...)
	return nil
}

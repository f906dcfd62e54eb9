package storage

import (
	"io"
	"io/fs"
	"slices"
)

// memFile is an open MemFS file.
type memFile struct {
	m      *MemFS
	n      *memNode
	path   string
	pos    int
	write  bool
	closed bool
}

func (f *memFile) Read(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.checkLocked(OpRead, f.path); err != nil {
		return 0, err
	}
	if f.closed || f.n.dir {
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: fs.ErrInvalid}
	}
	if f.pos >= len(f.n.data) {
		return 0, io.EOF
	}
	n := copy(p, f.n.data[f.pos:])
	f.pos += n
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.checkLocked(OpWrite, f.path); err != nil {
		return 0, err
	}
	if f.closed || !f.write {
		return 0, &fs.PathError{Op: "write", Path: f.path, Err: fs.ErrInvalid}
	}
	end := f.pos + len(p)
	if end > len(f.n.data) {
		f.n.data = slices.Grow(f.n.data, end-len(f.n.data))[:end]
	}
	copy(f.n.data[f.pos:], p)
	f.pos = end
	return len(p), nil
}

func (f *memFile) Sync() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.m.checkLocked(OpSync, f.path); err != nil {
		return err
	}
	f.n.syncedData = slices.Clone(f.n.data)
	return nil
}

func (f *memFile) Close() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.path, Err: fs.ErrClosed}
	}
	f.closed = true
	return f.m.checkLocked(OpClose, f.path)
}

// WriteFile stores data at name durably (file and directory entry), making
// the parent directories. It is for setting up tests and ignores the
// injector and the crash point.
func (m *MemFS) WriteFile(name string, data []byte) {
	m.mu.Lock()
	saved, countdown := m.mu.inject, m.mu.countdown
	m.mu.inject, m.mu.countdown = nil, -1
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.mu.inject, m.mu.countdown = saved, countdown
		m.mu.Unlock()
	}()
	p := clean(name)
	if err := m.MkdirAll(parentOf(p), 0o755); err != nil {
		panic(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, base, err := m.parentLocked(OpCreate, p)
	if err != nil {
		panic(err)
	}
	n := &memNode{mode: 0o644, data: slices.Clone(data), syncedData: slices.Clone(data)}
	d.children[base] = n
	d.synced[base] = n
}

// ReadFile returns the current content of name.
func (m *MemFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookupLocked(OpOpen, clean(name))
	if err != nil {
		return nil, err
	}
	if n.dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	return slices.Clone(n.data), nil
}

func parentOf(p string) string {
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "/"
}

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// Listing is what one storage directory holds, as the inspector, the
// segment recovery and the retention planner need it. List builds it;
// tests may write one by hand.
type Listing struct {
	Dir         Dir
	HasVersion  bool  // current/VERSION exists
	HasPrevious bool  // previous/ exists: an upgrade is not finalized
	SeenTxID    int64 // current/seen_txid; 0 when absent
	SeenErr     error // seen_txid is unreadable: Hadoop then ignores the directory's images
	Entries     []Entry
}

// Entry is one file in current/, with its parsed name.
type Entry struct {
	File string // the file name
	Name
	// Size of an in-progress segment (other entries: 0).
	Size int64
	// Scan of a non-empty in-progress segment, when List had a Scanner.
	Scan *Scan
	// ScanErr: the Scanner failed on it.
	ScanErr error
}

// Scan is what reading an in-progress edit segment found
// (EditLogFileInputStream.scanEditLog).
type Scan struct {
	// LastTxID is the last transaction that reads back whole, or
	// InvalidTxID when there is none (a header and no transactions).
	LastTxID int64
	// CorruptHeader: the layout-version header is unreadable.
	CorruptHeader bool
}

// Scanner reads an in-progress edit segment to find where it ends. The
// edit-log codec supplies it.
type Scanner func(path string) (Scan, error)

// List reads the directory d: its VERSION, previous/ and seen_txid, and
// the names in current/ (with the size of each in-progress segment,
// scanned when scan is not nil).
func List(fsys FS, d Dir, scan Scanner) (Listing, error) {
	l := Listing{Dir: d}
	var err error
	if l.HasVersion, err = exists(fsys, d.File(FileVersion)); err != nil {
		return l, err
	}
	if l.HasPrevious, err = exists(fsys, filepath.Join(d.Root, DirPrevious)); err != nil {
		return l, err
	}
	l.SeenTxID, l.SeenErr = ReadSeenTxID(fsys, d.Root)
	names, err := fsys.ReadDir(d.Current())
	if err != nil {
		return l, fmt.Errorf("storage: listing %s: %w", d.Current(), err)
	}
	for _, name := range names {
		e := Entry{File: name, Name: ParseName(name)}
		if e.Kind == KindInProgress || e.Kind == KindAside {
			if err := sizeAndScan(fsys, d, &e, scan); err != nil {
				return l, err
			}
		}
		l.Entries = append(l.Entries, e)
	}
	return l, nil
}

func sizeAndScan(fsys FS, d Dir, e *Entry, scan Scanner) error {
	st, err := fsys.Stat(d.File(e.File))
	if err != nil {
		return fmt.Errorf("storage: %s: %w", d.File(e.File), err)
	}
	e.Size = st.Size()
	if scan != nil && e.Kind == KindInProgress && e.Size > 0 {
		s, err := scan(d.File(e.File))
		if err != nil {
			e.ScanErr = fmt.Errorf("storage: scanning %s: %w", d.File(e.File), err)
		} else {
			e.Scan = &s
		}
	}
	return nil
}

func exists(fsys FS, name string) (bool, error) {
	_, err := fsys.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: %s: %w", name, err)
	}
	return true, nil
}

// has reports whether the listing holds a file of that name.
func (l Listing) has(file string) bool {
	for _, e := range l.Entries {
		if e.File == file {
			return true
		}
	}
	return false
}

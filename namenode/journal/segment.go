package journal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// PreallocationLength is how much an in-progress segment grows at a time
// (EditLogFileOutputStream.MIN_PREALLOCATION_LENGTH). The new space is
// filled with OP_INVALID bytes, so a reader stops where the records end.
const PreallocationLength = 1 << 20

// fill is one preallocation step of OP_INVALID bytes.
var fill = bytes.Repeat([]byte{byte(editlog.OpInvalid)}, PreallocationLength)

// header is the start of every segment hdfsd writes: layout version -67
// and the layout flags word (0).
var header = SegmentHeader(layoutVersion)

var layoutVersion = editlog.CurrentLayoutVersion

// SegmentHeader is the start of a segment file: the layout version and the
// layout flags word (0).
func SegmentHeader(layoutVersion int32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(layoutVersion)), 0)
}

// SegmentFile is an open in-progress segment file that grows in
// PreallocationLength steps of OP_INVALID bytes when its FS can write at
// an offset (EditLogFileOutputStream's file handling). The local journal
// and the JournalNode write their segments through it.
type SegmentFile struct {
	f    storage.File
	rf   storage.RandomFile // nil: the FS cannot preallocate
	pos  int64              // where the next record goes
	size int64              // the file's size, padding included
}

// NewSegmentFile writes the segment in f, from its start.
func NewSegmentFile(f storage.File) *SegmentFile {
	rf, _ := f.(storage.RandomFile)
	return &SegmentFile{f: f, rf: rf}
}

// Write writes b after the records so far, first preallocating when fewer
// than len(b) bytes of padding are left. It does not sync; grew reports
// that the file's size changed, which a sync must then make durable too.
func (s *SegmentFile) Write(b []byte) (grew bool, err error) {
	if s.rf == nil {
		if _, err := s.f.Write(b); err != nil {
			return false, err
		}
		s.pos += int64(len(b))
		s.size = s.pos
		return true, nil
	}
	size := s.size
	if err := s.preallocate(len(b)); err != nil {
		return false, err
	}
	if _, err := s.rf.WriteAt(b, s.pos); err != nil {
		return false, err
	}
	s.pos += int64(len(b))
	return s.size != size, nil
}

// preallocate appends whole PreallocationLength steps of OP_INVALID until
// n bytes fit before the end of the file.
func (s *SegmentFile) preallocate(n int) error {
	step := int64(len(fill)) // PreallocationLength; tests may shorten it
	for need := int64(n) - (s.size - s.pos); need > 0; need -= step {
		if _, err := s.rf.WriteAt(fill, s.size); err != nil {
			return err
		}
		s.size += step
	}
	return nil
}

// Sync fsyncs the file.
func (s *SegmentFile) Sync() error { return s.f.Sync() }

// DataSync makes the bytes durable without the metadata (fdatasync), which
// is enough after a Write that did not grow the file: inside the
// preallocated length only the data changes, as Hadoop's force(false).
func (s *SegmentFile) DataSync() error { return dataSync(s.f) }

// Trim cuts the padding off after the records and makes that durable.
func (s *SegmentFile) Trim() error {
	if s.rf == nil {
		return nil
	}
	if err := s.rf.Truncate(s.pos); err != nil {
		return err
	}
	return s.f.Sync()
}

// Close closes the file.
func (s *SegmentFile) Close() error { return s.f.Close() }

// segment is the in-progress segment file of one edits directory: Hadoop's
// EditLogFileOutputStream without the buffers, which the Journal keeps.
type segment struct {
	*SegmentFile
	dir   storage.Dir
	first int64
}

func (s *segment) path() string { return s.dir.File(storage.InProgressName(s.first)) }

// createSegment creates edits_inprogress_<first> (truncating a leftover
// file, as Hadoop does) and makes its name durable. The header is written
// by the first write.
func createSegment(fsys storage.FS, dir storage.Dir, first int64) (*segment, error) {
	s := &segment{dir: dir, first: first}
	f, err := fsys.Create(s.path())
	if err != nil {
		return nil, err
	}
	s.SegmentFile = NewSegmentFile(f)
	// Hadoop does not sync the directory; without it a crash could lose
	// the new name together with synced transactions.
	if err := fsys.SyncDir(dir.Current()); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// write writes b after the records so far and makes it durable, as
// flushAndSync does: preallocate when fewer than len(b) bytes of padding
// are left, write, fsync.
func (s *segment) write(b []byte) error {
	grew, err := s.Write(b)
	if err != nil {
		return err
	}
	if grew {
		return s.f.Sync() // the file grew: its size must be durable too
	}
	// Inside the preallocated length only the bytes change, so their sync
	// needs no metadata (Hadoop forces the channel with metadata=false).
	return dataSync(s.f)
}

// finalize cuts the padding off, closes the file and renames it
// edits_<first>-<last> (FileJournalManager.finalizeLogSegment), then
// makes the rename durable.
func (s *segment) finalize(fsys storage.FS, last int64) error {
	// Hadoop closes without a sync; the truncation is made durable here
	// so that a finalized file never keeps padding.
	if err := s.Trim(); err != nil {
		s.f.Close()
		return err
	}
	if err := s.f.Close(); err != nil {
		return err
	}
	to := s.dir.File(storage.EditsName(s.first, last))
	if _, err := fsys.Stat(to); err == nil {
		return fmt.Errorf("%w: can't finalize edits file %s since finalized file %s already exists",
			storage.ErrInconsistent, s.path(), to)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := fsys.Rename(s.path(), to); err != nil {
		return err
	}
	return fsys.SyncDir(s.dir.Current())
}

// abort closes the file and leaves it in progress.
func (s *segment) abort() { s.f.Close() }

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
var header = binary.BigEndian.AppendUint32(
	binary.BigEndian.AppendUint32(nil, uint32(layoutVersion)), 0)

var layoutVersion = editlog.CurrentLayoutVersion

// segment is the in-progress segment file of one edits directory: Hadoop's
// EditLogFileOutputStream without the buffers, which the Journal keeps.
type segment struct {
	dir      storage.Dir
	first    int64
	f        storage.File
	rf       storage.RandomFile // nil: the FS cannot preallocate
	pos      int64              // where the next record goes
	size     int64              // the file's size, padding included
	prealloc int                // preallocation steps taken
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
	s.f = f
	s.rf, _ = f.(storage.RandomFile)
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
	if s.rf == nil {
		if _, err := s.f.Write(b); err != nil {
			return err
		}
		s.pos += int64(len(b))
		s.size = s.pos
		return s.f.Sync()
	}
	size := s.size
	if err := s.preallocate(len(b)); err != nil {
		return err
	}
	if _, err := s.rf.WriteAt(b, s.pos); err != nil {
		return err
	}
	s.pos += int64(len(b))
	if s.size != size {
		return s.f.Sync() // the file grew: its size must be durable too
	}
	// Inside the preallocated length only the bytes change, so their sync
	// needs no metadata (Hadoop forces the channel with metadata=false).
	return dataSync(s.f)
}

// preallocate appends whole PreallocationLength steps of OP_INVALID until
// n bytes fit before the end of the file.
func (s *segment) preallocate(n int) error {
	step := int64(len(fill)) // PreallocationLength; tests may shorten it
	for need := int64(n) - (s.size - s.pos); need > 0; need -= step {
		if _, err := s.rf.WriteAt(fill, s.size); err != nil {
			return err
		}
		s.size += step
	}
	return nil
}

// finalize cuts the padding off, closes the file and renames it
// edits_<first>-<last> (FileJournalManager.finalizeLogSegment), then
// makes the rename durable.
func (s *segment) finalize(fsys storage.FS, last int64) error {
	if s.rf != nil {
		if err := s.rf.Truncate(s.pos); err != nil {
			s.f.Close()
			return err
		}
		// Hadoop closes without a sync; the truncation is made durable
		// here so that a finalized file never keeps padding.
		if err := s.f.Sync(); err != nil {
			s.f.Close()
			return err
		}
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

package disk

import (
	"github.com/hdfsd/hdfsd/namenode/journal"
)

// PreallocationLength is how much an in-progress segment grows at a time
// (EditLogFileOutputStream's preallocation), in OP_INVALID bytes.
const PreallocationLength = journal.PreallocationLength

// segment is the open in-progress file, written as namenode/journal
// writes its own.
type segment struct {
	*journal.SegmentFile
	start int64
	path  string
}

// write appends b after the records, preallocating first, and fsyncs when
// sync is set.
func (s *segment) write(b []byte, sync bool) error {
	if _, err := s.Write(b); err != nil {
		return err
	}
	if !sync {
		return nil
	}
	return s.Sync()
}

// truncate cuts the padding off and syncs.
func (s *segment) truncate() error { return s.Trim() }

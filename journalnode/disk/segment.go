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
	grew, err := s.Write(b)
	if err != nil || !sync {
		return err
	}
	if grew {
		return s.Sync() // the new length must be durable too
	}
	return s.DataSync()
}

// truncate cuts the padding off and syncs.
func (s *segment) truncate() error { return s.Trim() }

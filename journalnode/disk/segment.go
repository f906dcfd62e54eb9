package disk

import (
	"bytes"
	"encoding/binary"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// PreallocationLength is how much an in-progress segment grows at a time
// (EditLogFileOutputStream's preallocation), in OP_INVALID bytes.
const PreallocationLength = 1 << 20

var fill = bytes.Repeat([]byte{0xff}, PreallocationLength)

// header is the segment header: layout version and a zero flags word.
func header(lv int32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(lv)), 0)
}

// segment is the open in-progress file (the minimal part of
// namenode/journal's unexported segment writer this package needs).
type segment struct {
	start int64
	path  string
	f     storage.File
	rf    storage.RandomFile // nil: the FS cannot preallocate
	pos   int64
	size  int64
}

// write appends b after the records, preallocating first, and fsyncs when
// sync is set.
func (s *segment) write(b []byte, sync bool) error {
	if s.rf == nil {
		if _, err := s.f.Write(b); err != nil {
			return err
		}
		s.pos += int64(len(b))
		s.size = s.pos
	} else {
		for need := int64(len(b)) - (s.size - s.pos); need > 0; need -= PreallocationLength {
			if _, err := s.rf.WriteAt(fill, s.size); err != nil {
				return err
			}
			s.size += PreallocationLength
		}
		if _, err := s.rf.WriteAt(b, s.pos); err != nil {
			return err
		}
		s.pos += int64(len(b))
	}
	if !sync {
		return nil
	}
	return s.f.Sync()
}

// truncate cuts the padding off and syncs.
func (s *segment) truncate() error {
	if s.rf == nil {
		return nil
	}
	if err := s.rf.Truncate(s.pos); err != nil {
		return err
	}
	return s.f.Sync()
}

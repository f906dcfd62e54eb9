package editlog

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// Writer writes an edit-log segment: the header, then one record per op.
// It does not buffer; wrap the destination in a bufio.Writer for that, and
// sync it yourself. It never writes OP_INVALID padding.
type Writer struct {
	w   io.Writer
	lv  int32
	buf []byte
}

// NewWriter writes the header of a segment in CurrentLayoutVersion.
func NewWriter(w io.Writer) (*Writer, error) {
	return NewWriterVersion(w, CurrentLayoutVersion)
}

// NewWriterVersion writes the header of a segment in layout version lv.
// Hadoop 3.4 only writes CurrentLayoutVersion; older versions are for
// tests and tools, and follow the same field table the reader uses.
func NewWriterVersion(w io.Writer, lv int32) (*Writer, error) {
	if err := checkLayoutVersion(lv); err != nil {
		return nil, err
	}
	hdr := binary.BigEndian.AppendUint32(nil, uint32(lv))
	if Supports(FeatureAddLayoutFlags, lv) {
		hdr = binary.BigEndian.AppendUint32(hdr, 0)
	}
	if _, err := w.Write(hdr); err != nil {
		return nil, fmt.Errorf("editlog: writing header: %w", err)
	}
	return &Writer{w: w, lv: lv}, nil
}

// LayoutVersion is the layout version the Writer writes.
func (w *Writer) LayoutVersion() int32 { return w.lv }

// Write appends op as one record, with a single Write call.
func (w *Writer) Write(op *Op) error {
	var err error
	if w.buf, err = AppendRecord(w.buf[:0], op, w.lv); err != nil {
		return err
	}
	if _, err := w.w.Write(w.buf); err != nil {
		return fmt.Errorf("editlog: writing %v txid %d: %w", op.Code, op.TxID, err)
	}
	return nil
}

var encoderPool = sync.Pool{New: func() any { return new(encoder) }}

// AppendRecord appends op's record in layout version lv to dst, as
// FSEditLogOp.Writer.writeOp does: opcode, length (from EDITLOG_LENGTH
// on), txid, the fields, and the CRC32 of everything before it.
func AppendRecord(dst []byte, op *Op, lv int32) ([]byte, error) {
	spec := specFor(op.Code)
	if spec == nil || spec.obsolete {
		return dst, fmt.Errorf("%w: %v", ErrNotWritable, op.Code)
	}
	frame := framingOf(lv)
	start := len(dst)
	// The field encoders take the encoder through interfaces, which would
	// put a fresh one on the heap for every record; the NameNode appends
	// one record per mutation, so they are reused.
	e := encoderPool.Get().(*encoder)
	*e = newEncoder(dst, lv)
	defer func() { *e = encoder{}; encoderPool.Put(e) }()
	e.u8(uint8(op.Code))
	if frame == frameLength {
		e.i32(0) // patched below
	}
	if frame != framePlain || Supports(FeatureStoredTxIDs, lv) {
		e.i64(op.TxID)
	}
	spec.encode(e, op)
	if e.err != nil {
		return dst[:start], fmt.Errorf("%w (%v txid %d)", e.err, op.Code, op.TxID)
	}
	if frame == frameLength {
		binary.BigEndian.PutUint32(e.buf[start+1:], uint32(len(e.buf)-start-1))
	}
	if frame != framePlain {
		e.buf = binary.BigEndian.AppendUint32(e.buf, crc32.ChecksumIEEE(e.buf[start:]))
	}
	return e.buf, nil
}

package editlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// DefaultMaxOpSize is the largest record a Reader accepts
// (dfs.namenode.max.op.size's default).
const DefaultMaxOpSize = 50 << 20

// minLengthFramed is the smallest length-prefixed record: opcode, length,
// txid, empty body, checksum.
const minLengthFramed = 1 + 4 + 8 + 4

// Reader reads the ops of an edit-log segment, in order. It stops at the
// end of the input or at the OP_INVALID byte that starts the preallocated
// padding of an in-progress segment.
type Reader struct {
	src      io.Reader
	data     []byte // input read so far; data[start:] is not consumed yet
	start    int
	eof      bool  // src is exhausted
	pos      int64 // stream offset of data[start]
	lv       int32
	frame    framing
	maxOp    int
	tornOK   bool
	torn     error // why a torn-tail reader stopped early
	err      error // sticky: io.EOF or the error that stopped reading
	lastTxID int64
}

// NewReader reads the file header (layout version and layout flags) and
// returns a Reader positioned at the first record.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{src: r, maxOp: DefaultMaxOpSize, lastTxID: InvalidTxID}
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

// NewRecordReader returns a Reader for records with no file header, as the
// journal protocol ships them, in layout version lv.
func NewRecordReader(r io.Reader, lv int32) (*Reader, error) {
	if err := checkLayoutVersion(lv); err != nil {
		return nil, err
	}
	return &Reader{src: r, maxOp: DefaultMaxOpSize, lv: lv, frame: framingOf(lv), lastTxID: InvalidTxID}, nil
}

func (r *Reader) readHeader() error {
	if err := r.fill(4); err != nil {
		return err
	}
	if len(r.avail()) < 4 {
		return fmt.Errorf("%w: file ends before the layout version", ErrHeader)
	}
	r.lv = int32(binary.BigEndian.Uint32(r.avail()))
	r.consume(4)
	if r.lv == -1 {
		return fmt.Errorf("%w: layout version is -1 (file preallocated, header never written)", ErrHeader)
	}
	if err := checkLayoutVersion(r.lv); err != nil {
		return err
	}
	r.frame = framingOf(r.lv)
	if !Supports(FeatureAddLayoutFlags, r.lv) {
		return nil
	}
	if err := r.fill(4); err != nil {
		return err
	}
	if len(r.avail()) < 4 {
		return fmt.Errorf("%w: file ends before the layout flags", ErrHeader)
	}
	if flags := int32(binary.BigEndian.Uint32(r.avail())); flags != 0 {
		return fmt.Errorf("%w: layout flags word is %d, want 0", ErrHeader, flags)
	}
	r.consume(4)
	return nil
}

// LayoutVersion is the layout version the records are in.
func (r *Reader) LayoutVersion() int32 { return r.lv }

// AllowTornTail makes the Reader treat a damaged or incomplete record as
// the end of the segment, as Hadoop does when it recovers an in-progress
// segment: Next returns io.EOF there, Offset is the valid length and
// TornTail says what was wrong. Call it before the first Next.
func (r *Reader) AllowTornTail() { r.tornOK = true }

// SetMaxOpSize changes the largest record accepted (DefaultMaxOpSize).
func (r *Reader) SetMaxOpSize(n int) { r.maxOp = n }

// Offset is the stream offset just past the last record returned (the
// header included): the valid length of the segment once Next has
// returned io.EOF.
func (r *Reader) Offset() int64 { return r.pos }

// TornTail is nil unless a Reader with AllowTornTail stopped before the
// end of its input; then it is the error found at Offset.
func (r *Reader) TornTail() error { return r.torn }

// LastTxID is the transaction id of the last op returned, or InvalidTxID.
func (r *Reader) LastTxID() int64 { return r.lastTxID }

// Next returns the next op. At the end of the segment it returns io.EOF;
// on a damaged record it returns an error (wrapping ErrChecksum,
// ErrTruncated, ErrCorrupt or ErrUnknownOpcode) that names the offset and,
// when known, the txid. Errors are sticky.
func (r *Reader) Next() (Op, error) {
	if r.err != nil {
		return Op{}, r.err
	}
	op, n, err := r.readRecord()
	if err == nil {
		r.consume(n)
		r.lastTxID = op.TxID
		return op, nil
	}
	if err != io.EOF && r.tornOK && isDamage(err) {
		r.torn, err = err, io.EOF
	}
	r.err = err
	return Op{}, err
}

func isDamage(err error) bool {
	for _, e := range []error{ErrChecksum, ErrTruncated, ErrCorrupt, ErrUnknownOpcode} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func (r *Reader) readRecord() (Op, int, error) {
	if err := r.fill(1); err != nil {
		return Op{}, 0, err
	}
	if len(r.avail()) == 0 {
		return Op{}, 0, io.EOF
	}
	if Opcode(r.avail()[0]) == OpInvalid {
		return Op{}, 0, r.checkPadding()
	}
	if r.frame == frameLength {
		return r.readLengthFramed()
	}
	return r.readUnframed()
}

// readLengthFramed reads opcode, length, txid, body and CRC32. The length
// counts itself, the txid and the body.
func (r *Reader) readLengthFramed() (Op, int, error) {
	if err := r.fill(5); err != nil {
		return Op{}, 0, err
	}
	if len(r.avail()) < 5 {
		return Op{}, 0, r.damage(ErrTruncated, InvalidTxID, "input ends inside the record header")
	}
	code := Opcode(r.avail()[0])
	total := int64(int32(binary.BigEndian.Uint32(r.avail()[1:]))) + 5
	if total < minLengthFramed || total > int64(r.maxOp) {
		return Op{}, 0, r.damage(ErrCorrupt, InvalidTxID, "%v record size %d outside %d..%d",
			code, total, minLengthFramed, r.maxOp)
	}
	n := int(total)
	if err := r.fill(n); err != nil {
		return Op{}, 0, err
	}
	rec := r.avail()
	if len(rec) < n {
		return Op{}, 0, r.damage(ErrTruncated, InvalidTxID, "%v record of %d bytes, %d left", code, n, len(rec))
	}
	rec = rec[:n]
	txid := int64(binary.BigEndian.Uint64(rec[5:]))
	if err := r.verifyCRC(rec[:n-4], rec[n-4:], txid); err != nil {
		return Op{}, 0, err
	}
	op, used, err := decodeOp(code, txid, rec[13:n-4], r.lv)
	if err == nil && used != n-17 {
		err = fmt.Errorf("%w: %d bytes after the fields", ErrCorrupt, n-17-used)
	}
	if err != nil {
		return Op{}, 0, r.bodyError(err, code, txid, true)
	}
	return op, n, nil
}

// readUnframed reads records of layouts without a length: opcode, txid
// (from STORED_TXIDS on), body and, from EDITS_CHECKSUM on, a CRC32. The
// body's end is only known by decoding it, so it reads more input until
// the decoder has what it needs.
func (r *Reader) readUnframed() (Op, int, error) {
	head := 1
	if Supports(FeatureStoredTxIDs, r.lv) {
		head += 8
	}
	crcLen := 0
	if r.frame == frameChecksum {
		crcLen = 4
	}
	for want := head; ; want = min(2*len(r.avail())+4096, r.maxOp) {
		if err := r.fill(want); err != nil {
			return Op{}, 0, err
		}
		op, n, err := r.tryUnframed(head, crcLen)
		if err != errShort {
			return op, n, err
		}
		code := Opcode(r.avail()[0])
		if len(r.avail()) >= r.maxOp {
			return Op{}, 0, r.damage(ErrCorrupt, InvalidTxID, "%v record longer than %d bytes", code, r.maxOp)
		}
		if r.eof {
			return Op{}, 0, r.damage(ErrTruncated, InvalidTxID, "input ends inside a %v record", code)
		}
	}
}

// tryUnframed decodes an unframed record from the bytes read so far, or
// returns errShort.
func (r *Reader) tryUnframed(head, crcLen int) (Op, int, error) {
	buf := r.avail()
	code := Opcode(buf[0])
	if specFor(code) == nil {
		return Op{}, 0, r.damage(ErrUnknownOpcode, InvalidTxID, "opcode %d", uint8(code))
	}
	if len(buf) < head {
		return Op{}, 0, errShort
	}
	txid := InvalidTxID
	if head > 1 {
		txid = int64(binary.BigEndian.Uint64(buf[1:]))
	}
	op, used, err := decodeOp(code, txid, buf[head:], r.lv)
	if err != nil {
		return Op{}, 0, r.bodyError(err, code, txid, false)
	}
	end := head + used
	if len(buf) < end+crcLen {
		return Op{}, 0, errShort
	}
	if crcLen > 0 {
		if err := r.verifyCRC(buf[:end], buf[end:end+4], txid); err != nil {
			return Op{}, 0, err
		}
	}
	return op, end + crcLen, nil
}

func (r *Reader) verifyCRC(covered, stored []byte, txid int64) error {
	want := binary.BigEndian.Uint32(stored)
	if got := crc32.ChecksumIEEE(covered); got != want {
		return r.damage(ErrChecksum, txid, "%v record: stored CRC32 %#08x, computed %#08x",
			Opcode(covered[0]), want, got)
	}
	return nil
}

// bodyError gives a decoding error its context. When the record's length
// was known, running out of bytes means the length was wrong.
func (r *Reader) bodyError(err error, code Opcode, txid int64, framed bool) error {
	switch {
	case err == errShort && framed:
		return r.damage(ErrCorrupt, txid, "%v record is shorter than its fields", code)
	case err == errShort:
		return errShort
	case errors.Is(err, ErrUnknownOpcode):
		return r.damage(ErrUnknownOpcode, txid, "opcode %d", uint8(code))
	}
	return fmt.Errorf("%w (record at offset %d, %v, txid %d)", err, r.pos, code, txid)
}

// damage builds an error about the record at the current offset.
func (r *Reader) damage(kind error, txid int64, format string, args ...any) error {
	where := fmt.Sprintf("record at offset %d", r.pos)
	if txid != InvalidTxID {
		where += fmt.Sprintf(" (txid %d)", txid)
	}
	return fmt.Errorf("%w: %s: %s", kind, where, fmt.Sprintf(format, args...))
}

// checkPadding verifies that everything from the OP_INVALID byte to the end
// of the input is 0x00 or 0xFF, as Hadoop's verifyTerminator does, and
// returns io.EOF. The offset stays at the OP_INVALID byte.
func (r *Reader) checkPadding() error {
	off := 0
	for {
		buf := r.avail()
		for ; off < len(buf); off++ {
			if buf[off] != 0x00 && buf[off] != 0xff {
				return r.damage(ErrCorrupt, InvalidTxID, "byte %#02x at offset %d after the OP_INVALID end marker",
					buf[off], r.pos+int64(off))
			}
		}
		if r.eof {
			return io.EOF
		}
		// Keep only the marker: the padding itself needs no buffering.
		r.data = r.data[:r.start+1]
		off = 1
		if err := r.fill(64 << 10); err != nil {
			return err
		}
	}
}

func (r *Reader) avail() []byte { return r.data[r.start:] }

func (r *Reader) consume(n int) {
	r.start += n
	r.pos += int64(n)
}

// fill reads until at least n unconsumed bytes are buffered or the input
// ends. Only I/O errors other than io.EOF are returned.
func (r *Reader) fill(n int) error {
	for len(r.avail()) < n && !r.eof {
		if len(r.data) == cap(r.data) && r.start > 0 {
			r.data, r.start = append(r.data[:0], r.avail()...), 0
		}
		if len(r.data) == cap(r.data) {
			// Grow with the input, not with what a length field claims.
			grown := make([]byte, len(r.data), max(2*cap(r.data), 16<<10))
			copy(grown, r.data)
			r.data = grown
		}
		m, err := r.src.Read(r.data[len(r.data):cap(r.data)])
		r.data = r.data[:len(r.data)+m]
		if err == io.EOF {
			r.eof = true
		} else if err != nil {
			return fmt.Errorf("editlog: reading at offset %d: %w", r.pos+int64(len(r.avail())), err)
		}
	}
	return nil
}

// specFor returns the layout of a decodable opcode, or nil.
func specFor(code Opcode) *opSpec {
	if code > lastOpcode {
		return nil
	}
	return specs[code]
}

// decodeOp decodes an op's fields from body and returns how many bytes
// they took.
func decodeOp(code Opcode, txid int64, body []byte, lv int32) (Op, int, error) {
	spec := specFor(code)
	if spec == nil {
		return Op{}, 0, ErrUnknownOpcode
	}
	op := NewOp(code)
	op.TxID = txid
	d := newDecoder(body, lv)
	spec.decode(&d, &op)
	return op, d.off, d.err
}

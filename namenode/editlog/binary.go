package editlog

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// encoder appends the big-endian DataOutput encodings Hadoop uses. The first
// error sticks; later writes are ignored.
type encoder struct {
	buf   []byte
	lv    int32
	feats uint64 // featureSets[lv]
	err   error
}

func newEncoder(dst []byte, lv int32) encoder {
	return encoder{buf: dst, lv: lv, feats: featureSets[lv]}
}

// has reports whether the layout being written has feature f.
func (e *encoder) has(f Feature) bool { return e.feats&(1<<f) != 0 }

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *encoder) u8(v uint8)     { e.buf = append(e.buf, v) }
func (e *encoder) i16(v int16)    { e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(v)) }
func (e *encoder) i32(v int32)    { e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(v)) }
func (e *encoder) i64(v int64)    { e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(v)) }
func (e *encoder) bytes(b []byte) { e.buf = append(e.buf, b...) }

func (e *encoder) boolean(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}

// vlong is WritableUtils.writeVLong: one byte for -112..127, otherwise a
// length byte and the magnitude (ones' complement if negative), big-endian.
func (e *encoder) vlong(v int64) {
	if v >= -112 && v <= 127 {
		e.u8(uint8(v))
		return
	}
	size := int8(-112)
	if v < 0 {
		v = ^v
		size = -120
	}
	n := 0
	for t := v; t != 0; t >>= 8 {
		n++
	}
	e.u8(uint8(size - int8(n)))
	for i := n - 1; i >= 0; i-- {
		e.u8(uint8(v >> (8 * i)))
	}
}

// utf8 writes a Hadoop UTF8 (DeprecatedUTF8) value: uint16 byte length,
// then the chars as UTF8.writeChars encodes them.
func (e *encoder) utf8(s string) {
	at := len(e.buf)
	e.buf = append(e.buf, 0, 0)
	var err error
	if e.buf, err = appendHadoopUTF8(e.buf, s); err != nil {
		e.fail(err)
		return
	}
	binary.BigEndian.PutUint16(e.buf[at:], uint16(len(e.buf)-at-2))
}

// shortBytes writes raw bytes with a uint16 length (FSImageSerialization
// writeBytes).
func (e *encoder) shortBytes(b []byte) {
	if len(b) > 0xffff {
		e.fail(fmt.Errorf("%w: %d bytes do not fit a 16-bit length", ErrNotWritable, len(b)))
		return
	}
	e.i16(int16(len(b)))
	e.bytes(b)
}

// text writes a string as a Hadoop Text value: vint byte length, then
// UTF-8 (Text.writeString).
func (e *encoder) text(s string, max int) { e.rawText(standardUTF8(s), max) }

// rawText writes Text bytes as they are (Text.write).
func (e *encoder) rawText(s string, max int) {
	if len(s) > max {
		e.fail(fmt.Errorf("%w: Text of %d bytes is longer than %d", ErrNotWritable, len(s), max))
		return
	}
	e.vlong(int64(len(s)))
	e.bytes([]byte(s))
}

// oldLong is a long: 8 bytes, or its decimal text as a UTF8 value in layouts
// before EDITLOG_OP_OPTIMIZATION.
func (e *encoder) oldLong(v int64) {
	if e.has(FeatureEditlogOpOptimization) {
		e.i64(v)
	} else {
		e.utf8(strconv.FormatInt(v, 10))
	}
}

func (e *encoder) oldShort(v int16) {
	if e.has(FeatureEditlogOpOptimization) {
		e.i16(v)
	} else {
		e.utf8(strconv.FormatInt(int64(v), 10))
	}
}

// decoder reads what encoder writes, from one record body. The first error
// sticks; later reads return zero values.
type decoder struct {
	buf   []byte
	off   int
	lv    int32
	feats uint64 // featureSets[lv]
	err   error
}

func newDecoder(body []byte, lv int32) decoder {
	return decoder{buf: body, lv: lv, feats: featureSets[lv]}
}

// has reports whether the layout being read has feature f.
func (d *decoder) has(f Feature) bool { return d.feats&(1<<f) != 0 }

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
	}
}

// take returns the next n bytes, or nil (and errShort) if there are fewer.
func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.buf)-d.off < n {
		d.err = errShort
		return nil
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b
}

func (d *decoder) u8() uint8 {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) i16() int16 {
	if b := d.take(2); b != nil {
		return int16(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (d *decoder) i32() int32 {
	if b := d.take(4); b != nil {
		return int32(binary.BigEndian.Uint32(b))
	}
	return 0
}

func (d *decoder) i64() int64 {
	if b := d.take(8); b != nil {
		return int64(binary.BigEndian.Uint64(b))
	}
	return 0
}

func (d *decoder) boolean() bool { return d.u8() != 0 }

func (d *decoder) vlong() int64 {
	first := int8(d.u8())
	if first >= -112 {
		return int64(first)
	}
	neg := first < -120
	n := int(-112 - first)
	if neg {
		n = int(-120 - first)
	}
	var v int64
	for _, c := range d.take(n) {
		v = v<<8 | int64(c)
	}
	if neg {
		v = ^v
	}
	return v
}

func (d *decoder) vint() int32 {
	v := d.vlong()
	if v != int64(int32(v)) {
		d.fail("vint %d does not fit 32 bits", v)
		return 0
	}
	return int32(v)
}

func (d *decoder) utf8() string {
	n := int(uint16(d.i16()))
	b := d.take(n)
	if d.err != nil {
		return ""
	}
	s, err := decodeHadoopUTF8(b)
	if err != nil {
		d.fail("%v", err)
	}
	return s
}

func (d *decoder) shortBytes() []byte {
	n := int(uint16(d.i16()))
	if b := d.take(n); b != nil {
		return append([]byte{}, b...)
	}
	return []byte{}
}

// text reads a Hadoop Text value. Invalid UTF-8 is replaced with U+FFFD,
// as Text.decode does; raw keeps the bytes as they are.
func (d *decoder) text(max int, raw bool) string {
	n := d.vlong()
	if n < 0 || n > int64(max) {
		d.fail("Text length %d outside 0..%d", n, max)
		return ""
	}
	b := d.take(int(n))
	if raw || utf8.Valid(b) {
		return string(b)
	}
	return string([]rune(string(b)))
}

func (d *decoder) oldLong() int64 {
	if d.has(FeatureEditlogOpOptimization) {
		return d.i64()
	}
	s := d.utf8()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil && d.err == nil {
		d.fail("long written as text %q: %v", s, err)
	}
	return v
}

func (d *decoder) oldShort() int16 {
	if d.has(FeatureEditlogOpOptimization) {
		return d.i16()
	}
	s := d.utf8()
	v, err := strconv.ParseInt(s, 10, 16)
	if err != nil && d.err == nil {
		d.fail("short written as text %q: %v", s, err)
	}
	return int16(v)
}

// count reads an int32 element count and checks it against max.
func (d *decoder) count(what string, max int) int {
	n := d.i32()
	if d.err == nil && (n < 0 || int(n) > max) {
		d.fail("%s count %d outside 0..%d", what, n, max)
		return 0
	}
	return int(n)
}

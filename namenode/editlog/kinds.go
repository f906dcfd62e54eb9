package editlog

import "math"

// Scalar kinds. Each is a function that finds its value inside an Op, so
// one kind serves every op that stores such a value.

// i64K is a long: 8 bytes big-endian; decimal in XML.
type i64K func(*Op) *int64

func (k i64K) put(e *encoder, o *Op) { e.i64(*k(o)) }
func (k i64K) get(d *decoder, o *Op) { *k(o) = d.i64() }
func (k i64K) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, *k(o))
}
func (k i64K) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = p.int(s, tag, 64)
}

// oldI64K is a long that layouts before EDITLOG_OP_OPTIMIZATION wrote as
// decimal text.
type oldI64K func(*Op) *int64

func (k oldI64K) put(e *encoder, o *Op) { e.oldLong(*k(o)) }
func (k oldI64K) get(d *decoder, o *Op) { *k(o) = d.oldLong() }
func (k oldI64K) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, *k(o))
}
func (k oldI64K) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = p.int(s, tag, 64)
}

// i32K is an int: 4 bytes big-endian.
type i32K func(*Op) *int32

func (k i32K) put(e *encoder, o *Op) { e.i32(*k(o)) }
func (k i32K) get(d *decoder, o *Op) { *k(o) = d.i32() }
func (k i32K) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, int64(*k(o)))
}
func (k i32K) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = int32(p.int(s, tag, 32))
}

// oldI16K is a short that layouts before EDITLOG_OP_OPTIMIZATION wrote as
// decimal text.
type oldI16K func(*Op) *int16

func (k oldI16K) put(e *encoder, o *Op) { e.oldShort(*k(o)) }
func (k oldI16K) get(d *decoder, o *Op) { *k(o) = d.oldShort() }
func (k oldI16K) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, int64(*k(o)))
}
func (k oldI16K) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = int16(p.int(s, tag, 16))
}

// byteK is one byte; XML shows it as Java's signed byte.
type byteK func(*Op) *uint8

func (k byteK) put(e *encoder, o *Op) { e.u8(*k(o)) }
func (k byteK) get(d *decoder, o *Op) { *k(o) = d.u8() }
func (k byteK) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, int64(int8(*k(o))))
}
func (k byteK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = uint8(p.int(s, tag, 8))
}

// boolK is a BooleanWritable: one byte, non-zero is true.
type boolK func(*Op) *bool

func (k boolK) put(e *encoder, o *Op) { e.boolean(*k(o)) }
func (k boolK) get(d *decoder, o *Op) { *k(o) = d.boolean() }
func (k boolK) emit(x *xmlOut, tag string, o *Op) {
	x.leafBool(tag, *k(o))
}
func (k boolK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = p.bool(s, tag)
}

// strK is a string in Hadoop's UTF8 form (FSImageSerialization.writeString).
type strK func(*Op) *string

func (k strK) put(e *encoder, o *Op) { e.utf8(*k(o)) }
func (k strK) get(d *decoder, o *Op) { *k(o) = d.utf8() }
func (k strK) emit(x *xmlOut, tag string, o *Op) {
	x.leaf(tag, *k(o))
}
func (k strK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = p.str(s, tag)
}

// optStrK is a string where "" means "not set": the XML element is only
// written for a non-empty value (OP_SET_OWNER's user and group).
type optStrK func(*Op) *string

func (k optStrK) put(e *encoder, o *Op) { e.utf8(*k(o)) }
func (k optStrK) get(d *decoder, o *Op) { *k(o) = d.utf8() }
func (k optStrK) emit(x *xmlOut, tag string, o *Op) {
	if v := *k(o); v != "" {
		x.leaf(tag, v)
	}
}
func (k optStrK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o), _ = p.optStr(s, tag)
}

// modeK is an FsPermission: a short holding the 01777 bits. Reading masks
// away the other bits, as FsPermission.fromShort does.
type modeK func(*Op) *uint16

func (k modeK) put(e *encoder, o *Op) { e.i16(int16(*k(o) & 0o1777)) }
func (k modeK) get(d *decoder, o *Op) { *k(o) = uint16(d.i16()) & 0o1777 }
func (k modeK) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, int64(*k(o)&0o1777))
}
func (k modeK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	*k(o) = uint16(p.int(s, tag, 16)) & 0o1777
}

// storageTypeK is a StorageType ordinal stored as an int.
type storageTypeK func(*Op) *StorageType

func (k storageTypeK) put(e *encoder, o *Op) { e.i32(int32(*k(o))) }
func (k storageTypeK) get(d *decoder, o *Op) {
	t := StorageType(d.i32())
	if t < 0 || t >= numStorageTypes {
		d.fail("storage type %d outside 0..%d", t, numStorageTypes-1)
	}
	*k(o) = t
}
func (k storageTypeK) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, int64(*k(o)))
}
func (k storageTypeK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	t := StorageType(p.int(s, tag, 32))
	if t < 0 || t >= numStorageTypes {
		p.fail("%s: storage type %d outside 0..%d", tag, t, numStorageTypes-1)
	}
	*k(o) = t
}

// lengthK is the element count older layouts wrote before an op's fields.
// Hadoop checks it; lengthK returns the counts an op allows at a layout
// version.
type lengthK func(lv int32) (lo, hi int32)

func (k lengthK) put(e *encoder, o *Op) { e.i32(o.Length) }
func (k lengthK) get(d *decoder, o *Op) {
	o.Length = d.i32()
	if lo, hi := k(d.lv); d.err == nil && (o.Length < lo || o.Length > hi) {
		d.fail("%v: element count %d, want %d..%d", o.Code, o.Length, lo, hi)
	}
}
func (k lengthK) emit(x *xmlOut, tag string, o *Op) {
	x.leafInt(tag, int64(o.Length))
}
func (k lengthK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	o.Length = int32(p.int(s, tag, 32))
}

func fixedCount(n int32) lengthK { return func(int32) (int32, int32) { return n, n } }

func atLeastCount(n int32) lengthK {
	return func(int32) (int32, int32) { return n, math.MaxInt32 }
}

// countWithAtime is the element count of ops that gained an access time
// with FILE_ACCESS_TIME (-17).
func countWithAtime(base int32) lengthK {
	return func(lv int32) (int32, int32) {
		if Supports(FeatureFileAccessTime, lv) {
			return base + 1, base + 1
		}
		return base, base
	}
}

// mkdirATimeK is the access time OP_MKDIR stores after its timestamp.
// Hadoop writes the timestamp again there and ignores the value on reading;
// Hadoop 1 wrote 0. The XML leaves it out, so reading XML copies the
// timestamp, which is what Hadoop then writes.
type mkdirATimeK struct{}

func (mkdirATimeK) put(e *encoder, o *Op)                          { e.oldLong(o.ATime) }
func (mkdirATimeK) get(d *decoder, o *Op)                          { o.ATime = d.oldLong() }
func (mkdirATimeK) emit(*xmlOut, string, *Op)                      {}
func (mkdirATimeK) parse(_ *xmlParser, _ *stanza, _ string, o *Op) { o.ATime = o.Timestamp }

// Helpers to keep the op table short.

func i64(tag string, acc func(*Op) *int64) field    { return both(tag, i64K(acc)) }
func oldI64(tag string, acc func(*Op) *int64) field { return both(tag, oldI64K(acc)) }
func i32(tag string, acc func(*Op) *int32) field    { return both(tag, i32K(acc)) }
func oldI16(tag string, acc func(*Op) *int16) field { return both(tag, oldI16K(acc)) }
func u8(tag string, acc func(*Op) *uint8) field     { return both(tag, byteK(acc)) }
func boolean(tag string, acc func(*Op) *bool) field { return both(tag, boolK(acc)) }
func str(tag string, acc func(*Op) *string) field   { return both(tag, strK(acc)) }
func optStr(tag string, acc func(*Op) *string) field {
	return both(tag, optStrK(acc)).optional()
}

// length is the legacy element count, present only before
// EDITLOG_OP_OPTIMIZATION but always shown in XML as <LENGTH>.
func length(want lengthK) field {
	return both("LENGTH", want).until(FeatureEditlogOpOptimization)
}

package fsimage

import (
	"errors"

	"google.golang.org/protobuf/encoding/protowire"
)

// Hand-written decoders for the two messages an image holds millions of:
// INodeSection.INode and INodeDirectorySection.DirEntry. They read the
// wire format straight from a message's bytes into structs the decoder
// reuses, and accept and refuse exactly what proto.Unmarshal does with the
// generated types (decode.go): a field with an unexpected wire type is an
// unknown field and is skipped, a message field seen twice is merged, an
// optional scalar seen twice keeps the last value, repeated scalars may be
// packed or not, missing required fields are errors, and the varint and
// tag rules are protowire's. fastdecode_test.go checks this against the
// generated path on every test image and on fuzzed bytes.

// Decode errors. The msgReader wraps them into corruption errors.
var (
	errWire     = errors.New("malformed protobuf wire data")
	errRequired = errors.New("a required field is not set")
)

// tag reads a field tag the way protobuf's decoder does: field numbers
// outside [1, 2^29-1] are errors.
func tag(b []byte) (protowire.Number, protowire.Type, int) {
	var v uint64
	var n int
	if len(b) > 0 && b[0] < 0x80 {
		v, n = uint64(b[0]), 1
	} else if v, n = protowire.ConsumeVarint(b); n < 0 {
		return 0, 0, -1
	}
	num := v >> 3
	if num < uint64(protowire.MinValidNumber) || num > uint64(protowire.MaxValidNumber) {
		return 0, 0, -1
	}
	return protowire.Number(num), protowire.Type(v & 7), n
}

// varint reads a varint with a one-byte fast path.
func varint(b []byte) (uint64, int) {
	if len(b) > 0 && b[0] < 0x80 {
		return uint64(b[0]), 1
	}
	return protowire.ConsumeVarint(b)
}

// skip consumes the value of an unknown field (or a known one with an
// unexpected wire type), groups included.
func skip(num protowire.Number, typ protowire.Type, b []byte) int {
	return protowire.ConsumeFieldValue(num, typ, b)
}

// wireReader walks the fields of one message.
type wireReader struct {
	b   []byte
	err error
}

// next returns the next field's number and wire type; false at the end of
// the message or on an error (in r.err). One-byte tags (fields 1 to 15)
// take the inlined path.
func (r *wireReader) next() (protowire.Number, protowire.Type, bool) {
	if b := r.b; len(b) > 0 && b[0]-8 < 0x80-8 {
		r.b = b[1:]
		return protowire.Number(b[0] >> 3), protowire.Type(b[0] & 7), true
	}
	return r.nextSlow()
}

func (r *wireReader) nextSlow() (protowire.Number, protowire.Type, bool) {
	if len(r.b) == 0 || r.err != nil {
		return 0, 0, false
	}
	num, typ, n := tag(r.b)
	if n < 0 {
		r.check(errWire)
		return 0, 0, false
	}
	r.b = r.b[n:]
	return num, typ, true
}

// check records err, ending the message.
func (r *wireReader) check(err error) {
	if err != nil {
		r.err, r.b = err, nil
	}
}

func (r *wireReader) fail(n int) bool {
	if n < 0 {
		r.check(errWire)
		return true
	}
	return false
}

func (r *wireReader) varint() uint64 {
	if b := r.b; len(b) > 0 && b[0] < 0x80 {
		r.b = b[1:]
		return uint64(b[0])
	}
	return r.varintSlow()
}

func (r *wireReader) varintSlow() uint64 {
	v, n := protowire.ConsumeVarint(r.b)
	if r.fail(n) {
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *wireReader) fixed32() uint32 {
	v, n := protowire.ConsumeFixed32(r.b)
	if r.fail(n) {
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *wireReader) fixed64() uint64 {
	v, n := protowire.ConsumeFixed64(r.b)
	if r.fail(n) {
		return 0
	}
	r.b = r.b[n:]
	return v
}

// bytes returns a length-delimited value, aliasing the message; nil only
// on an error (an empty value is a non-nil empty slice).
func (r *wireReader) bytes() []byte {
	if len(r.b) > 0 && r.b[0] < 0x80 && int(r.b[0]) < len(r.b) { // a one-byte length that fits
		n := int(r.b[0]) + 1
		v := r.b[1:n:n]
		r.b = r.b[n:]
		return v
	}
	return r.bytesSlow()
}

func (r *wireReader) bytesSlow() []byte {
	v, n := protowire.ConsumeBytes(r.b)
	if r.fail(n) {
		return nil
	}
	r.b = r.b[n:]
	if v == nil {
		return r.b[:0:0]
	}
	return v[:len(v):len(v)]
}

func (r *wireReader) skip(num protowire.Number, typ protowire.Type) {
	n := skip(num, typ, r.b)
	if !r.fail(n) {
		r.b = r.b[n:]
	}
}

// varints calls each for every varint of a packed (BytesType) or single
// (VarintType) repeated scalar field.
func (r *wireReader) varints(typ protowire.Type, each func(uint64)) {
	if typ == protowire.VarintType {
		if v := r.varint(); r.err == nil {
			each(v)
		}
		return
	}
	p := r.bytes()
	for len(p) > 0 && r.err == nil {
		v, n := varint(p)
		if r.fail(n) {
			return
		}
		p = p[n:]
		each(v)
	}
}

// dirEntryDecoder decodes INodeDirectorySection.DirEntry messages into
// one reused DirEntry.
type dirEntryDecoder struct {
	e    DirEntry
	kids []int64
	refs []int32
}

// decode decodes one DirEntry. The result and its slices are reused by
// the next call.
func (d *dirEntryDecoder) decode(b []byte) (*DirEntry, error) {
	d.kids, d.refs = d.kids[:0], d.refs[:0]
	d.e = DirEntry{}
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == 1 && typ == protowire.VarintType:
			d.e.Parent = int64(r.varint())
		case num == 2 && (typ == protowire.VarintType || typ == protowire.BytesType):
			r.varints(typ, func(v uint64) { d.kids = append(d.kids, int64(v)) })
		case num == 3 && (typ == protowire.VarintType || typ == protowire.BytesType):
			r.varints(typ, func(v uint64) { d.refs = append(d.refs, int32(uint32(v))) })
		default:
			r.skip(num, typ)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(d.kids) > 0 {
		d.e.Children = d.kids
	}
	if len(d.refs) > 0 {
		d.e.RefChildren = d.refs
	}
	return &d.e, nil
}

// clone returns a copy of e that shares nothing with the decoder.
func (e *DirEntry) clone() *DirEntry {
	c := &DirEntry{Parent: e.Parent}
	if len(e.Children) > 0 {
		c.Children = append([]int64(nil), e.Children...)
	}
	if len(e.RefChildren) > 0 {
		c.RefChildren = append([]int32(nil), e.RefChildren...)
	}
	return c
}

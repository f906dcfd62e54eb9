package fsimage

import (
	"bufio"
	"errors"
	"io"

	"google.golang.org/protobuf/proto"
)

// msgReader reads the varint-delimited messages of one section, the way
// protobuf's parseDelimitedFrom does: a clean end of the section ends the
// stream, anything cut short is corruption.
//
// Allocations are bounded by the data: in an uncompressed section a
// message may not claim more bytes than the section has left, and in a
// compressed one its buffer grows only as decompressed bytes arrive.
type msgReader struct {
	br      *bufio.Reader
	left    int64 // bytes left in an uncompressed section; -1 if compressed
	img     string
	section string
	buf     []byte
}

// chunk is how far a buffer may grow ahead of the bytes actually read.
const chunk = 1 << 20

// next reads one message into m; it returns io.EOF at the end of the
// section.
func (r *msgReader) next(m proto.Message) error {
	raw, err := r.nextRaw()
	if err != nil {
		return err
	}
	if err := proto.Unmarshal(raw, m); err != nil {
		return r.corrupt("%v", err)
	}
	return nil
}

// nextRaw returns the bytes of the next message, valid until the next call.
func (r *msgReader) nextRaw() ([]byte, error) {
	n, err := r.readSize()
	if err != nil {
		return nil, err
	}
	if r.left >= 0 {
		if int64(n) > r.left {
			return nil, r.corrupt("a %d-byte message runs past the end of the section (%d bytes left)", n, r.left)
		}
		r.left -= int64(n)
		if cap(r.buf) < n {
			r.buf = make([]byte, n)
		}
		r.buf = r.buf[:n]
		if _, err := io.ReadFull(r.br, r.buf); err != nil {
			return nil, r.readErr(err)
		}
		return r.buf, nil
	}
	r.buf = r.buf[:0]
	for len(r.buf) < n {
		step := min(n-len(r.buf), chunk)
		if cap(r.buf)-len(r.buf) < step {
			grown := make([]byte, len(r.buf), len(r.buf)+max(step, len(r.buf)))
			copy(grown, r.buf)
			r.buf = grown
		}
		got, err := io.ReadFull(r.br, r.buf[len(r.buf):len(r.buf)+step])
		r.buf = r.buf[:len(r.buf)+got]
		if err != nil {
			return nil, r.readErr(err)
		}
	}
	return r.buf, nil
}

// readSize reads the varint length prefix like CodedInputStream's
// readRawVarint32: the low 32 bits count, up to ten bytes are allowed, and
// a negative size is an error.
func (r *msgReader) readSize() (int, error) {
	var v uint64
	for i := 0; ; i++ {
		b, err := r.readByte()
		if err == io.EOF && i == 0 {
			return 0, io.EOF
		}
		if err != nil {
			return 0, r.readErr(err)
		}
		if i < 5 {
			v |= uint64(b&0x7f) << (7 * i)
		}
		if b < 0x80 {
			break
		}
		if i == 9 {
			return 0, r.corrupt("malformed varint")
		}
	}
	size := int32(uint32(v))
	if size < 0 {
		return 0, r.corrupt("negative message size %d", size)
	}
	return int(size), nil
}

func (r *msgReader) readByte() (byte, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	b, err := r.br.ReadByte()
	if err == nil && r.left > 0 {
		r.left--
	}
	return b, err
}

// readErr turns a short read into a corruption error.
func (r *msgReader) readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return r.corrupt("section ends in the middle of a message")
	}
	return r.corrupt("%v", err)
}

func (r *msgReader) corrupt(format string, args ...any) error {
	return corruptf(r.img, "section %s: "+format, append([]any{r.section}, args...)...)
}

// expect reads a message that must be there.
func (r *msgReader) expect(m proto.Message, what string) error {
	err := r.next(m)
	if err == io.EOF {
		return r.corrupt("section ends before %s", what)
	}
	return err
}

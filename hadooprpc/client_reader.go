package hadooprpc

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"
)

// readLoop reads response frames until the connection fails or closes.
func (cn *clientConn) readLoop() {
	defer cn.c.wg.Done()
	br := bufio.NewReaderSize(cn.nc, 64<<10)
	var big []byte
	for first := true; ; first = false {
		n, err := cn.readLength(br, first)
		if err != nil {
			cn.shutdown(err)
			return
		}
		var frame []byte
		if n <= br.Size() {
			frame, err = br.Peek(n)
		} else {
			if cap(big) < n {
				big = make([]byte, n)
			}
			frame = big[:n]
			_, err = io.ReadFull(br, frame)
		}
		if err != nil {
			cn.shutdown(cn.connErr("reading response from", unexpectedEOF(err)))
			return
		}
		cn.lastRead.Store(cn.now())
		if err := cn.dispatch(frame); err != nil {
			cn.shutdown(err)
			return
		}
		if n <= br.Size() {
			br.Discard(n)
		} else if cap(big) > clientMaxPooledBuf {
			big = nil
		}
	}
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readLength reads a frame's length and checks it (Client.IpcStreams.readResponse).
func (cn *clientConn) readLength(br *bufio.Reader, first bool) (int, error) {
	hdr, err := br.Peek(4) // not io.ReadFull: a local array would escape
	if err != nil {
		if err == io.EOF && len(hdr) == 0 {
			return 0, fmt.Errorf("%w: %s closed the connection: %w", ErrConnClosed, cn.key.addr, err)
		}
		return 0, cn.connErr("reading response from", unexpectedEOF(err))
	}
	br.Discard(4)
	n := int32(binary.BigEndian.Uint32(hdr))
	if first && n == -1 {
		if err := readPreV9Error(br); err != nil {
			return 0, err
		}
	}
	if n <= 0 || int64(n) > int64(cn.c.cfg.MaxDataLength) {
		return 0, fmt.Errorf("%w from %s: frame length %d (max %d)", ErrBadResponse, cn.key.addr, n, cn.c.cfg.MaxDataLength)
	}
	return int(n), nil
}

// dispatch hands one response to its call. An error closes the connection.
func (cn *clientConn) dispatch(frame []byte) error {
	h, rest, err := decodeRespHeader(frame)
	if err != nil {
		return fmt.Errorf("%w from %s: header: %v", ErrBadResponse, cn.key.addr, err)
	}
	if len(h.clientID) > 0 && !bytes.Equal(h.clientID, cn.c.clientID) {
		return fmt.Errorf("%w from %s: client id %x, want %x", ErrBadResponse, cn.key.addr, h.clientID, cn.c.clientID)
	}
	var msg []byte
	switch h.status {
	case rspFatal:
		return h.remoteError()
	case rspSuccess:
		msg, rest, err = NextDelimited(rest)
		if err != nil {
			return fmt.Errorf("%w from %s: call %d: %v", ErrBadResponse, cn.key.addr, h.callID, err)
		}
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w from %s: call %d: %d bytes after the message", ErrBadResponse, cn.key.addr, h.callID, len(rest))
	}
	cl, known := cn.claim(h.callID)
	if !known {
		return fmt.Errorf("%w from %s: unknown call id %d", ErrBadResponse, cn.key.addr, h.callID)
	}
	if cl == nil {
		return nil // abandoned by its caller
	}
	return cn.complete(cl, &h, msg)
}

func (cn *clientConn) complete(cl *clientCall, h *respHeader, msg []byte) error {
	if h.status == rspError {
		cl.done <- h.remoteError()
		return nil
	}
	var err error
	if cl.resp != nil {
		err = proto.Unmarshal(msg, cl.resp)
	}
	if err != nil {
		err = fmt.Errorf("%w from %s: call %d: decoding %s: %v", ErrBadResponse, cn.key.addr, h.callID,
			cl.resp.ProtoReflect().Descriptor().FullName(), err)
	}
	cl.done <- err
	return err
}

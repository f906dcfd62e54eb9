package hadooprpc

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Reasons a connection ends without a protocol fault.
var (
	errIdle     = errors.New("hadooprpc: connection idle")
	errDraining = errors.New("hadooprpc: server shutting down")
)

// closeError ends a connection after the server answered (or, where Hadoop
// does not answer, without an answer) some bad input. Its text is the one
// log line the server writes.
type closeError struct{ msg string }

func (e *closeError) Error() string { return e.msg }

func closeErrorf(format string, args ...any) error {
	return &closeError{msg: fmt.Sprintf("hadooprpc: "+format, args...)}
}

// conn is one client connection. Its reader goroutine (serve) owns the
// setup state and the read side; each call runs in a goroutine of its own
// (or on the reader, see InlineLoneCalls). Answers reach the socket
// through the writer goroutine, which batches those that queue up, or,
// when the writer is idle, straight from the call that made them, as
// Hadoop's handlers write their own response when none is queued.
type conn struct {
	srv    *Server
	nc     net.Conn
	br     *bufio.Reader
	remote net.Addr
	ctx    context.Context // cancelled when the connection closes
	cancel context.CancelFunc

	out        chan []byte   // frames for the writer; closed after the last sender is done
	wmu        sync.Mutex    // held by whoever writes to nc: the writer while it has bytes buffered, or a call answering directly
	writerDone chan struct{} // closed when the writer has exited
	slots      chan struct{} // per-connection in-flight bound
	calls      sync.WaitGroup
	inflight   atomic.Int32
	lastActive atomic.Int64 // unix nanoseconds of the last frame read or call finished
	draining   atomic.Bool
	aborted    atomic.Bool

	saslMu sync.Mutex // serializes Wrap/Unwrap on the SASL session
	wrap   atomic.Bool

	setup setupState // owned by the reader goroutine
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{
		srv:        s,
		nc:         nc,
		br:         bufio.NewReaderSize(nc, 64<<10),
		remote:     nc.RemoteAddr(),
		out:        make(chan []byte, s.cfg.MaxInFlightPerConn+8),
		writerDone: make(chan struct{}),
		slots:      make(chan struct{}, s.cfg.MaxInFlightPerConn),
	}
	c.ctx, c.cancel = context.WithCancel(s.base)
	c.lastActive.Store(time.Now().UnixNano())
	if s.cfg.IdleTimeout > 0 {
		// Set here, before Shutdown can see the connection, so that this
		// deadline never replaces the one drain sets.
		nc.SetReadDeadline(time.Now().Add(s.cfg.IdleTimeout))
	}
	return c
}

// serve runs the connection to its end and releases everything it holds.
func (c *conn) serve() {
	go c.writeLoop()
	err := c.readLoopSafely()
	if !errors.Is(err, errDraining) {
		c.cancel() // the client is gone or misbehaved: stop its calls
	}
	c.calls.Wait()
	close(c.out)
	<-c.writerDone
	var ce *closeError
	if errors.As(err, &ce) {
		c.srv.log.Warn("hadooprpc: closing connection after bad input", "remote", addrString(c.remote), "reason", ce.msg)
		c.linger()
	} else {
		c.srv.log.Debug("hadooprpc: connection closed", "remote", addrString(c.remote), "reason", err)
	}
	c.nc.Close()
	c.cancel()
}

// linger half-closes the connection and discards what the client still
// sends for a moment, so that the answer just written is not lost to a TCP
// reset caused by unread input.
func (c *conn) linger() {
	cw, ok := c.nc.(interface{ CloseWrite() error })
	if !ok || c.aborted.Load() {
		return
	}
	cw.CloseWrite()
	c.nc.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, io.LimitReader(c.nc, 1<<20))
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// drain stops the reader at the next frame boundary; calls in flight finish.
func (c *conn) drain() {
	c.draining.Store(true)
	c.nc.SetReadDeadline(time.Now())
}

// abort closes the connection at once and cancels its calls.
func (c *conn) abort() {
	c.aborted.Store(true)
	c.draining.Store(true)
	c.cancel()
	c.nc.Close()
}

// readLoopSafely runs readLoop, turning a panic (a bug, since no input
// should cause one) into the end of this connection only.
func (c *conn) readLoopSafely() (err error) {
	defer func() {
		if r := recover(); r != nil {
			c.srv.log.Error("hadooprpc: connection reader panicked", "remote", addrString(c.remote),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = closeErrorf("internal error: %v", r)
		}
	}()
	return c.readLoop()
}

func (c *conn) readLoop() error {
	if err := c.readPreamble(); err != nil {
		return err
	}
	var buf []byte
	for {
		if c.draining.Load() {
			return errDraining
		}
		frame, err := c.readFrame(buf)
		if err != nil {
			return err
		}
		c.lastActive.Store(time.Now().UnixNano())
		if err := c.processFrame(frame); err != nil {
			return err
		}
		if cap(frame) <= 1<<20 {
			buf = frame[:0] // requests are decoded into copies; keep the buffer
		} else {
			buf = nil
		}
	}
}

// readFrame reads a 4-byte length and that many bytes, checking the length
// as Server.checkDataLength does (Hadoop closes without an answer).
func (c *conn) readFrame(buf []byte) ([]byte, error) {
	var hdr [4]byte
	if err := c.readFull(hdr[:]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(hdr[:]))
	if n < 0 {
		return nil, closeErrorf("Unexpected data length %d!! from %s", n, hostOf(c.remote))
	}
	if int(n) > c.srv.cfg.MaxDataLength {
		return nil, closeErrorf("Requested data length %d is longer than maximum configured RPC length %d.  RPC came from %s",
			n, c.srv.cfg.MaxDataLength, hostOf(c.remote))
	}
	buf, err := c.readBody(buf[:0], int(n))
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return buf, err
}

// readBody appends n bytes to buf. Buffers past 1 MiB grow as the bytes
// arrive, so that a length alone does not make the server allocate it.
func (c *conn) readBody(buf []byte, n int) ([]byte, error) {
	const step = 1 << 20
	for len(buf) < n {
		k := min(n-len(buf), step)
		if cap(buf)-len(buf) < k {
			buf = slices.Grow(buf, k)
		}
		if err := c.readFull(buf[len(buf) : len(buf)+k]); err != nil {
			return nil, err
		}
		buf = buf[:len(buf)+k]
	}
	return buf, nil
}

func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	return addrString(a)
}

// readFull fills b. A read deadline that passes while the connection has
// calls in flight, or has been active lately, is moved on; otherwise the
// connection is idle (or draining) and readFull gives up.
func (c *conn) readFull(b []byte) error {
	for n := 0; n < len(b); {
		k, err := c.br.Read(b[n:])
		n += k
		if err == nil || n == len(b) {
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if werr := c.keepWaiting(); werr != nil {
				return werr
			}
			continue
		}
		if errors.Is(err, io.EOF) && n > 0 {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// keepWaiting decides what a passed read deadline means: nil to go on
// reading (with a new deadline), errDraining or errIdle to stop.
func (c *conn) keepWaiting() error {
	if c.draining.Load() {
		return errDraining
	}
	idle := c.srv.cfg.IdleTimeout
	now := time.Now()
	next := time.Time{}
	switch {
	case idle <= 0:
	case c.inflight.Load() > 0:
		next = now.Add(idle)
	default:
		last := time.Unix(0, c.lastActive.Load())
		if now.Sub(last) >= idle {
			return errIdle
		}
		next = last.Add(idle)
	}
	c.nc.SetReadDeadline(next)
	if c.draining.Load() { // Shutdown may have set its deadline just before ours
		return errDraining
	}
	return nil
}

// send hands a complete response frame to the writer, SASL-wrapping it when
// the connection negotiated integrity or privacy.
func (c *conn) send(frame []byte) {
	if c.wrap.Load() {
		frame = c.wrapFrame(frame)
		if frame == nil {
			return
		}
	}
	c.out <- frame
}

// sendAnswer sends a call's answer: written at once when the writer is idle
// and nothing waits in out, else handed to the writer. Answers of
// different calls may leave in any order (the client matches call ids);
// wrapped frames go through the writer, as SASL sequence numbers must
// leave in order.
func (c *conn) sendAnswer(frame []byte) {
	if c.wrap.Load() || !c.wmu.TryLock() {
		c.send(frame)
		return
	}
	if len(c.out) > 0 {
		c.wmu.Unlock()
		c.send(frame)
		return
	}
	_, err := c.nc.Write(frame)
	c.wmu.Unlock()
	if err != nil {
		c.cancel()
		c.nc.Close()
	}
}

// writeLoop owns the write side: it writes frames in order, batching those
// that queue up, and after a write error keeps draining out so that senders
// never block.
// nothingMoreToWrite reports whether the writer should flush now. When
// other calls are still running it yields once first, so that answers which
// finish together leave in one write instead of one syscall each.
func (c *conn) nothingMoreToWrite() bool {
	if len(c.out) > 0 {
		return false
	}
	// The call just written has not released its slot yet, so "others in
	// flight" means more than one.
	if c.inflight.Load() > 1 {
		runtime.Gosched()
	}
	return len(c.out) == 0
}

func (c *conn) writeLoop() {
	defer close(c.writerDone)
	bw := bufio.NewWriterSize(c.nc, 32<<10)
	var err error
	locked := false // wmu, held from the first buffered byte to the flush
	for b := range c.out {
		if err != nil {
			continue
		}
		if !locked {
			c.wmu.Lock()
			locked = true
		}
		if _, err = bw.Write(b); err == nil && c.nothingMoreToWrite() {
			err = bw.Flush()
			if err == nil {
				c.wmu.Unlock()
				locked = false
			}
		}
		if err != nil {
			c.cancel()
			c.nc.Close()
		}
	}
	if err == nil {
		bw.Flush()
	}
	if locked {
		c.wmu.Unlock()
	}
}

package xceiver

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hdfsd/hdfsd/datatransfer"
)

// bufSize is the size of the buffered reader and writer of a connection:
// one 64 KiB packet plus its header and checksums in one read.
const bufSize = 64<<10 + 1024

// tconn gives a connection Hadoop's socket timeouts: each read and each
// write must make progress within its timeout (Java's SO_TIMEOUT and
// SocketOutputStream's write timeout), not the whole exchange.
type tconn struct {
	net.Conn
	raw          syscall.RawConn // the socket's descriptor, when it has one (sendPacketFromFile)
	readTimeout  atomic.Int64    // nanoseconds; 0: none
	writeTimeout atomic.Int64
}

func newTconn(c net.Conn, read, write time.Duration) *tconn {
	t := &tconn{Conn: c}
	if sc, ok := c.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			t.raw = rc
		}
	}
	t.readTimeout.Store(int64(read))
	t.writeTimeout.Store(int64(write))
	return t
}

func (t *tconn) setReadTimeout(d time.Duration) { t.readTimeout.Store(int64(d)) }

func (t *tconn) Read(b []byte) (int, error) {
	if d := t.readTimeout.Load(); d > 0 {
		t.Conn.SetReadDeadline(time.Now().Add(time.Duration(d)))
	}
	return t.Conn.Read(b)
}

func (t *tconn) Write(b []byte) (int, error) {
	t.armWrite()
	return t.Conn.Write(b)
}

// armWrite starts the write timeout for the next write.
func (t *tconn) armWrite() {
	if d := t.writeTimeout.Load(); d > 0 {
		t.Conn.SetWriteDeadline(time.Now().Add(time.Duration(d)))
	}
}

// ReadFrom lets io.Copy from a file reach the TCP connection's ReadFrom,
// which uses sendfile(2) for an *os.File or an io.LimitedReader over one.
func (t *tconn) ReadFrom(r io.Reader) (int64, error) {
	t.armWrite()
	if rf, ok := t.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(t.Conn, r)
}

// xceiver serves one connection (DataXceiver): ops one after another
// until the peer goes away, an op closes the connection, or the keepalive
// timeout passes.
type xceiver struct {
	s       *Server
	conn    net.Conn
	tc      *tconn
	in      *bufio.Reader
	out     *bufio.Writer
	remote  string
	local   string
	writing atomic.Bool // in WRITE_BLOCK or REPLACE_BLOCK, for EvictWriters
	// receiving is the client write whose packets this connection is
	// receiving, for CloseForRestart.
	receiving atomic.Pointer[clientWrite]
}

func newXceiver(s *Server, c net.Conn) *xceiver {
	tc := newTconn(c, s.cfg.SocketTimeout, s.cfg.WriteTimeout)
	return &xceiver{
		s: s, conn: c, tc: tc,
		in:     bufio.NewReaderSize(tc, bufSize),
		out:    bufio.NewWriterSize(tc, bufSize),
		remote: c.RemoteAddr().String(), local: c.LocalAddr().String(),
	}
}

func (x *xceiver) run() {
	defer x.conn.Close()
	defer func() {
		if r := recover(); r != nil {
			x.s.log.Error("xceiver: panic serving connection", "peer", x.remote, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	for ops := 0; ; ops++ {
		if ops == 0 {
			x.tc.setReadTimeout(x.s.cfg.SocketTimeout)
		} else {
			x.tc.setReadTimeout(x.s.cfg.KeepaliveTimeout)
		}
		op, err := datatransfer.ReadOpHeader(x.in)
		if err != nil {
			if err == io.EOF || isTimeout(err) || errors.Is(err, net.ErrClosed) {
				x.s.log.Debug("xceiver: closing idle connection", "peer", x.remote, "ops", ops)
			} else {
				x.s.log.Warn("xceiver: error reading op", "peer", x.remote, "local", x.local, "err", err)
			}
			return
		}
		x.tc.setReadTimeout(x.s.cfg.SocketTimeout)
		msg, err := datatransfer.ReadRequestBody(x.in, op)
		if err != nil {
			x.s.log.Warn("xceiver: error processing op", "op", op.String(), "peer", x.remote, "local", x.local, "err", err)
			return
		}
		keep, err := x.process(op, msg)
		if err != nil {
			x.logOpError(op, err)
			return
		}
		if !keep || x.s.ctx.Err() != nil {
			return
		}
	}
}

// logOpError logs the failure of an op at the level Hadoop's DataXceiver
// uses: quietly for the peer going away, loudly for the rest.
func (x *xceiver) logOpError(op datatransfer.Op, err error) {
	attrs := []any{"op", op.String(), "peer", x.remote, "local", x.local, "err", err}
	var quiet *quietError
	switch {
	case errors.As(err, &quiet):
		x.s.log.Debug("xceiver: op failed", attrs...)
	case x.s.ctx.Err() != nil, isPeerGone(err):
		x.s.log.Debug("xceiver: peer went away", attrs...)
	case op == datatransfer.OpReadBlock && isTimeout(err):
		x.s.log.Info("xceiver: likely the client has stopped reading, disconnecting it", attrs...)
	case errors.Is(err, errReplicaExists), isExpected(err):
		x.s.log.Info("xceiver: op failed", attrs...)
	default:
		x.s.log.Error("xceiver: error processing op", attrs...)
	}
}

// process runs one op and reports whether the connection may carry
// another. Only a completed READ_BLOCK keeps it open, as in Hadoop, where
// every other op closes its output stream.
func (x *xceiver) process(op datatransfer.Op, msg any) (keep bool, err error) {
	switch op {
	case datatransfer.OpReadBlock:
		return x.readBlock(msg.(*readBlockReq))
	case datatransfer.OpWriteBlock:
		return false, x.writeBlock(msg.(*writeBlockReq))
	case datatransfer.OpBlockChecksum:
		return false, x.blockChecksum(msg.(*blockChecksumReq))
	case datatransfer.OpCopyBlock:
		return false, x.copyBlock(msg.(*copyBlockReq))
	case datatransfer.OpReplaceBlock:
		return false, x.replaceBlock(msg.(*replaceBlockReq))
	case datatransfer.OpTransferBlock:
		return false, x.transferBlock(msg.(*transferBlockReq))
	default:
		return false, &opUnsupportedError{op}
	}
}

// flushResponse writes a varint-delimited response and flushes it.
func (x *xceiver) sendResponse(m *blockOpResponse) error {
	if err := datatransfer.WriteBlockOpResponse(x.out, m); err != nil {
		return err
	}
	return x.out.Flush()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)
}

// isPeerGone reports the errors of a peer that closed its end.
func isPeerGone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

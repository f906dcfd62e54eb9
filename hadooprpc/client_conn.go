package hadooprpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"
)

// A clientConn is one connection of a Client. Its goroutines:
//
//   - run connects (with retries), then becomes the single writer: it
//     flushes the frames callers queued, batching whatever queued up during
//     the previous write into one Write, and on its timer sends pings or
//     closes the connection when idle;
//   - readLoop is the single reader: it matches responses to calls by id.
//
// Callers register a call under mu, queue its frame under w, and wait on
// the call's done channel. Exactly one party takes a call out of the table
// (reader, shutdown, or the caller abandoning it) and only that party
// touches it afterwards.
type clientConn struct {
	c     *Client
	key   connKey
	epoch time.Time // base of the int64 nanosecond clocks below

	ready    chan struct{} // closed when setup ends
	setupErr error         // set before ready is closed
	done     chan struct{} // closed by shutdown
	ctx      context.Context
	cancel   context.CancelFunc
	wake     chan struct{} // cap 1: frames are queued
	nc       net.Conn      // set before ready is closed, when setup succeeded

	lastRead atomic.Int64 // when the reader last got a frame

	mu struct {
		sync.Mutex
		closed bool
		calls  map[int32]*clientCall
		live   int   // calls in the table a caller still waits for
		since  int64 // when live last became 0 or left 0
	}
	w struct {
		sync.Mutex
		closed bool
		buf    []byte // queued frames
	}
}

// clientCall is a call slot, pooled with its frame buffer.
type clientCall struct {
	frame []byte
	resp  proto.Message
	done  chan error // cap 1; receives the outcome exactly once
}

// abandonedCall marks a table entry whose caller gave up: its late
// response is dropped, while a response to an id never issued closes the
// connection.
var abandonedCall = &clientCall{}

// errRetryConn tells Invoke the connection closed before its call was
// registered, so it may safely use a new one.
var errRetryConn = errors.New("hadooprpc: connection closed before send")

const clientMaxPooledBuf = 1 << 20

func newClientConn(c *Client, key connKey) *clientConn {
	cn := &clientConn{c: c, key: key, epoch: time.Now(),
		ready: make(chan struct{}), done: make(chan struct{}), wake: make(chan struct{}, 1)}
	cn.ctx, cn.cancel = context.WithCancel(c.ctx)
	cn.mu.calls = make(map[int32]*clientCall)
	return cn
}

func (cn *clientConn) now() int64 { return int64(time.Since(cn.epoch)) }

func (cn *clientConn) isClosed() bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.mu.closed
}

// run sets the connection up, starts the reader and runs the writer.
func (cn *clientConn) run() {
	defer cn.c.wg.Done()
	nc, err := cn.setup()
	if err == nil {
		cn.mu.Lock()
		if cn.mu.closed {
			err = ErrConnClosed
		} else {
			cn.nc = nc
		}
		cn.mu.Unlock()
	}
	if err != nil {
		if nc != nil {
			nc.Close()
		}
		if cn.c.ctx.Err() != nil {
			err = ErrClientClosed
		}
		cn.setupErr = err
		close(cn.ready)
		cn.shutdown(err)
		cn.c.wg.Done() // the reader never starts
		return
	}
	close(cn.ready)
	go cn.readLoop()
	cn.writeLoop()
}

// setup dials (retrying) and queues the preamble and connection context,
// after running the ClientAuth exchange if one is configured.
func (cn *clientConn) setup() (net.Conn, error) {
	nc, err := cn.dial()
	if err != nil {
		return nil, err
	}
	cfg := &cn.c.cfg
	method := AuthMethodSimple
	var head []byte
	if cfg.Auth == nil {
		head = AppendPreamble(head, Preamble{Version: Version, AuthProtocol: AuthNone})
	} else {
		nc, method, err = cn.authenticate(nc)
		if err != nil {
			return nc, err
		}
	}
	ctxMsg := clientConnContext(cn.key.protocol, cn.key.user, cn.key.realUser, method)
	head, err = appendHeaderFrame(head, CallIDConnectionContext, cn.c.clientID, ctxMsg)
	if err != nil {
		return nc, err
	}
	// Sent with the first call, as Hadoop does, in one write.
	cn.enqueue(head)
	return nc, nil
}

func (cn *clientConn) authenticate(nc net.Conn) (net.Conn, string, error) {
	auth := cn.c.cfg.Auth
	pre := AppendPreamble(nil, Preamble{Version: Version, AuthProtocol: auth.AuthProtocol()})
	if _, err := nc.Write(pre); err != nil {
		return nc, "", fmt.Errorf("hadooprpc: writing preamble to %s: %w", cn.key.addr, err)
	}
	res, err := auth.Authenticate(cn.ctx, nc, ClientAuthInfo{Addr: cn.key.addr, Protocol: cn.key.protocol,
		User: cn.key.user, RealUser: cn.key.realUser, ClientID: cn.c.clientID})
	if err != nil {
		return nc, "", err
	}
	if res.Conn != nil {
		nc = res.Conn
	}
	return nc, res.Method, nil
}

// dial connects, retrying up to key.connectRetries times with a fixed
// sleep, like Hadoop's default RetryUpToMaximumCountWithFixedSleep.
func (cn *clientConn) dial() (net.Conn, error) {
	cfg := &cn.c.cfg
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(cn.ctx, cfg.ConnectTimeout)
		nc, err := cfg.Dial(ctx, "tcp", cn.key.addr)
		cancel()
		if err == nil {
			return nc, nil
		}
		if attempt >= cn.key.connectRetries || cn.ctx.Err() != nil {
			return nil, &ConnectError{Addr: cn.key.addr, Err: err}
		}
		cfg.Logger.Info("hadooprpc: retrying connect", "addr", cn.key.addr, "tried", attempt+1,
			"maxRetries", cn.key.connectRetries, "err", err)
		t := time.NewTimer(cfg.ConnectRetryInterval)
		select {
		case <-t.C:
		case <-cn.ctx.Done():
			t.Stop()
			return nil, &ConnectError{Addr: cn.key.addr, Err: err}
		}
	}
}

// send registers the call and queues its frame.
func (cn *clientConn) send(id int32, cl *clientCall) error {
	cn.mu.Lock()
	if cn.mu.closed {
		cn.mu.Unlock()
		return errRetryConn
	}
	if old := cn.mu.calls[id]; old != nil && old != abandonedCall {
		cn.mu.Unlock()
		return fmt.Errorf("hadooprpc: call id %d already in flight to %s", id, cn.key.addr)
	}
	cn.mu.calls[id] = cl
	if cn.mu.live == 0 {
		cn.mu.since = cn.now()
	}
	cn.mu.live++
	cn.mu.Unlock()
	cn.enqueue(cl.frame)
	return nil
}

// enqueue appends a frame to the write queue and wakes the writer. Frames
// queued after a shutdown are dropped; their calls were failed by it.
func (cn *clientConn) enqueue(frame []byte) {
	cn.w.Lock()
	if cn.w.closed {
		cn.w.Unlock()
		return
	}
	wasEmpty := len(cn.w.buf) == 0
	cn.w.buf = append(cn.w.buf, frame...)
	cn.w.Unlock()
	if wasEmpty {
		select {
		case cn.wake <- struct{}{}:
		default:
		}
	}
}

// wait blocks until the call completes or ctx ends. On ctx's end the slot
// is marked abandonedCall unless a response or shutdown already claimed it, in
// which case its outcome is imminent and is returned.
func (cn *clientConn) wait(ctx context.Context, id int32, cl *clientCall) error {
	select {
	case err := <-cl.done:
		return err
	case <-ctx.Done():
	}
	cn.mu.Lock()
	if cn.mu.calls[id] == cl {
		cn.mu.calls[id] = abandonedCall
		cn.dropLiveLocked()
		cn.mu.Unlock()
		return ctx.Err()
	}
	cn.mu.Unlock()
	return <-cl.done
}

func (cn *clientConn) dropLiveLocked() {
	cn.mu.live--
	if cn.mu.live == 0 {
		cn.mu.since = cn.now()
	}
}

// claim takes call id out of the table. known is false for an id that was
// never issued (or already answered).
func (cn *clientConn) claim(id int32) (cl *clientCall, known bool) {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	cl = cn.mu.calls[id]
	if cl == nil {
		return nil, false
	}
	delete(cn.mu.calls, id)
	if cl == abandonedCall {
		return nil, true
	}
	cn.dropLiveLocked()
	return cl, true
}

// shutdown closes the connection once, failing every waiting call with err.
func (cn *clientConn) shutdown(err error) {
	cn.mu.Lock()
	calls := cn.closeLocked()
	cn.mu.Unlock()
	if calls != nil {
		cn.finish(calls, err)
	}
}

// closeLocked marks the connection closed and returns its call table, or
// nil if it was already closed.
func (cn *clientConn) closeLocked() map[int32]*clientCall {
	if cn.mu.closed {
		return nil
	}
	cn.mu.closed = true
	calls := cn.mu.calls
	cn.mu.calls = nil
	cn.mu.live = 0
	return calls
}

func (cn *clientConn) finish(calls map[int32]*clientCall, err error) {
	cn.c.forget(cn)
	cn.cancel()
	cn.w.Lock()
	cn.w.closed = true
	cn.w.buf = nil
	cn.w.Unlock()
	close(cn.done)
	if cn.nc != nil {
		cn.nc.Close()
	}
	for _, cl := range calls {
		if cl != abandonedCall {
			cl.done <- err
		}
	}
	if err != nil && !errors.Is(err, ErrClientClosed) && !errors.Is(err, errConnIdle) {
		cn.c.cfg.Logger.Debug("hadooprpc: connection closed", "addr", cn.key.addr, "err", err)
	}
}

// connErr wraps a read or write failure for the calls it fails.
func (cn *clientConn) connErr(op string, err error) error {
	if errors.Is(err, net.ErrClosed) && cn.isClosed() {
		return ErrConnClosed
	}
	return fmt.Errorf("hadooprpc: %s %s: %w", op, cn.key.addr, err)
}

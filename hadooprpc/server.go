package hadooprpc

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/protos/commonpb"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("hadooprpc: server closed")

// Defaults of ServerConfig.
const (
	// DefaultIdleTimeout is what Hadoop's server uses:
	// 2 × ipc.client.connection.maxidletime (10 s).
	DefaultIdleTimeout = 20 * time.Second
	// DefaultMaxInFlight bounds the calls being handled at once over the
	// whole server; it stands for Hadoop's call queue (handler count 10 ×
	// ipc.server.handler.queue.size 100). A connection whose call finds the
	// bound reached stops being read until a call finishes, as a Hadoop
	// reader blocks on a full call queue.
	DefaultMaxInFlight = 1000
	// DefaultMaxInFlightPerConn bounds the calls in flight on one connection.
	DefaultMaxInFlightPerConn = 256
)

// ServerConfig configures a Server. The zero value is a SIMPLE-auth server
// with Hadoop's defaults.
type ServerConfig struct {
	MaxDataLength  int           // ipc.maximum.data.length; 0 means DefaultMaxDataLength
	MaxConnections int           // ipc.server.max.connections; 0 = unlimited
	IdleTimeout    time.Duration // a connection with no call in flight for this long is closed; 0 means DefaultIdleTimeout, < 0 never
	Logger         *slog.Logger  // nil means slog.Default()

	// SASL lists the authentication methods besides SIMPLE; nil means a
	// SIMPLE-only server (hadoop.security.authentication=simple).
	SASL *SASLConfig

	// MaxInFlight and MaxInFlightPerConn bound concurrent calls; 0 means the
	// defaults above.
	MaxInFlight        int
	MaxInFlightPerConn int

	// InlineLoneCalls runs a call on its connection's reader goroutine
	// when no other call of that connection is in flight, sparing a
	// goroutine start and handoff per call. It suits protocols whose
	// clients wait for each answer before the next call (a QJM writer's
	// channel to a JournalNode); the reader reads the connection's next
	// frame only once such a call ends, so a client that multiplexes
	// slow calls on one connection would wait behind one.
	InlineLoneCalls bool

	// Authorize, when set, vets each connection once its connection
	// context is read (Hadoop's authorizeConnection: proxy users and
	// service-level authorization). Caller carries User, RealUser, Remote
	// and Protocol. An error closes the connection with a FATAL_UNAUTHORIZED
	// answer whose class is ClassOf(err).
	Authorize func(Caller) error
}

func (c ServerConfig) withDefaults() ServerConfig {
	if c.MaxDataLength <= 0 {
		c.MaxDataLength = DefaultMaxDataLength
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.MaxInFlightPerConn <= 0 {
		c.MaxInFlightPerConn = DefaultMaxInFlightPerConn
	}
	return c
}

// Server serves Hadoop RPC (IPC version 9, protobuf engine) on any number
// of listeners.
type Server struct {
	cfg      ServerConfig
	log      *slog.Logger
	reg      *registry
	slots    chan struct{} // server-wide in-flight bound
	sasl     *saslPolicy
	base     context.Context // parent of every connection's context
	stopBase context.CancelFunc

	mu struct {
		sync.Mutex
		listeners map[net.Listener]struct{}
		conns     map[*conn]struct{}
		draining  bool // Shutdown or Close was called
		closed    bool // Close was called, or Shutdown gave up
	}
	connWG sync.WaitGroup // one per connection goroutine
}

// NewServer returns a server with ProtocolMetaInfoPB registered.
func NewServer(cfg ServerConfig) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		reg:   newRegistry(),
		slots: make(chan struct{}, cfg.MaxInFlight),
		sasl:  newSASLPolicy(cfg.SASL),
	}
	s.base, s.stopBase = context.WithCancel(context.Background())
	s.mu.listeners = map[net.Listener]struct{}{}
	s.mu.conns = map[*conn]struct{}{}
	s.Register(metaInfoProtocol(s.reg))
	return s
}

// Register adds a protocol. Call it before Serve; a second registration of
// the same name and version replaces the first.
func (s *Server) Register(p Protocol) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reg.add(p)
}

// Serve accepts connections on l until Shutdown or Close, and returns
// ErrServerClosed then. It closes l when it returns.
func (s *Server) Serve(l net.Listener) error {
	if !s.trackListener(l) {
		l.Close()
		return ErrServerClosed
	}
	defer s.untrackListener(l)
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.isDraining() {
				return ErrServerClosed
			}
			var te interface{ Temporary() bool }
			if errors.As(err, &te) && te.Temporary() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff) // as net/http does: ride out EMFILE and friends
				continue
			}
			return err
		}
		backoff = 0
		s.accept(nc)
	}
}

func (s *Server) trackListener(l net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.draining {
		return false
	}
	s.mu.listeners[l] = struct{}{}
	return true
}

func (s *Server) untrackListener(l net.Listener) {
	s.mu.Lock()
	delete(s.mu.listeners, l)
	s.mu.Unlock()
	l.Close()
}

func (s *Server) isDraining() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.draining
}

// accept starts serving nc, or closes it when the server is at
// MaxConnections or shutting down (Hadoop's ConnectionManager.register
// returns no connection and the listener closes the channel unanswered).
func (s *Server) accept(nc net.Conn) {
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		tc.SetKeepAlive(true)
	}
	s.mu.Lock()
	if s.mu.draining {
		s.mu.Unlock()
		nc.Close()
		return
	}
	if n := len(s.mu.conns); s.cfg.MaxConnections > 0 && n >= s.cfg.MaxConnections {
		s.mu.Unlock()
		s.log.Warn("hadooprpc: connection dropped, server at ipc.server.max.connections",
			"remote", nc.RemoteAddr().String(), "connections", n)
		nc.Close()
		return
	}
	c := newConn(s, nc)
	s.mu.conns[c] = struct{}{}
	s.connWG.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.connWG.Done()
		c.serve()
		s.mu.Lock()
		delete(s.mu.conns, c)
		s.mu.Unlock()
	}()
}

// Shutdown stops accepting, stops reading new calls, lets the calls in
// flight finish and be answered, then closes every connection. If ctx ends
// first it closes everything as Close does and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginDrain(false)
	done := make(chan struct{})
	go func() {
		s.connWG.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.stopBase()
		return nil
	case <-ctx.Done():
		s.Close()
		<-done
		return ctx.Err()
	}
}

// Close closes the listeners and every connection at once, cancels the
// contexts of calls in flight, and waits for the goroutines it started.
func (s *Server) Close() error {
	s.beginDrain(true)
	s.stopBase()
	s.connWG.Wait()
	return nil
}

func (s *Server) beginDrain(hard bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.draining = true
	s.mu.closed = s.mu.closed || hard
	for l := range s.mu.listeners {
		l.Close()
	}
	for c := range s.mu.conns {
		if hard {
			c.abort()
		} else {
			c.drain()
		}
	}
}

// dispatchError is the answer for a call whose handler failed: Hadoop sends
// ERROR with ERROR_APPLICATION and the exception's class and message.
func dispatchError(err error) *rpcError {
	var re *rpcError
	if errors.As(err, &re) {
		return re
	}
	return &rpcError{
		status: statusError, code: commonpb.RpcResponseHeaderProto_ERROR_APPLICATION,
		class: ClassOf(err), msg: errMessage(err),
	}
}

package hadooprpc

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/user"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"
)

// Client defaults, as Hadoop's core-default.xml sets them.
const (
	DefaultClientConnectTimeout       = 20 * time.Second // ipc.client.connect.timeout
	DefaultClientPingInterval         = time.Minute      // ipc.ping.interval
	DefaultClientIdleTimeout          = 10 * time.Second // ipc.client.connection.maxidletime
	DefaultClientConnectRetries       = 10               // ipc.client.connect.max.retries
	DefaultClientConnectRetryInterval = time.Second      // ipc.client.connect.retry.interval
)

// ClientConfig configures a Client. Zero fields take Hadoop's defaults.
type ClientConfig struct {
	// User is the effective user sent in the connection context. Empty means
	// what Hadoop's UGI picks under simple auth: $HADOOP_USER_NAME, else the
	// OS user running the process.
	User string
	// RealUser is the real (proxy) user when User is impersonated.
	RealUser string
	// ClientID is sent in every request header; 16 bytes. Nil means a random
	// (version 4) UUID, as Hadoop's ClientId.getClientId.
	ClientID []byte
	// ConnectTimeout bounds one TCP connect attempt.
	ConnectTimeout time.Duration
	// PingInterval is how long a connection with calls in flight may read
	// nothing before the client sends a ping. Negative disables pings.
	PingInterval time.Duration
	// IdleTimeout closes a connection that has had no calls in flight for
	// this long. Negative keeps idle connections open.
	IdleTimeout time.Duration
	// ConnectRetries is how many times a failed connect is retried, sleeping
	// ConnectRetryInterval in between. Negative means no retries.
	ConnectRetries       int
	ConnectRetryInterval time.Duration
	// MaxDataLength bounds the length of a response frame
	// (ipc.maximum.response.length; default 128 MiB).
	MaxDataLength int
	// Dial opens connections; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Auth, when set, authenticates each new connection (SASL) between the
	// preamble and the connection context. Nil means SIMPLE without SASL,
	// as Hadoop's client does when security is off.
	Auth   ClientAuth
	Logger *slog.Logger
}

func (cfg ClientConfig) withDefaults() ClientConfig {
	if cfg.User == "" {
		cfg.User = defaultClientUser()
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultClientConnectTimeout
	}
	cfg.PingInterval = durationOrDefault(cfg.PingInterval, DefaultClientPingInterval)
	cfg.IdleTimeout = durationOrDefault(cfg.IdleTimeout, DefaultClientIdleTimeout)
	switch {
	case cfg.ConnectRetries == 0:
		cfg.ConnectRetries = DefaultClientConnectRetries
	case cfg.ConnectRetries < 0:
		cfg.ConnectRetries = 0
	}
	if cfg.ConnectRetryInterval <= 0 {
		cfg.ConnectRetryInterval = DefaultClientConnectRetryInterval
	}
	if cfg.MaxDataLength <= 0 {
		cfg.MaxDataLength = DefaultMaxDataLength
	}
	if cfg.Dial == nil {
		var d net.Dialer
		cfg.Dial = d.DialContext
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}

// durationOrDefault maps 0 to def and any negative value to 0 (disabled).
func durationOrDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

func defaultClientUser() string {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// newClientID returns 16 random bytes shaped as a version 4 UUID.
func newClientID() []byte {
	id := make([]byte, 16)
	rand.Read(id)
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

// Errors of the client. Connection failures wrap the underlying net error.
var (
	ErrClientClosed = errors.New("hadooprpc: client is closed")
	ErrConnClosed   = errors.New("hadooprpc: connection closed")
	ErrBadResponse  = errors.New("hadooprpc: bad response")
)

// ConnectError reports that no connection could be opened to Addr: the
// cases (refused, no route, unknown host, connect timeout) where Hadoop's
// failover policy fails over regardless of the method's idempotence,
// because the request never left the client.
type ConnectError struct {
	Addr string
	Err  error
}

func (e *ConnectError) Error() string {
	return "hadooprpc: connecting to " + e.Addr + ": " + e.Err.Error()
}

func (e *ConnectError) Unwrap() error { return e.Err }

// Client calls Hadoop RPC servers. It keeps one connection per (address,
// protocol, user), shared by concurrent callers, as Hadoop's ipc.Client
// does per ConnectionId. It is safe for concurrent use.
type Client struct {
	cfg      ClientConfig
	clientID []byte
	nextID   atomic.Uint32
	ctx      context.Context // cancelled by Close; bounds connects
	cancel   context.CancelFunc
	wg       sync.WaitGroup // connection goroutines
	calls    sync.Pool      // *clientCall; per client, so channels stay in one synctest bubble
	mu       struct {
		sync.Mutex
		closed bool
		conns  map[connKey]*clientConn
	}
}

// connKey identifies a connection, like Hadoop's Client.ConnectionId
// (which also includes the connect retry policy).
type connKey struct {
	addr, protocol string
	user, realUser string
	connectRetries int
}

// NewClient returns a Client; it opens connections on first use.
func NewClient(cfg ClientConfig) *Client {
	c := &Client{cfg: cfg.withDefaults()}
	c.clientID = cfg.ClientID
	if c.clientID == nil {
		c.clientID = newClientID()
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.mu.conns = make(map[connKey]*clientConn)
	return c
}

// ClientID returns the id sent in every request header.
func (c *Client) ClientID() []byte { return c.clientID }

// NextCallID returns a fresh call id: a per-client counter with the sign bit
// masked off, so it wraps from 2^31-1 to 0 and never takes the negative
// ids that Hadoop reserves (Client.nextCallId).
func (c *Client) NextCallID() int32 {
	return int32((c.nextID.Add(1) - 1) & 0x7fffffff)
}

// CallOptions are the per-attempt values a retrying caller controls.
type CallOptions struct {
	// CallID and RetryCount go into the request header. Every attempt of
	// one logical call carries the same CallID and RetryCount 0, 1, 2, ...:
	// the NameNode's retry cache keys on (clientId, callId).
	CallID     int32
	RetryCount int32
	// ConnectRetries overrides ClientConfig.ConnectRetries for a connection
	// this call opens (dfs.client.failover.connection.retries for HA
	// proxies). Negative means the client's setting.
	ConnectRetries int
}

// Call invokes method of protocol (the Java interface name, e.g.
// "org.apache.hadoop.hdfs.protocol.ClientProtocol") at addr, with a fresh
// call id and retry count 0. A server exception comes back as *RemoteError.
// If ctx ends first, Call returns ctx.Err() and a late response is dropped.
func (c *Client) Call(ctx context.Context, addr, protocol, method string, req, resp proto.Message) error {
	opts := CallOptions{CallID: c.NextCallID(), ConnectRetries: -1}
	return c.Invoke(ctx, addr, protocol, method, opts, req, resp)
}

// Invoke is Call with an explicit call id and retry count.
func (c *Client) Invoke(ctx context.Context, addr, protocol, method string, opts CallOptions, req, resp proto.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	key := connKey{addr: addr, protocol: protocol, user: c.cfg.User, realUser: c.cfg.RealUser,
		connectRetries: c.cfg.ConnectRetries}
	if opts.ConnectRetries >= 0 {
		key.connectRetries = opts.ConnectRetries
	}
	cl := c.getCall(resp)
	defer c.putCall(cl)
	if err := c.encodeCall(cl, key.protocol, method, opts, req); err != nil {
		return err
	}
	for {
		cn, err := c.conn(ctx, key)
		if err != nil {
			return err
		}
		err = cn.send(opts.CallID, cl)
		if errors.Is(err, errRetryConn) {
			c.forget(cn) // closed before the call was sent: use another
			continue
		}
		if err != nil {
			return err
		}
		return cn.wait(ctx, opts.CallID, cl)
	}
}

// encodeCall writes the request frame into cl.frame.
func (c *Client) encodeCall(cl *clientCall, protocol, method string, opts CallOptions, req proto.Message) error {
	frame, err := appendCallFrame(cl.frame[:0], callHeader{
		callID: opts.CallID, retryCount: opts.RetryCount, clientID: c.clientID,
		method: method, protocol: protocol,
	}, req)
	cl.frame = frame
	if err != nil {
		return fmt.Errorf("hadooprpc: encoding %s request: %w", method, err)
	}
	return nil
}

// conn returns the connection for key once it is set up, opening one if
// needed. Callers that arrive while it connects wait for the outcome.
func (c *Client) conn(ctx context.Context, key connKey) (*clientConn, error) {
	c.mu.Lock()
	if c.mu.closed {
		c.mu.Unlock()
		return nil, ErrClientClosed
	}
	cn := c.mu.conns[key]
	if cn == nil {
		cn = newClientConn(c, key)
		c.mu.conns[key] = cn
		c.wg.Add(2)
		go cn.run()
	}
	c.mu.Unlock()
	select {
	case <-cn.ready:
	default:
		select {
		case <-cn.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := cn.setupErr; err != nil {
		return nil, err
	}
	return cn, nil
}

// forget removes cn from the connection table if it is still there.
func (c *Client) forget(cn *clientConn) {
	c.mu.Lock()
	if c.mu.conns[cn.key] == cn {
		delete(c.mu.conns, cn.key)
	}
	c.mu.Unlock()
}

// Close closes every connection, failing the calls in flight with
// ErrClientClosed, and waits for the client's goroutines to exit.
func (c *Client) Close() error {
	c.mu.Lock()
	c.mu.closed = true
	conns := make([]*clientConn, 0, len(c.mu.conns))
	for _, cn := range c.mu.conns {
		conns = append(conns, cn)
	}
	c.mu.Unlock()
	c.cancel()
	for _, cn := range conns {
		cn.shutdown(ErrClientClosed)
	}
	c.wg.Wait()
	return nil
}

func (c *Client) getCall(resp proto.Message) *clientCall {
	cl, _ := c.calls.Get().(*clientCall)
	if cl == nil {
		cl = &clientCall{done: make(chan error, 1)}
	}
	cl.resp = resp
	return cl
}

func (c *Client) putCall(cl *clientCall) {
	cl.resp = nil
	if cap(cl.frame) > 64<<10 {
		cl.frame = nil
	}
	c.calls.Put(cl)
}

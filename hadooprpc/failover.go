package hadooprpc

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hdfsd/hdfsd/internal/ctxsleep"
	"google.golang.org/protobuf/proto"
)

// FailoverOptions configure a FailoverProxy. Zero fields take the HDFS
// client defaults; a negative count means zero.
type FailoverOptions struct {
	SleepBase    time.Duration // dfs.client.failover.sleep.base.millis (500ms)
	SleepMax     time.Duration // dfs.client.failover.sleep.max.millis (15s)
	MaxFailovers int           // dfs.client.failover.max.attempts (15)
	MaxRetries   int           // dfs.client.retry.max.attempts (10)
	// ConnectRetries is how often one connect to a NameNode is retried
	// before failing over (dfs.client.failover.connection.retries, 0).
	ConnectRetries int
	// Idempotent reports whether method is @Idempotent or @AtMostOnce in
	// the Java protocol, which lets a call that failed mid-flight (the
	// request may have run) be retried on the next NameNode. Nil treats
	// every method as retriable: the NameNode's retry cache answers a
	// retried @AtMostOnce call (same client id and call id) with the first
	// outcome, and @Idempotent calls are safe to repeat. Pass a function
	// when talking to servers without a retry cache.
	Idempotent func(method string) bool
	// Jitter returns a number in [0,1) that scales each sleep by
	// 0.5+Jitter(); nil uses math/rand/v2.
	Jitter func() float64
	Logger *slog.Logger // nil: the client's
}

// FailoverProxy calls one nameservice: its NameNodes in configured order,
// always the current one first, failing over round robin on the errors
// FailoverPolicy names. It is Hadoop's ConfiguredFailoverProxyProvider
// driven by RetryInvocationHandler. Every attempt of one call carries the
// same call id, with retry count 0, 1, 2, ... It is safe for concurrent
// use; concurrent calls that fail on the same NameNode fail over once.
type FailoverProxy struct {
	c         *Client
	protocol  string
	addrs     []string
	policy    FailoverPolicy
	opts      FailoverOptions
	log       *slog.Logger
	succeeded atomic.Bool // some call has succeeded: failovers are news
	mu        struct {
		sync.Mutex
		current   int
		failovers int64 // failovers ever performed
	}
}

// NewFailoverProxy returns a proxy for protocol over the NameNodes at addrs.
func NewFailoverProxy(c *Client, protocol string, addrs []string, opts FailoverOptions) *FailoverProxy {
	p := &FailoverProxy{c: c, protocol: protocol, addrs: append([]string(nil), addrs...), opts: opts}
	p.policy = FailoverPolicy{
		MaxFailovers: countOrDefault(opts.MaxFailovers, DefaultFailoverMaxAttempts),
		MaxRetries:   countOrDefault(opts.MaxRetries, DefaultRetryMaxAttempts),
		SleepBase:    durationOrDefault(opts.SleepBase, DefaultFailoverSleepBase),
		SleepMax:     durationOrDefault(opts.SleepMax, DefaultFailoverSleepMax),
	}
	p.opts.ConnectRetries = max(opts.ConnectRetries, 0)
	if p.opts.Jitter == nil {
		p.opts.Jitter = rand.Float64
	}
	p.log = opts.Logger
	if p.log == nil {
		p.log = c.cfg.Logger
	}
	return p
}

func countOrDefault(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}

// Current returns the address of the NameNode calls go to first.
func (p *FailoverProxy) Current() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addrs[p.mu.current]
}

// Call invokes method on the current NameNode, retrying and failing over
// as the policy says. It returns the last attempt's error when the policy
// gives up, or ctx's error if ctx ends while it waits to retry.
func (p *FailoverProxy) Call(ctx context.Context, method string, req, resp proto.Message) error {
	if len(p.addrs) == 0 {
		return fmt.Errorf("hadooprpc: no addresses to call %s on", method)
	}
	opts := CallOptions{CallID: p.c.NextCallID(), ConnectRetries: p.opts.ConnectRetries}
	failovers := 0
	for {
		addr, seen := p.target()
		err := p.c.Invoke(ctx, addr, p.protocol, method, opts, req, resp)
		if err == nil {
			p.succeeded.Store(true)
			return nil
		}
		act := p.policy.Decide(err, int(opts.RetryCount), failovers, p.idempotent(method), p.opts.Jitter())
		if act.Decision == RetryFail {
			return p.giveUp(method, addr, opts, act, err)
		}
		p.logRetry(method, addr, opts, failovers, act, err)
		if serr := ctxsleep.Sleep(ctx, act.Delay); serr != nil {
			return fmt.Errorf("hadooprpc: %s: waiting to retry: %w (last error: %v)", method, serr, err)
		}
		opts.RetryCount++
		if act.Decision == RetryFailover {
			p.failover(seen)
			failovers++
		}
	}
}

// target returns the current address and the failover count it belongs to.
func (p *FailoverProxy) target() (string, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addrs[p.mu.current], p.mu.failovers
}

// failover moves to the next NameNode unless another call already failed
// over since this attempt began (RetryInvocationHandler.ProxyDescriptor).
func (p *FailoverProxy) failover(seen int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mu.failovers != seen {
		return
	}
	p.mu.current = (p.mu.current + 1) % len(p.addrs)
	p.mu.failovers++
}

func (p *FailoverProxy) idempotent(method string) bool {
	return p.opts.Idempotent == nil || p.opts.Idempotent(method)
}

func (p *FailoverProxy) giveUp(method, addr string, opts CallOptions, act RetryAction, err error) error {
	if opts.RetryCount == 0 {
		return err
	}
	return fmt.Errorf("hadooprpc: %s on %s (call %d, retry %d), not retrying: %s: %w",
		method, addr, opts.CallID, opts.RetryCount, act.Reason, err)
}

func (p *FailoverProxy) logRetry(method, addr string, opts CallOptions, failovers int, act RetryAction, err error) {
	level := slog.LevelDebug
	if p.succeeded.Load() || failovers > 0 {
		level = slog.LevelInfo
	}
	p.log.Log(context.Background(), level, "hadooprpc: call failed, "+act.Decision.String(),
		"method", method, "addr", addr, "callId", opts.CallID, "retry", opts.RetryCount,
		"failovers", failovers, "sleep", act.Delay, "err", err)
}

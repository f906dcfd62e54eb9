package client

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

// Manager is the quorum journal manager of one NameNode.
type Manager struct {
	cfg     Config
	loggers []Logger
	ownRPC  *hadooprpc.Client

	ops     chan op
	replies chan core.Reply
	timers  chan timerFired
	stop    chan struct{}
	done    chan struct{}

	mu struct {
		sync.Mutex
		fatal error
	}
}

type op struct {
	start func(w *core.Writer) (core.Output, error)
	res   chan opResult
}

type opResult struct {
	res *core.Result
	err error
}

type timerFired struct{ call, gen uint64 }

// New returns a Manager over RPC channels to cfg.Journals.
func New(cfg Config) *Manager {
	cfg = cfg.withDefaults()
	rpc := cfg.RPC
	var own *hadooprpc.Client
	if rpc == nil {
		own = hadooprpc.NewClient(hadooprpc.ClientConfig{Logger: cfg.Logger, ConnectTimeout: cfg.Connect.Timeout,
			ConnectRetries: cfg.Connect.Retries, ConnectRetryInterval: cfg.Connect.RetryInterval})
		rpc = own
	}
	loggers := make([]Logger, len(cfg.Journals))
	for i, a := range cfg.Journals {
		loggers[i] = NewChannel(i, a, cfg, rpc)
	}
	m := NewWithLoggers(cfg, loggers)
	m.ownRPC = own
	return m
}

// NewWithLoggers returns a Manager over the given loggers (tests inject
// faults here).
func NewWithLoggers(cfg Config, loggers []Logger) *Manager {
	cfg = cfg.withDefaults()
	if len(loggers)%2 == 0 {
		cfg.Logger.Warn("qjournal: an even number of JournalNodes is not recommended", "journals", len(loggers))
	}
	m := &Manager{cfg: cfg, loggers: loggers, ops: make(chan op), replies: make(chan core.Reply, 64),
		timers: make(chan timerFired, 4), stop: make(chan struct{}), done: make(chan struct{})}
	go m.run(core.NewWriter(len(loggers)))
	return m
}

// String names the journal as Hadoop's QJM does.
func (m *Manager) String() string {
	return fmt.Sprintf("QJM to %v", m.cfg.Journals)
}

// run is the one goroutine that owns the writer.
func (m *Manager) run(w *core.Writer) {
	defer close(m.done)
	var waiting chan opResult
	var backlog []op
	var gen uint64
	var timer *time.Timer
	dispatch := func(out core.Output) {
		if len(out.Msgs) > 0 && w.Pending() != 0 {
			gen++
			if timer != nil {
				timer.Stop()
			}
			call, g := w.Pending(), gen
			timer = time.AfterFunc(m.cfg.Timeouts.For(out.Msgs[0].Kind), func() {
				select {
				case m.timers <- timerFired{call, g}:
				case <-m.stop:
				}
			})
		}
		m.send(out.Msgs)
		if out.Done != nil && waiting != nil {
			waiting <- opResult{res: out.Done}
			waiting = nil
		}
	}
	start := func(o op) {
		out, err := o.start(w)
		if err != nil {
			o.res <- opResult{err: err}
			return
		}
		waiting = o.res
		dispatch(out)
	}
	next := func() {
		for waiting == nil && len(backlog) > 0 {
			o := backlog[0]
			backlog = backlog[1:]
			start(o)
		}
	}
	for {
		select {
		case o := <-m.ops:
			// Quorum calls run one at a time, in arrival order.
			backlog = append(backlog, o)
			next()
		case r := <-m.replies:
			dispatch(w.Step(r))
			next()
		case t := <-m.timers:
			if t.gen == gen {
				dispatch(w.Timeout(t.call))
				next()
			}
		case <-m.stop:
			if timer != nil {
				timer.Stop()
			}
			if waiting != nil {
				waiting <- opResult{err: ErrClosed}
			}
			for _, o := range backlog {
				o.res <- opResult{err: ErrClosed}
			}
			return
		}
	}
}

// send hands each message to its node's logger, in order.
func (m *Manager) send(msgs []core.Msg) {
	for _, msg := range msgs {
		var from string
		if msg.Kind == core.KindAcceptRecovery {
			from = m.loggers[msg.Source].SegmentURL(msg.Segment.Start)
		}
		m.loggers[msg.To].Enqueue(msg, from, func(r core.Reply) {
			select {
			case m.replies <- r:
			case <-m.stop:
			}
		})
	}
}

// do runs one quorum call on the driver and waits for its result. ctx
// bounds only the wait to hand the call over: once started, a quorum call
// ends by its quorum or by its dfs.qjournal.*.timeout.ms, so a write is
// never left with an unknown outcome.
func (m *Manager) do(ctx context.Context, start func(*core.Writer) (core.Output, error)) (*core.Result, error) {
	o := op{start: start, res: make(chan opResult, 1)}
	select {
	case m.ops <- o:
	case <-m.stop:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-o.res:
		if r.err != nil {
			return nil, r.err
		}
		return r.res, r.res.Err
	case <-m.stop:
		return nil, ErrClosed
	}
}

// write runs a write call; a failure is fatal for this and later writes.
func (m *Manager) write(ctx context.Context, start func(*core.Writer) (core.Output, error)) (*core.Result, error) {
	if err := m.Fatal(); err != nil {
		return nil, err
	}
	res, err := m.do(ctx, start)
	if err != nil && res != nil {
		err = writeFailed(err)
		m.mu.Lock()
		if m.mu.fatal == nil {
			m.mu.fatal = err
		}
		m.mu.Unlock()
		m.cfg.Logger.Error("qjournal: write failed on a quorum; the NameNode must stop", "err", err)
	}
	return res, err
}

// Fatal returns the error that stopped writing, or nil.
func (m *Manager) Fatal() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mu.fatal
}

// Close stops the driver and the channels.
func (m *Manager) Close() error {
	select {
	case <-m.stop:
		return nil
	default:
	}
	close(m.stop)
	<-m.done
	for _, l := range m.loggers {
		l.Close()
	}
	if m.ownRPC != nil {
		m.ownRPC.Close()
	}
	return nil
}

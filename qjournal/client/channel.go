package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

// ErrQueueFull: a batch would pass dfs.qjournal.queued-edits.limit.mb for
// a node that has fallen behind; the node misses it (and so is out of sync
// until the next segment).
var ErrQueueFull = errors.New("qjournal: queued edits limit exceeded")

// Channel is the asynchronous channel to one JournalNode (Hadoop's
// IPCLoggerChannel): writer calls run one at a time, in order, on the
// channel's goroutine; reads run on the caller's goroutine.
type Channel struct {
	id      int
	addr    string
	ids     ids
	ns      *hdfspb.NamespaceInfoProto
	storage string
	rpc     *hadooprpc.Client
	tmo     Timeouts
	limit   int

	mu struct {
		sync.Mutex
		queue   []job
		queued  int // bytes of journal data queued
		httpURL string
		closed  bool
	}
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

type job struct {
	m       core.Msg
	fromURL string
	done    func(core.Reply)
}

// NewChannel starts the channel to JournalNode id at addr.
func NewChannel(id int, addr string, cfg Config, rpc *hadooprpc.Client) *Channel {
	cfg = cfg.withDefaults()
	c := &Channel{id: id, addr: addr, ids: ids{cfg.JournalID, cfg.NameServiceID},
		ns: cfg.Namespace.proto(), storage: cfg.Namespace.StorageInfoString(),
		rpc: rpc, tmo: cfg.Timeouts, limit: cfg.QueuedEditsLimit,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// Name returns the node's RPC address.
func (c *Channel) Name() string { return c.addr }

// QueuedBytes is how many bytes of edits wait for this node.
func (c *Channel) QueuedBytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.queued
}

// Enqueue implements Logger.
func (c *Channel) Enqueue(m core.Msg, fromURL string, done func(core.Reply)) {
	c.mu.Lock()
	if c.mu.closed {
		c.mu.Unlock()
		done(core.Reply{From: c.id, Call: m.Call, Kind: m.Kind, Err: errors.New("qjournal: channel closed")})
		return
	}
	if m.Kind == core.KindJournal {
		n := len(m.Data)
		if c.mu.queued+n > c.limit && c.mu.queued > 0 {
			queued := c.mu.queued
			c.mu.Unlock()
			done(core.Reply{From: c.id, Call: m.Call, Kind: m.Kind, Err: fmt.Errorf(
				"%w: pending edits to %s is going to exceed limit size %d (queued %d bytes, dropping %d bytes)",
				ErrQueueFull, c.addr, c.limit, queued, n)})
			return
		}
		c.mu.queued += n
	}
	c.mu.queue = append(c.mu.queue, job{m, fromURL, done})
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Channel) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return // Close answers what is still queued
		default:
		}
		c.mu.Lock()
		if len(c.mu.queue) == 0 {
			c.mu.Unlock()
			select {
			case <-c.wake:
				continue
			case <-c.stop:
				return
			}
		}
		j := c.mu.queue[0]
		c.mu.queue = c.mu.queue[1:]
		c.mu.Unlock()
		r := c.exec(j)
		if j.m.Kind == core.KindJournal {
			c.mu.Lock()
			c.mu.queued -= len(j.m.Data)
			c.mu.Unlock()
		}
		j.done(r)
	}
}

// exec runs one writer call, bounded by its kind's timeout.
func (c *Channel) exec(j job) core.Reply {
	ctx, cancel := context.WithTimeout(context.Background(), c.tmo.For(j.m.Kind))
	defer cancel()
	go func() {
		select {
		case <-c.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	method, req, resp := c.ids.request(j.m, c.ns, j.fromURL)
	if err := c.rpc.Call(ctx, c.addr, Protocol, method, req, resp); err != nil {
		return core.Reply{From: c.id, Call: j.m.Call, Kind: j.m.Kind, Err: err}
	}
	if p, ok := resp.(*pb.GetJournalStateResponseProto); ok {
		c.learnHTTP(p.GetHttpPort(), p.GetFromURL())
	}
	return reply(j.m, c.id, resp)
}

// learnHTTP records the node's HTTP server: the URL it names, or its port
// on the RPC host.
func (c *Channel) learnHTTP(port uint32, fromURL string) {
	u := fromURL
	if u == "" && port != 0 {
		host, _, err := net.SplitHostPort(c.addr)
		if err != nil {
			host = c.addr
		}
		u = "http://" + net.JoinHostPort(host, strconv.Itoa(int(port)))
	}
	if u == "" {
		return
	}
	c.mu.Lock()
	c.mu.httpURL = u
	c.mu.Unlock()
}

// SegmentURL implements Logger (GetJournalEditServlet.buildPath).
func (c *Channel) SegmentURL(segTxID uint64) string {
	c.mu.Lock()
	base := c.mu.httpURL
	c.mu.Unlock()
	return segmentURL(base, c.ids.journal, c.storage, segTxID)
}

// segmentURL is GetJournalEditServlet's path on a node's HTTP server.
func segmentURL(base, jid, storageInfo string, segTxID uint64) string {
	if base == "" {
		return ""
	}
	return base + "/getJournal?jid=" + url.QueryEscape(jid) +
		"&segmentTxId=" + strconv.FormatUint(segTxID, 10) +
		"&storageInfo=" + url.QueryEscape(storageInfo) + "&inProgressOk=true"
}

// Format implements Logger.
func (c *Channel) Format(ctx context.Context, force bool) error {
	req := c.ids.formatReq(c.ns, force)
	return c.rpc.Call(ctx, c.addr, Protocol, "format", req, &pb.FormatResponseProto{})
}

// IsFormatted implements Logger.
func (c *Channel) IsFormatted(ctx context.Context) (bool, error) {
	req := c.ids.isFormattedReq()
	resp := &pb.IsFormattedResponseProto{}
	err := c.rpc.Call(ctx, c.addr, Protocol, "isFormatted", req, resp)
	return resp.GetIsFormatted(), err
}

// GetEditLogManifest implements Logger.
func (c *Channel) GetEditLogManifest(ctx context.Context, since uint64, inProgressOK bool) (Manifest, error) {
	req := c.ids.manifestReq(since, inProgressOK)
	resp := &pb.GetEditLogManifestResponseProto{}
	if err := c.rpc.Call(ctx, c.addr, Protocol, "getEditLogManifest", req, resp); err != nil {
		return Manifest{}, err
	}
	c.learnHTTP(resp.GetHttpPort(), resp.GetFromURL())
	m := resp.GetManifest()
	out := Manifest{HasCommitted: m.CommittedTxnId != nil, Committed: m.GetCommittedTxnId()}
	for _, l := range m.GetLogs() {
		out.Logs = append(out.Logs, RemoteLog{Start: l.GetStartTxId(), End: l.GetEndTxId(), InProgress: l.GetIsInProgress()})
	}
	return out, nil
}

// GetJournaledEdits implements Logger.
func (c *Channel) GetJournaledEdits(ctx context.Context, since uint64, maxTxns uint32) (JournaledEdits, error) {
	req := c.ids.journaledEditsReq(since, maxTxns)
	resp := &pb.GetJournaledEditsResponseProto{}
	if err := c.rpc.Call(ctx, c.addr, Protocol, "getJournaledEdits", req, resp); err != nil {
		return JournaledEdits{}, err
	}
	return JournaledEdits{TxnCount: resp.GetTxnCount(), Records: resp.GetEditLog()}, nil
}

// Close stops the goroutine; queued calls are answered with an error.
func (c *Channel) Close() error {
	c.mu.Lock()
	if c.mu.closed {
		c.mu.Unlock()
		<-c.done
		return nil
	}
	c.mu.closed = true
	c.mu.Unlock()
	close(c.stop)
	<-c.done
	c.mu.Lock()
	rest := c.mu.queue
	c.mu.queue = nil
	c.mu.Unlock()
	for _, j := range rest {
		j.done(core.Reply{From: c.id, Call: j.m.Call, Kind: j.m.Kind, Err: errors.New("qjournal: channel closed")})
	}
	return nil
}

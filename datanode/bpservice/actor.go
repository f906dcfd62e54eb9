package bpservice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// classInvalidLease is the exception a NameNode raises for a block report
// whose lease it does not know (server/protocol/InvalidBlockReportLeaseException).
const classInvalidLease = "org.apache.hadoop.hdfs.server.protocol.InvalidBlockReportLeaseException"

// actor is the driver of one Core: its goroutine owns the core and the
// NameNode registration, performs the core's actions in order, and feeds
// the outcomes back. Events from other goroutines wait in an inbox and are
// applied between actions.
type actor struct {
	svc  *Service
	idx  int
	addr string
	log  *slog.Logger
	core *Core

	// Owned by the run goroutine.
	ns  NamespaceInfo
	reg *datanodepb.DatanodeRegistrationProto

	wake  chan struct{} // capacity 1: the inbox has something
	inbox struct {
		sync.Mutex
		events []func(*Core, time.Time)
		closed bool // the actor has returned: events are dropped
	}
	cmds *commandQueue
}

func newActor(s *Service, idx int, addr string) *actor {
	log := s.log.With("nn", addr)
	return &actor{
		svc: s, idx: idx, addr: addr, log: log,
		core: NewCore(s.cfg.Timing, s.cfg.Rand, log),
		wake: make(chan struct{}, 1),
		cmds: newCommandQueue(),
	}
}

// post hands an event to the actor's goroutine; it never blocks.
func (a *actor) post(ev func(*Core, time.Time)) {
	a.inbox.Lock()
	if a.inbox.closed {
		a.inbox.Unlock()
		return
	}
	a.inbox.events = append(a.inbox.events, ev)
	a.inbox.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

func (a *actor) drain() {
	a.inbox.Lock()
	evs := a.inbox.events
	a.inbox.events = nil
	a.inbox.Unlock()
	for _, ev := range evs {
		ev(a.core, time.Now())
	}
}

func (a *actor) closeInbox() {
	a.inbox.Lock()
	defer a.inbox.Unlock()
	a.inbox.closed, a.inbox.events = true, nil
}

// run drives the core until ctx ends (nil) or the core stops (its reason).
func (a *actor) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { a.runCommands(ctx) })
	defer wg.Wait()
	defer cancel()
	defer a.closeInbox()
	a.log.Info("starting block pool service")
	for {
		a.drain()
		act := a.core.Next(time.Now())
		switch act.Kind {
		case Stop:
			return fmt.Errorf("bpservice: NameNode %s: %w", a.addr, act.Err)
		case Wait:
			if !a.sleep(ctx, act.Until) {
				return nil
			}
		case RunCommands:
			a.cmds.push(act.Commands)
		default:
			a.perform(ctx, act)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// sleep waits until until, an event, or the end of ctx (false).
func (a *actor) sleep(ctx context.Context, until time.Time) bool {
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-a.wake:
	case <-t.C:
	}
	return true
}

func (a *actor) call(ctx context.Context, method string, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(ctx, a.svc.cfg.RPCTimeout)
	defer cancel()
	return classify(a.svc.rpc.Call(ctx, a.addr, Protocol, method, req, resp))
}

// classify turns a NameNode's exception into the core's error kinds.
func classify(err error) error {
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) {
		return err
	}
	switch re.Class {
	case hadooprpc.ClassUnregisteredNode, hadooprpc.ClassDisallowedDatanode, hadooprpc.ClassIncorrectVersion:
		return fmt.Errorf("%w: %w", ErrRejected, err)
	case classInvalidLease:
		return fmt.Errorf("%w: %w: %w", ErrInvalidLease, ErrRemote, err)
	}
	return fmt.Errorf("%w: %w", ErrRemote, err)
}

func (a *actor) bpid() string { return a.ns.BlockPoolID }

// perform makes the RPC an action asks for and reports its outcome.
func (a *actor) perform(ctx context.Context, act Action) {
	switch act.Kind {
	case SendVersionRequest:
		var resp hdfspb.VersionResponseProto
		err := a.call(ctx, "versionRequest", &hdfspb.VersionRequestProto{}, &resp)
		if err == nil {
			ns := namespaceFromProto(resp.GetInfo())
			if err = a.svc.handshake(a.idx, ns); err == nil {
				a.ns = ns
			}
		}
		a.core.VersionDone(time.Now(), err)
	case SendRegister:
		req := &datanodepb.RegisterDatanodeRequestProto{Registration: registrationProto(
			a.svc.cfg.ID, a.svc.cfg.LayoutVersion, a.ns, a.svc.cfg.SoftwareVersion)}
		var resp datanodepb.RegisterDatanodeResponseProto
		err := a.call(ctx, "registerDatanode", req, &resp)
		if err == nil {
			a.reg = resp.GetRegistration()
			if a.reg == nil {
				a.reg = req.GetRegistration()
			}
			a.log.Info("registered with the NameNode", "bpid", a.bpid())
		}
		a.core.RegisterDone(time.Now(), err)
	case SendHeartbeat:
		req := heartbeatProto(a.reg, a.svc.ds.StorageReports(a.bpid()), a.svc.ds.HeartbeatStats(), act.RequestLease)
		var resp datanodepb.HeartbeatResponseProto
		err := a.call(ctx, "sendHeartbeat", req, &resp)
		var res HeartbeatResult
		active := false
		if err == nil {
			res = heartbeatFromProto(&resp)
			active = a.svc.heartbeat(a.idx, res.HA)
		}
		a.core.HeartbeatDone(time.Now(), res, active, err)
	case SendIBR:
		var resp datanodepb.BlockReceivedAndDeletedResponseProto
		err := a.call(ctx, "blockReceivedAndDeleted", ibrProto(a.reg, a.bpid(), act.IBR), &resp)
		a.core.IBRDone(time.Now(), err)
	case SendBlockReport:
		cmds, err := a.blockReport(ctx, act)
		a.core.BlockReportDone(time.Now(), cmds, a.svc.isActive(a.idx), err)
	case SendErrorReport:
		var resp datanodepb.ErrorReportResponseProto
		err := a.call(ctx, "errorReport", errorReportProto(a.reg, act.ErrorCode, act.Message), &resp)
		a.core.QueuedDone(time.Now(), err)
	case SendBadBlocks:
		var resp datanodepb.ReportBadBlocksResponseProto
		err := a.call(ctx, "reportBadBlocks", badBlocksProto(a.svc.cfg.ID, act.BadBlocks), &resp)
		a.core.QueuedDone(time.Now(), err)
	}
}

func (a *actor) blockReport(ctx context.Context, act Action) ([]Command, error) {
	reports := a.svc.ds.BlockReports(a.bpid())
	buffers := a.ns.Capabilities&blocklist.CapabilityStorageBlockReportBuffers != 0
	parts := splitReports(reports, a.core.Timing().BlockReportSplitThreshold)
	var cmds []Command
	for i, part := range parts {
		req := blockReportProto(a.reg, a.bpid(), part, buffers, int32(len(parts)), int32(i), act.ReportID, act.LeaseID)
		var resp datanodepb.BlockReportResponseProto
		if err := a.call(ctx, "blockReport", req, &resp); err != nil {
			return nil, err
		}
		if resp.Cmd != nil {
			cmds = append(cmds, commandFromProto(resp.GetCmd())...)
		}
	}
	a.log.Info("sent block report", "id", act.ReportID, "lease", act.LeaseID, "storages", len(reports), "rpcs", len(parts))
	return cmds, nil
}

// runCommands executes commands in order until ctx ends.
func (a *actor) runCommands(ctx context.Context) {
	for {
		cmds, ok := a.cmds.pop(ctx)
		if !ok {
			return
		}
		for _, c := range cmds {
			if !c.Kind.Supported() {
				if a.svc.warnOnce(c.Kind) {
					a.log.Warn("ignoring unsupported NameNode command (logged once per kind)", "cmd", c.Kind)
				}
				continue
			}
			if err := a.svc.handler.HandleCommand(ctx, a.addr, c); err != nil {
				a.log.Warn("error processing NameNode command", "cmd", c, "err", err)
			}
		}
	}
}

// commandQueue hands batches of commands from an actor to its command
// goroutine without blocking the actor.
type commandQueue struct {
	mu      sync.Mutex
	batches [][]Command
	ready   chan struct{} // capacity 1
}

func newCommandQueue() *commandQueue { return &commandQueue{ready: make(chan struct{}, 1)} }

func (q *commandQueue) push(cmds []Command) {
	q.mu.Lock()
	q.batches = append(q.batches, cmds)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *commandQueue) pop(ctx context.Context) ([]Command, bool) {
	for {
		q.mu.Lock()
		if len(q.batches) > 0 {
			b := q.batches[0]
			q.batches = q.batches[1:]
			q.mu.Unlock()
			return b, true
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, false
		case <-q.ready:
		}
	}
}

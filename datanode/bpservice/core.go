package bpservice

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"
)

// ActionKind says what the driver must do.
type ActionKind int

const (
	Wait               ActionKind = iota // nothing before Until, unless an event arrives
	SendVersionRequest                   // versionRequest
	SendRegister                         // registerDatanode
	SendHeartbeat                        // sendHeartbeat (RequestLease)
	SendIBR                              // blockReceivedAndDeleted (IBR)
	SendBlockReport                      // blockReport (LeaseID, ReportID)
	SendErrorReport                      // errorReport (ErrorCode, Message)
	SendBadBlocks                        // reportBadBlocks (BadBlocks)
	RunCommands                          // hand Commands to the CommandHandler, in order
	Stop                                 // the actor is finished (Err)
)

var actionNames = [...]string{"wait", "versionRequest", "registerDatanode", "sendHeartbeat",
	"blockReceivedAndDeleted", "blockReport", "errorReport", "reportBadBlocks", "run", "stop"}

// String returns the RPC method name of a Send action.
func (k ActionKind) String() string { return actionNames[k] }

// Action is one output of the core.
type Action struct {
	Kind         ActionKind
	Until        time.Time // Wait; zero while an RPC result is awaited
	RequestLease bool      // SendHeartbeat: ask for a full block report lease
	IBR          []StorageIBR
	LeaseID      uint64 // SendBlockReport
	ReportID     int64  // SendBlockReport
	ErrorCode    ErrorCode
	Message      string
	BadBlocks    []BadBlock
	Commands     []Command
	Err          error // Stop
}

// HeartbeatResult is what a heartbeat answer says, out of protobuf.
type HeartbeatResult struct {
	HA       HAStatus
	Commands []Command
	LeaseID  uint64 // fullBlockReportLeaseId; 0 = none
}

type phase int

const (
	phHandshake phase = iota // versionRequest due at retryAt
	phRegister               // registerDatanode due at retryAt
	phRunning                // the offerService loop
	phStopped
)

// step is where the running loop is within one iteration of Hadoop's
// offerService: heartbeat, incremental report, full report, wait, queued
// error and bad-block reports.
type step int

const (
	stepTop step = iota
	stepIBR
	stepBR
	stepWait
	stepQueue
)

type queued struct {
	errCode ErrorCode
	msg     string
	bad     *BadBlock
}

// Core is the pure state machine of one DataNode's conversation with one
// NameNode for one block pool (Hadoop's BPServiceActor). It never sleeps
// or performs I/O: the driver calls Next(now), performs the returned action,
// and reports its outcome with the matching *Done method before calling
// Next again. Events (NotifyBlock, ErrorReport, ReportBadBlock,
// ForceFullBlockReport) may come at any time between steps.
type Core struct {
	cfg  Config
	rand func(n int64) int64
	log  *slog.Logger

	phase      phase
	retryAt    time.Time
	reregister bool
	waitingOn  ActionKind // the Send action whose result is awaited; Wait if none
	stopErr    error
	ha         HAState

	// Hadoop's BPServiceActor.Scheduler.
	nextHB, nextBR time.Time
	resetBR        bool
	forceBR        bool
	leaseID        uint64
	prevReportID   int64

	// The current loop iteration.
	step        step
	sentHB      bool
	ibrBeforeBR bool
	waiting     bool
	sleeping    bool // after an error: an IBR trigger does not cut the wait short
	waitUntil   time.Time
	wake        bool

	ibr      pendingIBRs
	inFlight []StorageIBR // the incremental report being sent
	ibrSent  time.Time
	queue    []queued
	queueN   int // queued items this iteration still handles
	current  queued
	outbox   []Command
}

// NewCore returns a core that starts with a versionRequest. rnd returns a
// uniform value in [0, n); nil means math/rand/v2. log may be nil.
func NewCore(cfg Config, rnd func(n int64) int64, log *slog.Logger) *Core {
	if rnd == nil {
		rnd = rand.Int64N
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Core{cfg: cfg.WithDefaults(), rand: rnd, log: log, ha: Unknown,
		ibr: newPendingIBRs(cfg.IBRInterval), prevReportID: rnd(math.MaxInt64)}
}

// State is the last HA state the NameNode reported.
func (c *Core) State() HAState { return c.ha }

// Registered reports whether the actor is past registration.
func (c *Core) Registered() bool { return c.phase == phRunning }

// Next returns the action due at now.
func (c *Core) Next(now time.Time) Action {
	if c.phase == phStopped {
		return Action{Kind: Stop, Err: c.stopErr}
	}
	if len(c.outbox) > 0 {
		cmds := c.outbox
		c.outbox = nil
		return Action{Kind: RunCommands, Commands: cmds}
	}
	if c.waitingOn != Wait {
		return Action{Kind: Wait}
	}
	switch c.phase {
	case phHandshake, phRegister:
		if now.Before(c.retryAt) {
			return Action{Kind: Wait, Until: c.retryAt}
		}
		if c.phase == phHandshake {
			return c.send(SendVersionRequest, Action{})
		}
		return c.send(SendRegister, Action{})
	}
	for {
		if a, ok := c.running(now); ok {
			return a
		}
	}
}

func (c *Core) send(k ActionKind, a Action) Action {
	c.waitingOn = k
	a.Kind = k
	return a
}

// running advances the loop by one step; ok says a holds an action.
func (c *Core) running(now time.Time) (a Action, ok bool) {
	switch c.step {
	case stepTop:
		c.step, c.sentHB = stepIBR, false
		if !now.Before(c.nextHB) {
			c.nextHB = now.Add(c.cfg.HeartbeatInterval)
			return c.send(SendHeartbeat, Action{RequestLease: c.leaseID == 0 && !now.Before(c.nextBR)}), true
		}
	case stepIBR:
		c.step = stepBR
		if c.ibr.sendImmediately(now) || c.sentHB {
			if a, ok := c.sendIBR(now); ok {
				return a, true
			}
		}
	case stepBR:
		if c.leaseID == 0 && !c.forceBR {
			c.step = stepWait
			break
		}
		if !c.ibrBeforeBR { // Hadoop's blockReport sends pending IBRs first
			c.ibrBeforeBR = true
			if a, ok := c.sendIBR(now); ok {
				return a, true
			}
		}
		c.ibrBeforeBR, c.forceBR = false, false
		return c.send(SendBlockReport, Action{LeaseID: c.leaseID, ReportID: c.nextReportID()}), true
	case stepWait:
		return c.waitStep(now)
	case stepQueue:
		if c.queueN == 0 {
			c.step = stepTop
			break
		}
		c.queueN--
		c.current, c.queue = c.queue[0], c.queue[1:]
		if c.current.bad != nil {
			return c.send(SendBadBlocks, Action{BadBlocks: []BadBlock{*c.current.bad}}), true
		}
		return c.send(SendErrorReport, Action{ErrorCode: c.current.errCode, Message: c.current.msg}), true
	}
	return Action{}, false
}

func (c *Core) sendIBR(now time.Time) (Action, bool) {
	reports := c.ibr.take()
	if len(reports) == 0 {
		return Action{}, false
	}
	c.inFlight, c.ibrSent = reports, now
	return c.send(SendIBR, Action{IBR: reports}), true
}

// waitStep is Hadoop's waitTillNextIBR: wait for the next heartbeat, or
// less when incremental reports have their own interval, unless one is
// due already. Only a RECEIVED replica (triggerIBR) ends the wait early.
func (c *Core) waitStep(now time.Time) (Action, bool) {
	if !c.waiting {
		wait := c.nextHB.Sub(now)
		if wait <= 0 || c.ibr.sendImmediately(now) {
			c.step, c.queueN = stepQueue, len(c.queue)
			return Action{}, false
		}
		if c.cfg.IBRInterval > 0 && c.cfg.IBRInterval < wait {
			wait = c.cfg.IBRInterval
		}
		c.waiting, c.wake, c.waitUntil = true, false, now.Add(wait)
	}
	if (c.wake && !c.sleeping) || !now.Before(c.waitUntil) {
		c.waiting, c.sleeping, c.wake = false, false, false
		c.step, c.queueN = stepQueue, len(c.queue)
		return Action{}, false
	}
	return Action{Kind: Wait, Until: c.waitUntil}, true
}

func (c *Core) nextReportID() int64 {
	c.prevReportID++
	for c.prevReportID == 0 {
		c.prevReportID = c.rand(math.MaxInt64)
	}
	return c.prevReportID
}

// scheduleBlockReport is Scheduler.scheduleBlockReport.
func (c *Core) scheduleBlockReport(now time.Time, delay time.Duration, isRegistration bool) {
	c.nextBR = now
	if delay > 0 {
		c.nextBR = now.Add(time.Duration(c.rand(int64(delay))))
	}
	c.resetBR = isRegistration
}

// Timing returns the timing rules in force.
func (c *Core) Timing() Config { return c.cfg }

// Retime puts t's block report rules in force (a DataNode
// reconfiguration): the interval for every report scheduled from now
// on, as Scheduler.setBlockReportIntervalMs; the initial delay from the
// next registration; the split threshold from the next report. The
// heartbeat and incremental intervals are not reconfigurable and stay.
func (c *Core) Retime(t Config) {
	c.cfg.BlockReportInterval = t.BlockReportInterval
	c.cfg.InitialBlockReportDelay = t.InitialBlockReportDelay
	c.cfg.BlockReportSplitThreshold = t.BlockReportSplitThreshold
}

// scheduleNextBlockReport is Scheduler.scheduleNextBlockReport: a random
// point in the first interval after registration, then a fixed cadence
// that skips the periods a slow report overran.
func (c *Core) scheduleNextBlockReport(now time.Time) {
	iv := c.cfg.BlockReportInterval
	if c.resetBR {
		c.nextBR = now.Add(time.Duration(c.rand(int64(iv))))
		c.resetBR = false
		return
	}
	factor := (now.Sub(c.nextBR) + iv) / iv
	if factor == 0 {
		factor = 1
	}
	c.nextBR = c.nextBR.Add(time.Duration(factor) * iv)
}

func (c *Core) expect(k ActionKind) error {
	if c.waitingOn != k {
		return fmt.Errorf("bpservice: %v result while awaiting %v", k, c.waitingOn)
	}
	c.waitingOn = Wait
	return nil
}

func (c *Core) stop(err error) {
	c.phase, c.stopErr = phStopped, err
	c.log.Warn("block pool service stopping", "err", err)
}

// VersionDone reports the versionRequest outcome. err is nil when the
// answer was accepted (the driver checks the namespace ids); an
// ErrNamespaceMismatch stops the actor, any other error retries in 5 s.
func (c *Core) VersionDone(now time.Time, err error) {
	if c.expect(SendVersionRequest) != nil {
		return
	}
	switch {
	case errors.Is(err, ErrNamespaceMismatch):
		c.stop(err)
	case err != nil:
		c.log.Warn("problem connecting to the NameNode", "err", err)
		c.retryAt = now.Add(handshakeRetry)
	default:
		if c.reregister && (c.ha == Standby || c.ha == Observer) {
			c.ibr.clear()
		}
		c.phase, c.retryAt = phRegister, now
	}
}

// RegisterDone reports the registerDatanode outcome. An exception from the
// NameNode restarts the handshake in 5 s; an I/O error retries in 1 s.
func (c *Core) RegisterDone(now time.Time, err error) {
	if c.expect(SendRegister) != nil {
		return
	}
	switch {
	case errors.Is(err, ErrRejected) && c.reregister:
		c.stop(err)
	case errors.Is(err, ErrRemote) || errors.Is(err, ErrRejected):
		c.log.Warn("registration refused", "err", err)
		c.phase, c.retryAt = phHandshake, now.Add(handshakeRetry)
	case err != nil:
		c.log.Info("problem connecting to the NameNode", "err", err)
		c.retryAt = now.Add(registerRetry)
	default:
		c.phase, c.reregister = phRunning, false
		c.leaseID = 0
		c.scheduleBlockReport(now, c.cfg.InitialBlockReportDelay, true)
		c.nextHB = now
		c.resetLoop()
	}
}

func (c *Core) resetLoop() {
	c.step, c.sentHB, c.ibrBeforeBR = stepTop, false, false
	c.waiting, c.sleeping, c.wake = false, false, false
}

// failed ends the loop iteration after an RPC error, as offerService's
// catch blocks do: a rejection stops the actor, anything else sleeps
// min(1 s, heartbeat interval) and goes on.
func (c *Core) failed(now time.Time, err error) {
	if errors.Is(err, ErrRejected) {
		c.stop(err)
		return
	}
	if errors.Is(err, ErrInvalidLease) {
		c.leaseID = 0
	}
	c.log.Warn("error talking to the NameNode", "err", err)
	c.resetLoop()
	c.step, c.waiting, c.sleeping = stepWait, true, true
	c.waitUntil = now.Add(min(errorBackoff, c.cfg.HeartbeatInterval))
}

// HeartbeatDone reports a heartbeat outcome. fromActive says whether the
// block pool now counts this NameNode as the active one (see Offer).
func (c *Core) HeartbeatDone(now time.Time, res HeartbeatResult, fromActive bool, err error) {
	if c.expect(SendHeartbeat) != nil {
		return
	}
	if err != nil {
		c.failed(now, err)
		return
	}
	if res.LeaseID != 0 {
		if c.leaseID != 0 {
			c.log.Warn("NameNode sent a second block report lease", "old", c.leaseID, "new", res.LeaseID)
		}
		c.leaseID = res.LeaseID
	}
	if c.ha != res.HA.State {
		c.log.Info("NameNode state changed", "state", res.HA.State)
	}
	c.ha = res.HA.State
	c.sentHB = true
	c.obey(now, res.Commands, fromActive)
}

func (c *Core) obey(now time.Time, cmds []Command, fromActive bool) {
	run, ignored, rereg := ObeyFrom(cmds, fromActive)
	c.outbox = append(c.outbox, run...)
	for _, cmd := range ignored {
		c.log.Warn("ignoring command", "cmd", cmd, "fromActive", fromActive)
	}
	if rereg {
		c.log.Info("NameNode asked this DataNode to register again")
		c.phase, c.reregister, c.retryAt = phHandshake, true, now
	}
}

// IBRDone reports the outcome of an incremental block report. On failure
// its events go back to the pending set.
func (c *Core) IBRDone(now time.Time, err error) {
	if c.expect(SendIBR) != nil {
		return
	}
	sent := c.inFlight
	c.inFlight = nil
	if err != nil {
		c.ibr.putBack(sent)
		c.failed(now, err)
		return
	}
	c.ibr.lastIBR = c.ibrSent
}

// BlockReportDone reports a full block report's outcome and the commands
// its answers carried.
func (c *Core) BlockReportDone(now time.Time, cmds []Command, fromActive bool, err error) {
	if c.expect(SendBlockReport) != nil {
		return
	}
	if err != nil {
		c.failed(now, err)
		return
	}
	c.leaseID = 0
	c.scheduleNextBlockReport(now)
	c.step = stepWait
	c.obey(now, cmds, fromActive)
}

// QueuedDone reports an errorReport or reportBadBlocks outcome. An I/O
// failure queues the report again for the next round; an exception from
// the NameNode drops it, as Hadoop does.
func (c *Core) QueuedDone(now time.Time, err error) {
	if c.waitingOn != SendErrorReport && c.waitingOn != SendBadBlocks {
		return
	}
	c.waitingOn = Wait
	if err != nil && !errors.Is(err, ErrRemote) && !errors.Is(err, ErrRejected) {
		c.enqueue(c.current)
	}
}

// NotifyBlock records a replica event for the next incremental report.
// RECEIVING waits for the next heartbeat; RECEIVED goes out as soon as
// the incremental interval allows; DELETED waits too.
func (c *Core) NotifyBlock(now time.Time, s Storage, ev BlockEvent) {
	c.ibr.add(s, ev)
	switch ev.Status {
	case Receiving:
		c.ibr.readyToSend = true
	case Received:
		c.ibr.readyToSend = true
		if c.ibr.sendImmediately(now) {
			c.wake = true
		}
	}
}

// ErrorReport queues an errorReport for this NameNode.
func (c *Core) ErrorReport(code ErrorCode, msg string) {
	c.enqueue(queued{errCode: code, msg: msg})
}

// ReportBadBlock queues a reportBadBlocks for this NameNode.
func (c *Core) ReportBadBlock(b BadBlock) { c.enqueue(queued{bad: &b}) }

func (c *Core) enqueue(q queued) {
	for _, x := range c.queue {
		if x.errCode == q.errCode && x.msg == q.msg && (x.bad == nil) == (q.bad == nil) &&
			(x.bad == nil || *x.bad == *q.bad) {
			return
		}
	}
	c.queue = append(c.queue, q)
}

// ForceFullBlockReport makes the next loop iteration send a full report
// without waiting for a lease.
func (c *Core) ForceFullBlockReport() { c.forceBR, c.resetBR = true, true }

// TriggerIncrementalReport is `dfsadmin -triggerBlockReport -incremental`:
// the pending replica events go out now, whatever their status and the
// incremental interval (nothing is sent when none is pending).
func (c *Core) TriggerIncrementalReport(now time.Time) {
	c.ibr.readyToSend = true
	c.ibr.lastIBR = now.Add(-c.ibr.interval)
	c.wake = true
}

package hadooprpc

import (
	"errors"
	"runtime"
	"time"
)

// errConnIdle closes a connection that had no calls for IdleTimeout.
var errConnIdle = errors.New("hadooprpc: connection idle")

// writeLoop is the connection's only writer. Callers queue frames; each
// wake-up writes everything queued so far with one Write, so frames from
// concurrent callers that queue during a write go out together in the
// next. Its timer sends pings and closes the connection when idle.
func (cn *clientConn) writeLoop() {
	tick := cn.tickInterval()
	var timer *time.Timer
	var timerC <-chan time.Time
	if tick > 0 {
		timer = time.NewTimer(tick)
		defer timer.Stop()
		timerC = timer.C
	}
	var spare []byte
	var lastPing int64
	for {
		select {
		case <-cn.wake:
		case <-timerC:
			next, ok := cn.onTimer(&lastPing)
			if !ok {
				return
			}
			timer.Reset(next)
			continue
		case <-cn.done:
			return
		}
		if cn.multiplexed() {
			// Let callers that are runnable (often ones the reader just
			// answered) queue their frames too, so that one write carries
			// them. Not for a lone caller: Gosched sends the writer to the
			// back of the global run queue.
			runtime.Gosched()
		}
		cn.w.Lock()
		buf := cn.w.buf
		cn.w.buf = spare[:0]
		cn.w.Unlock()
		if len(buf) == 0 {
			continue
		}
		if _, err := cn.nc.Write(buf); err != nil {
			cn.shutdown(cn.connErr("writing request to", err))
			return
		}
		if cap(buf) <= clientMaxPooledBuf {
			spare = buf
		}
	}
}

// multiplexed reports whether other calls are in flight besides the one
// that woke the writer.
func (cn *clientConn) multiplexed() bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.mu.live > 1
}

// tickInterval is the longest the writer's timer may sleep: the smaller of
// the enabled intervals, so that a change between busy and idle is seen in
// time to act on the deadline that change starts.
func (cn *clientConn) tickInterval() time.Duration {
	ping, idle := cn.c.cfg.PingInterval, cn.c.cfg.IdleTimeout
	switch {
	case ping <= 0:
		return idle
	case idle <= 0 || ping < idle:
		return ping
	}
	return idle
}

// onTimer pings when calls have waited PingInterval with nothing read
// (Client.Connection.sendPing), and closes the connection when it has had
// no calls for IdleTimeout (Client.Connection.waitForWork). It returns
// when to look again, or false once the connection is closed.
func (cn *clientConn) onTimer(lastPing *int64) (time.Duration, bool) {
	ping, idle := int64(cn.c.cfg.PingInterval), int64(cn.c.cfg.IdleTimeout)
	now := cn.now()
	cn.mu.Lock()
	if cn.mu.closed {
		cn.mu.Unlock()
		return 0, false
	}
	live, last := cn.mu.live, max(cn.mu.since, cn.lastRead.Load())
	if live == 0 && idle > 0 && now-last >= idle {
		calls := cn.closeLocked()
		cn.mu.Unlock()
		cn.finish(calls, errConnIdle)
		return 0, false
	}
	cn.mu.Unlock()
	next := int64(cn.tickInterval())
	switch {
	case live > 0 && ping > 0:
		last = max(last, *lastPing)
		if now-last >= ping {
			if !cn.sendPing() {
				return 0, false
			}
			*lastPing, last = now, now
		}
		next = min(next, last+ping-now)
	case live == 0 && idle > 0:
		next = min(next, last+idle-now)
	}
	return time.Duration(max(next, 1)), true
}

// sendPing writes a ping frame (call id -4, retry count -1).
func (cn *clientConn) sendPing() bool {
	frame, _ := appendHeaderFrame(nil, CallIDPing, cn.c.clientID, nil)
	if _, err := cn.nc.Write(frame); err != nil {
		cn.shutdown(cn.connErr("writing ping to", err))
		return false
	}
	return true
}

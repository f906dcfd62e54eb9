// Package throttle limits the byte rate of DataNode transfers, as Hadoop's
// DataTransferThrottler does for the balancer's block moves
// (dfs.datanode.balance.bandwidthPerSec, changed at run time by the
// NameNode's DNA_BALANCERBANDWIDTHUPDATE) and for DNA_TRANSFER copies
// (dfs.datanode.data.transfer.bandwidthPerSec).
//
// Time is cut into periods of 500 ms, each admitting rate/2 bytes, shared
// by every transfer using the same Throttler. A transfer takes what it
// moves from the current period's allowance; when that runs out it waits
// for as many periods as cover what it took. An allowance left unused does
// not pile up beyond one period, so an idle throttler admits no burst
// bigger than one period's worth.
package throttle

import (
	"context"
	"sync"
	"time"
)

// Period is the throttling period (DataTransferThrottler's default).
const Period = 500 * time.Millisecond

// Throttler is safe for concurrent use. The zero value is not usable; see
// New.
type Throttler struct {
	mu        sync.Mutex
	now       func() time.Time
	perPeriod int64     // bytes admitted per period
	start     time.Time // start of the current period
	left      int64     // allowance left in it; negative when overdrawn
}

// New returns a throttler for bytesPerSecond (> 0), reading the clock now
// (time.Now when nil).
func New(bytesPerSecond int64, now func() time.Time) *Throttler {
	if now == nil {
		now = time.Now
	}
	t := &Throttler{now: now, start: now()}
	t.perPeriod = perPeriod(bytesPerSecond)
	t.left = t.perPeriod
	return t
}

func perPeriod(bytesPerSecond int64) int64 {
	return max(bytesPerSecond*int64(Period/time.Millisecond)/1000, 1)
}

// SetRate changes the rate from the next period on; a rate ≤ 0 is
// ignored, as Hadoop refuses it.
func (t *Throttler) SetRate(bytesPerSecond int64) {
	if bytesPerSecond <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.perPeriod = perPeriod(bytesPerSecond)
}

// Rate returns the bytes per second admitted.
func (t *Throttler) Rate() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.perPeriod * 1000 / int64(Period/time.Millisecond)
}

// Reserve takes n bytes from the allowance and returns how long the
// caller must wait before moving them (0: at once).
func (t *Throttler) Reserve(n int64) time.Duration {
	if n <= 0 {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if elapsed := now.Sub(t.start); elapsed >= Period {
		k := int64(elapsed / Period)
		t.start = t.start.Add(time.Duration(k) * Period)
		t.left = min(t.left+k*t.perPeriod, t.perPeriod)
	}
	t.left -= n
	if t.left >= 0 {
		return 0
	}
	periods := (-t.left + t.perPeriod - 1) / t.perPeriod
	return t.start.Add(time.Duration(periods) * Period).Sub(now)
}

// Throttle is Reserve, then the wait; it returns early with ctx's error
// when ctx ends.
func (t *Throttler) Throttle(ctx context.Context, n int64) error {
	d := t.Reserve(n)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

package throttle

import (
	"context"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// 1 MB/s: 500,000 bytes per 500 ms period. What fits in the period goes at
// once; an overdraft waits for the periods that cover it.
func TestReserveWaitsForThePeriodsThatCoverWhatWasTaken(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	th := New(1_000_000, c.now)
	steps := []struct {
		advance time.Duration
		n       int64
		wait    time.Duration
	}{
		{0, 400_000, 0}, // within the first period
		{0, 100_000, 0}, // exactly used up
		{0, 1, Period},  // overdrawn by 1: next period
		{100 * time.Millisecond, 500_000, 900 * time.Millisecond}, // overdrawn by 500,001: two more periods from t0
		{900 * time.Millisecond, 0, 0},                            // nothing asked, nothing waited
	}
	for i, s := range steps {
		c.advance(s.advance)
		if got := th.Reserve(s.n); got != s.wait {
			t.Fatalf("step %d: Reserve(%d) waits %v, want %v", i, s.n, got, s.wait)
		}
	}
}

// An idle throttler admits at most one period's worth at once: unused
// allowance does not pile up.
func TestIdleTimeBuysNoMoreThanOnePeriod(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	th := New(1_000_000, c.now)
	c.advance(time.Hour)
	if got := th.Reserve(500_000); got != 0 {
		t.Fatalf("a full period's worth after an hour waits %v", got)
	}
	if got := th.Reserve(500_000); got != Period {
		t.Fatalf("a second period's worth waits %v, want %v", got, Period)
	}
}

// Moving B bytes at rate R takes about B/R, whatever the packet size, and
// a rate change applies from the next period.
func TestSustainedRateAndRateChange(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	th := New(10<<20, c.now)
	start := c.t
	for range 100 * 16 { // 100 MiB in 64 KiB packets
		c.advance(th.Reserve(64 << 10))
	}
	if took := c.t.Sub(start); took < 9500*time.Millisecond || took > 10*time.Second {
		t.Fatalf("100 MiB at 10 MiB/s took %v", took)
	}
	th.SetRate(20 << 20)
	th.SetRate(0) // refused: the rate stays
	if th.Rate() != 20<<20 {
		t.Fatalf("rate %d after SetRate(20 MiB/s), SetRate(0)", th.Rate())
	}
	start = c.t
	for range 100 * 16 {
		c.advance(th.Reserve(64 << 10))
	}
	if took := c.t.Sub(start); took < 4500*time.Millisecond || took > 5500*time.Millisecond {
		t.Fatalf("100 MiB at 20 MiB/s took %v", took)
	}
}

// Throttle gives up when its context ends.
func TestThrottleStopsWithItsContext(t *testing.T) {
	th := New(1, nil) // 1 byte per period
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := th.Throttle(ctx, 1<<20); err != context.Canceled {
		t.Fatalf("Throttle after cancel: %v", err)
	}
}

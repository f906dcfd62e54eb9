package namenode

import (
	"context"
	"github.com/hdfsd/hdfsd/internal/daemonhttp"
	"sync"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestRetryCacheReturnsTheFirstResultOfARetriedCall(t *testing.T) {
	c := NewRetryCache(10*time.Minute, 100)
	id := []byte("0123456789abcdef")
	call, _, hit, err := c.Begin(context.Background(), id, 7)
	if err != nil || hit || call == nil {
		t.Fatalf("first attempt: call %v hit %v err %v", call, hit, err)
	}
	call.Done(true, "first")
	_, payload, hit, _ := c.Begin(context.Background(), id, 7)
	if !hit || payload != "first" {
		t.Fatalf("retry got hit %v payload %v, want the first result", hit, payload)
	}
	// Another call id of the same client runs.
	if _, _, hit, _ := c.Begin(context.Background(), id, 8); hit {
		t.Fatal("a different call id hit the cache")
	}
}

func TestRetryCacheRunsAFailedCallAgain(t *testing.T) {
	c := NewRetryCache(time.Minute, 100)
	id := []byte("0123456789abcdef")
	call, _, _, _ := c.Begin(context.Background(), id, 1)
	call.Done(false, nil)
	call, _, hit, _ := c.Begin(context.Background(), id, 1)
	if hit || call == nil {
		t.Fatal("a retry of a failed call must run again")
	}
}

func TestRetryCacheRetryWaitsForTheRunningAttempt(t *testing.T) {
	c := NewRetryCache(time.Minute, 100)
	id := []byte("0123456789abcdef")
	call, _, _, _ := c.Begin(context.Background(), id, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	var got any
	go func() {
		defer wg.Done()
		_, got, _, _ = c.Begin(context.Background(), id, 1)
	}()
	time.Sleep(10 * time.Millisecond)
	call.Done(true, 42)
	wg.Wait()
	if got != 42 {
		t.Fatalf("waiting retry got %v, want 42", got)
	}
}

func TestRetryCacheExpiresAndIsBounded(t *testing.T) {
	clk := &fakeClock{time.Unix(1000, 0)}
	c := NewRetryCache(time.Minute, 3)
	c.now = clk.now
	id := []byte("0123456789abcdef")
	for i := int32(0); i < 5; i++ {
		c.Add(id, i, i)
	}
	if n := c.Len(); n != 3 {
		t.Fatalf("cache holds %d entries, want the bound 3", n)
	}
	clk.t = clk.t.Add(2 * time.Minute)
	c.Begin(context.Background(), id, 100)
	if n := c.Len(); n != 1 {
		t.Fatalf("after expiry the cache holds %d entries, want only the new claim", n)
	}
	// Calls without a client id are not cached.
	if call, _, _, _ := c.Begin(context.Background(), nil, 1); call != nil {
		t.Fatal("a call without a client id got a claim")
	}
}

func TestLeasesSoftAndHardLimits(t *testing.T) {
	t0 := time.Unix(0, 0)
	l := NewLeases(time.Minute, 20*time.Minute)
	l.Add("DFSClient_1", 16386, t0)
	l.Add("DFSClient_1", 16387, t0)
	l.Add("DFSClient_2", 16388, t0.Add(10*time.Minute))
	if l.SoftExpired("DFSClient_1", t0.Add(30*time.Second)) {
		t.Fatal("soft limit expired after 30 s")
	}
	if !l.SoftExpired("DFSClient_1", t0.Add(61*time.Second)) {
		t.Fatal("soft limit not expired after 61 s")
	}
	if got := l.HardExpired(t0.Add(21 * time.Minute)); len(got) != 2 || got[0] != 16386 || got[1] != 16387 {
		t.Fatalf("hard-expired files %v, want the two of DFSClient_1", got)
	}
	l.Renew("DFSClient_1", t0.Add(21*time.Minute))
	if got := l.HardExpired(t0.Add(21 * time.Minute)); len(got) != 0 {
		t.Fatalf("renewed lease still expired: %v", got)
	}
	l.Remove(16386)
	l.Remove(16387)
	if files, holders := l.Count(); files != 1 || holders != 1 {
		t.Fatalf("count %d files %d holders, want 1 and 1", files, holders)
	}
	if l.Renew("DFSClient_1", t0) {
		t.Fatal("a holder without files renewed")
	}
}

func TestSafeMode(t *testing.T) {
	if NewSafeMode(0.999, 0).On() {
		t.Fatal("a namespace without blocks starts in safe mode")
	}
	s := NewSafeMode(0.999, 10)
	if !s.On() {
		t.Fatal("a namespace with unreported blocks starts out of safe mode")
	}
	if err := s.Leave(false); err == nil {
		t.Fatal("leave without force below the threshold succeeded")
	}
	if err := s.Leave(true); err != nil || s.On() {
		t.Fatalf("forced exit: %v, on=%v", err, s.On())
	}
	s.Enter()
	if !s.On() || s.Tip() != `It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.` {
		t.Fatalf("manual safe mode: on=%v tip=%q", s.On(), s.Tip())
	}
	if err := s.Leave(false); err != nil || s.On() {
		t.Fatalf("leave: %v on=%v", err, s.On())
	}
}

func TestGroupsAreCached(t *testing.T) {
	calls := 0
	g := NewGroups(func(u string) []string {
		calls++
		if u == "alice" {
			return []string{"alice", "staff"}
		}
		return nil
	}, 300*time.Second, 30*time.Second)
	clk := &fakeClock{time.Unix(0, 0)}
	g.now = clk.now
	g.Of("alice")
	g.Of("alice")
	g.Of("nobody")
	g.Of("nobody")
	if calls != 2 {
		t.Fatalf("%d lookups, want 2", calls)
	}
	clk.t = clk.t.Add(31 * time.Second)
	g.Of("alice")
	g.Of("nobody")
	if calls != 3 {
		t.Fatalf("%d lookups after 31 s, want 3 (only the negative entry expired)", calls)
	}
}

func TestJMXQueryPatterns(t *testing.T) {
	for _, c := range []struct {
		q, name string
		want    bool
	}{
		{"Hadoop:service=NameNode,name=NameNodeStatus", "Hadoop:service=NameNode,name=NameNodeStatus", true},
		{"Hadoop:service=NameNode,name=*", "Hadoop:service=NameNode,name=FSNamesystemState", true},
		{"Hadoop:service=NameNode,name=FS*", "Hadoop:service=NameNode,name=FSNamesystemState", true},
		{"Hadoop:service=NameNode,name=FS*", "Hadoop:service=NameNode,name=NameNodeInfo", false},
		{"Hadoop:*", "Hadoop:service=NameNode,name=NameNodeInfo", true},
		{"java.lang:type=Memory", "Hadoop:service=NameNode,name=NameNodeInfo", false},
	} {
		if got := daemonhttp.MatchBean(c.q, c.name); got != c.want {
			t.Errorf("daemonhttp.MatchBean(%q, %q) = %v, want %v", c.q, c.name, got, c.want)
		}
	}
}

func TestDutyCycleRestsInProportionToWork(t *testing.T) {
	var slept time.Duration
	d := newDutyCycle(1.0 / 3)
	d.sleep = func(s time.Duration) { slept += s }
	d.start = time.Now().Add(-30 * time.Millisecond)
	d.tick()
	if slept < 59*time.Millisecond || slept > 70*time.Millisecond {
		t.Fatalf("after 30 ms of work at a third of a core it slept %v, want about 60 ms", slept)
	}
	slept = 0
	d.tick() // no work since
	if slept != 0 {
		t.Fatalf("slept %v without work", slept)
	}
}

package heapfloor

import (
	"runtime"
	"testing"
	"time"
)

func TestPercentPutsTheNextCollectionAtTheFloorOrAtTheUsualPace(t *testing.T) {
	p := Policy{Floor: 64 << 20, Base: 100}
	for _, c := range []struct {
		name              string
		live              uint64
		wantAtLeast, want int
	}{
		{name: "small heap waits for the floor", live: 4 << 20, wantAtLeast: 1500},
		{name: "heap over the floor keeps GOGC's pace", live: 100 << 20, want: 100},
		{name: "doubling already passes the floor", live: 40 << 20, want: 100},
		{name: "empty heap is bounded", live: 0, want: maxPercent},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := p.Percent(c.live)
			if c.want != 0 && got != c.want {
				t.Fatalf("Percent(%d) = %d, want %d", c.live, got, c.want)
			}
			if got < c.wantAtLeast {
				t.Fatalf("Percent(%d) = %d, want at least %d", c.live, got, c.wantAtLeast)
			}
			if c.live > 0 {
				if goal := c.live + c.live*uint64(got)/100; goal < p.Floor {
					t.Fatalf("next collection at %d bytes, below the floor %d", goal, p.Floor)
				}
			}
		})
	}
}

// A large heap (a NameNode with tens of millions of files) gathers about a
// quarter gigabyte of garbage between collections, not its own size.
func TestPercentKeepsHeadroomNearAQuarterGigabyteOnLargeHeaps(t *testing.T) {
	p := Policy{Floor: DefaultFloor, Headroom: DefaultHeadroom, MinPercent: DefaultMinPercent, Base: DefaultBase}
	for _, c := range []struct {
		live uint64
		want int
	}{
		{64 << 20, 100}, {256 << 20, 100}, {512 << 20, 50}, {1 << 30, 25}, {8 << 30, 10},
	} {
		if got := p.Percent(c.live); got != c.want {
			t.Errorf("Percent(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
	if got := p.Percent(8 << 20); got < 700 {
		t.Errorf("Percent(8 MiB) = %d: a small heap must wait for the 64 MiB floor", got)
	}
}

func TestFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		name   string
		getenv func(string) string
		floor  uint64
		ok     bool
		bad    bool
	}{
		{"default", env(), DefaultFloor, true, false},
		{"GOGC set by the operator wins", env("GOGC", "200", "HADOOP_HEAPSIZE_MIN", "1g"), 0, false, false},
		{"MiB without a unit, as Hadoop", env("HADOOP_HEAPSIZE_MIN", "512"), 512 << 20, true, false},
		{"g suffix", env("HADOOP_HEAPSIZE_MIN", "2g"), 2 << 30, true, false},
		{"k suffix", env("HADOOP_HEAPSIZE_MIN", "900K"), 900 << 10, true, false},
		{"zero turns it off", env("HADOOP_HEAPSIZE_MIN", "0"), 0, false, false},
		{"garbage is an error", env("HADOOP_HEAPSIZE_MIN", "lots"), 0, false, true},
		{"overflow is an error", env("HADOOP_HEAPSIZE_MIN", "99999999999999g"), 0, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			floor, ok, err := FromEnv(c.getenv)
			if (err != nil) != c.bad {
				t.Fatalf("err = %v, want error: %v", err, c.bad)
			}
			if floor != c.floor || ok != c.ok {
				t.Fatalf("FromEnv = %d, %v; want %d, %v", floor, ok, c.floor, c.ok)
			}
		})
	}
}

// The tuner follows the live heap collection by collection: small, it
// raises the percentage; once more than the floor is live, it is back at
// the base; stopped, the base is restored.
func TestTunerFollowsTheLiveHeap(t *testing.T) {
	const floor = 16 << 20
	tu := Start(Policy{Floor: floor, Base: 100})
	defer tu.Stop()
	waitCycle := func() {
		t.Helper()
		n := tu.Cycles()
		deadline := time.Now().Add(10 * time.Second)
		for tu.Cycles() == n {
			if time.Now().After(deadline) {
				t.Fatal("the tuner saw no collection")
			}
			runtime.GC()
			time.Sleep(time.Millisecond)
		}
	}
	waitCycle()
	if p := tu.Percent(); p <= 100 {
		t.Fatalf("with a small live heap the percentage is %d, want above 100", p)
	}
	keep := make([][]byte, 0, 48)
	for range 48 {
		keep = append(keep, make([]byte, 1<<20))
	}
	waitCycle()
	waitCycle()
	if p := tu.Percent(); p != 100 {
		t.Fatalf("with %d MiB live over a %d MiB floor the percentage is %d, want 100", len(keep), floor>>20, p)
	}
	runtime.KeepAlive(keep)
	tu.Stop()
	if p := tu.Percent(); p != 100 {
		t.Fatalf("after Stop the percentage is %d, want 100", p)
	}
}

package xceiver

import (
	"testing"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
)

// BlockReceiver's rule: every 8 MiB written, sync what was written since
// the last time and drop what lies more than 8 MiB behind that point.
func TestCacheBehindEvery8MiB(t *testing.T) {
	const mib = 1 << 20
	c := cacheBehind{sync: true, drop: true}
	for _, s := range []struct {
		off  int64
		want cacheActions
	}{
		{4 * mib, cacheActions{}},                             // under the lag: nothing
		{8 * mib, cacheActions{}},                             // not past it
		{9 * mib, cacheActions{syncOff: 0, syncLen: 9 * mib}}, // sync all so far; nothing far enough behind to drop
		{17 * mib, cacheActions{}},                            // 8 MiB since: not past the lag
		{18 * mib, cacheActions{syncOff: 9 * mib, syncLen: 9 * mib, dropLen: 1 * mib}},
		{30 * mib, cacheActions{syncOff: 18 * mib, syncLen: 12 * mib, dropLen: 10 * mib}},
	} {
		if got := c.step(s.off); got != s.want {
			t.Fatalf("at %d MiB: %+v, want %+v", s.off/mib, got, s.want)
		}
	}
	syncOnly := cacheBehind{sync: true}
	syncOnly.step(9 * mib)
	if got := syncOnly.step(18 * mib); got.dropLen != 0 || got.syncLen != 9*mib {
		t.Errorf("sync only: %+v", got)
	}
	off := cacheBehind{}
	if got := off.step(100 * mib); got != (cacheActions{}) {
		t.Errorf("neither option: %+v", got)
	}
}

// With both options on, a 20 MiB block is written and reads back whole.
func TestWriteWithCacheBehindOptions(t *testing.T) {
	n := startNode(t, func(c *Config) { c.SyncBehindWrites, c.DropCacheBehindWrites = true, true })
	b := fsdataset.Block{ID: 62, GenStamp: 1}
	data := pattern(20<<20+77, 12)
	writeBlock(t, []*node{n}, b, data)
	b.NumBytes = int64(len(data))
	if got := n.data(b); len(got) != len(data) || string(got) != string(data) {
		t.Fatalf("read back %d bytes, want the %d written", len(got), len(data))
	}
}

// BlockSender's read rules, for a 10 MiB read in 1 MiB packets: a 4 MiB
// window is read ahead, and the next one once half of it is consumed; with
// drop-behind, what was sent is dropped every 1 MiB, and the rest at the
// end.
func TestReadCacheAheadAndBehind(t *testing.T) {
	const mib = 1 << 20
	c := newReadCache(0, 10*mib, -1, 4*mib, true, true, false)
	for i, s := range []struct {
		what string
		got  readActions
		want readActions
	}{
		{"before 0", c.before(0, 10*mib), readActions{aheadOff: 0, aheadLen: 4 * mib}},
		{"after 1 MiB", c.after(1*mib, false), readActions{dropOff: 0, dropLen: 1 * mib}},
		{"before 1 MiB", c.before(1*mib, 10*mib), readActions{}},
		{"after 2 MiB", c.after(2*mib, false), readActions{dropOff: 1 * mib, dropLen: 1 * mib}},
		{"before 2 MiB", c.before(2*mib, 10*mib), readActions{aheadOff: 4 * mib, aheadLen: 2 * mib}},
		{"after 2.5 MiB", c.after(2*mib+mib/2, false), readActions{}},
		{"after 10 MiB, the end", c.after(10*mib, true), readActions{dropOff: 2 * mib, dropLen: 8 * mib}},
	} {
		if s.got != s.want {
			t.Fatalf("step %d, %s: %+v, want %+v", i, s.what, s.got, s.want)
		}
	}

	// The DataNode's drop-behind applies to long reads only; a client's
	// choice applies to every read; readahead 0 reads nothing ahead.
	if c := newReadCache(0, 100<<10, 0, 4*mib, false, false, true); c.drop || c.readahead != 0 {
		t.Errorf("a short read with the DataNode's drop-behind: %+v", c)
	}
	if c := newReadCache(0, 300<<10, -1, 4*mib, false, false, true); !c.drop || c.readahead != 4*mib {
		t.Errorf("a long read with the DataNode's drop-behind: %+v", c)
	}
	if c := newReadCache(0, 300<<10, -1, 4*mib, true, false, true); c.drop {
		t.Errorf("the client said no drop-behind: %+v", c)
	}
}

// With read-ahead and drop-behind reads on, a 3 MiB block reads back whole.
func TestReadWithCacheOptions(t *testing.T) {
	n := startNode(t, func(c *Config) { c.Readahead, c.DropCacheBehindReads = 4<<20, true })
	b := fsdataset.Block{ID: 63, GenStamp: 1}
	data := pattern(3<<20+5, 13)
	writeBlock(t, []*node{n}, b, data)
	if _, got := dial(t, n.addr).readBlock(b, 0, int64(len(data)), true); string(got) != string(data) {
		t.Fatalf("read %d bytes, want the %d written", len(got), len(data))
	}
}

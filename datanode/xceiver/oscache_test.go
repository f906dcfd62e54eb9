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

package namenode

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The namespace lives in large pointer-free tables, which the collector
// does not have to scan, so collecting often is cheap while the default
// GOGC=100 would let a 10-million-file heap grow by its whole size between
// collections. gcTuner keeps the headroom between the live heap and the
// next collection near gcHeadroom once the live heap is large, and at
// GOGC=100 below that (unless the operator set GOGC).

const (
	gcHeadroom   = 256 << 20 // bytes of garbage allowed above the live heap
	gcMinPercent = 10
	gcMaxPercent = 100
)

// gcPercentFor is the GOGC that allows about gcHeadroom of garbage above
// live bytes, within [gcMinPercent, gcMaxPercent].
func gcPercentFor(live uint64) int {
	if live == 0 {
		return gcMaxPercent
	}
	p := int(uint64(gcHeadroom) * 100 / live)
	return min(max(p, gcMinPercent), gcMaxPercent)
}

// tuneGC adjusts GOGC to the live heap every interval until ctx ends.
func tuneGC(ctx context.Context, every time.Duration) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	last := -1
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		metrics.Read(s)
		if s[0].Value.Kind() == metrics.KindUint64 {
			if p := gcPercentFor(s[0].Value.Uint64()); p != last {
				debug.SetGCPercent(p)
				last = p
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

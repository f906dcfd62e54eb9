package namenode

import (
	"encoding/json"
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"time"
)

// Process figures for the JvmMetrics bean and the benchmarks: heap, GC
// counts and pause percentiles from the Go runtime.

type gcFigures struct {
	HeapAllocBytes uint64
	HeapSysBytes   uint64
	NumGC          uint32
	PauseTotal     time.Duration
	PauseP50       time.Duration
	PauseP99       time.Duration
	PauseMax       time.Duration
}

func readGC() gcFigures {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f := gcFigures{HeapAllocBytes: ms.HeapAlloc, HeapSysBytes: ms.HeapSys, NumGC: ms.NumGC,
		PauseTotal: time.Duration(ms.PauseTotalNs)}
	s := []metrics.Sample{{Name: "/sched/pauses/total/gc:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindFloat64Histogram {
		h := s[0].Value.Float64Histogram()
		f.PauseP50, f.PauseP99, f.PauseMax = quantile(h, 0.5), quantile(h, 0.99), quantile(h, 1)
	}
	return f
}

// quantile is the upper bound of the bucket holding quantile q.
func quantile(h *metrics.Float64Histogram, q float64) time.Duration {
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	want := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, c := range h.Counts {
		seen += c
		if seen >= want && c > 0 {
			hi := h.Buckets[i+1]
			if math.IsInf(hi, 1) {
				hi = h.Buckets[i]
			}
			return time.Duration(hi * float64(time.Second))
		}
	}
	return 0
}

// serveHeap answers /debug/heap: the live heap after a full collection
// and the namespace's size, for the memory benchmark.
func (d *Daemon) serveHeap(w http.ResponseWriter, r *http.Request) {
	runtime.GC()
	f := readGC()
	st := d.ns.tree.Stats()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"liveHeapBytes": f.HeapAllocBytes, "heapSysBytes": f.HeapSysBytes, "inodes": st.Inodes,
		"blocks": st.Blocks, "numGC": f.NumGC, "gcPauseP50Micros": f.PauseP50.Microseconds(),
		"gcPauseP99Micros": f.PauseP99.Microseconds(), "gcPauseMaxMicros": f.PauseMax.Microseconds(),
	})
}

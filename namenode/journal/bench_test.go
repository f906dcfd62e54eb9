package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// BenchmarkSync: concurrent writers each append one op and Sync it, on a
// real directory. Reported: txns/s, fsyncs/s (flushes), the mean batch,
// and the raw latency of a small write+fsync on the same disk, measured
// in the same run, which bounds a lone writer's rate.
func BenchmarkSync(b *testing.B) {
	for _, writers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			root := b.TempDir()
			os.MkdirAll(filepath.Join(root, "current"), 0o755)
			raw := fsyncLatency(b, filepath.Join(root, "probe"))
			dirs := storage.NewDirs(nil, []string{root})
			j, err := Open(storage.OSFS, dirs, 1, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			before := j.Stats()
			var left atomic.Int64
			left.Store(int64(b.N))
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := 0; left.Add(-1) >= 0; i++ {
						txid, err := j.Append(setOwner(fmt.Sprintf("/bench/w%d/f%d", w, i)))
						if err == nil {
							err = j.Sync(ctx, txid)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			secs := time.Since(start).Seconds()
			b.StopTimer()
			st := j.Stats()
			syncs := st.Syncs - before.Syncs
			b.ReportMetric(float64(b.N)/secs, "txns/s")
			b.ReportMetric(float64(syncs)/secs, "fsyncs/s")
			b.ReportMetric(float64(b.N)/float64(max(syncs, 1)), "txns/fsync")
			b.ReportMetric(float64(raw.Microseconds()), "raw-fsync-µs")
		})
	}
}

// fsyncLatency is the median time of a 256-byte write and fsync.
func fsyncLatency(b *testing.B, path string) time.Duration {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(path)
	defer f.Close()
	buf := make([]byte, 256)
	var ds []time.Duration
	for range 21 {
		t := time.Now()
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	for i := range ds { // insertion sort: 21 items
		for k := i; k > 0 && ds[k] < ds[k-1]; k-- {
			ds[k], ds[k-1] = ds[k-1], ds[k]
		}
	}
	return ds[len(ds)/2]
}

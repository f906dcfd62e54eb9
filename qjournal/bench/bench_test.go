package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestRunLocal(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"-local", "3", "-writers", "2", "-batch", "10", "-batches", "30", "-roll", "50"}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "txns=600") {
		t.Fatalf("exit %d, out %q, err %q", code, out.String(), errb.String())
	}
}

func TestRunNeedsJournals(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run(context.Background(), nil, &out, &errb); code != 2 {
		t.Fatalf("exit %d", code)
	}
}

// BenchmarkQJMJournal journals batches of 100 transactions to three
// in-memory JournalNodes over loopback RPC; it reports txns/s and the
// batch latency percentiles.
func BenchmarkQJMJournal(b *testing.B) {
	for _, writers := range []int{1, 4} {
		b.Run(map[int]string{1: "writers=1", 4: "writers=4"}[writers], func(b *testing.B) {
			rep, err := Measure(context.Background(), Options{Local: 3, JournalID: "b", Writers: writers,
				Batch: 100, Batches: max(1, b.N/writers), Roll: 100000, Format: true, Duration: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(rep.TxnsPerSec, "txns/s")
			b.ReportMetric(float64(rep.P50.Microseconds()), "p50-µs")
			b.ReportMetric(float64(rep.P99.Microseconds()), "p99-µs")
		})
	}
}

package bench

import (
	"bytes"
	"context"
	"strconv"
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

// TestRunGroupCommitLocal checks the group-commit line: every key, batches
// that carry the ops (never more batches than transactions), and a batch
// latency no larger than the op latency that contains it.
func TestRunGroupCommitLocal(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"-local", "3", "-clients", "1,8", "-duration", "200ms",
		"-fsyncrounds", "20", "-diskdir", t.TempDir()}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, err %q", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per client count, got %q", out.String())
	}
	for i, line := range lines {
		kv := map[string]float64{}
		for _, f := range strings.Fields(line) {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				t.Fatalf("field %q of %q is not key=value", f, line)
			}
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				kv[k] = n
			}
		}
		for _, k := range []string{"clients", "txns", "elapsed_s", "txns_per_s", "batches", "txns_per_batch",
			"batch_p50_us", "batch_p99_us", "op_p50_us", "op_p99_us", "fsync1_p50_us", "fsync1_p99_us",
			"qfsync_p50_us", "qfsync_p99_us", "batch_p99_over_qfsync_p99", "op_p99_over_qfsync_p99"} {
			if _, ok := kv[k]; !ok {
				t.Errorf("line %d: no %s in %q", i, k, line)
			}
		}
		if kv["clients"] != []float64{1, 8}[i] || kv["txns"] <= 0 || kv["batches"] <= 0 || kv["batches"] > kv["txns"]+1 {
			t.Errorf("line %d: counts don't add up: %q", i, line)
		}
		if kv["batch_p50_us"] > kv["op_p50_us"] || kv["qfsync_p50_us"] <= 0 {
			t.Errorf("line %d: latencies don't add up: %q", i, line)
		}
	}
}

func TestMeasureFsync(t *testing.T) {
	f, err := MeasureFsync(t.TempDir(), 3, 10, 200)
	if err != nil {
		t.Fatal(err)
	}
	if f.Single.N != 10 || f.Quorum.N != 10 || f.Single.P50 <= 0 || f.Quorum.P50 <= 0 || f.Quorum.P99 > f.Quorum.Max {
		t.Fatalf("%+v", f)
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

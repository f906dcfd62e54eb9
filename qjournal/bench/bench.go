// Package bench measures the quorum journal: journal throughput (txns/s)
// and the latency of each acknowledged batch (p50, p99). With -clients
// (MeasureGroupCommit, what `make bench-qjm` runs) N clients share one
// NameNode edit log writing to the JournalNodes, and the machine's fsync
// latency as a quorum of JournalNodes meets it (MeasureFsync) is measured
// before each run; otherwise N writers each write their own journal in
// fixed batches (Measure). Each run prints one line of key=value pairs.
// Run is the entry point for `hdfsd bench qjm`.
package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/qjournal/client"
	"github.com/hdfsd/hdfsd/qjournal/internal/memjn"
)

// Options are the benchmark's knobs.
type Options struct {
	Journals  []string      // JournalNode RPC addresses; empty with Local > 0
	Local     int           // start this many in-memory JournalNodes instead
	JournalID string        // writer i writes journal "<JournalID>-<i>"
	Writers   int           // concurrent writers
	Batch     int           // transactions per journal call
	Duration  time.Duration // how long each writer writes
	Batches   int           // or how many batches each writer writes (0: by Duration)
	Roll      int           // transactions per segment
	Format    bool          // format each journal first (force)
}

// Report is what one run measured.
type Report struct {
	Txns       int64
	Batches    int
	Elapsed    time.Duration
	P50, P99   time.Duration
	Max        time.Duration
	TxnsPerSec float64
}

func (r Report) String() string {
	return fmt.Sprintf("txns=%d batches=%d elapsed_s=%.3f txns_per_s=%.0f batch_p50_us=%s batch_p99_us=%s batch_max_us=%s",
		r.Txns, r.Batches, r.Elapsed.Seconds(), r.TxnsPerSec, us(r.P50), us(r.P99), us(r.Max))
}

// Run parses args, runs the benchmark and prints the report; it returns
// the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench qjm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	journals := fs.String("journals", "", "JournalNode RPC addresses, host:port separated by ',' or ';'")
	fs.IntVar(&o.Local, "local", 0, "start this many in-memory JournalNodes instead of -journals")
	fs.StringVar(&o.JournalID, "jid", "qjmbench", "journal id prefix; writer i uses <jid>-<i>")
	fs.IntVar(&o.Writers, "writers", 1, "concurrent writers, one journal each")
	fs.IntVar(&o.Batch, "batch", 100, "transactions per journal call")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "how long each writer writes")
	fs.IntVar(&o.Batches, "batches", 0, "batches per writer (overrides -duration)")
	fs.IntVar(&o.Roll, "roll", 100000, "transactions per segment")
	fs.BoolVar(&o.Format, "format", true, "format each benchmark journal first")
	clients := fs.String("clients", "", "group commit: comma-separated counts of concurrent clients sharing one NameNode edit log (e.g. 1,4,16,64); replaces -writers/-batch")
	diskDir := fs.String("diskdir", "", "group commit: where to measure the disk's fsync latency, on the JournalNodes' disk (default: the temp dir)")
	fsyncRounds := fs.Int("fsyncrounds", FsyncRounds, "group commit: rounds of each fsync measurement")
	cpuProfile := fs.String("cpuprofile", "", "write this process's CPU profile of the run to this file")
	memProfile := fs.String("memprofile", "", "write this process's allocation profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	stop, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		fmt.Fprintf(stderr, "bench qjm: %v\n", err)
		return 1
	}
	defer func() {
		if err := stop(); err != nil {
			fmt.Fprintf(stderr, "bench qjm: %v\n", err)
		}
	}()
	for _, a := range strings.FieldsFunc(*journals, func(r rune) bool { return r == ',' || r == ';' }) {
		o.Journals = append(o.Journals, strings.TrimSpace(a))
	}
	if len(o.Journals) == 0 && o.Local == 0 {
		fmt.Fprintln(stderr, "bench qjm: give -journals host:port,... or -local N")
		return 2
	}
	if *clients != "" {
		return runGroupCommit(ctx, o, *clients, *diskDir, *fsyncRounds, stdout, stderr)
	}
	rep, err := Measure(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "bench qjm: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "bench=qjm mode=writers writers=%d batch=%d %v\n", o.Writers, o.Batch, rep)
	return 0
}

// runGroupCommit runs MeasureGroupCommit for each count in clients, one
// output line each. With o.Local the JournalNodes are in memory (tests):
// the fsync baseline then describes a disk they do not use.
func runGroupCommit(ctx context.Context, o Options, clients, diskDir string, fsyncRounds int, stdout, stderr io.Writer) int {
	var counts []int
	for _, f := range strings.Split(clients, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n <= 0 {
			fmt.Fprintf(stderr, "bench qjm: -clients: bad count %q\n", f)
			return 2
		}
		counts = append(counts, n)
	}
	if len(o.Journals) == 0 {
		jns, err := memjn.Start(o.Local, false)
		if err != nil {
			fmt.Fprintf(stderr, "bench qjm: %v\n", err)
			return 1
		}
		defer memjn.Close(jns)
		o.Journals = memjn.Addrs(jns)
	}
	for i, n := range counts {
		rep, err := MeasureGroupCommit(ctx, GroupCommit{Journals: o.Journals, JID: fmt.Sprintf("%s-gc%d", o.JournalID, i),
			Clients: n, Duration: o.Duration, Dir: diskDir, FsyncRounds: fsyncRounds})
		if err != nil {
			fmt.Fprintf(stderr, "bench qjm: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "bench=qjm mode=groupcommit %v\n", rep)
	}
	return 0
}

// Measure runs the benchmark.
func Measure(ctx context.Context, o Options) (Report, error) {
	if o.Writers <= 0 || o.Batch <= 0 || o.Roll <= 0 {
		return Report{}, errors.New("writers, batch and roll must be positive")
	}
	if o.Local > 0 {
		jns, err := memjn.Start(o.Local, false)
		if err != nil {
			return Report{}, err
		}
		defer memjn.Close(jns)
		o.Journals = memjn.Addrs(jns)
	}
	var mu sync.Mutex
	var lat []time.Duration
	var txns int64
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < o.Writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, n, err := writer(ctx, o, fmt.Sprintf("%s-%d", o.JournalID, i))
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, l...)
			txns += n
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return Report{}, firstErr
	}
	return report(lat, txns, time.Since(start)), nil
}

func report(lat []time.Duration, txns int64, elapsed time.Duration) Report {
	r := Report{Txns: txns, Batches: len(lat), Elapsed: elapsed}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.P50, r.P99, r.Max = lat[len(lat)/2], lat[(len(lat)*99)/100], lat[len(lat)-1]
	}
	if elapsed > 0 {
		r.TxnsPerSec = float64(txns) / elapsed.Seconds()
	}
	return r
}

// writer formats (optionally), becomes the writer of jid and journals
// batches until the time or count runs out, rolling segments.
func writer(ctx context.Context, o Options, jid string) ([]time.Duration, int64, error) {
	m := client.New(client.Config{Journals: o.Journals, JournalID: jid,
		Namespace: client.NamespaceInfo{LayoutVersion: editlog.CurrentLayoutVersion, NamespaceID: 4242,
			ClusterID: "CID-qjm-bench", BlockPoolID: "BP-4242-127.0.0.1-1", BuildVersion: "hdfsd", SoftwareVersion: "3.4.1"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer m.Close()
	if o.Format {
		if err := m.Format(ctx, true); err != nil {
			return nil, 0, err
		}
	}
	rec, err := m.RecoverUnfinalizedSegments(ctx)
	if err != nil {
		return nil, 0, err
	}
	next := uint64(1)
	if rec.Recovered {
		next = rec.Segment.End + 1
	}
	w := &segWriter{m: m}
	deadline := time.Now().Add(o.Duration)
	var lat []time.Duration
	var txns int64
	for b := 0; ; b++ {
		if (o.Batches > 0 && b >= o.Batches) || (o.Batches == 0 && time.Now().After(deadline)) || ctx.Err() != nil {
			break
		}
		if w.s == nil {
			if err := w.start(ctx, next); err != nil {
				return lat, txns, err
			}
			next++
		}
		t0 := time.Now()
		if err := w.journal(ctx, next, o.Batch); err != nil {
			return lat, txns, err
		}
		lat = append(lat, time.Since(t0))
		next += uint64(o.Batch)
		txns += int64(o.Batch)
		if next-w.s.Segment() >= uint64(o.Roll) {
			if err := w.roll(ctx, next); err != nil {
				return lat, txns, err
			}
			next++
		}
	}
	return lat, txns, nil
}

// startProfiles starts a CPU profile into cpu and arranges an allocation
// profile into mem (either may be empty); the returned func ends both.
func startProfiles(cpu, mem string) (func() error, error) {
	var cf *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("cpu profile %s: %w", cpu, err)
		}
		cf = f
	}
	return func() error {
		var errs []error
		if cf != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cf.Close())
		}
		if mem != "" {
			f, err := os.Create(mem)
			if err != nil {
				return errors.Join(append(errs, fmt.Errorf("memory profile: %w", err))...)
			}
			errs = append(errs, pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
		}
		return errors.Join(errs...)
	}, nil
}

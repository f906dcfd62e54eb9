package nnbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/hadooprpc"
)

// errThreads reports that some benchmark threads failed; the results of
// the others are still printed.
var errThreads = errors.New("nnbench: benchmark threads failed")

// Run runs NNThroughputBenchmark's command line args against the NameNode
// named by -fs (or -namenode, or -D fs.defaultFS=), writing the results to
// stdout and progress and errors to stderr. It returns the process exit
// status: 0, 1 on errors, 255 (ExitUtil.terminate(-1)) after the usage. A
// nil dial means RPCDialer with a zero hadooprpc.ClientConfig.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, dial Dialer) int {
	return run(ctx, args, stdout, stderr, dial, time.Now)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, dial Dialer, now func() time.Time) int {
	err := runErr(ctx, args, stdout, stderr, dial, now)
	var usage usageError
	switch {
	case errors.As(err, &usage):
		printUsage(stderr)
		return usageExit
	case err != nil:
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func runErr(ctx context.Context, args []string, stdout, stderr io.Writer, dial Dialer, now func() time.Time) error {
	args, addr, err := generic(args)
	if err != nil {
		return err
	}
	ops, c, err := parseOps(args, stderr)
	if err != nil {
		return err
	}
	if addr == "" {
		return errors.New("nnbench: no remote NameNode; give -fs hdfs://host:port")
	}
	if dial == nil {
		dial = RPCDialer(hadooprpc.ClientConfig{})
	}
	conn, err := dial(ctx, addr)
	if err != nil {
		return fmt.Errorf("nnbench: connecting to %s: %w", addr, err)
	}
	defer conn.Close()
	b := &bench{nn: nn{conn}, common: c, stderr: stderr, now: now, epoch: now()}
	return b.runAll(ctx, ops, stdout)
}

// parseOps builds the ops the command line asks for, in the Java tool's
// order.
func parseOps(args []string, stderr io.Writer) ([]*op, common, error) {
	args, c, err := parseCommon(args)
	if err != nil {
		return nil, c, err
	}
	typ := args[1]
	all := typ == opAll
	var ops []*op
	for _, name := range []string{opCreate, opMkdirs, opOpen, opDelete, opFileStatus, opRename, opBlockReport, opReplication, opClean} {
		if !all && name != typ {
			continue
		}
		if name == opBlockReport || name == opReplication {
			if !all {
				return nil, c, fmt.Errorf("nnbench: -op %s is not supported against a remote NameNode", name)
			}
			fmt.Fprintf(stderr, "The %s test is ignored: it needs simulated DataNodes.\n", name)
			continue
		}
		s, err := parseSpec(name, args, all)
		if err != nil {
			return nil, c, err
		}
		ops = append(ops, &op{spec: s})
	}
	if len(ops) == 0 {
		return nil, c, usageError{}
	}
	return ops, c, nil
}

// bench runs ops against one NameNode connection.
type bench struct {
	nn     nn
	common common
	stderr io.Writer
	now    func() time.Time
	epoch  time.Time
	logMu  sync.Mutex
}

// ms is the clock in whole milliseconds, as Java's Time.now().
func (b *bench) ms() int64 { return b.now().Sub(b.epoch).Milliseconds() }

func (b *bench) logf(format string, args ...any) {
	b.logMu.Lock()
	defer b.logMu.Unlock()
	fmt.Fprintf(b.stderr, format+"\n", args...)
}

// runAll benchmarks and cleans up each op, then prints all results.
func (b *bench) runAll(ctx context.Context, ops []*op, stdout io.Writer) error {
	results := make([]stats, len(ops))
	var failed error
	for i, o := range ops {
		b.logf("Starting benchmark: %s", o.name)
		st, err := b.benchmark(ctx, o)
		if err != nil && !errors.Is(err, errThreads) {
			return err
		}
		failed = errors.Join(failed, err)
		results[i] = st
		if err := o.cleanUp(ctx, b); err != nil {
			return err
		}
	}
	for i, o := range ops {
		printResults(stdout, o.spec, results[i])
	}
	return failed
}

// splitOps divides n operations among threads as OperationStatsBase does:
// each gets an equal share of what is left, at least one while any is left.
func splitOps(n, threads int) []int {
	per := make([]int, threads)
	for t, done := 0, 0; done < n && t < threads; t++ {
		per[t] = max((n-done)/(threads-t), 1)
		done += per[t]
	}
	return per
}

// benchmark generates the op's inputs, then runs its threads and times
// them.
func (b *bench) benchmark(ctx context.Context, o *op) (stats, error) {
	if o.threads < 1 {
		return stats{}, nil
	}
	perThread := splitOps(o.ops, o.threads)
	if err := o.generate(ctx, b, perThread); err != nil {
		return stats{}, err
	}
	b.logf("Log level = %s", b.common.logLevel)
	start := b.ms()
	b.logf("Starting %d %s(s).", o.ops, o.name)
	done := make([]stats, len(perThread))
	errs := make([]error, len(perThread))
	var wg sync.WaitGroup
	for t, n := range perThread {
		wg.Go(func() { done[t], errs[t] = b.thread(ctx, o, t, n) })
	}
	wg.Wait()
	total := stats{elapsed: b.ms() - start}
	for _, d := range done {
		total.ops += d.ops
		total.cumulative += d.cumulative
	}
	if err := errors.Join(errs...); err != nil {
		return total, fmt.Errorf("%w: %w", errThreads, err)
	}
	return total, nil
}

// thread is one of the Java tool's StatsDaemons: it runs its n inputs in
// order and stops at the first error.
func (b *bench) thread(ctx context.Context, o *op, t, n int) (stats, error) {
	var st stats
	for i := range n {
		if err := b.maybeRefresh(ctx, st.ops); err != nil {
			return st, b.threadFailed(t, err)
		}
		ms, err := o.exec(ctx, b, t, i)
		if err != nil {
			return st, b.threadFailed(t, err)
		}
		st.ops++
		st.cumulative += ms
	}
	return st, nil
}

func (b *bench) threadFailed(t int, err error) error {
	b.logf("StatsDaemon %d failed: %v", t, err)
	return fmt.Errorf("StatsDaemon-%d: %w", t, err)
}

// maybeRefresh refreshes the NameNode's user-to-groups cache before every
// -UGCacheRefreshCount-th operation of a thread.
func (b *bench) maybeRefresh(ctx context.Context, executed int) error {
	if (executed+1)%b.common.ugcRefresh != 0 {
		return nil
	}
	return b.nn.refreshUserToGroupsMappings(ctx)
}

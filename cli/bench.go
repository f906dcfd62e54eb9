package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hdfsd/hdfsd/bench/nnbench"
	"github.com/hdfsd/hdfsd/bench/nnmem"
	qjbench "github.com/hdfsd/hdfsd/qjournal/bench"
)

func runBench(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.Stdout, "Usage: hdfsd bench namenode -fs hdfs://HOST:PORT -op OP [NNThroughputBenchmark options]")
		fmt.Fprintln(env.Stdout, "       hdfsd bench nnmem [-files N] [-perdir N] [-load DURATION]   (startup time and memory per file)")
		fmt.Fprintln(env.Stdout, "       hdfsd bench dfsio -write|-read|-clean [-nrFiles N] [-size S] [TestDFSIO options]   (runs hdfsd-dfsio)")
		fmt.Fprintln(env.Stdout, "       hdfsd bench qjm -journals H:P,H:P,H:P | -local N [-writers N] [-duration D]   (journal txns/s and batch latency)")
		return boolToExit(len(args) == 0)
	}
	switch args[0] {
	case "namenode":
		return nnbench.Run(ctx, args[1:], env.Stdout, env.Stderr, nil)
	case "nnmem":
		return nnmem.Run(ctx, args[1:], env.Stdout, env.Stderr)
	case "dfsio":
		return runDFSIO(ctx, env, args[1:])
	case "qjm":
		return qjbench.Run(ctx, args[1:], env.Stdout, env.Stderr)
	}
	fmt.Fprintf(env.Stderr, "hdfsd bench: unknown benchmark %q (have: namenode, nnmem, dfsio, qjm)\n", args[0])
	return 1
}

// runDFSIO runs hdfsd-dfsio, the TestDFSIO-like benchmark. It is a binary
// of its own because it drives the cluster through the stock Go client,
// whose generated protobuf files cannot be linked beside hdfsd's: it is
// looked for next to this executable, then on $PATH.
func runDFSIO(ctx context.Context, env *Env, args []string) int {
	bin := "hdfsd-dfsio"
	if self, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(self), bin); isExecutable(p) {
			bin = p
		}
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd bench dfsio: %v (build it with `make build`: go build ./bench/dfsio/cmd/hdfsd-dfsio)\n", err)
		return 1
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, env.Stdout, env.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintf(env.Stderr, "hdfsd bench dfsio: %v\n", err)
		return 1
	}
	return 0
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

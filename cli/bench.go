package cli

import (
	"context"
	"fmt"

	"github.com/hdfsd/hdfsd/bench/nnbench"
	"github.com/hdfsd/hdfsd/bench/nnmem"
)

func runBench(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.Stdout, "Usage: hdfsd bench namenode -fs hdfs://HOST:PORT -op OP [NNThroughputBenchmark options]")
		fmt.Fprintln(env.Stdout, "       hdfsd bench nnmem [-files N] [-perdir N] [-load DURATION]   (startup time and memory per file)")
		return boolToExit(len(args) == 0)
	}
	switch args[0] {
	case "namenode":
		return nnbench.Run(ctx, args[1:], env.Stdout, env.Stderr, nil)
	case "nnmem":
		return nnmem.Run(ctx, args[1:], env.Stdout, env.Stderr)
	}
	fmt.Fprintf(env.Stderr, "hdfsd bench: unknown benchmark %q (have: namenode, nnmem)\n", args[0])
	return 1
}

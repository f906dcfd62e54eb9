package cli

import (
	"context"
	"fmt"

	"github.com/hdfsd/hdfsd/bench/nnbench"
)

func runBench(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.Stdout, "Usage: hdfsd bench namenode -fs hdfs://HOST:PORT -op OP [NNThroughputBenchmark options]")
		return boolToExit(len(args) == 0)
	}
	if args[0] != "namenode" {
		fmt.Fprintf(env.Stderr, "hdfsd bench: unknown benchmark %q (have: namenode)\n", args[0])
		return 1
	}
	return nnbench.Run(ctx, args[1:], env.Stdout, env.Stderr, nil)
}

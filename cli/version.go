package cli

import (
	"context"
	"fmt"
	"runtime"
)

// Version is hdfsd's own version, set at build time with
// -ldflags "-X github.com/hdfsd/hdfsd/cli.Version=...".
var Version = "0.1.0-dev"

// HadoopVersion is the Apache Hadoop release whose wire protocols and disk
// layouts hdfsd speaks.
const HadoopVersion = "3.4.1"

func runVersion(_ context.Context, env *Env, args []string) int {
	if len(args) > 0 {
		if isHelp(args[0]) {
			fmt.Fprintln(env.Stdout, "Usage: hdfsd version\n\nPrints hdfsd's version and the Hadoop release it is compatible with.")
			return 0
		}
		fmt.Fprintf(env.Stderr, "hdfsd version: unexpected argument %q\n", args[0])
		return 1
	}
	fmt.Fprintf(env.Stdout, "hdfsd %s\n", Version)
	fmt.Fprintf(env.Stdout, "Compatible with Apache Hadoop %s (wire protocols, layouts and configuration)\n", HadoopVersion)
	fmt.Fprintf(env.Stdout, "Built with %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

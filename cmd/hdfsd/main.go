// Command hdfsd runs Apache Hadoop's HDFS daemons and tools, rewritten in Go.
// See `hdfsd -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hdfsd/hdfsd/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

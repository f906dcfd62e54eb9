// Command hdfsd runs Apache Hadoop's HDFS daemons and tools, rewritten in Go.
// See `hdfsd -h`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hdfsd/hdfsd/cli"
	"github.com/hdfsd/hdfsd/internal/heapfloor"
)

func main() {
	// The collector waits for HADOOP_HEAPSIZE_MIN (default 64 MiB) of heap
	// before its first collections, as a JVM started with -Xms does; GOGC
	// set in the environment turns this off.
	if _, err := heapfloor.StartFromEnv(); err != nil {
		fmt.Fprintf(os.Stderr, "hdfsd: %v; collecting garbage at GOGC's default pace\n", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Command hdfsd-dfsio is the dfsio benchmark (TestDFSIO) driving a cluster
// through the stock Go HDFS client. It is a binary of its own because that
// client cannot be linked into hdfsd (see bench/dfsio/stockclient).
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/hdfsd/hdfsd/bench/dfsio"
	"github.com/hdfsd/hdfsd/bench/dfsio/stockclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := dfsio.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, stockclient.Open)
	stop()
	os.Exit(code)
}

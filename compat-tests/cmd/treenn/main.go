// Command treenn is a test NameNode: it serves a small fixed tree over
// Hadoop's ClientProtocol (getFileInfo, getFileLinkInfo, getListing,
// getServerDefaults, getFsStats) so that stock HDFS clients can be run
// against hdfsd's RPC server. It prints "listening <host:port>" as its first
// line and exits on SIGINT or SIGTERM.
//
//	treenn [-addr 127.0.0.1:0] [-ls-limit 1000] [-superuser hdfs] [-v]
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hdfsd/hdfsd/compat-tests/treenn"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := treenn.Run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		stop()
		os.Exit(1)
	}
}

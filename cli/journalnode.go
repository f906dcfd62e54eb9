package cli

import (
	"context"
	"fmt"

	"github.com/hdfsd/hdfsd/journalnode"
)

// journalnodeUsage: `hdfs journalnode` takes only the generic options.
const journalnodeUsage = "Usage: hdfs journalnode"

// runJournalnode is `hdfs journalnode`: it runs until the context ends
// (SIGINT or SIGTERM in cmd/hdfsd).
func runJournalnode(ctx context.Context, env *Env, args []string) int {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(env.Stdout, journalnodeUsage+"\n")
		return 0
	}
	c, rest, err := loadConf(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd journalnode: %v\n", err)
		return 1
	}
	if len(rest) > 0 {
		fmt.Fprint(env.Stderr, journalnodeUsage+"\n")
		return 1
	}
	cfg, err := journalnode.ConfigFrom(c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd journalnode: %v\n", err)
		return 1
	}
	d, err := journalnode.Start(ctx, c, cfg, journalnode.Options{Logger: env.Logger})
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd journalnode: %v\n", err)
		return 1
	}
	if err := d.Run(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd journalnode: %v\n", err)
		return 1
	}
	return 0
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode"
)

// datanodeUsage is DataNode.USAGE.
const datanodeUsage = "Usage: hdfs datanode [-regular | -rollback | -rollingupgrade rollback ]\n" +
	"    -regular                 : Normal DataNode startup (default).\n" +
	"    -rollback                : Rollback a standard or rolling upgrade.\n" +
	"    -rollingupgrade rollback : Rollback a rolling upgrade operation.\n" +
	"  Refer to HDFS documentation for the difference between standard\n" +
	"  and rolling upgrades."

// parseDataNodeArgs is DataNode.parseArguments: at most one option,
// -regular (the default) or -rollback, case-insensitive; anything else,
// or more than one argument, is a usage error.
func parseDataNodeArgs(args []string) (string, error) {
	if len(args) == 0 {
		return "regular", nil
	}
	opt := ""
	switch a := args[0]; {
	case strings.EqualFold(a, "-r"), strings.EqualFold(a, "--rack"):
		return "", errors.New("-r, --rack arguments are not supported anymore. RackID resolution is handled by the NameNode.")
	case strings.EqualFold(a, "-rollback"):
		opt = "rollback"
	case strings.EqualFold(a, "-regular"):
		opt = "regular"
	default:
		return "", errUsage
	}
	if len(args) > 1 {
		return "", errUsage
	}
	return opt, nil
}

// runDatanode is `hdfs datanode`: it runs until the context ends
// (SIGINT or SIGTERM in cmd/hdfsd) or a client shuts the DataNode down.
func runDatanode(ctx context.Context, env *Env, args []string) int {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(env.Stdout, datanodeUsage+"\n")
		return 0
	}
	c, rest, err := loadConf(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd datanode: %v\n", err)
		return 1
	}
	opt, err := parseDataNodeArgs(rest)
	if err != nil {
		if err != errUsage {
			fmt.Fprintln(env.Stderr, err)
		}
		fmt.Fprint(env.Stderr, datanodeUsage+"\n\n")
		return 1
	}
	if opt == "rollback" {
		fmt.Fprintln(env.Stderr, "hdfsd datanode: -rollback is not supported by this version of hdfsd")
		return 1
	}
	cfg, err := datanode.ConfigFrom(c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd datanode: %v\n", err)
		return 1
	}
	reload := func() (*conf.Conf, error) {
		c, _, err := loadConf(env, args)
		return c, err
	}
	d, err := datanode.Start(ctx, c, cfg, datanode.Options{Logger: env.Logger, Reload: reload})
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd datanode: %v\n", err)
		return 1
	}
	if err := d.Run(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd datanode: %v\n", err)
		return 1
	}
	return 0
}

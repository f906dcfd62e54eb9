package cli

import (
	"context"
	"fmt"

	"github.com/hdfsd/hdfsd/conf"
)

// loadConf reads the site files from env.ConfDir and applies the generic
// options (-D, -conf, -fs) that lead args, as Hadoop's ToolRunner does. It
// returns the configuration and the tool's own arguments.
func loadConf(env *Env, args []string) (*conf.Conf, []string, error) {
	c, err := conf.Load(env.ConfDir, conf.WithLogger(env.Logger))
	if err != nil {
		return nil, nil, err
	}
	rest, err := conf.ApplyGenericOptions(c, args)
	if err != nil {
		return nil, nil, err
	}
	return c, rest, nil
}

func runGetconf(_ context.Context, env *Env, args []string) int {
	c, rest, err := loadConf(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd getconf: %v\n", err)
		return conf.GetConfFailure
	}
	return conf.GetConf(c, rest, env.Stdout, env.Stderr)
}

package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hdfsd/hdfsd/balancer"
	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode/topology"
)

// balancerUsage is Balancer.USAGE.
const balancerUsage = "Usage: hdfs balancer" +
	"\n\t[-policy <policy>]\tthe balancing policy: datanode or blockpool" +
	"\n\t[-threshold <threshold>]\tPercentage of disk capacity" +
	"\n\t[-exclude [-f <hosts-file> | <comma-separated list of hosts>]]\tExcludes the specified datanodes." +
	"\n\t[-include [-f <hosts-file> | <comma-separated list of hosts>]]\tIncludes only the specified datanodes." +
	"\n\t[-source [-f <hosts-file> | <comma-separated list of hosts>]]\tPick only the specified datanodes as source nodes." +
	"\n\t[-blockpools <comma-separated list of blockpool ids>]\tThe balancer will only run on blockpools included in this list." +
	"\n\t[-idleiterations <idleiterations>]\tNumber of consecutive idle iterations (-1 for Infinite) before exit." +
	"\n\t[-runDuringUpgrade]\tWhether to run the balancer during an ongoing HDFS upgrade." +
	"This is usually not desired since it will not affect used space on over-utilized machines." +
	"\n\t[-asService]\tRun as a long running service." +
	"\n\t[-sortTopNodes]\tSort datanodes based on the utilization so that highly utilized datanodes get scheduled first." +
	"\n\t[-hotBlockTimeInterval]\tprefer to move cold blocks."

// runBalancer is `hdfs balancer`. Bad arguments print the usage to
// stderr and exit 255, as Hadoop's uncaught exception does.
func runBalancer(ctx context.Context, env *Env, args []string) int {
	c, rest, err := loadConf(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd balancer: %v\n", err)
		return 255
	}
	if len(rest) == 1 && (rest[0] == "-h" || rest[0] == "--help") {
		fmt.Fprintf(env.Stdout, "%s\n\n", balancerUsage)
		return 0
	}
	p, err := parseBalancerArgs(rest)
	var cfg balancer.Config
	if err == nil {
		cfg, err = balancer.ConfigFrom(c)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s\n\n", balancerUsage)
		fmt.Fprintf(env.Stderr, "hdfsd balancer: %v\n", err)
		return 255
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	b := &balancer.Balancer{Params: p, Config: cfg, Conf: c, Out: env.Stdout, Log: env.Logger}
	return int(uint8(b.Run(ctx)))
}

// parseBalancerArgs is Balancer.Cli.parse.
func parseBalancerArgs(args []string) (balancer.Params, error) {
	p := balancer.DefaultParams()
	all := "[" + strings.Join(args, ", ") + "]"
	for i := 0; i < len(args); i++ {
		value := func(missing string) (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s: args = %s", missing, all)
			}
			i++
			return args[i], nil
		}
		switch a := strings.ToLower(args[i]); a {
		case "-threshold":
			v, err := value("Threshold value is missing")
			if err != nil {
				return p, err
			}
			t, err := strconv.ParseFloat(v, 64)
			if err != nil || t < 1 || t > 100 {
				return p, fmt.Errorf("Expecting a number in the range of [1.0, 100.0]: %s", v)
			}
			p.Threshold = t
		case "-policy":
			v, err := value("Policy value is missing")
			if err != nil {
				return p, err
			}
			if p.Policy, err = balancer.ParsePolicy(v); err != nil {
				return p, fmt.Errorf("Illegal policy name: %s", v)
			}
		case "-exclude", "-include", "-source":
			kind := a[1:]
			var list []string
			var err error
			if list, i, err = hostList(args, i, kind, all); err != nil {
				return p, err
			}
			switch kind {
			case "exclude":
				p.Exclude = list
			case "include":
				p.Include = list
			default:
				p.Source = list
			}
		case "-blockpools":
			v, err := value("blockpools value is missing")
			if err != nil {
				return p, err
			}
			p.BlockPools = conf.SplitTrimmed(v)
		case "-idleiterations":
			v, err := value("idleiterations value is missing")
			if err != nil {
				return p, err
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return p, fmt.Errorf("For input string: \"%s\"", v)
			}
			p.MaxIdle = n
		case "-runduringupgrade":
			p.RunDuringUpgrade = true
		case "-sorttopnodes":
			p.SortTopNodes = true
		case "-hotblocktimeinterval":
			v, err := value("hotBlockTimeInterval value is missing")
			if err != nil {
				return p, err
			}
			ms, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return p, fmt.Errorf("For input string: \"%s\"", v)
			}
			p.HotInterval = time.Duration(ms) * time.Millisecond
		case "-asservice":
			return p, fmt.Errorf("-asService is not supported by hdfsd balancer: run it from a service manager")
		default:
			return p, fmt.Errorf("args = %s", all)
		}
	}
	if len(p.Exclude) > 0 && len(p.Include) > 0 {
		return p, fmt.Errorf("-exclude and -include options cannot be specified together.")
	}
	return p, nil
}

// hostList reads the value of -exclude, -include or -source at args[i]:
// "-f FILE" or a comma-separated list. It returns the index of the last
// argument it used.
func hostList(args []string, i int, kind, all string) ([]string, int, error) {
	if i+1 >= len(args) {
		return nil, i, fmt.Errorf("List of %s nodes | -f <filename> is missing: args=%s", kind, all)
	}
	i++
	if args[i] != "-f" {
		return conf.SplitTrimmed(args[i]), i, nil
	}
	if i+1 >= len(args) {
		return nil, i, fmt.Errorf("File containing %s nodes is not specified: args=%s", kind, all)
	}
	i++
	hosts, err := topology.ReadHostsFile(args[i])
	if err != nil {
		return nil, i, fmt.Errorf("Failed to read %s node list from file: %s", kind, args[i])
	}
	return hosts, i, nil
}

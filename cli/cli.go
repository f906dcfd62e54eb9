// Package cli is the hdfsd command line: the subcommands of Apache Hadoop's
// `hdfs` script, with its options, each handing off to the package that owns
// the work. cmd/hdfsd's main only calls Run.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/hdfsd/hdfsd/conf"
)

// Env is what a subcommand gets besides its own arguments.
type Env struct {
	Stdout, Stderr io.Writer
	// ConfDir is the configuration folder: --config, else $HADOOP_CONF_DIR,
	// else $HADOOP_HOME/etc/hadoop; empty when there is none.
	ConfDir string
	// LogLevel is --loglevel, as the hdfs script's (INFO when not given).
	LogLevel slog.Level
	Logger   *slog.Logger
}

// command is one subcommand. A nil run means it is not built yet.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) int
}

// commands lists the subcommands in the order `hdfsd -h` prints them.
func commands() []command {
	return []command{
		{"namenode", "run the DFS namenode", runNameNode},
		{"datanode", "run a DFS datanode", runDatanode},
		{"journalnode", "run the DFS journalnode", runJournalnode},
		{"zkfc", "run the ZK Failover Controller daemon", nil},
		{"haadmin", "run a DFS HA admin client", nil},
		{"dfsadmin", "run a DFS admin client", runDFSAdmin},
		{"fsck", "run a DFS filesystem checking utility", runFsck},
		{"balancer", "run a cluster balancing utility", runBalancer},
		{"oev", "apply the offline edits viewer to an edits file", runOEV},
		{"oiv", "apply the offline fsimage viewer to an fsimage", runOIV},
		{"getconf", "get config values from configuration", runGetconf},
		{"version", "print the version", runVersion},
		{"minicluster", "start a local cluster of every daemon built so far", runMinicluster},
		{"bench", "run a load generator against a running daemon", runBench},
	}
}

// Run parses the script-level options (--config DIR, --loglevel LEVEL),
// picks the subcommand and runs it. It returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &Env{Stdout: stdout, Stderr: stderr}
	rest, err := parseScriptOptions(env, args)
	if err != nil {
		fmt.Fprintf(stderr, "hdfsd: %v\n", err)
		usage(stderr)
		return 1
	}
	if len(rest) == 0 || isHelp(rest[0]) {
		usage(stdout)
		return boolToExit(len(rest) == 0)
	}
	env.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: env.LogLevel}))
	for _, c := range commands() {
		if c.name != rest[0] {
			continue
		}
		if c.run == nil {
			fmt.Fprintf(stderr, "hdfsd %s: not built yet in this version of hdfsd\n", c.name)
			return 1
		}
		return c.run(ctx, env, rest[1:])
	}
	fmt.Fprintf(stderr, "hdfsd: unknown subcommand %q\n", rest[0])
	usage(stderr)
	return 1
}

func parseScriptOptions(env *Env, args []string) ([]string, error) {
	confDir := ""
	for len(args) > 0 && strings.HasPrefix(args[0], "--") && args[0] != "--help" {
		if len(args) < 2 {
			return nil, fmt.Errorf("%s needs a value", args[0])
		}
		switch args[0] {
		case "--config":
			confDir = args[1]
		case "--loglevel":
			if err := env.LogLevel.UnmarshalText([]byte(hadoopLevel(args[1]))); err != nil {
				return nil, fmt.Errorf("--loglevel %q: %w", args[1], err)
			}
		default:
			return nil, fmt.Errorf("unknown option %s", args[0])
		}
		args = args[2:]
	}
	env.ConfDir = conf.ConfDir(confDir)
	return args, nil
}

// hadoopLevel maps log4j level names to slog's.
func hadoopLevel(s string) string {
	switch strings.ToUpper(s) {
	case "TRACE", "DEBUG", "ALL":
		return "DEBUG"
	case "WARN":
		return "WARN"
	case "ERROR", "FATAL", "OFF":
		return "ERROR"
	}
	return s
}

func isHelp(s string) bool { return s == "-h" || s == "--help" || s == "-help" || s == "help" }

func boolToExit(failed bool) int {
	if failed {
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: hdfsd [--config confdir] [--loglevel loglevel] SUBCOMMAND [options]")
	fmt.Fprintln(w, "\nSubcommands:")
	cmds := commands()
	sort.SliceStable(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		state := ""
		if c.run == nil {
			state = " (not built yet)"
		}
		fmt.Fprintf(w, "  %-12s %s%s\n", c.name, c.summary, state)
	}
	fmt.Fprintln(w, "\nEach subcommand prints its own help with -h.")
}

package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hdfsd/hdfsd/namenode"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// namenodeUsage is NameNode.USAGE.
const namenodeUsage = "Usage: hdfs namenode [-backup] | \n\t[-checkpoint] | \n\t" +
	"[-format [-clusterid cid ] [-force] [-nonInteractive] ] | \n\t" +
	"[-upgrade [-clusterid cid] [-renameReserved<k-v pairs>] ] | \n\t" +
	"[-upgradeOnly [-clusterid cid] [-renameReserved<k-v pairs>] ] | \n\t" +
	"[-rollback] | \n\t[-rollingUpgrade <rollback|started> ] | \n\t" +
	"[-importCheckpoint] | \n\t[-initializeSharedEdits] | \n\t" +
	"[-bootstrapStandby [-force] [-nonInteractive] [-skipSharedEditsCheck] ] | \n\t" +
	"[-recover [ -force] ] | \n\t[-metadataVersion ]"

// startup is a parsed `hdfs namenode` command line (NameNode.parseArguments).
type startup struct {
	opt            string // "regular", "-format", "-recover", ...
	clusterID      string
	force          bool
	nonInteractive bool
	renameReserved bool   // -upgrade -renameReserved [pairs]
	reservedPairs  string // its key-value pairs, when given
}

// parseNameNodeArgs parses the startup options as Hadoop does: names are
// case-insensitive, the last option wins, and anything unknown is an error.
func parseNameNodeArgs(args []string) (startup, error) {
	s := startup{opt: "regular"}
	eq := strings.EqualFold
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case eq(a, "-format"):
			s.opt = "-format"
			for i++; i < len(args); i++ {
				switch {
				case eq(args[i], "-clusterid"):
					i++
					if i >= len(args) || args[i] == "" || eq(args[i], "-force") || eq(args[i], "-nonInteractive") {
						return s, errors.New("Must specify a valid cluster ID after the -clusterid flag")
					}
					s.clusterID = args[i]
				case eq(args[i], "-force"):
					s.force = true
				case eq(args[i], "-nonInteractive"):
					s.nonInteractive = true
				}
			}
		case eq(a, "-regular"):
			s.opt = "regular"
		case eq(a, "-genclusterid"), eq(a, "-metadataVersion"):
			s.opt = strings.ToLower(a)
		case eq(a, "-recover"):
			if s.opt != "regular" {
				return s, errors.New("Can't combine -recover with other startup options.")
			}
			s.opt = "-recover"
			for i++; i < len(args); i++ {
				if !eq(args[i], "-force") {
					return s, fmt.Errorf("Error parsing recovery options: can't understand option %q", args[i])
				}
				s.force = true
			}
		case eq(a, "-upgrade"), eq(a, "-upgradeOnly"):
			s.opt = strings.ToLower(a)
			var err error
			if i, err = parseUpgradeFlags(&s, args, i); err != nil {
				return s, err
			}
		case eq(a, "-rollback"):
			s.opt = "-rollback"
		case eq(a, "-initializeSharedEdits"):
			s.opt = "-initializesharededits"
			for i+1 < len(args) {
				switch {
				case eq(args[i+1], "-force"):
					s.force = true
				case eq(args[i+1], "-nonInteractive"):
					s.nonInteractive = true
				default:
					return s, errUsage
				}
				i++
			}
		case eq(a, "-backup"), eq(a, "-checkpoint"), eq(a, "-observer"),
			eq(a, "-rollingUpgrade"), eq(a, "-importCheckpoint"), eq(a, "-bootstrapStandby"):
			return s, fmt.Errorf("%s is not supported by this version of hdfsd", a)
		default:
			return s, errUsage
		}
	}
	return s, nil
}

var errUsage = errors.New("usage")

// parseUpgradeFlags reads what may follow -upgrade or -upgradeOnly, as
// NameNode.parseArguments does: "-clusterid <cid>" (the id required) and
// "-renameReserved", which takes the next argument, if there is one, as
// its key-value pairs. Anything else is "Unknown upgrade flag". It
// returns the index of the last argument read.
func parseUpgradeFlags(s *startup, args []string, i int) (int, error) {
	for i+1 < len(args) {
		switch flag := args[i+1]; {
		case strings.EqualFold(flag, "-clusterid"):
			if i+2 >= len(args) {
				return i, errors.New("Must specify a valid cluster ID after the -clusterid flag")
			}
			s.clusterID = args[i+2]
			i += 2
		case strings.EqualFold(flag, "-renameReserved"):
			s.renameReserved = true
			if i+2 < len(args) {
				s.reservedPairs = args[i+2]
				i += 2
			} else {
				i++
			}
		default:
			return i, fmt.Errorf("Unknown upgrade flag: %s", flag)
		}
	}
	return i, nil
}

// renameReservedNote explains why -renameReserved changes nothing here:
// Hadoop renames reserved names (.snapshot, .reserved) only in layouts
// from before those names were reserved (older than -43), and hdfsd loads
// only protobuf images (-52 and later).
const renameReservedNote = "-renameReserved has nothing to rename: it applies only to layouts older than -43 " +
	"(before .snapshot and .reserved were reserved), and hdfsd loads layouts -52 and later"

func runNameNode(ctx context.Context, env *Env, args []string) int {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(env.Stdout, namenodeUsage+"\n")
		return 0
	}
	c, rest, err := loadConf(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
		return 1
	}
	s, err := parseNameNodeArgs(rest)
	if err != nil {
		if err != errUsage {
			fmt.Fprintln(env.Stderr, err)
		}
		fmt.Fprint(env.Stderr, namenodeUsage+"\n\n")
		return 1
	}
	if s.opt == "-genclusterid" {
		id, err := storage.NewClusterID(nil)
		if err != nil {
			fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
			return 1
		}
		fmt.Fprintf(env.Stdout, "Generating new cluster id:\n%s\n", id)
		return 0
	}
	cfg, err := namenode.ConfigFrom(c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
		return 1
	}
	switch s.opt {
	case "-format":
		err := namenode.Format(cfg, storage.FormatOptions{
			ClusterID: s.clusterID, Force: s.force, NonInteractive: s.nonInteractive,
			Confirm: confirmer(os.Stdin, env.Stderr), Stderr: env.Stderr,
			ReformatDisabled: c.GetBool("dfs.reformat.disabled", false),
		}, env.Logger)
		if err != nil {
			if !errors.Is(err, storage.ErrFormatAborted) {
				fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
			}
			return 1
		}
		return 0
	case "-metadataversion":
		return namenode.PrintMetadataVersion(cfg, env.Stdout, env.Stderr)
	case "-initializesharededits":
		err := namenode.InitializeSharedEdits(ctx, cfg, storage.FormatOptions{Force: s.force, NonInteractive: s.nonInteractive,
			Confirm: confirmer(os.Stdin, env.Stderr), Stderr: env.Stderr}, env.Logger)
		if err != nil {
			fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
			return 1
		}
		return 0
	case "-recover":
		return namenode.Recover(ctx, c, cfg, namenode.RecoverOptions{Force: s.force,
			In: os.Stdin, Out: env.Stdout, Err: env.Stderr, Logger: env.Logger})
	case "-rollback":
		err := namenode.Rollback(cfg, namenode.RollbackOptions{Confirm: confirmer(os.Stdin, env.Stderr),
			Stderr: env.Stderr, Logger: env.Logger})
		if err != nil {
			if !errors.Is(err, namenode.ErrRollbackAborted) {
				fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
			}
			return 1
		}
		return 0
	}
	opts := namenode.Options{Logger: env.Logger}
	if s.opt == "-upgrade" || s.opt == "-upgradeonly" {
		opts.Upgrade, opts.ClusterID = true, s.clusterID
		if s.renameReserved && env.Logger != nil {
			env.Logger.Warn(renameReservedNote, "pairs", s.reservedPairs)
		}
	}
	d, err := namenode.Start(ctx, c, cfg, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
		return 1
	}
	if s.opt == "-upgradeonly" {
		// Hadoop's -upgradeOnly upgrades, then exits.
		if err := d.Close(); err != nil {
			fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
			return 1
		}
		return 0
	}
	if err := d.Run(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd namenode: %v\n", err)
		return 1
	}
	return 0
}

// confirmer asks on in as ToolRunner.confirmPrompt does: "<prompt> (Y or
// N) " until the answer is y, yes, n or no.
func confirmer(in io.Reader, out io.Writer) func(string) bool {
	r := bufio.NewReader(in)
	return func(prompt string) bool {
		for {
			fmt.Fprint(out, prompt+" (Y or N) ")
			line, err := r.ReadString('\n')
			switch strings.ToLower(strings.TrimSpace(line)) {
			case "y", "yes":
				return true
			case "n", "no":
				return false
			}
			if err != nil {
				return false
			}
			fmt.Fprintln(out, "Invalid input: "+strings.TrimSpace(line))
		}
	}
}

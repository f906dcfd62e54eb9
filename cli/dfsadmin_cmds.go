package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/hdfsclient"
)

// safemodeWaitInterval is how often -safemode wait asks again.
const safemodeWaitInterval = 5 * time.Second

var safeModeActions = map[string]hdfsclient.SafeModeAction{
	"leave": hdfsclient.SafeModeLeave, "enter": hdfsclient.SafeModeEnter, "get": hdfsclient.SafeModeGet,
	"wait": hdfsclient.SafeModeGet, "forceexit": hdfsclient.SafeModeForceExit,
}

func onOff(on bool) string {
	if on {
		return "ON"
	}
	return "OFF"
}

// safeMode is -safemode: on every NameNode of an HA nameservice in turn,
// else on the active one.
func (a *dfsAdmin) safeMode(ctx context.Context, arg string) (int, error) {
	action, ok := safeModeActions[strings.ToLower(arg)]
	if !ok {
		dfsadminPrintUsage(a.err, "-safemode")
		return 0, nil // Hadoop prints the usage and still exits 0
	}
	wait := strings.EqualFold(arg, "wait")
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	targets, suffix := []*hdfsclient.Proxy{dfs.Active()}, []string{""}
	if dfs.IsLogical() {
		targets, suffix = nil, nil
		for _, nn := range dfs.NameNodes() {
			targets = append(targets, dfs.At(nn))
			suffix = append(suffix, " in "+nn.Display)
		}
	}
	for i, p := range targets {
		on, err := p.SetSafeMode(ctx, action, false)
		for err == nil && wait && on {
			if a.sleep(ctx, safemodeWaitInterval) != nil {
				return 0, fmt.Errorf("Wait Interrupted")
			}
			on, err = p.SetSafeMode(ctx, hdfsclient.SafeModeGet, false)
		}
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(a.out, "Safe mode is %s%s\n", onOff(on), suffix[i])
	}
	return 0, nil
}

// eachNameNode runs fn on every NameNode of the nameservice, printing
// ok or failed for each, and returns the failures as one error
// (DFSAdmin's HA loops).
func (a *dfsAdmin) eachNameNode(dfs *hdfsclient.Client, fn func(*hdfsclient.Proxy, hdfsclient.NameNode) (string, error), failed func(nn string) string) error {
	var errs []error
	for _, nn := range dfs.NameNodes() {
		msg, err := fn(dfs.At(nn), nn)
		if err != nil {
			fmt.Fprintln(a.out, failed(nn.Display))
			errs = append(errs, err)
			continue
		}
		fmt.Fprintln(a.out, msg)
	}
	return multipleErrors(errs)
}

func (a *dfsAdmin) saveNamespace(ctx context.Context, argv []string) (int, error) {
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	var window, gap int64
	if len(argv) > 1 && argv[1] == "-beforeShutdown" {
		period, err := a.conf.GetDuration("dfs.namenode.checkpoint.period", time.Hour, time.Second)
		if err != nil {
			return 0, err
		}
		txns, err := a.conf.GetInt64("dfs.namenode.checkpoint.txns", 1000000)
		if err != nil {
			return 0, err
		}
		periods, err := a.conf.GetInt("dfs.namenode.missing.checkpoint.periods.before.shutdown", 3)
		if err != nil {
			return 0, err
		}
		window, gap = int64(period/time.Second)*int64(periods), txns*int64(periods)
		fmt.Fprintf(a.out, "Do checkpoint if necessary before stopping namenode. The time window is %d seconds, and the transaction gap is %d\n", window, gap)
	}
	if !dfs.IsLogical() {
		saved, err := dfs.Active().SaveNamespace(ctx, window, gap)
		if err != nil {
			return 0, err
		}
		fmt.Fprintln(a.out, map[bool]string{true: "Save namespace successful", false: "No extra checkpoint has been made"}[saved])
		return 0, nil
	}
	return 0, a.eachNameNode(dfs, func(p *hdfsclient.Proxy, nn hdfsclient.NameNode) (string, error) {
		saved, err := p.SaveNamespace(ctx, window, gap)
		if !saved {
			return "No extra checkpoint has been made for " + nn.Display, err
		}
		return "Save namespace successful for " + nn.Display, err
	}, func(nn string) string { return "Save namespace failed for " + nn })
}

// rollEdits goes to the active NameNode only, as in Hadoop.
func (a *dfsAdmin) rollEdits(ctx context.Context) (int, error) {
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	txid, err := dfs.Active().RollEdits(ctx)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(a.out, "Successfully rolled edit logs.\nNew segment starts at txid %d\n", txid)
	return 0, nil
}

func (a *dfsAdmin) refreshNodes(ctx context.Context) (int, error) {
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	if !dfs.IsLogical() {
		if err := dfs.Active().RefreshNodes(ctx); err != nil {
			return 0, err
		}
		fmt.Fprintln(a.out, "Refresh nodes successful")
		return 0, nil
	}
	return 0, a.eachNameNode(dfs, func(p *hdfsclient.Proxy, nn hdfsclient.NameNode) (string, error) {
		return "Refresh nodes successful for " + nn.Display, p.RefreshNodes(ctx)
	}, func(nn string) string { return "Refresh nodes failed for " + nn })
}

func (a *dfsAdmin) metaSave(ctx context.Context, name string) (int, error) {
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	const done = "Created metasave file %s in the log directory of namenode %s"
	if !dfs.IsLogical() {
		if err := dfs.Active().MetaSave(ctx, name); err != nil {
			return 0, err
		}
		fmt.Fprintf(a.out, done+"\n", name, dfs.URI())
		return 0, nil
	}
	return 0, a.eachNameNode(dfs, func(p *hdfsclient.Proxy, nn hdfsclient.NameNode) (string, error) {
		return fmt.Sprintf(done, name, nn.Display), p.MetaSave(ctx, name)
	}, func(nn string) string { return fmt.Sprintf(done, name, nn) + " failed" })
}

// setBalancerBandwidth goes to the active NameNode, which passes the value
// to every DataNode.
func (a *dfsAdmin) setBalancerBandwidth(ctx context.Context, arg string) (int, error) {
	bw, err := parseTraditionalBinary(arg)
	if nfe, ok := err.(*numberFormatErr); ok {
		fmt.Fprintf(a.err, "NumberFormatException: %s\n", nfe.msg)
		fmt.Fprintln(a.err, "Usage: hdfs dfsadmin [-setBalancerBandwidth <bandwidth in bytes per second>]")
		return dfsadminFailure, nil
	}
	if err != nil {
		return 0, err
	}
	if bw < 0 {
		fmt.Fprintln(a.err, "Bandwidth should be a non-negative integer")
		return dfsadminFailure, nil
	}
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	if err := dfs.Active().SetBalancerBandwidth(ctx, bw); err != nil {
		fmt.Fprintln(a.err, "Balancer bandwidth is set failed.")
		return 0, err
	}
	fmt.Fprintf(a.out, "Balancer bandwidth is set to %d\n", bw)
	return 0, nil
}

func (a *dfsAdmin) snapshot(ctx context.Context, dir string, allow bool) (int, error) {
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	p := dfs.Active()
	path := a.absPath(dir)
	if allow {
		if err := p.AllowSnapshot(ctx, path); err != nil {
			return 0, err
		}
		fmt.Fprintf(a.out, "Allowing snapshot on %s succeeded\n", dir)
		return 0, nil
	}
	if err := p.DisallowSnapshot(ctx, path); err != nil {
		return 0, err
	}
	fmt.Fprintf(a.out, "Disallowing snapshot on %s succeeded\n", dir)
	return 0, nil
}

// absPath resolves a path argument as Hadoop's Path against the file
// system: a full hdfs:// URI loses its authority, a relative path is
// under the user's home directory.
func (a *dfsAdmin) absPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "hdfs://"); ok {
		_, path, _ := strings.Cut(rest, "/")
		return "/" + path
	}
	if strings.HasPrefix(p, "/") {
		return p
	}
	return "/user/" + dfsadminUser() + "/" + p
}

func (a *dfsAdmin) listOpenFiles(ctx context.Context, args []string) (int, error) {
	blocking, path := false, "/"
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "-blockingDecommission":
			blocking = true
		case args[i] == "-path" && i+1 < len(args):
			if p := strings.TrimSpace(args[i+1]); p != "" {
				path = p
			}
			i++
		}
	}
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	files, err := dfs.Active().ListOpenFiles(ctx, blocking, path)
	if err != nil {
		fmt.Fprintln(a.out, "List open files failed.")
		return 0, err
	}
	fmt.Fprintf(a.out, "%-20s\t%-20s\t%s\n", "Client Host", "Client Name", "Open File Path")
	for _, f := range files {
		fmt.Fprintf(a.out, "%-20s\t%-20s\t%20s\n", f.ClientMachine, f.ClientName, f.Path)
	}
	return 0, nil
}

// numberFormatErr is Java's NumberFormatException.
type numberFormatErr struct{ msg string }

func (e *numberFormatErr) Error() string { return e.msg }

// parseTraditionalBinary is StringUtils.TraditionalBinaryPrefix.string2long:
// a number with an optional k, m, g, t, p or e suffix (powers of 1024).
// Bad digits are a *numberFormatErr, a bad suffix a *usageErr.
func parseTraditionalBinary(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, &numberFormatErr{`For input string: ""`}
	}
	last := s[len(s)-1]
	if last >= '0' && last <= '9' {
		return parseJavaLong(s)
	}
	shift := strings.IndexByte("kmgtpe", lower(last))
	if shift < 0 {
		return 0, &usageErr{fmt.Sprintf("Invalid size prefix '%c' in '%s'. Allowed prefixes are k, m, g, t, p, e(case insensitive)", last, s)}
	}
	n, err := parseJavaLong(s[:len(s)-1])
	if err != nil {
		return 0, err
	}
	unit := int64(1) << (10 * (shift + 1))
	if n > (1<<63-1)/unit || n < -(1<<63)/unit {
		return 0, &usageErr{s + " does not fit in a Long"}
	}
	return n * unit, nil
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// parseJavaLong is Long.parseLong.
func parseJavaLong(s string) (int64, error) {
	if strings.HasPrefix(s, "+") && len(s) > 1 && s[1] != '-' && s[1] != '+' {
		s = s[1:]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strings.HasPrefix(s, "+") {
		return 0, &numberFormatErr{fmt.Sprintf("For input string: %q", s)}
	}
	return n, nil
}

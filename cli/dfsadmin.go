package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/hdfsclient"
	"github.com/hdfsd/hdfsd/internal/ctxsleep"
)

// dfsadminFailure is the exit status of a failed command: DFSAdmin
// returns -1, which the shell sees as 255.
const dfsadminFailure = 255

// dfsAdmin runs one `hdfs dfsadmin` command. Its fields are what tests
// replace: the name service, the time zone of dates and the sleep of
// -safemode wait.
type dfsAdmin struct {
	out, err io.Writer
	conf     *conf.Conf
	net      conf.Network
	loc      *time.Location
	sleep    func(ctx context.Context, d time.Duration) error
	client   *hdfsclient.Client
}

func runDFSAdmin(ctx context.Context, env *Env, args []string) int {
	c, rest, err := loadConf(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd dfsadmin: %v\n", err)
		return dfsadminFailure
	}
	if len(rest) == 1 && isHelp(rest[0]) && rest[0] != "-help" {
		dfsadminPrintHelp(env.Stdout, "") // hdfsd's convention; Hadoop says "h: Unknown command"
		return 0
	}
	a := &dfsAdmin{out: env.Stdout, err: env.Stderr, conf: c, net: conf.SystemNetwork(),
		loc: time.Local, sleep: ctxsleep.Sleep}
	defer a.close()
	return a.run(ctx, rest)
}

func (a *dfsAdmin) close() {
	if a.client != nil {
		a.client.Close()
	}
}

// usageErr is Java's IllegalArgumentException in DFSAdmin.run: the message
// and then the command's usage go to stderr.
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

// dfs returns the client of fs.defaultFS, dialing it on first use.
func (a *dfsAdmin) dfs() (*hdfsclient.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	c, err := hdfsclient.Dial(a.conf, hdfsclient.Options{Network: a.net})
	if errors.Is(err, hdfsclient.ErrNotHDFS) {
		return nil, &usageErr{err.Error()}
	}
	a.client = c
	return c, err
}

// argCounts are the argument counts DFSAdmin.run checks before running a
// command (argv includes the command): exact counts, or a maximum.
var argCounts = map[string]struct{ min, max int }{
	"-safemode": {2, 2}, "-allowSnapshot": {2, 2}, "-disallowSnapshot": {2, 2},
	"-report": {1, 7}, "-saveNamespace": {1, 2}, "-rollEdits": {1, 1},
	"-refreshNodes": {1, 1}, "-metasave": {2, 2}, "-setBalancerBandwidth": {2, 2},
	"-listOpenFiles": {1, 4}, "-finalizeUpgrade": {1, 1}, "-upgrade": {2, 2},
	"-refreshNamenodes": {2, 2}, "-getBalancerBandwidth": {2, 2}, "-shutdownDatanode": {2, 3},
	"-evictWriters": {2, 2}, "-getDatanodeInfo": {2, 2}, "-triggerBlockReport": {2, 5},
	"-getVolumeReport": {2, 2}, "-deleteBlockPool": {3, 4}, "-printTopology": {1, 1},
	"-reconfig": {4, 4},
}

// run is DFSAdmin.run: check the argument count, run the command, and turn
// what it throws into a message on stderr and exit status 255.
func (a *dfsAdmin) run(ctx context.Context, argv []string) int {
	if len(argv) == 0 {
		dfsadminPrintUsage(a.err, "")
		return dfsadminFailure
	}
	cmd := argv[0]
	key := canonicalCommand(cmd)
	if n, ok := argCounts[key]; ok && (len(argv) < n.min || len(argv) > n.max) {
		dfsadminPrintUsage(a.err, cmd)
		return dfsadminFailure
	}
	code, err := a.dispatch(ctx, key, argv)
	if err == nil {
		return code
	}
	name := strings.TrimPrefix(cmd, "-")
	if len(cmd) > 0 && cmd[0] != '-' {
		name = cmd[1:] // Java's cmd.substring(1)
	}
	var ue *usageErr
	fmt.Fprintf(a.err, "%s: %s\n", name, firstLine(errorMessage(err)))
	if errors.As(err, &ue) {
		dfsadminPrintUsage(a.err, cmd)
	}
	return dfsadminFailure
}

// canonicalCommand maps the commands Hadoop matches in any case to their
// spelling.
func canonicalCommand(cmd string) string {
	for _, c := range []string{"-allowSnapshot", "-disallowSnapshot"} {
		if strings.EqualFold(cmd, c) {
			return c
		}
	}
	return cmd
}

var errUnknownDFSAdminCommand = errors.New("Unknown command")

func (a *dfsAdmin) dispatch(ctx context.Context, cmd string, argv []string) (int, error) {
	switch cmd {
	case "-report":
		return 0, a.report(ctx, argv[1:])
	case "-safemode":
		return a.safeMode(ctx, argv[1])
	case "-allowSnapshot":
		return a.snapshot(ctx, argv[1], true)
	case "-disallowSnapshot":
		return a.snapshot(ctx, argv[1], false)
	case "-saveNamespace":
		return a.saveNamespace(ctx, argv)
	case "-rollEdits":
		return a.rollEdits(ctx)
	case "-refreshNodes":
		return a.refreshNodes(ctx)
	case "-printTopology":
		return 0, a.printTopology(ctx)
	case "-metasave":
		return a.metaSave(ctx, argv[1])
	case "-setQuota", "-clrQuota", "-setSpaceQuota", "-clrSpaceQuota":
		return a.quota(ctx, cmd, argv[1:])
	case "-setBalancerBandwidth":
		return a.setBalancerBandwidth(ctx, argv[1])
	case "-listOpenFiles":
		return a.listOpenFiles(ctx, argv[1:])
	case "-finalizeUpgrade":
		return a.finalizeUpgrade(ctx)
	case "-upgrade":
		return a.upgrade(ctx, argv[1])
	case "-refreshNamenodes":
		return a.refreshNamenodes(ctx, argv[1])
	case "-getBalancerBandwidth":
		return a.getBalancerBandwidth(ctx, argv[1])
	case "-shutdownDatanode":
		return a.shutdownDatanode(ctx, argv)
	case "-evictWriters":
		return a.evictWriters(ctx, argv[1])
	case "-getDatanodeInfo":
		return a.getDatanodeInfo(ctx, argv[1])
	case "-triggerBlockReport":
		return a.triggerBlockReport(ctx, argv)
	case "-getVolumeReport":
		return a.getVolumeReport(ctx, argv[1])
	case "-reconfig":
		return a.reconfig(ctx, argv)
	case "-deleteBlockPool":
		return a.deleteBlockPool(ctx, argv)
	case "-help":
		topic := ""
		if len(argv) > 1 {
			topic = argv[1]
		}
		dfsadminPrintHelp(a.out, topic)
		return 0, nil
	}
	if _, known := dfsadminUsageLines[cmd]; known {
		fmt.Fprintf(a.err, "%s: not supported by this version of hdfsd\n", strings.TrimPrefix(cmd, "-"))
		return dfsadminFailure, nil
	}
	name := cmd
	if name != "" {
		name = name[1:]
	}
	fmt.Fprintf(a.err, "%s: %s\n", name, errUnknownDFSAdminCommand)
	dfsadminPrintUsage(a.err, "")
	return dfsadminFailure, nil
}

// errorMessage is what Java's getLocalizedMessage would say: a server
// exception's own message, without its class.
func errorMessage(err error) string {
	var re *hadooprpc.RemoteError
	if errors.As(err, &re) {
		return re.Message
	}
	var ce *hadooprpc.ConnectError
	if errors.As(err, &ce) {
		return "Call to " + ce.Addr + " failed on connection exception: java.net.ConnectException: " +
			connectReason(ce.Err) + "; For more details see:  http://wiki.apache.org/hadoop/ConnectionRefused"
	}
	return err.Error()
}

func connectReason(err error) string {
	if strings.Contains(err.Error(), "refused") {
		return "Connection refused"
	}
	return err.Error()
}

// javaString is Throwable.toString of what a call threw: a server
// exception shows as Java's RemoteException does.
func javaString(err error) string {
	var re *hadooprpc.RemoteError
	if errors.As(err, &re) {
		return "org.apache.hadoop.ipc.RemoteException(" + re.Class + "): " + re.Message
	}
	return "java.io.IOException: " + errorMessage(err)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// multipleErrors is MultipleIOException.createIOException: the one error,
// or "N exceptions [e1, e2]".
func multipleErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = javaString(e)
	}
	return fmt.Errorf("%d exceptions [%s]", len(errs), strings.Join(parts, ", "))
}

package balancer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/hdfsclient"
	"github.com/hdfsd/hdfsd/internal/ctxsleep"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/nnrpc"
)

// ExitStatus is the balancer's exit code (ExitStatus).
type ExitStatus int

// The exit statuses, numbered as Hadoop's.
const (
	Success            ExitStatus = 0
	InProgress         ExitStatus = 1
	AlreadyRunning     ExitStatus = -1
	NoMoveBlock        ExitStatus = -2
	NoMoveProgress     ExitStatus = -3
	IOException        ExitStatus = -4
	IllegalArguments   ExitStatus = -5
	Interrupted        ExitStatus = -6
	UnfinalizedUpgrade ExitStatus = -7
)

// Params are the command line's choices (BalancerParameters).
type Params struct {
	Policy           Policy
	Threshold        float64
	Exclude, Include []string // hosts, or host:port
	Source           []string
	BlockPools       []string
	MaxIdle          int // -idleiterations; negative: no limit
	RunDuringUpgrade bool
	SortTopNodes     bool
	HotInterval      time.Duration // -hotBlockTimeInterval; 0: the configuration's
}

// DefaultParams is what no option changes.
func DefaultParams() Params { return Params{Policy: PolicyDatanode, Threshold: 10, MaxIdle: 5} }

// String is the parameters as Hadoop logs them.
func (p Params) String() string {
	return fmt.Sprintf("Balancer.BalancerParameters [%s, threshold = %s, max idle iteration = %d, #excluded nodes = %d, "+
		"#included nodes = %d, #source nodes = %d, #blockpools = %d, run during upgrade = %t, sort top nodes = %t, "+
		"hot block time interval = %d]", p.Policy, javaDouble(p.Threshold), p.MaxIdle, len(p.Exclude), len(p.Include),
		len(p.Source), len(p.BlockPools), p.RunDuringUpgrade, p.SortTopNodes, p.HotInterval.Milliseconds())
}

// Config is the balancer's configuration, read from Hadoop's keys.
type Config struct {
	Dispatch       DispatchConfig
	MaxSizeToMove  int64
	BlockSize      int64
	Replication    int
	GetBlocksQPS   int
	IterationSleep time.Duration // 2 × dfs.heartbeat.interval + dfs.namenode.redundancy.interval.seconds
	MoveTimeout    time.Duration // dfs.balancer.block-move.timeout; 0: none
	ReadTimeout    time.Duration
	UseHostname    bool
}

// ConfigFrom reads c, refusing non-positive values where Hadoop does.
func ConfigFrom(c *conf.Conf) (Config, error) {
	var cfg Config
	var errs []error
	positive := func(key string, v int64, err error) int64 {
		if err == nil && v <= 0 {
			err = fmt.Errorf("%s = %d <= 0", key, v)
		}
		errs = append(errs, err)
		return v
	}
	size := func(key string, def int64) int64 { v, err := c.GetSize(key, def); return positive(key, v, err) }
	integer := func(key string, def int) int { v, err := c.GetInt(key, def); return int(positive(key, int64(v), err)) }
	dur := func(key string, def, unit time.Duration) time.Duration {
		v, err := c.GetDuration(key, def, unit)
		errs = append(errs, err)
		return v
	}
	cfg.GetBlocksQPS = integer("dfs.namenode.get-blocks.max-qps", 20)
	cfg.Dispatch.MoverThreads = integer("dfs.balancer.moverThreads", 1000)
	cfg.Dispatch.MaxConcurrentMoves = integer("dfs.datanode.balance.max.concurrent.moves", 100)
	cfg.Dispatch.GetBlocksSize = size("dfs.balancer.getBlocks.size", 2<<30)
	cfg.Dispatch.MinBlockSize = size("dfs.balancer.getBlocks.min-block-size", 10<<20)
	cfg.Dispatch.HotInterval = dur("dfs.balancer.getBlocks.hot-time-interval", 0, time.Millisecond)
	cfg.Dispatch.MaxNoMoveInterval = dur("dfs.balancer.max-no-move-interval", 60*time.Second, time.Millisecond)
	cfg.Dispatch.MaxIterationTime = dur("dfs.balancer.max-iteration-time", 20*time.Minute, time.Millisecond)
	cfg.MoveTimeout = dur("dfs.balancer.block-move.timeout", 0, time.Millisecond)
	cfg.MaxSizeToMove = size("dfs.balancer.max-size-to-move", 10<<30)
	cfg.BlockSize = size("dfs.blocksize", 128<<20)
	repl, err := c.GetInt("dfs.replication", 3)
	cfg.Replication = repl
	errs = append(errs, err)
	hb := dur("dfs.heartbeat.interval", 3*time.Second, time.Second)
	ri := dur("dfs.namenode.redundancy.interval.seconds", 3*time.Second, time.Second)
	cfg.IterationSleep = 2*hb + ri
	st := dur("dfs.client.socket-timeout", 60*time.Second, time.Millisecond)
	cfg.ReadTimeout = 5 * st
	cfg.UseHostname = c.GetBool("dfs.client.use.datanode.hostname", false)
	return cfg, errors.Join(errs...)
}

// Balancer runs the iterations over every nameservice's NameNode.
type Balancer struct {
	Params Params
	Config Config
	Conf   *conf.Conf
	Out    io.Writer // the progress table (stdout)
	Log    *slog.Logger
	// Now and Sleep are the clock; nil: the real one.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Dial opens data transfer connections; nil: a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Header is the progress table's first line.
const Header = "Time Stamp               Iteration#  Bytes Already Moved  Bytes Left To Move  Bytes Being Moved  NameNode"

// Run balances until the cluster is balanced or nothing more can move,
// printing a line per iteration and NameNode (Balancer.run).
func (b *Balancer) Run(ctx context.Context) ExitStatus {
	if b.Now == nil {
		b.Now = time.Now
	}
	if b.Sleep == nil {
		b.Sleep = ctxsleep.Sleep
	}
	if b.Dial == nil {
		b.Dial = (&net.Dialer{}).DialContext
	}
	began := b.Now()
	defer func() {
		fmt.Fprintf(b.Out, "%-24s Balancing took %s\n", Timestamp(b.Now()), Duration(b.Now().Sub(began)))
	}()
	b.Log.Info("balancer", "parameters", b.Params.String())
	fmt.Fprintln(b.Out, Header)
	conns, closeAll, err := b.connect(ctx)
	if err != nil {
		fmt.Fprintf(b.Out, "%s.  Exiting ...\n", javaException(err))
		return IOException
	}
	defer closeAll()
	for iteration := 0; ; iteration++ {
		done := true
		rand.Shuffle(len(conns), func(i, j int) { conns[i], conns[j] = conns[j], conns[i] })
		for _, c := range conns {
			if len(b.Params.BlockPools) > 0 && !slices.Contains(b.Params.BlockPools, c.poolID) {
				b.Log.Info("Skipping blockpool " + c.poolID)
			} else {
				r := b.iterate(ctx, c)
				fmt.Fprintf(b.Out, "%-24s %10d  %19s  %18s  %17s  %17d  %s\n", Timestamp(b.Now()), iteration,
					ByteDesc(c.bytesMoved), ByteDesc(r.left), ByteDesc(r.moving), c.blocksMoved, c.uri)
				switch r.status {
				case InProgress:
					done = false
				case Success:
				default:
					return r.status
				}
			}
			if done {
				fmt.Fprintln(b.Out, "The cluster is balanced. Exiting...")
			}
		}
		if done {
			return Success
		}
		if err := b.Sleep(ctx, b.Config.IterationSleep); err != nil {
			return Interrupted
		}
	}
}

type result struct {
	status       ExitStatus
	left, moving int64
}

// iterate is runOneIteration: a fresh snapshot, plan and dispatcher.
func (b *Balancer) iterate(ctx context.Context, c *connector) result {
	fail := func(err error) result {
		if ctx.Err() != nil {
			return result{status: Interrupted, left: -1, moving: -1}
		}
		fmt.Fprintf(b.Out, "%s.  Exiting ...\n", javaException(err))
		return result{status: IOException, left: -1, moving: -1}
	}
	reports, err := c.liveReports(ctx)
	if err != nil {
		return fail(err)
	}
	reports = b.filter(reports)
	pp := PlanParams{Policy: b.Params.Policy, Threshold: b.Params.Threshold, MaxSizeToMove: b.Config.MaxSizeToMove,
		BlockSize: b.Config.BlockSize, SortTopNodes: b.Params.SortTopNodes}
	if len(b.Params.Source) > 0 {
		pp.IsSource = func(d blocks.DatanodeInfo) bool { return hostIn(b.Params.Source, d) }
	}
	plan := NewPlan(reports, pp, b.rackOf)
	if plan.BytesLeftToMove == 0 {
		return result{status: Success}
	}
	b.Log.Info(fmt.Sprintf("Need to move %s to make the cluster balanced.", ByteDesc(plan.BytesLeftToMove)))
	if !b.Params.RunDuringUpgrade {
		ok, err := c.upgradeFinalized(ctx)
		if err != nil {
			return fail(err)
		}
		if !ok {
			fmt.Fprintln(os.Stderr, "Balancer exiting as upgrade is not finalized, please finalize the HDFS upgrade before running the balancer.")
			return result{status: UnfinalizedUpgrade, left: plan.BytesLeftToMove, moving: -1}
		}
	}
	if plan.BytesBeingMoved == 0 {
		fmt.Fprintln(b.Out, "No block can be moved. Exiting...")
		return result{status: NoMoveBlock, left: plan.BytesLeftToMove}
	}
	b.Log.Info(fmt.Sprintf("Will move %s in this iteration", ByteDesc(plan.BytesBeingMoved)))
	dc := b.Config.Dispatch
	dc.PoolID = c.poolID
	if b.Params.HotInterval != 0 {
		dc.HotInterval = b.Params.HotInterval
	}
	mover := &transferMover{connectTimeout: 60 * time.Second, readTimeout: b.Config.ReadTimeout, moveTimeout: b.Config.MoveTimeout,
		useHostname: b.Config.UseHostname, dial: b.Dial}
	d := NewDispatcher(dc, c, mover, reports, plan, b.rackOf, b.Log)
	moved := d.Dispatch(ctx, plan.Sources)
	_, blocksMoved := d.Moved()
	c.bytesMoved += moved
	c.blocksMoved += blocksMoved
	if ctx.Err() != nil {
		return result{status: Interrupted, left: -1, moving: -1}
	}
	if moved > 0 {
		c.idle = 0
	} else {
		c.idle++
		if b.Params.MaxIdle >= 0 && c.idle >= b.Params.MaxIdle {
			fmt.Fprintf(b.Out, "No block has been moved for %d iterations. Exiting...\n", c.idle)
			return result{status: NoMoveProgress, left: plan.BytesLeftToMove, moving: plan.BytesBeingMoved}
		}
	}
	return result{status: InProgress, left: plan.BytesLeftToMove, moving: plan.BytesBeingMoved}
}

func (b *Balancer) rackOf(d blocks.DatanodeInfo) string {
	if d.Location != "" {
		return d.Location
	}
	return "/default-rack"
}

// filter keeps the nodes in service that -include and -exclude allow.
func (b *Balancer) filter(reports []blocks.DatanodeStorageReport) []blocks.DatanodeStorageReport {
	rand.Shuffle(len(reports), func(i, j int) { reports[i], reports[j] = reports[j], reports[i] })
	return slices.DeleteFunc(reports, func(r blocks.DatanodeStorageReport) bool {
		return r.Node.AdminState != blocks.Normal || hostIn(b.Params.Exclude, r.Node) ||
			(len(b.Params.Include) > 0 && !hostIn(b.Params.Include, r.Node))
	})
}

// hostIn is Util.isIn: the list names the node by host name or IP
// address, alone or with its transfer port.
func hostIn(list []string, d blocks.DatanodeInfo) bool {
	for _, h := range []string{d.IPAddr, d.HostName} {
		if h == "" {
			continue
		}
		if slices.Contains(list, h) || slices.Contains(list, net.JoinHostPort(h, strconv.Itoa(d.XferPort))) {
			return true
		}
	}
	return false
}

// connect opens a connector per nameservice (or fs.defaultFS's NameNode
// when there is none) and takes each one's balancer.id.
func (b *Balancer) connect(ctx context.Context) ([]*connector, func(), error) {
	var confs []*conf.Conf
	nss := b.Conf.GetStrings("dfs.internal.nameservices")
	if len(nss) == 0 {
		nss = b.Conf.GetStrings("dfs.nameservices")
	}
	for _, ns := range nss {
		c := b.Conf.Clone()
		c.Set("fs.defaultFS", "hdfs://"+ns)
		confs = append(confs, c)
	}
	if len(confs) == 0 {
		confs = append(confs, b.Conf)
	}
	host, _ := os.Hostname()
	var conns []*connector
	var clients []*hdfsclient.Client
	lctx, stopLeases := context.WithCancel(context.Background())
	closeAll := func() {
		stopLeases()
		for _, c := range conns {
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := c.release(cctx); err != nil {
				b.Log.Warn("balancer: removing "+IDPath, "namenode", c.uri, "err", err)
			}
			cancel()
		}
		for _, cl := range clients {
			cl.Close()
		}
	}
	for _, c := range confs {
		cl, err := hdfsclient.Dial(c, hdfsclient.Options{Logger: b.Log})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		clients = append(clients, cl)
		cn := &connector{uri: cl.URI(), nn: cl.ActiveCaller(nnrpc.ProtocolName), client: cl.ActiveCaller(hdfsclient.Protocol),
			name: fmt.Sprintf("DFSClient_balancer_%s_%d", host, rand.Int64()), gap: time.Second / time.Duration(b.Config.GetBlocksQPS)}
		if err := cn.versionRequest(ctx); err != nil {
			closeAll()
			return nil, nil, err
		}
		if err := cn.markRunning(ctx, b.Config.Replication, b.Config.BlockSize); err != nil {
			closeAll()
			return nil, nil, err
		}
		conns = append(conns, cn)
		go cn.keepLease(lctx, 30*time.Second)
	}
	return conns, closeAll, nil
}

// javaException renders err as Java's Throwable.toString would.
func javaException(err error) string {
	var re *hadooprpc.RemoteError
	if errors.As(err, &re) {
		return re.Class + ": " + re.Message
	}
	return "java.io.IOException: " + strings.TrimPrefix(err.Error(), "balancer: ")
}

// Package minicluster runs a NameNode and DataNodes in one process on
// 127.0.0.1: what `hdfsd minicluster` (make run) starts, and what Go tests
// that need a whole cluster use. Each daemon keeps its own directories
// under Dir, so a cluster started again on the same Dir finds its data.
package minicluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode"
	"github.com/hdfsd/hdfsd/journalnode"
	"github.com/hdfsd/hdfsd/namenode"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Options say what to start.
type Options struct {
	Dir       string // the cluster's folder: name/, jn<i>/, dn<i>/, conf/
	DataNodes int
	// JournalNodes, when not 0, run that many JournalNodes and put the
	// NameNode's edit log on them (dfs.namenode.shared.edits.dir =
	// qjournal://…/minicluster) besides its local name directory. A
	// cluster first started without JournalNodes keeps running without.
	JournalNodes int
	// NNPort and HTTPPort are the NameNode's ports on 127.0.0.1 (0: any
	// free one).
	NNPort, HTTPPort int
	// Site is hdfs-site.xml for every daemon, beyond what the cluster sets
	// itself (directories and addresses).
	Site   map[string]string
	Logger *slog.Logger
}

// Cluster is a running NameNode with its DataNodes.
type Cluster struct {
	NameNode     *namenode.Daemon
	DataNodes    []*datanode.Daemon
	JournalNodes []*journalnode.Daemon
	Dir          string

	opts    Options
	shared  string // the qjournal:// URI, "" without JournalNodes
	cancel  context.CancelFunc
	stopped chan struct{}
	wg      [tiers]sync.WaitGroup

	mu       sync.Mutex
	tierCtx  [tiers]context.Context
	tierStop [tiers]context.CancelFunc
	errs     []error
}

// Start formats the NameNode's directory on first use, then starts the
// NameNode and the DataNodes. Stop them with Close.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	abs, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	opts.Dir = abs
	ctx, cancel := context.WithCancel(ctx)
	c := &Cluster{Dir: abs, opts: opts, cancel: cancel, stopped: make(chan struct{})}
	go c.watch(ctx)

	_, statErr := os.Stat(filepath.Join(abs, "name", "current", "VERSION"))
	fresh := statErr != nil
	if _, err := os.Stat(filepath.Join(abs, "jn0")); opts.JournalNodes > 0 && (fresh || err == nil) {
		var addrs []string
		for i := range opts.JournalNodes {
			jn, err := c.startJournalNode(ctx, i)
			if err != nil {
				c.Close()
				return nil, err
			}
			addrs = append(addrs, jn.RPCAddr())
		}
		c.shared = "qjournal://" + strings.Join(addrs, ";") + "/minicluster"
	}
	nc := c.conf()
	nc.Set("dfs.namenode.name.dir", filepath.Join(abs, "name"))
	if c.shared != "" {
		nc.Set("dfs.namenode.shared.edits.dir", c.shared)
	}
	nc.Set("dfs.namenode.rpc-address", "127.0.0.1:"+strconv.Itoa(opts.NNPort))
	nc.Set("dfs.namenode.http-address", "127.0.0.1:"+strconv.Itoa(opts.HTTPPort))
	ncfg, err := namenode.ConfigFrom(nc)
	if err != nil {
		c.Close()
		return nil, err
	}
	if fresh {
		// The whole folder is the cluster's: a new name dir formats its
		// JournalNodes too, whatever they hold.
		if err := namenode.Format(ncfg, storage.FormatOptions{NonInteractive: true, Force: true}, opts.Logger); err != nil {
			c.Close()
			return nil, fmt.Errorf("minicluster: format: %w", err)
		}
	}
	nn, err := namenode.Start(ctx, nc, ncfg, namenode.Options{Logger: opts.Logger.With("daemon", "namenode")})
	if err != nil {
		c.Close()
		return nil, err
	}
	c.NameNode = nn
	c.run(tierName, nn.Run)
	for i := range opts.DataNodes {
		if err := c.startDataNode(ctx, i); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// conf is a configuration with the cluster's site settings.
func (c *Cluster) conf() *conf.Conf {
	cf := conf.New()
	for k, v := range c.opts.Site {
		cf.Set(k, v)
	}
	return cf
}

// SharedEdits is the NameNode's qjournal:// URI, or "" without
// JournalNodes.
func (c *Cluster) SharedEdits() string { return c.shared }

// startJournalNode starts JournalNode i on DIR/jn<i>. Its ports are the
// same on every start (a free pair is chosen the first time and kept in
// DIR/jn<i>/ports), since the NameNode's URI names them.
func (c *Cluster) startJournalNode(ctx context.Context, i int) (*journalnode.Daemon, error) {
	dir := filepath.Join(c.Dir, fmt.Sprintf("jn%d", i))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	rpc, http, err := stablePorts(filepath.Join(dir, "ports"))
	if err != nil {
		return nil, err
	}
	jc := c.conf()
	jc.Set("dfs.journalnode.edits.dir", filepath.Join(dir, "edits"))
	jc.Set("dfs.journalnode.rpc-address", rpc)
	jc.Set("dfs.journalnode.http-address", http)
	cfg, err := journalnode.ConfigFrom(jc)
	if err != nil {
		return nil, err
	}
	jn, err := journalnode.Start(ctx, jc, cfg, journalnode.Options{Logger: c.opts.Logger.With("daemon", fmt.Sprintf("journalnode%d", i))})
	if err != nil {
		return nil, fmt.Errorf("minicluster: journalnode %d: %w", i, err)
	}
	c.JournalNodes = append(c.JournalNodes, jn)
	c.run(tierJournal, jn.Run)
	return jn, nil
}

// stablePorts reads "rpc http" addresses from file, or picks two free
// ports on 127.0.0.1 and writes them there.
func stablePorts(file string) (rpc, http string, err error) {
	if b, err := os.ReadFile(file); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			return f[0], f[1], nil
		}
	}
	var addrs []string
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", "", err
		}
		addrs = append(addrs, ln.Addr().String())
		defer ln.Close()
	}
	return addrs[0], addrs[1], os.WriteFile(file, []byte(addrs[0]+" "+addrs[1]+"\n"), 0o644)
}

// DataNodeConf is DataNode i's configuration.
func (c *Cluster) DataNodeConf(i int) *conf.Conf {
	dc := c.conf()
	dc.Set("fs.defaultFS", "hdfs://"+c.NameNode.RPCAddr())
	dc.Set("dfs.namenode.rpc-address", c.NameNode.RPCAddr())
	dc.Set("dfs.datanode.data.dir", filepath.Join(c.Dir, fmt.Sprintf("dn%d", i)))
	dc.Set("dfs.datanode.address", "127.0.0.1:0")
	dc.Set("dfs.datanode.ipc.address", "127.0.0.1:0")
	dc.Set("dfs.datanode.http.address", "127.0.0.1:0")
	dc.Set("dfs.datanode.hostname", "127.0.0.1")
	return dc
}

func (c *Cluster) startDataNode(ctx context.Context, i int) error {
	dc := c.DataNodeConf(i)
	cfg, err := datanode.ConfigFrom(dc)
	if err != nil {
		return err
	}
	// refreshNamenodes re-reads the configuration the cluster gives the
	// DataNode: the same one, so it keeps its services.
	reload := func() (*conf.Conf, error) { return c.DataNodeConf(i), nil }
	dn, err := datanode.Start(ctx, dc, cfg, datanode.Options{Logger: c.opts.Logger.With("daemon", fmt.Sprintf("datanode%d", i)), Reload: reload})
	if err != nil {
		return fmt.Errorf("minicluster: datanode %d: %w", i, err)
	}
	c.DataNodes = append(c.DataNodes, dn)
	c.run(tierData, dn.Run)
	return nil
}

// tier is when a daemon stops: DataNodes first, then the NameNode (which
// finalizes its segment on the JournalNodes), then the JournalNodes.
type tier int

const (
	tierJournal tier = iota
	tierName
	tierData
	tiers
)

// run runs a daemon until its tier is stopped; a daemon that fails stops
// the cluster.
func (c *Cluster) run(t tier, fn func(ctx context.Context) error) {
	c.mu.Lock()
	if c.tierCtx[t] == nil {
		c.tierCtx[t], c.tierStop[t] = context.WithCancel(context.Background())
	}
	ctx := c.tierCtx[t]
	c.mu.Unlock()
	c.wg[t].Add(1)
	go func() {
		defer c.wg[t].Done()
		if err := fn(ctx); err != nil {
			c.mu.Lock()
			c.errs = append(c.errs, err)
			c.mu.Unlock()
			c.cancel()
		}
	}()
}

// watch stops the cluster, tier by tier, once ctx (Start's, or a failed
// daemon's cancel) is done.
func (c *Cluster) watch(ctx context.Context) {
	<-ctx.Done()
	for t := tiers - 1; t >= 0; t-- {
		c.mu.Lock()
		stop := c.tierStop[t]
		c.mu.Unlock()
		if stop != nil {
			stop()
		}
		c.wg[t].Wait()
	}
	close(c.stopped)
}

// Wait blocks until a daemon fails or the ctx given to Start ends, and
// the cluster has stopped; it returns the failures.
func (c *Cluster) Wait() error {
	<-c.stopped
	c.mu.Lock()
	defer c.mu.Unlock()
	return errors.Join(c.errs...)
}

// Close stops every daemon, DataNodes first, JournalNodes last, and waits
// for them.
func (c *Cluster) Close() error {
	c.cancel()
	return c.Wait()
}

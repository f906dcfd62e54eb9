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
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode"
	"github.com/hdfsd/hdfsd/namenode"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Options say what to start.
type Options struct {
	Dir       string // the cluster's folder: name/, dn<i>/, conf/
	DataNodes int
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
	NameNode  *namenode.Daemon
	DataNodes []*datanode.Daemon
	Dir       string

	opts   Options
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
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
	c := &Cluster{Dir: abs, opts: opts, cancel: cancel}

	nc := c.conf()
	nc.Set("dfs.namenode.name.dir", filepath.Join(abs, "name"))
	nc.Set("dfs.namenode.rpc-address", "127.0.0.1:"+strconv.Itoa(opts.NNPort))
	nc.Set("dfs.namenode.http-address", "127.0.0.1:"+strconv.Itoa(opts.HTTPPort))
	ncfg, err := namenode.ConfigFrom(nc)
	if err != nil {
		cancel()
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "name", "current", "VERSION")); err != nil {
		if err := namenode.Format(ncfg, storage.FormatOptions{NonInteractive: true}, opts.Logger); err != nil {
			cancel()
			return nil, fmt.Errorf("minicluster: format: %w", err)
		}
	}
	nn, err := namenode.Start(ctx, nc, ncfg, namenode.Options{Logger: opts.Logger.With("daemon", "namenode")})
	if err != nil {
		cancel()
		return nil, err
	}
	c.NameNode = nn
	c.run(func() error { return nn.Run(ctx) })
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
	dn, err := datanode.Start(ctx, dc, cfg, datanode.Options{Logger: c.opts.Logger.With("daemon", fmt.Sprintf("datanode%d", i))})
	if err != nil {
		return fmt.Errorf("minicluster: datanode %d: %w", i, err)
	}
	c.DataNodes = append(c.DataNodes, dn)
	c.run(func() error { return dn.Run(ctx) })
	return nil
}

func (c *Cluster) run(fn func() error) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := fn(); err != nil {
			c.mu.Lock()
			c.errs = append(c.errs, err)
			c.mu.Unlock()
			c.cancel()
		}
	}()
}

// Wait blocks until a daemon fails or ctx given to Start ends, then stops
// the others and returns the failures.
func (c *Cluster) Wait() error {
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	return errors.Join(c.errs...)
}

// Close stops every daemon (DataNodes first, as their Run returns on the
// shared context) and waits for them.
func (c *Cluster) Close() error {
	c.cancel()
	return c.Wait()
}

package datanode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/throttle"
	"github.com/hdfsd/hdfsd/hadooprpc"
)

// Version is the software version the DataNode reports.
const Version = "3.4.1"

// Daemon is a running DataNode: its storage, its three servers (data
// transfer, IPC, HTTP), one block-pool service per nameservice and the
// scanners. Start builds it and opens the ports; Run serves until the
// context ends, a client asks for a shutdown or every block-pool service
// has stopped; Close stops everything and releases the storage.
type Daemon struct {
	conf    *conf.Conf
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	started time.Time
	reload  func() (*conf.Conf, error)

	ds     *fsdataset.Dataset
	rpc    bpservice.Caller
	client *hadooprpc.Client // built by Start (closed by Close); nil when Options.Caller was given

	data   dataServer
	ipc    *hadooprpc.Server
	http   *http.Server
	xferLn net.Listener
	ipcLn  net.Listener
	httpLn net.Listener

	id      bpservice.DatanodeID
	pools   []*pool // one per nameservice, changed by refreshNamenodes; guarded by poolsMu
	poolsMu sync.Mutex
	// refreshMu orders refreshNamenodes against itself and against Run
	// starting the services; poolEnds carries the end of each service.
	refreshMu sync.Mutex
	poolEnds  chan poolEnd
	poolRand  func(int64) int64 // the actors' random source, for the services refreshNamenodes adds
	scanners  []*volumeScanner  // guarded by poolsMu
	timing    bpservice.Config  // the services' timing, changed by reconfiguration; guarded by poolsMu

	reconf reconfigState // the last reconfiguration task

	balance   *throttle.Throttler // the balancer's bandwidth, bytes/s, shared by every block move
	transfers chan struct{}       // one token per DNA_TRANSFER copy in flight
	xmits     atomic.Int32

	stopReq    chan struct{} // shutdownDatanode was called
	fatal      chan error    // the DataNode cannot go on (capacity 1)
	stopOnce   sync.Once
	forUpgrade atomic.Bool

	bgCtx    context.Context // ends at Close: services, scanners, commands
	bgCancel context.CancelFunc
	bg       sync.WaitGroup
	mu       struct {
		sync.Mutex
		closed bool
		ran    bool
	}
	closeOnce sync.Once
	closeErr  error
}

// pool is one nameservice: its NameNodes and the service talking to them.
type pool struct {
	nameservice string
	nameNodes   []string
	svc         *bpservice.Service
	bpid        string // set once the block pool is in service; guarded by Daemon.poolsMu
	// cancel stops the service and done closes when it has stopped (set
	// by startPool). ended (guarded by Daemon.poolsMu) says the service
	// returned; retired that refreshNamenodes took the pool out, so its
	// end is not a failure.
	cancel  context.CancelFunc
	done    chan struct{}
	ended   bool
	retired bool
}

// poolEnd is a block-pool service that returned.
type poolEnd struct {
	p   *pool
	err error
}

// poolList returns the pools in service now.
func (d *Daemon) poolList() []*pool {
	d.poolsMu.Lock()
	defer d.poolsMu.Unlock()
	return slices.Clone(d.pools)
}

// startPool runs p's service until its own context or the daemon's ends;
// the caller holds refreshMu.
func (d *Daemon) startPool(p *pool) {
	ctx, cancel := context.WithCancel(d.bgCtx)
	p.cancel, p.done = cancel, make(chan struct{})
	started := d.goBg(func() {
		err := p.svc.Run(ctx)
		d.poolsMu.Lock()
		p.ended = true
		d.poolsMu.Unlock()
		close(p.done)
		select {
		case d.poolEnds <- poolEnd{p, err}:
		case <-d.bgCtx.Done():
		}
	})
	if !started {
		cancel()
		close(p.done)
	}
}

// runningPools counts the pools whose service has not returned.
func (d *Daemon) runningPools() int {
	d.poolsMu.Lock()
	defer d.poolsMu.Unlock()
	n := 0
	for _, p := range d.pools {
		if !p.ended {
			n++
		}
	}
	return n
}

// Options are how a Daemon is started beyond its configuration.
type Options struct {
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends (the scanners' pacing); nil waits on
	// a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// FS is the file system of the data dirs; nil is the OS's (and only
	// then are missing data dirs created with dfs.datanode.data.dir.perm).
	FS fsdataset.FS
	// Caller makes the RPC calls to NameNodes and peer DataNodes; nil is a
	// hadooprpc.Client built from the configuration.
	Caller bpservice.Caller
	// Reload re-reads the configuration for refreshNamenodes; nil answers
	// refreshNamenodes as unsupported.
	Reload func() (*conf.Conf, error)
	// Rand is the actors' random source (report jitter); nil is
	// math/rand/v2.
	Rand func(n int64) int64
}

// ID is the identity the DataNode registers with.
func (d *Daemon) ID() bpservice.DatanodeID { return d.id }

// XferAddr is the address the data-transfer server listens on.
func (d *Daemon) XferAddr() string { return d.xferLn.Addr().String() }

// IPCAddr is the address the IPC server listens on.
func (d *Daemon) IPCAddr() string { return d.ipcLn.Addr().String() }

// HTTPAddr is the address the HTTP server listens on.
func (d *Daemon) HTTPAddr() string { return d.httpLn.Addr().String() }

// Dataset is the DataNode's storage.
func (d *Daemon) Dataset() *fsdataset.Dataset { return d.ds }

// Run serves until ctx ends, shutdownDatanode is called or every
// block-pool service has stopped, then closes the daemon. It returns why
// the services stopped on their own, or why a server failed; nil after a
// cancellation or a requested shutdown.
func (d *Daemon) Run(ctx context.Context) error {
	d.mu.Lock()
	if d.mu.closed || d.mu.ran {
		d.mu.Unlock()
		return errors.New("datanode: Run called on a closed or running daemon")
	}
	d.mu.ran = true
	d.mu.Unlock()

	errc := make(chan error, 3)
	serve := func(name string, fn func() error) {
		d.goBg(func() {
			err := fn()
			if err != nil && !errors.Is(err, hadooprpc.ErrServerClosed) && !errors.Is(err, http.ErrServerClosed) &&
				!errors.Is(err, net.ErrClosed) {
				errc <- fmt.Errorf("datanode: %s server: %w", name, err)
			}
		})
	}
	serve("data-transfer", func() error { return d.data.Serve(d.xferLn) })
	serve("IPC", func() error { return d.ipc.Serve(d.ipcLn) })
	serve("HTTP", func() error { return d.http.Serve(d.httpLn) })

	d.refreshMu.Lock()
	for _, p := range d.poolList() {
		if p.cancel == nil { // refreshNamenodes may have started one already
			d.startPool(p)
		}
	}
	d.refreshMu.Unlock()
	d.startScanners()

	var err error
	var stopped []error
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case <-d.stopReq:
			d.log.Info("DataNode shutting down on request", "forUpgrade", d.forUpgrade.Load())
			break wait
		case err = <-errc:
			d.log.Error("DataNode stopping", "err", err)
			break wait
		case err = <-d.fatal:
			break wait
		case e := <-d.poolEnds:
			d.poolsMu.Lock()
			retired := e.p.retired
			d.poolsMu.Unlock()
			if retired {
				continue
			}
			if e.err != nil {
				stopped = append(stopped, e.err)
			}
			if d.runningPools() == 0 {
				if d.bgCtx.Err() == nil {
					err = errors.Join(append([]error{errors.New("datanode: every block pool service has stopped")}, stopped...)...)
					d.log.Error("DataNode stopping: no block pool service is left", "err", err)
				}
				break wait
			}
		}
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close stops the servers, the block-pool services, the scanners and the
// commands under way, then shuts the storage down (saving dfsUsed and
// releasing the volume locks).
func (d *Daemon) Close() error {
	d.closeOnce.Do(func() { d.closeErr = d.close() })
	return d.closeErr
}

func (d *Daemon) close() error {
	d.mu.Lock()
	d.mu.closed = true
	d.mu.Unlock()
	d.bgCancel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if d.forUpgrade.Load() {
		_ = d.data.CloseForRestart(d.cfg.RestartExpiry)
	} else {
		_ = d.data.Close()
	}
	_ = d.ipc.Shutdown(ctx)
	_ = d.http.Shutdown(ctx)
	for _, ln := range []net.Listener{d.xferLn, d.ipcLn, d.httpLn} {
		_ = ln.Close() // a server that never served leaves its listener open
	}
	d.bg.Wait()
	if d.client != nil {
		_ = d.client.Close()
	}
	err := d.ds.Shutdown()
	if err != nil {
		err = fmt.Errorf("datanode: shutting the storage down: %w", err)
	}
	d.log.Info("DataNode stopped", "xfer", d.XferAddr())
	return err
}

// goBg runs fn on a goroutine Close waits for; after Close it does
// nothing and reports false.
func (d *Daemon) goBg(fn func()) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.mu.closed {
		return false
	}
	d.bg.Go(fn)
	return true
}

// requestStop is shutdownDatanode: Run returns and closes the daemon.
func (d *Daemon) requestStop(forUpgrade bool) error {
	started := false
	d.stopOnce.Do(func() {
		d.forUpgrade.Store(forUpgrade)
		close(d.stopReq)
		started = true
	})
	if !started {
		return errors.New("Shutdown already in progress.")
	}
	return nil
}

// service returns the block-pool service of bpid, or nil.
func (d *Daemon) service(bpid string) *bpservice.Service {
	if p := d.poolOf(bpid); p != nil {
		return p.svc
	}
	return nil
}

// poolOf returns the nameservice whose block pool is bpid, or nil.
func (d *Daemon) poolOf(bpid string) *pool {
	if bpid == "" {
		return nil
	}
	d.poolsMu.Lock()
	defer d.poolsMu.Unlock()
	for _, p := range d.pools {
		if p.bpid == bpid {
			return p
		}
	}
	return nil
}

// blockPools lists the block pools in service.
func (d *Daemon) blockPools() []string {
	d.poolsMu.Lock()
	defer d.poolsMu.Unlock()
	var out []string
	for _, p := range d.pools {
		if p.bpid != "" {
			out = append(out, p.bpid)
		}
	}
	return out
}

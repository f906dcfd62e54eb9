package namenode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Version is what the NameNode reports as its software version.
const Version = "3.4.1"

// Daemon is a running NameNode: its storage, namesystem, edit log and
// servers. Start builds it; Run serves until the context ends or the edit
// log fails; Close stops it cleanly (finalizing the open segment).
type Daemon struct {
	conf    *conf.Conf
	cfg     Config
	log     *slog.Logger
	fsys    storage.FS
	dirs    *storage.Dirs
	st      *storage.Storage
	version storage.Version
	ns      *Namesystem
	jn      *journal.Journal

	rpc     *hadooprpc.Server
	rpcLn   net.Listener
	rpcAddr string
	// svcLn is dfs.namenode.servicerpc-address's listener when one is
	// set: the same protocols, for DataNodes and other daemons.
	svcLn  net.Listener
	http   *http.Server
	httpLn net.Listener

	failOnce sync.Once
	failed   chan error // the edit log failed: the daemon must stop
	closed   chan struct{}
	bg       sync.WaitGroup
	stopBg   context.CancelFunc
}

// Options are how a Daemon is started beyond its configuration.
type Options struct {
	Logger *slog.Logger
	// FS is the file system of the storage directories; nil is the OS's.
	FS storage.FS
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Upgrade is `namenode -upgrade`: load the directories (of an older
	// layout, or of this one), save the namespace into new current/
	// directories in this layout, keep the old ones as previous/ until
	// finalizeUpgrade or -rollback, and run.
	Upgrade bool
	// ClusterID is -upgrade's -clusterid. Every layout hdfsd loads keeps
	// its cluster ID; a different one is logged and ignored, as Hadoop does.
	ClusterID string
}

// RPCAddr is the address the client RPC server listens on.
func (d *Daemon) RPCAddr() string { return d.rpcAddr }

// ServiceRPCAddr is the address the service RPC server listens on, or the
// client RPC address when no service address is set.
func (d *Daemon) ServiceRPCAddr() string {
	if d.svcLn != nil {
		return d.svcLn.Addr().String()
	}
	return d.rpcAddr
}

// HTTPAddr is the address the HTTP server listens on.
func (d *Daemon) HTTPAddr() string { return d.httpLn.Addr().String() }

// Namesystem returns the daemon's namesystem.
func (d *Daemon) Namesystem() *Namesystem { return d.ns }

func (d *Daemon) fail(err error) {
	d.failOnce.Do(func() {
		d.failed <- err
	})
}

// Run serves until ctx ends (then closes cleanly and returns nil) or the
// edit log fails (then returns the failure without finalizing anything).
func (d *Daemon) Run(ctx context.Context) error {
	errc := make(chan error, 3)
	go func() { errc <- d.rpc.Serve(d.rpcLn) }()
	if d.svcLn != nil {
		go func() { errc <- d.rpc.Serve(d.svcLn) }()
	}
	go func() { errc <- d.http.Serve(d.httpLn) }()
	select {
	case <-ctx.Done():
		return d.Close()
	case err := <-d.failed:
		d.log.Error("NameNode stopping: the edit log cannot be written", "err", err)
		d.abort()
		return err
	case err := <-errc:
		if errors.Is(err, hadooprpc.ErrServerClosed) || errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		d.abort()
		return err
	}
}

// Close stops serving, finalizes the open edit segment and releases the
// storage directories.
func (d *Daemon) Close() error {
	select {
	case <-d.closed:
		return nil
	default:
	}
	close(d.closed)
	d.stopServers()
	var errs []error
	if err := d.jn.Close(); err != nil {
		errs = append(errs, err)
	}
	if d.ns.shared != nil {
		if err := d.ns.shared.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := d.st.Close(); err != nil {
		errs = append(errs, err)
	}
	d.log.Info("NameNode stopped", "rpc", d.rpcAddr)
	return errors.Join(errs...)
}

// abort stops without finalizing: what a NameNode that lost its edit log
// leaves behind is what a crash leaves.
func (d *Daemon) abort() {
	select {
	case <-d.closed:
		return
	default:
	}
	close(d.closed)
	d.stopServers()
	d.jn.Abort()
	if d.ns.shared != nil {
		_ = d.ns.shared.Close()
	}
	_ = d.st.Close()
}

func (d *Daemon) stopServers() {
	if d.stopBg != nil {
		d.stopBg()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.http.Shutdown(ctx)
	_ = d.rpc.Shutdown(ctx)
	d.bg.Wait()
}

// listen opens a TCP listener on a Hadoop "host:port" address.
func listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("namenode: listen on %s: %w", addr, err)
	}
	return l, nil
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}

func roleName(d storage.Dir) string { return d.Role.String() }

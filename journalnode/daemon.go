package journalnode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Daemon is a running JournalNode.
type Daemon struct {
	conf   *conf.Conf
	cfg    Config
	log    *slog.Logger
	node   *node
	rpc    *hadooprpc.Server
	client *hadooprpc.Client
	http   *http.Server
	rpcLn  net.Listener
	httpLn net.Listener

	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup
}

// Start creates the edits dir, opens the journals already in it, and
// listens on the RPC and HTTP addresses; Run serves. It logs
// "JournalNode up" with both bound addresses.
func Start(ctx context.Context, c *conf.Conf, cfg Config, opts Options) (*Daemon, error) {
	if c == nil {
		c = conf.New()
	}
	d := &Daemon{conf: c, cfg: cfg, log: opts.Logger}
	if d.log == nil {
		d.log = slog.Default()
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = storage.OSFS
		if err := os.MkdirAll(cfg.EditsDir, 0o700); err != nil {
			return nil, fmt.Errorf("journalnode: creating %s: %w", cfg.EditsDir, err)
		}
		if flag := os.Getenv(FullDiskEnv); flag != "" {
			d.log.Warn("test hook: the edits dir is a full disk while a file exists", "env", FullDiskEnv, "file", flag)
			fsys = fullDiskFS(fsys, flag)
		}
	}
	var err error
	if d.rpcLn, err = net.Listen("tcp", cfg.RPCAddr); err != nil {
		return nil, fmt.Errorf("journalnode: listening on %s: %w", cfg.RPCAddr, err)
	}
	if d.httpLn, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
		d.rpcLn.Close()
		return nil, fmt.Errorf("journalnode: listening on %s: %w", cfg.HTTPAddr, err)
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	d.node = &node{fs: fsys, editsDir: cfg.EditsDir, nsDir: cfg.NameserviceDir, listedNS: slices.Sorted(maps.Keys(cfg.NameserviceDirs)), cacheBytes: cfg.CacheBytes, log: d.log, now: opts.Now,
		fetch: httpFetcher(hc), httpPort: d.httpPort, httpURI: d.httpURI}
	d.node.openExisting()
	// A writer's channel waits for each answer before its next call.
	d.rpc = hadooprpc.NewServer(hadooprpc.ServerConfig{MaxDataLength: cfg.MaxDataLength, Logger: d.log, InlineLoneCalls: true})
	d.rpc.Register(jnrpc.Protocol(d.node))
	d.rpc.Register(jnrpc.InterProtocol(d.node))
	d.client = hadooprpc.NewClient(hadooprpc.ClientConfig{ConnectTimeout: 20 * time.Second, Logger: d.log})
	d.http = &http.Server{Handler: d.httpHandler(), ReadHeaderTimeout: time.Minute}
	d.log.Info("JournalNode up", "rpc", d.RPCAddr(), "http", d.HTTPAddr())
	return d, nil
}

// RPCAddr is the bound RPC address.
func (d *Daemon) RPCAddr() string { return d.rpcLn.Addr().String() }

// HTTPAddr is the bound HTTP address.
func (d *Daemon) HTTPAddr() string { return d.httpLn.Addr().String() }

func (d *Daemon) rpcPort() int  { return d.rpcLn.Addr().(*net.TCPAddr).Port }
func (d *Daemon) httpPort() int { return d.httpLn.Addr().(*net.TCPAddr).Port }

// httpURI is JournalNode.getHttpServerURI: the scheme and bound address.
func (d *Daemon) httpURI() string { return "http://" + d.HTTPAddr() }

// Run serves until ctx ends or a server fails, then closes the daemon.
func (d *Daemon) Run(ctx context.Context) error {
	errc := make(chan error, 2)
	d.wg.Add(2)
	go func() { defer d.wg.Done(); errc <- d.rpc.Serve(d.rpcLn) }()
	go func() { defer d.wg.Done(); errc <- d.http.Serve(d.httpLn) }()
	syncCtx, stopSync := context.WithCancel(ctx)
	if d.cfg.SyncEnabled {
		d.wg.Add(1)
		go func() { defer d.wg.Done(); d.syncLoop(syncCtx) }()
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	stopSync()
	if cerr := d.Close(); err == nil || errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = cerr
	}
	d.log.Info("JournalNode stopped")
	return err
}

// Close stops serving, waits for what Run started and closes the
// journals (open segments stay in progress, as after Hadoop's SIGTERM).
func (d *Daemon) Close() error {
	d.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.http.Shutdown(ctx)
		d.rpc.Shutdown(ctx)
		d.rpc.Close()
		d.httpLn.Close()
		d.rpcLn.Close()
		d.client.Close()
		d.wg.Wait()
		d.closeErr = d.node.close()
	})
	return d.closeErr
}

// httpFetcher downloads a segment, checking the length the server
// announced (TransferFsImage.doGetUrl).
func httpFetcher(hc *http.Client) func(ctx context.Context, url string, w io.Writer) error {
	return func(ctx context.Context, url string, w io.Writer) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("Image transfer servlet at %s failed with status code %d\nResponse message:\n%s", url, resp.StatusCode, resp.Status)
		}
		n, err := io.Copy(w, resp.Body)
		if err != nil {
			return err
		}
		if cl := resp.Header.Get("Content-Length"); cl != "" {
			if want, _ := strconv.ParseInt(cl, 10, 64); want != n {
				return fmt.Errorf("File %s received length %d is not of the advertised size %d", url, n, want)
			}
		}
		return nil
	}
}

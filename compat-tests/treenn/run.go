package treenn

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/hdfsd/hdfsd/compat-tests/treenn/tree"
	"github.com/hdfsd/hdfsd/hadooprpc"
)

// shutdownGrace bounds how long Run waits for calls in flight once ctx is
// done.
const shutdownGrace = 5 * time.Second

// Run parses the command line, serves tree.Fixture until ctx is done, then
// shuts the server down. Its first line on stdout is
// "listening <host:port>", written once the socket is bound, so a parent
// process can wait for it instead of sleeping. Logs go to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("treenn", flag.ContinueOnError)
	fl.SetOutput(stderr)
	cfg := DefaultConfig()
	addr := fl.String("addr", "127.0.0.1:0", "address to listen on")
	fl.IntVar(&cfg.LsLimit, "ls-limit", cfg.LsLimit, "dfs.ls.limit: most entries per getListing answer")
	fl.StringVar(&cfg.Superuser, "superuser", cfg.Superuser, "user the NameNode runs as")
	verbose := fl.Bool("v", false, "log every connection and call")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if cfg.LsLimit <= 0 {
		cfg.LsLimit = DefaultConfig().LsLimit // as FSDirectory does
	}

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("treenn: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "listening %s\n", l.Addr()); err != nil {
		l.Close()
		return fmt.Errorf("treenn: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return Serve(ctx, l, cfg, logger)
}

// Serve serves tree.Fixture on l until ctx is done, then shuts the server
// down, letting calls in flight finish.
func Serve(ctx context.Context, l net.Listener, cfg Config, logger *slog.Logger) error {
	srv := hadooprpc.NewServer(hadooprpc.ServerConfig{Logger: logger})
	srv.Register(ClientProtocol(tree.Fixture(), cfg))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		srv.Close()
		return fmt.Errorf("treenn: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, hadooprpc.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("treenn: shutdown: %w", err)
	}
	return nil
}

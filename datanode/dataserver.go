package datanode

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
)

// The data-transfer server (dfs.datanode.address) lives in package
// xceiver. This package sees it through dataServer, so that the daemon is
// built and tested without it; newDataServer is set where the two are
// joined.

// DataServerConfig is what the data-transfer server is started with:
// xceiver.Config field for field, in its order, so that one converts to
// the other.
type DataServerConfig struct {
	SocketTimeout      time.Duration
	WriteTimeout       time.Duration
	MaxTransferThreads int
	ConnectViaHostname bool
	Checksum           datatransfer.DataChecksum
	DatanodeUUID       string
	Logger             *slog.Logger

	KeepaliveTimeout time.Duration // dfs.datanode.socket.reuse.keepalive
	BlockSize        int64         // dfs.blocksize
	MaxMovers        int           // dfs.datanode.balance.max.concurrent.moves
	// Hostname, InfoPort and IPCPort describe this DataNode in the
	// WRITE_BLOCK requests it sends.
	Hostname string
	InfoPort int
	IPCPort  int
}

// TransferTarget is a DataNode a replica is copied to (xceiver.Target).
type TransferTarget struct {
	Addr        string
	StorageType fsdataset.StorageType
	StorageID   string
}

// blockNotifier is what the data-transfer server tells the DataNode about
// replicas (xceiver.Notifier). *notifier implements it.
type blockNotifier interface {
	Receiving(bpid string, b fsdataset.Block, storageID string)
	Received(bpid string, b fsdataset.Block, storageID string, delHint string)
	BadReplica(bpid string, b fsdataset.Block, storageID string)
}

// dataServer is the data-transfer server as the daemon uses it
// (*xceiver.Server, with Transfer's targets as TransferTarget).
type dataServer interface {
	Serve(ln net.Listener) error
	Close() error
	XceiverCount() int
	XmitsInProgress() int
	Transfer(ctx context.Context, bpid string, b fsdataset.Block, targets []TransferTarget) error
	EvictWriters()
}

// newDataServer builds the data-transfer server. Until the xceiver
// package is joined in, it is a placeholder that accepts connections and
// closes them, so the rest of the DataNode runs.
var newDataServer = func(cfg DataServerConfig, ds *fsdataset.Dataset, n blockNotifier) dataServer {
	return &closingServer{log: cfg.Logger, closed: make(chan struct{})}
}

// errNoDataServer is what the placeholder answers for a transfer.
var errNoDataServer = errors.New("datanode: no data-transfer server is built into this binary")

// closingServer is the placeholder data server.
type closingServer struct {
	log    *slog.Logger
	closed chan struct{}
}

func (s *closingServer) Serve(ln net.Listener) error {
	if s.log != nil {
		s.log.Warn("no data-transfer server is built in: connections to the data port are closed", "addr", ln.Addr().String())
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-s.closed:
				return nil
			default:
				return err
			}
		}
		c.Close()
	}
}

func (s *closingServer) Close() error {
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	return nil
}

func (s *closingServer) XceiverCount() int    { return 0 }
func (s *closingServer) XmitsInProgress() int { return 0 }
func (s *closingServer) EvictWriters()        {}
func (s *closingServer) Transfer(context.Context, string, fsdataset.Block, []TransferTarget) error {
	return errNoDataServer
}

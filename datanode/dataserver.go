package datanode

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/throttle"
	"github.com/hdfsd/hdfsd/datanode/xceiver"
	"github.com/hdfsd/hdfsd/datatransfer"
)

// The data-transfer server (dfs.datanode.address) lives in package
// xceiver. This package sees it through dataServer, so that the daemon's
// tests can put a fake in its place.

// DataServerConfig is what the data-transfer server is started with
// (xceiver.Config).
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
	FileBufferSize   int           // io.file.buffer.size
	// BalanceThrottler and TransferThrottler pace block moves and
	// DNA_TRANSFER copies (nil: no limit).
	BalanceThrottler, TransferThrottler, ReadThrottler, WriteThrottler *throttle.Throttler
	SyncBehindWrites, DropCacheBehindWrites, DropCacheBehindReads      bool
	Readahead                                                          int64
	// IPAddr, Hostname, InfoPort and IPCPort describe this DataNode in
	// the WRITE_BLOCK requests it sends.
	IPAddr   string
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
	CloseForRestart(expiry time.Duration) error // Close for a restart: notices to writing clients, replicas marked
	XceiverCount() int
	XmitsInProgress() int
	Transfer(ctx context.Context, bpid string, b fsdataset.Block, targets []TransferTarget) error
	EvictWriters()
	Limits() xceiver.Limits // what reconfiguration may change
	SetLimits(xceiver.Limits)
}

// newDataServer builds the data-transfer server: package xceiver's. Tests
// put a fake in its place.
var newDataServer = func(cfg DataServerConfig, ds *fsdataset.Dataset, n blockNotifier) dataServer {
	return xceiverServer{xceiver.New(xceiver.Config{
		SocketTimeout: cfg.SocketTimeout, WriteTimeout: cfg.WriteTimeout, MaxTransferThreads: cfg.MaxTransferThreads,
		ConnectViaHostname: cfg.ConnectViaHostname, Checksum: cfg.Checksum, DatanodeUUID: cfg.DatanodeUUID,
		Logger: cfg.Logger, KeepaliveTimeout: cfg.KeepaliveTimeout, BlockSize: cfg.BlockSize, MaxMovers: cfg.MaxMovers,
		FileBufferSize: cfg.FileBufferSize, BalanceThrottler: cfg.BalanceThrottler, TransferThrottler: cfg.TransferThrottler,
		ReadThrottler: cfg.ReadThrottler, WriteThrottler: cfg.WriteThrottler,
		SyncBehindWrites: cfg.SyncBehindWrites, DropCacheBehindWrites: cfg.DropCacheBehindWrites,
		Readahead: cfg.Readahead, DropCacheBehindReads: cfg.DropCacheBehindReads,
		IPAddr: cfg.IPAddr, Hostname: cfg.Hostname, InfoPort: cfg.InfoPort, IPCPort: cfg.IPCPort,
	}, ds, n)}
}

// xceiverServer is *xceiver.Server with the daemon's transfer targets.
type xceiverServer struct{ *xceiver.Server }

func (s xceiverServer) Transfer(ctx context.Context, bpid string, b fsdataset.Block, targets []TransferTarget) error {
	ts := make([]xceiver.Target, len(targets))
	for i, t := range targets {
		ts[i] = xceiver.Target{Addr: t.Addr, StorageType: t.StorageType, StorageID: t.StorageID}
	}
	return s.Server.Transfer(ctx, bpid, b, ts)
}

// transferThrottler paces DNA_TRANSFER copies, reads or writes at
// bytesPerSecond; nil (no limit) when it is not positive, as Hadoop's
// default 0.
func transferThrottler(bytesPerSecond int64) *throttle.Throttler {
	if bytesPerSecond <= 0 {
		return nil
	}
	return throttle.New(bytesPerSecond, nil)
}

package xceiver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/throttle"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Hadoop's defaults for the settings in Config.
const (
	DefaultSocketTimeout      = 60 * time.Second  // dfs.client.socket-timeout
	DefaultWriteTimeout       = 480 * time.Second // dfs.datanode.socket.write.timeout
	DefaultKeepaliveTimeout   = 4 * time.Second   // dfs.datanode.socket.reuse.keepalive
	DefaultMaxTransferThreads = 4096              // dfs.datanode.max.transfer.threads
	DefaultBlockSize          = 128 << 20         // dfs.blocksize
	DefaultMaxMovers          = 100               // dfs.datanode.balance.max.concurrent.moves

	// ReadTimeoutExtension and WriteTimeoutExtension are added per
	// downstream node (HdfsConstants.READ/WRITE_TIMEOUT_EXTENSION).
	ReadTimeoutExtension  = 5 * time.Second
	WriteTimeoutExtension = 5 * time.Second
)

// Config is what the data transfer server needs from hdfs-site.xml. A zero
// field takes Hadoop's default.
type Config struct {
	SocketTimeout      time.Duration             // dfs.client.socket-timeout (60 s); + ReadTimeoutExtension per downstream target
	WriteTimeout       time.Duration             // dfs.datanode.socket.write.timeout (480 s); + WriteTimeoutExtension per target
	MaxTransferThreads int                       // dfs.datanode.max.transfer.threads (4096): over it, new connections are refused as Hadoop does
	ConnectViaHostname bool                      // dfs.datanode.use.datanode.hostname
	Checksum           datatransfer.DataChecksum // dfs.checksum.type / dfs.bytes-per-checksum; kept for the daemon, unused so far: as in Hadoop, new replicas take the request's checksum and transfers the source replica's
	DatanodeUUID       string                    // for logs, and this node's id in the WRITE_BLOCK requests it originates
	Logger             *slog.Logger

	// KeepaliveTimeout is how long a connection waits for another op
	// after the first (dfs.datanode.socket.reuse.keepalive, 4 s).
	KeepaliveTimeout time.Duration
	// BlockSize is dfs.blocksize: the space reserved for a new replica
	// whose request does not say its length.
	BlockSize int64
	// MaxMovers bounds concurrent COPY_BLOCK and REPLACE_BLOCK ops
	// (dfs.datanode.balance.max.concurrent.moves, 100).
	MaxMovers int
	// FileBufferSize is io.file.buffer.size. A packet sent with sendfile(2)
	// carries max(FileBufferSize, 64 KiB) of data, in whole chunks, as
	// BlockSender's TRANSFERTO_BUFFER_SIZE: clusters tuned to 128 KiB or
	// 1 MiB get fewer, larger packets and a cheaper read path.
	FileBufferSize int
	// BalanceThrottler limits COPY_BLOCK sending and REPLACE_BLOCK
	// receiving together (dfs.datanode.balance.bandwidthPerSec, updated by
	// DNA_BALANCERBANDWIDTHUPDATE); TransferThrottler limits DNA_TRANSFER
	// sending (dfs.datanode.data.transfer.bandwidthPerSec); ReadThrottler
	// READ_BLOCK (dfs.datanode.data.read.bandwidthPerSec) and
	// WriteThrottler WRITE_BLOCK receiving
	// (dfs.datanode.data.write.bandwidthPerSec). nil: no limit.
	BalanceThrottler, TransferThrottler, ReadThrottler, WriteThrottler *throttle.Throttler
	// SyncBehindWrites and DropCacheBehindWrites manage the OS cache
	// behind replicas being written (dfs.datanode.sync.behind.writes,
	// dfs.datanode.drop.cache.behind.writes; a client's CachingStrategy
	// decides drop-behind for its own writes).
	SyncBehindWrites, DropCacheBehindWrites bool
	// Readahead is how far ahead of a read the OS is asked to read
	// (dfs.datanode.readahead.bytes; 0: none) unless the client says;
	// DropCacheBehindReads drops the pages of long reads once sent
	// (dfs.datanode.drop.cache.behind.reads) unless the client says.
	Readahead            int64
	DropCacheBehindReads bool
	// IPAddr, Hostname, InfoPort and IPCPort describe this node in the
	// source field of the WRITE_BLOCK requests it sends; the transfer port
	// (and the IP address when IPAddr is empty) come from the listener
	// Serve was given.
	IPAddr   string
	Hostname string
	InfoPort int
	IPCPort  int
}

func (c Config) withDefaults() Config {
	if c.SocketTimeout <= 0 {
		c.SocketTimeout = DefaultSocketTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.KeepaliveTimeout <= 0 {
		c.KeepaliveTimeout = DefaultKeepaliveTimeout
	}
	if c.MaxTransferThreads <= 0 {
		c.MaxTransferThreads = DefaultMaxTransferThreads
	}
	if c.BlockSize <= 0 {
		c.BlockSize = DefaultBlockSize
	}
	if c.MaxMovers <= 0 {
		c.MaxMovers = DefaultMaxMovers
	}
	if c.Checksum.BytesPerChecksum <= 0 {
		c.Checksum = datatransfer.DataChecksum{Type: datatransfer.ChecksumCRC32C, BytesPerChecksum: 512}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Notifier hears what the NameNodes must learn: the daemon turns these into
// incremental block reports and reportBadBlocks.
type Notifier interface {
	Receiving(bpid string, b fsdataset.Block, storageID string)
	Received(bpid string, b fsdataset.Block, storageID string, delHint string)
	BadReplica(bpid string, b fsdataset.Block, storageID string) // a local replica failed its checksum while being read
}

// Target is one DataNode a block is sent to.
type Target struct {
	Addr        string // host:xferPort
	StorageType fsdataset.StorageType
	StorageID   string
}

// Server is the DataNode's data transfer server (DataXceiverServer): it
// accepts connections and runs one xceiver goroutine per connection.
type Server struct {
	cfg Config
	ds  *fsdataset.Dataset
	n   Notifier
	log *slog.Logger

	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	limits atomic.Pointer[Limits] // what dfsadmin -reconfig may change

	active atomic.Int32 // connections being served
	xmits  atomic.Int32 // outgoing transfers
	movers atomic.Int32 // COPY_BLOCK and REPLACE_BLOCK in progress

	mu struct {
		sync.Mutex
		closed    bool
		listeners []net.Listener
		conns     map[*xceiver]struct{}
		self      *net.TCPAddr // the first listener's address
	}

	hooks testHooks
}

// testHooks let tests break things at chosen points; all nil in service.
type testHooks struct {
	// corruptReceived may change a received packet's data before this
	// node verifies it.
	corruptReceived func(data []byte)
}

type nopNotifier struct{}

func (nopNotifier) Receiving(string, fsdataset.Block, string)        {}
func (nopNotifier) Received(string, fsdataset.Block, string, string) {}
func (nopNotifier) BadReplica(string, fsdataset.Block, string)       {}

// New returns a server for the replicas of ds. n may be nil.
func New(cfg Config, ds *fsdataset.Dataset, n Notifier) *Server {
	cfg = cfg.withDefaults()
	if n == nil {
		n = nopNotifier{}
	}
	s := &Server{cfg: cfg, ds: ds, n: n, log: cfg.Logger.With("datanode", cfg.DatanodeUUID)}
	s.limits.Store(&Limits{MaxTransferThreads: cfg.MaxTransferThreads, MaxMovers: cfg.MaxMovers,
		TransferThrottler: cfg.TransferThrottler, ReadThrottler: cfg.ReadThrottler, WriteThrottler: cfg.WriteThrottler})
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.mu.conns = map[*xceiver]struct{}{}
	return s
}

// Limits are the settings of a running server that a reconfiguration
// may change (DataXceiverServer's setters): the connection and mover
// limits, and the transfer, read and write throttlers (nil: no limit).
// The balancer's throttler changes its rate in place instead.
type Limits struct {
	MaxTransferThreads                               int
	MaxMovers                                        int
	TransferThrottler, ReadThrottler, WriteThrottler *throttle.Throttler
}

// Limits returns the limits in force.
func (s *Server) Limits() Limits { return *s.limits.Load() }

// SetLimits puts l in force for connections and operations that start
// from now on; a non-positive count keeps the current one. Moves and
// connections already over a lowered limit run to their end.
func (s *Server) SetLimits(l Limits) {
	cur := s.limits.Load()
	if l.MaxTransferThreads <= 0 {
		l.MaxTransferThreads = cur.MaxTransferThreads
	}
	if l.MaxMovers <= 0 {
		l.MaxMovers = cur.MaxMovers
	}
	s.limits.Store(&l)
}

// Serve accepts connections on ln until Close is called, then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.mu.closed {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.mu.listeners = append(s.mu.listeners, ln)
	if a, ok := ln.Addr().(*net.TCPAddr); ok && s.mu.self == nil {
		s.mu.self = a
	}
	s.mu.Unlock()
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("xceiver: accept failed; retrying", "err", err, "backoff", backoff)
				select {
				case <-time.After(backoff):
				case <-s.ctx.Done():
					return nil
				}
				continue
			}
			return err
		}
		backoff = 0
		s.accept(c)
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// accept starts serving c unless the server is over its limit: Hadoop
// refuses a connection when the active count already exceeds
// dfs.datanode.max.transfer.threads.
func (s *Server) accept(c net.Conn) {
	if n, limit := int(s.active.Load()), s.limits.Load().MaxTransferThreads; n > limit {
		s.log.Warn("xceiver: refusing connection", "peer", c.RemoteAddr().String(),
			"err", "Xceiver count "+strconv.Itoa(n)+" exceeds the limit of concurrent xceivers: "+strconv.Itoa(limit))
		c.Close()
		return
	}
	x := newXceiver(s, c)
	s.mu.Lock()
	if s.mu.closed {
		s.mu.Unlock()
		c.Close()
		return
	}
	s.mu.conns[x] = struct{}{}
	s.active.Add(1)
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer s.active.Add(-1)
		defer func() {
			s.mu.Lock()
			delete(s.mu.conns, x)
			s.mu.Unlock()
		}()
		x.run()
	}()
}

// Close stops accepting, closes every live connection and waits for their
// handlers and for transfers in progress.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.mu.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.mu.closed = true
	s.cancel()
	var errs []error
	for _, ln := range s.mu.listeners {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for x := range s.mu.conns {
		x.conn.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}

// CloseForRestart is Close for a DataNode restarting for an upgrade
// (shutdownDatanode with forUpgrade), as DataNode.shutdown does then:
// each client whose block this node is receiving gets an OOB_RESTART ack
// first, so that it waits for the node to come back rather than drop it
// from its pipeline; a second later the connections close, and the
// replicas still being written are marked to come back RBW if the node
// starts again within expiry (dfs.datanode.restart.replica.expiration).
func (s *Server) CloseForRestart(expiry time.Duration) error {
	s.mu.Lock()
	var writes []*clientWrite
	if !s.mu.closed {
		for x := range s.mu.conns {
			if w := x.receiving.Load(); w != nil {
				writes = append(writes, w)
			}
		}
	}
	s.mu.Unlock()
	for _, w := range writes {
		w.sendOOB(hdfspb.Status_OOB_RESTART)
	}
	if len(writes) > 0 {
		// Hadoop gives clients this long to read the notice before their
		// connections close, which they might otherwise react to first.
		time.Sleep(restartNoticeTime)
	}
	err := s.Close()
	until := time.Now().Add(expiry)
	for _, w := range writes {
		if r, ok := s.ds.Get(w.bpid, w.b.ID); !ok || r.State != fsdataset.RBW {
			continue // finished, or given up, meanwhile
		}
		if merr := s.ds.MarkForRestart(w.bpid, w.b.ID, until); merr != nil {
			// The replica then comes back RWR: its client recovers the
			// pipeline without this node.
			s.log.Warn("xceiver: cannot mark a replica for the restart", "block", extName(w.bpid, w.b), "err", merr)
		}
	}
	return err
}

// restartNoticeTime is how long CloseForRestart leaves between the
// OOB_RESTART acks and closing the connections.
var restartNoticeTime = time.Second

// XceiverCount is the number of data transfer connections being served
// (the heartbeat's xceiverCount).
func (s *Server) XceiverCount() int { return int(s.active.Load()) }

// XmitsInProgress is the number of outgoing transfers in progress.
func (s *Server) XmitsInProgress() int { return int(s.xmits.Load()) }

// EvictWriters aborts every write in progress
// (ClientDatanodeProtocol.evictWriters): their connections are closed, so
// their clients recover their pipelines without this node.
func (s *Server) EvictWriters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for x := range s.mu.conns {
		if x.writing.Load() {
			s.log.Info("xceiver: evicting writer", "peer", x.remote)
			x.conn.Close()
		}
	}
}

// selfAddr is this node's transfer address, for the requests it sends.
func (s *Server) selfAddr() *net.TCPAddr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.self
}

// track registers work Close must wait for; done ends it. It fails once
// Close has been called.
func (s *Server) track() (done func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closed {
		return nil, false
	}
	s.wg.Add(1)
	return s.wg.Done, true
}

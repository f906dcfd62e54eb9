package dfswriter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Hadoop's client defaults this writer keeps.
const (
	blockWriteRetries     = 3                      // dfs.client.block.write.retries
	locateRetries         = 5                      // dfs.client.block.write.locateFollowingBlock.retries
	locateInitialDelay    = 400 * time.Millisecond // ...locateFollowingBlock.initial.delay.ms
	maxPipelineRecovery   = 5                      // dfs.client.pipeline.recovery.max-retries
	addDatanodeTries      = 3                      // addDatanode2ExistingPipeline's transfers
	defaultRenewInterval  = 30 * time.Second       // LeaseRenewer: half the soft limit
	classNotReplicatedYet = "org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException"
)

// Options say where and how to write.
type Options struct {
	RPC         *hadooprpc.Client
	NameNode    string // host:port of the NameNode's RPC server
	ClientName  string // the lease holder; "" picks DFSClient_NONMAPREDUCE_<random>_1
	Replication int    // 0: 3
	BlockSize   int64  // 0: 128 MiB; a multiple of 512
	Policy      Policy // replace-datanode-on-failure; best-effort is false
	// Dial opens DataNode connections; nil uses a net.Dialer. Tests make
	// connections fail with it.
	Dial          func(ctx context.Context, network, addr string) (net.Conn, error)
	RenewInterval time.Duration // lease renewal; 0: 30 s
	Logger        *slog.Logger
}

// packet is one data packet, kept until every node has acknowledged it.
type packet struct {
	seqno  int64
	offset int64 // of data in the block
	data   []byte
	last   bool
}

func (p *packet) end() int64 { return p.offset + int64(len(p.data)) }

// Writer writes one file. Its methods are not safe for concurrent use.
type Writer struct {
	opts      Options
	nn        namenode
	cs        datatransfer.DataChecksum
	perPacket int
	log       *slog.Logger

	// Owned by the caller's goroutine.
	block     *hdfspb.ExtendedBlockProto // the block being written; nil between blocks
	prev      *hdfspb.ExtendedBlockProto // the last block ended, with its length
	nodes     []node                     // the pipeline
	failed    []node                     // nodes dropped from a pipeline (never cleared, as Hadoop's)
	excluded  []node                     // nodes addBlock must not choose
	pipe      *pipe
	pipeDone  chan struct{}
	seqno     int64
	buf       []byte // data not sent yet, from curBlock on
	curBlock  int64  // block offset of buf[0]
	bytesSent int64  // end of the furthest packet sent in this block
	flushedTo int64  // block offset the last hflush reached
	hflushed  bool   // never reset, as DataStreamer.isHflushed
	persisted bool   // fsync sent for this block
	closing   bool   // the block's last packet is out (PIPELINE_CLOSE)
	err       error  // the failure that ended the writer
	closed    bool

	renewStop context.CancelFunc
	renewDone chan struct{}

	mu struct {
		sync.Mutex
		queue      []*packet // sent, not acknowledged by every node
		acked      int64     // bytes of the block every node acknowledged
		recoveries int       // recoveries since the last ack (pipelineRecoveryCount)
		failure    error     // why the pipeline broke; nil while it works
		bad        int       // index of the node blamed, -1 none
		changed    chan struct{}
	}
}

// Create creates src (overwriting it) and returns a writer holding its
// lease.
func Create(ctx context.Context, src string, opts Options) (*Writer, error) {
	if opts.Replication == 0 {
		opts.Replication = 3
	}
	if opts.BlockSize == 0 {
		opts.BlockSize = 128 << 20
	}
	if opts.BlockSize%BytesPerChecksum != 0 {
		return nil, fmt.Errorf("dfswriter: block size %d is not a multiple of %d", opts.BlockSize, BytesPerChecksum)
	}
	if opts.ClientName == "" {
		opts.ClientName = fmt.Sprintf("DFSClient_NONMAPREDUCE_%d_1", rand.Int32())
	}
	if opts.Dial == nil {
		d := net.Dialer{Timeout: readTimeout}
		opts.Dial = d.DialContext
	}
	if opts.RenewInterval == 0 {
		opts.RenewInterval = defaultRenewInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	cs, _ := datatransfer.NewDataChecksum(datatransfer.ChecksumCRC32C, BytesPerChecksum)
	w := &Writer{opts: opts, cs: cs, perPacket: dataPerPacket(PacketSize, cs), log: opts.Logger.With("src", src),
		nn: namenode{rpc: opts.RPC, addr: opts.NameNode, client: opts.ClientName, src: src}}
	w.mu.bad = -1
	w.mu.changed = make(chan struct{})
	if _, err := w.nn.create(ctx, opts.Replication, opts.BlockSize); err != nil {
		return nil, fmt.Errorf("dfswriter: create %s: %w", src, err)
	}
	rctx, stop := context.WithCancel(context.Background())
	w.renewStop, w.renewDone = stop, make(chan struct{})
	go w.renewLease(rctx)
	return w, nil
}

// Write sends p down the pipeline, a packet at a time. It returns once
// the packets are sent, not acknowledged.
func (w *Writer) Write(ctx context.Context, p []byte) (int, error) {
	if err := w.usable(); err != nil {
		return 0, err
	}
	n := len(p)
	for len(p) > 0 {
		k := min(w.perPacket-len(w.buf), int(w.opts.BlockSize-w.written()), len(p))
		w.buf, p = append(w.buf, p[:k]...), p[k:]
		if len(w.buf) < w.perPacket && w.written() < w.opts.BlockSize {
			continue
		}
		if err := w.flushBuf(ctx, false); err != nil {
			return n - len(p), w.fail(err)
		}
		if w.curBlock == w.opts.BlockSize {
			if err := w.endBlock(ctx); err != nil {
				return n - len(p), w.fail(err)
			}
		}
	}
	return n, nil
}

// Hflush sends what is buffered and waits until every node of the
// pipeline has acknowledged all the data written so far
// (DFSOutputStream.hflush). The first hflush of a block tells the NameNode
// (fsync).
func (w *Writer) Hflush(ctx context.Context) error {
	if err := w.usable(); err != nil {
		return err
	}
	if w.written() != w.flushedTo {
		w.flushedTo = w.written()
		if err := w.flushBuf(ctx, true); err != nil {
			return w.fail(err)
		}
	}
	if err := w.waitAcked(ctx); err != nil {
		return w.fail(err)
	}
	if w.block != nil && !w.persisted {
		if err := w.nn.fsync(ctx); err != nil {
			return w.fail(fmt.Errorf("dfswriter: fsync: %w", err))
		}
		w.persisted = true
	}
	w.hflushed = true
	return nil
}

// Close ends the last block and completes the file, asking again while
// the NameNode waits for replicas (DFSOutputStream.completeFile).
func (w *Writer) Close(ctx context.Context) error {
	if err := w.usable(); err != nil {
		return err
	}
	defer w.stopRenewal()
	if err := w.endBlock(ctx); err != nil {
		return w.fail(err)
	}
	err := backoff(ctx, func() (bool, error) { return w.nn.complete(ctx, w.prev) })
	if err != nil {
		return w.fail(fmt.Errorf("dfswriter: complete %s: %w", w.nn.src, err))
	}
	w.closed = true
	return nil
}

// Abort drops the pipeline and stops renewing the lease, leaving the file
// open for the NameNode to recover.
func (w *Writer) Abort() {
	w.stopPipe()
	w.stopRenewal()
	w.closed = true
}

// Pipeline is the transfer addresses of the current pipeline's nodes.
func (w *Writer) Pipeline() []string { return addrs(w.nodes) }

// Block is the block being written (or the last one), with the bytes
// every node acknowledged.
func (w *Writer) Block() *hdfspb.ExtendedBlockProto {
	if w.block == nil {
		return w.prev
	}
	return w.current()
}

func (w *Writer) usable() error {
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return errors.New("dfswriter: writer is closed")
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
		w.log.Warn("dfswriter: write failed", "err", err)
		w.Abort()
	}
	return err
}

func (w *Writer) written() int64 { return w.curBlock + int64(len(w.buf)) }

// current is the block with the length acknowledged so far.
func (w *Writer) current() *hdfspb.ExtendedBlockProto {
	b := cloneBlock(w.block)
	w.mu.Lock()
	b.NumBytes = new(uint64(w.mu.acked))
	w.mu.Unlock()
	return b
}

// flushBuf sends the buffer as one packet. With keepTail a partial last
// chunk stays buffered and the block offset goes back to its start, so
// that the next packet sends the whole chunk again (flushBuffer(true,..)
// then setBytesCurBlock(bytesCurBlock - numKept)).
func (w *Writer) flushBuf(ctx context.Context, keepTail bool) error {
	if len(w.buf) == 0 {
		return nil
	}
	p := &packet{seqno: w.seqno, offset: w.curBlock, data: bytes.Clone(w.buf)}
	w.seqno++
	tail := 0
	if keepTail {
		tail = int(p.end() % BytesPerChecksum)
	}
	w.curBlock = p.end() - int64(tail)
	w.buf = append(w.buf[:0], w.buf[len(w.buf)-tail:]...)
	return w.send(ctx, p)
}

// endBlock sends what is buffered, waits for its acks, then sends the
// empty last packet and waits for its ack (DataStreamer: waitForAllAcks,
// PIPELINE_CLOSE, endBlock).
func (w *Writer) endBlock(ctx context.Context) error {
	if err := w.flushBuf(ctx, false); err != nil {
		return err
	}
	if w.block == nil {
		return nil
	}
	if err := w.waitAcked(ctx); err != nil {
		return err
	}
	w.closing = true
	p := &packet{seqno: w.seqno, offset: w.curBlock, last: true}
	w.seqno++
	if err := w.send(ctx, p); err != nil {
		return err
	}
	if err := w.waitAcked(ctx); err != nil {
		return err
	}
	w.stopPipe()
	w.prev = w.current()
	w.block, w.nodes = nil, nil
	w.closing, w.persisted = false, false
	w.curBlock, w.bytesSent, w.flushedTo = 0, 0, 0
	w.mu.Lock()
	w.mu.acked = 0
	w.mu.Unlock()
	return nil
}

// send queues p for its ack and writes it, opening a block first when
// none is open, and recovers the pipeline if it broke.
func (w *Writer) send(ctx context.Context, p *packet) error {
	if w.block == nil {
		if err := w.newBlock(ctx); err != nil {
			return err
		}
	}
	w.mu.Lock()
	w.mu.queue = append(w.mu.queue, p)
	w.mu.Unlock()
	w.writePacket(p)
	return w.checkPipeline(ctx)
}

// writePacket writes p to the pipeline; a failure blames the first node
// unless the acks already blamed one (markFirstNodeIfNotMarked).
func (w *Writer) writePacket(p *packet) {
	pp := w.pipe
	_ = pp.conn.SetWriteDeadline(time.Now().Add(readTimeout))
	var err error
	if p.last {
		err = pp.pw.WriteLast(p.offset, p.seqno, false)
	} else {
		err = pp.pw.WriteData(p.offset, p.seqno, p.data, false)
	}
	if err == nil {
		err = pp.out.Flush()
	}
	if err != nil {
		w.blame(0, err)
		return
	}
	w.bytesSent = max(w.bytesSent, p.end())
}

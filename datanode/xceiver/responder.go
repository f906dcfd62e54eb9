package xceiver

import (
	"runtime/debug"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// ackItem is a packet this node has stored and must acknowledge.
type ackItem struct {
	seqno  int64
	last   bool
	offset int64 // end of the packet's data in the block
	status hdfspb.Status
	at     time.Time // when it was queued
}

// responder is BlockReceiver's PacketResponder: for a client's write, it
// pairs the downstream node's acks with the packets this node stored, in
// order, and sends the merged acks upstream. After the last packet's ack
// it finalizes the replica.
//
// It owns the downstream reader and writes the upstream acks (under
// sendMu, which an out-of-band ack from CloseForRestart also takes); the
// receiving goroutine hands it packets through queue. When it fails it
// closes the upstream connection, so that the receiver stops too (Hadoop
// interrupts the receiver thread).
type responder struct {
	w          *write
	downstream bool // a next node exists (HAS_DOWNSTREAM_IN_PIPELINE)
	queue      chan ackItem
	stopc      chan struct{}
	stopOnce   sync.Once
	done       chan struct{}
	doneOnce   sync.Once
	lastAcked  int64
	sendMu     sync.Mutex // the upstream writer: acks, and an OOB ack from another goroutine

	// Set before done is closed.
	err       error
	finalized bool
	final     fsdataset.Block
}

func newResponder(w *write) *responder {
	return &responder{
		w: w, downstream: len(w.targets) > 0 && w.mirror != nil,
		queue: make(chan ackItem, 256), stopc: make(chan struct{}), done: make(chan struct{}),
	}
}

// start runs the responder. The last node of a pipeline has no
// downstream acks to wait for, so its receiving goroutine acknowledges
// each packet itself (enqueue) and no goroutine is started: a packet then
// costs no hand-off between goroutines.
func (r *responder) start() {
	if r.downstream {
		go r.run()
	}
}

// enqueue hands a stored packet to the responder, or acknowledges it at
// once when there is no downstream node; false when the responder has
// stopped.
func (r *responder) enqueue(it ackItem) bool {
	if !r.downstream {
		select {
		case <-r.done:
			return false
		default:
		}
		more := r.ack(it, datatransfer.PipelineAck{Seqno: it.seqno, Replies: []datatransfer.Reply{reply(it.status)}}, false)
		if !more {
			r.finish()
		}
		return more || r.err == nil
	}
	select {
	case r.queue <- it:
		return true
	case <-r.done:
		return false
	}
}

// finish marks the responder stopped.
func (r *responder) finish() { r.doneOnce.Do(func() { close(r.done) }) }

// abort stops the responder after a receive failure.
func (r *responder) abort() {
	r.stopOnce.Do(func() { close(r.stopc) })
	if !r.downstream {
		r.finish()
	}
	if m := r.w.mirror; m != nil {
		m.Close()
	}
}

// failure is the error to report after the responder stopped early.
func (r *responder) failure(w *write) error {
	<-r.done
	if r.err != nil {
		return r.err
	}
	return opErr(ErrProtocol, w.what, "the packet responder stopped")
}

func (r *responder) stopped() bool {
	select {
	case <-r.stopc:
		return true
	default:
		return false
	}
}

// next waits for the oldest packet not yet acknowledged.
func (r *responder) next() (ackItem, bool) {
	select {
	case it := <-r.queue:
		return it, true
	case <-r.stopc:
		return ackItem{}, false
	}
}

func (r *responder) run() {
	defer r.finish()
	defer func() {
		if p := recover(); p != nil {
			r.fail(opErr(ErrProtocol, r.w.what, "panic in the packet responder: %v\n%s", p, debug.Stack()))
		}
	}()
	w := r.w
	for {
		var down datatransfer.PipelineAck
		seqno := int64(datatransfer.UnknownSeqno)
		var recvAt time.Time
		if r.downstream && !w.rs.mirrorErr.Load() {
			a, err := datatransfer.ReadAck(w.mirror.in)
			if r.stopped() {
				return
			}
			if err != nil {
				// Tell upstream at once, as Hadoop does: [SUCCESS, ERROR]
				// names the next node as the bad one.
				w.x.s.log.Info("xceiver: reading the downstream ack failed", "block", extName(w.bpid, w.b), "mirror", w.mirror.addr, "err", err)
				w.rs.mirrorErr.Store(true)
				if r.closing() || !r.send(mirrorErrorAck()) {
					return
				}
				continue
			} else if a.Seqno == datatransfer.UnknownSeqno {
				// An out-of-band ack, or a downstream node's own error ack:
				// relayed with this node's SUCCESS in front, no packet
				// consumed.
				if !r.send(a.Prepend(reply(hdfspb.Status_SUCCESS), 0)) {
					return
				}
				continue
			} else {
				down, seqno, recvAt = a, a.Seqno, time.Now()
			}
		}
		mirrorErr := r.downstream && w.rs.mirrorErr.Load()
		// Hadoop reads the next packet only when an ack names it or no
		// downstream acks are expected; after a mirror failure it spins
		// sending error acks. This one sends one error ack per packet.
		it, ok := r.next()
		if !ok {
			return
		}
		var out datatransfer.PipelineAck
		switch {
		case mirrorErr:
			if r.closing() {
				return
			}
			out = mirrorErrorAck()
		case !r.downstream:
			out = datatransfer.PipelineAck{Seqno: it.seqno, Replies: []datatransfer.Reply{reply(it.status)}}
		default:
			if seqno != it.seqno {
				r.fail(opErr(ErrProtocol, w.what, "seqno: expected=%d, received=%d", it.seqno, seqno))
				return
			}
			if len(down.Replies) > 0 && down.Replies[0].Status() == hdfspb.Status_ERROR_CHECKSUM {
				r.fail(opErr(ErrChecksum, w.what, "Shutting down writer and responder since the down streams reported the data sent by this thread is corrupt"))
				return
			}
			out = down.Prepend(reply(it.status), uint64(max(recvAt.Sub(it.at), 0)))
			out.Seqno = it.seqno
		}
		if !r.ack(it, out, mirrorErr) {
			return
		}
	}
}

// ack completes one packet: finalizes the replica after the last one,
// records what the pipeline acknowledged and sends out upstream. It
// reports whether more packets are to come.
func (r *responder) ack(it ackItem, out datatransfer.PipelineAck, mirrorErr bool) bool {
	w := r.w
	if it.last && !mirrorErr && it.status == hdfspb.Status_SUCCESS {
		if err := r.finalize(); err != nil {
			r.fail(err)
			return false
		}
	}
	if out.Success() && !r.finalized && it.offset > r.lastAcked {
		if err := w.writer.SetAcked(it.offset); err != nil {
			r.fail(err)
			return false
		}
		r.lastAcked = it.offset
	}
	if !r.send(out) {
		return false
	}
	if it.status == hdfspb.Status_ERROR_CHECKSUM {
		r.fail(opErr(ErrChecksum, w.what, "Shutting down writer and responder due to a checksum error in received data. The error response has been sent upstream."))
		return false
	}
	return !it.last
}

// closing reports whether this node is shutting down, which is then why
// its mirror broke: like Hadoop's interrupted PacketResponder it sends
// nothing more upstream (an error ack would blame the healthy next node)
// and closes the connection, so the node before it blames this one.
func (r *responder) closing() bool {
	if r.w.x.s.ctx.Err() == nil {
		return false
	}
	r.fail(opErr(ErrClosed, r.w.what, "the DataNode is shutting down"))
	return true
}

// mirrorErrorAck is what a node whose downstream failed sends for each
// packet: itself fine, the next node in error.
func mirrorErrorAck() datatransfer.PipelineAck {
	return datatransfer.PipelineAck{Seqno: datatransfer.UnknownSeqno,
		Replies: []datatransfer.Reply{reply(hdfspb.Status_SUCCESS), reply(hdfspb.Status_ERROR)}}
}

func reply(s hdfspb.Status) datatransfer.Reply {
	return datatransfer.NewReply(s, datatransfer.ECNDisabled, datatransfer.SlowDisabled)
}

// send writes an ack upstream; on failure the responder has failed.
func (r *responder) send(a datatransfer.PipelineAck) bool {
	if err := r.write(a); err != nil {
		r.fail(opErr(err, r.w.what, "sending ack seqno %d upstream", a.Seqno))
		return false
	}
	return true
}

func (r *responder) write(a datatransfer.PipelineAck) error {
	x := r.w.x
	r.sendMu.Lock()
	defer r.sendMu.Unlock()
	err := datatransfer.WriteAck(x.out, &a)
	if err == nil {
		err = x.out.Flush()
	}
	return err
}

// clientWrite is a client's write this node is receiving, as
// CloseForRestart sees it from another goroutine: fixed when the
// responder starts.
type clientWrite struct {
	resp *responder
	bpid string
	b    fsdataset.Block
	peer string
}

// sendOOB sends an out-of-band ack upstream between two regular ones
// (PacketResponder.sendOOBResponse): seqno -2 and status s, which a
// client takes as this node's notice (OOB_RESTART: it is restarting and
// will be back). It is advisory: a failure is logged, the write goes on.
func (c *clientWrite) sendOOB(s hdfspb.Status) {
	log := c.resp.w.x.s.log
	select {
	case <-c.resp.done:
		log.Info("xceiver: cannot send an out of band ack: the responder has stopped", "type", s.String(), "block", extName(c.bpid, c.b))
		return
	default:
	}
	log.Info("xceiver: sending an out of band ack", "type", s.String(), "block", extName(c.bpid, c.b), "peer", c.peer)
	if err := c.resp.write(datatransfer.PipelineAck{Seqno: datatransfer.UnknownSeqno, Replies: []datatransfer.Reply{reply(s)}}); err != nil {
		log.Warn("xceiver: error sending an out of band ack", "type", s.String(), "block", extName(c.bpid, c.b), "err", err)
	}
}

// fail records err and closes the upstream connection so that the
// receiver stops as well.
func (r *responder) fail(err error) {
	if r.stopped() {
		return
	}
	r.err = err
	r.w.x.conn.Close()
}

// finalize completes a client's replica after its last packet and tells
// the NameNode (PacketResponder.finalizeBlock).
func (r *responder) finalize() error {
	w := r.w
	s := w.x.s
	if err := w.writer.Close(); err != nil {
		return err
	}
	rep, err := s.ds.FinalizeBlock(w.bpid, fsdataset.Block{ID: w.b.ID, GenStamp: w.b.GenStamp})
	if err != nil {
		return err
	}
	if rep.NumBytes != w.rs.numBytes {
		return opErr(ErrProtocol, w.what, "finalized %d bytes, received %d", rep.NumBytes, w.rs.numBytes)
	}
	r.final = rep.Block()
	r.finalized = true
	s.n.Received(w.bpid, r.final, w.storageID, "")
	s.log.Info("xceiver: received block", "block", extName(w.bpid, r.final), "size", rep.NumBytes,
		"src", w.x.remote, "dest", w.x.local, "client", w.client)
	return nil
}

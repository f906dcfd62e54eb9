package xceiver

import (
	"bufio"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// receiveState is what the packet loop of a write keeps (BlockReceiver).
type receiveState struct {
	src       *bufio.Reader // where packets come from: the upstream peer, or a proxy for REPLACE_BLOCK
	srcAddr   string
	disk      datatransfer.DataChecksum // the replica's checksum
	translate bool                      // the sender's checksum differs: recompute before storing
	numBytes  int64                     // bytes received so far (the replica's numBytes)
	mirrorErr atomic.Bool               // the downstream node failed; go on without it
	resp      *responder
	replace   bool      // REPLACE_BLOCK: keep the requester alive with IN_PROGRESS
	lastReply time.Time // of the last IN_PROGRESS
}

// receive runs the packet loop until the last packet, then completes the
// replica: the responder finalizes a client's write after acking the last
// packet; a DataNode's write or a transfer is completed here.
func (w *write) receive() (err error) {
	rs := &w.rs
	if rs.src == nil {
		rs.src, rs.srcAddr = w.x.in, w.x.remote
	}
	hdr := w.writer.Header()
	rs.disk = datatransfer.DataChecksum{Type: datatransfer.ChecksumType(hdr.Type), BytesPerChecksum: int(hdr.BytesPerChecksum)}
	rs.translate = rs.disk != w.checksum
	if r, err := w.writer.Replica(); err == nil {
		rs.numBytes = r.NumBytes
	}
	if !w.isDatanode && !w.isTransfer {
		rs.resp = newResponder(w)
		rs.resp.start()
		w.x.receiving.Store(&clientWrite{resp: rs.resp, bpid: w.bpid, b: w.b, peer: w.x.remote})
		defer w.x.receiving.Store(nil)
		defer func() {
			if err != nil {
				rs.resp.abort()
			}
			<-rs.resp.done
			if err != nil && rs.resp.err != nil {
				err = rs.resp.err // the cause: the responder closed the connection
			}
		}()
	}
	pr := datatransfer.NewPacketReader(rs.src)
	for {
		p, err := pr.Next()
		if err != nil {
			return opErr(err, w.what, "receiving a packet")
		}
		last, err := w.receivePacket(p)
		if err != nil {
			return err
		}
		if w.throttle != nil {
			if err := w.throttle.Throttle(w.x.s.ctx, int64(len(p.Data))); err != nil {
				return opErr(err, w.what, "waiting for the bandwidth limit")
			}
		}
		if last {
			break
		}
	}
	if rs.resp != nil {
		<-rs.resp.done
		if rs.resp.err != nil {
			return rs.resp.err
		}
		if !rs.resp.finalized {
			return opErr(ErrMirror, w.what, "the block was not finalized: the downstream node failed")
		}
		w.b = rs.resp.final
		return nil
	}
	return w.complete()
}

// complete finalizes (or, for TRANSFER_RBW, makes RBW) the replica a
// DataNode or a transfer wrote.
func (w *write) complete() error {
	ds := w.x.s.ds
	if err := w.writer.Close(); err != nil {
		return err
	}
	b := w.b
	b.NumBytes = w.rs.numBytes
	var r fsdataset.Replica
	var err error
	if w.stage == stageTransferRBW {
		r, err = ds.ConvertTemporaryToRBW(w.bpid, b)
	} else {
		r, err = ds.FinalizeBlock(w.bpid, b)
	}
	if err != nil {
		return err
	}
	w.b = r.Block()
	w.b.NumBytes = b.NumBytes
	return nil
}

// receivePacket handles one packet (BlockReceiver.receivePacket): mirror
// it, verify it if this node must, store what is new, and queue its ack.
func (w *write) receivePacket(p *datatransfer.Packet) (last bool, err error) {
	rs := &w.rs
	h := p.Header
	if h.OffsetInBlock < 0 {
		return false, opErr(ErrProtocol, w.what, "packet seqno %d at negative offset %d", h.Seqno, h.OffsetInBlock)
	}
	if h.OffsetInBlock > rs.numBytes {
		return false, opErr(ErrProtocol, w.what, "Received an out-of-order packet for %s from %s at offset %d. Expecting packet starting at %d",
			extName(w.bpid, w.b), rs.srcAddr, h.OffsetInBlock, rs.numBytes)
	}
	end := h.OffsetInBlock + int64(h.DataLen)
	rs.numBytes = max(rs.numBytes, end)
	w.mirrorPacket(p)
	if h.LastPacketInBlock || h.DataLen == 0 {
		if h.SyncBlock {
			if err := w.writer.Sync(); err != nil {
				return false, err
			}
		}
	} else if err := w.storePacket(p, end); err != nil {
		return false, err
	}
	if rs.resp != nil {
		if !rs.resp.enqueue(ackItem{seqno: h.Seqno, last: h.LastPacketInBlock, offset: end, status: hdfspb.Status_SUCCESS, at: time.Now()}) {
			return false, rs.resp.failure(w)
		}
	}
	if rs.replace && time.Since(rs.lastReply) > w.x.s.cfg.SocketTimeout/2 {
		if err := w.x.sendResponse(&blockOpResponse{Status: hdfspb.Status_IN_PROGRESS.Enum()}); err != nil {
			return false, opErr(err, w.what, "sending IN_PROGRESS")
		}
		rs.lastReply = time.Now()
	}
	return h.LastPacketInBlock, nil
}

// mirrorPacket forwards the packet as received. A failed mirror is
// dropped: the responder reports it upstream as [SUCCESS, ERROR].
func (w *write) mirrorPacket(p *datatransfer.Packet) {
	if w.mirror == nil || w.rs.mirrorErr.Load() {
		return
	}
	_, err := w.mirror.out.Write(p.Raw)
	if err == nil {
		err = w.mirror.out.Flush()
	}
	if err != nil {
		w.x.s.log.Info("xceiver: exception writing block to mirror", "block", extName(w.bpid, w.b), "mirror", w.mirror.addr, "err", err)
		w.rs.mirrorErr.Store(true)
		w.mirror.Close() // so that the responder stops waiting for its acks
	}
}

// shouldVerify is Hadoop's rule: the last node of a pipeline, a node
// receiving from another DataNode, and a node storing another checksum
// verify what they receive.
func (w *write) shouldVerify() bool {
	return w.mirror == nil || w.isDatanode || w.rs.translate
}

// storePacket verifies a data packet when this node must and writes the
// part of it not on disk yet.
func (w *write) storePacket(p *datatransfer.Packet, end int64) error {
	rs := &w.rs
	h := p.Header
	data, sums := p.Data, p.Checksums
	if want := rs.disk.ChecksumLen(len(data)); len(sums) > 0 && len(sums) != want {
		return opErr(ErrProtocol, w.what, "Invalid checksum length: received length is %d but expected length is %d", len(sums), want)
	}
	if hook := w.x.s.hooks.corruptReceived; hook != nil && w.mirror == nil {
		hook(data)
	}
	if len(sums) > 0 && w.shouldVerify() {
		if err := w.checksum.Verify(data, sums, h.OffsetInBlock); err != nil {
			return w.checksumFailed(h, err)
		}
	}
	onDisk := w.writer.BytesOnDisk()
	if onDisk >= end {
		return nil // a resent packet: all of it is stored already
	}
	bpc := int64(rs.disk.BytesPerChecksum)
	if h.OffsetInBlock%bpc != 0 && int64(len(data)) > bpc {
		return opErr(ErrProtocol, w.what, "Unexpected packet data length for %s from %s: a partial chunk must be sent in an individual packet (data length = %d > bytesPerChecksum = %d)",
			extName(w.bpid, w.b), rs.srcAddr, len(data), bpc)
	}
	skip := onDisk - h.OffsetInBlock
	if skip < 0 {
		return opErr(ErrProtocol, w.what, "packet at offset %d leaves a hole after the %d bytes on disk", h.OffsetInBlock, onDisk)
	}
	// The packet's checksums can be stored as they are when they are the
	// disk's and the new bytes start a chunk; otherwise the writer computes
	// them, reading the start of a partial chunk back from disk.
	var store []byte
	if !rs.translate && len(sums) > 0 && h.OffsetInBlock%bpc == 0 && onDisk%bpc == 0 {
		store = sums[skip/bpc*int64(rs.disk.Size()):]
	}
	if err := w.writer.Write(onDisk, data[skip:], store); err != nil {
		return err
	}
	if a := w.cache.step(onDisk + int64(len(data)) - skip); a != (cacheActions{}) {
		if f, ok := w.writer.DataFile().(*os.File); ok {
			a.apply(f)
		}
	}
	if h.SyncBlock {
		return w.writer.Sync()
	}
	return nil
}

// checksumFailed reports corrupt data: upstream as ERROR_CHECKSUM when a
// responder runs (Hadoop gives it up to 3 s to send), then fails the op.
func (w *write) checksumFailed(h datatransfer.PacketHeader, cause error) error {
	w.x.s.log.Warn("xceiver: checksum error in received block", "block", extName(w.bpid, w.b), "src", w.rs.srcAddr,
		"offsetInBlock", h.OffsetInBlock, "err", cause)
	if r := w.rs.resp; r != nil {
		end := h.OffsetInBlock + int64(h.DataLen)
		if r.enqueue(ackItem{seqno: h.Seqno, last: h.LastPacketInBlock, offset: end, status: hdfspb.Status_ERROR_CHECKSUM, at: time.Now()}) {
			select {
			case <-r.done:
			case <-time.After(3 * time.Second):
			}
		}
	}
	return opErr(fmt.Errorf("%w: %w", ErrChecksum, cause), w.what,
		"Terminating due to a checksum error.java.io.IOException: Unexpected checksum mismatch while writing %s from %s",
		extName(w.bpid, w.b), w.rs.srcAddr)
}

package xceiver

import (
	"fmt"
	"io"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// readBlock is DataXceiver.readBlock. The connection stays open for
// another op when the client read the whole range and said so.
func (x *xceiver) readBlock(req *readBlockReq) (keep bool, err error) {
	bpid, b := blockOf(req.GetHeader().GetBaseHeader().GetBlock())
	start, length := int64(req.GetOffset()), int64(req.GetLen())
	snd, err := x.s.newSender(bpid, b, start, length, req.GetSendChecksums(), false)
	if err != nil {
		msg := "opReadBlock " + extName(bpid, b) + " received exception " + javaMessage(err)
		x.s.log.Info("xceiver: "+msg, "peer", x.remote)
		if werr := x.sendResponse(datatransfer.ErrorResponse(hdfspb.Status_ERROR, msg)); werr != nil {
			x.s.log.Debug("xceiver: sending the read error failed", "peer", x.remote, "err", werr)
		}
		return false, &quietError{err}
	}
	defer snd.close()
	snd.throttle = x.s.limits.Load().ReadThrottler
	snd.useCache(req.GetCachingStrategy())
	if err := x.sendResponse(datatransfer.ReadBlockResponse(snd.cs, snd.offset)); err != nil {
		return false, peerErr(err)
	}
	if _, err := snd.send(x.out, x.tc); err != nil {
		snd.reportIfCorrupt(err)
		return false, peerErr(opErr(err, "READ_BLOCK "+extName(bpid, b)+" to "+x.remote, "sending"))
	}
	st, err := datatransfer.ReadClientReadStatus(x.in)
	if err != nil {
		x.s.log.Debug("xceiver: error reading client status response; closing", "peer", x.remote, "err", err)
		return false, nil
	}
	x.s.log.Debug("xceiver: served block", "block", extName(bpid, b), "peer", x.remote, "status", st.String())
	return true, nil
}

// peerErr turns a peer closing its end into a quiet end of the op: a
// reader may stop reading whenever it likes.
func peerErr(err error) error {
	if isPeerGone(err) {
		return nil
	}
	return err
}

// quietError is an op failure already reported to the peer and logged.
type quietError struct{ err error }

func (e *quietError) Error() string { return e.err.Error() }
func (e *quietError) Unwrap() error { return e.err }

// copyBlock is DataXceiver.copyBlock: the balancer's proxy sends a whole
// finalized replica like a read, then one more char ('d') saying it
// released its mover slot.
func (x *xceiver) copyBlock(req *copyBlockReq) error {
	bpid, b := blockOf(req.GetHeader().GetBlock())
	if !x.s.acquireMover() {
		msg := fmt.Sprintf("Not able to copy block %d to %s because threads quota=%d is exceeded.", b.ID, x.remote, x.s.limits.Load().MaxMovers)
		x.s.log.Info("xceiver: " + msg)
		return x.sendResponse(datatransfer.ErrorResponse(hdfspb.Status_ERROR, msg))
	}
	defer x.s.movers.Add(-1)
	snd, err := x.s.newSender(bpid, b, 0, -1, true, false)
	if err != nil {
		return err
	}
	defer snd.close()
	snd.throttle = x.s.cfg.BalanceThrottler
	snd.useCache(dropBehind) // CachingStrategy.newDropBehind
	if err := x.sendResponse(datatransfer.ReadBlockResponse(snd.cs, snd.offset)); err != nil {
		return err
	}
	if _, err := snd.send(x.out, x.tc); err != nil {
		snd.reportIfCorrupt(err)
		return err
	}
	x.s.log.Info("xceiver: copied block", "block", extName(bpid, b), "to", x.remote)
	x.out.Write([]byte{0, 'd'}) // Java's writeChar('d')
	return x.out.Flush()
}

func (s *Server) acquireMover() bool {
	if int(s.movers.Add(1)) > s.limits.Load().MaxMovers {
		s.movers.Add(-1)
		return false
	}
	return true
}

// blockChecksum is DataXceiver.blockChecksum for a replicated block: the
// MD5 of its chunk CRCs or their composite CRC, over the length the
// request names.
func (x *xceiver) blockChecksum(req *blockChecksumReq) error {
	bpid, b := blockOf(req.GetHeader().GetBlock())
	rd, err := x.s.ds.OpenRead(bpid, b)
	if err != nil {
		return err
	}
	defer rd.Close()
	rep, err := replicaForChecksum(rd, b.NumBytes)
	if err != nil {
		return opErr(err, "BLOCK_CHECKSUM "+extName(bpid, b), "reading %s", rd.MetaPath)
	}
	bc, err := datatransfer.ComputeBlockChecksum(rep, datatransfer.OptionsFromProto(req.GetBlockChecksumOptions()))
	if err != nil {
		return opErr(err, "BLOCK_CHECKSUM "+extName(bpid, b), "computing")
	}
	return x.sendResponse(datatransfer.BlockChecksumResponse(bc))
}

// replicaForChecksum reads what a block checksum needs: the whole .meta
// file after its header, and the data of a partial last chunk.
func replicaForChecksum(rd *fsdataset.Reader, requestLength int64) (datatransfer.Replica, error) {
	cs := datatransfer.DataChecksum{Type: datatransfer.ChecksumType(rd.Header.Type), BytesPerChecksum: int(rd.Header.BytesPerChecksum)}
	rep := datatransfer.Replica{Checksum: cs, VisibleLength: rd.VisibleLength(), RequestLength: requestLength}
	st, err := rd.Meta.Stat()
	if err != nil {
		return rep, err
	}
	rep.Sums = make([]byte, max(st.Size()-fsdataset.MetaHeaderLen, 0))
	if _, err := rd.Meta.ReadAt(rep.Sums, fsdataset.MetaHeaderLen); err != nil && err != io.EOF {
		return rep, err
	}
	if off, n := datatransfer.PartialChunk(cs, rep.VisibleLength, requestLength); n > 0 {
		rep.Tail = make([]byte, n)
		if _, err := rd.Data.ReadAt(rep.Tail, off); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

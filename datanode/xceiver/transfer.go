package xceiver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// readahead is the CachingStrategy a transfer asks for
// (dfs.datanode.readahead.bytes, 4 MiB, with drop-behind).
const readahead = 4 << 20

// Transfer pushes a local finalized replica to targets as a DNA_TRANSFER
// command does (DataNode.DataTransfer): WRITE_BLOCK with stage
// PIPELINE_SETUP_CREATE, an empty client name and this node as the source,
// to targets[0] with the rest downstream. A DataNode-originated write gets
// no ack in Hadoop; Transfer waits until the target closes the connection,
// which it does once it has stored (or given up on) the replica.
func (s *Server) Transfer(ctx context.Context, bpid string, b fsdataset.Block, targets []Target) error {
	done, ok := s.track()
	if !ok {
		return ErrClosed
	}
	defer done()
	return s.transfer(ctx, bpid, b, targets, stageCreate, "")
}

// transfer sends b to targets with stage st; a client name makes the
// target answer once it has the replica (TRANSFER_RBW/TRANSFER_FINALIZED).
func (s *Server) transfer(ctx context.Context, bpid string, b fsdataset.Block, targets []Target, st stage, client string) (err error) {
	what := fmt.Sprintf("transfer of %s to %v", extName(bpid, b), targetList(targets))
	if len(targets) == 0 {
		return opErr(ErrRefused, what, "no targets")
	}
	s.xmits.Add(1)
	defer s.xmits.Add(-1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	length := b.NumBytes
	if length <= 0 {
		length = -1 // the whole replica
	}
	snd, err := s.newSender(bpid, b, 0, length, true, true)
	if err != nil {
		return opErr(err, what, "opening the replica")
	}
	defer snd.close()
	snd.throttle = s.limits.Load().TransferThrottler
	snd.useCache(dropBehind) // DataTransfer: drop-behind, the DataNode's read-ahead
	if b.NumBytes <= 0 {
		b.NumBytes = snd.end
	}
	defer func() {
		if err != nil {
			snd.reportIfCorrupt(err)
			s.log.Warn("xceiver: failed to transfer block", "block", extName(bpid, b), "targets", targetList(targets), "err", err)
		}
	}()
	n := time.Duration(len(targets))
	m, err := s.dial(ctx, targets[0].Addr, s.cfg.SocketTimeout, n*s.cfg.SocketTimeout, s.cfg.WriteTimeout+WriteTimeoutExtension*(n-1))
	if err != nil {
		return opErr(fmt.Errorf("%w: %w", ErrMirror, err), what, "connecting")
	}
	defer m.Close()
	stopConn := context.AfterFunc(ctx, func() { m.Close() })
	defer stopConn()

	b.GenStamp = snd.b.GenStamp
	if err := datatransfer.WriteRequest(m.out, datatransfer.OpWriteBlock, s.transferRequest(bpid, b, targets, st, client, snd.cs)); err != nil {
		return opErr(err, what, "sending the request")
	}
	if _, err := snd.send(m.out, m.tc); err != nil {
		return opErr(err, what, "sending the block")
	}
	s.log.Info("xceiver: transmitted block", "block", extName(bpid, b), "numBytes", b.NumBytes, "target", targets[0].Addr)
	if client == "" {
		// Wait for the target to finish: it closes the connection.
		if _, err := io.Copy(io.Discard, m.in); err != nil && !isPeerGone(err) {
			return opErr(err, what, "waiting for the target to close")
		}
		return ctx.Err()
	}
	ack, err := datatransfer.ReadBlockOpResponse(m.in)
	if err != nil {
		return opErr(err, what, "reading the close ack")
	}
	if st := ack.GetStatus(); st != hdfspb.Status_SUCCESS {
		return opErr(ErrMirror, what, "Bad connect ack, targets=%v status=%v", targetList(targets), st)
	}
	return nil
}

// transferRequest is the WRITE_BLOCK a transfer sends (DataTransfer.run).
func (s *Server) transferRequest(bpid string, b fsdataset.Block, targets []Target, st stage, client string, cs datatransfer.DataChecksum) *writeBlockReq {
	blk := &hdfspb.ExtendedBlockProto{PoolId: new(bpid), BlockId: new(uint64(b.ID)), GenerationStamp: new(uint64(b.GenStamp)), NumBytes: new(uint64(b.NumBytes))}
	req := &writeBlockReq{
		Header:                datatransfer.ClientHeader(blk, client, nil),
		StorageType:           storageTypeProto(targets[0].StorageType).Enum(),
		Source:                s.selfInfo(),
		Stage:                 st.Enum(),
		PipelineSize:          new(uint32(0)),
		MinBytesRcvd:          new(uint64(0)),
		MaxBytesRcvd:          new(uint64(0)),
		LatestGenerationStamp: new(uint64(0)),
		RequestedChecksum:     cs.Proto(),
		CachingStrategy:       &hdfspb.CachingStrategyProto{DropBehind: new(true), Readahead: new(int64(readahead))},
		AllowLazyPersist:      new(false),
		Pinning:               new(false),
	}
	if id := targets[0].StorageID; id != "" {
		req.StorageId = new(id)
	}
	withIDs := false
	for _, t := range targets {
		withIDs = withIDs || t.StorageID != ""
	}
	for _, t := range targets[1:] {
		req.Targets = append(req.Targets, datanodeInfo(t.Addr, ""))
		req.TargetStorageTypes = append(req.TargetStorageTypes, storageTypeProto(t.StorageType))
		if withIDs {
			req.TargetStorageIds = append(req.TargetStorageIds, t.StorageID)
		}
	}
	return req
}

// selfInfo describes this node as the source of the writes it originates.
func (s *Server) selfInfo() *hdfspb.DatanodeInfoProto {
	addr := "127.0.0.1:0"
	if a := s.selfAddr(); a != nil {
		addr = a.String()
	}
	d := datanodeInfo(addr, s.cfg.DatanodeUUID)
	if s.cfg.IPAddr != "" {
		d.Id.IpAddr = new(s.cfg.IPAddr)
	}
	if s.cfg.Hostname != "" {
		d.Id.HostName = new(s.cfg.Hostname)
	}
	d.Id.InfoPort = new(uint32(s.cfg.InfoPort))
	d.Id.IpcPort = new(uint32(s.cfg.IPCPort))
	return d
}

// datanodeInfo is the DatanodeInfoProto of a node known by its transfer
// address only.
func datanodeInfo(addr, uuid string) *hdfspb.DatanodeInfoProto {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return &hdfspb.DatanodeInfoProto{Id: &hdfspb.DatanodeIDProto{
		IpAddr: new(host), HostName: new(host), DatanodeUuid: new(uuid),
		XferPort: new(uint32(p)), InfoPort: new(uint32(0)), IpcPort: new(uint32(0)),
	}}
}

func targetList(ts []Target) string {
	s := "["
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.Addr
	}
	return s + "]"
}

// transferBlock is DataXceiver.transferBlock: during pipeline recovery a
// client asks this node to copy its replica (RBW or finalized) to new
// targets, and hears SUCCESS once they have it. Hadoop answers SUCCESS
// even when the copy failed (its DataTransfer only logs); this one answers
// ERROR with the reason, which the client treats as it treats a closed
// connection.
func (x *xceiver) transferBlock(req *transferBlockReq) error {
	bpid, b := blockOf(req.GetHeader().GetBaseHeader().GetBlock())
	what := "TRANSFER_BLOCK " + extName(bpid, b) + " for " + x.remote
	r, ok := x.s.ds.Get(bpid, b.ID)
	if !ok {
		return opErr(fsdataset.ErrReplicaNotFound, what, "%s not found in datanode.", extName(bpid, b))
	}
	if r.GenStamp < b.GenStamp {
		return opErr(ErrRefused, what, "%d = storedGS < b.getGenerationStamp(), b=%s", r.GenStamp, extName(bpid, b))
	}
	b.GenStamp = r.GenStamp
	var st stage
	switch r.State {
	case fsdataset.RBW:
		st = stageTransferRBW
	case fsdataset.Finalized:
		st = stageTransferFinalized
	default:
		return opErr(ErrRefused, what, "%s is neither a RBW nor a Finalized, r=%s", extName(bpid, b), r)
	}
	b.NumBytes = r.VisibleLength()
	var targets []Target
	for i, t := range req.GetTargets() {
		tg := Target{Addr: xferAddr(t, x.s.cfg.ConnectViaHostname)}
		if i < len(req.TargetStorageTypes) {
			tg.StorageType = storageTypeOf(req.TargetStorageTypes[i])
		}
		if i < len(req.TargetStorageIds) {
			tg.StorageID = req.TargetStorageIds[i]
		}
		targets = append(targets, tg)
	}
	if len(targets) > 0 {
		done, ok := x.s.track()
		if !ok {
			return ErrClosed
		}
		err := x.s.transfer(x.s.ctx, bpid, b, targets, st, req.GetHeader().GetClientName())
		done()
		if err != nil {
			msg := "transferBlock " + extName(bpid, b) + " received exception " + javaMessage(err)
			if werr := x.sendResponse(datatransfer.ErrorResponse(hdfspb.Status_ERROR, msg)); werr != nil {
				x.s.log.Debug("xceiver: sending the transfer error failed", "peer", x.remote, "err", werr)
			}
			return &quietError{err}
		}
	}
	return x.sendResponse(&blockOpResponse{Status: hdfspb.Status_SUCCESS.Enum()})
}

// replaceBlock is DataXceiver.replaceBlock: the balancer asks this node to
// copy a block from a proxy DataNode (COPY_BLOCK), store it and tell the
// NameNode, which then deletes the replica named by delHint.
func (x *xceiver) replaceBlock(req *replaceBlockReq) error {
	x.writing.Store(true)
	defer x.writing.Store(false)
	s := x.s
	bpid, b := blockOf(req.GetHeader().GetBlock())
	if !s.acquireMover() {
		msg := fmt.Sprintf("Not able to receive block %d from %s because threads quota=%d is exceeded.", b.ID, x.remote, s.limits.Load().MaxMovers)
		s.log.Warn("xceiver: " + msg)
		return x.sendResponse(datatransfer.ErrorResponse(hdfspb.Status_ERROR, msg))
	}
	defer s.movers.Add(-1)
	err := x.replaceFromProxy(req, bpid, b)
	if err != nil {
		msg := "opReplaceBlock " + extName(bpid, b) + " received exception " + javaMessage(err)
		s.log.Info("xceiver: " + msg)
		if werr := x.sendResponse(datatransfer.ErrorResponse(hdfspb.Status_ERROR, msg)); werr != nil {
			s.log.Warn("xceiver: error writing reply", "peer", x.remote, "err", werr)
		}
		return &quietError{err}
	}
	return x.sendResponse(&blockOpResponse{Status: hdfspb.Status_SUCCESS.Enum()})
}

func (x *xceiver) replaceFromProxy(req *replaceBlockReq, bpid string, b fsdataset.Block) error {
	s := x.s
	proxy := req.GetSource()
	if uuid := proxy.GetId().GetDatanodeUuid(); uuid != "" && uuid == s.cfg.DatanodeUUID {
		return opErr(ErrRefused, "REPLACE_BLOCK "+extName(bpid, b), "moving a block between storages of one datanode is not supported")
	}
	b.NumBytes = s.cfg.BlockSize
	addr := xferAddr(proxy, s.cfg.ConnectViaHostname)
	m, err := s.dial(s.ctx, addr, s.cfg.SocketTimeout, s.cfg.SocketTimeout, s.cfg.WriteTimeout)
	if err != nil {
		return err
	}
	defer m.Close()
	defer context.AfterFunc(s.ctx, func() { m.Close() })()
	blk := &hdfspb.ExtendedBlockProto{PoolId: new(bpid), BlockId: new(uint64(b.ID)), GenerationStamp: new(uint64(b.GenStamp)), NumBytes: new(uint64(b.NumBytes))}
	if err := datatransfer.WriteRequest(m.out, datatransfer.OpCopyBlock, &copyBlockReq{Header: datatransfer.BaseHeader(blk, req.GetHeader().GetToken())}); err != nil {
		return err
	}
	if err := m.out.Flush(); err != nil {
		return err
	}
	resp, err := datatransfer.ReadBlockOpResponse(m.in)
	if err != nil {
		return err
	}
	if err := datatransfer.CheckBlockOpStatus(resp, "copy block "+extName(bpid, b)+" from "+m.RemoteAddr().String()); err != nil {
		return err
	}
	cs, err := datatransfer.ChecksumFromProto(resp.GetReadOpChecksumInfo().GetChecksum())
	if err != nil {
		return err
	}
	w := &write{x: x, bpid: bpid, b: b, isDatanode: true, checksum: cs, storageType: storageTypeOf(req.GetStorageType()),
		what: "REPLACE_BLOCK " + extName(bpid, b) + " from " + addr}
	w.rs.src, w.rs.srcAddr, w.rs.replace, w.rs.lastReply = m.in, addr, true, time.Now()
	w.throttle = s.cfg.BalanceThrottler
	w.cache = cacheBehind{sync: s.cfg.SyncBehindWrites, drop: true} // a balancer move: CachingStrategy.newDropBehind
	defer w.cleanup()
	if err := w.openReplica(); err != nil {
		return err
	}
	if err := w.receive(); err != nil {
		return err
	}
	s.n.Received(bpid, w.b, w.storageID, req.GetDelHint())
	s.log.Info("xceiver: moved block", "block", extName(bpid, w.b), "from", addr, "delHint", req.GetDelHint())
	var d [2]byte // the proxy's 'd': it released its mover slot
	if _, err := io.ReadFull(m.in, d[:]); err != nil && !errors.Is(err, io.EOF) {
		s.log.Debug("xceiver: proxy closed without its last char", "proxy", addr, "err", err)
	}
	return nil
}

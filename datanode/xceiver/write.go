package xceiver

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/throttle"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

type stage = hdfspb.OpWriteBlockProto_BlockConstructionStage

const (
	stageCreate            = hdfspb.OpWriteBlockProto_PIPELINE_SETUP_CREATE
	stageAppend            = hdfspb.OpWriteBlockProto_PIPELINE_SETUP_APPEND
	stageAppendRecovery    = hdfspb.OpWriteBlockProto_PIPELINE_SETUP_APPEND_RECOVERY
	stageStreamingRecovery = hdfspb.OpWriteBlockProto_PIPELINE_SETUP_STREAMING_RECOVERY
	stageCloseRecovery     = hdfspb.OpWriteBlockProto_PIPELINE_CLOSE_RECOVERY
	stageTransferRBW       = hdfspb.OpWriteBlockProto_TRANSFER_RBW
	stageTransferFinalized = hdfspb.OpWriteBlockProto_TRANSFER_FINALIZED
)

func blockOf(p *hdfspb.ExtendedBlockProto) (string, fsdataset.Block) {
	return p.GetPoolId(), fsdataset.Block{ID: int64(p.GetBlockId()), GenStamp: int64(p.GetGenerationStamp()), NumBytes: int64(p.GetNumBytes())}
}

// extName is Hadoop's ExtendedBlock.toString: "<bpid>:blk_<id>_<gs>".
func extName(bpid string, b fsdataset.Block) string { return bpid + ":" + b.String() }

// writeBlock is DataXceiver.writeBlock: set up the replica and the mirror,
// answer the connect ack, receive the block, and report it.
func (x *xceiver) writeBlock(req *writeBlockReq) error {
	x.writing.Store(true)
	defer x.writing.Store(false)
	bpid, b := blockOf(req.GetHeader().GetBaseHeader().GetBlock())
	st := req.GetStage()
	w := &write{x: x, req: req, bpid: bpid, b: b, stage: st,
		client: req.GetHeader().GetClientName(), targets: req.GetTargets(), throttle: x.s.limits.Load().WriteThrottler}
	w.isDatanode = w.client == ""
	w.cache = cacheBehind{sync: x.s.cfg.SyncBehindWrites, drop: x.s.cfg.DropCacheBehindWrites}
	if cs := req.GetCachingStrategy(); cs != nil && cs.DropBehind != nil { // the client's choice wins
		w.cache.drop = cs.GetDropBehind()
	}
	w.storageType = storageTypeOf(req.GetStorageType())
	w.newGS = int64(req.GetLatestGenerationStamp())
	w.minRcvd, w.maxRcvd = int64(req.GetMinBytesRcvd()), int64(req.GetMaxBytesRcvd())
	w.isTransfer = st == stageTransferRBW || st == stageTransferFinalized
	w.what = fmt.Sprintf("WRITE_BLOCK %s from %s", extName(bpid, b), x.remote)
	if w.isTransfer && len(w.targets) > 0 {
		return opErr(ErrRefused, w.what, "%v does not support multiple targets %v", st, targetAddrs(w.targets, false))
	}
	cs, err := datatransfer.ChecksumFromProto(req.GetRequestedChecksum())
	if err != nil {
		return opErr(ErrProtocol, w.what, "requested checksum: %v", err)
	}
	w.checksum = cs
	x.s.log.Info("xceiver: receiving block", "block", extName(bpid, b), "src", x.remote, "dest", x.local, "stage", st.String())
	defer w.cleanup()
	if err := w.openReplica(); err != nil {
		return err
	}
	if err := w.setupMirror(); err != nil {
		return err
	}
	if !w.isDatanode && !w.isTransfer {
		if err := x.sendResponse(datatransfer.WriteBlockResponse(w.mirrorStatus, w.firstBadLink)); err != nil {
			return opErr(err, w.what, "sending the connect ack")
		}
	}
	if w.writer != nil {
		if err := w.receive(); err != nil {
			return err
		}
		if w.isTransfer {
			if err := x.sendResponse(&blockOpResponse{Status: hdfspb.Status_SUCCESS.Enum()}); err != nil {
				return opErr(err, w.what, "sending the transfer ack")
			}
		}
	}
	if !w.isDatanode && st == stageCloseRecovery {
		w.b.GenStamp, w.b.NumBytes = w.newGS, w.minRcvd
	}
	if w.isDatanode || st == stageCloseRecovery {
		x.s.n.Received(bpid, w.b, w.storageID, "")
		x.s.log.Info("xceiver: received block", "block", extName(bpid, w.b), "src", x.remote, "dest", x.local, "size", w.b.NumBytes)
	}
	return nil
}

// write is the state of one WRITE_BLOCK.
type write struct {
	x          *xceiver
	throttle   *throttle.Throttler // paces the packets received (REPLACE_BLOCK); nil: no limit
	cache      cacheBehind         // the OS cache behind the writes
	req        *writeBlockReq
	bpid       string
	b          fsdataset.Block // generation stamp and length as this node has them
	stage      stage
	client     string
	targets    []*hdfspb.DatanodeInfoProto
	isDatanode bool
	isTransfer bool
	checksum   datatransfer.DataChecksum
	what       string

	storageType      fsdataset.StorageType
	newGS            int64
	minRcvd, maxRcvd int64

	writer    *fsdataset.Writer // nil for PIPELINE_CLOSE_RECOVERY
	storageID string

	mirror       *peerConn // nil without a (working) downstream node
	stopMirror   func() bool
	mirrorStatus hdfspb.Status
	firstBadLink string

	rs receiveState
}

func (w *write) cleanup() {
	if w.stopMirror != nil {
		w.stopMirror()
	}
	if w.mirror != nil {
		w.mirror.Close()
	}
	if w.writer != nil {
		w.writer.Close()
	}
}

// openReplica creates or reopens the replica as the stage says
// (BlockReceiver's constructor).
func (w *write) openReplica() error {
	ds := w.x.s.ds
	newGS, minRcvd, maxRcvd := w.newGS, w.minRcvd, w.maxRcvd
	create := w.b
	if create.NumBytes == 0 {
		create.NumBytes = w.x.s.cfg.BlockSize
	}
	opts := fsdataset.CreateOptions{
		StorageType: w.storageType,
		BlockSize:   create.NumBytes,
		Header:      fsdataset.NewMetaHeader(fsdataset.ChecksumType(w.checksum.Type), int32(w.checksum.BytesPerChecksum)),
	}
	var err error
	receiving := false
	switch {
	case w.isDatanode:
		w.writer, err = ds.CreateTemporary(w.bpid, create, opts, false)
	case w.stage == stageCreate:
		if newGS != 0 {
			create.GenStamp = newGS
		}
		w.writer, err = ds.CreateRBW(w.bpid, create, opts)
		w.b.GenStamp, receiving = create.GenStamp, true
	case w.stage == stageStreamingRecovery:
		w.writer, err = ds.RecoverRBW(w.bpid, w.b, newGS, minRcvd, maxRcvd)
		w.b.GenStamp = newGS
	case w.stage == stageAppend:
		w.writer, err = ds.Append(w.bpid, w.b, newGS, minRcvd)
		w.b.GenStamp, receiving = newGS, true
	case w.stage == stageAppendRecovery:
		w.writer, err = ds.RecoverAppend(w.bpid, w.b, newGS, minRcvd)
		w.b.GenStamp, receiving = newGS, true
	case w.isTransfer:
		w.writer, err = ds.CreateTemporary(w.bpid, create, opts, true)
	case w.stage == stageCloseRecovery:
		var r fsdataset.Replica
		r, err = ds.RecoverClose(w.bpid, w.b, newGS, minRcvd)
		if err == nil {
			w.storageID = ds.VolumeOf(r).StorageID()
		}
		return err
	default:
		return opErr(ErrRefused, w.what, "Unsupported stage %v while receiving block %s from %s", w.stage, extName(w.bpid, w.b), w.x.remote)
	}
	if err != nil {
		return err
	}
	w.storageID = w.writer.Volume().StorageID()
	if receiving {
		w.x.s.n.Receiving(w.bpid, w.b, w.storageID)
	}
	return nil
}

// setupMirror connects to the first target and forwards the request with
// the rest of the targets. A client's pipeline learns of a failure through
// the connect ack (and this op ends); a DataNode-originated write goes on
// without the mirror.
func (w *write) setupMirror() error {
	w.mirrorStatus = hdfspb.Status_SUCCESS
	if len(w.targets) == 0 {
		return nil
	}
	s := w.x.s
	n := time.Duration(len(w.targets))
	readTO := s.cfg.SocketTimeout + ReadTimeoutExtension*n
	writeTO := s.cfg.WriteTimeout + WriteTimeoutExtension*n
	addr := xferAddr(w.targets[0], s.cfg.ConnectViaHostname)
	err := func() error {
		m, err := s.dial(s.ctx, addr, readTO, readTO, writeTO)
		if err != nil {
			return err
		}
		w.mirror = m
		w.stopMirror = context.AfterFunc(s.ctx, func() { m.Close() })
		if err := datatransfer.WriteRequest(m.out, datatransfer.OpWriteBlock, downstreamRequest(w.req)); err != nil {
			return err
		}
		if err := m.out.Flush(); err != nil {
			return err
		}
		if w.isDatanode {
			return nil
		}
		ack, err := datatransfer.ReadBlockOpResponse(m.in)
		if err != nil {
			return err
		}
		w.mirrorStatus, w.firstBadLink = ack.GetStatus(), ack.GetFirstBadLink()
		return nil
	}()
	if err == nil {
		return nil
	}
	if w.mirror != nil {
		w.mirror.Close()
		w.mirror = nil
	}
	if w.isDatanode {
		s.log.Info("xceiver: exception transferring block to mirror; continuing without the mirror",
			"block", extName(w.bpid, w.b), "mirror", addr, "err", err)
		return nil
	}
	// Hadoop names the mirror by its IP address here, whatever
	// dfs.datanode.use.datanode.hostname says.
	resp := datatransfer.WriteBlockResponse(hdfspb.Status_ERROR, xferAddr(w.targets[0], false))
	if werr := w.x.sendResponse(resp); werr != nil {
		s.log.Debug("xceiver: sending the connect ack failed", "peer", w.x.remote, "err", werr)
	}
	return opErr(fmt.Errorf("%w: %w", ErrMirror, err), w.what, "exception transferring block to mirror %s", addr)
}

// downstreamRequest is the WRITE_BLOCK the next node gets: the same block
// and stage, with this node's target taken off the lists (Sender.writeBlock
// drops element 0 of each).
func downstreamRequest(req *writeBlockReq) *writeBlockReq {
	d := &writeBlockReq{
		Header:                req.Header,
		StorageType:           hdfspb.StorageTypeProto_DISK.Enum(),
		Source:                roundTrip(req.Source),
		Stage:                 req.Stage,
		PipelineSize:          req.PipelineSize,
		MinBytesRcvd:          req.MinBytesRcvd,
		MaxBytesRcvd:          req.MaxBytesRcvd,
		LatestGenerationStamp: req.LatestGenerationStamp,
		RequestedChecksum:     req.RequestedChecksum,
		CachingStrategy:       req.CachingStrategy,
		AllowLazyPersist:      new(req.GetAllowLazyPersist()),
		Pinning:               new(false),
	}
	for _, t := range req.Targets[1:] {
		d.Targets = append(d.Targets, roundTrip(t))
	}
	if d.CachingStrategy == nil {
		d.CachingStrategy = &hdfspb.CachingStrategyProto{}
	}
	if t := req.TargetStorageTypes; len(t) > 0 {
		d.StorageType = t[0].Enum()
		d.TargetStorageTypes = t[1:]
	}
	if p := req.TargetPinnings; len(p) > 0 {
		d.Pinning = new(p[0])
		d.TargetPinnings = p[1:]
	}
	if ids := req.TargetStorageIds; len(ids) > 0 {
		d.StorageId = new(ids[0])
		d.TargetStorageIds = ids[1:]
	}
	return d
}

// roundTrip is a DatanodeInfoProto as Hadoop forwards it after decoding it
// into a DatanodeInfo: every field with a default is set, and a missing one
// (a client names no source) becomes an empty node.
func roundTrip(d *hdfspb.DatanodeInfoProto) *hdfspb.DatanodeInfoProto {
	if d == nil {
		d = &hdfspb.DatanodeInfoProto{}
	}
	id := d.GetId()
	return &hdfspb.DatanodeInfoProto{
		Id: &hdfspb.DatanodeIDProto{
			IpAddr: new(id.GetIpAddr()), HostName: new(id.GetHostName()), DatanodeUuid: new(id.GetDatanodeUuid()),
			XferPort: new(id.GetXferPort()), InfoPort: new(id.GetInfoPort()), IpcPort: new(id.GetIpcPort()),
			InfoSecurePort: new(id.GetInfoSecurePort()),
		},
		Capacity: new(d.GetCapacity()), DfsUsed: new(d.GetDfsUsed()), Remaining: new(d.GetRemaining()),
		BlockPoolUsed: new(d.GetBlockPoolUsed()), LastUpdate: new(d.GetLastUpdate()), XceiverCount: new(d.GetXceiverCount()),
		Location: d.Location, NonDfsUsed: new(d.GetNonDfsUsed()), AdminState: d.GetAdminState().Enum(),
		CacheCapacity: new(d.GetCacheCapacity()), CacheUsed: new(d.GetCacheUsed()), LastUpdateMonotonic: new(d.GetLastUpdateMonotonic()),
		UpgradeDomain: d.UpgradeDomain, LastBlockReportTime: new(d.GetLastBlockReportTime()),
		LastBlockReportMonotonic: new(d.GetLastBlockReportMonotonic()), NumBlocks: new(d.GetNumBlocks()),
	}
}

// xferAddr is DatanodeID.getXferAddr(useHostname).
func xferAddr(d *hdfspb.DatanodeInfoProto, useHostname bool) string {
	id := d.GetId()
	host := id.GetIpAddr()
	if useHostname && id.GetHostName() != "" {
		host = id.GetHostName()
	}
	return net.JoinHostPort(host, strconv.Itoa(int(id.GetXferPort())))
}

func targetAddrs(ts []*hdfspb.DatanodeInfoProto, useHostname bool) string {
	var s []string
	for _, t := range ts {
		s = append(s, xferAddr(t, useHostname))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func storageTypeOf(p hdfspb.StorageTypeProto) fsdataset.StorageType {
	if p < hdfspb.StorageTypeProto_DISK {
		return fsdataset.Disk
	}
	return fsdataset.StorageType(p - 1)
}

func storageTypeProto(t fsdataset.StorageType) hdfspb.StorageTypeProto {
	return hdfspb.StorageTypeProto(t + 1)
}

// peerConn is a connection this node opened to another DataNode.
type peerConn struct {
	net.Conn
	tc   *tconn
	in   *bufio.Reader
	out  *bufio.Writer
	addr string
}

// dial connects to a DataNode with Hadoop's connect, read and write
// timeouts.
func (s *Server) dial(ctx context.Context, addr string, connectTO, readTO, writeTO time.Duration) (*peerConn, error) {
	d := net.Dialer{Timeout: connectTO, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	tc := newTconn(c, readTO, writeTO)
	return &peerConn{Conn: c, tc: tc, addr: addr,
		in: bufio.NewReaderSize(tc, bufSize), out: bufio.NewWriterSize(tc, bufSize)}, nil
}

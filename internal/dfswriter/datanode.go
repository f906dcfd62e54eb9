package dfswriter

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// The DataTransferProtocol side of a writer: the WRITE_BLOCK that opens a
// pipeline and the TRANSFER_BLOCK that copies a partial replica to a new
// node.

// readTimeout is dfs.client.socket-timeout, for the answers a writer waits
// for while it sets a pipeline up.
const readTimeout = 60 * time.Second

type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// pipe is an open connection to the first node of a pipeline.
type pipe struct {
	closed atomic.Bool // the writer closed it: read errors are expected
	conn   net.Conn
	in     *bufio.Reader
	out    *bufio.Writer
	pw     *datatransfer.PacketWriter
}

// writeBlockArgs are the WRITE_BLOCK fields that change between a new
// block and a recovery.
type writeBlockArgs struct {
	block       *hdfspb.ExtendedBlockProto // with the generation stamp the nodes have
	stage       hdfspb.OpWriteBlockProto_BlockConstructionStage
	minBytes    int64 // acknowledged bytes of the block
	maxBytes    int64 // bytes sent
	newGS       uint64
	blockSize   int64
	client      string
	checksum    datatransfer.DataChecksum
	connectWait time.Duration
}

// connect is createBlockOutputStream: WRITE_BLOCK to nodes[0] naming the
// rest, then the connect ack. On failure it returns the index of the node
// to blame.
func connect(ctx context.Context, dial dialFunc, nodes []node, a writeBlockArgs) (*pipe, int, error) {
	bad := 0
	conn, err := dial(ctx, "tcp", nodes[0].addr())
	if err != nil {
		return nil, 0, fmt.Errorf("dfswriter: connecting to %s: %w", nodes[0].addr(), err)
	}
	p := &pipe{conn: conn, in: bufio.NewReader(conn), out: bufio.NewWriter(conn)}
	p.pw = datatransfer.NewPacketWriter(p.out, a.checksum)
	blk := cloneBlock(a.block)
	blk.NumBytes = new(uint64(a.blockSize)) // the length field says how big the block may get
	req := &hdfspb.OpWriteBlockProto{
		Header:                datatransfer.ClientHeader(blk, a.client, nil),
		StorageType:           nodes[0].storageType.Enum(),
		Stage:                 a.stage.Enum(),
		PipelineSize:          new(uint32(len(nodes))),
		MinBytesRcvd:          new(uint64(a.minBytes)),
		MaxBytesRcvd:          new(uint64(a.maxBytes)),
		LatestGenerationStamp: new(a.newGS),
		RequestedChecksum:     a.checksum.Proto(),
		CachingStrategy:       &hdfspb.CachingStrategyProto{},
		AllowLazyPersist:      new(false),
		Pinning:               new(false),
		StorageId:             new(nodes[0].storageID),
	}
	for _, d := range nodes[1:] {
		req.Targets = append(req.Targets, d.info)
		req.TargetStorageTypes = append(req.TargetStorageTypes, d.storageType)
		req.TargetStorageIds = append(req.TargetStorageIds, d.storageID)
	}
	_ = conn.SetDeadline(time.Now().Add(a.connectWait))
	err = datatransfer.WriteRequest(p.out, datatransfer.OpWriteBlock, req)
	if err == nil {
		err = p.out.Flush()
	}
	var resp *hdfspb.BlockOpResponseProto
	if err == nil {
		resp, err = datatransfer.ReadBlockOpResponse(p.in)
	}
	if err == nil {
		bad = badNodeAfterConnect(addrs(nodes), resp.GetFirstBadLink())
		err = datatransfer.CheckBlockOpStatus(resp, "ack with firstBadLink as "+resp.GetFirstBadLink())
	}
	if err != nil {
		conn.Close()
		return nil, bad, fmt.Errorf("dfswriter: WRITE_BLOCK %s to %v: %w", blockName(a.block), addrs(nodes), err)
	}
	_ = conn.SetDeadline(time.Time{})
	return p, 0, nil
}

// transfer is DataStreamer.transfer: src copies its replica of b (RBW or
// finalized) to target, and answers once target has it.
func transfer(ctx context.Context, dial dialFunc, src, target node, b *hdfspb.ExtendedBlockProto, client string) error {
	conn, err := dial(ctx, "tcp", src.addr())
	if err != nil {
		return fmt.Errorf("dfswriter: connecting to %s: %w", src.addr(), err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * readTimeout))
	out := bufio.NewWriter(conn)
	err = datatransfer.WriteRequest(out, datatransfer.OpTransferBlock, &hdfspb.OpTransferBlockProto{
		Header:             datatransfer.ClientHeader(b, client, nil),
		Targets:            []*hdfspb.DatanodeInfoProto{target.info},
		TargetStorageTypes: []hdfspb.StorageTypeProto{target.storageType},
		TargetStorageIds:   []string{target.storageID},
	})
	if err == nil {
		err = out.Flush()
	}
	var resp *hdfspb.BlockOpResponseProto
	if err == nil {
		resp, err = datatransfer.ReadBlockOpResponse(bufio.NewReader(conn))
	}
	if err == nil {
		err = datatransfer.CheckBlockOpStatus(resp, "transfer of "+blockName(b)+" from "+src.addr()+" to "+target.addr())
	}
	if err != nil {
		return fmt.Errorf("dfswriter: TRANSFER_BLOCK %s from %s to %s: %w", blockName(b), src.addr(), target.addr(), err)
	}
	return nil
}

func cloneBlock(b *hdfspb.ExtendedBlockProto) *hdfspb.ExtendedBlockProto {
	return &hdfspb.ExtendedBlockProto{PoolId: new(b.GetPoolId()), BlockId: new(b.GetBlockId()),
		GenerationStamp: new(b.GetGenerationStamp()), NumBytes: new(b.GetNumBytes())}
}

// blockName is ExtendedBlock.toString: "<pool>:blk_<id>_<gs>".
func blockName(b *hdfspb.ExtendedBlockProto) string {
	return fmt.Sprintf("%s:blk_%d_%d", b.GetPoolId(), b.GetBlockId(), b.GetGenerationStamp())
}

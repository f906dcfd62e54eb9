package dfswriter

import (
	"context"
	"net"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// protocol is ClientProtocol's name on the wire.
const protocol = "org.apache.hadoop.hdfs.protocol.ClientProtocol"

// namenode is the ClientProtocol calls a writer makes, for one file.
type namenode struct {
	rpc    *hadooprpc.Client
	addr   string
	client string // the lease holder, DFSClient.clientName
	src    string
	fileID uint64
}

func (n *namenode) call(ctx context.Context, method string, req, resp proto.Message) error {
	return n.rpc.Call(ctx, n.addr, protocol, method, req, resp)
}

func (n *namenode) create(ctx context.Context, replication int, blockSize int64) (*hdfspb.HdfsFileStatusProto, error) {
	resp := new(hdfspb.CreateResponseProto)
	err := n.call(ctx, "create", &hdfspb.CreateRequestProto{
		Src: new(n.src), Masked: &hdfspb.FsPermissionProto{Perm: new(uint32(0o644))}, ClientName: new(n.client),
		CreateFlag:   new(uint32(hdfspb.CreateFlagProto_CREATE | hdfspb.CreateFlagProto_OVERWRITE)),
		CreateParent: new(true), Replication: new(uint32(replication)), BlockSize: new(uint64(blockSize)),
		CryptoProtocolVersion: []hdfspb.CryptoProtocolVersionProto{hdfspb.CryptoProtocolVersionProto_ENCRYPTION_ZONES},
	}, resp)
	if err == nil {
		n.fileID = resp.GetFs().GetFileId()
	}
	return resp.GetFs(), err
}

func (n *namenode) addBlock(ctx context.Context, previous *hdfspb.ExtendedBlockProto, exclude []*hdfspb.DatanodeInfoProto) (*hdfspb.LocatedBlockProto, error) {
	resp := new(hdfspb.AddBlockResponseProto)
	err := n.call(ctx, "addBlock", &hdfspb.AddBlockRequestProto{Src: new(n.src), ClientName: new(n.client),
		Previous: previous, ExcludeNodes: exclude, FileId: new(n.fileID)}, resp)
	return resp.GetBlock(), err
}

func (n *namenode) abandonBlock(ctx context.Context, b *hdfspb.ExtendedBlockProto) error {
	return n.call(ctx, "abandonBlock", &hdfspb.AbandonBlockRequestProto{B: b, Src: new(n.src), Holder: new(n.client),
		FileId: new(n.fileID)}, new(hdfspb.AbandonBlockResponseProto))
}

func (n *namenode) getAdditionalDatanode(ctx context.Context, b *hdfspb.ExtendedBlockProto, existing []node, exclude []*hdfspb.DatanodeInfoProto) (*hdfspb.LocatedBlockProto, error) {
	req := &hdfspb.GetAdditionalDatanodeRequestProto{Src: new(n.src), Blk: b, Excludes: exclude,
		NumAdditionalNodes: new(uint32(1)), ClientName: new(n.client), FileId: new(n.fileID)}
	for _, e := range existing {
		req.Existings = append(req.Existings, e.info)
		req.ExistingStorageUuids = append(req.ExistingStorageUuids, e.storageID)
	}
	resp := new(hdfspb.GetAdditionalDatanodeResponseProto)
	err := n.call(ctx, "getAdditionalDatanode", req, resp)
	return resp.GetBlock(), err
}

// updateBlockForPipeline returns the new generation stamp.
func (n *namenode) updateBlockForPipeline(ctx context.Context, b *hdfspb.ExtendedBlockProto) (uint64, error) {
	resp := new(hdfspb.UpdateBlockForPipelineResponseProto)
	err := n.call(ctx, "updateBlockForPipeline", &hdfspb.UpdateBlockForPipelineRequestProto{Block: b, ClientName: new(n.client)}, resp)
	return resp.GetBlock().GetB().GetGenerationStamp(), err
}

func (n *namenode) updatePipeline(ctx context.Context, oldBlock, newBlock *hdfspb.ExtendedBlockProto, nodes []node) error {
	req := &hdfspb.UpdatePipelineRequestProto{ClientName: new(n.client), OldBlock: oldBlock, NewBlock: newBlock}
	for _, d := range nodes {
		req.NewNodes = append(req.NewNodes, d.info.GetId())
		req.StorageIDs = append(req.StorageIDs, d.storageID)
	}
	return n.call(ctx, "updatePipeline", req, new(hdfspb.UpdatePipelineResponseProto))
}

func (n *namenode) fsync(ctx context.Context) error {
	return n.call(ctx, "fsync", &hdfspb.FsyncRequestProto{Src: new(n.src), Client: new(n.client),
		LastBlockLength: new(int64(-1)), FileId: new(n.fileID)}, new(hdfspb.FsyncResponseProto))
}

func (n *namenode) complete(ctx context.Context, last *hdfspb.ExtendedBlockProto) (bool, error) {
	resp := new(hdfspb.CompleteResponseProto)
	err := n.call(ctx, "complete", &hdfspb.CompleteRequestProto{Src: new(n.src), ClientName: new(n.client),
		Last: last, FileId: new(n.fileID)}, resp)
	return resp.GetResult(), err
}

func (n *namenode) renewLease(ctx context.Context) error {
	return n.call(ctx, "renewLease", &hdfspb.RenewLeaseRequestProto{ClientName: new(n.client)}, new(hdfspb.RenewLeaseResponseProto))
}

// node is one DataNode of a pipeline, as the NameNode named it.
type node struct {
	info        *hdfspb.DatanodeInfoProto
	storageID   string
	storageType hdfspb.StorageTypeProto
}

// addr is DatanodeID.getXferAddr: ip:xferPort.
func (d node) addr() string { return xferAddr(d.info) }

func xferAddr(d *hdfspb.DatanodeInfoProto) string {
	id := d.GetId()
	return net.JoinHostPort(id.GetIpAddr(), strconv.Itoa(int(id.GetXferPort())))
}

// nodesOf lists the pipeline of a located block.
func nodesOf(lb *hdfspb.LocatedBlockProto) []node {
	out := make([]node, len(lb.GetLocs()))
	for i, l := range lb.GetLocs() {
		out[i] = node{info: l, storageType: hdfspb.StorageTypeProto_DISK}
		if i < len(lb.GetStorageIDs()) {
			out[i].storageID = lb.GetStorageIDs()[i]
		}
		if i < len(lb.GetStorageTypes()) {
			out[i].storageType = lb.GetStorageTypes()[i]
		}
	}
	return out
}

func addrs(ns []node) []string {
	out := make([]string, len(ns))
	for i, d := range ns {
		out[i] = d.addr()
	}
	return out
}

func infos(ns []node) []*hdfspb.DatanodeInfoProto {
	out := make([]*hdfspb.DatanodeInfoProto, len(ns))
	for i, d := range ns {
		out[i] = d.info
	}
	return out
}

package clientrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (s *server) fileWriteMethods() map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"create":                 Handle(s.create),
		"append":                 Handle(s.append),
		"addBlock":               Handle(s.addBlock),
		"abandonBlock":           Handle(s.abandonBlock),
		"getAdditionalDatanode":  Handle(s.getAdditionalDatanode),
		"complete":               Handle(s.complete),
		"updateBlockForPipeline": Handle(s.updateBlockForPipeline),
		"updatePipeline":         Handle(s.updatePipeline),
		"fsync":                  Handle(s.fsync),
		"renewLease":             Handle(s.renewLease),
		"recoverLease":           Handle(s.recoverLease),
		"reportBadBlocks":        Handle(s.reportBadBlocks),
	}
}

// create answers the new file's status; with none, an empty response.
func (s *server) create(ctx context.Context, r *pb.CreateRequestProto) (*pb.CreateResponseProto, error) {
	st, err := s.ns.Create(ctx, CreateRequest{
		Src: r.GetSrc(), Mode: createMode(r.GetMasked(), r.GetUnmasked()), ClientName: r.GetClientName(),
		Flags: CreateFlag(r.GetCreateFlag()), CreateParent: r.GetCreateParent(),
		Replication: int16(r.GetReplication()), BlockSize: int64(r.GetBlockSize()),
		ECPolicyName: r.GetEcPolicyName(), StoragePolicy: r.GetStoragePolicy(),
	})
	if err != nil || st == nil {
		return &pb.CreateResponseProto{}, err
	}
	return &pb.CreateResponseProto{Fs: fileStatus(st, nil)}, nil
}

// append: a request without flags means CreateFlag.APPEND.
func (s *server) append(ctx context.Context, r *pb.AppendRequestProto) (*pb.AppendResponseProto, error) {
	flags := FlagAppend
	if r.Flag != nil {
		flags = CreateFlag(r.GetFlag())
	}
	last, st, err := s.ns.Append(ctx, r.GetSrc(), r.GetClientName(), flags)
	if err != nil {
		return nil, err
	}
	resp := &pb.AppendResponseProto{}
	if last != nil {
		resp.Block = blockpb.Located(last)
	}
	if st != nil {
		resp.Stat = fileStatus(st, nil)
	}
	return resp, nil
}

func (s *server) addBlock(ctx context.Context, r *pb.AddBlockRequestProto) (*pb.AddBlockResponseProto, error) {
	req := AddBlockRequest{Src: r.GetSrc(), ClientName: r.GetClientName(), FileID: int64(r.GetFileId()),
		Exclude: blockpb.DatanodeInfosOf(r.GetExcludeNodes()), Favored: r.GetFavoredNodes()}
	if r.Previous != nil {
		b := blockpb.ExtendedOf(r.Previous)
		req.Previous = &b
	}
	for _, f := range r.GetFlags() {
		req.Flags |= AddBlockFlag(f)
	}
	b, err := s.ns.AddBlock(ctx, req)
	if err != nil {
		return nil, err
	}
	return &pb.AddBlockResponseProto{Block: blockpb.Located(b)}, nil
}

func (s *server) abandonBlock(ctx context.Context, r *pb.AbandonBlockRequestProto) (*pb.AbandonBlockResponseProto, error) {
	return &pb.AbandonBlockResponseProto{}, s.ns.AbandonBlock(ctx, blockpb.ExtendedOf(r.GetB()), int64(r.GetFileId()),
		r.GetSrc(), r.GetHolder())
}

func (s *server) getAdditionalDatanode(ctx context.Context, r *pb.GetAdditionalDatanodeRequestProto) (*pb.GetAdditionalDatanodeResponseProto, error) {
	b, err := s.ns.GetAdditionalDatanode(ctx, AdditionalDatanodeRequest{
		Src: r.GetSrc(), FileID: int64(r.GetFileId()), Block: blockpb.ExtendedOf(r.GetBlk()),
		Existing: blockpb.DatanodeInfosOf(r.GetExistings()), StorageIDs: r.GetExistingStorageUuids(),
		Excludes: blockpb.DatanodeInfosOf(r.GetExcludes()), NumMore: int(r.GetNumAdditionalNodes()),
		ClientName: r.GetClientName(),
	})
	if err != nil {
		return nil, err
	}
	return &pb.GetAdditionalDatanodeResponseProto{Block: blockpb.Located(b)}, nil
}

func (s *server) complete(ctx context.Context, r *pb.CompleteRequestProto) (*pb.CompleteResponseProto, error) {
	var last *blocks.Extended
	if r.Last != nil {
		b := blockpb.ExtendedOf(r.Last)
		last = &b
	}
	ok, err := s.ns.Complete(ctx, r.GetSrc(), r.GetClientName(), last, int64(r.GetFileId()))
	if err != nil {
		return nil, err
	}
	return &pb.CompleteResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) updateBlockForPipeline(ctx context.Context, r *pb.UpdateBlockForPipelineRequestProto) (*pb.UpdateBlockForPipelineResponseProto, error) {
	b, err := s.ns.UpdateBlockForPipeline(ctx, blockpb.ExtendedOf(r.GetBlock()), r.GetClientName())
	if err != nil {
		return nil, err
	}
	return &pb.UpdateBlockForPipelineResponseProto{Block: blockpb.Located(b)}, nil
}

func (s *server) updatePipeline(ctx context.Context, r *pb.UpdatePipelineRequestProto) (*pb.UpdatePipelineResponseProto, error) {
	nodes := make([]blocks.DatanodeID, len(r.GetNewNodes()))
	for i, n := range r.GetNewNodes() {
		nodes[i] = blockpb.DatanodeIDOf(n)
	}
	return &pb.UpdatePipelineResponseProto{}, s.ns.UpdatePipeline(ctx, r.GetClientName(),
		blockpb.ExtendedOf(r.GetOldBlock()), blockpb.ExtendedOf(r.GetNewBlock()), nodes, r.GetStorageIDs())
}

func (s *server) fsync(ctx context.Context, r *pb.FsyncRequestProto) (*pb.FsyncResponseProto, error) {
	return &pb.FsyncResponseProto{}, s.ns.Fsync(ctx, r.GetSrc(), int64(r.GetFileId()), r.GetClient(), r.GetLastBlockLength())
}

func (s *server) renewLease(ctx context.Context, r *pb.RenewLeaseRequestProto) (*pb.RenewLeaseResponseProto, error) {
	return &pb.RenewLeaseResponseProto{}, s.ns.RenewLease(ctx, r.GetClientName(), r.GetNamespaces())
}

func (s *server) recoverLease(ctx context.Context, r *pb.RecoverLeaseRequestProto) (*pb.RecoverLeaseResponseProto, error) {
	ok, err := s.ns.RecoverLease(ctx, r.GetSrc(), r.GetClientName())
	if err != nil {
		return nil, err
	}
	return &pb.RecoverLeaseResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) reportBadBlocks(ctx context.Context, r *pb.ReportBadBlocksRequestProto) (*pb.ReportBadBlocksResponseProto, error) {
	bad := make([]blocks.Located, len(r.GetBlocks()))
	for i, b := range r.GetBlocks() {
		bad[i] = blockpb.LocatedOf(b)
	}
	return &pb.ReportBadBlocksResponseProto{}, s.ns.ReportBadBlocks(ctx, bad)
}

package clientrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (s *server) readMethods() map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"getFileInfo":           Handle(s.getFileInfo),
		"getFileLinkInfo":       Handle(s.getFileLinkInfo),
		"getListing":            Handle(s.getListing),
		"getContentSummary":     Handle(s.getContentSummary),
		"getQuotaUsage":         Handle(s.getQuotaUsage),
		"getLinkTarget":         Handle(s.getLinkTarget),
		"getBlockLocations":     Handle(s.getBlockLocations),
		"getPreferredBlockSize": Handle(s.getPreferredBlockSize),
		"isFileClosed":          Handle(s.isFileClosed),
		"getEnclosingRoot":      Handle(s.getEnclosingRoot),
	}
}

// getFileInfo answers a missing path with an empty response (no fs).
func (s *server) getFileInfo(ctx context.Context, r *pb.GetFileInfoRequestProto) (*pb.GetFileInfoResponseProto, error) {
	st, err := s.ns.GetFileInfo(ctx, r.GetSrc(), true)
	if err != nil || st == nil {
		return &pb.GetFileInfoResponseProto{}, err
	}
	return &pb.GetFileInfoResponseProto{Fs: fileStatus(st, nil)}, nil
}

func (s *server) getFileLinkInfo(ctx context.Context, r *pb.GetFileLinkInfoRequestProto) (*pb.GetFileLinkInfoResponseProto, error) {
	st, err := s.ns.GetFileInfo(ctx, r.GetSrc(), false)
	if err != nil || st == nil {
		return &pb.GetFileLinkInfoResponseProto{}, err
	}
	return &pb.GetFileLinkInfoResponseProto{Fs: fileStatus(st, nil)}, nil
}

// getListing answers a missing path with an empty response (no dirList).
func (s *server) getListing(ctx context.Context, r *pb.GetListingRequestProto) (*pb.GetListingResponseProto, error) {
	l, err := s.ns.GetListing(ctx, r.GetSrc(), r.GetStartAfter(), r.GetNeedLocation())
	if err != nil || l == nil {
		return &pb.GetListingResponseProto{}, err
	}
	return &pb.GetListingResponseProto{DirList: directoryListing(l)}, nil
}

func (s *server) getContentSummary(ctx context.Context, r *pb.GetContentSummaryRequestProto) (*pb.GetContentSummaryResponseProto, error) {
	cs, err := s.ns.GetContentSummary(ctx, r.GetPath())
	if err != nil {
		return nil, err
	}
	return &pb.GetContentSummaryResponseProto{Summary: contentSummary(cs)}, nil
}

func (s *server) getQuotaUsage(ctx context.Context, r *pb.GetQuotaUsageRequestProto) (*pb.GetQuotaUsageResponseProto, error) {
	q, err := s.ns.GetQuotaUsage(ctx, r.GetPath())
	if err != nil {
		return nil, err
	}
	return &pb.GetQuotaUsageResponseProto{Usage: quotaUsage(q)}, nil
}

func (s *server) getLinkTarget(ctx context.Context, r *pb.GetLinkTargetRequestProto) (*pb.GetLinkTargetResponseProto, error) {
	t, err := s.ns.GetLinkTarget(ctx, r.GetPath())
	if err != nil {
		return nil, err
	}
	return &pb.GetLinkTargetResponseProto{TargetPath: proto.String(t)}, nil
}

// getBlockLocations answers a missing file with no locations.
func (s *server) getBlockLocations(ctx context.Context, r *pb.GetBlockLocationsRequestProto) (*pb.GetBlockLocationsResponseProto, error) {
	lb, err := s.ns.GetBlockLocations(ctx, r.GetSrc(), int64(r.GetOffset()), int64(r.GetLength()))
	if err != nil || lb == nil {
		return &pb.GetBlockLocationsResponseProto{}, err
	}
	return &pb.GetBlockLocationsResponseProto{Locations: blockpb.LocatedBlocks(lb)}, nil
}

func (s *server) getPreferredBlockSize(ctx context.Context, r *pb.GetPreferredBlockSizeRequestProto) (*pb.GetPreferredBlockSizeResponseProto, error) {
	n, err := s.ns.GetPreferredBlockSize(ctx, r.GetFilename())
	if err != nil {
		return nil, err
	}
	return &pb.GetPreferredBlockSizeResponseProto{Bsize: proto.Uint64(uint64(n))}, nil
}

func (s *server) isFileClosed(ctx context.Context, r *pb.IsFileClosedRequestProto) (*pb.IsFileClosedResponseProto, error) {
	ok, err := s.ns.IsFileClosed(ctx, r.GetSrc())
	if err != nil {
		return nil, err
	}
	return &pb.IsFileClosedResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) getEnclosingRoot(ctx context.Context, r *pb.GetEnclosingRootRequestProto) (*pb.GetEnclosingRootResponseProto, error) {
	root, err := s.ns.GetEnclosingRoot(ctx, r.GetFilename())
	if err != nil {
		return nil, err
	}
	return &pb.GetEnclosingRootResponseProto{EnclosingRootPath: proto.String(root)}, nil
}

package clientrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (s *server) writeMethods() map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"mkdirs":         Handle(s.mkdirs),
		"delete":         Handle(s.delete),
		"rename":         Handle(s.rename),
		"rename2":        Handle(s.rename2),
		"concat":         Handle(s.concat),
		"truncate":       Handle(s.truncate),
		"setPermission":  Handle(s.setPermission),
		"setOwner":       Handle(s.setOwner),
		"setTimes":       Handle(s.setTimes),
		"setReplication": Handle(s.setReplication),
		"setQuota":       Handle(s.setQuota),
		"createSymlink":  Handle(s.createSymlink),
	}
}

func (s *server) mkdirs(ctx context.Context, r *pb.MkdirsRequestProto) (*pb.MkdirsResponseProto, error) {
	ok, err := s.ns.Mkdirs(ctx, r.GetSrc(), createMode(r.GetMasked(), r.GetUnmasked()), r.GetCreateParent())
	if err != nil {
		return nil, err
	}
	return &pb.MkdirsResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) delete(ctx context.Context, r *pb.DeleteRequestProto) (*pb.DeleteResponseProto, error) {
	ok, err := s.ns.Delete(ctx, r.GetSrc(), r.GetRecursive())
	if err != nil {
		return nil, err
	}
	return &pb.DeleteResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) rename(ctx context.Context, r *pb.RenameRequestProto) (*pb.RenameResponseProto, error) {
	ok, err := s.ns.Rename(ctx, r.GetSrc(), r.GetDst())
	if err != nil {
		return nil, err
	}
	return &pb.RenameResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) rename2(ctx context.Context, r *pb.Rename2RequestProto) (*pb.Rename2ResponseProto, error) {
	var opts namespace.RenameOptions
	if r.GetOverwriteDest() {
		opts |= namespace.RenameOverwrite
	}
	if r.GetMoveToTrash() {
		opts |= namespace.RenameToTrash
	}
	return &pb.Rename2ResponseProto{}, s.ns.Rename2(ctx, r.GetSrc(), r.GetDst(), opts)
}

func (s *server) concat(ctx context.Context, r *pb.ConcatRequestProto) (*pb.ConcatResponseProto, error) {
	return &pb.ConcatResponseProto{}, s.ns.Concat(ctx, r.GetTrg(), r.GetSrcs())
}

func (s *server) truncate(ctx context.Context, r *pb.TruncateRequestProto) (*pb.TruncateResponseProto, error) {
	ok, err := s.ns.Truncate(ctx, r.GetSrc(), int64(r.GetNewLength()), r.GetClientName())
	if err != nil {
		return nil, err
	}
	return &pb.TruncateResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) setPermission(ctx context.Context, r *pb.SetPermissionRequestProto) (*pb.SetPermissionResponseProto, error) {
	return &pb.SetPermissionResponseProto{}, s.ns.SetPermission(ctx, r.GetSrc(), modeOf(r.GetPermission()))
}

// setOwner passes an absent user or group as nil, as the translator
// passes null.
func (s *server) setOwner(ctx context.Context, r *pb.SetOwnerRequestProto) (*pb.SetOwnerResponseProto, error) {
	return &pb.SetOwnerResponseProto{}, s.ns.SetOwner(ctx, r.GetSrc(), r.Username, r.Groupname)
}

func (s *server) setTimes(ctx context.Context, r *pb.SetTimesRequestProto) (*pb.SetTimesResponseProto, error) {
	return &pb.SetTimesResponseProto{}, s.ns.SetTimes(ctx, r.GetSrc(), int64(r.GetMtime()), int64(r.GetAtime()))
}

func (s *server) setReplication(ctx context.Context, r *pb.SetReplicationRequestProto) (*pb.SetReplicationResponseProto, error) {
	ok, err := s.ns.SetReplication(ctx, r.GetSrc(), int16(r.GetReplication()))
	if err != nil {
		return nil, err
	}
	return &pb.SetReplicationResponseProto{Result: proto.Bool(ok)}, nil
}

// setQuota: the quotas travel as uint64 and mean Java longs
// (HdfsConstants.QUOTA_DONT_SET, QUOTA_RESET = -1).
func (s *server) setQuota(ctx context.Context, r *pb.SetQuotaRequestProto) (*pb.SetQuotaResponseProto, error) {
	var st blocks.StorageType
	if r.StorageType != nil {
		st = blocks.StorageType(r.GetStorageType())
	}
	return &pb.SetQuotaResponseProto{}, s.ns.SetQuota(ctx, r.GetPath(),
		int64(r.GetNamespaceQuota()), int64(r.GetStoragespaceQuota()), st)
}

func (s *server) createSymlink(ctx context.Context, r *pb.CreateSymlinkRequestProto) (*pb.CreateSymlinkResponseProto, error) {
	return &pb.CreateSymlinkResponseProto{}, s.ns.CreateSymlink(ctx, r.GetTarget(), r.GetLink(),
		modeOf(r.GetDirPerm()), r.GetCreateParent())
}

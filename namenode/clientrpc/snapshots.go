package clientrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (s *server) snapshotMethods() map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"allowSnapshot":                Handle(s.allowSnapshot),
		"disallowSnapshot":             Handle(s.disallowSnapshot),
		"createSnapshot":               Handle(s.createSnapshot),
		"deleteSnapshot":               Handle(s.deleteSnapshot),
		"renameSnapshot":               Handle(s.renameSnapshot),
		"getSnapshottableDirListing":   Handle(s.getSnapshottableDirListing),
		"getSnapshotListing":           Handle(s.getSnapshotListing),
		"getSnapshotDiffReport":        Handle(s.getSnapshotDiffReport),
		"getSnapshotDiffReportListing": Handle(s.getSnapshotDiffReportListing),
	}
}

func (s *server) allowSnapshot(ctx context.Context, r *pb.AllowSnapshotRequestProto) (*pb.AllowSnapshotResponseProto, error) {
	return &pb.AllowSnapshotResponseProto{}, s.ns.AllowSnapshot(ctx, r.GetSnapshotRoot())
}

func (s *server) disallowSnapshot(ctx context.Context, r *pb.DisallowSnapshotRequestProto) (*pb.DisallowSnapshotResponseProto, error) {
	return &pb.DisallowSnapshotResponseProto{}, s.ns.DisallowSnapshot(ctx, r.GetSnapshotRoot())
}

func (s *server) createSnapshot(ctx context.Context, r *pb.CreateSnapshotRequestProto) (*pb.CreateSnapshotResponseProto, error) {
	p, err := s.ns.CreateSnapshot(ctx, r.GetSnapshotRoot(), r.GetSnapshotName())
	if err != nil {
		return nil, err
	}
	return &pb.CreateSnapshotResponseProto{SnapshotPath: proto.String(p)}, nil
}

func (s *server) deleteSnapshot(ctx context.Context, r *pb.DeleteSnapshotRequestProto) (*pb.DeleteSnapshotResponseProto, error) {
	return &pb.DeleteSnapshotResponseProto{}, s.ns.DeleteSnapshot(ctx, r.GetSnapshotRoot(), r.GetSnapshotName())
}

func (s *server) renameSnapshot(ctx context.Context, r *pb.RenameSnapshotRequestProto) (*pb.RenameSnapshotResponseProto, error) {
	return &pb.RenameSnapshotResponseProto{}, s.ns.RenameSnapshot(ctx, r.GetSnapshotRoot(),
		r.GetSnapshotOldName(), r.GetSnapshotNewName())
}

// getSnapshottableDirListing answers "none" with an empty response.
func (s *server) getSnapshottableDirListing(ctx context.Context, _ *pb.GetSnapshottableDirListingRequestProto) (*pb.GetSnapshottableDirListingResponseProto, error) {
	dirs, err := s.ns.GetSnapshottableDirListing(ctx)
	if err != nil || dirs == nil {
		return &pb.GetSnapshottableDirListingResponseProto{}, err
	}
	l := &pb.SnapshottableDirectoryListingProto{}
	for i := range dirs {
		d := &dirs[i]
		l.SnapshottableDirListing = append(l.SnapshottableDirListing, &pb.SnapshottableDirectoryStatusProto{
			DirStatus:      fileStatus(&d.Status, nil),
			SnapshotQuota:  proto.Uint32(uint32(d.SnapshotQuota)),
			SnapshotNumber: proto.Uint32(uint32(d.SnapshotNumber)),
			ParentFullpath: []byte(d.ParentFullPath),
		})
	}
	return &pb.GetSnapshottableDirListingResponseProto{SnapshottableDirList: l}, nil
}

func (s *server) getSnapshotListing(ctx context.Context, r *pb.GetSnapshotListingRequestProto) (*pb.GetSnapshotListingResponseProto, error) {
	snaps, err := s.ns.GetSnapshotListing(ctx, r.GetSnapshotRoot())
	if err != nil || snaps == nil {
		return &pb.GetSnapshotListingResponseProto{}, err
	}
	l := &pb.SnapshotListingProto{}
	for i := range snaps {
		sn := &snaps[i]
		l.SnapshotListing = append(l.SnapshotListing, &pb.SnapshotStatusProto{
			DirStatus:      fileStatus(&sn.Status, nil),
			SnapshotID:     proto.Uint32(uint32(sn.ID)),
			ParentFullpath: []byte(sn.ParentFullPath),
			IsDeleted:      proto.Bool(sn.Deleted),
		})
	}
	return &pb.GetSnapshotListingResponseProto{SnapshotList: l}, nil
}

// getSnapshotDiffReport: a rename carries its target, other entries none.
func (s *server) getSnapshotDiffReport(ctx context.Context, r *pb.GetSnapshotDiffReportRequestProto) (*pb.GetSnapshotDiffReportResponseProto, error) {
	d, err := s.ns.GetSnapshotDiffReport(ctx, r.GetSnapshotRoot(), r.GetFromSnapshot(), r.GetToSnapshot())
	if err != nil {
		return nil, err
	}
	p := &pb.SnapshotDiffReportProto{SnapshotRoot: proto.String(d.Root),
		FromSnapshot: proto.String(d.From), ToSnapshot: proto.String(d.To)}
	for _, e := range d.Entries {
		ep := &pb.SnapshotDiffReportEntryProto{Fullpath: nonNil(e.Path), ModificationLabel: proto.String(string(e.Type))}
		if e.Type == DiffRename {
			ep.TargetPath = nonNil(e.Target)
		}
		p.DiffReportEntries = append(p.DiffReportEntries, ep)
	}
	return &pb.GetSnapshotDiffReportResponseProto{DiffReport: p}, nil
}

func (s *server) getSnapshotDiffReportListing(ctx context.Context, r *pb.GetSnapshotDiffReportListingRequestProto) (*pb.GetSnapshotDiffReportListingResponseProto, error) {
	cur := DiffCursor{StartPath: r.GetCursor().GetStartPath(), Index: r.GetCursor().GetIndex()}
	d, err := s.ns.GetSnapshotDiffReportListing(ctx, r.GetSnapshotRoot(), r.GetFromSnapshot(), r.GetToSnapshot(), cur)
	if err != nil {
		return nil, err
	}
	entries := func(es []DiffListingEntry) []*pb.SnapshotDiffReportListingEntryProto {
		out := make([]*pb.SnapshotDiffReportListingEntryProto, len(es))
		for i, e := range es {
			out[i] = &pb.SnapshotDiffReportListingEntryProto{Fullpath: nonNil(e.Path), DirId: proto.Uint64(uint64(e.DirID)),
				IsReference: proto.Bool(e.IsReference), TargetPath: nonNil(e.Target), FileId: proto.Uint64(uint64(e.FileID))}
		}
		return out
	}
	return &pb.GetSnapshotDiffReportListingResponseProto{DiffReport: &pb.SnapshotDiffReportListingProto{
		ModifiedEntries: entries(d.Modified), CreatedEntries: entries(d.Created), DeletedEntries: entries(d.Deleted),
		IsFromEarlier: proto.Bool(d.IsFromEarlier),
		Cursor:        &pb.SnapshotDiffReportCursorProto{StartPath: nonNil(d.Cursor.StartPath), Index: proto.Int32(d.Cursor.Index)},
	}}, nil
}

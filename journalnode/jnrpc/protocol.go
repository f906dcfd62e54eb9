package jnrpc

import (
	"context"
	"net"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

func method[Req, Resp proto.Message](newReq func() Req, fn func(context.Context, Req) (Resp, error)) hadooprpc.Handler {
	return hadooprpc.Method(newReq, func(ctx context.Context, r Req) (Resp, error) {
		resp, err := fn(ctx, r)
		if err != nil {
			return resp, remote(err)
		}
		return resp, nil
	})
}

func reqOf(ctx context.Context, r *pb.RequestInfoProto) Req {
	q := Req{JournalID: r.GetJournalId().GetIdentifier(), NameServiceID: r.GetNameServiceId(),
		RequestInfo: core.RequestInfo{Epoch: int64(r.GetEpoch()), IPCSerial: int64(r.GetIpcSerialNumber()),
			CommittedTxID: int64(r.GetCommittedTxId()), HasCommitted: r.CommittedTxId != nil}}
	if c, ok := hadooprpc.CallerFromContext(ctx); ok && c.Remote != nil {
		if host, _, err := net.SplitHostPort(c.Remote.String()); err == nil {
			q.Client = "/" + host
		}
	}
	return q
}

// StorageInfoOf converts a StorageInfoProto.
func StorageInfoOf(p *hdfspb.StorageInfoProto) core.StorageInfo {
	return core.StorageInfo{LayoutVersion: int32(p.GetLayoutVersion()), NamespaceID: int32(p.GetNamespceID()),
		ClusterID: p.GetClusterID(), CTime: int64(p.GetCTime())}
}

func segmentOf(p *pb.SegmentStateProto) core.Segment {
	return core.Segment{Start: int64(p.GetStartTxId()), End: int64(p.GetEndTxId()), InProgress: p.GetIsInProgress()}
}

func segmentProto(s core.Segment) *pb.SegmentStateProto {
	return &pb.SegmentStateProto{StartTxId: proto.Uint64(uint64(s.Start)), EndTxId: proto.Uint64(uint64(s.End)),
		IsInProgress: proto.Bool(s.InProgress)}
}

// ManifestProto is PBHelper.convert(RemoteEditLogManifest).
func ManifestProto(m core.Manifest) *hdfspb.RemoteEditLogManifestProto {
	out := &hdfspb.RemoteEditLogManifestProto{CommittedTxnId: proto.Uint64(uint64(m.Committed))}
	for _, l := range m.Logs {
		out.Logs = append(out.Logs, &hdfspb.RemoteEditLogProto{StartTxId: proto.Uint64(uint64(l.Start)),
			EndTxId: proto.Uint64(uint64(l.End)), IsInProgress: proto.Bool(l.InProgress)})
	}
	return out
}

func jid(p *pb.JournalIdProto) string { return p.GetIdentifier() }

// Protocol returns QJournalProtocol served by s: every method of
// QJournalProtocolService.
func Protocol(s Service) hadooprpc.Protocol {
	m := map[string]hadooprpc.Handler{
		"isFormatted": method(func() *pb.IsFormattedRequestProto { return new(pb.IsFormattedRequestProto) },
			func(ctx context.Context, r *pb.IsFormattedRequestProto) (*pb.IsFormattedResponseProto, error) {
				ok, err := s.IsFormatted(ctx, jid(r.GetJid()), r.GetNameServiceId())
				if err != nil {
					return nil, err
				}
				return &pb.IsFormattedResponseProto{IsFormatted: proto.Bool(ok)}, nil
			}),
		"getJournalCTime": method(func() *pb.GetJournalCTimeRequestProto { return new(pb.GetJournalCTimeRequestProto) },
			func(ctx context.Context, r *pb.GetJournalCTimeRequestProto) (*pb.GetJournalCTimeResponseProto, error) {
				t, err := s.JournalCTime(ctx, jid(r.GetJid()), r.GetNameServiceId())
				if err != nil {
					return nil, err
				}
				return &pb.GetJournalCTimeResponseProto{ResultCTime: proto.Int64(t)}, nil
			}),
		"doPreUpgrade": method(func() *pb.DoPreUpgradeRequestProto { return new(pb.DoPreUpgradeRequestProto) },
			func(ctx context.Context, r *pb.DoPreUpgradeRequestProto) (*pb.DoPreUpgradeResponseProto, error) {
				return &pb.DoPreUpgradeResponseProto{}, s.DoPreUpgrade(ctx, jid(r.GetJid()))
			}),
		"doUpgrade": method(func() *pb.DoUpgradeRequestProto { return new(pb.DoUpgradeRequestProto) },
			func(ctx context.Context, r *pb.DoUpgradeRequestProto) (*pb.DoUpgradeResponseProto, error) {
				return &pb.DoUpgradeResponseProto{}, s.DoUpgrade(ctx, jid(r.GetJid()), StorageInfoOf(r.GetSInfo()))
			}),
		"doFinalize": method(func() *pb.DoFinalizeRequestProto { return new(pb.DoFinalizeRequestProto) },
			func(ctx context.Context, r *pb.DoFinalizeRequestProto) (*pb.DoFinalizeResponseProto, error) {
				return &pb.DoFinalizeResponseProto{}, s.DoFinalize(ctx, jid(r.GetJid()), r.GetNameServiceId())
			}),
		"canRollBack": method(func() *pb.CanRollBackRequestProto { return new(pb.CanRollBackRequestProto) },
			func(ctx context.Context, r *pb.CanRollBackRequestProto) (*pb.CanRollBackResponseProto, error) {
				ok, err := s.CanRollBack(ctx, jid(r.GetJid()), r.GetNameServiceId(), StorageInfoOf(r.GetStorage()),
					StorageInfoOf(r.GetPrevStorage()), int32(r.GetTargetLayoutVersion()))
				if err != nil {
					return nil, err
				}
				return &pb.CanRollBackResponseProto{CanRollBack: proto.Bool(ok)}, nil
			}),
		"doRollback": method(func() *pb.DoRollbackRequestProto { return new(pb.DoRollbackRequestProto) },
			func(ctx context.Context, r *pb.DoRollbackRequestProto) (*pb.DoRollbackResponseProto, error) {
				return &pb.DoRollbackResponseProto{}, s.DoRollback(ctx, jid(r.GetJid()), r.GetNameserviceId())
			}),
		"discardSegments": method(func() *pb.DiscardSegmentsRequestProto { return new(pb.DiscardSegmentsRequestProto) },
			func(ctx context.Context, r *pb.DiscardSegmentsRequestProto) (*pb.DiscardSegmentsResponseProto, error) {
				return &pb.DiscardSegmentsResponseProto{}, s.DiscardSegments(ctx, jid(r.GetJid()), r.GetNameServiceId(), int64(r.GetStartTxId()))
			}),
		"getJournalState": method(func() *pb.GetJournalStateRequestProto { return new(pb.GetJournalStateRequestProto) },
			func(ctx context.Context, r *pb.GetJournalStateRequestProto) (*pb.GetJournalStateResponseProto, error) {
				e, err := s.LastPromised(ctx, jid(r.GetJid()), r.GetNameServiceId())
				if err != nil {
					return nil, err
				}
				return &pb.GetJournalStateResponseProto{LastPromisedEpoch: proto.Uint64(uint64(e)),
					HttpPort: proto.Uint32(uint32(s.HTTPPort())), FromURL: proto.String(s.HTTPURI())}, nil
			}),
		"newEpoch": method(func() *pb.NewEpochRequestProto { return new(pb.NewEpochRequestProto) },
			func(ctx context.Context, r *pb.NewEpochRequestProto) (*pb.NewEpochResponseProto, error) {
				last, ok, err := s.NewEpoch(ctx, jid(r.GetJid()), r.GetNameServiceId(),
					StorageInfoOf(r.GetNsInfo().GetStorageInfo()), int64(r.GetEpoch()))
				if err != nil {
					return nil, err
				}
				resp := &pb.NewEpochResponseProto{}
				if ok {
					resp.LastSegmentTxId = proto.Uint64(uint64(last))
				}
				return resp, nil
			}),
		"format": method(func() *pb.FormatRequestProto { return new(pb.FormatRequestProto) },
			func(ctx context.Context, r *pb.FormatRequestProto) (*pb.FormatResponseProto, error) {
				return &pb.FormatResponseProto{}, s.Format(ctx, jid(r.GetJid()), r.GetNameServiceId(),
					StorageInfoOf(r.GetNsInfo().GetStorageInfo()), r.GetForce())
			}),
		"journal": method(func() *pb.JournalRequestProto { return new(pb.JournalRequestProto) },
			func(ctx context.Context, r *pb.JournalRequestProto) (*pb.JournalResponseProto, error) {
				return &pb.JournalResponseProto{}, s.Journal(ctx, reqOf(ctx, r.GetReqInfo()), int64(r.GetSegmentTxnId()),
					int64(r.GetFirstTxnId()), int(r.GetNumTxns()), r.GetRecords())
			}),
		"heartbeat": method(func() *pb.HeartbeatRequestProto { return new(pb.HeartbeatRequestProto) },
			func(ctx context.Context, r *pb.HeartbeatRequestProto) (*pb.HeartbeatResponseProto, error) {
				return &pb.HeartbeatResponseProto{}, s.Heartbeat(ctx, reqOf(ctx, r.GetReqInfo()))
			}),
		"startLogSegment": method(func() *pb.StartLogSegmentRequestProto { return new(pb.StartLogSegmentRequestProto) },
			func(ctx context.Context, r *pb.StartLogSegmentRequestProto) (*pb.StartLogSegmentResponseProto, error) {
				// Writers older than 2.x send no layoutVersion; Hadoop assumes the NameNode's current one.
				lv := int32(-67)
				if r.LayoutVersion != nil {
					lv = r.GetLayoutVersion()
				}
				return &pb.StartLogSegmentResponseProto{}, s.StartLogSegment(ctx, reqOf(ctx, r.GetReqInfo()), int64(r.GetTxid()), lv)
			}),
		"finalizeLogSegment": method(func() *pb.FinalizeLogSegmentRequestProto { return new(pb.FinalizeLogSegmentRequestProto) },
			func(ctx context.Context, r *pb.FinalizeLogSegmentRequestProto) (*pb.FinalizeLogSegmentResponseProto, error) {
				return &pb.FinalizeLogSegmentResponseProto{}, s.FinalizeLogSegment(ctx, reqOf(ctx, r.GetReqInfo()),
					int64(r.GetStartTxId()), int64(r.GetEndTxId()))
			}),
		"purgeLogs": method(func() *pb.PurgeLogsRequestProto { return new(pb.PurgeLogsRequestProto) },
			func(ctx context.Context, r *pb.PurgeLogsRequestProto) (*pb.PurgeLogsResponseProto, error) {
				return &pb.PurgeLogsResponseProto{}, s.PurgeLogs(ctx, reqOf(ctx, r.GetReqInfo()), int64(r.GetMinTxIdToKeep()))
			}),
		"getEditLogManifest": method(func() *pb.GetEditLogManifestRequestProto { return new(pb.GetEditLogManifestRequestProto) },
			func(ctx context.Context, r *pb.GetEditLogManifestRequestProto) (*pb.GetEditLogManifestResponseProto, error) {
				return manifest(ctx, s, r)
			}),
		"getJournaledEdits": method(func() *pb.GetJournaledEditsRequestProto { return new(pb.GetJournaledEditsRequestProto) },
			func(ctx context.Context, r *pb.GetJournaledEditsRequestProto) (*pb.GetJournaledEditsResponseProto, error) {
				b, n, err := s.JournaledEdits(ctx, jid(r.GetJid()), r.GetNameServiceId(), int64(r.GetSinceTxId()), int(r.GetMaxTxns()))
				if err != nil {
					return nil, err
				}
				resp := &pb.GetJournaledEditsResponseProto{TxnCount: proto.Uint32(uint32(n))}
				if b != nil {
					resp.EditLog = b
				}
				return resp, nil
			}),
		"prepareRecovery": method(func() *pb.PrepareRecoveryRequestProto { return new(pb.PrepareRecoveryRequestProto) },
			func(ctx context.Context, r *pb.PrepareRecoveryRequestProto) (*pb.PrepareRecoveryResponseProto, error) {
				p, err := s.PrepareRecovery(ctx, reqOf(ctx, r.GetReqInfo()), int64(r.GetSegmentTxId()))
				if err != nil {
					return nil, err
				}
				resp := &pb.PrepareRecoveryResponseProto{LastWriterEpoch: proto.Uint64(uint64(p.LastWriterEpoch))}
				if p.Segment != nil {
					resp.SegmentState = segmentProto(*p.Segment)
				}
				if p.HasAccepted {
					resp.AcceptedInEpoch = proto.Uint64(uint64(p.AcceptedInEpoch))
				}
				if p.Committed != core.InvalidTxID {
					resp.LastCommittedTxId = proto.Uint64(uint64(p.Committed))
				}
				return resp, nil
			}),
		"acceptRecovery": method(func() *pb.AcceptRecoveryRequestProto { return new(pb.AcceptRecoveryRequestProto) },
			func(ctx context.Context, r *pb.AcceptRecoveryRequestProto) (*pb.AcceptRecoveryResponseProto, error) {
				return &pb.AcceptRecoveryResponseProto{}, s.AcceptRecovery(ctx, reqOf(ctx, r.GetReqInfo()),
					segmentOf(r.GetStateToAccept()), r.GetFromURL())
			}),
	}
	return hadooprpc.Protocol{Name: ProtocolName, Version: ProtocolVersion, Methods: m}
}

func manifest(ctx context.Context, s Service, r *pb.GetEditLogManifestRequestProto) (*pb.GetEditLogManifestResponseProto, error) {
	m, err := s.Manifest(ctx, jid(r.GetJid()), r.GetNameServiceId(), int64(r.GetSinceTxId()), r.GetInProgressOk())
	if err != nil {
		return nil, err
	}
	return &pb.GetEditLogManifestResponseProto{Manifest: ManifestProto(m),
		HttpPort: proto.Uint32(uint32(s.HTTPPort())), FromURL: proto.String(s.HTTPURI())}, nil
}

// InterProtocol returns InterQJournalProtocol (JN-to-JN sync) served by s.
func InterProtocol(s Service) hadooprpc.Protocol {
	m := map[string]hadooprpc.Handler{
		"getEditLogManifestFromJournal": method(func() *pb.GetEditLogManifestRequestProto { return new(pb.GetEditLogManifestRequestProto) },
			func(ctx context.Context, r *pb.GetEditLogManifestRequestProto) (*pb.GetEditLogManifestResponseProto, error) {
				return manifest(ctx, s, r)
			}),
	}
	return hadooprpc.Protocol{Name: InterProtocolName, Version: ProtocolVersion, Methods: m}
}

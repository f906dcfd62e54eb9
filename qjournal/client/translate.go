package client

import (
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

// Protocol is QJournalProtocol's name on the wire.
const Protocol = "org.apache.hadoop.hdfs.qjournal.protocol.QJournalProtocol"

// ids are the journal and nameservice ids every request names.
type ids struct {
	journal     string
	nameservice string // "" leaves the optional field out
}

func (d ids) jid() *pb.JournalIdProto { return &pb.JournalIdProto{Identifier: proto.String(d.journal)} }

func (d ids) ns() *string {
	if d.nameservice == "" {
		return nil
	}
	return proto.String(d.nameservice)
}

func (d ids) reqInfo(ri core.RequestInfo) *pb.RequestInfoProto {
	p := &pb.RequestInfoProto{
		JournalId: d.jid(), Epoch: proto.Uint64(ri.Epoch),
		IpcSerialNumber: proto.Uint64(ri.Serial), NameServiceId: d.ns(),
	}
	if ri.HasCommitted {
		p.CommittedTxId = proto.Uint64(ri.Committed)
	}
	return p
}

// request builds the protobuf request and an empty response for a writer
// message. fromURL is the segment URL of the source node (acceptRecovery).
func (d ids) request(m core.Msg, ns *hdfspb.NamespaceInfoProto, fromURL string) (method string, req, resp proto.Message) {
	switch m.Kind {
	case core.KindGetJournalState:
		return "getJournalState", &pb.GetJournalStateRequestProto{Jid: d.jid(), NameServiceId: d.ns()},
			&pb.GetJournalStateResponseProto{}
	case core.KindNewEpoch:
		return "newEpoch", &pb.NewEpochRequestProto{Jid: d.jid(), NsInfo: ns, Epoch: proto.Uint64(m.Epoch),
			NameServiceId: d.ns()}, &pb.NewEpochResponseProto{}
	case core.KindPrepareRecovery:
		return "prepareRecovery", &pb.PrepareRecoveryRequestProto{ReqInfo: d.reqInfo(m.Info),
			SegmentTxId: proto.Uint64(m.TxID)}, &pb.PrepareRecoveryResponseProto{}
	case core.KindAcceptRecovery:
		return "acceptRecovery", &pb.AcceptRecoveryRequestProto{ReqInfo: d.reqInfo(m.Info),
			StateToAccept: segmentProto(m.Segment), FromURL: proto.String(fromURL)}, &pb.AcceptRecoveryResponseProto{}
	case core.KindFinalize:
		return "finalizeLogSegment", &pb.FinalizeLogSegmentRequestProto{ReqInfo: d.reqInfo(m.Info),
			StartTxId: proto.Uint64(m.FirstTxID), EndTxId: proto.Uint64(m.EndTxID)}, &pb.FinalizeLogSegmentResponseProto{}
	case core.KindStartSegment:
		return "startLogSegment", &pb.StartLogSegmentRequestProto{ReqInfo: d.reqInfo(m.Info),
			Txid: proto.Uint64(m.TxID), LayoutVersion: proto.Int32(m.LayoutVersion)}, &pb.StartLogSegmentResponseProto{}
	case core.KindJournal:
		return "journal", &pb.JournalRequestProto{ReqInfo: d.reqInfo(m.Info), FirstTxnId: proto.Uint64(m.FirstTxID),
				NumTxns: proto.Uint32(m.NumTxns), Records: m.Data, SegmentTxnId: proto.Uint64(m.SegmentTxID)},
			&pb.JournalResponseProto{}
	case core.KindHeartbeat:
		return "heartbeat", &pb.HeartbeatRequestProto{ReqInfo: d.reqInfo(m.Info)}, &pb.HeartbeatResponseProto{}
	case core.KindPurge:
		return "purgeLogs", &pb.PurgeLogsRequestProto{ReqInfo: d.reqInfo(m.Info),
			MinTxIdToKeep: proto.Uint64(m.MinTxIDToKeep)}, &pb.PurgeLogsResponseProto{}
	}
	return "", nil, nil
}

func segmentProto(s core.Segment) *pb.SegmentStateProto {
	return &pb.SegmentStateProto{StartTxId: proto.Uint64(s.Start), EndTxId: proto.Uint64(s.End),
		IsInProgress: proto.Bool(s.InProgress)}
}

func segmentFromProto(p *pb.SegmentStateProto) core.Segment {
	return core.Segment{Start: p.GetStartTxId(), End: p.GetEndTxId(), InProgress: p.GetIsInProgress()}
}

// reply converts a successful response into the writer's Reply.
func reply(m core.Msg, from int, resp proto.Message) core.Reply {
	r := core.Reply{From: from, Call: m.Call, Kind: m.Kind}
	switch p := resp.(type) {
	case *pb.GetJournalStateResponseProto:
		r.LastPromisedEpoch = p.GetLastPromisedEpoch()
	case *pb.NewEpochResponseProto:
		r.HasLastSegment, r.LastSegmentTxID = p.LastSegmentTxId != nil, p.GetLastSegmentTxId()
	case *pb.PrepareRecoveryResponseProto:
		r.Prepare = core.PrepareResult{
			HasSegment: p.SegmentState != nil, AcceptedInEpoch: p.GetAcceptedInEpoch(),
			LastWriterEpoch: p.GetLastWriterEpoch(),
			HasCommitted:    p.LastCommittedTxId != nil, LastCommitted: p.GetLastCommittedTxId(),
		}
		if p.SegmentState != nil {
			r.Prepare.Segment = segmentFromProto(p.SegmentState)
		}
	}
	return r
}

func (d ids) formatReq(ns *hdfspb.NamespaceInfoProto, force bool) *pb.FormatRequestProto {
	return &pb.FormatRequestProto{Jid: d.jid(), NsInfo: ns, NameServiceId: d.ns(), Force: proto.Bool(force)}
}

func (d ids) isFormattedReq() *pb.IsFormattedRequestProto {
	return &pb.IsFormattedRequestProto{Jid: d.jid(), NameServiceId: d.ns()}
}

func (d ids) manifestReq(since uint64, inProgressOK bool) *pb.GetEditLogManifestRequestProto {
	return &pb.GetEditLogManifestRequestProto{Jid: d.jid(), SinceTxId: proto.Uint64(since),
		InProgressOk: proto.Bool(inProgressOK), NameServiceId: d.ns()}
}

func (d ids) journaledEditsReq(since uint64, maxTxns uint32) *pb.GetJournaledEditsRequestProto {
	return &pb.GetJournaledEditsRequestProto{Jid: d.jid(), SinceTxId: proto.Uint64(since),
		MaxTxns: proto.Uint32(maxTxns), NameServiceId: d.ns()}
}

package dnrpc

import (
	"bytes"
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	pb "github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// scripted is a Namesystem that answers with what a recorded NameNode
// answered, read back into this package's types, and keeps what it was
// asked.
type scripted struct {
	resp proto.Message // the recorded answer
	got  any           // the translated request
}

func (s *scripted) VersionRequest(context.Context) (*NamespaceInfo, error) {
	return NamespaceInfoOf(s.resp.(*hdfspb.VersionResponseProto).GetInfo()), nil
}

func (s *scripted) RegisterDatanode(_ context.Context, reg *Registration) (*Registration, error) {
	s.got = reg
	return registrationOf(s.resp.(*pb.RegisterDatanodeResponseProto).GetRegistration()), nil
}

func (s *scripted) SendHeartbeat(_ context.Context, hb *Heartbeat) (*HeartbeatResponse, error) {
	s.got = hb
	r := s.resp.(*pb.HeartbeatResponseProto)
	out := &HeartbeatResponse{HA: HAStatus{State: HAState(r.GetHaStatus().GetState()), TxID: int64(r.GetHaStatus().GetTxid())},
		FullBlockReportLeaseID: r.GetFullBlockReportLeaseId()}
	for _, c := range r.GetCmds() {
		out.Commands = append(out.Commands, *commandOf(c))
	}
	return out, nil
}

func (s *scripted) BlockReport(_ context.Context, _ *Registration, _ string, reports []StorageBlockReport, _ *BlockReportContext) (*Command, error) {
	s.got = reports
	return commandOf(s.resp.(*pb.BlockReportResponseProto).GetCmd()), nil
}

func (s *scripted) CacheReport(context.Context, *Registration, string, []uint64) (*Command, error) {
	return commandOf(s.resp.(*pb.CacheReportResponseProto).GetCmd()), nil
}

func (s *scripted) BlockReceivedAndDeleted(_ context.Context, _ *Registration, _ string, st []StorageReceivedDeleted) error {
	s.got = st
	return nil
}

func (s *scripted) ErrorReport(context.Context, *Registration, ErrorCode, string) error { return nil }
func (s *scripted) ReportBadBlocks(context.Context, []blocks.Located) error             { return nil }
func (s *scripted) CommitBlockSynchronization(_ context.Context, c *CommitSync) error {
	s.got = c
	return nil
}

// commandOf reads a recorded command back (the DataNode's direction).
func commandOf(p *pb.DatanodeCommandProto) *Command {
	if p == nil {
		return nil
	}
	switch p.GetCmdType() {
	case pb.DatanodeCommandProto_FinalizeCommand:
		return &Command{Kind: CmdFinalize, PoolID: p.GetFinalizeCmd().GetBlockPoolId()}
	case pb.DatanodeCommandProto_RegisterCommand:
		return &Command{Kind: CmdRegister}
	case pb.DatanodeCommandProto_BalancerBandwidthCommand:
		return &Command{Kind: CmdBalancerBandwidth, Bandwidth: int64(p.GetBalancerCmd().GetBandwidth())}
	case pb.DatanodeCommandProto_BlockRecoveryCommand:
		c := &Command{Kind: CmdRecoverBlock}
		for _, r := range p.GetRecoveryCmd().GetBlocks() {
			rb := RecoveringBlock{Block: blockpb.LocatedOf(r.GetBlock()), NewGenStamp: int64(r.GetNewGenStamp())}
			if r.TruncateBlock != nil {
				b := blockOf(r.GetTruncateBlock())
				rb.Truncate = &b
			}
			c.Recover = append(c.Recover, rb)
		}
		return c
	case pb.DatanodeCommandProto_BlockCommand:
		bc := p.GetBlkCmd()
		kind := map[pb.BlockCommandProto_Action]CommandKind{pb.BlockCommandProto_TRANSFER: CmdTransfer,
			pb.BlockCommandProto_INVALIDATE: CmdInvalidate, pb.BlockCommandProto_SHUTDOWN: CmdShutdown}[bc.GetAction()]
		c := &Command{Kind: kind, PoolID: bc.GetBlockPoolId()}
		for _, b := range bc.GetBlocks() {
			c.Blocks = append(c.Blocks, blockOf(b))
		}
		for _, t := range bc.GetTargets() {
			var infos []blocks.DatanodeInfo
			for _, d := range t.GetDatanodes() {
				infos = append(infos, blockpb.DatanodeInfoOf(d))
			}
			c.Targets = append(c.Targets, infos)
		}
		for _, t := range bc.GetTargetStorageUuids() {
			c.TargetStorageIDs = append(c.TargetStorageIDs, t.GetStorageUuids())
		}
		for _, t := range bc.GetTargetStorageTypes() {
			var ts []blocks.StorageType
			for _, x := range t.GetStorageTypes() {
				ts = append(ts, blocks.StorageType(x))
			}
			c.TargetStorageTypes = append(c.TargetStorageTypes, ts)
		}
		return c
	}
	return &Command{}
}

var responseTypes = map[string]func() proto.Message{
	"versionRequest":             func() proto.Message { return new(hdfspb.VersionResponseProto) },
	"registerDatanode":           func() proto.Message { return new(pb.RegisterDatanodeResponseProto) },
	"sendHeartbeat":              func() proto.Message { return new(pb.HeartbeatResponseProto) },
	"blockReport":                func() proto.Message { return new(pb.BlockReportResponseProto) },
	"cacheReport":                func() proto.Message { return new(pb.CacheReportResponseProto) },
	"blockReceivedAndDeleted":    func() proto.Message { return new(pb.BlockReceivedAndDeletedResponseProto) },
	"errorReport":                func() proto.Message { return new(pb.ErrorReportResponseProto) },
	"reportBadBlocks":            func() proto.Message { return new(pb.ReportBadBlocksResponseProto) },
	"commitBlockSynchronization": func() proto.Message { return new(pb.CommitBlockSynchronizationResponseProto) },
}

// Every answer a stock 3.3.2 NameNode gave its DataNodes (fresh cluster,
// restart, HA), given to this layer as plain values, comes out as the same
// bytes.
func TestRecordedAnswersEncodeIdentically(t *testing.T) {
	calls := rpccapture.Calls(t, ProtocolName, "b1-dn-nn-fresh-cluster", "b2-dn-nn-restart", "b3-dn-nn-ha")
	seen := map[string]int{}
	for _, c := range calls {
		if !c.OK {
			continue
		}
		newResp, ok := responseTypes[c.Method]
		if !ok {
			t.Fatalf("%s: unexpected method %s", c.Where, c.Method)
		}
		recorded := newResp()
		rpccapture.Unmarshal(t, c.Resp, recorded)
		ns := &scripted{resp: recorded}
		h := Protocol(ns).Methods[c.Method]
		req := h.NewRequest()
		rpccapture.Unmarshal(t, c.Req, req)
		resp, err := h.Call(hadooprpc.ContextWithCaller(context.Background(), hadooprpc.Caller{User: "root"}), req)
		if err != nil {
			t.Fatalf("%s call %d %s: %v", c.Where, c.CallID, c.Method, err)
		}
		ours, err := proto.MarshalOptions{Deterministic: true}.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, c.Resp) {
			t.Errorf("%s call %d %s: answer differs\nours  %x\nstock %x", c.Where, c.CallID, c.Method, ours, c.Resp)
		}
		seen[c.Method]++
	}
	for _, m := range []string{"versionRequest", "registerDatanode", "sendHeartbeat", "blockReport", "blockReceivedAndDeleted", "commitBlockSynchronization"} {
		if seen[m] == 0 {
			t.Errorf("no recorded %s answered", m)
		}
	}
	t.Logf("answers compared: %v", seen)
}

// A stock DataNode's requests arrive as Hadoop reads them: registration,
// storage reports (with a missing nonDfsUsed kept apart from zero),
// incremental reports, recovery results.
func TestRecordedRequestsTranslate(t *testing.T) {
	calls := rpccapture.Calls(t, ProtocolName, "b1-dn-nn-fresh-cluster")
	var hb *Heartbeat
	var ibr []StorageReceivedDeleted
	var cbs *CommitSync
	var reg *Registration
	for _, c := range calls {
		newResp := responseTypes[c.Method]
		recorded := newResp()
		rpccapture.Unmarshal(t, c.Resp, recorded)
		ns := &scripted{resp: recorded}
		h := Protocol(ns).Methods[c.Method]
		req := h.NewRequest()
		rpccapture.Unmarshal(t, c.Req, req)
		if _, err := h.Call(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		switch g := ns.got.(type) {
		case *Heartbeat:
			if hb == nil {
				hb = g
			}
		case []StorageReceivedDeleted:
			if ibr == nil {
				ibr = g
			}
		case *CommitSync:
			cbs = g
		case *Registration:
			if reg == nil {
				reg = g
			}
		}
	}
	if reg == nil || reg.ID.XferPort != 37111 || reg.Storage.LayoutVersion != -57 || reg.ID.UUID == "" {
		t.Errorf("registration: %+v", reg)
	}
	if hb == nil || len(hb.Reports) != 1 || hb.Reports[0].Capacity == 0 || hb.Reports[0].NonDFSUsed <= 0 ||
		hb.Reports[0].Storage.Type != blocks.Disk || !hb.RequestFullBlockReportLease {
		t.Errorf("first heartbeat: %+v", hb)
	}
	if len(ibr) != 1 || len(ibr[0].Blocks) == 0 || ibr[0].Storage == nil || ibr[0].Blocks[0].Block.ID < 1073741825 {
		t.Errorf("first incremental report: %+v", ibr)
	}
	if cbs == nil || cbs.NewGenStamp <= cbs.Block.GenStamp || len(cbs.NewTargets) == 0 || len(cbs.NewTargetStorages) != len(cbs.NewTargets) {
		t.Errorf("commitBlockSynchronization: %+v", cbs)
	}
}

package clientrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/protos/commonpb"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (s *server) adminMethods() map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"getServerDefaults":         Handle(s.getServerDefaults),
		"getFsStats":                Handle(s.getFsStats),
		"getFsReplicatedBlockStats": Handle(s.getFsReplicatedBlockStats),
		"getFsECBlockGroupStats":    Handle(s.getFsECBlockGroupStats),
		"getDatanodeReport":         Handle(s.getDatanodeReport),
		"getSlowDatanodeReport":     Handle(s.getSlowDatanodeReport),
		"getDatanodeStorageReport":  Handle(s.getDatanodeStorageReport),
		"setSafeMode":               Handle(s.setSafeMode),
		"saveNamespace":             Handle(s.saveNamespace),
		"rollEdits":                 Handle(s.rollEdits),
		"restoreFailedStorage":      Handle(s.restoreFailedStorage),
		"refreshNodes":              Handle(s.refreshNodes),
		"finalizeUpgrade":           Handle(s.finalizeUpgrade),
		"upgradeStatus":             Handle(s.upgradeStatus),
		"rollingUpgrade":            Handle(s.rollingUpgrade),
		"metaSave":                  Handle(s.metaSave),
		"setBalancerBandwidth":      Handle(s.setBalancerBandwidth),
		"getCurrentEditLogTxid":     Handle(s.getCurrentEditLogTxid),
		"listOpenFiles":             Handle(s.listOpenFiles),
		"msync":                     Handle(s.msync),
		"getHAServiceState":         Handle(s.getHAServiceState),
		"getDelegationToken":        Handle(s.getDelegationToken),
		"renewDelegationToken":      Handle(s.renewDelegationToken),
		"cancelDelegationToken":     Handle(s.cancelDelegationToken),
	}
}

// getServerDefaults is PBHelperClient.convert(FsServerDefaults): every
// field set, the key provider URI even when "".
func (s *server) getServerDefaults(ctx context.Context, _ *pb.GetServerDefaultsRequestProto) (*pb.GetServerDefaultsResponseProto, error) {
	if err := s.ns.CheckRead(ctx); err != nil {
		return nil, err
	}
	d := s.cfg.ServerDefaults
	return &pb.GetServerDefaultsResponseProto{ServerDefaults: &pb.FsServerDefaultsProto{
		BlockSize:                proto.Uint64(uint64(d.BlockSize)),
		BytesPerChecksum:         proto.Uint32(uint32(d.BytesPerChecksum)),
		WritePacketSize:          proto.Uint32(uint32(d.WritePacketSize)),
		Replication:              proto.Uint32(uint32(d.Replication)),
		FileBufferSize:           proto.Uint32(uint32(d.FileBufferSize)),
		EncryptDataTransfer:      proto.Bool(d.EncryptDataTransfer),
		TrashInterval:            proto.Uint64(uint64(d.TrashInterval)),
		ChecksumType:             checksumTypes[d.ChecksumType].Enum(),
		KeyProviderUri:           proto.String(d.KeyProviderURI),
		PolicyId:                 proto.Uint32(uint32(d.StoragePolicyID)),
		SnapshotTrashRootEnabled: proto.Bool(d.SnapshotTrashRootEnabled),
	}}, nil
}

func u64(n int64) *uint64 { return proto.Uint64(uint64(n)) }

func (s *server) getFsStats(ctx context.Context, _ *pb.GetFsStatusRequestProto) (*pb.GetFsStatsResponseProto, error) {
	st, err := s.ns.GetStats(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.GetFsStatsResponseProto{
		Capacity: u64(st.Capacity), Used: u64(st.Used), Remaining: u64(st.Remaining),
		UnderReplicated: u64(st.UnderReplicated), CorruptBlocks: u64(st.CorruptBlocks),
		MissingBlocks: u64(st.MissingBlocks), MissingReplOneBlocks: u64(st.MissingReplOneBlocks),
		BlocksInFuture: u64(st.BytesInFutureBlocks), PendingDeletionBlocks: u64(st.PendingDeletes),
	}, nil
}

func (s *server) getFsReplicatedBlockStats(ctx context.Context, _ *pb.GetFsReplicatedBlockStatsRequestProto) (*pb.GetFsReplicatedBlockStatsResponseProto, error) {
	st, err := s.ns.GetReplicatedBlockStats(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.GetFsReplicatedBlockStatsResponseProto{
		LowRedundancy: u64(st.LowRedundancy), CorruptBlocks: u64(st.Corrupt), MissingBlocks: u64(st.Missing),
		MissingReplOneBlocks: u64(st.MissingReplOne), BlocksInFuture: u64(st.BytesInFuture),
		PendingDeletionBlocks: u64(st.PendingDeletion), HighestPrioLowRedundancyBlocks: u64(st.HighestPriorityLowRedundancy),
	}, nil
}

func (s *server) getFsECBlockGroupStats(ctx context.Context, _ *pb.GetFsECBlockGroupStatsRequestProto) (*pb.GetFsECBlockGroupStatsResponseProto, error) {
	st, err := s.ns.GetECBlockGroupStats(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.GetFsECBlockGroupStatsResponseProto{
		LowRedundancy: u64(st.LowRedundancy), CorruptBlocks: u64(st.Corrupt), MissingBlocks: u64(st.Missing),
		BlocksInFuture: u64(st.BytesInFuture), PendingDeletionBlocks: u64(st.PendingDeletion),
		HighestPrioLowRedundancyBlocks: u64(st.HighestPriorityLowRedundancy),
	}, nil
}

func (s *server) getDatanodeReport(ctx context.Context, r *pb.GetDatanodeReportRequestProto) (*pb.GetDatanodeReportResponseProto, error) {
	dns, err := s.ns.GetDatanodeReport(ctx, blocks.ReportType(r.GetType()))
	if err != nil {
		return nil, err
	}
	resp := &pb.GetDatanodeReportResponseProto{}
	for i := range dns {
		resp.Di = append(resp.Di, blockpb.DatanodeInfo(&dns[i]))
	}
	return resp, nil
}

func (s *server) getDatanodeStorageReport(ctx context.Context, r *pb.GetDatanodeStorageReportRequestProto) (*pb.GetDatanodeStorageReportResponseProto, error) {
	reps, err := s.ns.GetDatanodeStorageReport(ctx, blocks.ReportType(r.GetType()))
	if err != nil {
		return nil, err
	}
	resp := &pb.GetDatanodeStorageReportResponseProto{}
	for i := range reps {
		resp.DatanodeStorageReports = append(resp.DatanodeStorageReports, blockpb.DatanodeStorageReport(&reps[i]))
	}
	return resp, nil
}

func (s *server) getSlowDatanodeReport(ctx context.Context, _ *pb.GetSlowDatanodeReportRequestProto) (*pb.GetSlowDatanodeReportResponseProto, error) {
	dns, err := s.ns.GetSlowDatanodeReport(ctx)
	if err != nil {
		return nil, err
	}
	resp := &pb.GetSlowDatanodeReportResponseProto{}
	for i := range dns {
		resp.DatanodeInfoProto = append(resp.DatanodeInfoProto, blockpb.DatanodeInfo(&dns[i]))
	}
	return resp, nil
}

func (s *server) setSafeMode(ctx context.Context, r *pb.SetSafeModeRequestProto) (*pb.SetSafeModeResponseProto, error) {
	on, err := s.ns.SetSafeMode(ctx, SafeModeAction(r.GetAction()), r.GetChecked())
	if err != nil {
		return nil, err
	}
	return &pb.SetSafeModeResponseProto{Result: proto.Bool(on)}, nil
}

func (s *server) saveNamespace(ctx context.Context, r *pb.SaveNamespaceRequestProto) (*pb.SaveNamespaceResponseProto, error) {
	saved, err := s.ns.SaveNamespace(ctx, int64(r.GetTimeWindow()), int64(r.GetTxGap()))
	if err != nil {
		return nil, err
	}
	return &pb.SaveNamespaceResponseProto{Saved: proto.Bool(saved)}, nil
}

func (s *server) rollEdits(ctx context.Context, _ *pb.RollEditsRequestProto) (*pb.RollEditsResponseProto, error) {
	txid, err := s.ns.RollEdits(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.RollEditsResponseProto{NewSegmentTxId: u64(txid)}, nil
}

func (s *server) restoreFailedStorage(ctx context.Context, r *pb.RestoreFailedStorageRequestProto) (*pb.RestoreFailedStorageResponseProto, error) {
	ok, err := s.ns.RestoreFailedStorage(ctx, r.GetArg())
	if err != nil {
		return nil, err
	}
	return &pb.RestoreFailedStorageResponseProto{Result: proto.Bool(ok)}, nil
}

func (s *server) refreshNodes(ctx context.Context, _ *pb.RefreshNodesRequestProto) (*pb.RefreshNodesResponseProto, error) {
	return &pb.RefreshNodesResponseProto{}, s.ns.RefreshNodes(ctx)
}

func (s *server) finalizeUpgrade(ctx context.Context, _ *pb.FinalizeUpgradeRequestProto) (*pb.FinalizeUpgradeResponseProto, error) {
	return &pb.FinalizeUpgradeResponseProto{}, s.ns.FinalizeUpgrade(ctx)
}

func (s *server) upgradeStatus(ctx context.Context, _ *pb.UpgradeStatusRequestProto) (*pb.UpgradeStatusResponseProto, error) {
	done, err := s.ns.UpgradeStatus(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.UpgradeStatusResponseProto{UpgradeFinalized: proto.Bool(done)}, nil
}

// rollingUpgrade answers "none in progress" with an empty response.
func (s *server) rollingUpgrade(ctx context.Context, r *pb.RollingUpgradeRequestProto) (*pb.RollingUpgradeResponseProto, error) {
	info, err := s.ns.RollingUpgrade(ctx, RollingUpgradeAction(r.GetAction()))
	if err != nil || info == nil {
		return &pb.RollingUpgradeResponseProto{}, err
	}
	return &pb.RollingUpgradeResponseProto{RollingUpgradeInfo: &pb.RollingUpgradeInfoProto{
		Status:                &pb.RollingUpgradeStatusProto{BlockPoolId: proto.String(info.BlockPoolID), Finalized: proto.Bool(info.Finalized)},
		StartTime:             u64(info.StartTime),
		FinalizeTime:          u64(info.FinalizeTime),
		CreatedRollbackImages: proto.Bool(info.CreatedRollbackImages),
	}}, nil
}

func (s *server) metaSave(ctx context.Context, r *pb.MetaSaveRequestProto) (*pb.MetaSaveResponseProto, error) {
	return &pb.MetaSaveResponseProto{}, s.ns.MetaSave(ctx, r.GetFilename())
}

func (s *server) setBalancerBandwidth(ctx context.Context, r *pb.SetBalancerBandwidthRequestProto) (*pb.SetBalancerBandwidthResponseProto, error) {
	return &pb.SetBalancerBandwidthResponseProto{}, s.ns.SetBalancerBandwidth(ctx, r.GetBandwidth())
}

func (s *server) getCurrentEditLogTxid(ctx context.Context, _ *pb.GetCurrentEditLogTxidRequestProto) (*pb.GetCurrentEditLogTxidResponseProto, error) {
	txid, err := s.ns.GetCurrentEditLogTxid(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.GetCurrentEditLogTxidResponseProto{Txid: proto.Int64(txid)}, nil
}

// listOpenFiles echoes the requested types, as the translator does.
func (s *server) listOpenFiles(ctx context.Context, r *pb.ListOpenFilesRequestProto) (*pb.ListOpenFilesResponseProto, error) {
	var types OpenFilesType
	for _, t := range r.GetTypes() {
		types |= OpenFilesType(t)
	}
	entries, more, err := s.ns.ListOpenFiles(ctx, r.GetId(), types, r.GetPath())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListOpenFilesResponseProto{HasMore: proto.Bool(more), Types: r.GetTypes()}
	for _, e := range entries {
		resp.Entries = append(resp.Entries, &pb.OpenFilesBatchResponseProto{Id: proto.Int64(e.ID),
			Path: proto.String(e.Path), ClientName: proto.String(e.ClientName), ClientMachine: proto.String(e.ClientMachine)})
	}
	return resp, nil
}

func (s *server) msync(ctx context.Context, _ *pb.MsyncRequestProto) (*pb.MsyncResponseProto, error) {
	return &pb.MsyncResponseProto{}, s.ns.Msync(ctx)
}

func (s *server) getHAServiceState(ctx context.Context, _ *pb.HAServiceStateRequestProto) (*pb.HAServiceStateResponseProto, error) {
	st, err := s.ns.GetHAServiceState(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.HAServiceStateResponseProto{State: commonpb.HAServiceStateProto(st).Enum()}, nil
}

// getDelegationToken answers "no token" (security off) with an empty
// response.
func (s *server) getDelegationToken(ctx context.Context, r *commonpb.GetDelegationTokenRequestProto) (*commonpb.GetDelegationTokenResponseProto, error) {
	t, err := s.ns.GetDelegationToken(ctx, r.GetRenewer())
	if err != nil || t == nil {
		return &commonpb.GetDelegationTokenResponseProto{}, err
	}
	return &commonpb.GetDelegationTokenResponseProto{Token: tokenProto(t)}, nil
}

func (s *server) renewDelegationToken(ctx context.Context, r *commonpb.RenewDelegationTokenRequestProto) (*commonpb.RenewDelegationTokenResponseProto, error) {
	exp, err := s.ns.RenewDelegationToken(ctx, tokenOf(r.GetToken()))
	if err != nil {
		return nil, err
	}
	return &commonpb.RenewDelegationTokenResponseProto{NewExpiryTime: u64(exp)}, nil
}

func (s *server) cancelDelegationToken(ctx context.Context, r *commonpb.CancelDelegationTokenRequestProto) (*commonpb.CancelDelegationTokenResponseProto, error) {
	return &commonpb.CancelDelegationTokenResponseProto{}, s.ns.CancelDelegationToken(ctx, tokenOf(r.GetToken()))
}

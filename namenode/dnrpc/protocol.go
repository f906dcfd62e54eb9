package dnrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	pb "github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Protocol returns DatanodeProtocol served by ns, every method of
// DatanodeProtocolService.
func Protocol(ns Namesystem) hadooprpc.Protocol {
	m := map[string]hadooprpc.Handler{
		"versionRequest": hadooprpc.Method(func() *hdfspb.VersionRequestProto { return new(hdfspb.VersionRequestProto) },
			func(ctx context.Context, _ *hdfspb.VersionRequestProto) (*hdfspb.VersionResponseProto, error) {
				info, err := ns.VersionRequest(ctx)
				if err != nil {
					return nil, err
				}
				return &hdfspb.VersionResponseProto{Info: NamespaceInfoProto(info)}, nil
			}),
		"registerDatanode": hadooprpc.Method(func() *pb.RegisterDatanodeRequestProto { return new(pb.RegisterDatanodeRequestProto) },
			func(ctx context.Context, r *pb.RegisterDatanodeRequestProto) (*pb.RegisterDatanodeResponseProto, error) {
				reg, err := ns.RegisterDatanode(ctx, registrationOf(r.GetRegistration()))
				if err != nil {
					return nil, err
				}
				return &pb.RegisterDatanodeResponseProto{Registration: RegistrationProto(reg)}, nil
			}),
		"sendHeartbeat": hadooprpc.Method(func() *pb.HeartbeatRequestProto { return new(pb.HeartbeatRequestProto) },
			func(ctx context.Context, r *pb.HeartbeatRequestProto) (*pb.HeartbeatResponseProto, error) {
				resp, err := ns.SendHeartbeat(ctx, heartbeatOf(r))
				if err != nil {
					return nil, err
				}
				return heartbeatResponseProto(resp), nil
			}),
		"blockReport": hadooprpc.Method(func() *pb.BlockReportRequestProto { return new(pb.BlockReportRequestProto) },
			func(ctx context.Context, r *pb.BlockReportRequestProto) (*pb.BlockReportResponseProto, error) {
				cmd, err := ns.BlockReport(ctx, registrationOf(r.GetRegistration()), r.GetBlockPoolId(),
					storageBlockReportsOf(r.GetReports()), reportContextOf(r.GetContext()))
				if err != nil {
					return nil, err
				}
				return &pb.BlockReportResponseProto{Cmd: commandProto(cmd)}, nil
			}),
		"cacheReport": hadooprpc.Method(func() *pb.CacheReportRequestProto { return new(pb.CacheReportRequestProto) },
			func(ctx context.Context, r *pb.CacheReportRequestProto) (*pb.CacheReportResponseProto, error) {
				cmd, err := ns.CacheReport(ctx, registrationOf(r.GetRegistration()), r.GetBlockPoolId(), r.GetBlocks())
				if err != nil {
					return nil, err
				}
				return &pb.CacheReportResponseProto{Cmd: commandProto(cmd)}, nil
			}),
		"blockReceivedAndDeleted": hadooprpc.Method(func() *pb.BlockReceivedAndDeletedRequestProto { return new(pb.BlockReceivedAndDeletedRequestProto) },
			func(ctx context.Context, r *pb.BlockReceivedAndDeletedRequestProto) (*pb.BlockReceivedAndDeletedResponseProto, error) {
				err := ns.BlockReceivedAndDeleted(ctx, registrationOf(r.GetRegistration()), r.GetBlockPoolId(), receivedDeletedOf(r.GetBlocks()))
				if err != nil {
					return nil, err
				}
				return &pb.BlockReceivedAndDeletedResponseProto{}, nil
			}),
		"errorReport": hadooprpc.Method(func() *pb.ErrorReportRequestProto { return new(pb.ErrorReportRequestProto) },
			func(ctx context.Context, r *pb.ErrorReportRequestProto) (*pb.ErrorReportResponseProto, error) {
				if err := ns.ErrorReport(ctx, registrationOf(r.GetRegistartion()), ErrorCode(r.GetErrorCode()), r.GetMsg()); err != nil {
					return nil, err
				}
				return &pb.ErrorReportResponseProto{}, nil
			}),
		"reportBadBlocks": hadooprpc.Method(func() *pb.ReportBadBlocksRequestProto { return new(pb.ReportBadBlocksRequestProto) },
			func(ctx context.Context, r *pb.ReportBadBlocksRequestProto) (*pb.ReportBadBlocksResponseProto, error) {
				bad := make([]blocks.Located, len(r.GetBlocks()))
				for i, b := range r.GetBlocks() {
					bad[i] = blockpb.LocatedOf(b)
				}
				if err := ns.ReportBadBlocks(ctx, bad); err != nil {
					return nil, err
				}
				return &pb.ReportBadBlocksResponseProto{}, nil
			}),
		"commitBlockSynchronization": hadooprpc.Method(func() *pb.CommitBlockSynchronizationRequestProto {
			return new(pb.CommitBlockSynchronizationRequestProto)
		},
			func(ctx context.Context, r *pb.CommitBlockSynchronizationRequestProto) (*pb.CommitBlockSynchronizationResponseProto, error) {
				c := &CommitSync{Block: blockpb.ExtendedOf(r.GetBlock()), NewGenStamp: int64(r.GetNewGenStamp()),
					NewLength: int64(r.GetNewLength()), CloseFile: r.GetCloseFile(), DeleteBlock: r.GetDeleteBlock(),
					NewTargetStorages: r.GetNewTargetStorages()}
				for _, d := range r.GetNewTaragets() {
					c.NewTargets = append(c.NewTargets, blockpb.DatanodeIDOf(d))
				}
				if err := ns.CommitBlockSynchronization(ctx, c); err != nil {
					return nil, err
				}
				return &pb.CommitBlockSynchronizationResponseProto{}, nil
			}),
	}
	return hadooprpc.Protocol{Name: ProtocolName, Version: ProtocolVersion, Methods: m}
}

// StorageInfoProto is StorageInfoProto for s.
func StorageInfoProto(s StorageInfo) *hdfspb.StorageInfoProto {
	return &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(uint32(s.LayoutVersion)), NamespceID: proto.Uint32(s.NamespaceID),
		ClusterID: proto.String(s.ClusterID), CTime: proto.Uint64(uint64(s.CTime))}
}

func storageInfoOf(p *hdfspb.StorageInfoProto) StorageInfo {
	return StorageInfo{LayoutVersion: int32(p.GetLayoutVersion()), NamespaceID: p.GetNamespceID(),
		ClusterID: p.GetClusterID(), CTime: int64(p.GetCTime())}
}

// NamespaceInfoProto is the versionRequest answer for n.
func NamespaceInfoProto(n *NamespaceInfo) *hdfspb.NamespaceInfoProto {
	return &hdfspb.NamespaceInfoProto{
		BuildVersion: proto.String(n.BuildVersion), Unused: proto.Uint32(0), BlockPoolID: proto.String(n.BlockPoolID),
		StorageInfo: StorageInfoProto(n.Storage), SoftwareVersion: proto.String(n.SoftwareVersion),
		Capabilities: proto.Uint64(n.Capabilities), State: hdfspb.NNHAStatusHeartbeatProto_State(n.State).Enum(),
	}
}

// NamespaceInfoOf reads a versionRequest answer (for tests and the
// DataNode side).
func NamespaceInfoOf(p *hdfspb.NamespaceInfoProto) *NamespaceInfo {
	return &NamespaceInfo{BuildVersion: p.GetBuildVersion(), BlockPoolID: p.GetBlockPoolID(),
		Storage: storageInfoOf(p.GetStorageInfo()), SoftwareVersion: p.GetSoftwareVersion(),
		Capabilities: p.GetCapabilities(), State: HAState(p.GetState())}
}

// NoKeys is ExportedBlockKeys.DUMMY_KEYS, what a NameNode without block
// tokens sends.
func NoKeys() *hdfspb.ExportedBlockKeysProto {
	return &hdfspb.ExportedBlockKeysProto{IsBlockTokenEnabled: proto.Bool(false), KeyUpdateInterval: proto.Uint64(0),
		TokenLifeTime: proto.Uint64(0), CurrentKey: &hdfspb.BlockKeyProto{KeyId: proto.Uint32(0), ExpiryDate: proto.Uint64(0), KeyBytes: []byte{}}}
}

// RegistrationProto is DatanodeRegistrationProto for reg.
func RegistrationProto(reg *Registration) *pb.DatanodeRegistrationProto {
	return &pb.DatanodeRegistrationProto{DatanodeID: blockpb.DatanodeID(reg.ID), StorageInfo: StorageInfoProto(reg.Storage),
		Keys: NoKeys(), SoftwareVersion: proto.String(reg.SoftwareVersion)}
}

func registrationOf(p *pb.DatanodeRegistrationProto) *Registration {
	return &Registration{ID: blockpb.DatanodeIDOf(p.GetDatanodeID()), Storage: storageInfoOf(p.GetStorageInfo()),
		SoftwareVersion: p.GetSoftwareVersion()}
}

func datanodeStorageOf(p *hdfspb.DatanodeStorageProto) DatanodeStorage {
	return DatanodeStorage{UUID: p.GetStorageUuid(), State: StorageState(p.GetState()), Type: blocks.StorageType(p.GetStorageType())}
}

func heartbeatOf(r *pb.HeartbeatRequestProto) *Heartbeat {
	hb := &Heartbeat{Reg: *registrationOf(r.GetRegistration()),
		XmitsInProgress: int(r.GetXmitsInProgress()), XceiverCount: int(r.GetXceiverCount()),
		FailedVolumes: int(r.GetFailedVolumes()), CacheCapacity: int64(r.GetCacheCapacity()), CacheUsed: int64(r.GetCacheUsed()),
		RequestFullBlockReportLease: r.GetRequestFullBlockReportLease()}
	for _, s := range r.GetReports() {
		rep := StorageReport{Failed: s.GetFailed(), Capacity: int64(s.GetCapacity()), DFSUsed: int64(s.GetDfsUsed()),
			Remaining: int64(s.GetRemaining()), BlockPoolUsed: int64(s.GetBlockPoolUsed()), NonDFSUsed: -1, Mount: s.GetMount()}
		if s.NonDfsUsed != nil {
			rep.NonDFSUsed = int64(s.GetNonDfsUsed())
		}
		// PBHelper.convert: a report without a storage is a DISK storage
		// with the report's uuid.
		if s.Storage != nil {
			rep.Storage = datanodeStorageOf(s.GetStorage())
		} else {
			rep.Storage = DatanodeStorage{UUID: s.GetStorageUuid(), Type: blocks.Disk}
		}
		hb.Reports = append(hb.Reports, rep)
	}
	if v := r.GetVolumeFailureSummary(); v != nil {
		hb.VolumeFailures = &VolumeFailureSummary{FailedLocations: v.GetFailedStorageLocations(),
			LastFailureDate: int64(v.GetLastVolumeFailureDate()), EstimatedCapacityLost: int64(v.GetEstimatedCapacityLostTotal())}
	}
	return hb
}

func heartbeatResponseProto(r *HeartbeatResponse) *pb.HeartbeatResponseProto {
	p := &pb.HeartbeatResponseProto{
		HaStatus: &hdfspb.NNHAStatusHeartbeatProto{State: hdfspb.NNHAStatusHeartbeatProto_State(r.HA.State).Enum(),
			Txid: proto.Uint64(uint64(r.HA.TxID))},
		FullBlockReportLeaseId: proto.Uint64(r.FullBlockReportLeaseID),
	}
	for i := range r.Commands {
		p.Cmds = append(p.Cmds, commandProto(&r.Commands[i]))
	}
	return p
}

func blockProto(b Block) *hdfspb.BlockProto {
	return &hdfspb.BlockProto{BlockId: proto.Uint64(uint64(b.ID)), GenStamp: proto.Uint64(uint64(b.GenStamp)),
		NumBytes: proto.Uint64(uint64(b.NumBytes))}
}

func blockOf(p *hdfspb.BlockProto) Block {
	return Block{ID: int64(p.GetBlockId()), GenStamp: int64(p.GetGenStamp()), NumBytes: int64(p.GetNumBytes())}
}

// commandProto is PBHelper.convert(DatanodeCommand); nil gives nil.
func commandProto(c *Command) *pb.DatanodeCommandProto {
	if c == nil {
		return nil
	}
	switch c.Kind {
	case CmdTransfer, CmdInvalidate, CmdShutdown:
		return &pb.DatanodeCommandProto{CmdType: pb.DatanodeCommandProto_BlockCommand.Enum(), BlkCmd: blockCommandProto(c)}
	case CmdRecoverBlock:
		rc := &pb.BlockRecoveryCommandProto{}
		for i := range c.Recover {
			r := &c.Recover[i]
			rb := &hdfspb.RecoveringBlockProto{NewGenStamp: proto.Uint64(uint64(r.NewGenStamp)), Block: blockpb.Located(&r.Block)}
			if r.Truncate != nil {
				rb.TruncateBlock = blockProto(*r.Truncate)
			}
			rc.Blocks = append(rc.Blocks, rb)
		}
		return &pb.DatanodeCommandProto{CmdType: pb.DatanodeCommandProto_BlockRecoveryCommand.Enum(), RecoveryCmd: rc}
	case CmdFinalize:
		return &pb.DatanodeCommandProto{CmdType: pb.DatanodeCommandProto_FinalizeCommand.Enum(),
			FinalizeCmd: &pb.FinalizeCommandProto{BlockPoolId: proto.String(c.PoolID)}}
	case CmdRegister:
		return &pb.DatanodeCommandProto{CmdType: pb.DatanodeCommandProto_RegisterCommand.Enum(), RegisterCmd: &pb.RegisterCommandProto{}}
	case CmdBalancerBandwidth:
		return &pb.DatanodeCommandProto{CmdType: pb.DatanodeCommandProto_BalancerBandwidthCommand.Enum(),
			BalancerCmd: &pb.BalancerBandwidthCommandProto{Bandwidth: proto.Uint64(uint64(c.Bandwidth))}}
	case CmdCache, CmdUncache:
		a := pb.BlockIdCommandProto_CACHE
		if c.Kind == CmdUncache {
			a = pb.BlockIdCommandProto_UNCACHE
		}
		return &pb.DatanodeCommandProto{CmdType: pb.DatanodeCommandProto_BlockIdCommand.Enum(),
			BlkIdCmd: &pb.BlockIdCommandProto{Action: a.Enum(), BlockPoolId: proto.String(c.PoolID), BlockIds: c.BlockIDs}}
	}
	return &pb.DatanodeCommandProto{CmdType: pb.DatanodeCommandProto_NullDatanodeCommand.Enum()}
}

// blockCommandProto is PBHelper.convert(BlockCommand): the blocks, then
// one target list, storage-uuid list and storage-type list per block for
// a transfer (an invalidation has none).
func blockCommandProto(c *Command) *pb.BlockCommandProto {
	action := map[CommandKind]pb.BlockCommandProto_Action{CmdTransfer: pb.BlockCommandProto_TRANSFER,
		CmdInvalidate: pb.BlockCommandProto_INVALIDATE, CmdShutdown: pb.BlockCommandProto_SHUTDOWN}[c.Kind]
	p := &pb.BlockCommandProto{Action: action.Enum(), BlockPoolId: proto.String(c.PoolID)}
	for _, b := range c.Blocks {
		p.Blocks = append(p.Blocks, blockProto(b))
	}
	for _, ts := range c.Targets {
		infos := &hdfspb.DatanodeInfosProto{}
		for j := range ts {
			infos.Datanodes = append(infos.Datanodes, blockpb.DatanodeInfo(&ts[j]))
		}
		p.Targets = append(p.Targets, infos)
	}
	for _, ids := range c.TargetStorageIDs {
		p.TargetStorageUuids = append(p.TargetStorageUuids, &hdfspb.StorageUuidsProto{StorageUuids: ids})
	}
	for _, ts := range c.TargetStorageTypes {
		types := &hdfspb.StorageTypesProto{}
		for _, t := range ts {
			types.StorageTypes = append(types.StorageTypes, hdfspb.StorageTypeProto(t))
		}
		p.TargetStorageTypes = append(p.TargetStorageTypes, types)
	}
	return p
}

func storageBlockReportsOf(ps []*pb.StorageBlockReportProto) []StorageBlockReport {
	out := make([]StorageBlockReport, len(ps))
	for i, p := range ps {
		out[i] = StorageBlockReport{Storage: datanodeStorageOf(p.GetStorage()), Blocks: EncodedBlocks{
			Longs: p.GetBlocks(), Buffers: p.GetBlocksBuffers(), NumberOfBlocks: p.GetNumberOfBlocks(),
			HasBuffers: p.NumberOfBlocks != nil}}
	}
	return out
}

func reportContextOf(p *pb.BlockReportContextProto) *BlockReportContext {
	if p == nil {
		return nil
	}
	return &BlockReportContext{TotalRPCs: p.GetTotalRpcs(), CurRPC: p.GetCurRpc(), ID: p.GetId(), LeaseID: p.GetLeaseId()}
}

func receivedDeletedOf(ps []*pb.StorageReceivedDeletedBlocksProto) []StorageReceivedDeleted {
	out := make([]StorageReceivedDeleted, len(ps))
	for i, p := range ps {
		s := StorageReceivedDeleted{StorageUUID: p.GetStorageUuid()}
		if p.Storage != nil {
			st := datanodeStorageOf(p.GetStorage())
			s.Storage = &st
		}
		for _, b := range p.GetBlocks() {
			s.Blocks = append(s.Blocks, ReceivedDeleted{Block: blockOf(b.GetBlock()), Status: ReplicaStatus(b.GetStatus()),
				DeleteHint: b.GetDeleteHint()})
		}
		out[i] = s
	}
	return out
}

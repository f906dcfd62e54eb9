package hdfsclient

import (
	"context"
	"strconv"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// FsStats is ClientProtocol.getStats: the cluster's space and block
// counters.
type FsStats struct {
	Capacity, Used, Remaining                           int64
	UnderReplicated, CorruptBlocks, MissingBlocks       int64
	MissingReplOneBlocks, BytesInFuture, PendingDeletes int64
}

// FsStats calls getFsStats.
func (p *Proxy) FsStats(ctx context.Context) (FsStats, error) {
	r := new(hdfspb.GetFsStatsResponseProto)
	if err := p.call(ctx, "getFsStats", &hdfspb.GetFsStatusRequestProto{}, r); err != nil {
		return FsStats{}, err
	}
	return FsStats{
		Capacity: int64(r.GetCapacity()), Used: int64(r.GetUsed()), Remaining: int64(r.GetRemaining()),
		UnderReplicated: int64(r.GetUnderReplicated()), CorruptBlocks: int64(r.GetCorruptBlocks()),
		MissingBlocks: int64(r.GetMissingBlocks()), MissingReplOneBlocks: int64(r.GetMissingReplOneBlocks()),
		BytesInFuture: int64(r.GetBlocksInFuture()), PendingDeletes: int64(r.GetPendingDeletionBlocks()),
	}, nil
}

// BlockStats holds the counters of replicated blocks
// (getFsReplicatedBlockStats) or of erasure-coded block groups
// (getFsECBlockGroupStats, where MissingReplOne stays 0).
type BlockStats struct {
	LowRedundancy, Corrupt, Missing, MissingReplOne, BytesInFuture, PendingDeletion int64
	// HighestPrioLowRedundancy is set only when the NameNode sent it.
	HighestPrioLowRedundancy *int64
}

// ReplicatedBlockStats calls getFsReplicatedBlockStats.
func (p *Proxy) ReplicatedBlockStats(ctx context.Context) (BlockStats, error) {
	r := new(hdfspb.GetFsReplicatedBlockStatsResponseProto)
	if err := p.call(ctx, "getFsReplicatedBlockStats", &hdfspb.GetFsReplicatedBlockStatsRequestProto{}, r); err != nil {
		return BlockStats{}, err
	}
	s := BlockStats{
		LowRedundancy: int64(r.GetLowRedundancy()), Corrupt: int64(r.GetCorruptBlocks()),
		Missing: int64(r.GetMissingBlocks()), MissingReplOne: int64(r.GetMissingReplOneBlocks()),
		BytesInFuture: int64(r.GetBlocksInFuture()), PendingDeletion: int64(r.GetPendingDeletionBlocks()),
	}
	if r.HighestPrioLowRedundancyBlocks != nil {
		v := int64(r.GetHighestPrioLowRedundancyBlocks())
		s.HighestPrioLowRedundancy = &v
	}
	return s, nil
}

// ECBlockGroupStats calls getFsECBlockGroupStats.
func (p *Proxy) ECBlockGroupStats(ctx context.Context) (BlockStats, error) {
	r := new(hdfspb.GetFsECBlockGroupStatsResponseProto)
	if err := p.call(ctx, "getFsECBlockGroupStats", &hdfspb.GetFsECBlockGroupStatsRequestProto{}, r); err != nil {
		return BlockStats{}, err
	}
	s := BlockStats{
		LowRedundancy: int64(r.GetLowRedundancy()), Corrupt: int64(r.GetCorruptBlocks()),
		Missing: int64(r.GetMissingBlocks()), BytesInFuture: int64(r.GetBlocksInFuture()),
		PendingDeletion: int64(r.GetPendingDeletionBlocks()),
	}
	if r.HighestPrioLowRedundancyBlocks != nil {
		v := int64(r.GetHighestPrioLowRedundancyBlocks())
		s.HighestPrioLowRedundancy = &v
	}
	return s, nil
}

// ReportType selects the DataNodes of a datanode report.
type ReportType int32

// The report types, numbered as on the wire.
const (
	ReportAll                 = ReportType(hdfspb.DatanodeReportTypeProto_ALL)
	ReportLive                = ReportType(hdfspb.DatanodeReportTypeProto_LIVE)
	ReportDead                = ReportType(hdfspb.DatanodeReportTypeProto_DEAD)
	ReportDecommissioning     = ReportType(hdfspb.DatanodeReportTypeProto_DECOMMISSIONING)
	ReportEnteringMaintenance = ReportType(hdfspb.DatanodeReportTypeProto_ENTERING_MAINTENANCE)
	ReportInMaintenance       = ReportType(hdfspb.DatanodeReportTypeProto_IN_MAINTENANCE)
)

// AdminState is a DataNode's DatanodeInfo.AdminStates.
type AdminState int32

// The admin states, numbered as on the wire.
const (
	Normal                 = AdminState(hdfspb.DatanodeInfoProto_NORMAL)
	DecommissionInProgress = AdminState(hdfspb.DatanodeInfoProto_DECOMMISSION_INPROGRESS)
	Decommissioned         = AdminState(hdfspb.DatanodeInfoProto_DECOMMISSIONED)
	EnteringMaintenance    = AdminState(hdfspb.DatanodeInfoProto_ENTERING_MAINTENANCE)
	InMaintenance          = AdminState(hdfspb.DatanodeInfoProto_IN_MAINTENANCE)
)

// DatanodeInfo is what the NameNode reports about one DataNode.
type DatanodeInfo struct {
	IPAddr, HostName, UUID                      string
	XferPort, InfoPort, InfoSecurePort, IPCPort int
	Capacity, DFSUsed, NonDFSUsed, Remaining    int64
	BlockPoolUsed, CacheCapacity, CacheUsed     int64
	LastUpdateMillis                            int64 // wall clock, ms since the epoch
	LastBlockReportMillis                       int64 // 0: never
	XceiverCount, NumBlocks                     int
	Location                                    string // network location ("/default-rack")
	AdminState                                  AdminState
	UpgradeDomain                               string
	HasUpgradeDomain                            bool
}

// DatanodeReport calls getDatanodeReport.
func (p *Proxy) DatanodeReport(ctx context.Context, t ReportType) ([]DatanodeInfo, error) {
	req := &hdfspb.GetDatanodeReportRequestProto{Type: hdfspb.DatanodeReportTypeProto(t).Enum()}
	r := new(hdfspb.GetDatanodeReportResponseProto)
	if err := p.call(ctx, "getDatanodeReport", req, r); err != nil {
		return nil, err
	}
	return datanodeInfos(r.GetDi()), nil
}

// SlowDatanodeReport calls getSlowDatanodeReport.
func (p *Proxy) SlowDatanodeReport(ctx context.Context) ([]DatanodeInfo, error) {
	r := new(hdfspb.GetSlowDatanodeReportResponseProto)
	if err := p.call(ctx, "getSlowDatanodeReport", &hdfspb.GetSlowDatanodeReportRequestProto{}, r); err != nil {
		return nil, err
	}
	return datanodeInfos(r.GetDatanodeInfoProto()), nil
}

func datanodeInfos(list []*hdfspb.DatanodeInfoProto) []DatanodeInfo {
	out := make([]DatanodeInfo, len(list))
	for i, d := range list {
		out[i] = datanodeInfo(d)
	}
	return out
}

// datanodeInfo converts as PBHelperClient.convert does, including the
// non-DFS-used estimate for DataNodes that do not send it.
func datanodeInfo(d *hdfspb.DatanodeInfoProto) DatanodeInfo {
	id := d.GetId()
	di := DatanodeInfo{
		IPAddr: id.GetIpAddr(), HostName: id.GetHostName(), UUID: id.GetDatanodeUuid(),
		XferPort: int(id.GetXferPort()), InfoPort: int(id.GetInfoPort()),
		InfoSecurePort: int(id.GetInfoSecurePort()), IPCPort: int(id.GetIpcPort()),
		Capacity: int64(d.GetCapacity()), DFSUsed: int64(d.GetDfsUsed()), Remaining: int64(d.GetRemaining()),
		BlockPoolUsed: int64(d.GetBlockPoolUsed()), CacheCapacity: int64(d.GetCacheCapacity()),
		CacheUsed: int64(d.GetCacheUsed()), LastUpdateMillis: int64(d.GetLastUpdate()),
		LastBlockReportMillis: int64(d.GetLastBlockReportTime()), XceiverCount: int(d.GetXceiverCount()),
		NumBlocks: int(d.GetNumBlocks()), Location: d.GetLocation(), AdminState: AdminState(d.GetAdminState()),
		UpgradeDomain: d.GetUpgradeDomain(), HasUpgradeDomain: d.UpgradeDomain != nil,
	}
	if d.NonDfsUsed != nil {
		di.NonDFSUsed = int64(d.GetNonDfsUsed())
	} else {
		di.NonDFSUsed = max(di.Capacity-di.DFSUsed-di.Remaining, 0)
	}
	return di
}

// Name is DatanodeID.getName: the data transfer address "ip:port".
func (d DatanodeInfo) Name() string { return d.IPAddr + ":" + strconv.Itoa(d.XferPort) }

// Package blockpb turns the NameNode's block vocabulary (package blocks)
// into Hadoop's protobuf messages and back, as PBHelperClient does. Every
// translation layer that speaks blocks (ClientProtocol, DatanodeProtocol)
// shares these.
package blockpb

import (
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func Extended(b blocks.Extended) *hdfspb.ExtendedBlockProto {
	return &hdfspb.ExtendedBlockProto{
		PoolId:          proto.String(b.PoolID),
		BlockId:         proto.Uint64(uint64(b.ID)),
		NumBytes:        proto.Uint64(uint64(b.NumBytes)),
		GenerationStamp: proto.Uint64(uint64(b.GenStamp)),
	}
}

func ExtendedOf(p *hdfspb.ExtendedBlockProto) blocks.Extended {
	return blocks.Extended{PoolID: p.GetPoolId(), ID: int64(p.GetBlockId()),
		GenStamp: int64(p.GetGenerationStamp()), NumBytes: int64(p.GetNumBytes())}
}

func DatanodeID(d blocks.DatanodeID) *hdfspb.DatanodeIDProto {
	return &hdfspb.DatanodeIDProto{
		IpAddr:         proto.String(d.IPAddr),
		HostName:       proto.String(d.HostName),
		XferPort:       proto.Uint32(uint32(d.XferPort)),
		DatanodeUuid:   proto.String(d.UUID),
		InfoPort:       proto.Uint32(uint32(d.InfoPort)),
		InfoSecurePort: proto.Uint32(uint32(d.InfoSecurePort)),
		IpcPort:        proto.Uint32(uint32(d.IPCPort)),
	}
}

func DatanodeIDOf(p *hdfspb.DatanodeIDProto) blocks.DatanodeID {
	return blocks.DatanodeID{IPAddr: p.GetIpAddr(), HostName: p.GetHostName(), UUID: p.GetDatanodeUuid(),
		XferPort: int(p.GetXferPort()), InfoPort: int(p.GetInfoPort()),
		InfoSecurePort: int(p.GetInfoSecurePort()), IPCPort: int(p.GetIpcPort())}
}

// DatanodeInfo is PBHelperClient.convert(DatanodeInfo): every counter is
// set, location and upgrade domain only when known.
func DatanodeInfo(d *blocks.DatanodeInfo) *hdfspb.DatanodeInfoProto {
	p := &hdfspb.DatanodeInfoProto{
		Id:                       DatanodeID(d.DatanodeID),
		Capacity:                 proto.Uint64(uint64(d.Capacity)),
		DfsUsed:                  proto.Uint64(uint64(d.DFSUsed)),
		NonDfsUsed:               proto.Uint64(uint64(d.NonDFSUsed)),
		Remaining:                proto.Uint64(uint64(d.Remaining)),
		BlockPoolUsed:            proto.Uint64(uint64(d.BlockPoolUsed)),
		CacheCapacity:            proto.Uint64(uint64(d.CacheCapacity)),
		CacheUsed:                proto.Uint64(uint64(d.CacheUsed)),
		LastUpdate:               proto.Uint64(uint64(d.LastUpdate)),
		LastUpdateMonotonic:      proto.Uint64(uint64(d.LastUpdateMonotonic)),
		XceiverCount:             proto.Uint32(uint32(d.XceiverCount)),
		AdminState:               hdfspb.DatanodeInfoProto_AdminState(d.AdminState).Enum(),
		LastBlockReportTime:      proto.Uint64(uint64(d.LastBlockReportTime)),
		LastBlockReportMonotonic: proto.Uint64(uint64(d.LastBlockReportMonotonic)),
		NumBlocks:                proto.Uint32(uint32(d.NumBlocks)),
	}
	if d.Location != "" {
		p.Location = proto.String(d.Location)
	}
	if d.UpgradeDomain != "" {
		p.UpgradeDomain = proto.String(d.UpgradeDomain)
	}
	return p
}

func DatanodeInfoOf(p *hdfspb.DatanodeInfoProto) blocks.DatanodeInfo {
	return blocks.DatanodeInfo{
		DatanodeID: DatanodeIDOf(p.GetId()),
		Capacity:   int64(p.GetCapacity()), DFSUsed: int64(p.GetDfsUsed()), NonDFSUsed: int64(p.GetNonDfsUsed()),
		Remaining: int64(p.GetRemaining()), BlockPoolUsed: int64(p.GetBlockPoolUsed()),
		CacheCapacity: int64(p.GetCacheCapacity()), CacheUsed: int64(p.GetCacheUsed()),
		LastUpdate: int64(p.GetLastUpdate()), LastUpdateMonotonic: int64(p.GetLastUpdateMonotonic()),
		LastBlockReportTime: int64(p.GetLastBlockReportTime()), LastBlockReportMonotonic: int64(p.GetLastBlockReportMonotonic()),
		XceiverCount: int(p.GetXceiverCount()), NumBlocks: int(p.GetNumBlocks()),
		Location: p.GetLocation(), UpgradeDomain: p.GetUpgradeDomain(),
		AdminState: blocks.AdminState(p.GetAdminState()),
	}
}

func DatanodeInfosOf(ps []*hdfspb.DatanodeInfoProto) []blocks.DatanodeInfo {
	if len(ps) == 0 {
		return nil
	}
	out := make([]blocks.DatanodeInfo, len(ps))
	for i, p := range ps {
		out[i] = DatanodeInfoOf(p)
	}
	return out
}

// EmptyToken is an empty Token, what Hadoop sends as the block token when
// block access tokens are off.
func EmptyToken() *commonpb.TokenProto {
	return &commonpb.TokenProto{Identifier: []byte{}, Password: []byte{}, Kind: proto.String(""), Service: proto.String("")}
}

// Located is PBHelperClient.convertLocatedBlock: locations with an
// isCached flag each, storage types and ids when known.
func Located(b *blocks.Located) *hdfspb.LocatedBlockProto {
	p := &hdfspb.LocatedBlockProto{
		B:          Extended(b.Block),
		Offset:     proto.Uint64(uint64(b.Offset)),
		Corrupt:    proto.Bool(b.Corrupt),
		BlockToken: EmptyToken(),
	}
	for i := range b.Locs {
		p.Locs = append(p.Locs, DatanodeInfo(&b.Locs[i]))
		p.IsCached = append(p.IsCached, i < len(b.Cached) && b.Cached[i])
	}
	for _, s := range b.Storage {
		p.StorageTypes = append(p.StorageTypes, hdfspb.StorageTypeProto(s.Type))
		p.StorageIDs = append(p.StorageIDs, s.ID)
	}
	return p
}

func LocatedOf(p *hdfspb.LocatedBlockProto) blocks.Located {
	b := blocks.Located{Block: ExtendedOf(p.GetB()), Offset: int64(p.GetOffset()),
		Locs: DatanodeInfosOf(p.GetLocs()), Cached: p.GetIsCached(), Corrupt: p.GetCorrupt()}
	for i, id := range p.GetStorageIDs() {
		s := blocks.StorageID{ID: id}
		if i < len(p.GetStorageTypes()) {
			s.Type = blocks.StorageType(p.GetStorageTypes()[i])
		}
		b.Storage = append(b.Storage, s)
	}
	return b
}

func LocatedBlocks(lb *blocks.LocatedBlocks) *hdfspb.LocatedBlocksProto {
	p := &hdfspb.LocatedBlocksProto{
		FileLength:          proto.Uint64(uint64(lb.FileLength)),
		Blocks:              make([]*hdfspb.LocatedBlockProto, len(lb.Blocks)),
		UnderConstruction:   proto.Bool(lb.UnderConstruction),
		IsLastBlockComplete: proto.Bool(lb.LastBlockComplete),
	}
	for i := range lb.Blocks {
		p.Blocks[i] = Located(&lb.Blocks[i])
	}
	if lb.LastBlock != nil {
		p.LastBlock = Located(lb.LastBlock)
	}
	return p
}

// DatanodeStorageReport is PBHelperClient's DatanodeStorageReportProto
// for r: each storage with its numbers, state NORMAL, mount "", and
// failed left unset, as Hadoop sends it.
func DatanodeStorageReport(r *blocks.DatanodeStorageReport) *hdfspb.DatanodeStorageReportProto {
	p := &hdfspb.DatanodeStorageReportProto{DatanodeInfo: DatanodeInfo(&r.Node)}
	for _, s := range r.Storages {
		p.StorageReports = append(p.StorageReports, &hdfspb.StorageReportProto{
			StorageUuid: proto.String(s.StorageID), Capacity: proto.Uint64(uint64(s.Capacity)),
			DfsUsed: proto.Uint64(uint64(s.DFSUsed)), Remaining: proto.Uint64(uint64(s.Remaining)),
			BlockPoolUsed: proto.Uint64(uint64(s.BlockPoolUsed)),
			Storage: &hdfspb.DatanodeStorageProto{StorageUuid: proto.String(s.StorageID),
				State: hdfspb.DatanodeStorageProto_NORMAL.Enum(), StorageType: hdfspb.StorageTypeProto(s.Type).Enum()},
			NonDfsUsed: proto.Uint64(uint64(s.NonDFSUsed)), Mount: proto.String(""),
		})
	}
	return p
}

// DatanodeStorageReportOf reads a DatanodeStorageReportProto as Hadoop's
// client does: a storage without a type is a DISK, and a missing
// nonDfsUsed is what capacity leaves after dfsUsed and remaining.
func DatanodeStorageReportOf(p *hdfspb.DatanodeStorageReportProto) blocks.DatanodeStorageReport {
	r := blocks.DatanodeStorageReport{Node: DatanodeInfoOf(p.GetDatanodeInfo())}
	for _, s := range p.GetStorageReports() {
		sr := blocks.StorageReport{StorageID: s.GetStorageUuid(), Type: blocks.Disk, Failed: s.GetFailed(),
			Capacity: int64(s.GetCapacity()), DFSUsed: int64(s.GetDfsUsed()), Remaining: int64(s.GetRemaining()),
			BlockPoolUsed: int64(s.GetBlockPoolUsed()), NonDFSUsed: int64(s.GetNonDfsUsed())}
		if s.Storage != nil {
			sr.Type = blocks.StorageType(s.GetStorage().GetStorageType())
		}
		if s.NonDfsUsed == nil {
			sr.NonDFSUsed = sr.Capacity - sr.DFSUsed - sr.Remaining
		}
		r.Storages = append(r.Storages, sr)
	}
	return r
}

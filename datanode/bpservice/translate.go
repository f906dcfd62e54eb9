package bpservice

// Translation between this package's types and DatanodeProtocol's
// generated messages. Generated types stop here and in the actor.

import (
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func namespaceFromProto(p *hdfspb.NamespaceInfoProto) NamespaceInfo {
	si := p.GetStorageInfo()
	ns := NamespaceInfo{
		BuildVersion:    p.GetBuildVersion(),
		BlockPoolID:     p.GetBlockPoolID(),
		LayoutVersion:   int32(si.GetLayoutVersion()),
		NamespaceID:     si.GetNamespceID(),
		ClusterID:       si.GetClusterID(),
		CTime:           si.GetCTime(),
		SoftwareVersion: p.GetSoftwareVersion(),
		Capabilities:    p.GetCapabilities(),
		State:           Unknown,
	}
	if p.State != nil {
		ns.State = HAState(p.GetState())
	}
	return ns
}

// registrationProto builds what registerDatanode sends: the DataNode's id,
// its storage info (the DataNode layout version with the namespace's ids
// and creation time) and the dummy block keys Hadoop's DataNode sends.
func registrationProto(id DatanodeID, layoutVersion int32, ns NamespaceInfo, software string) *datanodepb.DatanodeRegistrationProto {
	return &datanodepb.DatanodeRegistrationProto{
		DatanodeID: datanodeIDProto(id),
		StorageInfo: &hdfspb.StorageInfoProto{
			LayoutVersion: proto.Uint32(uint32(layoutVersion)),
			NamespceID:    proto.Uint32(ns.NamespaceID),
			ClusterID:     proto.String(ns.ClusterID),
			CTime:         proto.Uint64(ns.CTime),
		},
		Keys: &hdfspb.ExportedBlockKeysProto{
			IsBlockTokenEnabled: proto.Bool(false),
			KeyUpdateInterval:   proto.Uint64(0),
			TokenLifeTime:       proto.Uint64(0),
			CurrentKey:          &hdfspb.BlockKeyProto{KeyId: proto.Uint32(0), ExpiryDate: proto.Uint64(0), KeyBytes: []byte{}},
		},
		SoftwareVersion: proto.String(software),
	}
}

func datanodeIDProto(id DatanodeID) *hdfspb.DatanodeIDProto {
	return &hdfspb.DatanodeIDProto{
		IpAddr:         proto.String(id.IPAddr),
		HostName:       proto.String(id.HostName),
		DatanodeUuid:   proto.String(id.DatanodeUUID),
		XferPort:       proto.Uint32(id.XferPort),
		InfoPort:       proto.Uint32(id.InfoPort),
		IpcPort:        proto.Uint32(id.IPCPort),
		InfoSecurePort: proto.Uint32(id.InfoSecurePort),
	}
}

func datanodeIDFromProto(p *hdfspb.DatanodeIDProto) DatanodeID {
	return DatanodeID{
		IPAddr: p.GetIpAddr(), HostName: p.GetHostName(), DatanodeUUID: p.GetDatanodeUuid(),
		XferPort: p.GetXferPort(), InfoPort: p.GetInfoPort(), IPCPort: p.GetIpcPort(),
		InfoSecurePort: p.GetInfoSecurePort(),
	}
}

func storageProto(s Storage) *hdfspb.DatanodeStorageProto {
	return &hdfspb.DatanodeStorageProto{
		StorageUuid: proto.String(s.UUID),
		State:       hdfspb.DatanodeStorageProto_StorageState(s.State).Enum(),
		StorageType: hdfspb.StorageTypeProto(s.Type).Enum(),
	}
}

func heartbeatProto(reg *datanodepb.DatanodeRegistrationProto, reports []StorageReport, st HeartbeatStats, requestLease bool) *datanodepb.HeartbeatRequestProto {
	req := &datanodepb.HeartbeatRequestProto{
		Registration:                reg,
		XmitsInProgress:             proto.Uint32(st.XmitsInProgress),
		XceiverCount:                proto.Uint32(st.XceiverCount),
		FailedVolumes:               proto.Uint32(st.FailedVolumes),
		RequestFullBlockReportLease: proto.Bool(requestLease),
	}
	if st.CacheCapacity != 0 || st.CacheUsed != 0 {
		req.CacheCapacity, req.CacheUsed = proto.Uint64(st.CacheCapacity), proto.Uint64(st.CacheUsed)
	}
	for _, r := range reports {
		req.Reports = append(req.Reports, &hdfspb.StorageReportProto{
			StorageUuid:   proto.String(r.Storage.UUID),
			Capacity:      proto.Uint64(r.Capacity),
			DfsUsed:       proto.Uint64(r.DFSUsed),
			Remaining:     proto.Uint64(r.Remaining),
			BlockPoolUsed: proto.Uint64(r.BlockPoolUsed),
			Storage:       storageProto(r.Storage),
			NonDfsUsed:    proto.Uint64(r.NonDFSUsed),
		})
		sr := req.Reports[len(req.Reports)-1]
		if r.Failed {
			sr.Failed = proto.Bool(true)
		}
		if r.Mount != "" {
			sr.Mount = proto.String(r.Mount)
		}
	}
	return req
}

func heartbeatFromProto(p *datanodepb.HeartbeatResponseProto) HeartbeatResult {
	res := HeartbeatResult{
		HA:      HAStatus{State: HAState(p.GetHaStatus().GetState()), TxID: p.GetHaStatus().GetTxid()},
		LeaseID: p.GetFullBlockReportLeaseId(),
	}
	for _, c := range p.GetCmds() {
		res.Commands = append(res.Commands, commandFromProto(c)...)
	}
	return res
}

// commandFromProto translates one DatanodeCommandProto; a NullDatanodeCommand
// or an obsolete upgrade command translates to nothing.
func commandFromProto(p *datanodepb.DatanodeCommandProto) []Command {
	switch p.GetCmdType() {
	case datanodepb.DatanodeCommandProto_BalancerBandwidthCommand:
		return []Command{{Kind: CmdBalancerBandwidth, Bandwidth: p.GetBalancerCmd().GetBandwidth()}}
	case datanodepb.DatanodeCommandProto_BlockCommand:
		return []Command{blockCommandFromProto(p.GetBlkCmd())}
	case datanodepb.DatanodeCommandProto_BlockRecoveryCommand:
		c := Command{Kind: CmdRecoverBlock}
		for _, rb := range p.GetRecoveryCmd().GetBlocks() {
			c.Recover = append(c.Recover, recoveringFromProto(rb))
		}
		return []Command{c}
	case datanodepb.DatanodeCommandProto_FinalizeCommand:
		return []Command{{Kind: CmdFinalize, BlockPoolID: p.GetFinalizeCmd().GetBlockPoolId()}}
	case datanodepb.DatanodeCommandProto_KeyUpdateCommand:
		return []Command{{Kind: CmdAccessKeyUpdate, Keys: keysFromProto(p.GetKeyUpdateCmd().GetKeys())}}
	case datanodepb.DatanodeCommandProto_RegisterCommand:
		return []Command{{Kind: CmdRegister}}
	case datanodepb.DatanodeCommandProto_BlockIdCommand:
		k := CmdCache
		if p.GetBlkIdCmd().GetAction() == datanodepb.BlockIdCommandProto_UNCACHE {
			k = CmdUncache
		}
		return []Command{{Kind: k, BlockPoolID: p.GetBlkIdCmd().GetBlockPoolId(), BlockIDs: p.GetBlkIdCmd().GetBlockIds()}}
	case datanodepb.DatanodeCommandProto_BlockECReconstructionCommand:
		return []Command{{Kind: CmdECReconstruction}}
	case datanodepb.DatanodeCommandProto_NullDatanodeCommand, datanodepb.DatanodeCommandProto_UnusedUpgradeCommand:
		return nil
	}
	return []Command{{Kind: CmdUnknown}}
}

func blockCommandFromProto(p *datanodepb.BlockCommandProto) Command {
	c := Command{BlockPoolID: p.GetBlockPoolId()}
	switch p.GetAction() {
	case datanodepb.BlockCommandProto_TRANSFER:
		c.Kind = CmdTransfer
	case datanodepb.BlockCommandProto_INVALIDATE:
		c.Kind = CmdInvalidate
	case datanodepb.BlockCommandProto_SHUTDOWN:
		c.Kind = CmdShutdown
	}
	for _, b := range p.GetBlocks() {
		c.Blocks = append(c.Blocks, blockFromProto(b))
	}
	if c.Kind != CmdTransfer {
		return c
	}
	for i, infos := range p.GetTargets() {
		var ts []Target
		for j, di := range infos.GetDatanodes() {
			t := Target{Node: datanodeIDFromProto(di.GetId())}
			if i < len(p.GetTargetStorageUuids()) && j < len(p.GetTargetStorageUuids()[i].GetStorageUuids()) {
				t.StorageUUID = p.GetTargetStorageUuids()[i].GetStorageUuids()[j]
			}
			if i < len(p.GetTargetStorageTypes()) && j < len(p.GetTargetStorageTypes()[i].GetStorageTypes()) {
				t.StorageType = StorageType(p.GetTargetStorageTypes()[i].GetStorageTypes()[j])
			}
			ts = append(ts, t)
		}
		c.Targets = append(c.Targets, ts)
	}
	return c
}

func blockFromProto(b *hdfspb.BlockProto) Block {
	return Block{ID: int64(b.GetBlockId()), GenStamp: int64(b.GetGenStamp()), NumBytes: int64(b.GetNumBytes())}
}

func recoveringFromProto(p *hdfspb.RecoveringBlockProto) RecoveringBlock {
	lb := p.GetBlock()
	eb := lb.GetB()
	rb := RecoveringBlock{
		BlockPoolID: eb.GetPoolId(),
		Block:       Block{ID: int64(eb.GetBlockId()), GenStamp: int64(eb.GetGenerationStamp()), NumBytes: int64(eb.GetNumBytes())},
		NewGenStamp: int64(p.GetNewGenStamp()),
	}
	for i, di := range lb.GetLocs() {
		t := Target{Node: datanodeIDFromProto(di.GetId())}
		if i < len(lb.GetStorageIDs()) {
			t.StorageUUID = lb.GetStorageIDs()[i]
		}
		if i < len(lb.GetStorageTypes()) {
			t.StorageType = StorageType(lb.GetStorageTypes()[i])
		}
		rb.Locations = append(rb.Locations, t)
	}
	if p.TruncateBlock != nil {
		b := blockFromProto(p.GetTruncateBlock())
		rb.TruncateBlock = &b
	}
	return rb
}

func keysFromProto(p *hdfspb.ExportedBlockKeysProto) *BlockKeys {
	key := func(k *hdfspb.BlockKeyProto) BlockKey {
		return BlockKey{KeyID: k.GetKeyId(), ExpiryDate: k.GetExpiryDate(), KeyBytes: k.GetKeyBytes()}
	}
	ks := &BlockKeys{
		BlockTokenEnabled: p.GetIsBlockTokenEnabled(),
		KeyUpdateInterval: p.GetKeyUpdateInterval(),
		TokenLifetime:     p.GetTokenLifeTime(),
		Current:           key(p.GetCurrentKey()),
	}
	for _, k := range p.GetAllKeys() {
		ks.All = append(ks.All, key(k))
	}
	return ks
}

func ibrProto(reg *datanodepb.DatanodeRegistrationProto, bpid string, reports []StorageIBR) *datanodepb.BlockReceivedAndDeletedRequestProto {
	req := &datanodepb.BlockReceivedAndDeletedRequestProto{Registration: reg, BlockPoolId: proto.String(bpid)}
	for _, r := range reports {
		s := &datanodepb.StorageReceivedDeletedBlocksProto{
			StorageUuid: proto.String(r.Storage.UUID),
			Storage:     storageProto(r.Storage),
		}
		for _, ev := range r.Blocks {
			b := &datanodepb.ReceivedDeletedBlockInfoProto{
				Block:  blockProto(ev.Block),
				Status: datanodepb.ReceivedDeletedBlockInfoProto_BlockStatus(ev.Status).Enum(),
			}
			if ev.DeleteHint != "" {
				b.DeleteHint = proto.String(ev.DeleteHint)
			}
			s.Blocks = append(s.Blocks, b)
		}
		req.Blocks = append(req.Blocks, s)
	}
	return req
}

func blockProto(b Block) *hdfspb.BlockProto {
	return &hdfspb.BlockProto{BlockId: proto.Uint64(uint64(b.ID)), GenStamp: proto.Uint64(uint64(b.GenStamp)),
		NumBytes: proto.Uint64(uint64(b.NumBytes))}
}

// blockReportProto builds one blockReport RPC. buffers says the NameNode
// advertised CapabilityStorageBlockReportBuffers; without it the legacy
// list of longs is sent.
func blockReportProto(reg *datanodepb.DatanodeRegistrationProto, bpid string, reports []StorageBlockReport,
	buffers bool, total, cur int32, id int64, lease uint64) *datanodepb.BlockReportRequestProto {
	req := &datanodepb.BlockReportRequestProto{
		Registration: reg,
		BlockPoolId:  proto.String(bpid),
		Context: &datanodepb.BlockReportContextProto{
			TotalRpcs: proto.Int32(total), CurRpc: proto.Int32(cur), Id: proto.Int64(id), LeaseId: proto.Uint64(lease),
		},
	}
	for _, r := range reports {
		s := &datanodepb.StorageBlockReportProto{Storage: storageProto(r.Storage)}
		if buffers {
			n, bufs := blocklist.EncodeBuffers(r.Replicas)
			s.NumberOfBlocks, s.BlocksBuffers = proto.Uint64(n), bufs
		} else {
			s.Blocks = blocklist.EncodeLongs(r.Replicas)
		}
		req.Reports = append(req.Reports, s)
	}
	return req
}

// splitReports is BPServiceActor.blockReport's choice: one RPC for all
// storages below the threshold, else one RPC per storage.
func splitReports(reports []StorageBlockReport, threshold int) [][]StorageBlockReport {
	total := 0
	for _, r := range reports {
		total += len(r.Replicas)
	}
	if total < threshold {
		return [][]StorageBlockReport{reports}
	}
	out := make([][]StorageBlockReport, len(reports))
	for i := range reports {
		out[i] = reports[i : i+1]
	}
	return out
}

func errorReportProto(reg *datanodepb.DatanodeRegistrationProto, code ErrorCode, msg string) *datanodepb.ErrorReportRequestProto {
	return &datanodepb.ErrorReportRequestProto{Registartion: reg, ErrorCode: proto.Uint32(uint32(code)), Msg: proto.String(msg)}
}

// badBlocksProto builds reportBadBlocks as ReportBadBlockAction does: a
// located block at offset -1 with this DataNode as its only location.
func badBlocksProto(self DatanodeID, bbs []BadBlock) *datanodepb.ReportBadBlocksRequestProto {
	req := &datanodepb.ReportBadBlocksRequestProto{}
	for _, bb := range bbs {
		req.Blocks = append(req.Blocks, &hdfspb.LocatedBlockProto{
			B: &hdfspb.ExtendedBlockProto{
				PoolId: proto.String(bb.BlockPoolID), BlockId: proto.Uint64(uint64(bb.Block.ID)),
				GenerationStamp: proto.Uint64(uint64(bb.Block.GenStamp)), NumBytes: proto.Uint64(uint64(bb.Block.NumBytes)),
			},
			Offset:       proto.Uint64(^uint64(0)),
			Locs:         []*hdfspb.DatanodeInfoProto{{Id: datanodeIDProto(self)}},
			Corrupt:      proto.Bool(false),
			BlockToken:   &commonpb.TokenProto{Identifier: []byte{}, Password: []byte{}, Kind: proto.String(""), Service: proto.String("")},
			StorageTypes: []hdfspb.StorageTypeProto{hdfspb.StorageTypeProto(bb.Storage.Type)},
			StorageIDs:   []string{bb.Storage.UUID},
		})
	}
	return req
}

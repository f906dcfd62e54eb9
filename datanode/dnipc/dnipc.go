// Package dnipc is the DataNode's RPC translation layer on
// dfs.datanode.ipc.address: ClientDatanodeProtocol (what clients and
// `hdfs dfsadmin` ask a DataNode) and InterDatanodeProtocol (what a
// recovering primary asks its peers). Generated types stop here; the
// DataNode behind it sees the plain values of this package.
//
// The disk balancer methods are not served: they answer as Hadoop
// answers an unknown method.
package dnipc

import (
	"context"
	"maps"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Wire names of the protocols (wire NOTES §1), all version 1.
const (
	ClientDatanodeProtocolName  = "org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol"
	InterDatanodeProtocolName   = "org.apache.hadoop.hdfs.server.protocol.InterDatanodeProtocol"
	ReconfigurationProtocolName = "org.apache.hadoop.hdfs.protocol.ReconfigurationProtocol"
	ProtocolVersion             = 1
)

// LocalInfo is DatanodeLocalInfo: what `dfsadmin -getDatanodeInfo` prints.
type LocalInfo struct {
	SoftwareVersion, ConfigVersion string
	UptimeSeconds                  int64
}

// VolumeInfo is one volume in `dfsadmin -getVolumeReport`.
type VolumeInfo struct {
	Path                 string
	Type                 blocks.StorageType
	Used, Free, Reserved int64
	ReservedForReplicas  int64
	NumBlocks            int64
}

// Datanode is what ClientDatanodeProtocol asks of a DataNode.
type Datanode interface {
	ReplicaVisibleLength(ctx context.Context, b blocks.Extended) (int64, error)
	RefreshNamenodes(ctx context.Context) error
	DeleteBlockPool(ctx context.Context, poolID string, force bool) error
	// BlockLocalPath serves short-circuit path lookups; a DataNode that
	// does not allow them returns Hadoop's AccessControlException.
	BlockLocalPath(ctx context.Context, b blocks.Extended) (data, meta string, err error)
	Shutdown(ctx context.Context, forUpgrade bool) error
	EvictWriters(ctx context.Context) error
	LocalInfo(ctx context.Context) (LocalInfo, error)
	VolumeReport(ctx context.Context) ([]VolumeInfo, error)
	// TriggerBlockReport asks every NameNode actor, or only the one at
	// nnAddress when it is not empty, for a report now.
	TriggerBlockReport(ctx context.Context, incremental bool, nnAddress string) error
	BalancerBandwidth(ctx context.Context) (int64, error)

	Reconfigurable
}

// Reconfigurable is a daemon `dfsadmin -reconfig ... start|status|properties`
// works on. StartReconfiguration rereads the configuration and starts
// applying the reconfigurable properties that changed;
// ReconfigurationStatus reports on the last such task;
// ReconfigurableProperties lists what a task may change.
type Reconfigurable interface {
	StartReconfiguration(ctx context.Context) error
	ReconfigurationStatus(ctx context.Context) (ReconfigStatus, error)
	ReconfigurableProperties(ctx context.Context) ([]string, error)
}

// ReconfigStatus is ReconfigurationTaskStatus: no task yet while Start is
// zero, a task still running while End is zero, else its outcome.
type ReconfigStatus struct {
	Start, End time.Time
	Changes    []ReconfigChange
}

// ReconfigChange is one property a finished task tried to change.
type ReconfigChange struct {
	Name     string
	Old, New string
	OldSet   bool   // false: the property had no value
	NewSet   bool   // false: the property lost its value (back to the default)
	Err      string // why it was not changed; "" when it was
}

// ReplicaState is ReplicaStateProto.
type ReplicaState uint8

// Replica states, numbered as the proto enum.
const (
	Finalized ReplicaState = iota
	RBW
	RWR
	RUR
	Temporary
)

// RecoveryInfo is a replica a peer has put under recovery (Hadoop's
// ReplicaRecoveryInfo): its state before, and its id, length and genstamp.
type RecoveryInfo struct {
	State                  ReplicaState
	ID, NumBytes, GenStamp int64
}

// Recovering is the block a primary asks a peer to recover (the parts of
// RecoveringBlock a peer uses).
type Recovering struct {
	Block       blocks.Extended
	NewGenStamp int64 // the recovery id
	Locations   []blocks.DatanodeInfo
	Truncate    *blocks.Extended // new block of a copy-on-truncate
}

// Recoverer is what InterDatanodeProtocol asks of a DataNode.
type Recoverer interface {
	// InitReplicaRecovery returns nil, nil when the replica is not there.
	InitReplicaRecovery(ctx context.Context, rb Recovering) (*RecoveryInfo, error)
	UpdateReplicaUnderRecovery(ctx context.Context, b blocks.Extended, recoveryID, newBlockID, newLength int64) (storageUUID string, err error)
}

// ClientDatanodeProtocol returns the protocol served by dn.
func ClientDatanodeProtocol(dn Datanode) hadooprpc.Protocol {
	m := map[string]hadooprpc.Handler{
		"getReplicaVisibleLength": method(func(ctx context.Context, r *hdfspb.GetReplicaVisibleLengthRequestProto) (*hdfspb.GetReplicaVisibleLengthResponseProto, error) {
			n, err := dn.ReplicaVisibleLength(ctx, blockpb.ExtendedOf(r.GetBlock()))
			if err != nil {
				return nil, err
			}
			return &hdfspb.GetReplicaVisibleLengthResponseProto{Length: proto.Uint64(uint64(n))}, nil
		}),
		"refreshNamenodes": method(func(ctx context.Context, _ *hdfspb.RefreshNamenodesRequestProto) (*hdfspb.RefreshNamenodesResponseProto, error) {
			return &hdfspb.RefreshNamenodesResponseProto{}, dn.RefreshNamenodes(ctx)
		}),
		"deleteBlockPool": method(func(ctx context.Context, r *hdfspb.DeleteBlockPoolRequestProto) (*hdfspb.DeleteBlockPoolResponseProto, error) {
			return &hdfspb.DeleteBlockPoolResponseProto{}, dn.DeleteBlockPool(ctx, r.GetBlockPool(), r.GetForce())
		}),
		"getBlockLocalPathInfo": method(func(ctx context.Context, r *hdfspb.GetBlockLocalPathInfoRequestProto) (*hdfspb.GetBlockLocalPathInfoResponseProto, error) {
			data, meta, err := dn.BlockLocalPath(ctx, blockpb.ExtendedOf(r.GetBlock()))
			if err != nil {
				return nil, err
			}
			return &hdfspb.GetBlockLocalPathInfoResponseProto{Block: r.GetBlock(), LocalPath: proto.String(data), LocalMetaPath: proto.String(meta)}, nil
		}),
		"shutdownDatanode": method(func(ctx context.Context, r *hdfspb.ShutdownDatanodeRequestProto) (*hdfspb.ShutdownDatanodeResponseProto, error) {
			return &hdfspb.ShutdownDatanodeResponseProto{}, dn.Shutdown(ctx, r.GetForUpgrade())
		}),
		"evictWriters": method(func(ctx context.Context, _ *hdfspb.EvictWritersRequestProto) (*hdfspb.EvictWritersResponseProto, error) {
			return &hdfspb.EvictWritersResponseProto{}, dn.EvictWriters(ctx)
		}),
		"getDatanodeInfo": method(func(ctx context.Context, _ *hdfspb.GetDatanodeInfoRequestProto) (*hdfspb.GetDatanodeInfoResponseProto, error) {
			li, err := dn.LocalInfo(ctx)
			if err != nil {
				return nil, err
			}
			return &hdfspb.GetDatanodeInfoResponseProto{LocalInfo: &hdfspb.DatanodeLocalInfoProto{
				SoftwareVersion: proto.String(li.SoftwareVersion), ConfigVersion: proto.String(li.ConfigVersion),
				Uptime: proto.Uint64(uint64(li.UptimeSeconds))}}, nil
		}),
		"getVolumeReport": method(func(ctx context.Context, _ *hdfspb.GetVolumeReportRequestProto) (*hdfspb.GetVolumeReportResponseProto, error) {
			vs, err := dn.VolumeReport(ctx)
			if err != nil {
				return nil, err
			}
			resp := &hdfspb.GetVolumeReportResponseProto{}
			for _, v := range vs {
				resp.VolumeInfo = append(resp.VolumeInfo, &hdfspb.DatanodeVolumeInfoProto{
					Path: proto.String(v.Path), StorageType: hdfspb.StorageTypeProto(v.Type).Enum(),
					UsedSpace: proto.Uint64(uint64(v.Used)), FreeSpace: proto.Uint64(uint64(v.Free)),
					ReservedSpace: proto.Uint64(uint64(v.Reserved)), ReservedSpaceForReplicas: proto.Uint64(uint64(v.ReservedForReplicas)),
					NumBlocks: proto.Uint64(uint64(v.NumBlocks))})
			}
			return resp, nil
		}),
		"triggerBlockReport": method(func(ctx context.Context, r *hdfspb.TriggerBlockReportRequestProto) (*hdfspb.TriggerBlockReportResponseProto, error) {
			return &hdfspb.TriggerBlockReportResponseProto{}, dn.TriggerBlockReport(ctx, r.GetIncremental(), r.GetNnAddress())
		}),
		"getBalancerBandwidth": method(func(ctx context.Context, _ *hdfspb.GetBalancerBandwidthRequestProto) (*hdfspb.GetBalancerBandwidthResponseProto, error) {
			bw, err := dn.BalancerBandwidth(ctx)
			if err != nil {
				return nil, err
			}
			return &hdfspb.GetBalancerBandwidthResponseProto{Bandwidth: proto.Uint64(uint64(bw))}, nil
		}),
	}
	maps.Copy(m, reconfigHandlers(dn))
	return hadooprpc.Protocol{Name: ClientDatanodeProtocolName, Version: ProtocolVersion, Methods: m}
}

// ReconfigurationProtocol returns the same three reconfiguration methods
// as ClientDatanodeProtocol's under ReconfigurationProtocol's name, which
// a DataNode also serves on its IPC port.
func ReconfigurationProtocol(dn Reconfigurable) hadooprpc.Protocol {
	return hadooprpc.Protocol{Name: ReconfigurationProtocolName, Version: ProtocolVersion, Methods: reconfigHandlers(dn)}
}

func reconfigHandlers(dn Reconfigurable) map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"startReconfiguration": method(func(ctx context.Context, _ *hdfspb.StartReconfigurationRequestProto) (*hdfspb.StartReconfigurationResponseProto, error) {
			return &hdfspb.StartReconfigurationResponseProto{}, dn.StartReconfiguration(ctx)
		}),
		"getReconfigurationStatus": method(func(ctx context.Context, _ *hdfspb.GetReconfigurationStatusRequestProto) (*hdfspb.GetReconfigurationStatusResponseProto, error) {
			st, err := dn.ReconfigurationStatus(ctx)
			if err != nil {
				return nil, err
			}
			return ReconfigStatusProto(st), nil
		}),
		"listReconfigurableProperties": method(func(ctx context.Context, _ *hdfspb.ListReconfigurablePropertiesRequestProto) (*hdfspb.ListReconfigurablePropertiesResponseProto, error) {
			names, err := dn.ReconfigurableProperties(ctx)
			if err != nil {
				return nil, err
			}
			return &hdfspb.ListReconfigurablePropertiesResponseProto{Name: names}, nil
		}),
	}
}

// ReconfigStatusProto encodes a task's status as
// ReconfigurationProtocolServerSideUtils does: the end time and the
// changes only once the task has ended; an unset old value as "", an
// unset new value left out.
func ReconfigStatusProto(st ReconfigStatus) *hdfspb.GetReconfigurationStatusResponseProto {
	resp := &hdfspb.GetReconfigurationStatusResponseProto{StartTime: proto.Int64(javaMillis(st.Start))}
	if st.End.IsZero() {
		return resp
	}
	resp.EndTime = proto.Int64(javaMillis(st.End))
	for _, c := range st.Changes {
		cp := &hdfspb.GetReconfigurationStatusConfigChangeProto{Name: proto.String(c.Name), OldValue: proto.String(c.Old)}
		if c.NewSet {
			cp.NewValue = proto.String(c.New)
		}
		if c.Err != "" {
			cp.ErrorMessage = proto.String(c.Err)
		}
		resp.Changes = append(resp.Changes, cp)
	}
	return resp
}

// ReconfigStatusOf decodes a status as the client side of
// ReconfigurationProtocolUtils does: an empty old value is an unset one.
func ReconfigStatusOf(p *hdfspb.GetReconfigurationStatusResponseProto) ReconfigStatus {
	var st ReconfigStatus
	if ms := p.GetStartTime(); ms > 0 {
		st.Start = time.UnixMilli(ms)
	}
	if p.EndTime != nil && p.GetEndTime() > 0 {
		st.End = time.UnixMilli(p.GetEndTime())
	}
	for _, c := range p.GetChanges() {
		st.Changes = append(st.Changes, ReconfigChange{Name: c.GetName(), Old: c.GetOldValue(), OldSet: c.GetOldValue() != "",
			New: c.GetNewValue(), NewSet: c.NewValue != nil, Err: c.GetErrorMessage()})
	}
	return st
}

func javaMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// InterDatanodeProtocol returns the protocol served by r.
func InterDatanodeProtocol(r Recoverer) hadooprpc.Protocol {
	m := map[string]hadooprpc.Handler{
		"initReplicaRecovery": method(func(ctx context.Context, req *hdfspb.InitReplicaRecoveryRequestProto) (*hdfspb.InitReplicaRecoveryResponseProto, error) {
			info, err := r.InitReplicaRecovery(ctx, RecoveringOf(req.GetBlock()))
			if err != nil {
				return nil, err
			}
			if info == nil {
				return &hdfspb.InitReplicaRecoveryResponseProto{ReplicaFound: proto.Bool(false)}, nil
			}
			return &hdfspb.InitReplicaRecoveryResponseProto{ReplicaFound: proto.Bool(true),
				State: hdfspb.ReplicaStateProto(info.State).Enum(),
				Block: &hdfspb.BlockProto{BlockId: proto.Uint64(uint64(info.ID)), GenStamp: proto.Uint64(uint64(info.GenStamp)),
					NumBytes: proto.Uint64(uint64(info.NumBytes))}}, nil
		}),
		"updateReplicaUnderRecovery": method(func(ctx context.Context, req *hdfspb.UpdateReplicaUnderRecoveryRequestProto) (*hdfspb.UpdateReplicaUnderRecoveryResponseProto, error) {
			id, err := r.UpdateReplicaUnderRecovery(ctx, blockpb.ExtendedOf(req.GetBlock()), int64(req.GetRecoveryId()),
				int64(req.GetNewBlockId()), int64(req.GetNewLength()))
			if err != nil {
				return nil, err
			}
			return &hdfspb.UpdateReplicaUnderRecoveryResponseProto{StorageUuid: proto.String(id)}, nil
		}),
	}
	return hadooprpc.Protocol{Name: InterDatanodeProtocolName, Version: ProtocolVersion, Methods: m}
}

// RecoveringOf reads a RecoveringBlockProto.
func RecoveringOf(p *hdfspb.RecoveringBlockProto) Recovering {
	lb := blockpb.LocatedOf(p.GetBlock())
	rb := Recovering{Block: lb.Block, NewGenStamp: int64(p.GetNewGenStamp()), Locations: lb.Locs}
	if t := p.GetTruncateBlock(); t != nil {
		rb.Truncate = &blocks.Extended{PoolID: lb.Block.PoolID, ID: int64(t.GetBlockId()),
			GenStamp: int64(t.GetGenStamp()), NumBytes: int64(t.GetNumBytes())}
	}
	return rb
}

// method makes a Handler of fn; the request type is inferred.
func method[Req any, PReq interface {
	*Req
	proto.Message
}, Resp proto.Message](fn func(context.Context, PReq) (Resp, error)) hadooprpc.Handler {
	return hadooprpc.Method(func() PReq { return PReq(new(Req)) }, fn)
}

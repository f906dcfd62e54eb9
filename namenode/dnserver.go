package namenode

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/dnrpc"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// dnServer is what the NameNode does for DataNodes (NameNodeRpcServer's
// DatanodeProtocol methods over the block manager).
type dnServer struct{ n *Namesystem }

// softwareVersion is what this NameNode says it runs (VersionInfo).
const softwareVersion = "3.4.1"

// DataNodeLayoutVersion is the DataNode layout this NameNode accepts
// registrations from (DataNodeLayoutVersion.CURRENT_LAYOUT_VERSION).
const dataNodeLayoutVersion = -57

func (d dnServer) VersionRequest(ctx context.Context) (*dnrpc.NamespaceInfo, error) {
	v := d.n.version
	return &dnrpc.NamespaceInfo{
		BuildVersion: "hdfsd", BlockPoolID: v.BlockPoolID, SoftwareVersion: softwareVersion,
		Storage:      dnrpc.StorageInfo{LayoutVersion: storage.LayoutVersion, NamespaceID: uint32(v.NamespaceID), ClusterID: v.ClusterID, CTime: v.CTime},
		Capabilities: dnrpc.CapabilityStorageBlockReportBuffers, State: dnrpc.Active,
	}, nil
}

// checkRegistration is NameNodeRpcServer.verifyRequest plus the layout and
// namespace checks of registerDatanode.
func (d dnServer) checkRegistration(reg *dnrpc.Registration) error {
	v := d.n.version
	if reg.Storage.NamespaceID != uint32(v.NamespaceID) {
		return &hadooprpc.RemoteError{Class: "org.apache.hadoop.hdfs.server.common.IncorrectVersionException",
			Message: fmt.Sprintf("Unexpected namespace id %d in a registration from %s: this NameNode's is %d",
				reg.Storage.NamespaceID, xferAddr(reg.ID), v.NamespaceID)}
	}
	return nil
}

func xferAddr(id blocks.DatanodeID) string { return fmt.Sprintf("%s:%d", id.IPAddr, id.XferPort) }

func (d dnServer) RegisterDatanode(ctx context.Context, reg *dnrpc.Registration) (*dnrpc.Registration, error) {
	if err := d.checkRegistration(reg); err != nil {
		return nil, err
	}
	if err := d.n.bs.resolve(ctx, reg.ID); err != nil {
		return nil, err
	}
	var err error
	d.n.bs.with(func(m *blockmgmt.Manager) { err = m.Register(blockmgmt.Registration{ID: reg.ID}, d.n.now()) })
	if errors.Is(err, blockmgmt.ErrDisallowed) {
		return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassDisallowedDatanode,
			Message: "Datanode denied communication with namenode because hostname cannot be resolved (ip=" +
				reg.ID.IPAddr + ", hostname=" + reg.ID.HostName + "): DatanodeRegistration(" + xferAddr(reg.ID) +
				", datanodeUuid=" + reg.ID.UUID + ", infoPort=" + fmt.Sprint(reg.ID.InfoPort) + ", infoSecurePort=" +
				fmt.Sprint(reg.ID.InfoSecurePort) + ", ipcPort=" + fmt.Sprint(reg.ID.IPCPort) + ", storageInfo=lv=" +
				fmt.Sprint(reg.Storage.LayoutVersion) + ";cid=" + reg.Storage.ClusterID + ";nsid=" +
				fmt.Sprint(reg.Storage.NamespaceID) + ";c=" + fmt.Sprint(reg.Storage.CTime) + ")"}
	}
	if err != nil {
		return nil, err
	}
	d.n.log.Info("registered DataNode", "datanode", xferAddr(reg.ID), "uuid", reg.ID.UUID)
	out := *reg
	return &out, nil
}

// unregistered is the answer to a DataNode the manager does not know.
func unregistered(id blocks.DatanodeID) error {
	return &hadooprpc.RemoteError{Class: hadooprpc.ClassUnregisteredNode,
		Message: "Data node " + xferAddr(id) + " is attempting to report storage ID " + id.UUID +
			". Node " + xferAddr(id) + " is expected to serve this storage."}
}

func (d dnServer) SendHeartbeat(ctx context.Context, hb *dnrpc.Heartbeat) (*dnrpc.HeartbeatResponse, error) {
	req := blockmgmt.Heartbeat{UUID: hb.Reg.ID.UUID, XceiverCount: hb.XceiverCount, XmitsInFlight: hb.XmitsInProgress,
		FailedVolumes: hb.FailedVolumes, CacheCapacity: hb.CacheCapacity, CacheUsed: hb.CacheUsed}
	for _, r := range hb.Reports {
		req.Storages = append(req.Storages, blockmgmt.StorageReport{StorageID: r.Storage.UUID, Type: r.Storage.Type,
			Failed: r.Failed, Capacity: r.Capacity, DFSUsed: r.DFSUsed, NonDFSUsed: max(r.NonDFSUsed, 0),
			Remaining: r.Remaining, BlockPoolUsed: r.BlockPoolUsed})
	}
	resp := &dnrpc.HeartbeatResponse{HA: dnrpc.HAStatus{State: dnrpc.Active, TxID: d.n.lastTxID()}}
	var cmds []blockmgmt.Command
	var err error
	d.n.bs.with(func(m *blockmgmt.Manager) {
		cmds, err = m.Heartbeat(req, d.n.now())
		if err == nil && hb.RequestFullBlockReportLease {
			// BlockReportLeaseManager hands out leases freely when the
			// limit (dfs.namenode.max.full.block.report.leases, 6) is
			// not reached; one per DataNode here.
			id := d.n.bs.rnd.Uint64() | 1
			d.n.bs.leases[hb.Reg.ID.UUID] = id
			resp.FullBlockReportLeaseID = id
		}
	})
	if errors.Is(err, blockmgmt.ErrDisallowed) {
		return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassDisallowedDatanode,
			Message: "Datanode denied communication with namenode: " + xferAddr(hb.Reg.ID)}
	}
	if err != nil {
		return nil, err
	}
	for _, c := range cmds {
		resp.Commands = append(resp.Commands, d.command(c))
	}
	return resp, nil
}

// command turns a manager command into the wire vocabulary.
func (d dnServer) command(c blockmgmt.Command) dnrpc.Command {
	switch c.Action {
	case blockmgmt.ActionRegister:
		return dnrpc.Command{Kind: dnrpc.CmdRegister}
	case blockmgmt.ActionBalancerBandwidth:
		return dnrpc.Command{Kind: dnrpc.CmdBalancerBandwidth, Bandwidth: c.Bandwidth}
	case blockmgmt.ActionRecoverBlock:
		out := dnrpc.Command{Kind: dnrpc.CmdRecoverBlock}
		for _, r := range c.Recover {
			// Hadoop sends the recovering block with offset -1 and its
			// replicas' locations (RecoveringBlock over a LocatedBlock).
			lb := blocks.Located{Block: r.Block, Offset: -1, Locs: r.Locs}
			rb := dnrpc.RecoveringBlock{Block: lb, NewGenStamp: r.NewGenStamp}
			if r.TruncateTo >= 0 {
				rb.Truncate = &dnrpc.Block{ID: r.Block.ID, GenStamp: r.NewGenStamp, NumBytes: r.TruncateTo}
			}
			out.Recover = append(out.Recover, rb)
		}
		return out
	}
	kind := dnrpc.CmdInvalidate
	if c.Action == blockmgmt.ActionTransfer {
		kind = dnrpc.CmdTransfer
	}
	out := dnrpc.Command{Kind: kind, PoolID: c.PoolID}
	for _, b := range c.Blocks {
		out.Blocks = append(out.Blocks, dnrpc.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes})
	}
	if kind == dnrpc.CmdTransfer {
		for _, ts := range c.Targets {
			var infos []blocks.DatanodeInfo
			var ids []string
			var types []blocks.StorageType
			for _, t := range ts {
				infos = append(infos, t.Node)
				ids = append(ids, t.StorageID)
				types = append(types, t.Type)
			}
			out.Targets = append(out.Targets, infos)
			out.TargetStorageIDs = append(out.TargetStorageIDs, ids)
			out.TargetStorageTypes = append(out.TargetStorageTypes, types)
		}
	}
	return out
}

func (d dnServer) BlockReport(ctx context.Context, reg *dnrpc.Registration, poolID string, reports []dnrpc.StorageBlockReport, rc *dnrpc.BlockReportContext) (*dnrpc.Command, error) {
	if err := d.checkPool(poolID); err != nil {
		return nil, err
	}
	decoded := make([][]blockmgmt.Replica, len(reports))
	for i, r := range reports {
		var num *uint64
		if r.Blocks.HasBuffers {
			num = &r.Blocks.NumberOfBlocks
		}
		reps, err := blocklist.DecodeReport(num, r.Blocks.Longs, r.Blocks.Buffers)
		if err != nil {
			return nil, fmt.Errorf("%w: block report of %s for storage %s: %v", hadooprpc.ErrIO, xferAddr(reg.ID), r.Storage.UUID, err)
		}
		out := make([]blockmgmt.Replica, len(reps))
		for j, x := range reps {
			out[j] = blockmgmt.Replica{ID: x.ID, GenStamp: x.GenStamp, NumBytes: x.NumBytes, State: blockmgmt.ReplicaState(x.State)}
		}
		decoded[i] = out
	}
	now := d.n.now()
	var err error
	d.n.bs.with(func(m *blockmgmt.Manager) {
		for i, r := range reports {
			if err = m.BlockReport(reg.ID.UUID, r.Storage.UUID, decoded[i], now); err != nil {
				return
			}
		}
		delete(d.n.bs.leases, reg.ID.UUID)
	})
	if errors.Is(err, blockmgmt.ErrUnregistered) {
		return nil, unregistered(reg.ID)
	}
	if err != nil {
		return nil, err
	}
	d.n.checkSafeMode(now)
	// The last RPC of a report is answered with a FinalizeCommand when
	// the upgrade is finalized (NameNodeRpcServer.blockReport).
	if rc == nil || rc.CurRPC+1 >= rc.TotalRPCs {
		if ok, _ := d.n.upgradeFinalized(); ok {
			return &dnrpc.Command{Kind: dnrpc.CmdFinalize, PoolID: poolID}, nil
		}
	}
	return nil, nil
}

func (d dnServer) checkPool(poolID string) error {
	if poolID != d.n.blockPoolID {
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException,
			Message: "Block pool " + poolID + " is not served by this NameNode (it serves " + d.n.blockPoolID + ")"}
	}
	return nil
}

func (d dnServer) CacheReport(ctx context.Context, reg *dnrpc.Registration, poolID string, blockIDs []uint64) (*dnrpc.Command, error) {
	return nil, nil // centralized caching is not served: nothing is cached
}

func (d dnServer) BlockReceivedAndDeleted(ctx context.Context, reg *dnrpc.Registration, poolID string, storages []dnrpc.StorageReceivedDeleted) error {
	if err := d.checkPool(poolID); err != nil {
		return err
	}
	now := d.n.now()
	var err error
	d.n.bs.with(func(m *blockmgmt.Manager) {
		for _, s := range storages {
			entries := make([]blockmgmt.IncrementalEntry, len(s.Blocks))
			for i, b := range s.Blocks {
				entries[i] = blockmgmt.IncrementalEntry{ID: b.Block.ID, GenStamp: b.Block.GenStamp, NumBytes: b.Block.NumBytes,
					Status: blockmgmt.IncrementalStatus(b.Status), DelHint: b.DeleteHint}
			}
			if err = m.IncrementalReport(reg.ID.UUID, s.StorageUUID, entries, now); err != nil {
				return
			}
		}
	})
	if errors.Is(err, blockmgmt.ErrUnregistered) {
		return unregistered(reg.ID)
	}
	if err != nil {
		return err
	}
	if d.n.safe.InStartup() {
		d.n.checkSafeMode(now)
	}
	return nil
}

func (d dnServer) ErrorReport(ctx context.Context, reg *dnrpc.Registration, code dnrpc.ErrorCode, msg string) error {
	switch code {
	case dnrpc.ErrNotify:
		d.n.log.Info("error report from DataNode", "datanode", xferAddr(reg.ID), "msg", msg)
	case dnrpc.ErrFatalDiskError:
		d.n.log.Warn("fatal disk error on DataNode", "datanode", xferAddr(reg.ID), "msg", msg)
	default:
		d.n.log.Warn("error report from DataNode", "datanode", xferAddr(reg.ID), "code", code, "msg", msg)
	}
	return nil
}

func (d dnServer) ReportBadBlocks(ctx context.Context, bad []blocks.Located) error {
	return d.n.reportBadBlocks(bad)
}

// reportBadBlocks marks replicas corrupt (from clients and DataNodes).
func (n *Namesystem) reportBadBlocks(bad []blocks.Located) error {
	now := n.now()
	n.bs.with(func(m *blockmgmt.Manager) {
		for _, b := range bad {
			for i, loc := range b.Locs {
				storage := ""
				if i < len(b.Storage) {
					storage = b.Storage[i].ID
				}
				if err := m.ReportBadBlock(b.Block.ID, b.Block.GenStamp, loc.UUID, storage, now); err != nil {
					n.log.Info("bad block report ignored", "block", fmt.Sprintf("blk_%d_%d", b.Block.ID, b.Block.GenStamp),
						"datanode", xferAddr(loc.DatanodeID), "err", err)
				}
			}
		}
	})
	return nil
}

// CommitBlockSynchronization ends a block recovery (FSNamesystem's
// commitBlockSynchronization): the file's last block takes the recovered
// generation stamp and length, and the file is closed when asked.
func (d dnServer) CommitBlockSynchronization(ctx context.Context, c *dnrpc.CommitSync) error {
	n := d.n
	fileID, ok := int64(0), false
	n.bs.with(func(m *blockmgmt.Manager) { fileID, ok = m.FileOf(c.Block.ID) })
	if !ok {
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException,
			Message: fmt.Sprintf("Block (=%s) not found", extString(c.Block))}
	}
	super := func(op namespace.Op) namespace.Op { return namespace.Op{User: n.cfg.User, Now: op.Now} }
	_, err := n.mutate(ctx, mutation{what: "Cannot commitBlockSynchronization while in safe mode"}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		info, err := n.tree.OpenFile(super(op), "", fileID, "")
		if err != nil {
			return nil, nil, nil, err
		}
		if len(info.Blocks) == 0 || info.Blocks[len(info.Blocks)-1].ID != c.Block.ID {
			return nil, nil, nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException,
				Message: fmt.Sprintf("Block (=%s) is not the last block of %s", extString(c.Block), info.Path)}
		}
		var ch *namespace.Change
		switch {
		case c.DeleteBlock:
			ch, err = n.tree.UpdateBlocks(super(op), "", fileID, "", func(cur []namespace.Block) ([]namespace.Block, error) {
				return cur[:len(cur)-1], nil
			})
			if err == nil && c.CloseFile {
				// The block had no data anywhere: it goes, and the file
				// closes with the blocks before it (closeFileCommitBlocks).
				var closed *namespace.Change
				if closed, err = n.tree.CompleteFile(super(op), "", fileID, "", nil); err == nil {
					ch.Records = append(ch.Records, closed.Records...)
				}
			}
		case c.CloseFile:
			last := namespace.Block{ID: c.Block.ID, GenStamp: c.NewGenStamp, NumBytes: c.NewLength}
			ch, err = n.tree.CompleteFile(super(op), "", fileID, "", &last)
		default:
			ch, err = n.tree.UpdateBlocks(super(op), "", fileID, "", func(cur []namespace.Block) ([]namespace.Block, error) {
				cur[len(cur)-1].GenStamp, cur[len(cur)-1].NumBytes = c.NewGenStamp, c.NewLength
				return cur, nil
			})
		}
		if err != nil {
			return ch, nil, nil, err
		}
		var uuids []string
		for _, t := range c.NewTargets {
			uuids = append(uuids, t.UUID)
		}
		n.bs.with(func(m *blockmgmt.Manager) {
			if c.DeleteBlock {
				m.RemoveBlock(c.Block.ID)
				return
			}
			_, err = m.CommitBlockSynchronization(blockmgmt.SyncRequest{ID: c.Block.ID, RecoveryID: c.NewGenStamp,
				NewLength: c.NewLength, CloseFile: c.CloseFile, NodeUUIDs: uuids, StorageIDs: c.NewTargetStorages}, n.now())
		})
		if err != nil {
			return ch, nil, nil, err
		}
		if c.CloseFile {
			n.leases.Remove(fileID)
		}
		return ch, nil, nil, nil
	})
	if err == nil {
		n.log.Info("commitBlockSynchronization", "block", extString(c.Block), "newgenerationstamp", c.NewGenStamp,
			"newlength", c.NewLength, "closeFile", c.CloseFile, "deleteBlock", c.DeleteBlock)
	}
	return err
}

func extString(b blocks.Extended) string {
	return fmt.Sprintf("%s:blk_%d_%d", b.PoolID, b.ID, b.GenStamp)
}

// trimPort drops ":port" from a "host:port" string.
func trimPort(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i]
	}
	return s
}

package datanode

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// What the DataNode answers on dfs.datanode.ipc.address:
// ClientDatanodeProtocol (ipcServer) and InterDatanodeProtocol (recoverer).

// remoteErr gives a storage error the Java class Hadoop's DataNode would
// answer with.
func remoteErr(err error) error {
	if err == nil {
		return nil
	}
	var re *hadooprpc.RemoteError
	if errors.As(err, &re) {
		return err
	}
	return &hadooprpc.RemoteError{Class: fsdataset.JavaClass(err), Message: err.Error()}
}

func ioErr(msg string) error {
	return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: msg}
}

func fsExt(b blocks.Extended) fsdataset.Block {
	return fsdataset.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes}
}

// ipcServer is the DataNode behind ClientDatanodeProtocol.
type ipcServer struct{ d *Daemon }

var _ dnipc.Datanode = (*ipcServer)(nil)

// ReplicaVisibleLength is FsDatasetImpl.getReplicaVisibleLength.
func (s *ipcServer) ReplicaVisibleLength(_ context.Context, b blocks.Extended) (int64, error) {
	r, ok := s.d.ds.Get(b.PoolID, b.ID)
	if !ok {
		return 0, &hadooprpc.RemoteError{Class: "org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException",
			Message: fmt.Sprintf("Replica does not exist %s:%d", b.PoolID, b.ID)}
	}
	if r.GenStamp < b.GenStamp {
		return 0, ioErr(fmt.Sprintf("replica.getGenerationStamp() < block.getGenerationStamp(), block=%s, replica=%s",
			extBlock(b.PoolID, fsExt(b)), r))
	}
	return r.VisibleLength(), nil
}

// RefreshNamenodes re-reads the configuration. The same NameNodes are
// nothing to do; adding or removing nameservices at run time is not
// supported: the DataNode must be restarted.
func (s *ipcServer) RefreshNamenodes(context.Context) error {
	if s.d.reload == nil {
		return ioErr("refreshNamenodes is not supported by this DataNode: restart it to change its NameNodes")
	}
	c, err := s.d.reload()
	if err != nil {
		return ioErr("refreshNamenodes: reading the configuration: " + err.Error())
	}
	cfg, err := ConfigFrom(c)
	if err != nil {
		return ioErr("refreshNamenodes: " + err.Error())
	}
	if err := s.d.refreshNamenodes(cfg.NameNodes); err != nil {
		return ioErr("refreshNamenodes: " + err.Error())
	}
	return nil
}

// DeleteBlockPool removes a block pool no service runs for from every
// volume (DataNode.deleteBlockPool): refused while its service runs, and,
// unless forced, while it holds replica files.
func (s *ipcServer) DeleteBlockPool(_ context.Context, bpid string, force bool) error {
	s.d.log.Info("deleteBlockPool command received", "bpid", bpid, "force", force)
	if s.d.poolOf(bpid) != nil {
		s.d.log.Warn("The block pool is still running, cannot be deleted.", "bpid", bpid)
		return ioErr("The block pool is still running. First do a refreshNamenodes to shutdown the block pool service")
	}
	if err := s.d.ds.DeleteBlockPool(bpid, force); err != nil {
		if errors.Is(err, fsdataset.ErrBlockPoolNotEmpty) {
			return ioErr("Cannot delete block pool, it contains some block files")
		}
		return ioErr(err.Error())
	}
	return nil
}

// BlockLocalPath serves only the users of
// dfs.block.local-path-access.user, as Hadoop's checkBlockLocalPathAccess.
func (s *ipcServer) BlockLocalPath(ctx context.Context, b blocks.Extended) (string, string, error) {
	user := userName()
	if c, ok := hadooprpc.CallerFromContext(ctx); ok && c.User != "" {
		user, _, _ = strings.Cut(c.User, "@")
		user, _, _ = strings.Cut(user, "/")
	}
	if !slices.Contains(s.d.cfg.LocalPathAccessUsers, user) {
		return "", "", &hadooprpc.RemoteError{Class: hadooprpc.ClassAccessControl, Message: "Can't continue with getBlockLocalPathInfo() authorization. The user " +
			user + " is not configured in dfs.block.local-path-access.user"}
	}
	r, ok := s.d.ds.Get(b.PoolID, b.ID)
	if !ok || r.GenStamp < b.GenStamp {
		return "", "", &hadooprpc.RemoteError{Class: "org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException",
			Message: fmt.Sprintf("Replica does not exist %s", extBlock(b.PoolID, fsExt(b)))}
	}
	data, meta := s.d.ds.Paths(b.PoolID, r)
	return data, meta, nil
}

// Shutdown is shutdownDatanode: the daemon stops once the answer is on
// its way. forUpgrade makes it a restart: the clients writing through
// this node get an OOB_RESTART ack and wait for it to come back, and the
// replicas they were writing are marked to come back RBW.
func (s *ipcServer) Shutdown(_ context.Context, forUpgrade bool) error {
	if err := s.d.requestStop(forUpgrade); err != nil {
		return ioErr(err.Error())
	}
	return nil
}

func (s *ipcServer) EvictWriters(context.Context) error {
	s.d.log.Info("Evicting all writers.")
	s.d.data.EvictWriters()
	return nil
}

func (s *ipcServer) LocalInfo(context.Context) (dnipc.LocalInfo, error) {
	return dnipc.LocalInfo{SoftwareVersion: Version, ConfigVersion: s.d.cfg.ConfigVersion,
		UptimeSeconds: int64(s.d.now().Sub(s.d.started).Seconds())}, nil
}

func (s *ipcServer) VolumeReport(context.Context) ([]dnipc.VolumeInfo, error) {
	var out []dnipc.VolumeInfo
	for _, v := range s.d.volumeInfo() {
		out = append(out, dnipc.VolumeInfo{Path: v.dir, Type: blocks.StorageType(v.vol.Type + 1),
			Used: v.used, Free: v.free, Reserved: v.vol.Reserved, NumBlocks: v.blocks})
	}
	return out, nil
}

// TriggerBlockReport asks every NameNode's actor, or the one at
// nnAddress, for a full report now, or (incremental) for the pending
// replica events without waiting for the next heartbeat.
func (s *ipcServer) TriggerBlockReport(_ context.Context, incremental bool, nnAddress string) error {
	for _, p := range s.d.poolList() {
		if nnAddress != "" && !slices.Contains(p.nameNodes, nnAddress) {
			continue
		}
		if incremental {
			p.svc.TriggerIncrementalReport()
		} else {
			p.svc.ForceFullBlockReport()
		}
	}
	return nil
}

func (s *ipcServer) BalancerBandwidth(context.Context) (int64, error) {
	return s.d.balance.Rate(), nil
}

// recoverer is the DataNode behind InterDatanodeProtocol, and what the
// primary of a recovery calls for its own replica.
type recoverer struct{ d *Daemon }

var _ dnipc.Recoverer = (*recoverer)(nil)

func (r *recoverer) InitReplicaRecovery(_ context.Context, rb dnipc.Recovering) (*dnipc.RecoveryInfo, error) {
	info, err := r.d.ds.InitReplicaRecovery(rb.Block.PoolID, fsExt(rb.Block), rb.NewGenStamp)
	if err != nil || info == nil {
		return nil, remoteErr(err)
	}
	return &dnipc.RecoveryInfo{State: dnipc.ReplicaState(info.State), ID: info.Block.ID,
		NumBytes: info.Block.NumBytes, GenStamp: info.Block.GenStamp}, nil
}

// UpdateReplicaUnderRecovery finalizes the replica at the recovery's
// length and generation stamp, and reports it received, as Hadoop's
// DataNode.updateReplicaUnderRecovery does.
func (r *recoverer) UpdateReplicaUnderRecovery(_ context.Context, b blocks.Extended, recoveryID, newBlockID, newLength int64) (string, error) {
	if newBlockID == 0 {
		newBlockID = b.ID
	}
	rep, err := r.d.ds.UpdateReplicaUnderRecovery(b.PoolID, fsExt(b), recoveryID, newBlockID, newLength)
	if err != nil {
		return "", remoteErr(err)
	}
	sid := r.d.ds.VolumeOf(rep).StorageID()
	(&notifier{d: r.d}).Received(b.PoolID, fsdataset.Block{ID: newBlockID, GenStamp: recoveryID, NumBytes: newLength}, sid, "")
	return sid, nil
}

// volInfo is one volume's line of getVolumeReport and the VolumeInfo
// JMX attribute.
type volInfo struct {
	vol        *fsdataset.Volume
	dir        string // <root>/current, as FsVolumeImpl.toString
	used, free int64
	blocks     int64
}

func (d *Daemon) volumeInfo() []volInfo {
	counts := map[*fsdataset.Volume]int64{}
	for _, bp := range d.ds.BlockPools() {
		for _, r := range d.ds.Replicas(bp) {
			counts[d.ds.VolumeOf(r)]++
		}
	}
	var out []volInfo
	for _, v := range d.ds.Volumes() {
		if failed, _ := v.Failed(); failed {
			continue
		}
		free, err := v.Available()
		if err != nil {
			free = 0
		}
		out = append(out, volInfo{vol: v, dir: v.Root + "/" + fsdataset.DirCurrent, used: v.DfsUsed(), free: free, blocks: counts[v]})
	}
	return out
}

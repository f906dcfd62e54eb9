package datanode

import (
	"fmt"

	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/internal/blocklist"
)

// poolDataset is the storage as the block-pool actors see it
// (bpservice.Dataset over fsdataset).
type poolDataset struct {
	d *Daemon
	p *pool
}

// InitBlockPool is DataNode.initBlockPool: the block pool comes into
// service on every volume once the first NameNode of its nameservice has
// named it.
func (p *poolDataset) InitBlockPool(ns bpservice.NamespaceInfo) error {
	// Called under the service's lock: only the daemon's own records are
	// consulted here, never another service.
	if other := p.d.poolOf(ns.BlockPoolID); other != nil && other != p.p {
		return fmt.Errorf("datanode: block pool %s is already served for nameservice %q", ns.BlockPoolID, other.nameservice)
	}
	err := p.d.ds.AddBlockPool(fsdataset.NamespaceInfo{NamespaceID: int32(ns.NamespaceID), ClusterID: ns.ClusterID,
		BlockPoolID: ns.BlockPoolID, CTime: int64(ns.CTime)})
	if err != nil {
		return err
	}
	p.d.poolsMu.Lock()
	p.p.bpid = ns.BlockPoolID
	p.d.poolsMu.Unlock()
	p.d.wakeScanners()
	p.d.log.Info("Block pool in service", "bpid", ns.BlockPoolID, "clusterID", ns.ClusterID,
		"nameservice", p.p.nameservice, "replicas", p.d.ds.Len(ns.BlockPoolID))
	return nil
}

func (p *poolDataset) StorageReports(bpid string) []bpservice.StorageReport {
	var out []bpservice.StorageReport
	for _, r := range p.d.ds.StorageReports(bpid) {
		if r.StorageID == "" {
			continue // never formatted: the NameNode has no storage to hear about
		}
		out = append(out, bpservice.StorageReport{
			Storage: storageOf(r.StorageID, r.Type), Failed: r.Failed,
			Capacity: uint64(r.Capacity), DFSUsed: uint64(r.DfsUsed), Remaining: uint64(r.Remaining),
			BlockPoolUsed: uint64(r.BlockPoolUsed), NonDFSUsed: uint64(r.NonDfsUsed),
		})
	}
	return out
}

// HeartbeatStats counts transfers both as this package started them and
// as the data server counts its own, and reports the larger: either side
// may be the one that knows.
func (p *poolDataset) HeartbeatStats() bpservice.HeartbeatStats {
	xmits := max(int(p.d.xmits.Load()), p.d.data.XmitsInProgress())
	return bpservice.HeartbeatStats{
		XmitsInProgress: uint32(xmits),
		XceiverCount:    uint32(p.d.data.XceiverCount()),
		FailedVolumes:   uint32(len(p.d.ds.Failures())),
	}
}

func (p *poolDataset) BlockReports(bpid string) []bpservice.StorageBlockReport {
	var out []bpservice.StorageBlockReport
	for _, r := range p.d.ds.BlockReports(bpid) {
		rs := make([]blocklist.Replica, 0, len(r.Finalized)+len(r.UnderConstruction))
		for _, list := range [][]fsdataset.ReportedReplica{r.Finalized, r.UnderConstruction} {
			for _, e := range list {
				rs = append(rs, blocklist.Replica{ID: e.ID, NumBytes: e.NumBytes, GenStamp: e.GenStamp,
					State: blocklist.ReplicaState(e.State)})
			}
		}
		out = append(out, bpservice.StorageBlockReport{Storage: storageOf(r.StorageID, r.Type), Replicas: rs})
	}
	return out
}

// storageOf is a volume as the NameNode knows it. fsdataset numbers
// storage types from 0 (DISK), the protocol from 1.
func storageOf(id string, t fsdataset.StorageType) bpservice.Storage {
	return bpservice.Storage{UUID: id, State: bpservice.StorageNormal, Type: bpservice.StorageType(t) + 1}
}

// storageByID finds a volume's storage by its id.
func (d *Daemon) storageByID(id string) (bpservice.Storage, bool) {
	for _, v := range d.ds.Volumes() {
		if v.StorageID() == id {
			return storageOf(id, v.Type), true
		}
	}
	return bpservice.Storage{}, false
}

// storageOfReplica is the storage holding r.
func (d *Daemon) storageOfReplica(r fsdataset.Replica) bpservice.Storage {
	v := d.ds.VolumeOf(r)
	return storageOf(v.StorageID(), v.Type)
}

func pbBlock(b fsdataset.Block) bpservice.Block {
	return bpservice.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes}
}

func fsBlock(b bpservice.Block) fsdataset.Block {
	return fsdataset.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes}
}

// notifier hears about replicas from the data-transfer server and tells
// the block pool's NameNodes (xceiver.Notifier).
type notifier struct{ d *Daemon }

// Receiving: a replica is being written (an incremental report entry
// that waits for the next heartbeat).
func (n *notifier) Receiving(bpid string, b fsdataset.Block, storageID string) {
	n.notify(bpid, b, storageID, bpservice.Receiving, "")
}

// Received: a replica was finalized; delHint names the DataNode a moved
// replica came from.
func (n *notifier) Received(bpid string, b fsdataset.Block, storageID string, delHint string) {
	n.notify(bpid, b, storageID, bpservice.Received, delHint)
}

// BadReplica: a replica failed its checksums.
func (n *notifier) BadReplica(bpid string, b fsdataset.Block, storageID string) {
	n.d.reportBad(bpid, b, storageID)
}

func (n *notifier) notify(bpid string, b fsdataset.Block, storageID string, st bpservice.BlockStatus, hint string) {
	svc := n.d.service(bpid)
	if svc == nil {
		n.d.log.Warn("replica event for a block pool not in service", "bpid", bpid, "block", b.String(), "status", st.String())
		return
	}
	s, ok := n.d.storageByID(storageID)
	if !ok {
		n.d.log.Warn("replica event for an unknown storage", "bpid", bpid, "block", b.String(), "storage", storageID)
		return
	}
	svc.NotifyBlock(s, bpservice.BlockEvent{Block: pbBlock(b), Status: st, DeleteHint: hint})
}

// reportBad sends reportBadBlocks for a corrupt replica.
func (d *Daemon) reportBad(bpid string, b fsdataset.Block, storageID string) {
	svc := d.service(bpid)
	s, ok := d.storageByID(storageID)
	if svc == nil || !ok {
		d.log.Warn("cannot report a bad replica", "bpid", bpid, "block", b.String(), "storage", storageID)
		return
	}
	d.log.Warn("Reporting bad replica to the NameNodes", "bpid", bpid, "block", b.String(), "storage", storageID)
	svc.ReportBadBlock(bpservice.BadBlock{BlockPoolID: bpid, Block: pbBlock(b), Storage: s})
}

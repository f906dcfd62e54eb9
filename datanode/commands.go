package datanode

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
)

// commands executes what the active NameNode asks (BPOfferService's
// processCommandFromActive). bpservice hands them over one at a time per
// NameNode; the slow ones (copies, deletions, recoveries) continue on
// goroutines of their own that Close waits for.
type commands struct{ d *Daemon }

// HandleCommand implements bpservice.CommandHandler.
func (c *commands) HandleCommand(_ context.Context, nn string, cmd bpservice.Command) error {
	d := c.d
	switch cmd.Kind {
	case bpservice.CmdTransfer:
		return d.transferBlocks(cmd)
	case bpservice.CmdInvalidate:
		d.invalidate(cmd.BlockPoolID, cmd.Blocks)
		return nil
	case bpservice.CmdRecoverBlock:
		blocks := cmd.Recover
		if !d.goBg(func() { d.recoverBlocks(d.bgCtx, blocks) }) {
			return errors.New("datanode: shutting down; block recovery not started")
		}
		return nil
	case bpservice.CmdFinalize:
		if err := d.ds.FinalizeUpgrade(cmd.BlockPoolID); err != nil {
			return fmt.Errorf("datanode: finalizing the upgrade of block pool %s: %w", cmd.BlockPoolID, err)
		}
		d.log.Info("Finalized upgrade", "bpid", cmd.BlockPoolID, "nn", nn)
		return nil
	case bpservice.CmdBalancerBandwidth:
		d.balance.SetRate(int64(cmd.Bandwidth))
		d.log.Info("Updating balance throttler bandwidth", "bytesPerSecond", cmd.Bandwidth)
		return nil
	case bpservice.CmdAccessKeyUpdate:
		return nil // block tokens are off (dfs.block.access.token.enable=false)
	}
	return fmt.Errorf("datanode: command %v is not handled", cmd.Kind)
}

// extBlock is Hadoop's ExtendedBlock.toString: "<bpid>:blk_<id>_<gs>".
func extBlock(bpid string, b fsdataset.Block) string { return bpid + ":" + b.String() }

// transferBlocks is DataNode.transferBlocks: each valid replica is copied
// to its targets by the data server, on a goroutine of its own, at most
// dfs.datanode.max.transfer.threads at a time.
func (d *Daemon) transferBlocks(cmd bpservice.Command) error {
	bpid := cmd.BlockPoolID
	svc := d.service(bpid)
	if svc == nil {
		return fmt.Errorf("datanode: transfer for block pool %s, which is not in service", bpid)
	}
	for i, pb := range cmd.Blocks {
		b := fsBlock(pb)
		if i >= len(cmd.Targets) || len(cmd.Targets[i]) == 0 {
			continue
		}
		if !d.checkTransferable(svc, bpid, b) {
			continue
		}
		targets := make([]TransferTarget, 0, len(cmd.Targets[i]))
		for _, t := range cmd.Targets[i] {
			targets = append(targets, TransferTarget{Addr: d.peerAddr(t.Node, t.Node.XferPort),
				StorageType: fsdataset.StorageType(t.StorageType - 1), StorageID: t.StorageUUID})
		}
		d.xmits.Add(1)
		started := d.goBg(func() {
			defer d.xmits.Add(-1)
			select {
			case d.transfers <- struct{}{}:
			case <-d.bgCtx.Done():
				return
			}
			defer func() { <-d.transfers }()
			if err := d.data.Transfer(d.bgCtx, bpid, b, targets); err != nil {
				d.log.Warn("transfer failed", "block", extBlock(bpid, b), "targets", len(targets), "err", err)
			}
		})
		if !started {
			d.xmits.Add(-1)
			return errors.New("datanode: shutting down; transfers not started")
		}
	}
	return nil
}

// checkTransferable is DataNode.transferBlock's check of the replica: a
// missing or unfinalized one is reported as an invalid block, one whose
// file is gone or shorter than the NameNode thinks as a bad replica.
func (d *Daemon) checkTransferable(svc *bpservice.Service, bpid string, b fsdataset.Block) bool {
	r, ok := d.ds.Get(bpid, b.ID)
	if !ok || r.GenStamp != b.GenStamp || r.State != fsdataset.Finalized {
		msg := "Can't send invalid block " + extBlock(bpid, b)
		d.log.Info(msg)
		svc.ErrorReport(bpservice.ErrorInvalidBlock, msg)
		return false
	}
	st, err := d.onDiskLength(bpid, b)
	switch {
	case err != nil:
		d.log.Warn("Can't replicate block "+extBlock(bpid, b)+" because the block file doesn't exist, or is not readable", "err", err)
		d.reportBad(bpid, b, d.ds.VolumeOf(r).StorageID())
		return false
	case st < b.NumBytes:
		d.log.Warn(fmt.Sprintf("Can't replicate block %s because on-disk length %d is shorter than NameNode recorded length %d",
			extBlock(bpid, b), st, b.NumBytes))
		d.reportBad(bpid, b, d.ds.VolumeOf(r).StorageID())
		return false
	}
	return true
}

// peerAddr is how this DataNode reaches another one on port:
// by host name with dfs.datanode.use.datanode.hostname, else by IP.
func (d *Daemon) peerAddr(id bpservice.DatanodeID, port uint32) string {
	host := id.IPAddr
	if d.cfg.UseHostnameForPeers && id.HostName != "" {
		host = id.HostName
	}
	return net.JoinHostPort(host, strconv.Itoa(int(port)))
}

// invalidate deletes replicas in the background, as Hadoop's
// FsDatasetAsyncDiskService does, and reports each deletion to the
// NameNodes once its files are gone.
func (d *Daemon) invalidate(bpid string, blocks []bpservice.Block) {
	d.goBg(func() {
		svc := d.service(bpid)
		for _, pb := range blocks {
			b := fsBlock(pb)
			r, ok := d.ds.Get(bpid, b.ID)
			var storage bpservice.Storage
			if ok {
				storage = d.storageOfReplica(r)
			}
			if err := d.ds.Invalidate(bpid, []fsdataset.Block{b}); err != nil {
				d.log.Warn("invalidate", "block", extBlock(bpid, b), "err", err)
				continue
			}
			d.log.Info("Deleted replica", "block", extBlock(bpid, b))
			if svc != nil {
				svc.NotifyBlock(storage, bpservice.BlockEvent{Block: pb, Status: bpservice.Deleted})
			}
		}
	})
}

// onDiskLength is the length of a replica's data file.
func (d *Daemon) onDiskLength(bpid string, b fsdataset.Block) (int64, error) {
	rd, err := d.ds.OpenRead(bpid, b)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	fi, err := rd.Data.Stat()
	if err != nil {
		return 0, fmt.Errorf("datanode: stat %s: %w", rd.DataPath, err)
	}
	return fi.Size(), nil
}

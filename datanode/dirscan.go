package datanode

import (
	"context"
	"errors"
	"io/fs"

	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
)

// The directory scanner (Hadoop's DirectoryScanner): every
// dfs.datanode.directoryscan.interval it compares each block pool's
// replica map with the finalized folders. A finalized replica whose data
// file is gone is dropped from the map and reported deleted, and the
// NameNodes get a full block report; the other differences are logged
// (fsdataset does not yet let them be repaired in place).

func (d *Daemon) runDirScanner(ctx context.Context) {
	for {
		if err := d.sleep(ctx, d.cfg.DirectoryScanInterval); err != nil {
			return
		}
		for _, bpid := range d.blockPools() {
			if ctx.Err() != nil {
				return
			}
			d.directoryScan(bpid)
		}
	}
}

// dirScanResult counts what one scan of a block pool found.
type dirScanResult struct {
	Diffs   int // differences found
	Removed int // replicas dropped because their data file is gone
}

// directoryScan compares one block pool and repairs what it can.
func (d *Daemon) directoryScan(bpid string) dirScanResult {
	diffs, err := d.ds.DirectoryScan(bpid)
	if err != nil {
		d.log.Warn("directory scan failed", "bpid", bpid, "err", err)
		return dirScanResult{}
	}
	res := dirScanResult{Diffs: len(diffs)}
	svc := d.service(bpid)
	for _, df := range diffs {
		if df.Kind != fsdataset.MissingOnDisk {
			d.log.Warn("directory scanner: replica map and disk differ", "bpid", bpid, "block", df.ID, "diff", df.Kind.String())
			continue
		}
		// Re-check under the current map: the replica may have been
		// deleted or replaced while the scan ran (checkAndUpdate).
		r, ok := d.ds.Get(bpid, df.ID)
		if !ok || r.State != fsdataset.Finalized || r.GenStamp != df.Memory.GenStamp {
			continue
		}
		if _, err := d.onDiskLength(bpid, r.Block()); err == nil || !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		storage := d.storageOfReplica(r)
		if err := d.ds.Invalidate(bpid, []fsdataset.Block{r.Block()}); err != nil {
			d.log.Warn("directory scanner: dropping a replica whose file is gone", "block", extBlock(bpid, r.Block()), "err", err)
			continue
		}
		d.log.Warn("Removed block from the replica map: its data file is missing", "block", extBlock(bpid, r.Block()))
		res.Removed++
		if svc != nil {
			svc.NotifyBlock(storage, bpservice.BlockEvent{Block: pbBlock(r.Block()), Status: bpservice.Deleted})
		}
	}
	if res.Removed > 0 && svc != nil {
		svc.ForceFullBlockReport()
	}
	if res.Diffs > 0 {
		d.log.Info("directory scan done", "bpid", bpid, "differences", res.Diffs, "removed", res.Removed)
	}
	return res
}

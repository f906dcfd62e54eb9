package datanode

import (
	"context"
	"fmt"
	"time"

	"github.com/hdfsd/hdfsd/datanode/bpservice"
)

// volumeCheckInterval is how often the DataNode looks at its volume
// failures (fsdataset records them as I/O fails).
const volumeCheckInterval = 30 * time.Second

// runVolumeChecker is DataNode.handleVolumeFailures on a tick: each newly
// failed volume is reported to the NameNodes as a disk error; once more
// volumes failed than dfs.datanode.failed.volumes.tolerated allows, a
// fatal disk error is reported and the DataNode stops.
func (d *Daemon) runVolumeChecker(ctx context.Context) {
	seen := len(d.ds.Failures())
	for {
		if err := d.sleep(ctx, volumeCheckInterval); err != nil {
			return
		}
		var err error
		if seen, err = d.checkVolumes(seen); err != nil {
			return
		}
	}
}

// checkVolumes reports the failures after the first seen and returns
// their count, or the error that stops the DataNode.
func (d *Daemon) checkVolumes(seen int) (int, error) {
	fs := d.ds.Failures()
	for _, f := range fs[min(seen, len(fs)):] {
		msg := fmt.Sprintf("DataNode failed volumes:%s;", f.Root)
		d.log.Warn(msg, "err", f.Err)
		d.eachService(func(s *bpservice.Service) { s.ErrorReport(bpservice.ErrorDiskError, msg) })
	}
	err := d.ds.CheckVolumes()
	if err != nil {
		msg := "DataNode is shutting down due to failed volumes: " + err.Error()
		d.log.Error(msg)
		d.eachService(func(s *bpservice.Service) { s.ErrorReport(bpservice.ErrorFatalDiskError, msg) })
		d.fail(fmt.Errorf("datanode: too many failed volumes: %w", err))
	}
	return len(fs), err
}

func (d *Daemon) eachService(fn func(*bpservice.Service)) {
	for _, p := range d.poolList() {
		fn(p.svc)
	}
}

// fail makes Run stop the daemon and return err.
func (d *Daemon) fail(err error) {
	select {
	case d.fatal <- err:
	default:
	}
}

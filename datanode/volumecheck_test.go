package datanode

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// DataNode.handleVolumeFailures: a failed volume within
// dfs.datanode.failed.volumes.tolerated is reported as DISK_ERROR and the
// DataNode goes on; one more stops it.
func TestFailedVolumesAreReportedAndTooManyStopTheDataNode(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 3)
	_, _, sid := putReplica(t, dirs, fsdataset.Block{ID: 1073741840, GenStamp: 1}, pattern(10))
	c, cfg := testConfig(t, nn.addr(), dirs...)
	cfg.FailedVolumesTolerated = 1
	ffs := fsdataset.NewFaultFS(fsdataset.OSFS)
	d := startDaemonWith(t, c, cfg, Options{FS: ffs})
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })

	ffs.Inject(fsdataset.FailUnder(0, dirs[2], syscall.EIO))
	d.Dataset().StorageReports(testBPID) // the next I/O on the volume fails it
	seen, err := d.checkVolumes(0)
	if err != nil || seen != 1 {
		t.Fatalf("one failed volume of three, one tolerated: seen %d, %v", seen, err)
	}
	nn.waitFor("a DISK_ERROR report naming the volume", func() bool {
		for _, e := range nn.mu.errs {
			if e.GetErrorCode() == 1 && strings.Contains(e.GetMsg(), dirs[2]) {
				return true
			}
		}
		return false
	})

	ffs.Inject(func(_ storage.Op, path string) error {
		if strings.HasPrefix(path, dirs[1]) || strings.HasPrefix(path, dirs[2]) {
			return syscall.EIO
		}
		return nil
	})
	d.Dataset().StorageReports(testBPID)
	if _, err := d.checkVolumes(seen); err == nil {
		t.Fatal("two failed volumes, one tolerated: no error")
	}
	d.wantErr = true
	select {
	case err := <-d.done:
		if err == nil || !strings.Contains(err.Error(), "too many failed volumes") {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("the DataNode did not stop")
	}
	d.done <- nil
}

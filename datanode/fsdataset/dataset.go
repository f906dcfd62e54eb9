package fsdataset

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Config is what a Dataset needs from hdfs-site.xml; the DataNode reads
// the keys, this package only takes the values.
type Config struct {
	// Locations are the dfs.datanode.data.dir entries (ParseLocations).
	Locations []Location
	// Reserved is dfs.datanode.du.reserved (bytes kept free per volume),
	// with per-type overrides (dfs.datanode.du.reserved.<type>).
	Reserved       int64
	ReservedByType map[StorageType]int64
	// FailedVolumesTolerated is dfs.datanode.failed.volumes.tolerated
	// (default 0; -1 means "keep going while one volume works").
	FailedVolumesTolerated int
	// Chooser picks the volume of a new replica (default: round robin
	// with Hadoop's 1 GiB of additional space).
	Chooser VolumeChooser
	// FS is the file system (default OSFS).
	FS FS
	// Now is the clock (default time.Now), for dfsUsed and VERSION dates.
	Now func() time.Time
	// Logf receives what Hadoop logs at INFO and WARN (default: nothing).
	Logf func(format string, args ...any)
}

// VolumeFailure is a volume taken out of service.
type VolumeFailure struct {
	Root string
	Err  error
	At   time.Time
}

// Dataset is the DataNode's replicas on all its volumes. See the package
// doc for its concurrency rules.
type Dataset struct {
	cfg  Config
	fsys FS
	vols []*Volume // fixed at Open; failed ones stay with Failed() true

	mu struct {
		sync.Mutex
		datanodeUUID string
		pools        map[string]map[int64]Replica
		writers      map[writerKey]*Writer
		failures     []VolumeFailure
		pending      []pendingFailure // volumes to fail once ds.mu is released
	}
}

type writerKey struct {
	bpid string
	id   int64
}

// Open locks and reads every configured volume: a volume that cannot be
// opened is recorded as failed, and Open fails when more volumes failed
// than tolerated. Unformatted volumes are formatted by AddBlockPool.
func Open(cfg Config) (*Dataset, error) {
	if cfg.FS == nil {
		cfg.FS = OSFS
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.Chooser == nil {
		cfg.Chooser = NewRoundRobin(DefaultAdditionalAvailableSpace)
	}
	if err := ValidateFailedVolumesTolerated(cfg.FailedVolumesTolerated, len(cfg.Locations)); err != nil {
		return nil, err
	}
	ds := &Dataset{cfg: cfg, fsys: cfg.FS}
	ds.mu.pools = map[string]map[int64]Replica{}
	ds.mu.writers = map[writerKey]*Writer{}
	for i, loc := range cfg.Locations {
		v := &Volume{Root: loc.Path, Type: loc.Type, Reserved: cfg.Reserved, idx: uint16(i), fsys: cfg.FS}
		if r, ok := cfg.ReservedByType[loc.Type]; ok {
			v.Reserved = r
		}
		v.mu.dfsUsed = map[string]*atomic.Int64{}
		v.mu.loaded = map[string]bool{}
		ds.vols = append(ds.vols, v)
		if err := ds.openVolume(v); err != nil {
			ds.failVolume(v, err)
		}
	}
	if err := ds.checkFailures(); err != nil {
		ds.unlockAll()
		errs := []error{err}
		for _, f := range ds.Failures() {
			errs = append(errs, f.Err)
		}
		return nil, errors.Join(errs...)
	}
	return ds, nil
}

func (ds *Dataset) openVolume(v *Volume) error {
	if err := ds.fsys.MkdirAll(v.Root, 0o700); err != nil {
		return fmt.Errorf("fsdataset: creating %s: %w", v.Root, err)
	}
	lock, err := storage.LockDir(ds.fsys, v.Root)
	if err != nil {
		return fmt.Errorf("fsdataset: %w", err)
	}
	v.mu.Lock()
	v.mu.lock = lock
	v.mu.Unlock()
	name := filepath.Join(v.current(), FileVersion)
	data, err := storage.ReadFile(ds.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		ds.cfg.Logf("Storage directory %s is not formatted", v.Root)
		return nil
	}
	if err != nil {
		return fmt.Errorf("fsdataset: reading %s: %w", name, err)
	}
	ver, err := ParseDNVersion(data, name)
	if err != nil {
		return err
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ver.DatanodeUUID != "" {
		if ds.mu.datanodeUUID == "" {
			ds.mu.datanodeUUID = ver.DatanodeUUID
		} else if ds.mu.datanodeUUID != ver.DatanodeUUID {
			return fmt.Errorf("%w: Directory %s is in an inconsistent state: Root %s: DatanodeUuid=%s, does not match %s from other StorageDirectory.",
				ErrIncompatible, v.Root, v.Root, ver.DatanodeUUID, ds.mu.datanodeUUID)
		}
	}
	v.mu.Lock()
	v.mu.version, v.mu.formatted = ver, true
	v.mu.Unlock()
	return nil
}

// DatanodeUUID is the datanodeUuid the volumes agree on; one is made up
// when no volume has one yet.
func (ds *Dataset) DatanodeUUID() string {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.mu.datanodeUUID == "" {
		ds.mu.datanodeUUID = NewDatanodeUUID()
	}
	return ds.mu.datanodeUUID
}

// Volumes lists every configured volume, failed ones included.
func (ds *Dataset) Volumes() []*Volume { return append([]*Volume(nil), ds.vols...) }

// healthy lists the volumes in service.
func (ds *Dataset) healthy() []*Volume {
	var out []*Volume
	for _, v := range ds.vols {
		if !v.failed.Load() {
			out = append(out, v)
		}
	}
	return out
}

// Failures lists the volumes taken out of service, oldest first.
func (ds *Dataset) Failures() []VolumeFailure {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return append([]VolumeFailure(nil), ds.mu.failures...)
}

// failVolume takes v out of service: its replicas leave the map (the next
// block report no longer lists them) and its lock is released.
func (ds *Dataset) failVolume(v *Volume, err error) {
	if !v.failed.CompareAndSwap(false, true) {
		return
	}
	now := ds.cfg.Now()
	v.mu.Lock()
	v.mu.failErr, v.mu.failedAt = err, now
	v.mu.Unlock()
	ds.cfg.Logf("Removing failed volume %s: %v", v.Root, err)
	ds.mu.Lock()
	ds.mu.failures = append(ds.mu.failures, VolumeFailure{Root: v.Root, Err: err, At: now})
	for _, m := range ds.mu.pools {
		for id, r := range m {
			if r.Volume == v.idx {
				delete(m, id)
			}
		}
	}
	ds.mu.Unlock()
	v.releaseLock()
}

// ioError reports err from an operation on v and fails v when err is an
// I/O failure rather than a full disk or a missing file.
func (ds *Dataset) ioError(v *Volume, err error) error {
	if isIOFailure(err) {
		ds.failVolume(v, err)
		return fmt.Errorf("%w: %w", ErrVolumeFailed, err)
	}
	return err
}

// checkFailures applies dfs.datanode.failed.volumes.tolerated.
func (ds *Dataset) checkFailures() error {
	failed := 0
	for _, v := range ds.vols {
		if v.failed.Load() {
			failed++
		}
	}
	return CheckVolumeFailures(len(ds.vols), failed, ds.cfg.FailedVolumesTolerated)
}

// CheckVolumes is the periodic failed-volume check: nil while the
// DataNode may keep running.
func (ds *Dataset) CheckVolumes() error { return ds.checkFailures() }

// BlockPools lists the block pools added, sorted.
func (ds *Dataset) BlockPools() []string {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	var out []string
	for bp := range ds.mu.pools {
		out = append(out, bp)
	}
	sort.Strings(out)
	return out
}

// Shutdown stops the writers, saves every block pool's dfsUsed and
// releases the volume locks.
func (ds *Dataset) Shutdown() error {
	ds.mu.Lock()
	var ws []*Writer
	for _, w := range ds.mu.writers {
		ws = append(ws, w)
	}
	pools := make([]string, 0, len(ds.mu.pools))
	for bp := range ds.mu.pools {
		pools = append(pools, bp)
	}
	ds.mu.Unlock()
	for _, w := range ws {
		w.stop()
	}
	var first error
	for _, v := range ds.healthy() {
		for _, bp := range pools {
			if err := ds.saveDfsUsed(v, bp); err != nil && first == nil {
				first = err
			}
		}
	}
	ds.unlockAll()
	return first
}

func (ds *Dataset) unlockAll() {
	for _, v := range ds.vols {
		v.releaseLock()
	}
}

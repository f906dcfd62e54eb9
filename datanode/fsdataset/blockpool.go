package fsdataset

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// DfsUsedTTL is how long a saved dfsUsed stays good
// (dfs.datanode.cached-dfsused.check.interval.ms).
const DfsUsedTTL = 600 * time.Second

// AddBlockPool brings a block pool into service on every healthy volume,
// as DataStorage and BlockPoolSliceStorage do when the NameNode's
// namespace info arrives: an unformatted volume is formatted for ns; a
// volume of another cluster is refused; a missing block pool folder is
// created; a -55/-56 one is upgraded; then its replicas are loaded. A
// volume that fails here is taken out of service, and AddBlockPool fails
// only when no volume is left or more failed than tolerated.
func (ds *Dataset) AddBlockPool(ns NamespaceInfo) error {
	var errs []error
	for _, v := range ds.healthy() {
		if err := ds.addBlockPoolOn(v, ns); err != nil {
			errs = append(errs, err)
			ds.failVolume(v, err)
		}
	}
	if len(ds.healthy()) == 0 {
		return fmt.Errorf("fsdataset: All specified directories have failed to load.: %w", errors.Join(errs...))
	}
	if err := ds.checkFailures(); err != nil {
		return fmt.Errorf("%w: %w", err, errors.Join(errs...))
	}
	return nil
}

func (ds *Dataset) addBlockPoolOn(v *Volume, ns NamespaceInfo) error {
	v.mu.Lock()
	loaded := v.mu.loaded[ns.BlockPoolID]
	v.mu.Unlock()
	if loaded {
		return nil // a re-registration: the slice is in service already
	}
	if err := ds.prepareVolume(v, ns); err != nil {
		return err
	}
	if err := ds.prepareBlockPool(v, ns); err != nil {
		return err
	}
	if err := ds.loadSlice(v, ns.BlockPoolID); err != nil {
		return err
	}
	v.mu.Lock()
	v.mu.loaded[ns.BlockPoolID] = true
	v.mu.Unlock()
	return nil
}

// prepareVolume formats an empty volume or checks a formatted one.
func (ds *Dataset) prepareVolume(v *Volume, ns NamespaceInfo) error {
	v.mu.Lock()
	ver, formatted := v.mu.version, v.mu.formatted
	v.mu.Unlock()
	if !formatted {
		ds.cfg.Logf("Storage directory %s is not formatted for namespace %d. Formatting...", v.Root, ns.NamespaceID)
		ver = DNVersion{LayoutVersion: LayoutVersion, StorageID: NewStorageID(),
			ClusterID: ns.ClusterID, DatanodeUUID: ds.DatanodeUUID()}
		if err := storage.ClearCurrent(ds.fsys, v.Root); err != nil {
			return fmt.Errorf("fsdataset: formatting %s: %w", v.Root, err)
		}
		return ds.writeDNVersion(v, ver)
	}
	if ver.ClusterID != ns.ClusterID {
		return fmt.Errorf("%w: Incompatible clusterIDs in %s: namenode clusterID = %s; datanode clusterID = %s",
			ErrIncompatible, v.Root, ns.ClusterID, ver.ClusterID)
	}
	changed := false
	if !IsValidStorageID(ver.StorageID) {
		ver.StorageID, changed = NewStorageID(), true
		ds.cfg.Logf("Generated new storageID %s for directory %s", ver.StorageID, v.Root)
	}
	if ver.DatanodeUUID == "" {
		ver.DatanodeUUID, changed = ds.DatanodeUUID(), true
	}
	if ver.LayoutVersion != LayoutVersion {
		ver.LayoutVersion, changed = LayoutVersion, true // Hadoop's upgradeProperties
		ds.cfg.Logf("Updating layout version of %s from %d to %d", v.Root, v.Version().LayoutVersion, LayoutVersion)
	}
	if !changed {
		return nil
	}
	return ds.writeDNVersion(v, ver)
}

func (ds *Dataset) writeDNVersion(v *Volume, ver DNVersion) error {
	if err := ds.fsys.MkdirAll(v.current(), 0o700); err != nil {
		return fmt.Errorf("fsdataset: formatting %s: %w", v.Root, err)
	}
	name := filepath.Join(v.current(), FileVersion)
	if err := storage.WriteFileAtomic(ds.fsys, name, ver.Marshal(ds.cfg.Now())); err != nil {
		return fmt.Errorf("fsdataset: %w", err)
	}
	v.mu.Lock()
	v.mu.version, v.mu.formatted = ver, true
	v.mu.Unlock()
	return nil
}

// prepareBlockPool formats, checks or upgrades <volume>/current/<bpid>.
func (ds *Dataset) prepareBlockPool(v *Volume, ns NamespaceInfo) error {
	bpCur := v.bpCurrent(ns.BlockPoolID)
	if err := ds.recoverUpgrade(v, ns.BlockPoolID); err != nil {
		return fmt.Errorf("fsdataset: recovering %s: %w", v.bpDir(ns.BlockPoolID), err)
	}
	name := filepath.Join(bpCur, FileVersion)
	data, err := storage.ReadFile(ds.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		ds.cfg.Logf("Block pool storage directory %s is not formatted for %s. Formatting ...", v.bpDir(ns.BlockPoolID), ns.BlockPoolID)
		if err := ds.fsys.RemoveAll(bpCur); err != nil {
			return fmt.Errorf("fsdataset: formatting %s: %w", bpCur, err)
		}
		return ds.writeBPVersion(v, BPVersion{LayoutVersion: LayoutVersion,
			NamespaceID: ns.NamespaceID, BlockPoolID: ns.BlockPoolID, CTime: ns.CTime})
	}
	if err != nil {
		return fmt.Errorf("fsdataset: reading %s: %w", name, err)
	}
	ver, err := ParseBPVersion(data, name)
	if err != nil {
		return err
	}
	if ver.NamespaceID != ns.NamespaceID {
		return fmt.Errorf("%w: Incompatible namespaceIDs in %s: namenode namespaceID = %d; datanode namespaceID = %d",
			ErrIncompatible, v.bpDir(ns.BlockPoolID), ns.NamespaceID, ver.NamespaceID)
	}
	if ver.BlockPoolID != ns.BlockPoolID {
		return fmt.Errorf("%w: Incompatible blockpoolIDs in %s: namenode blockpoolID = %s; datanode blockpoolID = %s",
			ErrIncompatible, v.bpDir(ns.BlockPoolID), ns.BlockPoolID, ver.BlockPoolID)
	}
	if ver.LayoutVersion == LayoutVersion && ver.CTime == ns.CTime {
		return nil
	}
	if ver.LayoutVersion == LayoutVersion && ver.CTime > ns.CTime {
		return fmt.Errorf("%w: Datanode state: LV = %d CTime = %d is newer than the namespace state: LV = %d CTime = %d",
			ErrIncompatible, ver.LayoutVersion, ver.CTime, LayoutVersion, ns.CTime)
	}
	return ds.upgradeBlockPool(v, ver, ns)
}

func (ds *Dataset) writeBPVersion(v *Volume, ver BPVersion) error {
	bpCur := v.bpCurrent(ver.BlockPoolID)
	for _, d := range []string{filepath.Join(bpCur, DirFinalized), filepath.Join(bpCur, DirRBW)} {
		if err := ds.fsys.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("fsdataset: formatting %s: %w", bpCur, err)
		}
	}
	name := filepath.Join(bpCur, FileVersion)
	if err := storage.WriteFileAtomic(ds.fsys, name, ver.Marshal(ds.cfg.Now())); err != nil {
		return fmt.Errorf("fsdataset: %w", err)
	}
	return nil
}

// ParseDfsUsed reads a dfsUsed file ("<bytes> <ms>") and reports the
// bytes when the file is younger than DfsUsedTTL at now.
func ParseDfsUsed(data []byte, now time.Time) (int64, bool) {
	f := bytes.Fields(data)
	if len(f) < 2 {
		return 0, false
	}
	used, err1 := strconv.ParseInt(string(f[0]), 10, 64)
	ms, err2 := strconv.ParseInt(string(f[1]), 10, 64)
	if err1 != nil || err2 != nil || ms <= 0 {
		return 0, false
	}
	return used, now.UnixMilli()-ms < DfsUsedTTL.Milliseconds()
}

// FormatDfsUsed is the dfsUsed file Hadoop writes: no newline.
func FormatDfsUsed(used int64, now time.Time) []byte {
	return []byte(strconv.FormatInt(used, 10) + " " + strconv.FormatInt(now.UnixMilli(), 10))
}

func (ds *Dataset) saveDfsUsed(v *Volume, bpid string) error {
	name := filepath.Join(v.bpCurrent(bpid), FileDfsUsed)
	data := FormatDfsUsed(v.BlockPoolUsed(bpid), ds.cfg.Now())
	if err := storage.WriteFileAtomic(ds.fsys, name, data); err != nil {
		return fmt.Errorf("fsdataset: Failed to write dfsUsed to %s: %w", name, err)
	}
	return nil
}

// ShutdownBlockPool takes a block pool out of service and leaves its
// files alone (FsDatasetImpl.shutdownBlockPool): its writers stop, its
// dfsUsed is saved, and its replicas leave the map and the volumes'
// usage. AddBlockPool loads it again from disk.
func (ds *Dataset) ShutdownBlockPool(bpid string) error {
	ds.mu.Lock()
	if _, ok := ds.mu.pools[bpid]; !ok {
		ds.mu.Unlock()
		return fmt.Errorf("%w: block pool %s is not in service", ErrInvalid, bpid)
	}
	var ws []*Writer
	for k, w := range ds.mu.writers {
		if k.bpid == bpid {
			ws = append(ws, w)
		}
	}
	ds.mu.Unlock()
	ds.cfg.Logf("Removing block pool %s", bpid)
	for _, w := range ws {
		w.stop()
	}
	var errs []error
	for _, v := range ds.healthy() {
		v.mu.Lock()
		loaded := v.mu.loaded[bpid]
		v.mu.Unlock()
		if loaded {
			errs = append(errs, ds.saveDfsUsed(v, bpid))
		}
		v.mu.Lock()
		delete(v.mu.loaded, bpid)
		delete(v.mu.dfsUsed, bpid)
		v.mu.Unlock()
	}
	ds.mu.Lock()
	delete(ds.mu.pools, bpid)
	ds.mu.Unlock()
	return errors.Join(errs...)
}

// DeleteBlockPool removes a block pool that is not in service from every
// volume (FsDatasetImpl.deleteBlockPool). Unless force is set, a pool
// with replica files left in finalized/ or rbw/ on any volume is refused
// and nothing is deleted.
func (ds *Dataset) DeleteBlockPool(bpid string, force bool) error {
	ds.mu.Lock()
	_, inService := ds.mu.pools[bpid]
	ds.mu.Unlock()
	if inService {
		return fmt.Errorf("%w: block pool %s is in service", ErrInvalid, bpid)
	}
	vols := ds.healthy()
	if !force {
		for _, v := range vols {
			empty, err := ds.bpDirEmpty(v, bpid)
			if err != nil {
				return err
			}
			if !empty {
				ds.cfg.Logf("%s has some block files, cannot delete unless forced", bpid)
				return ErrBlockPoolNotEmpty
			}
		}
	}
	for _, v := range vols {
		if err := ds.fsys.RemoveAll(v.bpDir(bpid)); err != nil {
			return fmt.Errorf("fsdataset: deleting block pool %s: %w", v.bpDir(bpid), err)
		}
	}
	return nil
}

// bpDirEmpty reports whether a volume holds no file under the pool's
// finalized/ and nothing in its rbw/ (FsVolumeImpl.isBPDirEmpty).
func (ds *Dataset) bpDirEmpty(v *Volume, bpid string) (bool, error) {
	cur := v.bpCurrent(bpid)
	names, err := ds.fsys.ReadDir(filepath.Join(cur, DirRBW))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("fsdataset: %w", err)
	}
	if len(names) > 0 {
		return false, nil
	}
	return ds.noFilesBelow(filepath.Join(cur, DirFinalized))
}

func (ds *Dataset) noFilesBelow(dir string) (bool, error) {
	names, err := ds.fsys.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("fsdataset: %w", err)
	}
	for _, n := range names {
		p := filepath.Join(dir, n)
		fi, err := ds.fsys.Stat(p)
		if err != nil {
			return false, fmt.Errorf("fsdataset: %w", err)
		}
		if !fi.IsDir() {
			return false, nil
		}
		if empty, err := ds.noFilesBelow(p); err != nil || !empty {
			return false, err
		}
	}
	return true, nil
}

package fsdataset

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// upgradeBlockPool is BlockPoolSliceStorage.doUpgrade for a -55/-56
// block pool (or one whose cTime is older than the namespace's): current/
// becomes previous.tmp/, every block and .meta file is hard-linked into a
// new current/ at its layout -57 place, the new VERSION is written, and
// previous.tmp/ becomes previous/ (kept until FinalizeUpgrade).
func (ds *Dataset) upgradeBlockPool(v *Volume, ver BPVersion, ns NamespaceInfo) error {
	bpDir := v.bpDir(ns.BlockPoolID)
	cur, prev, tmp := filepath.Join(bpDir, DirCurrent), filepath.Join(bpDir, DirPrevious), filepath.Join(bpDir, DirPrevTmp)
	ds.cfg.Logf("Upgrading block pool storage directory %s.\n   old LV = %d; old CTime = %d.\n   new LV = %d; new CTime = %d",
		bpDir, ver.LayoutVersion, ver.CTime, LayoutVersion, ns.CTime)
	if err := ds.fsys.RemoveAll(prev); err != nil {
		return fmt.Errorf("fsdataset: upgrading %s: %w", bpDir, err)
	}
	if err := ds.fsys.Rename(cur, tmp); err != nil {
		return fmt.Errorf("fsdataset: upgrading %s: %w", bpDir, err)
	}
	if err := ds.linkAll(tmp, cur); err != nil {
		return fmt.Errorf("fsdataset: upgrading %s: %w", bpDir, err)
	}
	nv := BPVersion{LayoutVersion: LayoutVersion, NamespaceID: ns.NamespaceID, BlockPoolID: ns.BlockPoolID, CTime: ns.CTime}
	if err := ds.writeBPVersion(v, nv); err != nil {
		return err
	}
	if err := ds.fsys.Rename(tmp, prev); err != nil {
		return fmt.Errorf("fsdataset: upgrading %s: %w", bpDir, err)
	}
	ds.cfg.Logf("Upgrade of %s is complete", bpDir)
	return nil
}

// linkAll hard-links the replicas of an old current/ (from) into a new
// one (to): finalized files by block id, rbw files as they are. When one
// block id has files in several old folders (HDFS-7443), the choice is
// DataStorage.removeDuplicateEntries': the .meta with the highest
// generation stamp, the data file from that .meta's folder when it has
// one, and among several data files the longest.
func (ds *Dataset) linkAll(from, to string) error {
	fin, err := ds.collectLinks(filepath.Join(from, DirFinalized))
	if err != nil {
		return err
	}
	if err := ds.linkBest(fin, func(id int64) string { return filepath.Join(to, DirFinalized, IDToBlockDir(id)) }); err != nil {
		return err
	}
	rbw, err := ds.collectLinks(filepath.Join(from, DirRBW))
	if err != nil {
		return err
	}
	return ds.linkBest(rbw, func(int64) string { return filepath.Join(to, DirRBW) })
}

// linkFile is one old block or .meta file.
type linkFile struct {
	dir, name string
	n         int64 // generation stamp of a .meta, length of a data file
}

// blockFiles are the old files of one block id.
type blockFiles struct{ data, metas []linkFile }

// collectLinks lists the block files under dir (and its subdir* folders)
// by block id.
func (ds *Dataset) collectLinks(dir string) (map[int64]*blockFiles, error) {
	out := map[int64]*blockFiles{}
	get := func(id int64) *blockFiles {
		if out[id] == nil {
			out[id] = &blockFiles{}
		}
		return out[id]
	}
	var walk func(dir string) error
	walk = func(dir string) error {
		names, err := ds.fsys.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, n := range names {
			if id, ok := ParseBlockName(n); ok {
				st, err := ds.fsys.Stat(filepath.Join(dir, n))
				if err != nil {
					return err
				}
				get(id).data = append(get(id).data, linkFile{dir, n, st.Size()})
			} else if id, gs, ok := ParseMetaName(n); ok {
				get(id).metas = append(get(id).metas, linkFile{dir, n, gs})
			} else if strings.HasPrefix(n, "subdir") {
				if err := walk(filepath.Join(dir, n)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk(dir)
}

// choose picks the files of one block to link.
func (f *blockFiles) choose() (data, meta *linkFile) {
	if len(f.metas) > 0 {
		meta = &f.metas[0]
		for i := range f.metas {
			if f.metas[i].n > meta.n {
				meta = &f.metas[i]
			}
		}
	}
	cands := f.data
	if len(cands) > 1 && len(f.metas) > 1 {
		var inBest []linkFile
		for _, d := range cands {
			for _, m := range f.metas {
				if m.n == meta.n && m.dir == d.dir {
					inBest = append(inBest, d)
					break
				}
			}
		}
		if len(inBest) > 0 {
			cands = inBest
		}
	}
	for i := range cands {
		if data == nil || cands[i].n > data.n {
			data = &cands[i]
		}
	}
	return data, meta
}

func (ds *Dataset) linkBest(files map[int64]*blockFiles, dest func(int64) string) error {
	made := map[string]bool{}
	for id, f := range files {
		data, meta := f.choose()
		if len(f.data) > 1 || len(f.metas) > 1 {
			ds.cfg.Logf("Block %s has duplicate files; linking %v and %v", BlockName(id), data, meta)
		}
		d := dest(id)
		if !made[d] {
			if err := ds.fsys.MkdirAll(d, 0o700); err != nil {
				return err
			}
			made[d] = true
		}
		for _, lf := range []*linkFile{data, meta} {
			if lf == nil {
				continue
			}
			if err := ds.fsys.Link(filepath.Join(lf.dir, lf.name), filepath.Join(d, lf.name)); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
		}
	}
	return nil
}

// recoverUpgrade finishes or undoes an upgrade a crash interrupted (a
// previous.tmp/ left behind), as Hadoop's COMPLETE_UPGRADE and
// RECOVER_UPGRADE do: with a new VERSION in current/ the upgrade is
// complete; without one, the old current/ is put back.
func (ds *Dataset) recoverUpgrade(v *Volume, bpid string) error {
	bpDir := v.bpDir(bpid)
	cur, prev, tmp := filepath.Join(bpDir, DirCurrent), filepath.Join(bpDir, DirPrevious), filepath.Join(bpDir, DirPrevTmp)
	if _, err := ds.fsys.Stat(tmp); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := ds.fsys.Stat(filepath.Join(cur, FileVersion)); err == nil {
		ds.cfg.Logf("Completing previous upgrade for storage directory %s", bpDir)
		if err := ds.fsys.RemoveAll(prev); err != nil {
			return err
		}
		return ds.fsys.Rename(tmp, prev)
	}
	ds.cfg.Logf("Recovering storage directory %s from previous upgrade", bpDir)
	if err := ds.fsys.RemoveAll(cur); err != nil {
		return err
	}
	return ds.fsys.Rename(tmp, cur)
}

// FinalizeUpgrade deletes the previous/ an upgrade kept for bpid on
// every healthy volume (the NameNode's finalize command).
func (ds *Dataset) FinalizeUpgrade(bpid string) error {
	var errs []error
	for _, v := range ds.healthy() {
		if err := ds.fsys.RemoveAll(filepath.Join(v.bpDir(bpid), DirPrevious)); err != nil {
			errs = append(errs, fmt.Errorf("fsdataset: finalizing upgrade of %s: %w", v.bpDir(bpid), err))
		}
	}
	return errors.Join(errs...)
}

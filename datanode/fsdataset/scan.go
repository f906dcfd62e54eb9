package fsdataset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// DiskReplica is a replica as a scan of a volume finds it.
type DiskReplica struct {
	Replica
	Data string // data file path ("" when only a .meta was found)
	Meta string // .meta path ("" when the data file has none)
}

// loadSlice clears tmp/, scans finalized/ and rbw/ of one block pool on
// v and adds what it finds to the map (BlockPoolSlice's constructor and
// getVolumeMap).
func (ds *Dataset) loadSlice(v *Volume, bpid string) error {
	tmp := v.tmpDir(bpid)
	if err := ds.fsys.RemoveAll(tmp); err != nil {
		return fmt.Errorf("fsdataset: clearing %s: %w", tmp, err)
	}
	for _, d := range []string{tmp, v.rbwDir(bpid), filepath.Join(v.bpCurrent(bpid), DirFinalized)} {
		if err := ds.fsys.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("fsdataset: creating %s: %w", d, err)
		}
	}
	// Hadoop's shutdown replica cache would be stale once hdfsd changes
	// the volume; hdfsd always scans.
	if err := ds.fsys.Remove(filepath.Join(v.bpCurrent(bpid), FileReplicas)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("fsdataset: removing replica cache of %s: %w", v.bpCurrent(bpid), err)
	}
	found, used, err := ScanSlice(ds.fsys, v.bpCurrent(bpid), ds.cfg.Logf)
	if err != nil {
		return err
	}
	if err := ds.relocate(v, bpid, found); err != nil {
		return err
	}
	if data, err := storage.ReadFile(ds.fsys, filepath.Join(v.bpCurrent(bpid), FileDfsUsed)); err == nil {
		if cached, ok := ParseDfsUsed(data, ds.cfg.Now()); ok {
			used = cached
		}
	}
	v.usedCounter(bpid).Store(used)
	for i := range found {
		found[i].Volume = v.idx
		if found[i].State == RWR {
			ds.applyRestartMarker(v, bpid, &found[i])
		}
	}
	ds.addScanned(bpid, found)
	return nil
}

// RestartMarker is the file a DataNode restarting for an upgrade leaves
// for each replica it was writing: "<bp>/current/rbw:.blk_<id>.restart"
// (Hadoop joins the rbw path and the name with File.pathSeparator),
// holding the time in ms until which the replica may rejoin its pipeline.
func RestartMarker(bpCurrent string, id int64) string {
	return filepath.Join(bpCurrent, DirRBW) + ":." + BlockName(id) + ".restart"
}

// MarkForRestart leaves the restart marker of replica id, being written,
// so that the DataNode's next start before until loads it as RBW and its
// writer's pipeline can take it up again
// (LocalReplicaInPipeline.createRestartMetaStream).
func (ds *Dataset) MarkForRestart(bpid string, id int64, until time.Time) error {
	r, ok := ds.Get(bpid, id)
	if !ok || r.State != RBW {
		return replicaErr(Block{ID: id}, "", ErrReplicaNotFound, "no replica being written to mark for a restart")
	}
	p := RestartMarker(ds.VolumeOf(r).bpCurrent(bpid), id)
	if err := storage.WriteFileAtomic(ds.fsys, p, []byte(strconv.FormatInt(until.UnixMilli(), 10))); err != nil {
		return fmt.Errorf("fsdataset: writing restart marker %s: %w", p, err)
	}
	return nil
}

// applyRestartMarker loads an rbw/ replica as RBW instead of RWR when its
// restart marker has not expired (BlockPoolSlice.addReplicaToReplicasMap);
// the marker is deleted either way.
func (ds *Dataset) applyRestartMarker(v *Volume, bpid string, r *DiskReplica) {
	p := RestartMarker(v.bpCurrent(bpid), r.ID)
	data, err := storage.ReadFile(ds.fsys, p)
	if err != nil {
		return
	}
	if err := ds.fsys.Remove(p); err != nil {
		ds.cfg.Logf("Failed to delete restart meta file: %s", p)
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return
	}
	if until, err := strconv.ParseInt(f[0], 10, 64); err == nil && until > ds.cfg.Now().UnixMilli() {
		r.State, r.Orig = RBW, RBW
	}
}

// relocate moves finalized replicas found outside their block-id folder
// (left by an old layout) to where layout -57 keeps them.
func (ds *Dataset) relocate(v *Volume, bpid string, found []DiskReplica) error {
	for i, r := range found {
		if r.State != Finalized || r.Data == "" {
			continue
		}
		want := v.finalizedDir(bpid, r.ID)
		if filepath.Dir(r.Data) == want {
			continue
		}
		if err := ds.fsys.MkdirAll(want, 0o700); err != nil {
			return fmt.Errorf("fsdataset: creating %s: %w", want, err)
		}
		if r.Meta != "" {
			dst := filepath.Join(want, filepath.Base(r.Meta))
			if err := ds.fsys.Rename(r.Meta, dst); err != nil {
				return replicaErr(r.Block(), r.Meta, err, "moving into %s", want)
			}
			found[i].Meta = dst
		}
		dst := filepath.Join(want, filepath.Base(r.Data))
		if err := ds.fsys.Rename(r.Data, dst); err != nil {
			return replicaErr(r.Block(), r.Data, err, "moving into %s", want)
		}
		found[i].Data = dst
	}
	return nil
}

// addScanned adds scanned replicas to the map, resolving duplicates as
// Hadoop's resolveDuplicateReplicas does, and deletes the losers' files.
func (ds *Dataset) addScanned(bpid string, found []DiskReplica) {
	type loser struct{ data, meta string }
	var losers []loser
	ds.mu.Lock()
	m := ds.mu.pools[bpid]
	if m == nil {
		m = make(map[int64]Replica, len(found))
		ds.mu.pools[bpid] = m
	}
	for _, r := range found {
		if r.Data == "" {
			continue
		}
		old, ok := m[r.ID]
		if !ok {
			m[r.ID] = r.Replica
			continue
		}
		ov := ds.vols[old.Volume]
		od, om := ov.files(bpid, old)
		switch SelectReplicaToDelete(r.Replica, old, ds.vols[r.Volume].Type, ov.Type, od == r.Data) {
		case 1:
			losers = append(losers, loser{r.Data, r.Meta})
		case 2:
			m[r.ID] = r.Replica
			losers = append(losers, loser{od, om})
		}
	}
	ds.mu.Unlock()
	for _, l := range losers {
		ds.cfg.Logf("Deleting duplicate replica files %s and %s", l.data, l.meta)
		ds.fsys.Remove(l.data)
		if l.meta != "" {
			ds.fsys.Remove(l.meta)
		}
	}
}

// ScanSlice lists the replicas in a block pool's current/ folder:
// finalized/ at any depth (FINALIZED) and rbw/ (RWR, with the length of
// the data that its last checksum vouches for, the data file cut back to
// it). It also returns the bytes of their files. A data file without a
// .meta gets generation stamp 0; a .meta without data is reported with
// Data "" (Hadoop ignores it). Volume indexes are left 0.
func ScanSlice(fsys FS, bpCurrent string, logf func(string, ...any)) ([]DiskReplica, int64, error) {
	fin, used, err := scanTree(fsys, filepath.Join(bpCurrent, DirFinalized), true, logf)
	if err != nil {
		return nil, 0, err
	}
	rbw, rbwUsed, err := scanTree(fsys, filepath.Join(bpCurrent, DirRBW), false, logf)
	if err != nil {
		return nil, 0, err
	}
	return append(fin, rbw...), used + rbwUsed, nil
}

// scanTree lists the replicas in dir (and, for finalized, its subdir*
// folders).
func scanTree(fsys FS, dir string, finalized bool, logf func(string, ...any)) ([]DiskReplica, int64, error) {
	var out []DiskReplica
	var used int64
	var walk func(dir string) error
	walk = func(dir string) error {
		names, err := fsys.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("fsdataset: listing %s: %w", dir, err)
		}
		metas := map[int64][]string{}
		blocks := map[int64]bool{}
		var ids []int64
		var orphans []string
		for _, n := range names {
			if id, _, ok := ParseMetaName(n); ok {
				if len(metas[id]) == 0 {
					orphans = append(orphans, n)
				}
				metas[id] = append(metas[id], n)
				continue
			}
			if id, ok := ParseBlockName(n); ok {
				blocks[id] = true
				ids = append(ids, id)
				continue
			}
			if finalized && strings.HasPrefix(n, "subdir") {
				if err := walk(filepath.Join(dir, n)); err != nil {
					return err
				}
			}
		}
		for _, id := range ids {
			r, n, err := scanOne(fsys, dir, id, metas[id], finalized, logf)
			if err != nil {
				return err
			}
			used += n
			out = append(out, r)
		}
		for _, m := range orphans {
			id, gs, _ := ParseMetaName(m)
			if !blocks[id] {
				out = append(out, DiskReplica{Replica: Replica{ID: id, GenStamp: gs}, Meta: filepath.Join(dir, m)})
			}
		}
		return nil
	}
	if err := walk(dir); err != nil {
		return nil, 0, err
	}
	return out, used, nil
}

// scanOne builds the replica of one data file; metas are the .meta names
// with its id (the highest generation stamp wins).
func scanOne(fsys FS, dir string, id int64, metas []string, finalized bool, logf func(string, ...any)) (DiskReplica, int64, error) {
	data := filepath.Join(dir, BlockName(id))
	r := DiskReplica{Replica: Replica{ID: id, GenStamp: GrandfatherGenStamp}, Data: data}
	for _, m := range metas {
		if _, gs, _ := ParseMetaName(m); r.Meta == "" || gs > r.GenStamp {
			r.GenStamp, r.Meta = gs, filepath.Join(dir, m)
		}
	}
	if r.Meta == "" {
		logf("Block %s does not have a metafile!", data)
	}
	st, err := fsys.Stat(data)
	if err != nil {
		return r, 0, fmt.Errorf("fsdataset: stat %s: %w", data, err)
	}
	n := st.Size()
	if finalized {
		r.State, r.Orig = Finalized, Finalized
	} else {
		r.State, r.Orig = RWR, RWR
		n = ValidateLength(fsys, data, r.Meta)
	}
	r.NumBytes, r.BytesOnDisk, r.BytesAcked = n, n, n
	total := n
	if r.Meta != "" {
		if ms, err := fsys.Stat(r.Meta); err == nil {
			total += ms.Size()
		}
	}
	return r, total, nil
}

// ValidateLength is Hadoop's validateIntegrityAndSetLength for a replica
// found in rbw/: the data length up to the last chunk whose checksum
// matches (0 when either file is missing, empty or unreadable), cutting
// the data file back to it.
func ValidateLength(fsys FS, data, meta string) int64 {
	if meta == "" {
		return 0
	}
	df, err := fsys.OpenFile(data, os.O_RDWR, 0)
	if err != nil {
		return 0
	}
	defer df.Close()
	mf, err := fsys.OpenFile(meta, os.O_RDONLY, 0)
	if err != nil {
		return 0
	}
	defer mf.Close()
	dst, err1 := df.Stat()
	mst, err2 := mf.Stat()
	if err1 != nil || err2 != nil || dst.Size() == 0 || mst.Size() < MetaHeaderLen {
		return 0
	}
	hb := make([]byte, MetaHeaderLen)
	if _, err := mf.ReadAt(hb, 0); err != nil {
		return 0
	}
	h, err := ParseMetaHeader(hb)
	if err != nil {
		return 0
	}
	dataLen := dst.Size()
	if h.Type == ChecksumNull {
		return dataLen
	}
	bpc := int64(h.BytesPerChecksum)
	chunks := min(h.Chunks(dataLen), (mst.Size()-MetaHeaderLen)/4)
	if chunks == 0 {
		return 0
	}
	lastStart := (chunks - 1) * bpc
	lastLen := min(bpc, dataLen-lastStart)
	buf := make([]byte, lastLen)
	sum := make([]byte, 4)
	if _, err := df.ReadAt(buf, lastStart); err != nil && err != io.EOF {
		return 0
	}
	if _, err := mf.ReadAt(sum, MetaHeaderLen+(chunks-1)*4); err != nil && err != io.EOF {
		return 0
	}
	valid := lastStart
	if binary.BigEndian.Uint32(sum) == h.Sum(buf) {
		valid += lastLen
	}
	if dataLen > valid {
		if err := df.Truncate(valid); err != nil {
			return 0
		}
	}
	return valid
}

package fsdataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// extBlock is Hadoop's ExtendedBlock.toString: "<bpid>:blk_<id>_<gs>".
func extBlock(bpid string, b Block) string { return bpid + ":" + b.String() }

// Get returns the replica of block id in bpid.
func (ds *Dataset) Get(bpid string, id int64) (Replica, bool) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	r, ok := ds.mu.pools[bpid][id]
	return r, ok
}

// Len is the number of replicas of bpid.
func (ds *Dataset) Len(bpid string) int {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return len(ds.mu.pools[bpid])
}

// Replicas lists the replicas of bpid (a snapshot, unordered).
func (ds *Dataset) Replicas(bpid string) []Replica {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	out := make([]Replica, 0, len(ds.mu.pools[bpid]))
	for _, r := range ds.mu.pools[bpid] {
		out = append(out, r)
	}
	return out
}

// Paths are the data and .meta files of a replica.
func (ds *Dataset) Paths(bpid string, r Replica) (data, meta string) {
	return ds.vols[r.Volume].files(bpid, r)
}

// VolumeOf is the volume holding r.
func (ds *Dataset) VolumeOf(r Replica) *Volume { return ds.vols[r.Volume] }

func notFound(bpid string, b Block) error {
	return &Error{Block: b, Msg: "Replica not found for " + extBlock(bpid, b) + msgPossibleCause, Err: ErrReplicaNotFound}
}

// getLocked is Hadoop's getReplicaInfo(ExtendedBlock): the replica with
// b's id and generation stamp.
func (ds *Dataset) getLocked(bpid string, b Block) (Replica, error) {
	r, ok := ds.mu.pools[bpid][b.ID]
	if !ok || r.GenStamp != b.GenStamp {
		return Replica{}, notFound(bpid, b)
	}
	return r, nil
}

// getIDLocked is getReplicaInfo(bpid, blockId).
func (ds *Dataset) getIDLocked(bpid string, id int64) (Replica, error) {
	r, ok := ds.mu.pools[bpid][id]
	if !ok {
		return Replica{}, &Error{Block: Block{ID: id}, Msg: msgNonExistent + bpid + ":" + fmt.Sprint(id), Err: ErrReplicaNotFound}
	}
	return r, nil
}

// stopWriter stops the writer of a replica, if any (Hadoop's
// stopWriter, without the wait: the writer's files are closed under its
// own lock, so no write of it lands after this returns).
func (ds *Dataset) stopWriter(bpid string, id int64) {
	k := writerKey{bpid, id}
	ds.mu.Lock()
	w := ds.mu.writers[k]
	delete(ds.mu.writers, k)
	ds.mu.Unlock()
	if w != nil {
		w.stop()
	}
}

// CreateOptions describe a new replica.
type CreateOptions struct {
	StorageType StorageType
	// BlockSize is the expected length, for choosing a volume with room
	// and reserving it.
	BlockSize int64
	// Header is the .meta header (default DefaultMetaHeader).
	Header MetaHeader
}

// CreateRBW creates an RBW replica for a new pipeline (FsDatasetImpl.createRbw).
func (ds *Dataset) CreateRBW(bpid string, b Block, opt CreateOptions) (*Writer, error) {
	return ds.create(bpid, b, opt, RBW, false)
}

// CreateTemporary creates a TEMPORARY replica for a transfer or a
// re-replication (FsDatasetImpl.createTemporary). An existing replica
// with an older generation stamp that is in a pipeline (or any older
// one, for a transfer) is replaced.
func (ds *Dataset) CreateTemporary(bpid string, b Block, opt CreateOptions, isTransfer bool) (*Writer, error) {
	return ds.create(bpid, b, opt, Temporary, isTransfer)
}

func (ds *Dataset) create(bpid string, b Block, opt CreateOptions, state ReplicaState, isTransfer bool) (*Writer, error) {
	if opt.Header == (MetaHeader{}) {
		opt.Header = DefaultMetaHeader
	}
	for attempt := 0; ; attempt++ {
		if err := ds.checkCreate(bpid, b, state, isTransfer); err != nil {
			return nil, err
		}
		v, err := ds.chooseVolume(opt.StorageType, opt.BlockSize)
		if err != nil {
			return nil, err
		}
		r := Replica{ID: b.ID, GenStamp: b.GenStamp, State: state, Orig: state, Volume: v.idx}
		ds.mu.Lock()
		if ds.mu.pools[bpid] == nil {
			ds.mu.Unlock()
			return nil, replicaErr(b, "", ErrInvalid, "block pool %s is not in service", bpid)
		}
		if _, ok := ds.mu.pools[bpid][b.ID]; ok {
			ds.mu.Unlock()
			if attempt < 3 {
				continue // another pipeline raced us: apply the rules again
			}
			return nil, replicaErr(b, "", ErrReplicaAlreadyExists, "created concurrently")
		}
		ds.mu.pools[bpid][b.ID] = r // claims the id while the files are made
		ds.mu.Unlock()
		return ds.createClaimed(v, bpid, r, opt)
	}
}

func (ds *Dataset) createClaimed(v *Volume, bpid string, r Replica, opt CreateOptions) (*Writer, error) {
	data, meta, err := ds.createFiles(v, bpid, r, opt.Header)
	ds.mu.Lock()
	defer ds.unlock()
	if err != nil {
		delete(ds.mu.pools[bpid], r.ID)
		return nil, err
	}
	w := &Writer{ds: ds, vol: v, bpid: bpid, id: r.ID, hdr: opt.Header, data: data, meta: meta,
		dataPath: filepathOf(v, bpid, r), reserved: max(opt.BlockSize, 0), allocLimit: max(opt.BlockSize, 0)}
	v.reservedForReplicas.Add(w.reserved)
	v.usedCounter(bpid).Add(MetaHeaderLen)
	ds.mu.writers[writerKey{bpid, r.ID}] = w
	return w, nil
}

func filepathOf(v *Volume, bpid string, r Replica) string { d, _ := v.files(bpid, r); return d }

// checkCreate refuses a replica that exists, and for createTemporary
// removes one it may replace.
func (ds *Dataset) checkCreate(bpid string, b Block, state ReplicaState, isTransfer bool) error {
	ds.mu.Lock()
	cur, ok := ds.mu.pools[bpid][b.ID]
	ds.mu.Unlock()
	if !ok {
		return nil
	}
	exists := &Error{Block: b, Err: ErrReplicaAlreadyExists,
		Msg: "Block " + extBlock(bpid, b) + " already exists in state " + cur.State.String() + " and thus cannot be created."}
	if state == RBW {
		return exists
	}
	inPipeline := cur.State == Temporary || cur.State == RBW
	if cur.GenStamp >= b.GenStamp || (!isTransfer && !inPipeline) {
		return exists
	}
	return ds.Invalidate(bpid, []Block{cur.Block()})
}

func (ds *Dataset) createFiles(v *Volume, bpid string, r Replica, h MetaHeader) (DataFile, DataFile, error) {
	dataPath, metaPath := v.files(bpid, r)
	if err := ds.fsys.MkdirAll(filepath.Dir(dataPath), 0o700); err != nil {
		return nil, nil, replicaErr(r.Block(), dataPath, ds.ioError(v, err), "creating its folder")
	}
	data, err := ds.fsys.OpenFile(dataPath, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, nil, replicaErr(r.Block(), dataPath, ErrReplicaAlreadyExists,
			"Failed to create temporary file for %s.  File %s should not be present, but is.", r.Block(), dataPath)
	}
	if err != nil {
		return nil, nil, replicaErr(r.Block(), dataPath, ds.ioError(v, err), "creating")
	}
	meta, err := ds.fsys.OpenFile(metaPath, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err == nil {
		_, err = meta.WriteAt(h.Marshal(), 0)
		if err != nil {
			meta.Close()
		}
	}
	if err != nil {
		data.Close()
		ds.fsys.Remove(dataPath)
		ds.fsys.Remove(metaPath)
		return nil, nil, replicaErr(r.Block(), metaPath, ds.ioError(v, err), "creating")
	}
	return data, meta, nil
}

// chooseVolume picks a healthy volume of type t with room for blockSize.
func (ds *Dataset) chooseVolume(t StorageType, blockSize int64) (*Volume, error) {
	var vols []*Volume
	var avail []int64
	for _, v := range ds.healthy() {
		if v.Type != t {
			continue
		}
		a, err := v.Available()
		if err != nil {
			ds.ioError(v, err)
			continue
		}
		vols = append(vols, v)
		avail = append(avail, a)
	}
	i, err := ds.cfg.Chooser.Choose(t, avail, blockSize)
	if err != nil {
		return nil, err
	}
	return vols[i], nil
}

// moveLocked renames a replica's files from its state from to state to,
// .meta first, and the .meta to generation stamp gs; the caller holds
// ds.mu.
func (ds *Dataset) moveLocked(bpid string, r Replica, to ReplicaState, gs int64) (Replica, error) {
	v := ds.vols[r.Volume]
	oldData, oldMeta := v.files(bpid, r)
	n := r
	n.State, n.Orig, n.GenStamp = to, to, gs
	newData, newMeta := v.files(bpid, n)
	if dir := filepath.Dir(newData); dir != filepath.Dir(oldData) {
		if err := ds.fsys.MkdirAll(dir, 0o700); err != nil {
			return r, replicaErr(r.Block(), dir, ds.ioErrorLocked(v, err), "creating folder")
		}
	}
	if err := ds.fsys.Rename(oldMeta, newMeta); err != nil {
		return r, replicaErr(r.Block(), oldMeta, ds.ioErrorLocked(v, err), "Failed to move meta file to %s", newMeta)
	}
	if newData != oldData {
		if err := ds.fsys.Rename(oldData, newData); err != nil {
			ds.fsys.Rename(newMeta, oldMeta)
			return r, replicaErr(r.Block(), oldData, ds.ioErrorLocked(v, err), "Failed to move block file to %s", newData)
		}
	}
	ds.mu.pools[bpid][r.ID] = n
	return n, nil
}

// FinalizeBlock makes an RBW or TEMPORARY replica FINALIZED: its writer
// is stopped and its files move into finalized/subdir../subdir../. A
// replica already finalized is returned as it is.
func (ds *Dataset) FinalizeBlock(bpid string, b Block) (Replica, error) {
	ds.stopWriter(bpid, b.ID)
	ds.mu.Lock()
	defer ds.unlock()
	r, err := ds.getLocked(bpid, b)
	if err != nil {
		return Replica{}, err
	}
	return ds.finalizeLocked(bpid, r)
}

func (ds *Dataset) finalizeLocked(bpid string, r Replica) (Replica, error) {
	if r.State == Finalized {
		return r, nil
	}
	if r.State == RUR {
		r.State = r.Orig
	}
	n, err := ds.moveLocked(bpid, r, Finalized, r.GenStamp)
	if err != nil {
		return r, err
	}
	n.NumBytes, n.BytesAcked, n.RecoveryID = n.BytesOnDisk, n.BytesOnDisk, 0
	ds.mu.pools[bpid][r.ID] = n
	return n, nil
}

// Invalidate removes replicas from the map and deletes their files
// (FsDatasetImpl.invalidate; run it in a goroutine to delete
// asynchronously). It goes on after an error and returns them all.
func (ds *Dataset) Invalidate(bpid string, blocks []Block) error {
	var errs []error
	for _, b := range blocks {
		if err := ds.invalidateOne(bpid, b); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (ds *Dataset) invalidateOne(bpid string, b Block) error {
	ds.stopWriter(bpid, b.ID)
	ds.mu.Lock()
	r, ok := ds.mu.pools[bpid][b.ID]
	switch {
	case !ok:
		ds.mu.Unlock()
		return &Error{Block: b, Err: ErrReplicaNotFound, Msg: "Failed to delete replica " + extBlock(bpid, b) + ": ReplicaInfo not found."}
	case r.GenStamp != b.GenStamp:
		ds.mu.Unlock()
		return &Error{Block: b, Err: ErrReplicaNotFound, Msg: "Failed to delete replica " + extBlock(bpid, b) +
			": GenerationStamp not matched, existing replica is " + r.String()}
	}
	delete(ds.mu.pools[bpid], b.ID)
	ds.mu.Unlock()
	v := ds.vols[r.Volume]
	data, meta := v.files(bpid, r)
	var freed int64
	for _, p := range []string{data, meta} {
		st, err := ds.fsys.Stat(p)
		if err == nil {
			freed += st.Size()
		}
		if err := ds.fsys.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return replicaErr(r.Block(), p, ds.ioError(v, err), "deleting")
		}
	}
	v.usedCounter(bpid).Add(-freed)
	return nil
}

// stopLocked stops a writer that was never handed out; the caller holds
// ds.mu.
func (w *Writer) stopLocked() {
	delete(w.ds.mu.writers, writerKey{w.bpid, w.id})
	w.stop()
}

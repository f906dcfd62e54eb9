package fsdataset

import (
	"fmt"
	"os"
)

// InitReplicaRecovery claims a replica for block recovery with the new
// generation stamp recoveryID (FsDatasetImpl.initReplicaRecovery): its
// writer is stopped and it becomes RUR. It returns nil, nil when the
// replica does not exist.
func (ds *Dataset) InitReplicaRecovery(bpid string, b Block, recoveryID int64) (*RecoveryInfo, error) {
	ds.stopWriter(bpid, b.ID)
	ds.mu.Lock()
	defer ds.unlock()
	r, ok := ds.mu.pools[bpid][b.ID]
	if !ok {
		return nil, nil
	}
	if r.State == Temporary || r.State == RBW {
		if r.BytesOnDisk < r.VisibleLength() {
			return nil, &Error{Block: b, Err: ErrCorrupt, Msg: "getBytesOnDisk() < getVisibleLength(), rip=" + r.String()}
		}
		if err := ds.checkFilesLocked(bpid, r); err != nil {
			return nil, err
		}
	}
	if r.GenStamp < b.GenStamp {
		return nil, &Error{Block: b, Err: ErrInvalid, Msg: fmt.Sprintf(
			"replica.getGenerationStamp() < block.getGenerationStamp(), block=%s, replica=%s", b, r)}
	}
	if r.GenStamp >= recoveryID {
		return nil, &Error{Block: b, Err: ErrInvalid, Msg: fmt.Sprintf(
			"THIS IS NOT SUPPOSED TO HAPPEN: replica.getGenerationStamp() >= recoveryId = %d, block=%s, replica=%s", recoveryID, b, r)}
	}
	if r.State == RUR {
		if r.RecoveryID >= recoveryID {
			return nil, &Error{Block: b, Err: ErrRecoveryInProgress, Msg: fmt.Sprintf(
				"rur.getRecoveryID() >= recoveryId = %d, block=%s, rur=%s", recoveryID, b, r)}
		}
		ds.cfg.Logf("initReplicaRecovery: update recovery id for %s from %d to %d", b, r.RecoveryID, recoveryID)
	} else {
		ds.cfg.Logf("initReplicaRecovery: changing replica state for %s from %s to RUR", b, r.State)
		r.Orig, r.State = r.State, RUR
	}
	r.RecoveryID = recoveryID
	ds.mu.pools[bpid][b.ID] = r
	return &RecoveryInfo{Block: Block{ID: r.ID, GenStamp: r.GenStamp, NumBytes: r.BytesOnDisk}, State: r.Orig}, nil
}

// checkFilesLocked is FsDatasetImpl.checkReplicaFiles.
func (ds *Dataset) checkFilesLocked(bpid string, r Replica) error {
	v := ds.vols[r.Volume]
	data, meta := v.files(bpid, r)
	st, err := ds.fsys.Stat(data)
	if err != nil {
		return &Error{Block: r.Block(), Path: data, Err: ErrCorrupt, Msg: "Block data not found, r=" + r.String()}
	}
	if st.Size() != r.BytesOnDisk {
		return &Error{Block: r.Block(), Path: data, Err: ErrCorrupt, Msg: fmt.Sprintf("Block length mismatch, len=%d but r=%s", st.Size(), r)}
	}
	mst, err := ds.fsys.Stat(meta)
	if err != nil {
		return &Error{Block: r.Block(), Path: meta, Err: ErrCorrupt, Msg: meta + " does not exist, r=" + r.String()}
	}
	if mst.Size() == 0 {
		return &Error{Block: r.Block(), Path: meta, Err: ErrCorrupt, Msg: "Metafile is empty, r=" + r.String()}
	}
	return nil
}

// UpdateReplicaUnderRecovery ends block recovery of an RUR replica
// (FsDatasetImpl.updateReplicaUnderRecovery): it takes generation stamp
// recoveryID, is cut to newLength and is finalized. Copy-on-truncate
// (newBlockID naming another block) is not supported.
func (ds *Dataset) UpdateReplicaUnderRecovery(bpid string, old Block, recoveryID, newBlockID, newLength int64) (Replica, error) {
	ds.mu.Lock()
	defer ds.unlock()
	r, ok := ds.mu.pools[bpid][old.ID]
	if !ok {
		return Replica{}, notFound(bpid, old)
	}
	if r.State != RUR {
		return r, &Error{Block: old, Err: ErrInvalid, Msg: "replica.getState() != RUR, replica=" + r.String()}
	}
	if r.BytesOnDisk != old.NumBytes {
		return r, &Error{Block: old, Err: ErrInvalid, Msg: fmt.Sprintf(
			"THIS IS NOT SUPPOSED TO HAPPEN: replica.getBytesOnDisk() != block.getNumBytes(), block=%s, replica=%s", old, r)}
	}
	if err := ds.checkFilesLocked(bpid, r); err != nil {
		return r, err
	}
	if r.RecoveryID != recoveryID {
		return r, &Error{Block: old, Err: ErrInvalid, Msg: fmt.Sprintf("rur.getRecoveryID() != recoveryId = %d, rur=%s", recoveryID, r)}
	}
	if newBlockID > 0 && newBlockID != r.ID {
		return r, &Error{Block: old, Err: ErrInvalid, Msg: "copy-on-truncate recovery is not supported"}
	}
	if r.NumBytes < newLength {
		return r, &Error{Block: old, Err: ErrInvalid, Msg: fmt.Sprintf("rur.getNumBytes() < newlength = %d, rur=%s", newLength, r)}
	}
	orig := r
	orig.State = r.Orig
	n, err := ds.moveLocked(bpid, orig, r.Orig, recoveryID) // bump the generation stamp
	if err != nil {
		return r, err
	}
	if n.NumBytes > newLength {
		if err := ds.truncateLocked(bpid, n, newLength); err != nil {
			return n, err
		}
		n.NumBytes, n.BytesOnDisk, n.BytesAcked = newLength, newLength, min(n.BytesAcked, newLength)
		// finalizeLocked leaves a replica that was FINALIZED before the
		// recovery (a truncate) as it is: the map must hold the new length.
		ds.mu.pools[bpid][n.ID] = n
	}
	return ds.finalizeLocked(bpid, n)
}

func (ds *Dataset) truncateLocked(bpid string, r Replica, n int64) error {
	if err := ds.breakHardLinks(bpid, r); err != nil {
		return err
	}
	v := ds.vols[r.Volume]
	dataPath, metaPath := v.files(bpid, r)
	data, err := ds.fsys.OpenFile(dataPath, os.O_RDWR, 0)
	if err != nil {
		return replicaErr(r.Block(), dataPath, ds.ioErrorLocked(v, err), "opening to truncate")
	}
	defer data.Close()
	meta, err := ds.fsys.OpenFile(metaPath, os.O_RDWR, 0)
	if err != nil {
		return replicaErr(r.Block(), metaPath, ds.ioErrorLocked(v, err), "opening to truncate")
	}
	defer meta.Close()
	hb := make([]byte, MetaHeaderLen)
	if _, err := meta.ReadAt(hb, 0); err != nil {
		return replicaErr(r.Block(), metaPath, ds.ioErrorLocked(v, err), "reading the header")
	}
	h, err := ParseMetaHeader(hb)
	if err != nil {
		return replicaErr(r.Block(), metaPath, err, "reading the header")
	}
	if err := truncateReplica(data, meta, h, n); err != nil {
		return replicaErr(r.Block(), dataPath, ds.ioErrorLocked(v, err), "truncating to %d", n)
	}
	v.usedCounter(bpid).Add(n - r.BytesOnDisk + h.MetaLen(n) - h.MetaLen(r.BytesOnDisk))
	return nil
}

package fsdataset

import (
	"fmt"
	"io"
	"os"
)

// Append reopens a FINALIZED replica for an append pipeline with
// generation stamp newGS (FsDatasetImpl.append): its files move to rbw/
// and it becomes RBW.
func (ds *Dataset) Append(bpid string, b Block, newGS, expectedLen int64) (*Writer, error) {
	ds.mu.Lock()
	defer ds.unlock()
	if newGS < b.GenStamp {
		return nil, &Error{Block: b, Err: ErrInvalid, Msg: fmt.Sprintf(
			"The new generation stamp %d should be greater than the replica %s's generation stamp", newGS, extBlock(bpid, b))}
	}
	r, err := ds.getLocked(bpid, b)
	if err != nil {
		return nil, err
	}
	if r.State != Finalized {
		return nil, &Error{Block: b, Err: ErrReplicaNotFound, Msg: msgUnfinalized + extBlock(bpid, b)}
	}
	if r.NumBytes != expectedLen {
		return nil, corrupted(r, expectedLen)
	}
	return ds.appendLocked(bpid, r, newGS, b.NumBytes)
}

func corrupted(r Replica, expected int64) error {
	return &Error{Block: r.Block(), Err: ErrCorrupt, Msg: fmt.Sprintf(
		"Corrupted replica %s with a length of %d expected length is %d", r, r.NumBytes, expected)}
}

func (ds *Dataset) appendLocked(bpid string, r Replica, newGS, estimate int64) (*Writer, error) {
	if err := ds.breakHardLinks(bpid, r); err != nil {
		return nil, err
	}
	n, err := ds.moveLocked(bpid, r, RBW, newGS)
	if err != nil {
		return nil, err
	}
	n.BytesAcked = n.NumBytes
	ds.mu.pools[bpid][r.ID] = n
	return ds.openWriterLocked(ds.vols[n.Volume], bpid, n, estimate-n.NumBytes)
}

// breakHardLinks copies a replica's files that have other links (a
// previous/ kept by an upgrade) so that changing them leaves the old
// copy alone.
func (ds *Dataset) breakHardLinks(bpid string, r Replica) error {
	v := ds.vols[r.Volume]
	data, meta := v.files(bpid, r)
	for _, p := range []string{data, meta} {
		st, err := ds.fsys.Stat(p)
		if err != nil {
			return replicaErr(r.Block(), p, ds.ioErrorLocked(v, err), "stat")
		}
		if linkCount(st) <= 1 {
			continue
		}
		if err := ds.copyFile(p, p+".unlinked"); err != nil {
			return replicaErr(r.Block(), p, ds.ioErrorLocked(v, err), "breaking hard link")
		}
		if err := ds.fsys.Rename(p+".unlinked", p); err != nil {
			return replicaErr(r.Block(), p, ds.ioErrorLocked(v, err), "breaking hard link")
		}
	}
	return nil
}

func (ds *Dataset) copyFile(src, dst string) error {
	in, err := ds.fsys.OpenFile(src, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := ds.fsys.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// recoverCheckLocked is FsDatasetImpl.recoverCheck.
func (ds *Dataset) recoverCheckLocked(bpid string, b Block, newGS, expectedLen int64) (Replica, error) {
	r, err := ds.getIDLocked(bpid, b.ID)
	if err != nil {
		return r, err
	}
	if r.State != Finalized && r.State != RBW {
		return r, &Error{Block: b, Err: ErrReplicaNotFound, Msg: msgUnfinalizedNoRBW + r.String()}
	}
	if r.GenStamp < b.GenStamp || r.GenStamp > newGS {
		return r, &Error{Block: b, Err: ErrReplicaNotFound, Msg: fmt.Sprintf(
			"%s%d. Expected GS range is [%d, %d].", msgUnexpectedGS, r.GenStamp, b.GenStamp, newGS)}
	}
	if r.State == RBW && (r.NumBytes != r.BytesOnDisk || r.NumBytes != r.BytesAcked) {
		return r, &Error{Block: b, Err: ErrReplicaAlreadyExists, Msg: fmt.Sprintf(
			"RBW replica %sbytesRcvd(%d), bytesOnDisk(%d), and bytesAcked(%d) are not the same.",
			r, r.NumBytes, r.BytesOnDisk, r.BytesAcked)}
	}
	if r.NumBytes != expectedLen {
		return r, corrupted(r, expectedLen)
	}
	return r, nil
}

// RecoverAppend reopens a replica after an append pipeline failed
// (FsDatasetImpl.recoverAppend): a FINALIZED one is appended to, an RBW
// one gets generation stamp newGS and a new writer.
func (ds *Dataset) RecoverAppend(bpid string, b Block, newGS, expectedLen int64) (*Writer, error) {
	ds.stopWriter(bpid, b.ID)
	ds.mu.Lock()
	defer ds.unlock()
	r, err := ds.recoverCheckLocked(bpid, b, newGS, expectedLen)
	if err != nil {
		return nil, err
	}
	if r.State == Finalized {
		return ds.appendLocked(bpid, r, newGS, b.NumBytes)
	}
	n, err := ds.moveLocked(bpid, r, RBW, newGS)
	if err != nil {
		return nil, err
	}
	return ds.openWriterLocked(ds.vols[n.Volume], bpid, n, 0)
}

// RecoverClose completes a pipeline whose close failed
// (FsDatasetImpl.recoverClose): the replica gets newGS and is finalized.
func (ds *Dataset) RecoverClose(bpid string, b Block, newGS, expectedLen int64) (Replica, error) {
	ds.stopWriter(bpid, b.ID)
	ds.mu.Lock()
	defer ds.unlock()
	r, err := ds.recoverCheckLocked(bpid, b, newGS, expectedLen)
	if err != nil {
		return r, err
	}
	n, err := ds.moveLocked(bpid, r, r.State, newGS)
	if err != nil {
		return r, err
	}
	if n.State == RBW {
		return ds.finalizeLocked(bpid, n)
	}
	return n, nil
}

// RecoverRBW reopens an RBW replica for a recovered pipeline
// (FsDatasetImpl.recoverRbw): its unacknowledged bytes are cut off and it
// gets generation stamp newGS.
func (ds *Dataset) RecoverRBW(bpid string, b Block, newGS, minBytesRcvd, maxBytesRcvd int64) (*Writer, error) {
	ds.stopWriter(bpid, b.ID)
	ds.mu.Lock()
	defer ds.unlock()
	r, err := ds.getIDLocked(bpid, b.ID)
	if err != nil {
		return nil, err
	}
	if r.State != RBW {
		return nil, &Error{Block: b, Err: ErrReplicaNotFound, Msg: msgNonRBW + r.String()}
	}
	if r.GenStamp < b.GenStamp || r.GenStamp > newGS {
		return nil, &Error{Block: b, Err: ErrReplicaNotFound, Msg: fmt.Sprintf(
			"%s%s. Expected GS range is [%d, %d].", msgUnexpectedGS, extBlock(bpid, b), b.GenStamp, newGS)}
	}
	if r.BytesAcked < minBytesRcvd || r.NumBytes > maxBytesRcvd {
		return nil, &Error{Block: b, Err: ErrReplicaNotFound, Msg: fmt.Sprintf(
			"Unmatched length replica %s: BytesAcked = %d BytesRcvd = %d are not in the range of [%d, %d].",
			r, r.BytesAcked, r.NumBytes, minBytesRcvd, maxBytesRcvd)}
	}
	v := ds.vols[r.Volume]
	dataPath, _ := v.files(bpid, r)
	if st, err := ds.fsys.Stat(dataPath); err == nil && st.Size() != r.BytesOnDisk {
		r.BytesOnDisk = st.Size()
	}
	if r.BytesOnDisk < r.BytesAcked {
		return nil, &Error{Block: b, Err: ErrReplicaNotFound, Msg: "Found fewer bytesOnDisk than bytesAcked for replica " + r.String()}
	}
	n, err := ds.moveLocked(bpid, r, RBW, newGS)
	if err != nil {
		return nil, err
	}
	w, err := ds.openWriterLocked(v, bpid, n, 0)
	if err != nil {
		return nil, err
	}
	if n.BytesOnDisk > n.BytesAcked {
		if err := truncateReplica(w.data, w.meta, w.hdr, n.BytesAcked); err != nil {
			w.stopLocked()
			return nil, replicaErr(n.Block(), dataPath, ds.ioErrorLocked(v, err), "truncating to %d", n.BytesAcked)
		}
		w.vol.usedCounter(bpid).Add(n.BytesAcked - n.BytesOnDisk + w.hdr.MetaLen(n.BytesAcked) - w.hdr.MetaLen(n.BytesOnDisk))
		n.BytesOnDisk, n.NumBytes, w.onDisk = n.BytesAcked, n.BytesAcked, n.BytesAcked
	}
	ds.mu.pools[bpid][n.ID] = n
	return w, nil
}

// ConvertTemporaryToRBW turns a TEMPORARY replica into an RBW one whose
// first b.NumBytes bytes are visible (FsDatasetImpl.convertTemporaryToRbw);
// its writer, if any, keeps writing.
func (ds *Dataset) ConvertTemporaryToRBW(bpid string, b Block) (Replica, error) {
	ds.mu.Lock()
	defer ds.unlock()
	r, ok := ds.mu.pools[bpid][b.ID]
	if !ok {
		return r, &Error{Block: b, Err: ErrReplicaNotFound, Msg: msgNonExistent + extBlock(bpid, b)}
	}
	if r.State != Temporary {
		return r, &Error{Block: b, Err: ErrReplicaAlreadyExists, Msg: "r.getState() != ReplicaState.TEMPORARY, r=" + r.String()}
	}
	if r.GenStamp != b.GenStamp {
		return r, &Error{Block: b, Err: ErrReplicaAlreadyExists, Msg: fmt.Sprintf(
			"temp.getGenerationStamp() != expectedGs = %d, temp=%s", b.GenStamp, r)}
	}
	if r.NumBytes < b.NumBytes {
		return r, &Error{Block: b, Err: ErrInvalid, Msg: fmt.Sprintf("%d = numBytes < visible = %d, temp=%s", r.NumBytes, b.NumBytes, r)}
	}
	n, err := ds.moveLocked(bpid, r, RBW, r.GenStamp)
	if err != nil {
		return r, err
	}
	n.BytesAcked = b.NumBytes
	ds.mu.pools[bpid][n.ID] = n
	if w := ds.mu.writers[writerKey{bpid, b.ID}]; w != nil {
		w.dataPath, _ = ds.vols[n.Volume].files(bpid, n)
	}
	return n, nil
}

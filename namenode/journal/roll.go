package journal

import (
	"fmt"
	"slices"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Roll ends the open segment and starts the next one, as
// FSEditLog.rollEditLog: it appends OP_END_LOG_SEGMENT, syncs everything,
// finalizes the segment in every directory (cuts the padding, renames it
// edits_<first>-<last>), then creates edits_inprogress_<last+1> with
// OP_START_LOG_SEGMENT, synced. Appends wait while it runs. It returns the
// new segment's first txid.
func (j *Journal) Roll() (newFirstTxID int64, err error) {
	j.seg.Lock()
	defer j.seg.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.mu.err != nil {
		return 0, j.mu.err
	}
	j.takeFlusherLocked()
	defer j.releaseFlusherLocked()
	last, err := j.endSegmentLocked()
	if err != nil {
		return 0, err
	}
	if err := j.startSegmentLocked(last + 1); err != nil {
		return 0, err
	}
	j.mu.stats.Rolls++
	return last + 1, nil
}

// SegmentTxns is the number of transactions in the open segment
// (FSNamesystem.getCorrectTransactionsSinceLastLogRoll).
func (j *Journal) SegmentTxns() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.mu.err != nil {
		return 0
	}
	return j.mu.written - j.mu.first + 1
}

// ShouldRoll reports whether the open segment holds more transactions than
// Options.RollThreshold: Hadoop's NameNodeEditLogRoller then rolls (it
// checks every dfs.namenode.edit.log.autoroll.check.interval.ms).
func (j *Journal) ShouldRoll() bool {
	return j.SegmentTxns() > j.opts.RollThreshold
}

// Close ends the segment cleanly: OP_END_LOG_SEGMENT, sync, finalize.
// Later calls fail with ErrClosed. Closing a failed journal does nothing.
func (j *Journal) Close() error {
	j.seg.Lock()
	defer j.seg.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.mu.err != nil {
		return nil
	}
	j.takeFlusherLocked()
	defer j.releaseFlusherLocked()
	_, err := j.endSegmentLocked()
	if j.mu.err == nil {
		j.mu.err = ErrClosed
	}
	return err
}

// Abort closes the files and leaves the segment in progress, with what was
// synced, as a crash would (what was appended but not synced is lost).
// Later calls fail with ErrClosed.
func (j *Journal) Abort() {
	j.seg.Lock()
	defer j.seg.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.takeFlusherLocked()
	defer j.releaseFlusherLocked()
	for _, s := range j.mu.segs {
		s.abort()
	}
	j.mu.segs = nil
	if r := j.opts.Remote; r != nil {
		r.Abort()
	}
	if j.mu.err == nil {
		j.mu.err = ErrClosed
	}
}

// startSegmentLocked creates edits_inprogress_<first> in every edits
// directory in service and writes the header and OP_START_LOG_SEGMENT
// (FSEditLog.startLogSegmentAndWriteHeaderTxn). Hadoop syncs the header
// and the first op separately; here one flush writes both. The caller
// holds the flusher role and seg, and the buffer is empty.
func (j *Journal) startSegmentLocked(first int64) error {
	dirs := j.dirs.Of(storage.RoleEdits)
	j.mu.Unlock()
	segs := make([]*segment, 0, len(dirs))
	errs := make([]error, len(dirs))
	for i, d := range dirs {
		s, err := createSegment(j.fsys, d, first)
		if err != nil {
			errs[i] = fmt.Errorf("journal: creating %s: %w", d.File(storage.InProgressName(first)), err)
			continue
		}
		segs = append(segs, s)
	}
	j.mu.Lock()
	j.mu.segs, j.mu.first = segs, first
	var last error = fmt.Errorf("journal: no edits directory in service")
	for i, err := range errs {
		if err != nil {
			j.dirs.Failed(dirs[i], err)
			j.mu.stats.FailedDirs++
			last = err
		}
	}
	if len(segs) == 0 && j.opts.Remote == nil {
		j.mu.err = fmt.Errorf("%w: %w: every edits directory failed; last: %w", ErrFailed, storage.ErrNoDirsLeft, last)
		return j.mu.err
	}
	if r := j.opts.Remote; r != nil {
		j.mu.Unlock()
		err := r.StartSegment(first)
		j.mu.Lock()
		if err != nil {
			j.failRemoteLocked(fmt.Errorf("journal: starting segment %d in the shared edit log: %w", first, err))
			return j.mu.err
		}
	}
	j.mu.cur = append(j.mu.cur[:0], header...)
	j.mu.headed = true
	start := editlog.NewOp(editlog.OpStartLogSegment)
	if _, err := j.appendLocked(&start); err != nil {
		return err
	}
	j.flushLocked()
	return j.mu.err
}

// endSegmentLocked appends OP_END_LOG_SEGMENT, flushes, and finalizes the
// segment in every directory (FSEditLog.endCurrentLogSegment). A
// directory where finalizing fails is taken out of service. The caller
// holds the flusher role and seg.
func (j *Journal) endSegmentLocked() (last int64, err error) {
	end := editlog.NewOp(editlog.OpEndLogSegment)
	if last, err = j.appendLocked(&end); err != nil {
		return 0, err
	}
	j.flushLocked()
	if j.mu.err != nil {
		return 0, j.mu.err
	}
	segs, first := slices.Clone(j.mu.segs), j.mu.first
	j.mu.Unlock()
	errs := make([]error, len(segs))
	for i, s := range segs {
		errs[i] = s.finalize(j.fsys, last)
	}
	var remoteErr error
	if r := j.opts.Remote; r != nil {
		remoteErr = r.Finalize(first, last)
	}
	j.mu.Lock()
	if remoteErr != nil {
		j.failRemoteLocked(fmt.Errorf("journal: finalizing segment %d-%d in the shared edit log: %w", first, last, remoteErr))
		return 0, j.mu.err
	}
	for i, err := range errs {
		if err != nil {
			j.dropLocked(segs[i], fmt.Errorf("journal: finalizing %s: %w", segs[i].path(), err))
		}
	}
	if j.mu.err != nil {
		return 0, j.mu.err
	}
	j.mu.segs = nil
	return last, nil
}

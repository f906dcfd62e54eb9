package journal

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Defaults, as Hadoop's.
const (
	// DefaultBufferSize is the initial capacity of each of the two
	// buffers (FSEditLog's outputBufferCapacity, 512 KiB).
	DefaultBufferSize = 512 << 10
	// DefaultRollThreshold is dfs.namenode.edit.log.autoroll.multiplier.threshold
	// (0.5) times dfs.namenode.checkpoint.txns (1,000,000).
	DefaultRollThreshold = 500_000
)

// RollThreshold is the number of transactions in the open segment above
// which the NameNode rolls it (FSNamesystem's editLogRollerThreshold): the
// multiplier times the checkpoint transaction count, multiplied as Java
// floats and truncated, as Hadoop computes it.
func RollThreshold(multiplier float32, checkpointTxns int64) int64 {
	return int64(multiplier * float32(checkpointTxns))
}

// Options tune a Journal. The zero value gives Hadoop's defaults.
type Options struct {
	// RollThreshold: ShouldRoll turns true when the open segment holds more
	// transactions than this. 0 means DefaultRollThreshold.
	RollThreshold int64
	// BufferSize is the initial capacity of each buffer. 0 means
	// DefaultBufferSize.
	BufferSize int
	// Remote is the shared edit log (dfs.namenode.shared.edits.dir, or a
	// qjournal:// edits dir) written beside the local directories. It is
	// required, as Hadoop's JournalSet treats a shared journal: when it
	// fails, the journal fails and the NameNode stops. With a Remote the
	// journal may have no local directory.
	Remote Remote
}

// Remote is an edit log kept elsewhere, segment by segment: the Quorum
// Journal Manager. Each call returns once the remote copy is durable (on
// a quorum) or has failed for good.
type Remote interface {
	// StartSegment opens the segment that starts at txid first
	// (startLogSegment).
	StartSegment(first int64) error
	// Write sends the encoded records of txids first … first+n-1
	// (journal); the segment header is not part of them.
	Write(first int64, n int, records []byte) error
	// Finalize closes the segment first … last (finalizeLogSegment).
	Finalize(first, last int64) error
	// Abort stops writing, leaving the segment as it is.
	Abort()
}

func (o Options) withDefaults() Options {
	if o.RollThreshold <= 0 {
		o.RollThreshold = DefaultRollThreshold
	}
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultBufferSize
	}
	return o
}

// Journal is the NameNode's local edit log: one in-progress segment in
// every healthy edits directory, written with group commit. See the
// package documentation for the protocol.
type Journal struct {
	fsys storage.FS
	dirs *storage.Dirs
	opts Options

	// seg orders Append against Roll, Close and Abort: no op may slip in
	// between a segment's END_LOG_SEGMENT and the next segment.
	seg sync.Mutex

	mu struct {
		sync.Mutex
		cur, spare []byte // encoded records not handed to a flusher; the other buffer
		curTxns    int
		first      int64 // the open segment's first txid
		written    int64 // last txid appended
		synced     int64 // last txid durable in every directory in service
		// flushing: a goroutine holds the flusher role; flushed is closed
		// when it lets go.
		flushing bool
		flushed  chan struct{}
		segs     []*segment // guarded by the flusher role as well
		// headed: the next flush starts with the segment header, which
		// the Remote does not take.
		headed bool
		err    error // sticky: failed or closed
		stats  Stats
	}
}

// Open starts a new segment at firstTxID in every healthy edits
// directory: edits_inprogress_<firstTxID> holding the header and
// OP_START_LOG_SEGMENT with txid firstTxID, synced. The directories must
// hold no in-progress segment and no segment reaching firstTxID (recover
// them first); a directory that cannot be read or written is taken out of
// service.
func Open(fsys storage.FS, dirs *storage.Dirs, firstTxID int64, opts Options) (*Journal, error) {
	if firstTxID < 1 {
		return nil, fmt.Errorf("%w: first txid %d", ErrInvalid, firstTxID)
	}
	j := &Journal{fsys: fsys, dirs: dirs, opts: opts.withDefaults()}
	j.mu.written, j.mu.synced = firstTxID-1, firstTxID-1
	j.mu.cur = make([]byte, 0, j.opts.BufferSize)
	j.mu.spare = make([]byte, 0, j.opts.BufferSize)
	if err := j.checkRecovered(firstTxID); err != nil {
		return nil, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.takeFlusherLocked()
	defer j.releaseFlusherLocked()
	if err := j.startSegmentLocked(firstTxID); err != nil {
		return nil, err
	}
	return j, nil
}

// checkRecovered refuses to start at first when a directory holds a
// segment that could hold txids from first on (FSEditLog.startLogSegment
// refuses when there is a stream to read from), or an in-progress segment
// nobody recovered.
func (j *Journal) checkRecovered(first int64) error {
	for _, d := range j.dirs.Of(storage.RoleEdits) {
		names, err := j.fsys.ReadDir(d.Current())
		if err != nil {
			j.dirs.Failed(d, fmt.Errorf("journal: listing %s: %w", d.Current(), err))
			continue
		}
		for _, name := range names {
			n := storage.ParseName(name)
			if n.Kind == storage.KindInProgress || n.Kind == storage.KindEdits && n.Last >= first {
				return fmt.Errorf("%w: cannot start writing at txid %d: %s exists",
					ErrNotRecovered, first, d.File(name))
			}
		}
	}
	return nil
}

// Append assigns the next txids to ops (setting their TxID), encodes them
// into the current buffer and returns the last txid. It does no I/O. Call
// it under the lock that orders mutations, so that txid order is apply
// order, then Sync outside that lock. A failed Append leaves the journal
// as it was.
func (j *Journal) Append(ops ...*editlog.Op) (lastTxID int64, err error) {
	j.seg.Lock()
	defer j.seg.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.appendLocked(ops...)
}

func (j *Journal) appendLocked(ops ...*editlog.Op) (int64, error) {
	if j.mu.err != nil {
		return 0, j.mu.err
	}
	mark, txid := len(j.mu.cur), j.mu.written
	for _, op := range ops {
		txid++
		op.TxID = txid
		buf, err := editlog.AppendRecord(j.mu.cur, op, editlog.CurrentLayoutVersion)
		if err != nil {
			j.mu.cur = j.mu.cur[:mark]
			return 0, fmt.Errorf("journal: %w", err)
		}
		j.mu.cur = buf
	}
	j.mu.curTxns += len(ops)
	j.mu.written = txid
	j.mu.stats.Txns += int64(len(ops))
	return txid, nil
}

// Sync returns once every op up to txid is written and fsynced in every
// edits directory still in service (FSEditLog.logSync). Concurrent callers
// share the work: one of them at a time is the flusher, which takes the
// whole current buffer (ops appended by everyone so far), while later
// appends fill the other buffer for the next flush; the others wait and
// return as soon as a flush covers their txid. A directory that fails is
// taken out of service; when none is left Sync returns an error wrapping
// ErrFailed and storage.ErrNoDirsLeft, and so does every later call.
//
// ctx only bounds the wait for another goroutine's flush: a flush once
// started runs to the end. A mutation may be acknowledged only after Sync
// returned nil for its txid.
func (j *Journal) Sync(ctx context.Context, txid int64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		switch {
		case txid <= j.mu.synced:
			return nil
		case j.mu.err != nil:
			return j.mu.err
		case txid > j.mu.written:
			return fmt.Errorf("%w: sync to txid %d, last written is %d", ErrInvalid, txid, j.mu.written)
		case !j.mu.flushing:
			j.takeFlusherLocked()
			j.flushLocked()
			j.releaseFlusherLocked()
			if txid > j.mu.synced && j.mu.err == nil {
				// Cannot happen: the flush took every op up to written.
				return fmt.Errorf("journal: flush did not reach txid %d (synced %d)", txid, j.mu.synced)
			}
			continue
		}
		if err := j.waitFlushLocked(ctx); err != nil {
			return err
		}
	}
}

// waitFlushLocked waits, without mu, for the running flush to end.
func (j *Journal) waitFlushLocked(ctx context.Context) error {
	done := j.mu.flushed
	j.mu.Unlock()
	defer j.mu.Lock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// takeFlusherLocked waits for the flusher role and takes it. Whoever holds
// it may write the files and change mu.segs.
func (j *Journal) takeFlusherLocked() {
	for j.mu.flushing {
		j.waitFlushLocked(context.Background())
	}
	j.mu.flushing = true
	j.mu.flushed = make(chan struct{})
}

func (j *Journal) releaseFlusherLocked() {
	j.mu.flushing = false
	close(j.mu.flushed)
}

// flushLocked writes the current buffer to every directory and syncs
// them, with mu released during the I/O (appends go on into the other
// buffer). The caller holds the flusher role.
func (j *Journal) flushLocked() {
	if len(j.mu.cur) == 0 || j.mu.err != nil {
		return
	}
	buf, upto, n, headed := j.mu.cur, j.mu.written, j.mu.curTxns, j.mu.headed
	j.mu.cur, j.mu.spare, j.mu.curTxns, j.mu.headed = j.mu.spare[:0], nil, 0, false
	j.dropUnhealthyLocked()
	segs := slices.Clone(j.mu.segs)
	j.mu.Unlock()
	start := time.Now()
	var remoteErr error
	var wg sync.WaitGroup
	if r := j.opts.Remote; r != nil {
		records := buf
		if headed {
			records = buf[len(header):]
		}
		wg.Go(func() { remoteErr = r.Write(upto-int64(n)+1, n, records) })
	}
	errs := writeAll(segs, buf)
	wg.Wait()
	elapsed := time.Since(start)
	j.mu.Lock()
	if remoteErr != nil {
		j.failRemoteLocked(fmt.Errorf("journal: writing txids %d-%d to the shared edit log: %w", upto-int64(n)+1, upto, remoteErr))
	}
	j.mu.spare = buf[:0]
	for i, err := range errs {
		if err != nil {
			j.dropLocked(segs[i], fmt.Errorf("journal: writing %s: %w", segs[i].path(), err))
		}
	}
	if j.mu.err != nil {
		return
	}
	j.mu.synced = upto
	st := &j.mu.stats
	st.Syncs++
	st.SyncedTxns += int64(n)
	st.MaxBatch = max(st.MaxBatch, int64(n))
	st.Bytes += int64(len(buf))
	st.SyncTime += elapsed
}

// writeAll writes b to every segment, the directories in parallel.
func writeAll(segs []*segment, b []byte) []error {
	errs := make([]error, len(segs))
	if len(segs) == 1 {
		errs[0] = segs[0].write(b)
		return errs
	}
	var wg sync.WaitGroup
	for i, s := range segs {
		wg.Go(func() { errs[i] = s.write(b) })
	}
	wg.Wait()
	return errs
}

// failRemoteLocked fails the journal: the shared edit log is required.
func (j *Journal) failRemoteLocked(err error) {
	if j.mu.err == nil {
		j.mu.err = fmt.Errorf("%w: %w", ErrFailed, err)
	}
	for _, s := range j.mu.segs {
		s.abort()
	}
	j.mu.segs = nil
}

// dropUnhealthyLocked stops writing to directories someone else took out
// of service (a failed image save in an IMAGE_AND_EDITS directory).
func (j *Journal) dropUnhealthyLocked() {
	healthy := j.dirs.Of(storage.RoleEdits)
	for _, s := range slices.Clone(j.mu.segs) {
		if !slices.ContainsFunc(healthy, func(d storage.Dir) bool { return d.Root == s.dir.Root }) {
			j.dropLocked(s, fmt.Errorf("journal: %s was taken out of service", s.dir.Root))
		}
	}
}

// dropLocked stops writing to s's directory and takes it out of service.
// With no directory left the journal fails.
func (j *Journal) dropLocked(s *segment, err error) {
	s.abort()
	j.mu.segs = slices.DeleteFunc(j.mu.segs, func(x *segment) bool { return x == s })
	j.dirs.Failed(s.dir, err)
	j.mu.stats.FailedDirs++
	if len(j.mu.segs) == 0 && j.mu.err == nil && j.opts.Remote == nil {
		j.mu.err = fmt.Errorf("%w: %w: every edits directory failed; last: %w",
			ErrFailed, storage.ErrNoDirsLeft, err)
	}
}

// LastWrittenTxID is the txid of the last op appended.
func (j *Journal) LastWrittenTxID() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.mu.written
}

// LastSyncedTxID is the last txid known durable.
func (j *Journal) LastSyncedTxID() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.mu.synced
}

// SegmentFirstTxID is the first txid of the open segment.
func (j *Journal) SegmentFirstTxID() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.mu.first
}

// Dirs returns the directories the journal writes to.
func (j *Journal) Dirs() []storage.Dir {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]storage.Dir, len(j.mu.segs))
	for i, s := range j.mu.segs {
		out[i] = s.dir
	}
	return out
}

// Err is nil while the journal can be written, then why it cannot
// (wrapping ErrFailed or ErrClosed).
func (j *Journal) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.mu.err
}

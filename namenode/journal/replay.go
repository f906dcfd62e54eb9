package journal

import (
	"errors"
	"fmt"
	"io"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Scanner returns the storage.Scanner that finds where an in-progress
// segment really ends (EditLogFileInputStream.scanEditLog): its last
// transaction that reads back whole, stopping at the OP_INVALID padding
// or at the first damaged record. A missing or unreadable header is
// reported as CorruptHeader (the recovery sets the file aside), a segment
// with a header and no transaction as LastTxID InvalidTxID. Hadoop also
// looks past a damaged record for later good ones; hdfsd keeps the valid
// prefix (see package editlog).
func Scanner(fsys storage.FS) storage.Scanner {
	return func(path string) (storage.Scan, error) {
		f, err := fsys.Open(path)
		if err != nil {
			return storage.Scan{}, err
		}
		defer f.Close()
		r, err := editlog.NewReader(f)
		if errors.Is(err, editlog.ErrHeader) || errors.Is(err, editlog.ErrLayoutVersion) {
			return storage.Scan{LastTxID: storage.InvalidTxID, CorruptHeader: true}, nil
		}
		if err != nil {
			return storage.Scan{}, err
		}
		r.AllowTornTail()
		for {
			if _, err := r.Next(); err == io.EOF {
				return storage.Scan{LastTxID: r.LastTxID()}, nil
			} else if err != nil {
				return storage.Scan{}, err
			}
		}
	}
}

// Replay reads the segments a load plan chose (storage.Plan.Segments), in
// order, and calls fn with every op from fromTxID on, segment markers
// included. It returns the last txid it passed to fn (fromTxID-1 when
// none).
//
// Transactions must follow each other without a gap (ErrGap, naming the
// file). A finalized segment must read whole, from its first txid to the
// last its name gives: a damaged record or an early end is ErrCorrupt,
// naming the file. An in-progress segment ends at its first damaged or
// incomplete record, as a torn write leaves it. A segment with several
// copies is read from the copy reaching furthest; when a copy fails, the
// next one takes over from the first txid not yet replayed
// (RedundantEditLogInputStream). An error from fn stops Replay at once and
// is returned as is.
func Replay(fsys storage.FS, segs []storage.Segment, fromTxID int64,
	fn func(op *editlog.Op) error) (lastTxID int64, err error) {
	rp := replayer{fsys: fsys, next: fromTxID, fn: fn}
	for _, seg := range segs {
		if !seg.InProgress && seg.Last < rp.next {
			continue
		}
		if seg.First > rp.next {
			return rp.next - 1, fmt.Errorf("%w: expected txid %d, but the next segment starts at %d (%s)",
				ErrGap, rp.next, seg.First, copyNames(seg))
		}
		if err := rp.segment(seg); err != nil {
			return rp.next - 1, err
		}
	}
	return rp.next - 1, nil
}

type replayer struct {
	fsys storage.FS
	next int64 // the txid fn needs next
	fn   func(op *editlog.Op) error
}

// applyError is an error from fn, which no other copy can help with.
type applyError struct{ err error }

func (e applyError) Error() string { return e.err.Error() }

func (rp *replayer) segment(seg storage.Segment) error {
	var errs []error
	for _, c := range seg.Copies {
		err := rp.copy(c)
		if err == nil {
			return nil
		}
		var ae applyError
		if errors.As(err, &ae) {
			return ae.err
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return fmt.Errorf("%w: segment %v has no file", ErrCorrupt, seg)
	}
	return errors.Join(errs...)
}

// copy replays one file of a segment from rp.next on.
func (rp *replayer) copy(c storage.SegmentFile) error {
	f, err := rp.fsys.Open(c.Path())
	if err != nil {
		return fmt.Errorf("journal: opening %s: %w", c.Path(), err)
	}
	defer f.Close()
	r, err := editlog.NewReader(f)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCorrupt, c.Path(), err)
	}
	if c.InProgress {
		r.AllowTornTail()
	}
	for {
		op, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrCorrupt, c.Path(), err)
		}
		if err := rp.apply(c, &op); err != nil {
			return err
		}
	}
	if !c.InProgress && r.LastTxID() < c.Last {
		return fmt.Errorf("%w: %s: premature end of file at txid %d; expected file to go up to %d",
			ErrCorrupt, c.Path(), r.LastTxID(), c.Last)
	}
	return nil
}

func (rp *replayer) apply(c storage.SegmentFile, op *editlog.Op) error {
	switch {
	case !c.InProgress && op.TxID > c.Last:
		return fmt.Errorf("%w: %s holds txid %d, past its last txid %d", ErrCorrupt, c.Path(), op.TxID, c.Last)
	case op.TxID < rp.next:
		return nil // before fromTxID, or replayed from another copy
	case op.TxID > rp.next:
		return fmt.Errorf("%w: %s: expected txid %d, but got txid %d", ErrGap, c.Path(), rp.next, op.TxID)
	}
	if err := rp.fn(op); err != nil {
		return applyError{err}
	}
	rp.next++
	return nil
}

func copyNames(seg storage.Segment) string {
	if len(seg.Copies) == 0 {
		return seg.String()
	}
	return seg.Copies[0].Path()
}

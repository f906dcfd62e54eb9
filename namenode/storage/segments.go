package storage

import (
	"cmp"
	"fmt"
	"slices"
)

// Segment is one edit-log segment, with every copy of it the edits
// directories hold.
type Segment struct {
	First int64
	// Last is InvalidTxID for an in-progress segment nobody scanned.
	Last       int64
	InProgress bool
	// Copies: the files holding the segment, the one reaching furthest
	// first (Hadoop reads them in that order, falling back on errors).
	Copies []SegmentFile
}

// SegmentFile is one copy of a segment.
type SegmentFile struct {
	Dir        Dir
	File       string
	Last       int64
	InProgress bool
}

// Path is the file's path.
func (f SegmentFile) Path() string { return f.Dir.File(f.File) }

func (s Segment) String() string {
	if s.Last == InvalidTxID {
		return fmt.Sprintf("%d-?", s.First)
	}
	if s.InProgress {
		return fmt.Sprintf("%d-%d (in progress)", s.First, s.Last)
	}
	return fmt.Sprintf("%d-%d", s.First, s.Last)
}

// segmentFiles picks the segment files of the edits directories that may
// hold txids from `from` on, as FileJournalManager.selectInputStreams
// does: finalized segments, and in-progress ones when inProgressOK. A
// scanned in-progress segment counts up to its scan (one that failed to
// scan or has a corrupt header is skipped); an unscanned one is taken with
// an unknown end.
func segmentFiles(ls []Listing, from int64, inProgressOK bool) []SegmentFile {
	var out []SegmentFile
	for _, l := range ls {
		if !l.Dir.Holds(RoleEdits) {
			continue
		}
		for _, e := range l.Entries {
			f, ok := segmentFile(l.Dir, e, inProgressOK)
			if ok && (f.Last == InvalidTxID && f.InProgress || f.Last >= from) {
				out = append(out, f)
			}
		}
	}
	return out
}

func segmentFile(d Dir, e Entry, inProgressOK bool) (SegmentFile, bool) {
	switch {
	case e.Kind == KindEdits:
		return SegmentFile{Dir: d, File: e.File, Last: e.Last}, true
	case e.Kind != KindInProgress || !inProgressOK || e.ScanErr != nil:
		return SegmentFile{}, false
	case e.Scan == nil:
		return SegmentFile{Dir: d, File: e.File, Last: InvalidTxID, InProgress: true}, true
	case e.Scan.CorruptHeader || e.Scan.LastTxID == InvalidTxID:
		return SegmentFile{}, false
	}
	return SegmentFile{Dir: d, File: e.File, Last: e.Scan.LastTxID, InProgress: true}, true
}

// firstOf is the first txid of a segment file.
func firstOf(f SegmentFile) int64 { return ParseName(f.File).TxID }

// groupSegments joins the copies of each segment, as
// JournalSet.chainAndMakeRedundantStreams does: copies are grouped by
// first txid; a finalized copy drives out in-progress ones; the group
// ends where its furthest copy ends.
func groupSegments(files []SegmentFile) []Segment {
	slices.SortStableFunc(files, func(a, b SegmentFile) int {
		return cmp.Or(cmp.Compare(firstOf(a), firstOf(b)), cmp.Compare(a.Last, b.Last))
	})
	var out []Segment
	for _, f := range files {
		first := firstOf(f)
		if n := len(out); n > 0 && out[n-1].First == first {
			out[n-1] = addCopy(out[n-1], f)
			continue
		}
		out = append(out, Segment{First: first, Last: f.Last, InProgress: f.InProgress, Copies: []SegmentFile{f}})
	}
	for i := range out {
		slices.SortStableFunc(out[i].Copies, func(a, b SegmentFile) int { return cmp.Compare(b.Last, a.Last) })
	}
	return out
}

func addCopy(s Segment, f SegmentFile) Segment {
	switch {
	case f.InProgress && !s.InProgress:
		return s // a finalized copy exists
	case !f.InProgress && s.InProgress:
		s.Copies, s.InProgress = nil, false
		s.Last = f.Last
	}
	s.Copies = append(s.Copies, f)
	s.Last = max(s.Last, f.Last)
	return s
}

// GapError: the segments after the image stop short of a transaction the
// directories have seen (FSEditLog.checkForGaps).
type GapError struct {
	// ToAtLeast is the txid the edits had to reach.
	ToAtLeast int64
	// Missing is the first txid no segment holds.
	Missing int64
	// Next is the first txid of the next segment, or 0 when none follows.
	Next int64
}

func (e *GapError) Error() string {
	s := fmt.Sprintf("storage: Gap in transactions. Expected to be able to read up until at least txid %d "+
		"but unable to find any edit logs containing txid %d", e.ToAtLeast, e.Missing)
	if e.Next > 0 {
		return s + fmt.Sprintf(" (txids %d-%d are missing)", e.Missing, e.Next-1)
	}
	return s + fmt.Sprintf(" (txids %d-%d are missing)", e.Missing, e.ToAtLeast)
}

func (e *GapError) Unwrap() error { return ErrGap }

// chain keeps the segments that continue each other from txid `from` on
// and returns the ones past the first gap apart. It fails with a
// *GapError when that gap comes before toAtLeast. A segment of unknown
// end may reach anything, so the chain is whole once it hits one.
func chain(segs []Segment, from, toAtLeast int64) (run, rest []Segment, err error) {
	txid := from
	for i, s := range segs {
		if s.First > txid {
			if txid <= toAtLeast {
				err = &GapError{ToAtLeast: toAtLeast, Missing: txid, Next: s.First}
			}
			return segs[:i], segs[i:], err
		}
		if s.Last == InvalidTxID {
			return segs[:i+1], segs[i+1:], nil
		}
		txid = max(txid, s.Last+1)
	}
	if txid <= toAtLeast {
		err = &GapError{ToAtLeast: toAtLeast, Missing: txid}
	}
	return segs, nil, err
}

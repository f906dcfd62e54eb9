package storage

import (
	"cmp"
	"fmt"
	"slices"
)

// PlanRecovery decides what to do with the in-progress segments a
// NameNode finds in its edits directories at startup, as
// FileJournalManager.recoverUnfinalizedSegments does in each, leaving
// alone the segment starting at current (InvalidTxID: none is open):
//
//   - an empty file (a crash right after creating it) is deleted;
//   - a file with a header but no transaction (a crash before the first
//     sync) is renamed <name>.empty;
//   - a file whose header is corrupt is renamed <name>.corrupt, and the
//     directory fails (ErrCorruptSegment);
//   - any other is finalized: renamed edits_<first>-<last> after its last
//     whole transaction. If that name is taken the directory fails.
//
// The listings must carry scans (List with a Scanner) of the non-empty
// in-progress segments; a missing or failed scan fails the directory.
// failed holds the directories to take out of service; their actions up
// to the failure are in acts, as Hadoop performs them before giving up.
func PlanRecovery(ls []Listing, current int64) (acts []Action, failed []Failure) {
	for _, l := range ls {
		if !l.Dir.Holds(RoleEdits) {
			continue
		}
		a, err := recoverDir(l, current)
		acts = append(acts, a...)
		if err != nil {
			failed = append(failed, Failure{Dir: l.Dir, Err: err})
		}
	}
	return acts, failed
}

func recoverDir(l Listing, current int64) ([]Action, error) {
	var acts []Action
	for _, e := range inProgress(l) {
		if e.TxID == current {
			continue
		}
		a, err := recoverSegment(l, e)
		if a.Act != 0 {
			acts = append(acts, a)
		}
		if err != nil {
			return acts, err
		}
	}
	return acts, nil
}

// inProgress returns the strictly named in-progress segments, by txid.
func inProgress(l Listing) []Entry {
	var out []Entry
	for _, e := range l.Entries {
		if e.Kind == KindInProgress {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.TxID, b.TxID) })
	return out
}

func recoverSegment(l Listing, e Entry) (Action, error) {
	d := l.Dir
	switch {
	case e.Size == 0:
		return Action{Act: Delete, Dir: d, File: e.File, Why: "zero-length edit log file"}, nil
	case e.ScanErr != nil:
		return Action{}, e.ScanErr
	case e.Scan == nil:
		return Action{}, fmt.Errorf("%w: %s was not scanned", ErrInvalid, d.File(e.File))
	case e.Scan.CorruptHeader:
		return Action{Act: Rename, Dir: d, File: e.File, To: e.File + ".corrupt", Why: "corrupt header"},
			fmt.Errorf("%w: %s", ErrCorruptSegment, d.File(e.File))
	case e.Scan.LastTxID == InvalidTxID:
		return Action{Act: Rename, Dir: d, File: e.File, To: e.File + ".empty",
			Why: "no transactions in the edit log file"}, nil
	}
	to := EditsName(e.TxID, e.Scan.LastTxID)
	if l.has(to) {
		return Action{}, fmt.Errorf("%w: can't finalize edits file %s since finalized file %s already exists",
			ErrInconsistent, d.File(e.File), to)
	}
	return Action{Act: Rename, Dir: d, File: e.File, To: to, Why: "finalizing"}, nil
}

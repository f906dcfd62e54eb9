package journal

import "errors"

// Sentinel errors. Errors returned by this package wrap one of these, or
// storage.ErrNoDirsLeft, and name the file or directory concerned.
var (
	// ErrUnknownKind: a namespace record kind with no edit op here.
	ErrUnknownKind = errors.New("journal: no edit op for record kind")
	// ErrFailed: the journal stopped after every edits directory failed;
	// the NameNode must stop (Hadoop terminates). The error also wraps
	// storage.ErrNoDirsLeft and the last directory's error.
	ErrFailed = errors.New("journal: edit log failed")
	// ErrClosed: the journal was closed or aborted.
	ErrClosed = errors.New("journal: closed")
	// ErrInvalid: a caller passed something impossible (a txid not yet
	// appended, a first txid below 1).
	ErrInvalid = errors.New("journal: invalid argument")
	// ErrNotRecovered: an edits directory still holds a segment that
	// reaches the txid a new segment would start at, or an in-progress
	// segment: recover (storage.Recover) before opening the journal.
	ErrNotRecovered = errors.New("journal: edits directory needs recovery")
	// ErrGap: the segments being replayed skip transactions.
	ErrGap = errors.New("journal: gap in the edit log")
	// ErrCorrupt: a finalized segment is damaged, or ends before the
	// last transaction its name promises.
	ErrCorrupt = errors.New("journal: corrupt edit log segment")
)

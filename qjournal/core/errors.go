package core

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors of the writer and of the JournalNode model.
var (
	// ErrNotActive: a write was asked for before recovery made this writer
	// the active one.
	ErrNotActive = errors.New("qjournal: must recover unfinalized segments before writing")
	// ErrBusy: a quorum call was started while another was outstanding.
	ErrBusy = errors.New("qjournal: another quorum call is outstanding")
	// ErrOutOfSync: the JournalNode missed a batch and is skipped until the
	// next segment starts (Hadoop's JournalOutOfSyncException).
	ErrOutOfSync = errors.New("qjournal: journal disabled until next roll")
	// ErrTimeout: the quorum call did not finish within its timeout.
	ErrTimeout = errors.New("qjournal: timed out waiting for a quorum")
	// ErrRecoveryInvariant: a recovery decision would drop a committed txid
	// (Hadoop raises an AssertionError here).
	ErrRecoveryInvariant = errors.New("qjournal: recovery invariant violated")

	// JournalNode model errors (the rules of Hadoop's Journal.java).
	ErrEpochTooOld      = errors.New("qjournal: epoch is less than the last promised epoch")
	ErrNotWriterEpoch   = errors.New("qjournal: epoch is not the current writer epoch")
	ErrProposalTooOld   = errors.New("qjournal: proposed epoch is not above the last promise")
	ErrSerialNotHigher  = errors.New("qjournal: IPC serial was not higher than the prior one")
	ErrJournalOutOfSync = errors.New("qjournal: journal out of sync")
	ErrNotFormatted     = errors.New("qjournal: journal not formatted")
	ErrIllegalState     = errors.New("qjournal: illegal state")
	ErrCommittedBack    = errors.New("qjournal: committed txid moved backward")
)

// QuorumError is a quorum call that failed: too few successes, with the
// failure of each JournalNode that answered with an error (Hadoop's
// QuorumException lists the same).
type QuorumError struct {
	Op        string        // "journal(101-200)", "newEpoch(3)", ...
	Need      int           // successes required (a majority)
	Successes int           // successes received
	Errors    map[int]error // JournalNode index -> its error
	Names     []string      // optional JournalNode names for the message
	Timeout   bool          // the call timed out before a decision
}

func (e *QuorumError) Error() string {
	var b strings.Builder
	if e.Timeout {
		fmt.Fprintf(&b, "qjournal: timed out waiting for %s: %d of %d required successes",
			e.Op, e.Successes, e.Need)
	} else {
		fmt.Fprintf(&b, "qjournal: got too many exceptions to achieve quorum size %d for %s",
			e.Need, e.Op)
	}
	if len(e.Errors) == 0 {
		return b.String()
	}
	b.WriteString(": ")
	ids := make([]int, 0, len(e.Errors))
	for id := range e.Errors {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for i, id := range ids {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %v", e.name(id), e.Errors[id])
	}
	return b.String()
}

func (e *QuorumError) name(id int) string {
	if id < len(e.Names) && e.Names[id] != "" {
		return e.Names[id]
	}
	return fmt.Sprintf("jn%d", id+1)
}

// Unwrap returns the JournalNode errors, so errors.Is finds, for example,
// ErrEpochTooOld in a write a newer writer fenced.
func (e *QuorumError) Unwrap() []error {
	out := make([]error, 0, len(e.Errors)+1)
	if e.Timeout {
		out = append(out, ErrTimeout)
	}
	for _, err := range e.Errors {
		out = append(out, err)
	}
	return out
}

package client

import (
	"errors"
	"strings"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

var (
	// ErrWriteFailed: a write was not acknowledged by a quorum. The edit log
	// can no longer be trusted to hold what this NameNode acknowledges, so
	// the NameNode must stop; every later write fails with it too.
	ErrWriteFailed = errors.New("qjournal: a quorum of JournalNodes did not acknowledge a write; the NameNode must stop")
	// ErrFenced: a JournalNode has promised a newer writer's epoch.
	ErrFenced = errors.New("qjournal: fenced by a writer with a newer epoch")
	// ErrNotSupported: a Logger that does not implement Admin was asked
	// for an upgrade or rollback call.
	ErrNotSupported = errors.New("qjournal: not supported by hdfsd's quorum journal manager")
	// ErrClosed: the Manager was closed.
	ErrClosed = errors.New("qjournal: manager closed")
)

// IsFatal reports that err means the NameNode must stop (Hadoop's
// terminate on a failed required journal).
func IsFatal(err error) bool { return errors.Is(err, ErrWriteFailed) }

// fenced reports whether any node's error says a newer epoch was promised:
// the model's sentinel, or the JournalNode's IOException text.
func fenced(err error) bool {
	if errors.Is(err, core.ErrEpochTooOld) || errors.Is(err, core.ErrProposalTooOld) {
		return true
	}
	var qe *core.QuorumError
	if !errors.As(err, &qe) {
		return false
	}
	for _, e := range qe.Errors {
		var re *hadooprpc.RemoteError
		if errors.As(e, &re) && strings.Contains(re.Message, "less than the last promised epoch") {
			return true
		}
	}
	return false
}

// writeFailed wraps a failed write.
func writeFailed(err error) error {
	if fenced(err) {
		return errors.Join(ErrWriteFailed, ErrFenced, err)
	}
	return errors.Join(ErrWriteFailed, err)
}

package core

import "fmt"

// Kind is the Java exception class an error stands for.
type Kind uint8

// The kinds of errors the rules raise.
const (
	KindIO                  Kind = iota // java.io.IOException
	KindOutOfSync                       // JournalOutOfSyncException
	KindNotFormatted                    // JournalNotFormattedException
	KindIllegalState                    // java.lang.IllegalStateException
	KindIllegalArgument                 // java.lang.IllegalArgumentException
	KindAssertion                       // java.lang.AssertionError
	KindInconsistentFSState             // InconsistentFSStateException
	KindNewerTxnID                      // NewerTxnIdException
	KindCacheMiss                       // JournaledEditsCache$CacheMissException
)

// Error is a rule violation, with Hadoop's message.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return "journalnode: " + e.Msg }

func errf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

package jnrpc

import (
	"errors"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/journalnode/core"
)

// Java classes the JournalNode answers with besides hadooprpc's table.
const (
	ClassIllegalState = "java.lang.IllegalStateException"
	ClassNewerTxnID   = "org.apache.hadoop.hdfs.qjournal.server.NewerTxnIdException"
	ClassCacheMiss    = "org.apache.hadoop.hdfs.qjournal.server.JournaledEditsCache$CacheMissException"
)

var classes = [...]string{
	core.KindIO:                  hadooprpc.ClassIOException,
	core.KindOutOfSync:           hadooprpc.ClassJournalOutOfSync,
	core.KindNotFormatted:        hadooprpc.ClassJournalNotFormatted,
	core.KindIllegalState:        ClassIllegalState,
	core.KindIllegalArgument:     hadooprpc.ClassIllegalArgument,
	core.KindAssertion:           hadooprpc.ClassAssertionError,
	core.KindInconsistentFSState: hadooprpc.ClassInconsistentFSState,
	core.KindNewerTxnID:          ClassNewerTxnID,
	core.KindCacheMiss:           ClassCacheMiss,
}

// remote turns a core error into the exception Hadoop sends; other
// errors (disk failures) go as IOException with their text.
func remote(err error) error {
	var ce *core.Error
	if errors.As(err, &ce) {
		return &hadooprpc.RemoteError{Class: classes[ce.Kind], Message: ce.Msg}
	}
	return err
}

// Remote is the exception an error is answered with (for tests and
// callers outside the RPC server).
func Remote(err error) error { return remote(err) }

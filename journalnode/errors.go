package journalnode

import (
	"fmt"

	"github.com/hdfsd/hdfsd/journalnode/core"
)

// newerTxnID is NewerTxnIdException's message.
func newerTxnID(highest, since int64) error {
	return &core.Error{Kind: core.KindNewerTxnID,
		Msg: fmt.Sprintf("Highest txn ID available in the journal is %d, but requested txns starting at %d.", highest, since)}
}

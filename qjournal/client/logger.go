package client

import (
	"context"

	"github.com/hdfsd/hdfsd/qjournal/core"
)

// Logger is one JournalNode as the Manager sees it (Hadoop's AsyncLogger).
// Channel is the real one; tests inject faults through their own.
type Logger interface {
	// Name identifies the node in errors ("host:port").
	Name() string
	// Enqueue queues a writer message behind the earlier ones and returns
	// at once; done is called with the answer, from another goroutine,
	// after the calls queued before it were answered. fromURL is set for
	// acceptRecovery.
	Enqueue(m core.Msg, fromURL string, done func(core.Reply))
	// SegmentURL is the HTTP address of segment segTxID on this node;
	// empty until the node's HTTP server is known.
	SegmentURL(segTxID uint64) string

	Format(ctx context.Context, force bool) error
	IsFormatted(ctx context.Context) (bool, error)
	GetEditLogManifest(ctx context.Context, sinceTxID uint64, inProgressOK bool) (Manifest, error)
	GetJournaledEdits(ctx context.Context, sinceTxID uint64, maxTxns uint32) (JournaledEdits, error)
	Close() error
}

// RemoteLog is one segment in a manifest (RemoteEditLogProto).
type RemoteLog struct {
	Start, End uint64
	InProgress bool
}

// Manifest is one node's list of segments.
type Manifest struct {
	Logs         []RemoteLog
	HasCommitted bool
	Committed    uint64
}

// JournaledEdits is one node's answer to getJournaledEdits: TxnCount
// transactions from the requested txid, as encoded records.
type JournaledEdits struct {
	TxnCount uint32
	Records  []byte
}

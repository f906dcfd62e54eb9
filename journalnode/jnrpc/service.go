// Package jnrpc is the JournalNode's RPC edge: QJournalProtocol and
// InterQJournalProtocol requests decoded into the core's types, handed to
// a Service, and the answers and errors encoded as Hadoop's JournalNode
// sends them (JournalNodeRpcServer, QJournalProtocolServerSideTranslatorPB).
package jnrpc

import (
	"context"

	"github.com/hdfsd/hdfsd/journalnode/core"
)

// Wire names of the protocols (NOTES.md §1).
const (
	ProtocolName      = "org.apache.hadoop.hdfs.qjournal.protocol.QJournalProtocol"
	InterProtocolName = "org.apache.hadoop.hdfs.qjournal.protocol.InterQJournalProtocol"
	ProtocolVersion   = 1
)

// Req is a writer request's header (RequestInfoProto).
type Req struct {
	JournalID     string
	NameServiceID string
	core.RequestInfo
}

// Service is what the JournalNode does for each call.
type Service interface {
	IsFormatted(ctx context.Context, jid, nsID string) (bool, error)
	LastPromised(ctx context.Context, jid, nsID string) (int64, error)
	NewEpoch(ctx context.Context, jid, nsID string, ns core.StorageInfo, epoch int64) (lastSegment int64, ok bool, err error)
	Format(ctx context.Context, jid, nsID string, ns core.StorageInfo, force bool) error
	Journal(ctx context.Context, r Req, segment, first int64, n int, records []byte) error
	Heartbeat(ctx context.Context, r Req) error
	StartLogSegment(ctx context.Context, r Req, txid int64, lv int32) error
	FinalizeLogSegment(ctx context.Context, r Req, start, end int64) error
	PurgeLogs(ctx context.Context, r Req, minTxIDToKeep int64) error
	Manifest(ctx context.Context, jid, nsID string, since int64, inProgressOk bool) (core.Manifest, error)
	JournaledEdits(ctx context.Context, jid, nsID string, since int64, max int) ([]byte, int, error)
	PrepareRecovery(ctx context.Context, r Req, segment int64) (core.Prepared, error)
	AcceptRecovery(ctx context.Context, r Req, seg core.Segment, fromURL string) error
	DiscardSegments(ctx context.Context, jid, nsID string, start int64) error
	JournalCTime(ctx context.Context, jid, nsID string) (int64, error)
	DoPreUpgrade(ctx context.Context, jid string) error
	DoUpgrade(ctx context.Context, jid string, si core.StorageInfo) error
	DoFinalize(ctx context.Context, jid, nsID string) error
	CanRollBack(ctx context.Context, jid, nsID string, si, prev core.StorageInfo, targetLV int32) (bool, error)
	DoRollback(ctx context.Context, jid, nsID string) error
	// HTTPPort and HTTPURI go into getJournalState and manifest answers.
	HTTPPort() int
	HTTPURI() string
}

package core

import "fmt"

// InvalidTxID is Hadoop's "no transaction" (HdfsServerConstants.INVALID_TXID).
const InvalidTxID int64 = -12345

// Segment is one edits file of current/: edits_<Start>-<End>, or
// edits_inprogress_<Start> whose last valid txid is End (InvalidTxID when it
// holds no transaction).
type Segment struct {
	Start, End int64
	InProgress bool
}

func (s Segment) String() string {
	return fmt.Sprintf("startTxId: %d endTxId: %d isInProgress: %t", s.Start, s.End, s.InProgress)
}

// StorageInfo is the writer's namespace identity a journal is formatted
// with and stores in current/VERSION.
type StorageInfo struct {
	LayoutVersion int32
	NamespaceID   int32
	ClusterID     string
	CTime         int64
}

// ColonString is StorageInfo.toColonSeparatedString: lv:nsid:ctime:cid.
func (s StorageInfo) ColonString() string {
	return fmt.Sprintf("%d:%d:%d:%s", s.LayoutVersion, s.NamespaceID, s.CTime, s.ClusterID)
}

// RequestInfo is what every writer request carries.
type RequestInfo struct {
	Epoch         int64
	IPCSerial     int64
	CommittedTxID int64
	HasCommitted  bool
	Client        string // the caller's address, in messages
}

// Paxos is a segment's accepted recovery (PersistedRecoveryPaxosData).
type Paxos struct {
	Segment         Segment
	AcceptedInEpoch int64
}

// State is what a journal directory holds, as the caller read it.
type State struct {
	Formatted       bool
	CurrentNonEmpty bool // current/ has entries (format without force refuses)
	Storage         StorageInfo
	LastPromised    int64 // 0 when absent
	LastWriter      int64 // 0 when absent
	Committed       int64 // InvalidTxID when absent
	Segments        []Segment
	Paxos           map[int64]Paxos
}

// Prepared is the answer to prepareRecovery.
type Prepared struct {
	Segment         *Segment // nil: no such segment here
	AcceptedInEpoch int64    // 0 with HasAccepted false
	HasAccepted     bool
	LastWriterEpoch int64
	Committed       int64 // InvalidTxID: not known
}

// Manifest is the answer to getEditLogManifest.
type Manifest struct {
	Logs      []Segment
	Committed int64
}

package core

import "fmt"

// Kind names a QJournalProtocol call the writer makes.
type Kind int

const (
	KindGetJournalState Kind = iota
	KindNewEpoch
	KindPrepareRecovery
	KindAcceptRecovery
	KindFinalize
	KindStartSegment
	KindJournal
	KindPurge
	// KindHeartbeat keeps an out-of-sync node's view of the writer and of
	// the committed txid current; it belongs to no quorum call (Call 0).
	KindHeartbeat
)

var kindNames = [...]string{"getJournalState", "newEpoch", "prepareRecovery",
	"acceptRecovery", "finalizeLogSegment", "startLogSegment", "journal", "purgeLogs", "heartbeat"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// RequestInfo is what every epoch-checked call carries (RequestInfoProto):
// the writer's epoch, the channel's IPC serial number, and the highest txid
// a quorum acknowledged, when there is one.
type RequestInfo struct {
	Epoch        uint64
	Serial       uint64
	HasCommitted bool
	Committed    uint64
}

// Msg is one call to one JournalNode. Call numbers the quorum call it
// belongs to; the reply must carry it back.
type Msg struct {
	To   int
	Call uint64
	Kind Kind
	Info RequestInfo // every kind but getJournalState and newEpoch

	Epoch         uint64  // newEpoch
	TxID          uint64  // startLogSegment, prepareRecovery: the segment
	LayoutVersion int32   // startLogSegment
	SegmentTxID   uint64  // journal
	FirstTxID     uint64  // journal; finalizeLogSegment: start
	NumTxns       uint32  // journal
	Data          []byte  // journal
	EndTxID       uint64  // finalizeLogSegment
	Segment       Segment // acceptRecovery
	Source        int     // acceptRecovery: node to download the segment from
	MinTxIDToKeep uint64  // purgeLogs
}

func (m Msg) String() string {
	switch m.Kind {
	case KindGetJournalState:
		return fmt.Sprintf("jn%d getJournalState", m.To+1)
	case KindNewEpoch:
		return fmt.Sprintf("jn%d newEpoch(%d)", m.To+1, m.Epoch)
	case KindPrepareRecovery:
		return fmt.Sprintf("jn%d prepareRecovery(%d) %s", m.To+1, m.TxID, m.Info)
	case KindAcceptRecovery:
		return fmt.Sprintf("jn%d acceptRecovery(%v from jn%d) %s", m.To+1, m.Segment, m.Source+1, m.Info)
	case KindFinalize:
		return fmt.Sprintf("jn%d finalizeLogSegment(%d-%d) %s", m.To+1, m.FirstTxID, m.EndTxID, m.Info)
	case KindStartSegment:
		return fmt.Sprintf("jn%d startLogSegment(%d) %s", m.To+1, m.TxID, m.Info)
	case KindJournal:
		return fmt.Sprintf("jn%d journal(%d-%d in %d) %s", m.To+1, m.FirstTxID,
			m.FirstTxID+uint64(m.NumTxns)-1, m.SegmentTxID, m.Info)
	case KindHeartbeat:
		return fmt.Sprintf("jn%d heartbeat %s", m.To+1, m.Info)
	case KindPurge:
		return fmt.Sprintf("jn%d purgeLogs(%d) %s", m.To+1, m.MinTxIDToKeep, m.Info)
	}
	return fmt.Sprintf("jn%d %v", m.To+1, m.Kind)
}

func (r RequestInfo) String() string {
	if r.HasCommitted {
		return fmt.Sprintf("[epoch %d serial %d committed %d]", r.Epoch, r.Serial, r.Committed)
	}
	return fmt.Sprintf("[epoch %d serial %d]", r.Epoch, r.Serial)
}

// Reply is a JournalNode's answer (or the transport's failure) to a Msg.
type Reply struct {
	From int
	Call uint64
	Kind Kind
	Err  error

	LastPromisedEpoch uint64 // getJournalState
	HasLastSegment    bool   // newEpoch
	LastSegmentTxID   uint64 // newEpoch
	Prepare           PrepareResult
}

// Result ends a quorum call the writer started.
type Result struct {
	Call uint64
	Kind Kind // the kind the call started with (getJournalState for recovery)
	Err  error

	Epoch     uint64    // recovery: the epoch now established
	Recovered *Decision // recovery: what was recovered (nil: no segment at all)
	AckedTxID uint64    // journal: the last txid a quorum holds
}

// Output is what the writer asks its driver to do: send these messages,
// and, when Done is set, report this result to whoever waits.
type Output struct {
	Msgs []Msg
	Done *Result
}

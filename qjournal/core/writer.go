package core

import "fmt"

// Writer is the QJM writer's rules as a deterministic state machine: epoch
// choice, quorum counting, segment recovery and the out-of-sync rule. It
// never touches the network or a clock. Each method returns the calls to
// make (Output.Msgs) and, once a quorum call is decided, its Result. The
// driver sends each message to its JournalNode in the order given
// (messages to one node must arrive in order), feeds every answer to Step,
// and calls Timeout when a call's deadline passes. Only one quorum call is
// outstanding at a time; late answers to earlier calls are still accepted
// and only update the out-of-sync state.
type Writer struct {
	n         int
	epoch     uint64
	active    bool
	call      uint64
	cur       *pending
	serial    []uint64
	outOfSync []bool
	lastBeat  []int64 // ms of the last heartbeat to each out-of-sync node; -1: none yet
	committed uint64
	hasCommit bool
	segCall   uint64 // call number of the last startLogSegment
}

type phase int

const (
	phaseGetState phase = iota
	phaseNewEpoch
	phasePrepare
	phaseAccept
	phaseFinalizeRecovered
	phaseWrite
)

type pending struct {
	id       uint64
	first    Kind // the kind the caller asked for
	kind     Kind // the kind in flight now
	phase    phase
	op       string
	tally    *Tally
	promised map[int]uint64
	newEpoch map[int]Reply
	prepared map[int]PrepareResult
	decision Decision
	lastTxID uint64 // journal: last txid of the batch
	epoch    uint64 // newEpoch: the proposal
}

// NewWriter returns a writer for n JournalNodes, not yet active.
func NewWriter(n int) *Writer {
	w := &Writer{n: n, serial: make([]uint64, n), outOfSync: make([]bool, n), lastBeat: make([]int64, n)}
	for i := range w.lastBeat {
		w.lastBeat[i] = -1
	}
	return w
}

// N is the number of JournalNodes.
func (w *Writer) N() int { return w.n }

// Epoch is the writer's epoch, 0 before newEpoch succeeded.
func (w *Writer) Epoch() uint64 { return w.epoch }

// Active reports that recovery finished and writes are allowed.
func (w *Writer) Active() bool { return w.active }

// Committed returns the highest txid a quorum acknowledged.
func (w *Writer) Committed() (uint64, bool) { return w.committed, w.hasCommit }

// OutOfSync reports whether node id is skipped until the next segment.
func (w *Writer) OutOfSync(id int) bool { return w.outOfSync[id] }

// Pending returns the number of the outstanding quorum call, 0 if none.
func (w *Writer) Pending() uint64 {
	if w.cur == nil {
		return 0
	}
	return w.cur.id
}

// Recover starts recoverUnfinalizedSegments: getJournalState on every
// node, newEpoch with one more than the highest promise a quorum reports,
// then prepare/accept/finalize of the most recent segment.
func (w *Writer) Recover() (Output, error) {
	if w.active {
		return Output{}, fmt.Errorf("qjournal: already the active writer")
	}
	p, err := w.begin(KindGetJournalState, phaseGetState, "getJournalState()")
	if err != nil {
		return Output{}, err
	}
	p.promised = map[int]uint64{}
	return Output{Msgs: w.toAll(p, func(m *Msg) {})}, nil
}

// StartSegment starts segment txid on every node (startLogSegment).
func (w *Writer) StartSegment(txid uint64, layoutVersion int32) (Output, error) {
	p, err := w.beginWrite(KindStartSegment, fmt.Sprintf("startLogSegment(%d)", txid))
	if err != nil {
		return Output{}, err
	}
	// Every node gets the new segment; one that fails to start it will
	// refuse the segment's writes and so fall out of sync again. (Hadoop
	// clears the flag when the start succeeds, before its channel sends the
	// next batch; messages here are addressed before answers arrive.)
	w.segCall = p.id
	for id := range w.outOfSync {
		w.outOfSync[id] = false
	}
	return Output{Msgs: w.toAll(p, func(m *Msg) {
		m.Info = w.reqInfo(m.To)
		m.TxID, m.LayoutVersion = txid, layoutVersion
	})}, nil
}

// Journal sends numTxns encoded transactions starting at firstTxID of
// segment segTxID to every node that is in sync; nodes out of sync count
// as failures at once. The call succeeds when a quorum wrote the batch.
func (w *Writer) Journal(segTxID, firstTxID uint64, numTxns uint32, data []byte) (Output, error) {
	last := firstTxID + uint64(numTxns) - 1
	p, err := w.beginWrite(KindJournal, fmt.Sprintf("sendEdits(%d-%d)", firstTxID, last))
	if err != nil {
		return Output{}, err
	}
	p.lastTxID = last
	return w.toInSync(p, func(m *Msg) {
		m.SegmentTxID, m.FirstTxID, m.NumTxns, m.Data = segTxID, firstTxID, numTxns, data
	}), nil
}

// HeartbeatInterval is how often at most an out-of-sync node gets a
// heartbeat (IPCLoggerChannel.HEARTBEAT_INTERVAL_MILLIS).
const HeartbeatInterval = 1000 // ms

// Heartbeats is IPCLoggerChannel.heartbeatIfNecessary, for the journal
// call just made at nowMs: each node out of sync whose last heartbeat is
// over HeartbeatInterval old (or that has had none) gets one, so that it
// keeps the committed txid and learns of the writer. The messages belong
// to no quorum call; their answers change nothing.
func (w *Writer) Heartbeats(nowMs int64) []Msg {
	var out []Msg
	for id := range w.n {
		if !w.outOfSync[id] {
			continue
		}
		if last := w.lastBeat[id]; last >= 0 && nowMs-last <= HeartbeatInterval {
			continue
		}
		w.lastBeat[id] = nowMs
		out = append(out, Msg{To: id, Kind: KindHeartbeat, Info: w.reqInfo(id)})
	}
	return out
}

// Finalize finalizes segment first-last on every node in sync.
func (w *Writer) Finalize(first, last uint64) (Output, error) {
	p, err := w.beginWrite(KindFinalize, fmt.Sprintf("finalizeLogSegment(%d-%d)", first, last))
	if err != nil {
		return Output{}, err
	}
	return w.toInSync(p, func(m *Msg) { m.FirstTxID, m.EndTxID = first, last }), nil
}

// Purge asks every node to purge segments older than minTxIDToKeep. Hadoop
// does not wait for answers (purging may always fail), so neither does the
// writer: the messages go out and no quorum call stays open.
func (w *Writer) Purge(minTxIDToKeep uint64) (Output, error) {
	if !w.active {
		return Output{}, ErrNotActive
	}
	w.call++
	msgs := make([]Msg, 0, w.n)
	for id := 0; id < w.n; id++ {
		msgs = append(msgs, Msg{To: id, Call: w.call, Kind: KindPurge, Info: w.reqInfo(id), MinTxIDToKeep: minTxIDToKeep})
	}
	return Output{Msgs: msgs, Done: &Result{Call: w.call, Kind: KindPurge}}, nil
}

func (w *Writer) beginWrite(k Kind, op string) (*pending, error) {
	if !w.active {
		return nil, ErrNotActive
	}
	return w.begin(k, phaseWrite, op)
}

func (w *Writer) begin(k Kind, ph phase, op string) (*pending, error) {
	if w.cur != nil {
		return nil, ErrBusy
	}
	w.call++
	w.cur = &pending{id: w.call, first: k, kind: k, phase: ph, op: op, tally: NewTally(w.n)}
	return w.cur, nil
}

// reqInfo returns the next RequestInfo for node id, consuming a serial.
func (w *Writer) reqInfo(id int) RequestInfo {
	ri := RequestInfo{Epoch: w.epoch, Serial: w.serial[id], HasCommitted: w.hasCommit, Committed: w.committed}
	w.serial[id]++
	return ri
}

func (w *Writer) toAll(p *pending, fill func(*Msg)) []Msg {
	msgs := make([]Msg, 0, w.n)
	for id := 0; id < w.n; id++ {
		m := Msg{To: id, Call: p.id, Kind: p.kind}
		fill(&m)
		msgs = append(msgs, m)
	}
	return msgs
}

// toInSync addresses nodes in sync and fails the others at once.
func (w *Writer) toInSync(p *pending, fill func(*Msg)) Output {
	var out Output
	for id := 0; id < w.n; id++ {
		if w.outOfSync[id] {
			p.tally.Add(id, ErrOutOfSync)
			continue
		}
		m := Msg{To: id, Call: p.id, Kind: p.kind, Info: w.reqInfo(id)}
		fill(&m)
		out.Msgs = append(out.Msgs, m)
	}
	out.Done = w.decideWrite(p)
	return out
}

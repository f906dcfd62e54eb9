package core

import (
	"fmt"
	"sort"
)

// Model is an in-memory JournalNode: the promise/accept rules of Hadoop's
// Journal.java over segments held in memory, for the fault simulation and
// transcript tests. Everything but the open segment and the IPC serial
// survives Crash (a real JournalNode syncs every write before answering).
// Each transaction is an opaque chunk: a journal batch of n transactions
// carries n equal-sized chunks.
type Model struct {
	formatted   bool
	promised    uint64
	writerEpoch uint64
	committed   uint64
	hasCommit   bool
	segs        map[uint64]*ModelSegment
	paxos       map[uint64]paxos

	cur    uint64 // start of the open segment, 0 if none
	next   uint64
	serial int64
}

// ModelSegment is one segment held by a Model.
type ModelSegment struct {
	Start      uint64
	Txns       [][]byte // Txns[i] is txid Start+i
	InProgress bool
}

// End is the last txid in the segment, Start-1 when it is empty.
func (s *ModelSegment) End() uint64 { return s.Start + uint64(len(s.Txns)) - 1 }

type paxos struct {
	seg   Segment
	epoch uint64
}

// Fetch reads txids start..end of a segment from another node, as a
// JournalNode downloads a segment over HTTP during acceptRecovery.
type Fetch func(source int, start, end uint64) ([][]byte, error)

// NewModel returns an unformatted JournalNode.
func NewModel() *Model {
	return &Model{segs: map[uint64]*ModelSegment{}, paxos: map[uint64]paxos{}, serial: -1}
}

// Format formats the journal (all state is dropped).
func (j *Model) Format() {
	*j = *NewModel()
	j.formatted = true
}

// Crash drops what a restart loses: the open segment and the IPC serial.
func (j *Model) Crash() { j.cur, j.next, j.serial = 0, 0, -1 }

// Promised returns the last promised epoch.
func (j *Model) Promised() uint64 { return j.promised }

// WriterEpoch returns the last writer epoch.
func (j *Model) WriterEpoch() uint64 { return j.writerEpoch }

// Segments returns the segments in txid order.
func (j *Model) Segments() []*ModelSegment {
	out := make([]*ModelSegment, 0, len(j.segs))
	for _, s := range j.segs {
		out = append(out, s)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out
}

// Segment returns the segment starting at start, or nil.
func (j *Model) Segment(start uint64) *ModelSegment { return j.segs[start] }

// Handle applies one message and returns the reply.
func (j *Model) Handle(self int, m Msg, fetch Fetch) Reply {
	r := Reply{From: self, Call: m.Call, Kind: m.Kind}
	if !j.formatted {
		r.Err = ErrNotFormatted
		return r
	}
	switch m.Kind {
	case KindGetJournalState:
		r.LastPromisedEpoch = j.promised
	case KindNewEpoch:
		r.HasLastSegment, r.LastSegmentTxID, r.Err = j.newEpoch(m.Epoch)
	case KindStartSegment:
		r.Err = j.startSegment(m.Info, m.TxID)
	case KindJournal:
		r.Err = j.journal(m)
	case KindFinalize:
		r.Err = j.finalize(m.Info, m.FirstTxID, m.EndTxID)
	case KindPrepareRecovery:
		r.Prepare, r.Err = j.prepare(m.Info, m.TxID)
	case KindAcceptRecovery:
		r.Err = j.accept(m.Info, m.Segment, m.Source, fetch)
	case KindPurge:
		r.Err = j.purge(m.Info, m.MinTxIDToKeep)
	case KindHeartbeat: // Journal.heartbeat: the request checks alone
		r.Err = j.checkRequest(m.Info)
	default:
		r.Err = fmt.Errorf("%w: unknown call %v", ErrIllegalState, m.Kind)
	}
	return r
}

func (j *Model) newEpoch(epoch uint64) (bool, uint64, error) {
	if epoch <= j.promised {
		return false, 0, fmt.Errorf("%w: proposed epoch %d <= last promise %d", ErrProposalTooOld, epoch, j.promised)
	}
	j.promise(epoch)
	j.cur = 0
	latest := j.latestNonEmpty()
	if latest == nil {
		return false, 0, nil
	}
	return true, latest.Start, nil
}

func (j *Model) promise(epoch uint64) {
	j.promised = epoch
	j.serial = -1
}

// latestNonEmpty drops empty segments from the newest down (Hadoop moves
// them aside) and returns the newest one left.
func (j *Model) latestNonEmpty() *ModelSegment {
	segs := j.Segments()
	for i := len(segs) - 1; i >= 0; i-- {
		if len(segs[i].Txns) > 0 {
			return segs[i]
		}
		delete(j.segs, segs[i].Start)
	}
	return nil
}

func (j *Model) checkRequest(ri RequestInfo) error {
	if ri.Epoch < j.promised {
		return fmt.Errorf("%w: IPC's epoch %d is less than the last promised epoch %d",
			ErrEpochTooOld, ri.Epoch, j.promised)
	}
	if ri.Epoch > j.promised {
		j.promise(ri.Epoch)
	}
	if int64(ri.Serial) <= j.serial {
		return fmt.Errorf("%w: IPC serial %d, prior %d", ErrSerialNotHigher, ri.Serial, j.serial)
	}
	j.serial = int64(ri.Serial)
	if ri.HasCommitted {
		if j.hasCommit && ri.Committed < j.committed {
			return fmt.Errorf("%w: from %d to %d", ErrCommittedBack, j.committed, ri.Committed)
		}
		j.committed, j.hasCommit = ri.Committed, true
	}
	return nil
}

func (j *Model) checkWriteRequest(ri RequestInfo) error {
	if err := j.checkRequest(ri); err != nil {
		return err
	}
	if ri.Epoch != j.writerEpoch {
		return fmt.Errorf("%w: IPC's epoch %d, writer epoch %d", ErrNotWriterEpoch, ri.Epoch, j.writerEpoch)
	}
	return nil
}

func (j *Model) startSegment(ri RequestInfo, txid uint64) error {
	if err := j.checkRequest(ri); err != nil {
		return err
	}
	j.cur = 0
	if s := j.segs[txid]; s != nil {
		if !s.InProgress {
			return fmt.Errorf("%w: already have a finalized segment beginning at %d", ErrIllegalState, txid)
		}
		if len(s.Txns) != 1 { // Hadoop: only the segment's opening op may be there
			return fmt.Errorf("%w: segment %d seems to contain valid transactions", ErrIllegalState, txid)
		}
	}
	j.writerEpoch = ri.Epoch
	delete(j.paxos, txid)
	j.segs[txid] = &ModelSegment{Start: txid, InProgress: true}
	j.cur, j.next = txid, txid
	return nil
}

func (j *Model) journal(m Msg) error {
	if err := j.checkWriteRequest(m.Info); err != nil {
		return err
	}
	if m.NumTxns == 0 {
		return nil
	}
	if j.cur == 0 {
		return fmt.Errorf("%w: can't write, no segment open", ErrJournalOutOfSync)
	}
	if j.cur != m.SegmentTxID {
		j.cur = 0
		return fmt.Errorf("%w: writer thinks it is writing segment %d", ErrJournalOutOfSync, m.SegmentTxID)
	}
	if j.next != m.FirstTxID {
		return fmt.Errorf("%w: can't write txid %d expecting nextTxId=%d", ErrJournalOutOfSync, m.FirstTxID, j.next)
	}
	size := len(m.Data) / int(m.NumTxns)
	s := j.segs[j.cur]
	for i := 0; i < int(m.NumTxns); i++ {
		s.Txns = append(s.Txns, append([]byte(nil), m.Data[i*size:(i+1)*size]...))
	}
	j.next = m.FirstTxID + uint64(m.NumTxns)
	return nil
}

func (j *Model) finalize(ri RequestInfo, start, end uint64) error {
	if err := j.checkRequest(ri); err != nil {
		return err
	}
	validate := true
	if start == j.cur {
		j.cur = 0
		if j.next != end+1 {
			return fmt.Errorf("%w: finalize %d at %d but written up to %d", ErrJournalOutOfSync, start, end, j.next-1)
		}
		validate = false
	}
	s := j.segs[start]
	if s == nil {
		return fmt.Errorf("%w: no log file to finalize at transaction ID %d", ErrJournalOutOfSync, start)
	}
	if s.InProgress {
		if validate && s.End() != end {
			return fmt.Errorf("%w: finalize %d at %d but the log holds up to %d", ErrJournalOutOfSync, start, end, s.End())
		}
		s.InProgress = false
	} else if s.End() != end {
		return fmt.Errorf("%w: re-finalizing %d-%d with end %d", ErrIllegalState, start, s.End(), end)
	}
	delete(j.paxos, start)
	return nil
}

func (j *Model) segmentInfo(txid uint64) *Segment {
	s := j.segs[txid]
	if s == nil {
		return nil
	}
	if len(s.Txns) == 0 {
		delete(j.segs, txid)
		return nil
	}
	return &Segment{Start: s.Start, End: s.End(), InProgress: s.InProgress}
}

func (j *Model) prepare(ri RequestInfo, txid uint64) (PrepareResult, error) {
	if err := j.checkRequest(ri); err != nil {
		return PrepareResult{}, err
	}
	j.cur = 0
	var res PrepareResult
	prev, hasPrev := j.paxos[txid]
	info := j.segmentInfo(txid)
	finalized := info != nil && !info.InProgress
	switch {
	case hasPrev && !finalized:
		res.HasSegment, res.Segment, res.AcceptedInEpoch = true, prev.seg, prev.epoch
	case info != nil:
		res.HasSegment, res.Segment = true, *info
	}
	res.LastWriterEpoch = j.writerEpoch
	res.HasCommitted, res.LastCommitted = j.hasCommit, j.committed
	return res, nil
}

func (j *Model) accept(ri RequestInfo, seg Segment, source int, fetch Fetch) error {
	if err := j.checkRequest(ri); err != nil {
		return err
	}
	j.cur = 0
	if seg.End == 0 || seg.End < seg.Start {
		return fmt.Errorf("%w: bad recovery state for segment %d: %v", ErrIllegalState, seg.Start, seg)
	}
	if old, ok := j.paxos[seg.Start]; ok && old.epoch > ri.Epoch {
		return fmt.Errorf("%w: bad paxos transition, out-of-order epochs %d then %d", ErrIllegalState, old.epoch, ri.Epoch)
	}
	cur := j.segmentInfo(seg.Start)
	if cur == nil || cur.End != seg.End {
		if cur != nil {
			if j.hasCommit && inRange(*cur, j.committed) && !inRange(seg, j.committed) {
				return fmt.Errorf("%w: replacing %v with %v would discard committed txid %d",
					ErrRecoveryInvariant, *cur, seg, j.committed)
			}
			if !cur.InProgress {
				return fmt.Errorf("%w: asked to synchronize over finalized segment %v", ErrIllegalState, *cur)
			}
		}
		txns, err := fetch(source, seg.Start, seg.End)
		if err != nil {
			return err
		}
		j.segs[seg.Start] = &ModelSegment{Start: seg.Start, Txns: txns, InProgress: true}
	}
	j.paxos[seg.Start] = paxos{seg: seg, epoch: ri.Epoch}
	return nil
}

func inRange(s Segment, txid uint64) bool { return txid >= s.Start && txid <= s.End }

func (j *Model) purge(ri RequestInfo, min uint64) error {
	if err := j.checkRequest(ri); err != nil {
		return err
	}
	for start := range j.segs {
		if start < min && start != j.cur {
			delete(j.segs, start)
		}
	}
	for start := range j.paxos {
		if start < min {
			delete(j.paxos, start)
		}
	}
	return nil
}

// Read returns txids start..end of the segment starting at segStart, for
// another node's Fetch.
func (j *Model) Read(segStart, start, end uint64) ([][]byte, error) {
	s := j.segs[segStart]
	if s == nil || len(s.Txns) == 0 || s.End() < end || start < s.Start {
		return nil, fmt.Errorf("%w: no txids %d-%d in segment %d", ErrIllegalState, start, end, segStart)
	}
	return s.Txns[start-s.Start : end-s.Start+1], nil
}

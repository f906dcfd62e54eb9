package core

import "fmt"

// Step feeds one answer to the writer. Answers to calls other than the
// outstanding one only update the out-of-sync state.
func (w *Writer) Step(r Reply) Output {
	w.noteSync(r)
	p := w.cur
	if p == nil || r.Call != p.id || r.Kind != p.kind {
		return Output{}
	}
	if r.Err == nil {
		w.record(p, r)
	}
	p.tally.Add(r.From, r.Err)
	if p.phase == phaseWrite {
		return Output{Done: w.decideWrite(p)}
	}
	switch {
	case p.tally.Succeeded():
		return w.advance(p)
	case p.tally.Failed():
		return Output{Done: w.fail(p, p.tally.Err(p.op, false))}
	}
	return Output{}
}

// Timeout ends call id, if still outstanding, with a timeout error.
func (w *Writer) Timeout(id uint64) Output {
	p := w.cur
	if p == nil || p.id != id {
		return Output{}
	}
	return Output{Done: w.fail(p, p.tally.Err(p.op, true))}
}

// noteSync applies the out-of-sync rule: a failed journal of the current
// segment marks the node out of sync until the next startLogSegment.
func (w *Writer) noteSync(r Reply) {
	if r.Kind == KindJournal && r.Err != nil && r.Call > w.segCall {
		w.outOfSync[r.From] = true
	}
}

func (w *Writer) record(p *pending, r Reply) {
	switch p.phase {
	case phaseGetState:
		p.promised[r.From] = r.LastPromisedEpoch
	case phaseNewEpoch:
		p.newEpoch[r.From] = r
	case phasePrepare:
		p.prepared[r.From] = r.Prepare
	}
}

func (w *Writer) decideWrite(p *pending) *Result {
	switch {
	case p.tally.Succeeded():
		w.cur = nil
		res := &Result{Call: p.id, Kind: p.first}
		if p.kind == KindJournal {
			if !w.hasCommit || p.lastTxID > w.committed {
				w.committed, w.hasCommit = p.lastTxID, true
			}
			res.AckedTxID = p.lastTxID
		}
		return res
	case p.tally.Failed():
		return w.fail(p, p.tally.Err(p.op, false))
	}
	return nil
}

func (w *Writer) fail(p *pending, err error) *Result {
	w.cur = nil
	return &Result{Call: p.id, Kind: p.first, Err: err, Epoch: w.epoch}
}

// advance moves recovery to its next phase once a quorum succeeded.
func (w *Writer) advance(p *pending) Output {
	switch p.phase {
	case phaseGetState:
		return w.sendNewEpoch(p)
	case phaseNewEpoch:
		return w.afterNewEpoch(p)
	case phasePrepare:
		return w.afterPrepare(p)
	case phaseAccept:
		return w.next(p, phaseFinalizeRecovered, KindFinalize,
			fmt.Sprintf("finalizeLogSegment(%d-%d)", p.decision.Segment.Start, p.decision.Segment.End),
			func(m *Msg) { m.FirstTxID, m.EndTxID = p.decision.Segment.Start, p.decision.Segment.End })
	case phaseFinalizeRecovered:
		d := p.decision
		return w.finishRecovery(p, &d)
	}
	return Output{}
}

// sendNewEpoch proposes one more than the highest promise in the quorum.
func (w *Writer) sendNewEpoch(p *pending) Output {
	var highest uint64
	for _, e := range p.promised {
		highest = max(highest, e)
	}
	epoch := highest + 1
	p.epoch = epoch
	p.newEpoch = map[int]Reply{}
	p.phase, p.kind, p.op = phaseNewEpoch, KindNewEpoch, fmt.Sprintf("newEpoch(%d)", epoch)
	p.tally = NewTally(w.n)
	return Output{Msgs: w.toAll(p, func(m *Msg) { m.Epoch = epoch })}
}

// afterNewEpoch makes the epoch the writer's and recovers the most recent
// segment any quorum member reported, if any.
func (w *Writer) afterNewEpoch(p *pending) Output {
	var seg uint64
	found := false
	for _, r := range p.newEpoch {
		if r.HasLastSegment && (!found || r.LastSegmentTxID > seg) {
			seg, found = r.LastSegmentTxID, true
		}
	}
	w.epoch = p.epoch
	if !found {
		return w.finishRecovery(p, nil)
	}
	p.prepared = map[int]PrepareResult{}
	return w.next(p, phasePrepare, KindPrepareRecovery, fmt.Sprintf("prepareRecovery(%d)", seg),
		func(m *Msg) { m.TxID = seg })
}

func (w *Writer) afterPrepare(p *pending) Output {
	d, err := ChooseRecovery(p.prepared)
	if err != nil {
		return Output{Done: w.fail(p, err)}
	}
	if d.None {
		return w.finishRecovery(p, &d)
	}
	p.decision = d
	return w.next(p, phaseAccept, KindAcceptRecovery, fmt.Sprintf("acceptRecovery(%v)", d.Segment),
		func(m *Msg) { m.Segment, m.Source = d.Segment, d.Source })
}

// next starts the following recovery phase on every node.
func (w *Writer) next(p *pending, ph phase, k Kind, op string, fill func(*Msg)) Output {
	p.phase, p.kind, p.op = ph, k, op
	p.tally = NewTally(w.n)
	return Output{Msgs: w.toAll(p, func(m *Msg) {
		m.Info = w.reqInfo(m.To)
		fill(m)
	})}
}

func (w *Writer) finishRecovery(p *pending, d *Decision) Output {
	w.cur = nil
	w.active = true
	return Output{Done: &Result{Call: p.id, Kind: p.first, Epoch: w.epoch, Recovered: d}}
}

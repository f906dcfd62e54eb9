package core

import "fmt"

// segmentInfo is Journal.getSegmentInfo: the state of the edits file
// starting at start, nil when there is none; an in-progress file with no
// transaction is moved aside and counts as none.
func (j *Journal) segmentInfo(start int64, acts *[]Action) *Segment {
	i := j.segment(start)
	if i < 0 {
		return nil
	}
	s := j.s.Segments[i]
	if s.End == InvalidTxID {
		*acts = append(*acts, Action{Op: MoveAside, Start: start, Suffix: ".empty"})
		j.s.Segments = append(j.s.Segments[:i], j.s.Segments[i+1:]...)
		return nil
	}
	return &s
}

// PrepareRecovery is phase 1 of a segment's recovery (HDFS-3077):
// report what this node has of the segment, and what it accepted before.
func (j *Journal) PrepareRecovery(ri RequestInfo, start int64) (Prepared, []Action, error) {
	acts, err := j.checkFormattedRequest(ri)
	if err != nil {
		return Prepared{}, acts, err
	}
	acts = j.abort(acts)
	var p Prepared
	prev, hasPrev := j.s.Paxos[start]
	seg := j.segmentInfo(start, &acts)
	finalized := seg != nil && !seg.InProgress
	if hasPrev && !finalized {
		s := prev.Segment
		p.Segment, p.AcceptedInEpoch, p.HasAccepted = &s, prev.AcceptedInEpoch, true
	} else if seg != nil {
		p.Segment = seg
	}
	p.LastWriterEpoch = j.s.LastWriter
	p.Committed = j.s.Committed
	return p, acts, nil
}

func contains(s Segment, txid int64) bool { return s.Start <= txid && txid <= s.End }

func paxosString(p Paxos) string {
	return fmt.Sprintf("segmentState {\n  startTxId: %d\n  endTxId: %d\n  isInProgress: %t\n}\nacceptedInEpoch: %d\n",
		p.Segment.Start, p.Segment.End, p.Segment.InProgress, p.AcceptedInEpoch)
}

// PaxosText is the debugging text Hadoop writes after the delimited
// message in a paxos file (the proto's toString).
func PaxosText(p Paxos) string { return paxosString(p) }

// AcceptRecovery is phase 2 (HDFS-3077): take the proposed segment,
// downloading it from url when the local copy differs, and remember the
// decision.
func (j *Journal) AcceptRecovery(ri RequestInfo, seg Segment, url string) ([]Action, error) {
	acts, err := j.checkFormattedRequest(ri)
	if err != nil {
		return acts, err
	}
	acts = j.abort(acts)
	start := seg.Start
	if !(seg.End > 0 && seg.End >= start) {
		return acts, errf(KindIllegalArgument, "bad recovery state for segment %d: %s%s", start, seg, j.suffix())
	}
	next := Paxos{Segment: seg, AcceptedInEpoch: ri.Epoch}
	if old, ok := j.s.Paxos[start]; ok && old.AcceptedInEpoch > ri.Epoch {
		return acts, errf(KindAssertion, "Bad paxos transition, out-of-order epochs.\nOld: %s\nNew: %s\nJournalId: %s\n",
			paxosString(old), paxosString(next), j.id)
	}
	cur := j.segmentInfo(start, &acts)
	download := cur == nil || cur.End != seg.End
	if cur == nil {
		j.highestWritten = max(seg.End, j.highestWritten)
	} else if download {
		if contains(*cur, j.s.Committed) && !contains(seg, j.s.Committed) {
			return acts, errf(KindAssertion, "Cannot replace segment %s with new segment %s: would discard already-committed txn %d%s",
				cur, seg, j.s.Committed, j.suffix())
		}
		if !cur.InProgress {
			return acts, errf(KindAssertion, "Should never be asked to synchronize a different log on top of an already-finalized segment%s", j.suffix())
		}
		if contains(*cur, j.highestWritten) {
			j.highestWritten = seg.End
		}
	}
	if download {
		acts = append(acts, Action{Op: Download, Start: start, Value: ri.Epoch, URL: url})
	}
	j.s.Paxos[start] = next
	acts = append(acts, Action{Op: PersistPaxos, Paxos: next})
	if download {
		acts = append(acts, Action{Op: ReplaceInProgress, Start: start, Value: ri.Epoch})
		if i := j.segment(start); i >= 0 {
			j.s.Segments[i] = Segment{Start: start, End: seg.End, InProgress: true}
		} else {
			j.s.Segments = append(j.s.Segments, Segment{Start: start, End: seg.End, InProgress: true})
			sortSegments(j.s.Segments)
		}
	}
	return acts, nil
}

package core

import "fmt"

// Segment is a log segment's extent on one JournalNode
// (SegmentStateProto).
type Segment struct {
	Start, End uint64
	InProgress bool
}

func (s Segment) String() string {
	st := "finalized"
	if s.InProgress {
		st = "in-progress"
	}
	return fmt.Sprintf("%d-%d %s", s.Start, s.End, st)
}

// PrepareResult is one JournalNode's answer to prepareRecovery.
type PrepareResult struct {
	HasSegment      bool
	Segment         Segment
	AcceptedInEpoch uint64 // 0: nothing accepted for this segment
	LastWriterEpoch uint64
	HasCommitted    bool
	LastCommitted   uint64
}

// CompareRecovery orders two prepareRecovery answers for the same segment
// as the HDFS-3077 design chooses the source of recovery: an answer with a
// segment beats one without; a finalized segment beats an in-progress one;
// between in-progress segments, the higher of (accepted epoch, last writer
// epoch) wins, then the longer segment. It returns -1, 0 or +1, and an
// error for two finalized segments of different lengths, which can never
// legally happen.
func CompareRecovery(a, b PrepareResult) (int, error) {
	if a.HasSegment != b.HasSegment {
		return boolCmp(a.HasSegment, b.HasSegment), nil
	}
	if !a.HasSegment {
		return 0, nil
	}
	if a.Segment.Start != b.Segment.Start {
		return 0, fmt.Errorf("%w: answers for different segments %d and %d",
			ErrRecoveryInvariant, a.Segment.Start, b.Segment.Start)
	}
	if a.Segment.InProgress != b.Segment.InProgress {
		return boolCmp(!a.Segment.InProgress, !b.Segment.InProgress), nil
	}
	if !a.Segment.InProgress {
		if a.Segment.End != b.Segment.End {
			return 0, fmt.Errorf("%w: finalized segments with different lengths: %v and %v",
				ErrRecoveryInvariant, a.Segment, b.Segment)
		}
		return 0, nil
	}
	if c := uintCmp(a.seenEpoch(), b.seenEpoch()); c != 0 {
		return c, nil
	}
	return uintCmp(a.Segment.End, b.Segment.End), nil
}

func (p PrepareResult) seenEpoch() uint64 { return max(p.AcceptedInEpoch, p.LastWriterEpoch) }

// Decision is the outcome of the recovery choice.
type Decision struct {
	None    bool    // no answer had the segment: nothing to recover
	Source  int     // the JournalNode to synchronize from
	Segment Segment // the segment every node must accept
}

// ChooseRecovery picks the best answer among a quorum's prepareRecovery
// results (by CompareRecovery; ties go to the lowest id) and checks that no
// node has seen a committed txid beyond the chosen end.
func ChooseRecovery(resps map[int]PrepareResult) (Decision, error) {
	best := -1
	for _, id := range sortedIDs(resps) {
		if best < 0 {
			best = id
			continue
		}
		c, err := CompareRecovery(resps[id], resps[best])
		if err != nil {
			return Decision{}, err
		}
		if c > 0 {
			best = id
		}
	}
	if best < 0 || !resps[best].HasSegment {
		return Decision{None: true}, nil
	}
	seg := resps[best].Segment
	for _, id := range sortedIDs(resps) {
		r := resps[id]
		if r.HasCommitted && r.LastCommitted > seg.End {
			return Decision{}, fmt.Errorf("%w: chose %v but jn%d had seen txid %d committed",
				ErrRecoveryInvariant, seg, id+1, r.LastCommitted)
		}
	}
	return Decision{Source: best, Segment: seg}, nil
}

func sortedIDs[V any](m map[int]V) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	return ids
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func uintCmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

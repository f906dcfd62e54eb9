package client

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"

	"github.com/hdfsd/hdfsd/qjournal/core"
)

// SegmentSource is one segment as a quorum's manifests list it, with the
// URL of every node that holds it (finalized copies first).
type SegmentSource struct {
	Start, End uint64
	InProgress bool
	URLs       []string
}

// quorumRead runs fn on every node and returns once a majority answered
// without error (Hadoop's waitForWriteQuorum over a read).
func (m *Manager) quorumRead(ctx context.Context, what string, fn func(ctx context.Context, i int, l Logger) error) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeouts.SelectInputStreams)
	defer cancel()
	var mu sync.Mutex
	t := core.NewTally(len(m.loggers))
	finished := false
	decided := make(chan struct{})
	for i, l := range m.loggers {
		go func() {
			err := fn(ctx, i, l)
			mu.Lock()
			defer mu.Unlock()
			if finished {
				return // answered after the decision: dropped
			}
			t.Add(i, err)
			if t.Done() {
				finished = true
				close(decided)
			}
		}()
	}
	select {
	case <-decided:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	timedOut := !finished
	finished = true
	if t.Succeeded() {
		return nil
	}
	qe := t.Err(what, timedOut)
	for _, l := range m.loggers {
		qe.Names = append(qe.Names, l.Name())
	}
	return qe
}

// SelectSegments merges the manifests of a quorum from fromTxID on, as
// Hadoop's selectStreamingInputStreams: segments by start txid, the longest
// extent of each, and every node's URL for it. With onlyDurable, an
// in-progress segment ends at the committed txid the node reports.
func (m *Manager) SelectSegments(ctx context.Context, fromTxID uint64, inProgressOK, onlyDurable bool) ([]SegmentSource, error) {
	var mu sync.Mutex
	byStart := map[uint64]*SegmentSource{}
	err := m.quorumRead(ctx, "selectStreamingInputStreams", func(ctx context.Context, i int, l Logger) error {
		man, err := l.GetEditLogManifest(ctx, fromTxID, inProgressOK)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, rl := range man.Logs {
			end := rl.End
			if onlyDurable && inProgressOK && rl.InProgress && man.HasCommitted {
				end = max(min(end, man.Committed), rl.Start)
			}
			mergeSegment(byStart, rl, end, l.SegmentURL(rl.Start))
		}
		return nil
	})
	if err != nil {
		return nil, m.named(err)
	}
	mu.Lock()
	defer mu.Unlock()
	out := make([]SegmentSource, 0, len(byStart))
	for _, s := range byStart {
		out = append(out, *s)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out, nil
}

// mergeSegment adds one node's copy of a segment, as Hadoop's
// chainAndMakeRedundantStreams groups streams: once a finalized copy is
// known, in-progress copies of the same segment are dropped.
func mergeSegment(by map[uint64]*SegmentSource, rl RemoteLog, end uint64, url string) {
	s := by[rl.Start]
	switch {
	case s == nil:
		by[rl.Start] = &SegmentSource{Start: rl.Start, End: end, InProgress: rl.InProgress, URLs: []string{url}}
	case rl.InProgress && !s.InProgress:
		// a finalized copy is known: ignore this one
	case !rl.InProgress && s.InProgress:
		*s = SegmentSource{Start: rl.Start, End: end, URLs: []string{url}}
	default:
		s.End = max(s.End, end)
		s.URLs = append(s.URLs, url)
	}
}

// ReadSegment downloads a segment's edit-log file over HTTP from the first
// node that serves it.
func (m *Manager) ReadSegment(ctx context.Context, s SegmentSource) ([]byte, error) {
	var errs []error
	for _, u := range s.URLs {
		if u == "" {
			continue
		}
		b, err := m.get(ctx, u)
		if err == nil {
			return b, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("qjournal: no JournalNode served segment %d: %v", s.Start, errs)
}

func (m *Manager) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := m.cfg.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("qjournal: GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// TailEdits reads in-progress edits from fromTxID with getJournaledEdits
// on a quorum (Hadoop's selectRpcInputStreams). It returns how many
// transactions the records hold (0: nothing new) and the records, after the
// 8-byte layout header the JournalNodes send. With onlyDurable, only
// transactions a quorum holds are returned.
func (m *Manager) TailEdits(ctx context.Context, fromTxID uint64, onlyDurable bool) (uint32, []byte, error) {
	var mu sync.Mutex
	got := map[int]JournaledEdits{}
	err := m.quorumRead(ctx, "selectRpcInputStreams", func(ctx context.Context, i int, l Logger) error {
		e, err := l.GetJournaledEdits(ctx, fromTxID, m.cfg.MaxTxnsPerRPC)
		if err == nil {
			mu.Lock()
			got[i] = e
			mu.Unlock()
		}
		return err
	})
	if err != nil {
		return 0, nil, m.named(err)
	}
	mu.Lock()
	defer mu.Unlock()
	counts := make([]uint32, 0, len(got))
	best := -1
	for i, e := range got {
		counts = append(counts, e.TxnCount)
		if best < 0 || e.TxnCount > got[best].TxnCount {
			best = i
		}
	}
	sort.Slice(counts, func(a, b int) bool { return counts[a] < counts[b] })
	allowed := counts[len(counts)-1]
	if onlyDurable {
		allowed = counts[len(counts)-core.Majority(len(m.loggers))]
	}
	if allowed == 0 {
		return 0, nil, nil
	}
	recs, err := firstRecords(got[best].Records, allowed)
	return allowed, recs, err
}

// firstRecords skips the layout header and keeps the first n records
// (opcode byte, int32 length, then length bytes).
func firstRecords(b []byte, n uint32) ([]byte, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("qjournal: journaled edits of %d bytes lack the layout header", len(b))
	}
	b = b[8:]
	off := 0
	for i := uint32(0); i < n; i++ {
		if len(b)-off < 5 {
			return nil, fmt.Errorf("qjournal: journaled edits end inside record %d", i)
		}
		l := int(binary.BigEndian.Uint32(b[off+1:]))
		if l < 0 || len(b)-off-5 < l {
			return nil, fmt.Errorf("qjournal: journaled edits end inside record %d", i)
		}
		off += 5 + l
	}
	return b[:off], nil
}

func unsupported(what string) error { return fmt.Errorf("%w: %s", ErrNotSupported, what) }

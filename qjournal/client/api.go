package client

import (
	"context"
	"fmt"
	"sync"

	"github.com/hdfsd/hdfsd/qjournal/core"
)

// parallel runs fn on every logger at once, within timeout, and returns
// the tally of answers (the errors named by node address).
func (m *Manager) parallel(ctx context.Context, fn func(ctx context.Context, i int, l Logger) error) *core.Tally {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeouts.Operations)
	defer cancel()
	return m.parallelCtx(ctx, fn)
}

func (m *Manager) parallelCtx(ctx context.Context, fn func(ctx context.Context, i int, l Logger) error) *core.Tally {
	t := core.NewTally(len(m.loggers))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, l := range m.loggers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := fn(ctx, i, l)
			mu.Lock()
			t.Add(i, err)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return t
}

func (m *Manager) quorumErr(t *core.Tally, op string) error {
	qe := t.Err(op, false)
	for _, l := range m.loggers {
		qe.Names = append(qe.Names, l.Name())
	}
	return qe
}

// Format formats every JournalNode with nsInfo (cfg.Namespace); it fails
// unless all of them succeed (NameNode -format, -initializeSharedEdits).
func (m *Manager) Format(ctx context.Context, force bool) error {
	t := m.parallel(ctx, func(ctx context.Context, _ int, l Logger) error { return l.Format(ctx, force) })
	if !t.AllSucceeded() {
		return fmt.Errorf("qjournal: could not format one or more JournalNodes: %w", m.quorumErr(t, "format"))
	}
	return nil
}

// HasSomeData reports whether any JournalNode is already formatted; every
// node must answer (Hadoop's hasSomeData, asked before formatting).
func (m *Manager) HasSomeData(ctx context.Context) (bool, error) {
	var mu sync.Mutex
	any := false
	t := m.parallel(ctx, func(ctx context.Context, _ int, l Logger) error {
		ok, err := l.IsFormatted(ctx)
		mu.Lock()
		any = any || ok
		mu.Unlock()
		return err
	})
	if !t.AllSucceeded() {
		return false, fmt.Errorf("qjournal: unable to check if JournalNodes are ready for formatting: %w",
			m.quorumErr(t, "isFormatted"))
	}
	return any, nil
}

// Recovery reports what RecoverUnfinalizedSegments did.
type Recovery struct {
	Epoch     uint64
	Recovered bool         // a segment was recovered and finalized
	Segment   core.Segment // the recovered segment, when Recovered
}

// RecoverUnfinalizedSegments becomes the writer: a new epoch promised by a
// quorum, then recovery and finalization of the most recent segment.
func (m *Manager) RecoverUnfinalizedSegments(ctx context.Context) (Recovery, error) {
	res, err := m.do(ctx, func(w *core.Writer) (core.Output, error) { return w.Recover() })
	if err != nil {
		return Recovery{}, m.named(err)
	}
	rec := Recovery{Epoch: res.Epoch}
	if d := res.Recovered; d != nil && !d.None {
		rec.Recovered, rec.Segment = true, d.Segment
	}
	m.cfg.Logger.Info("qjournal: started new epoch", "epoch", res.Epoch, "recovered", rec.Recovered)
	return rec, nil
}

// named fills in node names on a quorum error.
func (m *Manager) named(err error) error {
	if qe, ok := err.(*core.QuorumError); ok && qe.Names == nil {
		for _, l := range m.loggers {
			qe.Names = append(qe.Names, l.Name())
		}
	}
	return err
}

// StartLogSegment starts segment txid on a quorum and returns the stream
// that writes it.
func (m *Manager) StartLogSegment(ctx context.Context, txid uint64, layoutVersion int32) (*Stream, error) {
	_, err := m.write(ctx, func(w *core.Writer) (core.Output, error) { return w.StartSegment(txid, layoutVersion) })
	if err != nil {
		return nil, m.named(err)
	}
	return &Stream{m: m, segment: txid, next: txid}, nil
}

// Journal writes numTxns encoded transactions starting at firstTxID of
// segment segTxID and returns once a quorum holds them. records must not
// be modified afterwards: nodes slower than the quorum may still send it.
func (m *Manager) Journal(ctx context.Context, segTxID, firstTxID uint64, numTxns uint32, records []byte) error {
	_, err := m.write(ctx, func(w *core.Writer) (core.Output, error) {
		out, err := w.Journal(segTxID, firstTxID, numTxns, records)
		if err == nil {
			out.Msgs = append(out.Msgs, w.Heartbeats(m.cfg.Now().UnixMilli())...)
		}
		return out, err
	})
	return m.named(err)
}

// FinalizeLogSegment finalizes first-last on a quorum.
func (m *Manager) FinalizeLogSegment(ctx context.Context, first, last uint64) error {
	_, err := m.write(ctx, func(w *core.Writer) (core.Output, error) { return w.Finalize(first, last) })
	return m.named(err)
}

// PurgeLogsOlderThan asks every node to drop segments before
// minTxIDToKeep; like Hadoop it does not wait for the answers.
func (m *Manager) PurgeLogsOlderThan(ctx context.Context, minTxIDToKeep uint64) error {
	_, err := m.do(ctx, func(w *core.Writer) (core.Output, error) { return w.Purge(minTxIDToKeep) })
	return err
}

// Committed returns the highest txid a quorum acknowledged.
func (m *Manager) Committed() (uint64, bool) {
	res := make(chan [2]uint64, 1)
	_, err := m.do(context.Background(), func(w *core.Writer) (core.Output, error) {
		c, ok := w.Committed()
		var b uint64
		if ok {
			b = 1
		}
		res <- [2]uint64{c, b}
		return core.Output{}, errNoCall
	})
	if err != errNoCall {
		return 0, false
	}
	v := <-res
	return v[0], v[1] == 1
}

var errNoCall = fmt.Errorf("qjournal: no call")

// Stream buffers the transactions of one segment and journals them on
// Flush (Hadoop's QuorumOutputStream). It is not safe for concurrent use.
type Stream struct {
	m       *Manager
	segment uint64
	next    uint64 // next txid expected
	first   uint64 // first txid in buf
	n       uint32
	buf     []byte
}

// Segment is the first txid of the stream's segment.
func (s *Stream) Segment() uint64 { return s.segment }

// Write buffers one encoded transaction, which must be txid.
func (s *Stream) Write(txid uint64, record []byte) error {
	if txid != s.next {
		return fmt.Errorf("qjournal: wrote txid %d, expected %d", txid, s.next)
	}
	if s.n == 0 {
		s.first = txid
	}
	s.buf = append(s.buf, record...)
	s.n++
	s.next++
	return nil
}

// Flush journals the buffered transactions and returns once a quorum
// holds them. An error is fatal (IsFatal).
func (s *Stream) Flush(ctx context.Context) error {
	if s.n == 0 {
		return nil
	}
	err := s.m.Journal(ctx, s.segment, s.first, s.n, s.buf)
	// Slower nodes may still be sending this batch: never reuse it.
	s.buf, s.n = nil, 0
	return err
}

// Finalize flushes and finalizes the segment at the last written txid.
func (s *Stream) Finalize(ctx context.Context) error {
	if err := s.Flush(ctx); err != nil {
		return err
	}
	return s.m.FinalizeLogSegment(ctx, s.segment, s.next-1)
}

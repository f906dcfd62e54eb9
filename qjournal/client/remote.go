package client

import (
	"context"
	"errors"
	"sync"
)

// Remote adapts a Manager to the local edit log's shared-journal seam
// (namenode/journal's Remote interface): segment by segment, each call
// returning once a quorum holds the change or failing for good. Make the
// Manager the writer (RecoverUnfinalizedSegments) before the journal opens
// its first segment.
type Remote struct {
	m  *Manager
	lv int32

	mu      sync.Mutex
	segment uint64
	aborted bool
}

// NewRemote returns the adapter; layoutVersion goes with startLogSegment.
func NewRemote(m *Manager, layoutVersion int32) *Remote {
	return &Remote{m: m, lv: layoutVersion}
}

var errAborted = errors.New("qjournal: writing to the shared edit log was aborted")

func (r *Remote) check() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.aborted {
		return errAborted
	}
	return nil
}

// StartSegment implements journal.Remote.
func (r *Remote) StartSegment(first int64) error {
	if err := r.check(); err != nil {
		return err
	}
	s, err := r.m.StartLogSegment(context.Background(), uint64(first), r.lv)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.segment = s.Segment()
	r.mu.Unlock()
	return nil
}

// Write implements journal.Remote. The records are copied: the caller
// reuses its buffer, while nodes slower than the quorum may still be
// sending this batch.
func (r *Remote) Write(first int64, n int, records []byte) error {
	if err := r.check(); err != nil {
		return err
	}
	r.mu.Lock()
	seg := r.segment
	r.mu.Unlock()
	return r.m.Journal(context.Background(), seg, uint64(first), uint32(n), append([]byte(nil), records...))
}

// Finalize implements journal.Remote.
func (r *Remote) Finalize(first, last int64) error {
	if err := r.check(); err != nil {
		return err
	}
	return r.m.FinalizeLogSegment(context.Background(), uint64(first), uint64(last))
}

// Abort implements journal.Remote: later calls fail and the Manager's
// channels are closed; the segment stays as it is for the next writer to
// recover.
func (r *Remote) Abort() {
	r.mu.Lock()
	r.aborted = true
	r.mu.Unlock()
	r.m.Close()
}

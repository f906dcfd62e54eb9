package blockmgmt

import (
	"fmt"
	"time"
)

// Reopening a complete last block for append, and pipeline updates while
// a block is written (convertLastBlockToUnderConstruction,
// updatePipeline).

// ReopenForAppend turns a file's complete last block back into a block
// under construction whose expected locations are its current replicas,
// which are returned as the pipeline. The block leaves the redundancy
// queues, and pending deletions of it on those nodes are cancelled.
func (m *Manager) ReopenForAppend(id int64, now time.Time) ([]Target, error) {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return nil, fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	if m.blocks.recs[s].state != Complete {
		return nil, fmt.Errorf("blockmgmt: blk_%d is not complete", id)
	}
	u := &ucInfo{primary: -1}
	var out []Target
	for _, st := range m.blocks.replicas(s, nil) {
		n := m.nodeOf(st)
		if !n.alive || m.isCorrupt(s, st) {
			continue
		}
		u.add(st, Finalized)
		out = append(out, m.target(st))
		if _, ok := n.invalSet[id]; ok {
			m.cancelInvalidate(n, id)
		}
	}
	m.queueRemove(s)
	delete(m.pending, s)
	m.setState(s, UnderConstruction)
	m.uc[s] = u
	return out, nil
}

func (m *Manager) cancelInvalidate(n *node, id int64) {
	delete(n.invalSet, id)
	for i, b := range n.inval {
		if b.id == id {
			n.inval = append(n.inval[:i], n.inval[i+1:]...)
			return
		}
	}
}

// UpdatePipeline records a new generation stamp, length and pipeline for
// a block under construction (updatePipeline after pipeline recovery).
// Every stored replica has the old generation stamp, so all are forgotten
// (setGenerationStampAndVerifyReplicas); the pipeline's nodes report the
// block again with the new one.
func (m *Manager) UpdatePipeline(id, newGenStamp, newLength int64, storageIDs []string, now time.Time) error {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	r := &m.blocks.recs[s]
	u := m.uc[s]
	if u == nil || r.state == Complete {
		return fmt.Errorf("%w: blk_%d", ErrNotUnderConstruction, id)
	}
	if newGenStamp <= r.genStamp {
		return fmt.Errorf("%w: update blk_%d to genstamp %d, not newer than %d", ErrGenStamp, id, newGenStamp, r.genStamp)
	}
	r.genStamp, r.numBytes = newGenStamp, newLength
	u.replicas = u.replicas[:0]
	for _, sid := range storageIDs {
		if st, ok := m.storageByID[sid]; ok {
			u.add(st, RBW)
		}
	}
	for _, st := range m.blocks.replicas(s, nil) {
		m.removeStoredBlock(s, st, ms(now))
	}
	return nil
}

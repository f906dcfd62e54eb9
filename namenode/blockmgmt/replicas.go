package blockmgmt

import (
	"sort"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Replica bookkeeping shared by reports, deletion and redundancy: adding
// and removing stored replicas (addStoredBlock / removeStoredBlock),
// counting them by the state of their nodes (countNodes), the safe-block
// count, and the invalidation queues (InvalidateBlocks).

type counts struct {
	live, decommissioning, decommissioned, maintenance, corrupt int
}

func (c counts) outOfService() int { return c.decommissioning + c.decommissioned + c.maintenance }

// count classifies slot s's replicas; skipNode+1 names a node to leave
// out (0: none).
func (m *Manager) count(s uint32, skipNode int) counts {
	var c counts
	var buf [8]uint32
	for _, st := range m.blocks.replicas(s, buf[:0]) {
		n := m.nodeOf(st)
		if !n.alive || int(m.storages[st].node)+1 == skipNode {
			continue
		}
		switch {
		case m.isCorrupt(s, st):
			c.corrupt++
		case n.admin == blocks.Decommissioned:
			c.decommissioned++
		case n.admin == blocks.DecommissionInProgress:
			c.decommissioning++
		case n.admin == blocks.EnteringMaintenance || n.admin == blocks.InMaintenance:
			c.maintenance++
		default:
			c.live++
		}
	}
	return c
}

// corruptReplica is a storage's corrupt replica of a block (an entry of
// Hadoop's CorruptReplicasMap). byGenStamp: it was marked for a wrong
// generation stamp (Reason.GENSTAMP_MISMATCH), which a later report of
// the block's own stamp clears; the latest mark's reason counts.
type corruptReplica struct {
	st         uint32
	byGenStamp bool
}

// corruptEntry returns st's entry in the corrupt replicas of s, or nil.
func (m *Manager) corruptEntry(s, st uint32) *corruptReplica {
	if m.blocks.recs[s].flags&flagCorrupt == 0 {
		return nil
	}
	c := m.corrupt[s]
	for i := range c {
		if c[i].st == st {
			return &c[i]
		}
	}
	return nil
}

func (m *Manager) isCorrupt(s, st uint32) bool { return m.corruptEntry(s, st) != nil }

func (m *Manager) unmarkCorrupt(s, st uint32) {
	c := m.corrupt[s]
	for i, x := range c {
		if x.st == st {
			c = append(c[:i], c[i+1:]...)
			break
		}
	}
	if len(c) == 0 {
		delete(m.corrupt, s)
		m.blocks.recs[s].flags &^= flagCorrupt
	} else {
		m.corrupt[s] = c
	}
}

// sortedSlots lists the blocks on storage st in slot order, so walks
// over a storage are deterministic.
func (m *Manager) sortedSlots(st uint32) []uint32 {
	set := m.storages[st].blocks
	out := make([]uint32, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

// addStoredBlock records a finalized replica (BlockManager.addStoredBlock):
// it completes a committed block that reaches MinReplication, updates the
// redundancy queues, handles excess replicas, and once the block has its
// full replication invalidates any corrupt replicas.
func (m *Manager) addStoredBlock(s, st uint32, t int64) {
	added := m.blocks.addReplica(s, st)
	if added {
		m.storages[st].blocks[s] = struct{}{}
	}
	m.pendingArrived(s, int(m.storages[st].node))
	r := &m.blocks.recs[s]
	c := m.count(s, 0)
	if r.state == Committed && c.live >= m.cfg.MinReplication {
		m.setState(s, Complete)
	}
	m.updateSafe(s)
	if r.state != Complete || !m.populate {
		return
	}
	m.checkRedundancy(s, t)
	if c.corrupt > 0 && c.live >= int(r.expected) {
		m.invalidateCorrupt(s, t)
	}
}

// removeStoredBlock forgets st's replica of s (a DELETED report, a dead
// node, an invalidated replica) and requeues the block if now short.
func (m *Manager) removeStoredBlock(s, st uint32, t int64) {
	if !m.blocks.removeReplica(s, st) {
		return
	}
	delete(m.storages[st].blocks, s)
	if m.isCorrupt(s, st) {
		m.unmarkCorrupt(s, st)
	}
	m.updateSafe(s)
	m.checkRedundancy(s, t)
}

func (m *Manager) setState(s uint32, state BlockState) {
	r := &m.blocks.recs[s]
	if (r.state == Complete) != (state == Complete) {
		if state == Complete {
			m.completeTotal++
		} else {
			m.completeTotal--
		}
	}
	r.state = state
	if state == Complete {
		delete(m.uc, s)
	}
	m.updateSafe(s)
}

// updateSafe keeps safeTotal equal to the complete blocks with at least
// MinReplication usable replicas.
func (m *Manager) updateSafe(s uint32) {
	r := &m.blocks.recs[s]
	safe := false
	if r.state == Complete && r.expected != 0 {
		c := m.count(s, 0)
		safe = c.live+c.outOfService() >= m.cfg.MinReplication
	}
	was := r.flags&flagSafe != 0
	switch {
	case safe && !was:
		r.flags |= flagSafe
		m.safeTotal++
	case !safe && was:
		r.flags &^= flagSafe
		m.safeTotal--
	}
}

// addToInvalidates queues a replica for deletion on node ni.
func (m *Manager) addToInvalidates(ni int, id, gs, size int64) {
	n := m.nodes[ni]
	if !n.alive {
		return
	}
	if _, ok := n.invalSet[id]; ok {
		return
	}
	n.invalSet[id] = struct{}{}
	n.inval = append(n.inval, invalBlock{id: id, genStamp: gs, numBytes: size})
}

// invalidateReplica removes st's replica of s and queues its deletion.
func (m *Manager) invalidateReplica(s, st uint32, t int64) {
	r := m.blocks.recs[s]
	m.removeStoredBlock(s, st, t)
	m.addToInvalidates(int(m.storages[st].node), r.id, r.genStamp, r.numBytes)
}

// invalidateCorrupt deletes every corrupt replica of s
// (invalidateCorruptReplicas).
func (m *Manager) invalidateCorrupt(s uint32, t int64) {
	for _, x := range append([]corruptReplica(nil), m.corrupt[s]...) {
		m.invalidateReplica(s, x.st, t)
	}
}

// PendingInvalidations is the number of replicas queued for deletion.
func (m *Manager) PendingInvalidations() int {
	c := 0
	for _, n := range m.nodes {
		c += len(n.inval)
	}
	return c
}

// CorruptReplicas returns the DataNodes holding corrupt replicas of a
// block (CorruptReplicasMap.getNodes).
func (m *Manager) CorruptReplicas(id int64) []blocks.DatanodeID {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return nil
	}
	var out []blocks.DatanodeID
	for _, x := range m.corrupt[s] {
		out = append(out, m.nodeOf(x.st).id)
	}
	return out
}

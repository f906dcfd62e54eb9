package blockmgmt

import (
	"fmt"
	"time"
)

// Block reports (BlockManager.processReport, processFirstBlockReport,
// processIncrementalBlockReport, findAndMarkBlockAsCorrupt).

// BlockReport processes a full block report of one storage. The first
// report of a storage that holds nothing yet takes the fast path: known
// blocks are added, nothing is removed and unknown blocks are ignored.
// While the queues are off (startup safe mode) later reports of a
// storage are discarded, as Hadoop does. Later reports are diffed against the map: replicas not reported are
// removed, unknown ones invalidated, mismatched ones marked corrupt.
func (m *Manager) BlockReport(uuid, storageID string, replicas []Replica, now time.Time) error {
	t := ms(now)
	i, n, err := m.liveNode(uuid)
	if err != nil {
		return err
	}
	st := m.updateStorage(i, StorageReport{StorageID: storageID})
	s := &m.storages[st]
	n.lastReport = t
	if !m.populate && s.reports > 0 {
		return nil // startup safe mode: only a storage's first report counts
	}
	if s.reports == 0 && len(s.blocks) == 0 {
		m.firstReport(st, replicas, t)
	} else {
		m.diffReport(i, st, replicas, t)
	}
	m.storages[st].reports++
	return nil
}

func (m *Manager) firstReport(st uint32, replicas []Replica, t int64) {
	for _, rep := range replicas {
		s, ok := m.blocks.lookup(rep.ID)
		if !ok {
			continue
		}
		m.applyReported(s, st, rep, t)
	}
}

type reported struct {
	slot uint32
	rep  Replica
}

func (m *Manager) diffReport(ni int, st uint32, replicas []Replica, t int64) {
	n := m.nodes[ni]
	seen := make(map[uint32]struct{}, len(replicas))
	var known []reported
	var unknown []Replica
	for _, rep := range replicas {
		s, ok := m.blocks.lookup(rep.ID)
		if ok {
			seen[s] = struct{}{}
		}
		if _, dying := n.invalSet[rep.ID]; dying {
			continue // already being deleted there
		}
		if !ok {
			unknown = append(unknown, rep)
			continue
		}
		known = append(known, reported{s, rep})
	}
	for _, s := range m.sortedSlots(st) {
		if _, ok := seen[s]; !ok {
			m.removeStoredBlock(s, st, t)
		}
	}
	for _, k := range known {
		m.applyReported(k.slot, st, k.rep, t)
	}
	for _, rep := range unknown {
		m.addToInvalidates(ni, rep.ID, rep.GenStamp, rep.NumBytes)
	}
}

// applyReported is processReportedBlock plus its handling: mark corrupt,
// update an open block's expected replicas, or add a finalized replica.
func (m *Manager) applyReported(s, st uint32, rep Replica, t int64) {
	r := &m.blocks.recs[s]
	if corrupt, staleGS := checkCorrupt(r, rep); corrupt {
		m.markCorrupt(s, st, rep.GenStamp, rep.NumBytes, staleGS, r.genStamp != rep.GenStamp, t)
		return
	}
	if isUnderConstruction(r.state, rep.State) {
		if u := m.uc[s]; u != nil {
			u.add(st, rep.State)
		}
	}
	if rep.State != Finalized {
		return
	}
	cleared := false
	if e := m.corruptEntry(s, st); e != nil && e.byGenStamp {
		// An earlier report of this replica carried a stamp the block
		// has since left; this one carries the block's own.
		m.unmarkCorrupt(s, st)
		cleared = true
	}
	if cleared || !m.blocks.hasReplica(s, st) || m.isCorrupt(s, st) {
		m.addStoredBlock(s, st, t)
	}
}

// checkCorrupt is checkReplicaCorrupt: whether a reported replica is
// corrupt, and whether because its generation stamp is older than the
// block's.
func checkCorrupt(r *blockRec, rep Replica) (corrupt, staleGS bool) {
	older := r.genStamp > rep.GenStamp
	switch rep.State {
	case Finalized:
		switch r.state {
		case Complete, Committed:
			if r.genStamp != rep.GenStamp {
				return true, older
			}
			return r.numBytes != rep.NumBytes, false
		case UnderConstruction:
			return older, older
		}
		return false, false
	case RBW, RWR:
		if r.state != Complete {
			return older, older
		}
		if r.genStamp != rep.GenStamp {
			return true, older
		}
		// A late RBW report of a completed block is ignored; RWR is not a
		// state a complete block's replica may be in.
		return rep.State == RWR, false
	}
	return true, false // RUR and TEMPORARY are never reported
}

// isUnderConstruction is isBlockUnderConstruction.
func isUnderConstruction(b BlockState, rs ReplicaState) bool {
	switch rs {
	case Finalized:
		return b == UnderConstruction || b == UnderRecovery
	case RBW, RWR:
		return b != Complete
	}
	return false
}

// markCorrupt is markBlockAsCorrupt: the replica is recorded (and kept
// on the storage) as corrupt. It is deleted right away when the block
// has enough live replicas, more live+corrupt than expected, or the
// replica is stale from a failed write; otherwise the block is queued
// for reconstruction and the replica deleted once that is done. gs and
// numBytes are the corrupt replica's as reported
// (BlockToMarkCorrupt.getCorrupted): a DataNode deletes a replica only
// when the generation stamp it is told matches its own. byGenStamp
// records why it is corrupt (see corruptReplica).
func (m *Manager) markCorrupt(s, st uint32, gs, numBytes int64, staleGS, byGenStamp bool, t int64) {
	if m.blocks.addReplica(s, st) {
		m.storages[st].blocks[s] = struct{}{}
	}
	if e := m.corruptEntry(s, st); e != nil {
		e.byGenStamp = byGenStamp
	} else {
		m.corrupt[s] = append(m.corrupt[s], corruptReplica{st: st, byGenStamp: byGenStamp})
		m.blocks.recs[s].flags |= flagCorrupt
	}
	m.updateSafe(s)
	r := &m.blocks.recs[s]
	c := m.count(s, 0)
	exp := int(r.expected)
	minOK := c.live >= m.cfg.MinReplication
	if c.live >= exp || (minOK && c.live+c.corrupt > exp) || (minOK && staleGS) {
		if c.live >= 1 {
			id := r.id
			m.removeStoredBlock(s, st, t)
			m.addToInvalidates(int(m.storages[st].node), id, gs, numBytes)
		}
		return
	}
	m.checkRedundancy(s, t)
}

// IncrementalReport processes blockReceivedAndDeleted for one storage.
func (m *Manager) IncrementalReport(uuid, storageID string, entries []IncrementalEntry, now time.Time) error {
	t := ms(now)
	i, n, err := m.liveNode(uuid)
	if err != nil {
		return err
	}
	st := m.updateStorage(i, StorageReport{StorageID: storageID})
	for _, e := range entries {
		s, known := m.blocks.lookup(e.ID)
		rep := Replica{ID: e.ID, GenStamp: e.GenStamp, NumBytes: e.NumBytes, State: Finalized}
		switch e.Status {
		case Deleted:
			if known {
				m.removeStoredBlock(s, st, t)
			}
			continue
		case Received:
			n.decScheduled()
		case Receiving:
			rep.State = RBW
		default:
			return fmt.Errorf("blockmgmt: unknown incremental block status %d", e.Status)
		}
		if _, dying := n.invalSet[e.ID]; dying {
			continue
		}
		if !known {
			m.addToInvalidates(i, e.ID, e.GenStamp, e.NumBytes)
			continue
		}
		if e.Status == Received {
			m.pendingArrived(s, i)
			if hint, ok := m.byUUID[e.DelHint]; ok && e.DelHint != "" {
				m.delHint, m.added = hint, i
			}
		}
		m.applyReported(s, st, rep, t)
		m.delHint, m.added = -1, -1
	}
	return nil
}

// ReportBadBlock marks a replica corrupt (reportBadBlocks from a client
// or a DataNode's scanner). genStamp is the reported block's. An unknown
// block is ignored, as Hadoop does.
func (m *Manager) ReportBadBlock(id, genStamp int64, uuid, storageID string, now time.Time) error {
	i, ok := m.byUUID[uuid]
	if !ok {
		return fmt.Errorf("%w: cannot mark blk_%d as corrupt because datanode %s does not exist", ErrUnregistered, id, uuid)
	}
	s, known := m.blocks.lookup(id)
	if !known {
		return nil
	}
	st, ok := m.storageByID[storageID]
	if !ok || int(m.storages[st].node) != i {
		st, ok = m.storageHolding(i, s)
		if !ok {
			return nil
		}
	}
	r := &m.blocks.recs[s]
	m.markCorrupt(s, st, genStamp, r.numBytes, r.genStamp > genStamp, false, ms(now))
	return nil
}

func (m *Manager) storageHolding(ni int, s uint32) (uint32, bool) {
	for _, st := range m.nodes[ni].storages {
		if m.blocks.hasReplica(s, st) {
			return st, true
		}
	}
	return 0, false
}

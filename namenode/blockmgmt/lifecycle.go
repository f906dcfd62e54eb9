package blockmgmt

import (
	"fmt"
	"sort"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// A block's life in the map: allocated under construction, committed,
// completed, re-replicated, deleted.

type ucInfo struct {
	replicas   []ucReplica // expected locations (BlockUnderConstructionFeature)
	recoveryID int64
	primary    int   // node index of the recovery primary, -1 when none
	truncateTo int64 // a truncate's new length + 1; 0 when not truncating
}

type ucReplica struct {
	st     uint32
	state  ReplicaState
	chosen bool // was chosen as recovery primary
}

func (u *ucInfo) add(st uint32, state ReplicaState) {
	for i := range u.replicas {
		if u.replicas[i].st == st {
			u.replicas[i].state = state
			return
		}
	}
	u.replicas = append(u.replicas, ucReplica{st: st, state: state})
}

func (m *Manager) clampReplication(r int) uint16 {
	return uint16(max(1, min(r, m.cfg.MaxReplication)))
}

// AddBlock adds a newly allocated block (addBlock after chooseTarget):
// under construction, expecting replicas on the pipeline's storages.
func (m *Manager) AddBlock(b NewBlock) error {
	if _, ok := m.blocks.lookup(b.ID); ok {
		return fmt.Errorf("%w: blk_%d", ErrBlockExists, b.ID)
	}
	s := m.blocks.insert(blockRec{id: b.ID, genStamp: b.GenStamp, fileID: b.FileID, expected: m.clampReplication(b.Replication), state: UnderConstruction})
	u := &ucInfo{primary: -1}
	for _, id := range b.Targets {
		if st, ok := m.storageByID[id]; ok {
			u.add(st, RBW)
		}
	}
	m.uc[s] = u
	return nil
}

// LoadBlock adds a block read from the fsimage or edit log: complete, or
// under construction (the last block of an open file) with no known
// locations. Replicas arrive with block reports.
func (m *Manager) LoadBlock(id, genStamp, numBytes, fileID int64, replication int, complete bool) error {
	if _, ok := m.blocks.lookup(id); ok {
		return fmt.Errorf("%w: blk_%d", ErrBlockExists, id)
	}
	s := m.blocks.insert(blockRec{id: id, genStamp: genStamp, numBytes: numBytes, fileID: fileID, expected: m.clampReplication(replication), state: UnderConstruction})
	if complete {
		m.setState(s, Complete)
	} else {
		m.uc[s] = &ucInfo{primary: -1}
	}
	return nil
}

// CommitOrComplete commits a file's last block with the length and
// generation stamp the client reports (commitOrCompleteLastBlock): the
// block becomes COMPLETE when MinReplication finalized replicas have been
// reported, else COMMITTED (it completes when they arrive). Expected
// replicas not yet reported count as pending so the block is not queued
// for reconstruction in the meantime.
func (m *Manager) CommitOrComplete(id, genStamp, numBytes int64, now time.Time) (BlockState, error) {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return 0, fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	r := &m.blocks.recs[s]
	if r.state == Complete {
		return Complete, nil
	}
	if r.genStamp != genStamp {
		return r.state, fmt.Errorf("%w: commit block with mismatching GS. NN has blk_%d_%d, client submits blk_%d_%d", ErrGenStamp, id, r.genStamp, id, genStamp)
	}
	r.numBytes = numBytes
	m.setState(s, Committed)
	return m.tryComplete(s, ms(now)), nil
}

func (m *Manager) tryComplete(s uint32, t int64) BlockState {
	if m.count(s, 0).live < m.cfg.MinReplication {
		return m.blocks.recs[s].state
	}
	if u := m.uc[s]; u != nil {
		for _, rep := range u.replicas {
			n := m.nodeOf(rep.st)
			if n.alive && !m.blocks.hasReplica(s, rep.st) {
				p := m.pending[s]
				if p == nil {
					p = &pendingRec{since: t}
					m.pending[s] = p
				}
				p.targets = append(p.targets, m.storages[rep.st].node)
			}
		}
	}
	m.setState(s, Complete)
	m.checkRedundancy(s, t)
	return Complete
}

// State returns a block's construction state.
func (m *Manager) State(id int64) (BlockState, bool) {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return 0, false
	}
	return m.blocks.recs[s].state, true
}

// RemoveBlock drops a block of a deleted file (removeBlock): every
// replica, expected ones included, is queued for deletion on its node.
func (m *Manager) RemoveBlock(id int64) {
	if s, ok := m.blocks.lookup(id); ok {
		m.dropBlock(s, true)
	}
}

func (m *Manager) dropBlock(s uint32, invalidate bool) {
	r := m.blocks.recs[s]
	var buf [8]uint32
	for _, st := range m.blocks.replicas(s, buf[:0]) {
		delete(m.storages[st].blocks, s)
		if invalidate {
			m.addToInvalidates(int(m.storages[st].node), r.id, r.genStamp, r.numBytes)
		}
	}
	if u := m.uc[s]; u != nil && invalidate {
		for _, rep := range u.replicas {
			m.addToInvalidates(int(m.storages[rep.st].node), r.id, r.genStamp, r.numBytes)
		}
	}
	m.queueRemove(s)
	delete(m.pending, s)
	delete(m.corrupt, s)
	delete(m.uc, s)
	if r.flags&flagSafe != 0 {
		m.safeTotal--
	}
	if r.state == Complete {
		m.completeTotal--
	}
	m.blocks.delete(s)
}

// SetReplication changes a block's expected replication; the block is
// queued for more replicas or its excess ones are deleted.
func (m *Manager) SetReplication(id int64, replication int, now time.Time) error {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	m.blocks.recs[s].expected = m.clampReplication(replication)
	m.checkRedundancy(s, ms(now))
	return nil
}

// Rescan is processMisReplicatedBlocks: each known block among ids is
// checked again and queued for the replicas its count or placement calls
// for. It returns how many were checked: none while the queues are not
// populated (safe mode), as Hadoop's.
func (m *Manager) Rescan(ids []int64, now time.Time) int {
	if !m.populate {
		return 0
	}
	n := 0
	for _, id := range ids {
		if s, ok := m.blocks.lookup(id); ok {
			m.checkRedundancy(s, ms(now))
			n++
		}
	}
	return n
}

// Locate returns a block with its locations sorted for reader (a client
// host; "" for none), as createLocatedBlock + sortLocatedBlocks: corrupt
// replicas are left out unless every replica is corrupt (then Corrupt is
// set); in-service nodes come first, closest to the reader first (the
// reader's own node, then its rack), ties in random order; then
// entering-maintenance, decommissioning, decommissioned nodes; with
// AvoidStaleForRead, stale nodes after the fresh ones. An open block
// lists its expected locations.
func (m *Manager) Locate(id int64, reader string, now time.Time) (blocks.Located, error) {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return blocks.Located{}, fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	lb := blocks.Located{Block: m.ext(s)}
	var sts []uint32
	if u := m.uc[s]; u != nil && m.blocks.recs[s].state != Complete {
		for _, rep := range u.replicas {
			sts = append(sts, rep.st)
		}
	} else {
		all := m.blocks.replicas(s, nil)
		for _, st := range all {
			if !m.isCorrupt(s, st) {
				sts = append(sts, st)
			}
		}
		if len(sts) == 0 && len(all) > 0 {
			sts, lb.Corrupt = all, true
		}
	}
	var live []uint32
	for _, st := range sts {
		if m.nodeOf(st).alive {
			live = append(live, st)
		}
	}
	m.sortForReader(live, m.clientFor(reader), ms(now))
	for _, st := range live {
		t := m.target(st)
		lb.Locs = append(lb.Locs, t.Node)
		lb.Storage = append(lb.Storage, blocks.StorageID{ID: t.StorageID, Type: t.Type})
		lb.Cached = append(lb.Cached, false)
	}
	return lb, nil
}

func serviceRank(a blocks.AdminState) int {
	switch a {
	case blocks.Decommissioned:
		return 3
	case blocks.DecommissionInProgress:
		return 2
	case blocks.EnteringMaintenance, blocks.InMaintenance:
		return 1
	}
	return 0
}

func (m *Manager) sortForReader(sts []uint32, reader client, t int64) {
	m.rnd.Shuffle(len(sts), func(i, j int) { sts[i], sts[j] = sts[j], sts[i] })
	type key struct{ rank, stale, dist int }
	keys := make(map[uint32]key, len(sts))
	for _, st := range sts {
		n := m.nodeOf(st)
		k := key{rank: serviceRank(n.admin)}
		if m.cfg.AvoidStaleForRead && n.stale(t, m.cfg) {
			k.stale = 1
		}
		if k.rank == 0 && k.stale == 0 {
			k.dist = m.clientDistance(reader, int(m.storages[st].node))
		}
		keys[st] = k
	}
	sort.SliceStable(sts, func(i, j int) bool {
		a, b := keys[sts[i]], keys[sts[j]]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.stale != b.stale {
			return a.stale < b.stale
		}
		return a.dist < b.dist
	})
}

// FileOf returns the inode id of the file a block belongs to.
func (m *Manager) FileOf(id int64) (int64, bool) {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return 0, false
	}
	return m.blocks.recs[s].fileID, true
}

// SetFile moves a block to another file (concat hands the sources'
// blocks to the target), with that file's replication.
func (m *Manager) SetFile(id, fileID int64, replication int, now time.Time) error {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	m.blocks.recs[s].fileID = fileID
	return m.SetReplication(id, replication, now)
}

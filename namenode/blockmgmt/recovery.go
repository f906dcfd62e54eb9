package blockmgmt

import (
	"fmt"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Block recovery for lease recovery
// (BlockUnderConstructionFeature.initializeBlockRecovery, the
// DNA_RECOVERBLOCK command, commitBlockSynchronization).

// InitRecovery starts recovery of an open file's last block with a new
// recovery id (the generation stamp the glue allocates): the block goes
// UNDER_RECOVERY and a primary is chosen among the live expected
// replicas, the one with the most recent heartbeat that has not been
// primary before (all are eligible again once every live one has been).
// The primary gets a DNA_RECOVERBLOCK with its next heartbeat.
func (m *Manager) InitRecovery(id, recoveryID int64, now time.Time) (blocks.DatanodeInfo, error) {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return blocks.DatanodeInfo{}, fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	r := &m.blocks.recs[s]
	u := m.uc[s]
	if r.state == Complete || u == nil {
		return blocks.DatanodeInfo{}, fmt.Errorf("%w: blk_%d", ErrNotUnderConstruction, id)
	}
	if len(u.replicas) == 0 {
		for _, st := range m.blocks.replicas(s, nil) {
			u.add(st, Finalized)
		}
	}
	m.setState(s, UnderRecovery)
	u.recoveryID = recoveryID
	all := true
	for _, rep := range u.replicas {
		if m.nodeOf(rep.st).alive {
			all = all && rep.chosen
		}
	}
	if all {
		for i := range u.replicas {
			u.replicas[i].chosen = false
		}
	}
	best := -1
	for i, rep := range u.replicas {
		n := m.nodeOf(rep.st)
		if n.alive && !rep.chosen && (best < 0 || n.lastUpdate > m.nodeOf(u.replicas[best].st).lastUpdate) {
			best = i
		}
	}
	if best < 0 {
		return blocks.DatanodeInfo{}, fmt.Errorf("%w: no live replica of blk_%d to recover", ErrNoReplicas, id)
	}
	u.replicas[best].chosen = true
	ni := int(m.storages[u.replicas[best].st].node)
	u.primary = ni
	n := m.nodes[ni]
	n.recover = append(n.recover, id)
	return m.info(n), nil
}

// recoveryCommand builds DNA_RECOVERBLOCK for the blocks queued on n.
// Stale replicas are left out of the locations unless that would leave
// fewer than two.
func (m *Manager) recoveryCommand(n *node, t int64) (Command, bool) {
	c := Command{Action: ActionRecoverBlock, PoolID: m.cfg.PoolID}
	for _, id := range n.recover {
		s, ok := m.blocks.lookup(id)
		if !ok || m.blocks.recs[s].state != UnderRecovery {
			continue
		}
		u := m.uc[s]
		var fresh, all []blocks.DatanodeInfo
		for _, rep := range u.replicas {
			rn := m.nodeOf(rep.st)
			if !rn.alive {
				continue
			}
			all = append(all, m.info(rn))
			if !rn.stale(t, m.cfg) {
				fresh = append(fresh, m.info(rn))
			}
		}
		locs := all
		if len(fresh) > 1 {
			locs = fresh
		}
		rec := Recovering{Block: m.ext(s), Locs: locs, NewGenStamp: u.recoveryID, TruncateTo: -1}
		if u.truncateTo > 0 {
			rec.TruncateTo = u.truncateTo - 1
		}
		c.Recover = append(c.Recover, rec)
	}
	n.recover = nil
	return c, len(c.Recover) > 0
}

// CommitBlockSynchronization applies a recovery's outcome: the block is
// deleted, or takes the new generation stamp and length with the given
// nodes as its replicas; with CloseFile it is committed (and completed
// when MinReplication of those replicas are live). It returns the
// block's new state.
func (m *Manager) CommitBlockSynchronization(req SyncRequest, now time.Time) (BlockState, error) {
	s, ok := m.blocks.lookup(req.ID)
	if !ok {
		return 0, fmt.Errorf("%w: blk_%d", ErrUnknownBlock, req.ID)
	}
	r := &m.blocks.recs[s]
	if r.state == Complete {
		if req.CloseFile && r.genStamp == req.RecoveryID {
			return Complete, nil // a retry of a sync already applied
		}
		return Complete, fmt.Errorf("%w: blk_%d is already complete", ErrNotUnderConstruction, req.ID)
	}
	u := m.uc[s]
	if u.recoveryID != req.RecoveryID {
		return r.state, fmt.Errorf("%w: the recovery id %d does not match current recovery id %d for block blk_%d", ErrGenStamp, req.RecoveryID, u.recoveryID, req.ID)
	}
	if req.DeleteBlock {
		m.dropBlock(s, false)
		return Complete, nil
	}
	r.genStamp, r.numBytes = req.RecoveryID, req.NewLength
	u.replicas = u.replicas[:0]
	for i, uuid := range req.NodeUUIDs {
		ni, ok := m.byUUID[uuid]
		if !ok {
			continue
		}
		st, ok := uint32(0), false
		if i < len(req.StorageIDs) {
			st, ok = m.storageByID[req.StorageIDs[i]]
		}
		if !ok && len(m.nodes[ni].storages) > 0 {
			st, ok = m.nodes[ni].storages[0], true
		}
		if !ok {
			continue
		}
		u.add(st, Finalized)
		if m.blocks.addReplica(s, st) {
			m.storages[st].blocks[s] = struct{}{}
		}
	}
	if !req.CloseFile {
		m.setState(s, UnderConstruction)
		return UnderConstruction, nil
	}
	m.setState(s, Committed)
	return m.tryComplete(s, ms(now)), nil
}

// InitTruncateRecovery starts the recovery a truncate inside a block
// needs: the complete last block goes back under construction on the
// nodes that hold it, and its replicas are recovered to newLength with
// the new generation stamp recoveryID (the RecoveringBlock carries the
// truncate block).
func (m *Manager) InitTruncateRecovery(id, recoveryID, newLength int64, now time.Time) (blocks.DatanodeInfo, error) {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return blocks.DatanodeInfo{}, fmt.Errorf("%w: blk_%d", ErrUnknownBlock, id)
	}
	if m.uc[s] == nil {
		if _, err := m.ReopenForAppend(id, now); err != nil {
			return blocks.DatanodeInfo{}, err
		}
	}
	primary, err := m.InitRecovery(id, recoveryID, now)
	if err != nil {
		return primary, err
	}
	m.uc[s].truncateTo = newLength + 1
	return primary, nil
}

package blockmgmt

import (
	"sort"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Redundancy: keeping each complete block in the right low-redundancy
// queue (updateNeededReconstructions), scheduling transfers
// (computeReconstructionWork), pending reconstructions with their
// timeout (PendingReconstructionBlocks) and excess replica removal
// (processExtraRedundancyBlock / chooseExcessRedundancies).

type pendingRec struct {
	targets []int32 // nodes a transfer was scheduled to
	since   int64   // ms
}

// checkRedundancy puts a block in the queue its replica counts call for,
// or takes it out, and trims excess replicas.
func (m *Manager) checkRedundancy(s uint32, t int64) {
	if !m.populate {
		return
	}
	r := &m.blocks.recs[s]
	if r.expected == 0 {
		return
	}
	if r.state != Complete {
		m.queueRemove(s)
		return
	}
	c := m.count(s, 0)
	exp := int(r.expected)
	pend := m.pendingCount(s)
	if c.live+pend >= m.required(c, exp) && (pend > 0 || m.placementOK(s, exp, nil)) {
		m.queueRemove(s)
	} else {
		m.queuePut(s, priority(c, exp))
	}
	if m.trimming {
		return
	}
	if c.live > exp {
		m.processExcess(s, t)
	} else if r.flags&flagCorrupt != 0 && c.live >= exp {
		// Enough good replicas (say a decommissioning holder came back to
		// service): corrupt ones need not wait for the next report.
		m.trimming = true
		m.invalidateCorrupt(s, t)
		m.trimming = false
	}
}

// required is getExpectedLiveRedundancyNum: replicas on nodes in
// maintenance stand in for live ones, down to MaintenanceMinReplication.
func (m *Manager) required(c counts, exp int) int {
	return max(exp-c.maintenance, min(m.cfg.MaintenanceMinReplication, exp))
}

// placementOK is verifyBlockPlacement: with more than one rack, a block's
// usable replicas (plus extra nodes) must span min(2, expected) racks.
func (m *Manager) placementOK(s uint32, exp int, extra []uint32) bool {
	ri := m.rackIdx()
	if len(ri.names) <= 1 {
		return true
	}
	racks := map[string]bool{}
	var buf [8]uint32
	for _, st := range m.blocks.replicas(s, buf[:0]) {
		if n := m.nodeOf(st); n.alive && !m.isCorrupt(s, st) {
			racks[n.location] = true
		}
	}
	for _, st := range extra {
		racks[m.nodeOf(st).location] = true
	}
	return len(racks) >= min(2, exp)
}

func (m *Manager) pendingCount(s uint32) int {
	if p, ok := m.pending[s]; ok {
		return len(p.targets)
	}
	return 0
}

// pendingArrived notes that a scheduled replica reached node ni.
func (m *Manager) pendingArrived(s uint32, ni int) {
	p, ok := m.pending[s]
	if !ok {
		return
	}
	for i, x := range p.targets {
		if int(x) == ni {
			p.targets = append(p.targets[:i], p.targets[i+1:]...)
			break
		}
	}
	if len(p.targets) == 0 {
		delete(m.pending, s)
	}
}

// expirePending drops reconstructions pending longer than the timeout
// and requeues their blocks if still short.
func (m *Manager) expirePending(t int64) {
	var expired []uint32
	for s, p := range m.pending {
		if t-p.since > m.cfg.PendingTimeout.Milliseconds() {
			expired = append(expired, s)
		}
	}
	sort.Slice(expired, func(a, b int) bool { return expired[a] < expired[b] })
	for _, s := range expired {
		delete(m.pending, s)
		m.checkRedundancy(s, t)
	}
}

// PendingReconstructions is the number of blocks with transfers in flight.
func (m *Manager) PendingReconstructions() int { return len(m.pending) }

// ComputeWork is the redundancy monitor's step
// (computeBlockReconstructionWork): it takes up to WorkMultiplier blocks
// per live DataNode from the low-redundancy queues, picks a source and
// targets for each, and queues DNA_TRANSFER work on the source. It
// returns the number of blocks scheduled. Nothing happens while the
// queues are off (startup safe mode).
func (m *Manager) ComputeWork(now time.Time) int {
	if !m.populate {
		return 0
	}
	t := ms(now)
	slots, levels := m.chooseLowRedundancy(m.liveCount() * m.cfg.WorkMultiplier)
	done := 0
	for i, s := range slots {
		if m.scheduleReconstruction(s, levels[i], t) {
			done++
		}
	}
	return done
}

func (m *Manager) scheduleReconstruction(s uint32, level int, t int64) bool {
	r := &m.blocks.recs[s]
	if r.state != Complete {
		m.queueRemove(s)
		return false
	}
	src, live, containing := m.chooseSource(s, level)
	if src < 0 {
		return false
	}
	c := m.count(s, 0)
	exp := int(r.expected)
	req := m.required(c, exp)
	pend := m.pendingCount(s)
	if c.live+pend >= req && (pend > 0 || m.placementOK(s, exp, nil)) {
		m.queueRemove(s)
		return false
	}
	add := 1 // badly distributed: one more on a new rack
	if c.live < req {
		add = req - c.live - pend
	}
	excluded := make(map[int]bool)
	for _, ni := range containing {
		excluded[ni] = true
	}
	if p, ok := m.pending[s]; ok {
		for _, ni := range p.targets {
			excluded[int(ni)] = true
		}
	}
	for i, n := range m.nodes {
		if _, dying := n.invalSet[r.id]; dying {
			excluded[i] = true // its old replica is about to be deleted
		}
	}
	srcNode := m.nodes[src]
	writer := client{node: src, location: srcNode.location}
	pl := m.newPlacer(t, r.numBytes, excluded, live, nil, len(live)+add)
	n := pl.prepare(add)
	pl.run(writer, n, false)
	targets := pl.results[pl.existing:]
	if len(targets) == 0 {
		return false
	}
	if c.live >= req && !m.placementOK(s, exp, targets) {
		return false
	}
	srcNode.transfers = append(srcNode.transfers, transfer{id: r.id, targets: append([]uint32(nil), targets...)})
	p := m.pending[s]
	if p == nil {
		p = &pendingRec{}
		m.pending[s] = p
	}
	p.since = t
	for _, st := range targets {
		n := m.nodeOf(st)
		n.schedCur++
		p.targets = append(p.targets, m.storages[st].node)
	}
	if c.live+len(p.targets) >= req {
		m.queueRemove(s)
	}
	return true
}

// chooseSource is chooseSourceDatanodes for a replicated block: any
// readable, non-corrupt replica whose node is under its stream limits,
// picked at random among them (decommissioning and entering-maintenance
// nodes ignore the soft limit; a decommissioned node only when nothing
// else holds the block). It also returns the live replicas' storages and
// every node holding the block.
func (m *Manager) chooseSource(s uint32, level int) (src int, live []uint32, containing []int) {
	src, decommissioned := -1, -1
	var buf [8]uint32
	for _, st := range m.blocks.replicas(s, buf[:0]) {
		ni := int(m.storages[st].node)
		n := m.nodes[ni]
		containing = append(containing, ni)
		if !n.alive || m.isCorrupt(s, st) || n.admin == blocks.InMaintenance {
			continue
		}
		if n.admin == blocks.Normal {
			live = append(live, st)
		}
		if n.admin == blocks.Decommissioned {
			if decommissioned < 0 || m.rnd.IntN(2) == 0 {
				decommissioned = ni
			}
			continue
		}
		busy := len(n.transfers)
		outOfService := n.admin == blocks.DecommissionInProgress || n.admin == blocks.EnteringMaintenance
		if level != QueueHighest && !outOfService && busy >= m.cfg.MaxStreams {
			continue
		}
		if busy >= m.cfg.StreamsHardLimit {
			continue
		}
		if src < 0 || m.rnd.IntN(2) == 0 {
			src = ni
		}
	}
	if src < 0 && len(live) == 0 && decommissioned >= 0 {
		src = decommissioned
	}
	return src, live, containing
}

// processExcess removes replicas beyond the expected count from in-service
// nodes, choosing as chooseReplicasToDelete does: from racks holding more
// than one replica first (when there are exactly two racks, only those),
// the node with the oldest heartbeat if any is older than
// TolerateHeartbeatMultiplier heartbeats, else the least free space.
func (m *Manager) processExcess(s uint32, t int64) {
	exp := int(m.blocks.recs[s].expected)
	var cand []uint32
	var buf [8]uint32
	for _, st := range m.blocks.replicas(s, buf[:0]) {
		n := m.nodeOf(st)
		if n.alive && n.inService() && !m.isCorrupt(s, st) && !m.storages[st].failed {
			cand = append(cand, st)
		}
	}
	var victims []uint32
	for first := true; len(cand) > exp; first = false {
		k := -1
		if first {
			k = m.useDelHint(cand)
		}
		if k < 0 {
			k = m.chooseExcess(cand, t)
		}
		victims = append(victims, cand[k])
		cand = append(cand[:k], cand[k+1:]...)
	}
	m.trimming = true
	for _, st := range victims {
		m.invalidateReplica(s, st, t)
	}
	m.invalidateCorrupt(s, t)
	m.checkRedundancy(s, t)
	m.trimming = false
}

// useDelHint is the delete hint of a balancer move: the hinted replica
// goes first if removing it keeps the number of racks (its rack holds
// another replica, or the new replica opened a rack).
func (m *Manager) useDelHint(cand []uint32) int {
	if m.delHint < 0 {
		return -1
	}
	byRack := map[string]int{}
	hint := -1
	for i, st := range cand {
		byRack[m.nodeOf(st).location]++
		if int(m.storages[st].node) == m.delHint {
			hint = i
		}
	}
	if hint < 0 {
		return -1
	}
	if byRack[m.nodeOf(cand[hint]).location] >= 2 {
		return hint
	}
	if m.added >= 0 && byRack[m.nodes[m.added].location] < 2 {
		return hint
	}
	return -1
}

func (m *Manager) chooseExcess(cand []uint32, t int64) int {
	byRack := map[string]int{}
	for _, st := range cand {
		byRack[m.nodeOf(st).location]++
	}
	var pick []int
	for i, st := range cand {
		if byRack[m.nodeOf(st).location] >= 2 {
			pick = append(pick, i)
		}
	}
	if len(byRack) != 2 || len(pick) == 0 {
		// Hadoop: moreThanOne then exactlyOne, i.e. all of them.
		pick = pick[:0]
		for i := range cand {
			pick = append(pick, i)
		}
	}
	oldest := t - m.cfg.HeartbeatInterval.Milliseconds()*int64(m.cfg.TolerateHeartbeatMultiplier)
	best, bestSpace := -1, int64(0)
	for _, i := range pick {
		n := m.nodeOf(cand[i])
		if n.lastUpdate < oldest {
			oldest, best = n.lastUpdate, i
		}
	}
	if best >= 0 {
		return best
	}
	for _, i := range pick {
		if free := m.storages[cand[i]].remain; best < 0 || free < bestSpace {
			best, bestSpace = i, free
		}
	}
	return best
}

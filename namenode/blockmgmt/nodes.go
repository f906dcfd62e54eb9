package blockmgmt

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// DataNode records, registration, heartbeats and liveness (Hadoop's
// DatanodeDescriptor, DatanodeManager and HeartbeatManager).

type node struct {
	id            blocks.DatanodeID
	location      string
	storages      []uint32
	alive         bool
	lastUpdate    int64 // ms of the last heartbeat (or registration)
	lastReport    int64 // ms of the last full block report
	xceivers      int
	xmits         int
	failedVolumes int
	cacheCap      int64
	cacheUsed     int64
	admin         blocks.AdminState
	disallowed    bool
	bandwidth     int64 // balancer bandwidth to send, 0 when none

	// blocks scheduled to be written here, rolled every ten minutes
	// (DatanodeDescriptor.currApproxBlocksScheduled/prevApprox...).
	schedCur, schedPrev int
	schedRoll           int64

	transfers []transfer         // DNA_TRANSFER work with this node as source
	recover   []int64            // block ids to send in DNA_RECOVERBLOCK
	inval     []invalBlock       // DNA_INVALIDATE work, in order
	invalSet  map[int64]struct{} // ids in inval
}

type transfer struct {
	id      int64
	targets []uint32 // storages
}

type invalBlock struct{ id, genStamp, numBytes int64 }

const scheduledRollMillis = 10 * 60 * 1000

func (n *node) xferAddr() string { return n.id.IPAddr + ":" + strconv.Itoa(n.id.XferPort) }

func (n *node) inService() bool { return n.admin == blocks.Normal && !n.disallowed }

func (n *node) stale(now int64, c Config) bool {
	return now-n.lastUpdate > c.StaleInterval.Milliseconds()
}

func (n *node) scheduled(now int64) int {
	n.rollScheduled(now)
	return n.schedCur + n.schedPrev
}

func (n *node) rollScheduled(now int64) {
	if now-n.schedRoll > scheduledRollMillis {
		n.schedPrev, n.schedCur, n.schedRoll = n.schedCur, 0, now
	}
}

func (n *node) decScheduled() {
	if n.schedPrev > 0 {
		n.schedPrev--
	} else if n.schedCur > 0 {
		n.schedCur--
	}
}

// Register handles registerDatanode (DatanodeManager.registerDatanode):
//   - a new UUID at a new address is added;
//   - a known UUID is updated in place, from whatever address it now has
//     (a restart, or a move to a new machine keeping its storage);
//   - another node already registered at the same transfer address is
//     removed first (a new node replacing an old one's address), and its
//     replicas with it.
//
// A node not in the include list (when there is one) is refused with
// ErrDisallowed. A node in the exclude list starts decommissioning.
func (m *Manager) Register(reg Registration, now time.Time) error {
	t := ms(now)
	if !m.hosts.included(reg.ID) {
		return fmt.Errorf("%w because the host is not in the include-list: %s", ErrDisallowed, reg.ID.IPAddr)
	}
	addr := reg.ID.IPAddr + ":" + strconv.Itoa(reg.ID.XferPort)
	si, sok := m.byUUID[reg.ID.UUID]
	if ai, ok := m.byAddr[addr]; ok && (!sok || ai != si) {
		m.removeNode(ai, t)
		delete(m.byAddr, addr)
		delete(m.byUUID, m.nodes[ai].id.UUID)
		m.nodes[ai].id.UUID = ""
	}
	var n *node
	if sok {
		n = m.nodes[si]
		if old := n.xferAddr(); m.byAddr[old] == si {
			delete(m.byAddr, old)
		}
	} else {
		n = &node{invalSet: make(map[int64]struct{})}
		si = len(m.nodes)
		m.nodes = append(m.nodes, n)
		m.byUUID[reg.ID.UUID] = si
	}
	n.id = reg.ID
	m.byAddr[addr] = si
	n.location = m.locate(reg.ID)
	n.disallowed = false
	n.lastUpdate = t
	n.alive = true
	for _, sr := range reg.Storages {
		m.updateStorage(si, sr)
	}
	for _, st := range n.storages {
		m.storages[st].reports = 0 // updateRegInfo: expect a first report again
	}
	m.racks.dirty = true
	m.checkAdmin(si, t)
	m.checkNowMultiRack(t)
	return nil
}

// EverMultiRack reports whether the live DataNodes have ever spanned two
// racks.
func (m *Manager) EverMultiRack() bool { return m.everMultiRack }

// checkNowMultiRack is checkIfClusterIsNowMultiRack: the first time the
// live DataNodes span two racks, every block is checked again, since its
// replicas should now be on two racks.
func (m *Manager) checkNowMultiRack(t int64) {
	if m.everMultiRack || len(m.rackIdx().names) < 2 {
		return
	}
	m.everMultiRack = true
	if m.populate {
		m.recheckAll(t)
	}
}

func (m *Manager) locate(id blocks.DatanodeID) string {
	loc := m.resolve(id.IPAddr)
	if loc == "" && id.HostName != "" {
		loc = m.resolve(id.HostName)
	}
	if loc == "" {
		loc = m.cfg.DefaultRack
	}
	return loc
}

// updateStorage finds or creates the storage a report names.
func (m *Manager) updateStorage(ni int, sr StorageReport) uint32 {
	if st, ok := m.storageByID[sr.StorageID]; ok {
		s := &m.storages[st]
		if int(s.node) != ni {
			// The storage moved with its disk to another node: drop the
			// old node's claim; the next report re-adds the replicas.
			m.detachStorage(st)
			s.node = int32(ni)
			m.nodes[ni].storages = append(m.nodes[ni].storages, st)
		}
		if sr.Type != 0 {
			s.typ = sr.Type
		}
		return st
	}
	typ := sr.Type
	if typ == 0 {
		typ = blocks.Disk
	}
	st := uint32(len(m.storages))
	m.storages = append(m.storages, storage{id: sr.StorageID, typ: typ, node: int32(ni), blocks: make(map[uint32]struct{})})
	m.storageByID[sr.StorageID] = st
	m.nodes[ni].storages = append(m.nodes[ni].storages, st)
	return st
}

func (m *Manager) detachStorage(st uint32) {
	old := m.nodes[m.storages[st].node]
	for i, x := range old.storages {
		if x == st {
			old.storages = append(old.storages[:i], old.storages[i+1:]...)
			break
		}
	}
	m.removeStorageReplicas(st, 0)
}

// node returns the registered, live node with uuid.
func (m *Manager) liveNode(uuid string) (int, *node, error) {
	i, ok := m.byUUID[uuid]
	if !ok {
		return 0, nil, fmt.Errorf("%w: %s", ErrUnregistered, uuid)
	}
	n := m.nodes[i]
	if n.disallowed {
		return 0, nil, fmt.Errorf("%w: %s", ErrDisallowed, n.xferAddr())
	}
	if !n.alive {
		return 0, nil, fmt.Errorf("%w: %s is dead", ErrUnregistered, uuid)
	}
	return i, n, nil
}

// Heartbeat handles sendHeartbeat (DatanodeManager.handleHeartbeat): it
// records the node's storage numbers and load and returns the commands
// to send. An unknown or dead node is told to register again; a node
// removed from the include list gets ErrDisallowed and is marked dead.
func (m *Manager) Heartbeat(hb Heartbeat, now time.Time) ([]Command, error) {
	t := ms(now)
	i, ok := m.byUUID[hb.UUID]
	if !ok {
		return []Command{{Action: ActionRegister}}, nil
	}
	n := m.nodes[i]
	if n.disallowed {
		if n.alive {
			m.markDead(i, t)
		}
		return nil, fmt.Errorf("%w: %s", ErrDisallowed, n.xferAddr())
	}
	if !n.alive {
		return []Command{{Action: ActionRegister}}, nil
	}
	n.lastUpdate = t
	n.xceivers, n.xmits, n.failedVolumes = hb.XceiverCount, hb.XmitsInFlight, hb.FailedVolumes
	n.cacheCap, n.cacheUsed = hb.CacheCapacity, hb.CacheUsed
	for _, sr := range hb.Storages {
		st := m.updateStorage(i, sr)
		s := &m.storages[st]
		if sr.Failed && !s.failed {
			m.removeStorageReplicas(st, t) // updateFailedStorage
		}
		s.failed = sr.Failed
		s.capacity, s.dfsUsed, s.nonDFS, s.remain, s.bpUsed = sr.Capacity, sr.DFSUsed, sr.NonDFSUsed, sr.Remaining, sr.BlockPoolUsed
	}
	return m.commandsFor(i, t), nil
}

func (m *Manager) commandsFor(i int, t int64) []Command {
	n := m.nodes[i]
	if len(n.recover) > 0 {
		if c, ok := m.recoveryCommand(n, t); ok {
			return []Command{c}
		}
	}
	var out []Command
	if max := m.cfg.MaxStreams - n.xmits; max > 0 && len(n.transfers) > 0 {
		out = append(out, m.transferCommand(n, max))
	}
	if len(n.inval) > 0 {
		out = append(out, m.invalidateCommand(n))
	}
	if n.bandwidth > 0 {
		out = append(out, Command{Action: ActionBalancerBandwidth, Bandwidth: n.bandwidth})
		n.bandwidth = 0
	}
	return out
}

func (m *Manager) transferCommand(n *node, max int) Command {
	k := min(max, len(n.transfers))
	c := Command{Action: ActionTransfer, PoolID: m.cfg.PoolID}
	for _, w := range n.transfers[:k] {
		s, ok := m.blocks.lookup(w.id)
		if !ok {
			continue
		}
		c.Blocks = append(c.Blocks, m.ext(s))
		var ts []Target
		for _, st := range w.targets {
			ts = append(ts, m.target(st))
		}
		c.Targets = append(c.Targets, ts)
	}
	n.transfers = append(n.transfers[:0], n.transfers[k:]...)
	return c
}

func (m *Manager) invalidateCommand(n *node) Command {
	k := min(m.cfg.InvalidateLimit, len(n.inval))
	c := Command{Action: ActionInvalidate, PoolID: m.cfg.PoolID}
	for _, b := range n.inval[:k] {
		c.Blocks = append(c.Blocks, blocks.Extended{PoolID: m.cfg.PoolID, ID: b.id, GenStamp: b.genStamp, NumBytes: b.numBytes})
		delete(n.invalSet, b.id)
	}
	n.inval = append(n.inval[:0], n.inval[k:]...)
	return c
}

// SetBalancerBandwidth queues a DNA_BALANCERBANDWIDTHUPDATE for every
// live node (setBalancerBandwidth).
func (m *Manager) SetBalancerBandwidth(bytesPerSec int64) {
	for _, n := range m.nodes {
		if n.alive {
			n.bandwidth = bytesPerSec
		}
	}
}

// Tick runs the periodic checks: DataNodes silent for longer than the
// expiry interval (630 s by default) are declared dead and their replicas
// removed, pending reconstructions older than the timeout are requeued,
// and decommissioning or entering-maintenance nodes whose blocks are
// safely elsewhere finish.
func (m *Manager) Tick(now time.Time) {
	t := ms(now)
	for i, n := range m.nodes {
		if n.alive && t-n.lastUpdate > m.cfg.expireMillis() {
			m.markDead(i, t)
		}
	}
	m.expirePending(t)
	m.checkDecommission(t)
}

// markDead is DatanodeManager.removeDeadDatanode.
func (m *Manager) markDead(i int, t int64) {
	m.removeNode(i, t)
}

// removeNode forgets a node's replicas and queued work; the record stays
// (as Hadoop keeps dead descriptors) so reports can list it as dead.
func (m *Manager) removeNode(i int, t int64) {
	n := m.nodes[i]
	n.alive = false
	n.transfers, n.recover, n.inval = nil, nil, nil
	n.invalSet = make(map[int64]struct{})
	n.xceivers = 0
	for _, st := range n.storages {
		m.removeStorageReplicas(st, t)
	}
	m.racks.dirty = true
}

// removeStorageReplicas drops every replica on st, in slot order.
func (m *Manager) removeStorageReplicas(st uint32, t int64) {
	s := &m.storages[st]
	slots := make([]uint32, 0, len(s.blocks))
	for b := range s.blocks {
		slots = append(slots, b)
	}
	sort.Slice(slots, func(a, b int) bool { return slots[a] < slots[b] })
	for _, b := range slots {
		m.removeStoredBlock(b, st, t)
	}
	s.reports = 0
}

func (m *Manager) liveCount() int { return len(m.rackIdx().live) }

// info builds the DatanodeInfo Hadoop reports for n.
func (m *Manager) info(n *node) blocks.DatanodeInfo {
	d := blocks.DatanodeInfo{
		DatanodeID:               n.id,
		LastUpdate:               n.lastUpdate,
		LastUpdateMonotonic:      n.lastUpdate,
		LastBlockReportTime:      n.lastReport,
		LastBlockReportMonotonic: n.lastReport,
		XceiverCount:             n.xceivers,
		Location:                 n.location,
		AdminState:               n.admin,
		CacheCapacity:            n.cacheCap,
		CacheUsed:                n.cacheUsed,
	}
	for _, st := range n.storages {
		s := &m.storages[st]
		d.NumBlocks += len(s.blocks)
		if s.failed {
			continue
		}
		d.Capacity += s.capacity
		d.DFSUsed += s.dfsUsed
		d.NonDFSUsed += s.nonDFS
		d.Remaining += s.remain
		d.BlockPoolUsed += s.bpUsed
	}
	return d
}

func (m *Manager) target(st uint32) Target {
	s := &m.storages[st]
	return Target{Node: m.info(m.nodes[s.node]), StorageID: s.id, Type: s.typ}
}

// Report is getDatanodeReport: the nodes of one kind, in registration
// order.
func (m *Manager) Report(kind blocks.ReportType) []blocks.DatanodeInfo {
	var out []blocks.DatanodeInfo
	for _, n := range m.nodesOf(kind) {
		out = append(out, m.info(n))
	}
	return out
}

// nodesOf lists the nodes of one report kind, in registration order.
func (m *Manager) nodesOf(kind blocks.ReportType) []*node {
	var out []*node
	for _, n := range m.nodes {
		if n.id.UUID == "" {
			continue // replaced by a node at its address
		}
		var want bool
		switch kind {
		case blocks.ReportAll:
			want = true
		case blocks.ReportLive:
			want = n.alive
		case blocks.ReportDead:
			want = !n.alive
		case blocks.ReportDecommissioning:
			want = n.admin == blocks.DecommissionInProgress
		case blocks.ReportEnteringMaintenance:
			want = n.admin == blocks.EnteringMaintenance
		case blocks.ReportInMaintenance:
			want = n.admin == blocks.InMaintenance
		}
		if want {
			out = append(out, n)
		}
	}
	return out
}

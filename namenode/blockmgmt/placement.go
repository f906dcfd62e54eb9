package blockmgmt

import (
	"strconv"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Replica placement (BlockPlacementPolicyDefault): first replica on the
// writer when it is a usable DataNode, second on another rack, third on
// the second's rack, the rest anywhere; at most maxNodesPerRack per rack.

// PlacementRequest is chooseTarget4NewBlock's arguments.
type PlacementRequest struct {
	Writer    string // client host (IP address or host name); "" when unknown
	Replicas  int
	BlockSize int64
	// Excluded are nodes the client could not reach, matched by UUID or
	// transfer address.
	Excluded []blocks.DatanodeID
	// Favored are "host:xferPort" nodes to try first (may be empty).
	Favored []string
	// StorageTypes is the type wanted for each new replica, from the
	// file's storage policy; nil means DISK for all.
	StorageTypes []blocks.StorageType
	// Existing are the storage ids of a pipeline being extended
	// (getAdditionalDatanode); the answer is then the whole pipeline.
	Existing []string
	// AvoidLocalNode is AddBlockFlag.NO_LOCAL_WRITE: try without the
	// writer's node first, use it only if otherwise short.
	AvoidLocalNode bool
}

// ChooseTargets picks storages for a new block (chooseTarget4NewBlock),
// or more storages for an existing pipeline when req.Existing is set
// (chooseTarget4AdditionalDatanode), and returns them in pipeline order:
// each next hop the closest to the previous one, starting from the
// writer. Chosen nodes count a scheduled block each until they report
// it. Fewer targets than asked is not an error unless it is below
// MinReplication; then the error is a *PlacementError.
func (m *Manager) ChooseTargets(req PlacementRequest, now time.Time) ([]Target, error) {
	t := ms(now)
	excluded := make(map[int]bool)
	for _, id := range req.Excluded {
		if i, ok := m.byUUID[id.UUID]; ok {
			excluded[i] = true
		} else if i, ok := m.byAddr[id.IPAddr+":"+strconv.Itoa(id.XferPort)]; ok {
			excluded[i] = true
		}
	}
	nExcluded := len(excluded)
	writer := m.clientFor(req.Writer)
	var existing []uint32
	for _, id := range req.Existing {
		if st, ok := m.storageByID[id]; ok {
			existing = append(existing, st)
		}
	}
	var p *placer
	if req.AvoidLocalNode && writer.node >= 0 {
		ex := make(map[int]bool, len(excluded)+1)
		for i := range excluded {
			ex[i] = true
		}
		ex[writer.node] = true
		p = m.place(req, writer, ex, existing, t)
		if len(p.results)-p.existing < req.Replicas {
			p = nil // not enough without the local node
		}
	}
	if p == nil {
		p = m.place(req, writer, excluded, existing, t)
	}
	from := p.existing
	if len(existing) > 0 {
		from = 0 // getAdditionalDatanode returns the whole pipeline
	}
	chosen := p.pipeline(writer, from)
	for _, st := range p.results[p.existing:] {
		m.nodeOf(st).schedCur++
	}
	if len(chosen) < m.cfg.MinReplication {
		return nil, &PlacementError{Chosen: len(chosen), MinReplication: m.cfg.MinReplication, Live: m.liveCount(), Excluded: nExcluded}
	}
	out := make([]Target, len(chosen))
	for i, st := range chosen {
		out[i] = m.target(st)
	}
	return out, nil
}

func (m *Manager) place(req PlacementRequest, writer client, excluded map[int]bool, existing []uint32, t int64) *placer {
	p := m.newPlacer(t, req.BlockSize, excluded, existing, req.StorageTypes, len(existing)+req.Replicas)
	num := p.prepare(req.Replicas)
	for _, f := range req.Favored {
		if i, ok := m.hostPortNode(f); ok && len(p.results)-p.existing < num {
			p.tryNode(i)
		}
	}
	p.run(writer, num-(len(p.results)-p.existing), len(existing) == 0)
	return p
}

func (m *Manager) hostPortNode(hp string) (int, bool) {
	for i, n := range m.nodes {
		if n.alive && (n.xferAddr() == hp || n.id.HostName+":"+strconv.Itoa(n.id.XferPort) == hp) {
			return i, true
		}
	}
	return 0, false
}

type placer struct {
	m          *Manager
	t          int64
	blockSize  int64
	excluded   map[int]bool
	orig       map[int]bool // excluded by the caller
	existing   int          // results[:existing] were chosen before the call
	results    []uint32     // storages
	need       []blocks.StorageType
	maxPerRack int
	avoidStale bool
	maxLoad    float64
}

func (m *Manager) newPlacer(t, blockSize int64, excluded map[int]bool, existing []uint32, types []blocks.StorageType, total int) *placer {
	p := &placer{m: m, t: t, blockSize: blockSize, excluded: excluded, avoidStale: m.cfg.AvoidStaleForWrite}
	p.results = append(p.results, existing...)
	p.existing = len(existing)
	for _, st := range existing {
		excluded[int(m.storages[st].node)] = true
	}
	p.orig = make(map[int]bool, len(excluded))
	for i := range excluded {
		p.orig[i] = true
	}
	for i := len(existing); i < total; i++ {
		typ := blocks.Disk
		if i < len(types) && types[i] != 0 {
			typ = types[i]
		}
		p.need = append(p.need, typ)
	}
	if m.cfg.ConsiderLoad {
		sum, cnt := 0, 0
		for _, i := range m.rackIdx().live {
			if n := m.nodes[i]; n.inService() {
				sum += n.xceivers
				cnt++
			}
		}
		if cnt > 0 {
			p.maxLoad = m.cfg.ConsiderLoadFactor * float64(sum) / float64(cnt)
		}
	}
	return p
}

// prepare is getMaxNodesPerRack: it caps the replica count at the
// cluster size and sets the per-rack limit; it returns the new-replica
// count to choose.
func (p *placer) prepare(num int) int {
	ri := p.m.rackIdx()
	clusterSize := len(ri.live)
	total := p.existing + num
	if total > clusterSize {
		num -= total - clusterSize
		total = clusterSize
	}
	racks := len(ri.names)
	if racks <= 1 || total <= 1 {
		p.maxPerRack = total
	} else {
		p.maxPerRack = (total-1)/racks + 2
		if p.maxPerRack == total {
			p.maxPerRack--
		}
	}
	return max(num, 0)
}

// run is chooseTarget: the in-order choice, retried without avoiding
// stale nodes when it came up short.
func (p *placer) run(writer client, num int, newBlock bool) {
	want := len(p.results) + num
	if num <= 0 {
		return
	}
	p.inOrder(writer, num, newBlock)
	if len(p.results) < want && p.avoidStale {
		// Retry without avoiding stale nodes, forgetting the nodes that
		// were only rejected (Hadoop's oldExcludedNodes).
		p.avoidStale = false
		p.excluded = make(map[int]bool, len(p.orig)+len(p.results))
		for i := range p.orig {
			p.excluded[i] = true
		}
		for _, st := range p.results {
			p.excluded[int(p.m.storages[st].node)] = true
		}
		p.inOrder(writer, want-len(p.results), newBlock)
	}
}

func (p *placer) inOrder(writer client, num int, newBlock bool) {
	have := len(p.results)
	if have == 0 {
		if !p.chooseLocal(writer) {
			return
		}
		if num--; num == 0 {
			return
		}
	}
	dn0 := p.nodeAt(0)
	if have <= 1 {
		if !p.chooseRemoteRack(1, dn0) {
			return
		}
		if num--; num == 0 {
			return
		}
	}
	if have <= 2 {
		dn1 := p.nodeAt(1)
		var ok bool
		switch {
		case p.m.nodes[dn0.node].location == p.m.nodes[dn1.node].location:
			ok = p.chooseRemoteRack(1, dn0)
		case newBlock:
			ok = p.chooseLocalRack(dn1)
		default:
			ok = p.chooseLocalRack(writer)
		}
		if !ok {
			return
		}
		if num--; num == 0 {
			return
		}
	}
	p.chooseRandom(num, "", "")
}

func (p *placer) nodeAt(i int) client {
	n := int(p.m.storages[p.results[i]].node)
	return client{node: n, location: p.m.nodes[n].location}
}

func (p *placer) chooseLocal(writer client) bool {
	if writer.node >= 0 && p.tryNode(writer.node) {
		return true
	}
	return p.chooseLocalRack(writer)
}

func (p *placer) chooseLocalRack(local client) bool {
	if local.location == "" {
		return p.chooseRandom(1, "", "") == 1
	}
	if p.chooseRandom(1, local.location, "") == 1 {
		return true
	}
	for i := range p.results {
		if c := p.nodeAt(i); c.node != local.node && c.location != local.location {
			if p.chooseRandom(1, c.location, "") == 1 {
				return true
			}
			break
		}
	}
	return p.chooseRandom(1, "", "") == 1
}

func (p *placer) chooseRemoteRack(num int, local client) bool {
	got := p.chooseRandom(num, "", local.location)
	if got < num {
		got += p.chooseRandom(num-got, local.location, "")
	}
	return got == num
}

// chooseRandom picks up to num good nodes at random, from rack when set,
// else from every rack but notRack. It returns how many it chose.
func (p *placer) chooseRandom(num int, rack, notRack string) int {
	ri := p.m.rackIdx()
	var cand []int
	if rack != "" {
		cand = append(cand, ri.byRack[rack]...)
	} else {
		for _, i := range ri.live {
			if p.m.nodes[i].location != notRack {
				cand = append(cand, i)
			}
		}
	}
	got := 0
	for got < num && len(cand) > 0 {
		k := p.m.rnd.IntN(len(cand))
		i := cand[k]
		cand[k] = cand[len(cand)-1]
		cand = cand[:len(cand)-1]
		if p.tryNode(i) {
			got++
		}
	}
	return got
}

// tryNode adds a storage of node i to the results when the node is a
// good target (isGoodDatanode + isGoodTarget); the node is excluded from
// further choice either way.
func (p *placer) tryNode(i int) bool {
	if p.excluded[i] || len(p.results)-p.existing >= len(p.need) {
		return false
	}
	p.excluded[i] = true
	n := p.m.nodes[i]
	if !n.alive || !n.inService() {
		return false
	}
	if p.avoidStale && n.stale(p.t, p.m.cfg) {
		return false
	}
	if p.maxLoad > 0 && float64(n.xceivers) > p.maxLoad {
		return false
	}
	onRack := 1
	for _, st := range p.results {
		if p.m.nodeOf(st).location == n.location {
			onRack++
		}
	}
	if onRack > p.maxPerRack {
		return false
	}
	for k := len(p.results) - p.existing; k < len(p.need); k++ {
		if st, ok := p.storageFor(n, p.need[k]); ok {
			// Serve this type now; keep the other wanted types in order.
			j := len(p.results) - p.existing
			p.need[j], p.need[k] = p.need[k], p.need[j]
			p.results = append(p.results, st)
			return true
		}
	}
	return false
}

// storageFor is the storage-level half of isGoodTarget: a non-failed
// storage of type typ with room for the block, the node having room for
// it after the blocks already scheduled to it.
func (p *placer) storageFor(n *node, typ blocks.StorageType) (uint32, bool) {
	var remaining int64
	found, pick := false, uint32(0)
	for _, st := range n.storages {
		s := &p.m.storages[st]
		if s.typ != typ || s.failed || s.remain < p.blockSize {
			continue
		}
		remaining += s.remain
		if !found {
			found, pick = true, st
		}
	}
	if !found || p.blockSize > remaining-p.blockSize*int64(n.scheduled(p.t)) {
		return 0, false
	}
	return pick, true
}

// pipeline orders the new results as getPipeline: starting from the
// writer (or the first target), each next the closest to the previous.
func (p *placer) pipeline(writer client, from int) []uint32 {
	out := append([]uint32(nil), p.results[from:]...)
	if len(out) == 0 {
		return out
	}
	cur := writer
	if cur.location == "" {
		cur = client{node: int(p.m.storages[out[0]].node), location: p.m.nodeOf(out[0]).location}
	}
	for i := range out {
		best, bestD := i, -1
		for j := i; j < len(out); j++ {
			d := p.m.clientDistance(cur, int(p.m.storages[out[j]].node))
			if bestD < 0 || d < bestD {
				best, bestD = j, d
			}
		}
		out[i], out[best] = out[best], out[i]
		n := int(p.m.storages[out[i]].node)
		cur = client{node: n, location: p.m.nodes[n].location}
	}
	return out
}

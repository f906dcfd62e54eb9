package blockmgmt

// LowRedundancyBlocks: five priority queues of blocks needing more (or
// better placed) replicas, each an insertion-ordered set with a bookmark
// so successive ComputeWork calls move on through the queue.

// Priority levels, as LowRedundancyBlocks.QUEUE_*.
const (
	QueueHighest          = 0 // one live replica left, or only out-of-service ones
	QueueVeryLow          = 1 // fewer than a third of the expected replicas
	QueueLow              = 2
	QueueBadlyDistributed = 3 // enough replicas, too few racks
	QueueCorrupt          = 4 // no usable replica at all
	queueLevels           = 5
)

type lrEntry struct {
	slot uint32
	seq  uint64
}

type lrQueue struct {
	seq   map[uint32]uint64 // live members and their insertion sequence
	order []lrEntry         // insertion order; entries whose seq differs are stale
	mark  int               // bookmark into order
}

type lowRedundancy struct {
	q    [queueLevels]lrQueue
	next uint64
}

func newLowRedundancy() lowRedundancy {
	var l lowRedundancy
	for i := range l.q {
		l.q[i].seq = make(map[uint32]uint64)
	}
	return l
}

// priority is getPriorityContiguous.
func priority(c counts, expected int) int {
	switch {
	case c.live >= expected:
		return QueueBadlyDistributed
	case c.live == 0 && c.outOfService() > 0:
		return QueueHighest
	case c.live == 0:
		return QueueCorrupt
	case c.live == 1:
		return QueueHighest
	case c.live*3 < expected:
		return QueueVeryLow
	default:
		return QueueLow
	}
}

func (m *Manager) queuePut(s uint32, level int) {
	r := &m.blocks.recs[s]
	if int(r.queue) == level+1 {
		return
	}
	m.queueRemove(s)
	q := &m.needed.q[level]
	m.needed.next++
	q.seq[s] = m.needed.next
	q.order = append(q.order, lrEntry{slot: s, seq: m.needed.next})
	r.queue = uint8(level + 1)
}

func (m *Manager) queueRemove(s uint32) {
	r := &m.blocks.recs[s]
	if r.queue == 0 {
		return
	}
	q := &m.needed.q[r.queue-1]
	delete(q.seq, s)
	r.queue = 0
	if len(q.order) > 64 && len(q.order) > 2*len(q.seq) {
		q.compact()
	}
}

func (q *lrQueue) compact() {
	var kept []lrEntry
	mark := 0
	for i, e := range q.order {
		if q.seq[e.slot] == e.seq {
			if i < q.mark {
				mark++
			}
			kept = append(kept, e)
		}
	}
	q.order, q.mark = kept, mark
}

// chooseLowRedundancy is chooseLowRedundancyBlocks: up to n blocks from
// the bookmarks on, highest priority first. The corrupt queue is walked
// (counting toward n) but its blocks are not returned. When the walk
// reaches the end of the last queue, every bookmark goes back to the head.
func (m *Manager) chooseLowRedundancy(n int) (slots []uint32, levels []int) {
	count, level := 0, 0
	for ; count < n && level < queueLevels; level++ {
		q := &m.needed.q[level]
		for ; count < n && q.mark < len(q.order); q.mark++ {
			e := q.order[q.mark]
			if q.seq[e.slot] != e.seq {
				continue
			}
			count++
			if level != QueueCorrupt {
				slots = append(slots, e.slot)
				levels = append(levels, level)
			}
		}
		if q.mark < len(q.order) {
			break
		}
	}
	if level >= queueLevels {
		for i := range m.needed.q {
			m.needed.q[i].mark = 0
		}
	}
	return slots, levels
}

// QueueSizes returns the number of blocks in each priority queue.
func (m *Manager) QueueSizes() [queueLevels]int {
	var out [queueLevels]int
	for i := range m.needed.q {
		out[i] = len(m.needed.q[i].seq)
	}
	return out
}

// QueueOf returns the priority queue holding a block, or -1.
func (m *Manager) QueueOf(id int64) int {
	s, ok := m.blocks.lookup(id)
	if !ok {
		return -1
	}
	return int(m.blocks.recs[s].queue) - 1
}

// QueueBlocks lists the block ids in one priority queue, in queue order
// (QueueCorrupt lists the missing blocks, for fsck and the web UI).
func (m *Manager) QueueBlocks(level int) []int64 {
	if level < 0 || level >= queueLevels {
		return nil
	}
	q := &m.needed.q[level]
	var out []int64
	for _, e := range q.order {
		if q.seq[e.slot] == e.seq {
			out = append(out, m.blocks.recs[e.slot].id)
		}
	}
	return out
}

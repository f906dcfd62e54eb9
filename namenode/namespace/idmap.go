package namespace

// idMap finds an inode's slot from its id (Hadoop's INodeMap). It is an
// open-addressing hash table with linear probing that stores only slot+1
// (4 bytes per entry): the id is read from the inode record itself, so the
// table costs about 6 bytes per inode at its load factor.
//
// Locking: guarded by the Tree's id lock. An inode's id field is written
// only while its slot is absent from the map, so probing may read the id
// of any slot in the map under the id lock alone.
type idMap struct {
	slots []uint32 // slot+1; 0 is empty
	count int
	mask  uint64
}

func newIDMap() *idMap {
	const n = 1024
	return &idMap{slots: make([]uint32, n), mask: n - 1}
}

func (m *idMap) home(id int64) uint64 {
	return (uint64(id) * 0x9E3779B97F4A7C15) >> 20 & m.mask
}

// get returns the slot of id, or nilSlot.
func (m *idMap) get(id int64, idOf func(uint32) int64) uint32 {
	for i := m.home(id); ; i = (i + 1) & m.mask {
		s := m.slots[i]
		if s == 0 {
			return nilSlot
		}
		if idOf(s-1) == id {
			return s - 1
		}
	}
}

func (m *idMap) put(id int64, slot uint32, idOf func(uint32) int64) {
	if (m.count+1)*4 > len(m.slots)*3 {
		m.resize(len(m.slots)*2, idOf)
	}
	i := m.home(id)
	for m.slots[i] != 0 {
		i = (i + 1) & m.mask
	}
	m.slots[i] = slot + 1
	m.count++
}

func (m *idMap) resize(n int, idOf func(uint32) int64) {
	old := m.slots
	m.slots, m.mask, m.count = make([]uint32, n), uint64(n-1), 0
	for _, s := range old {
		if s != 0 {
			m.put(idOf(s-1), s-1, idOf)
		}
	}
}

// del removes id, shifting later entries of its probe run back so that
// no tombstones are needed.
func (m *idMap) del(id int64, idOf func(uint32) int64) {
	i := m.home(id)
	for {
		s := m.slots[i]
		if s == 0 {
			return
		}
		if idOf(s-1) == id {
			break
		}
		i = (i + 1) & m.mask
	}
	m.count--
	for j := i; ; {
		m.slots[i] = 0
		for {
			j = (j + 1) & m.mask
			s := m.slots[j]
			if s == 0 {
				return
			}
			h := m.home(idOf(s - 1))
			// Move s into the hole at i unless its home lies cyclically in (i, j].
			if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
				m.slots[i] = s
				i = j
				break
			}
		}
	}
}

package blockmgmt

// The blocks map. Tens of millions of blocks must not cost tens of
// millions of heap objects, so a block is a fixed-size record without
// pointers in one slice, found through a map from block id to slot (Go
// does not scan maps and slices without pointers). A record is 56 bytes;
// the id map adds about 20-30 and each replica about 10-15 more in its
// storage's slot set (a pointer-free map[uint32]struct{}): a
// three-replica block measured 131 bytes of heap in
// BenchmarkBlocksMapMillionBlocks, with no per-block heap object.
// Replicas are storage indexes: three inline (the default replication),
// the rest in a side map used only by blocks with more.

const inlineReplicas = 3

type blockRec struct {
	id, genStamp, numBytes int64
	fileID                 int64
	rep                    [inlineReplicas]uint32 // storage index + 1; 0 = empty
	expected               uint16
	state                  BlockState
	flags                  uint8
	queue                  uint8 // low-redundancy level + 1; 0 when not queued
}

const (
	flagSafe     uint8 = 1 << iota // counted in safe blocks
	flagOverflow                   // has replicas in overflow
	flagCorrupt                    // has entries in corrupt map
)

type blockMap struct {
	index    map[int64]uint32
	recs     []blockRec
	free     []uint32
	overflow map[uint32][]uint32
}

func newBlockMap() blockMap {
	return blockMap{index: make(map[int64]uint32), overflow: make(map[uint32][]uint32)}
}

func (bm *blockMap) lookup(id int64) (uint32, bool) {
	s, ok := bm.index[id]
	return s, ok
}

func (bm *blockMap) insert(r blockRec) uint32 {
	var s uint32
	if n := len(bm.free); n > 0 {
		s = bm.free[n-1]
		bm.free = bm.free[:n-1]
		bm.recs[s] = r
	} else {
		s = uint32(len(bm.recs))
		bm.recs = append(bm.recs, r)
	}
	bm.index[r.id] = s
	return s
}

func (bm *blockMap) delete(s uint32) {
	delete(bm.index, bm.recs[s].id)
	delete(bm.overflow, s)
	bm.recs[s] = blockRec{}
	bm.free = append(bm.free, s)
}

// replicas appends the storages holding slot s to buf.
func (bm *blockMap) replicas(s uint32, buf []uint32) []uint32 {
	r := &bm.recs[s]
	for _, x := range r.rep {
		if x != 0 {
			buf = append(buf, x-1)
		}
	}
	if r.flags&flagOverflow != 0 {
		buf = append(buf, bm.overflow[s]...)
	}
	return buf
}

func (bm *blockMap) hasReplica(s, st uint32) bool {
	r := &bm.recs[s]
	for _, x := range r.rep {
		if x == st+1 {
			return true
		}
	}
	if r.flags&flagOverflow != 0 {
		for _, x := range bm.overflow[s] {
			if x == st {
				return true
			}
		}
	}
	return false
}

// addReplica records st as holding s; false when it already did.
func (bm *blockMap) addReplica(s, st uint32) bool {
	if bm.hasReplica(s, st) {
		return false
	}
	r := &bm.recs[s]
	for i, x := range r.rep {
		if x == 0 {
			r.rep[i] = st + 1
			return true
		}
	}
	bm.overflow[s] = append(bm.overflow[s], st)
	r.flags |= flagOverflow
	return true
}

func (bm *blockMap) removeReplica(s, st uint32) bool {
	r := &bm.recs[s]
	for i, x := range r.rep {
		if x == st+1 {
			r.rep[i] = 0
			bm.refill(s, i)
			return true
		}
	}
	if r.flags&flagOverflow == 0 {
		return false
	}
	o := bm.overflow[s]
	for i, x := range o {
		if x == st {
			o = append(o[:i], o[i+1:]...)
			bm.setOverflow(s, o)
			return true
		}
	}
	return false
}

// refill moves an overflow replica into the emptied inline position i.
func (bm *blockMap) refill(s uint32, i int) {
	r := &bm.recs[s]
	if r.flags&flagOverflow == 0 {
		return
	}
	o := bm.overflow[s]
	r.rep[i] = o[len(o)-1] + 1
	bm.setOverflow(s, o[:len(o)-1])
}

func (bm *blockMap) setOverflow(s uint32, o []uint32) {
	if len(o) == 0 {
		delete(bm.overflow, s)
		bm.recs[s].flags &^= flagOverflow
		return
	}
	bm.overflow[s] = o
}

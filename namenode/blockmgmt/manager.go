package blockmgmt

import (
	"math/rand/v2"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Resolver maps a DataNode's (or client's) IP address or host name to a
// network location such as "/dc1/rack7". An empty answer means the
// default rack. The glue implements Hadoop's script or table mapping.
type Resolver func(host string) string

// Manager is the block management core. It is not safe for concurrent
// use: the NameNode glue calls it under its own lock.
type Manager struct {
	cfg     Config
	rnd     *rand.Rand
	resolve Resolver

	blocks  blockMap
	uc      map[uint32]*ucInfo          // expected locations of open blocks
	corrupt map[uint32][]corruptReplica // slot -> storages with corrupt replicas
	pending map[uint32]*pendingRec
	needed  lowRedundancy

	nodes       []*node
	byUUID      map[string]int
	byAddr      map[string]int // "ip:xferPort"
	storages    []storage
	storageByID map[string]uint32
	racks       rackIndex

	hosts    hostLists
	delHint  int  // node the current Received entry names as deletable, -1
	added    int  // node that just received it, -1
	trimming bool // inside processExcess
	populate bool // replication queues are maintained (not in startup safe mode)
	// everMultiRack: live DataNodes have spanned two racks at some point
	// (DatanodeManager.hasClusterEverBeenMultiRack).
	everMultiRack bool

	completeTotal, safeTotal int64
	lastWork                 int64 // ms of the last ComputeWork, for pending timeouts
}

type storage struct {
	id       string
	typ      blocks.StorageType
	node     int32
	failed   bool
	capacity int64
	dfsUsed  int64
	nonDFS   int64
	remain   int64
	bpUsed   int64
	reports  int // full block reports processed
	blocks   map[uint32]struct{}
}

// New returns an empty Manager. resolve may be nil (every node on the
// default rack); rnd must not be nil.
func New(cfg Config, resolve Resolver, rnd *rand.Rand) (*Manager, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if resolve == nil {
		resolve = func(string) string { return "" }
	}
	m := &Manager{
		cfg:         cfg,
		rnd:         rnd,
		resolve:     resolve,
		blocks:      newBlockMap(),
		uc:          make(map[uint32]*ucInfo),
		corrupt:     make(map[uint32][]corruptReplica),
		pending:     make(map[uint32]*pendingRec),
		needed:      newLowRedundancy(),
		byUUID:      make(map[string]int),
		byAddr:      make(map[string]int),
		storageByID: make(map[string]uint32),
		populate:    true,
		delHint:     -1,
		added:       -1,
	}
	m.racks.dirty = true
	return m, nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func (m *Manager) ext(s uint32) blocks.Extended {
	r := &m.blocks.recs[s]
	return blocks.Extended{PoolID: m.cfg.PoolID, ID: r.id, GenStamp: r.genStamp, NumBytes: r.numBytes}
}

func (m *Manager) nodeOf(st uint32) *node { return m.nodes[m.storages[st].node] }

// SetPopulateQueues turns the redundancy queues on or off. Hadoop keeps
// them off during startup safe mode; turning them on scans every block
// (processMisReplicatedBlocks) to queue under- and over-replicated ones.
func (m *Manager) SetPopulateQueues(on bool, now time.Time) {
	was := m.populate
	m.populate = on
	if !on || was {
		return
	}
	m.recheckAll(ms(now))
}

// recheckAll is processMisReplicatedBlocks over the whole blocks map.
func (m *Manager) recheckAll(t int64) {
	for s := range m.blocks.recs {
		if m.blocks.recs[s].expected != 0 {
			m.checkRedundancy(uint32(s), t)
		}
	}
}

// SafeCounts is what BlockManagerSafeMode needs: complete blocks with at
// least MinReplication live replicas, all complete blocks, and live
// DataNodes.
func (m *Manager) SafeCounts() (safe, total int64, liveNodes int) {
	return m.safeTotal, m.completeTotal, m.liveCount()
}

// NumBlocks is the number of blocks in the blocks map.
func (m *Manager) NumBlocks() int { return len(m.blocks.index) }

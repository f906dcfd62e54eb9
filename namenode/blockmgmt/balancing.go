package blockmgmt

import (
	"errors"
	"fmt"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// What the balancer and the mover ask of the block manager: every live
// DataNode's storages with their numbers (getDatanodeStorageReport), and
// a sample of one DataNode's blocks with where their replicas are
// (NamenodeProtocol.getBlocks, BlockManager.getBlocksWithLocations).

// DatanodeStorageReport is one DataNode with its storages.
type DatanodeStorageReport = blocks.DatanodeStorageReport

// StorageReports is getDatanodeStorageReport: the nodes of one kind, in
// registration order, each with the storages it last reported.
func (m *Manager) StorageReports(kind blocks.ReportType) []DatanodeStorageReport {
	var out []DatanodeStorageReport
	for _, n := range m.nodesOf(kind) {
		r := DatanodeStorageReport{Node: m.info(n)}
		for _, st := range n.storages {
			s := &m.storages[st]
			r.Storages = append(r.Storages, StorageReport{StorageID: s.id, Type: s.typ, Failed: s.failed,
				Capacity: s.capacity, DFSUsed: s.dfsUsed, NonDFSUsed: s.nonDFS, Remaining: s.remain, BlockPoolUsed: s.bpUsed})
		}
		out = append(out, r)
	}
	return out
}

// BlockWithLocations is one block getBlocks hands out, with every
// replica the NameNode knows of and does not mean to delete.
type BlockWithLocations struct {
	ID, GenStamp, NumBytes int64
	Nodes                  []string // DataNode UUIDs
	Storages               []string // storage ids, one per node
	Types                  []blocks.StorageType
}

// BlocksRequest is a getBlocks request.
type BlocksRequest struct {
	Node         blocks.DatanodeID // the DataNode whose blocks are wanted
	Size         int64             // stop once the blocks add up to this many bytes
	MinBlockSize int64             // skip smaller blocks
	Type         blocks.StorageType
	AnyType      bool // every storage type (no storageType in the request)
	// Hot, when set, reports whether a file's blocks should be handed
	// out last: its file is open, or was used recently (the request's
	// timeInterval).
	Hot func(fileID int64) bool
}

// ErrUnknownDatanode is getBlocks' answer for a DataNode the NameNode
// does not know.
var ErrUnknownDatanode = errors.New("blockmgmt: datanode not found")

// BlocksWithLocations is getBlocks (BlockManager.getBlocksWithLocations):
// complete blocks of at least MinBlockSize on the node's storages (of
// Type unless AnyType) whose contents are not stale, starting at a random
// position of its block list and wrapping around, until they add up to
// Size bytes. Hot blocks go last, and only while there is room. The caller
// checks that Size is positive.
func (m *Manager) BlocksWithLocations(req BlocksRequest) ([]BlockWithLocations, error) {
	i, ok := m.byUUID[req.Node.UUID]
	if !ok || m.nodes[i].id.UUID == "" {
		return nil, fmt.Errorf("%w: Datanode %s:%d not found.", ErrUnknownDatanode, req.Node.IPAddr, req.Node.XferPort)
	}
	n := m.nodes[i]
	if n.xferAddr() != fmt.Sprintf("%s:%d", req.Node.IPAddr, req.Node.XferPort) {
		return nil, fmt.Errorf("%w: Data node %s:%d is attempting to report storage ID %s. Node %s is expected to serve this storage.",
			ErrUnregistered, req.Node.IPAddr, req.Node.XferPort, req.Node.UUID, n.xferAddr())
	}
	var all []uint32 // the node's blocks, storage by storage
	total := 0
	for _, st := range n.storages {
		s := &m.storages[st]
		total += len(s.blocks)
		if s.reports == 0 || s.failed || (!req.AnyType && s.typ != req.Type) {
			continue
		}
		all = append(all, m.sortedSlots(st)...)
	}
	if total == 0 || len(all) == 0 {
		return nil, nil
	}
	// Hadoop draws the start over all the node's blocks, then skips that
	// many in the chosen storages.
	start := m.rnd.IntN(total) % len(all)
	var out, hot []BlockWithLocations
	var size int64
	for k := 0; k < len(all) && size < req.Size; k++ {
		s := all[(start+k)%len(all)]
		r := &m.blocks.recs[s]
		if r.state != Complete || r.numBytes < req.MinBlockSize {
			continue
		}
		b, ok := m.withLocations(s)
		if !ok {
			continue
		}
		if req.Hot != nil && req.Hot(r.fileID) {
			hot = append(hot, b)
			continue
		}
		out = append(out, b)
		size += b.NumBytes
	}
	for _, b := range hot {
		if size >= req.Size {
			break
		}
		out = append(out, b)
		size += b.NumBytes
	}
	return out, nil
}

// withLocations lists slot s's replicas, leaving out those queued for
// deletion; false when none is left.
func (m *Manager) withLocations(s uint32) (BlockWithLocations, bool) {
	r := &m.blocks.recs[s]
	b := BlockWithLocations{ID: r.id, GenStamp: r.genStamp, NumBytes: r.numBytes}
	for _, st := range m.blocks.replicas(s, nil) {
		nd := m.nodeOf(st)
		if _, doomed := nd.invalSet[r.id]; doomed {
			continue
		}
		b.Nodes = append(b.Nodes, nd.id.UUID)
		b.Storages = append(b.Storages, m.storages[st].id)
		b.Types = append(b.Types, m.storages[st].typ)
	}
	return b, len(b.Nodes) > 0
}

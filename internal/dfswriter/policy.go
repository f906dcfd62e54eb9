package dfswriter

import "github.com/hdfsd/hdfsd/datatransfer"

// Policy is dfs.client.block.write.replace-datanode-on-failure.policy:
// whether a pipeline that lost nodes asks the NameNode for new ones
// (ReplaceDatanodeOnFailure).
type Policy uint8

const (
	// PolicyDefault adds a node when the replication is at least 3 and
	// either half or fewer of the nodes are left or the block was hflushed
	// (or appended to).
	PolicyDefault Policy = iota
	// PolicyNever never adds a node.
	PolicyNever
	// PolicyAlways adds a node whenever one was lost.
	PolicyAlways
)

func (p Policy) String() string {
	switch p {
	case PolicyDefault:
		return "DEFAULT"
	case PolicyNever:
		return "NEVER"
	case PolicyAlways:
		return "ALWAYS"
	}
	return "Policy(?)"
}

// Satisfied is ReplaceDatanodeOnFailure.satisfy: with existing nodes left
// in the pipeline of a block of the given replication, should the writer
// add a node? Never when no node is left or enough are.
func (p Policy) Satisfied(replication, existing int, appended, hflushed bool) bool {
	if existing == 0 || existing >= replication {
		return false
	}
	switch p {
	case PolicyAlways:
		return true
	case PolicyDefault:
		return replication >= 3 && (existing <= replication/2 || appended || hflushed)
	}
	return false
}

// newNodeIndex is DataStreamer.findNewDatanode: the position in now of the
// one node that is not in original, or -1 when the NameNode did not add
// exactly one node.
func newNodeIndex(original, now []string) int {
	if len(now) != len(original)+1 {
		return -1
	}
	for i, n := range now {
		found := false
		for _, o := range original {
			found = found || o == n
		}
		if !found {
			return i
		}
	}
	return -1
}

// Packet sizing (dfs.client-write-packet-size and the checksum).
const (
	PacketSize       = 64 << 10
	BytesPerChecksum = 512
)

// dataPerPacket is DFSOutputStream.computePacketChunkSize: as many whole
// chunks (data plus checksum) as fit in a packet after its largest header.
func dataPerPacket(packetSize int, cs datatransfer.DataChecksum) int {
	body := packetSize - datatransfer.MaxPacketHeaderLen
	chunks := max(body/(cs.BytesPerChecksum+cs.Size()), 1)
	return chunks * cs.BytesPerChecksum
}

// badNodeAfterConnect is where createBlockOutputStream puts the blame for
// a failed connect: the node the first node named as firstBadLink, else
// the first node.
func badNodeAfterConnect(nodes []string, firstBadLink string) int {
	for i, n := range nodes {
		if firstBadLink != "" && n == firstBadLink {
			return i
		}
	}
	return 0
}

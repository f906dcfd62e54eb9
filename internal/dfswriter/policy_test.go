package dfswriter

import (
	"testing"

	"github.com/hdfsd/hdfsd/datatransfer"
)

// The table is ReplaceDatanodeOnFailure's CONDITION_DEFAULT with satisfy's
// guard (no node left, or enough left: never).
func TestPolicyDefaultIsHadoopsCondition(t *testing.T) {
	for _, c := range []struct {
		r, n              int
		appended, flushed bool
		want              bool
	}{
		{3, 2, false, false, false}, // 2 > 3/2: a 3-replica write that lost one node goes on with two
		{3, 1, false, false, true},  // 1 <= 3/2
		{3, 2, false, true, true},   // hflushed
		{3, 2, true, false, true},   // appended
		{3, 0, true, true, false},   // no node left
		{3, 3, true, true, false},   // nothing lost
		{2, 1, true, true, false},   // replication below 3
		{5, 2, false, false, true},  // 2 <= 5/2
		{5, 3, false, false, false},
		{4, 2, false, false, true},
	} {
		if got := PolicyDefault.Satisfied(c.r, c.n, c.appended, c.flushed); got != c.want {
			t.Errorf("DEFAULT r=%d n=%d append=%v hflushed=%v: %v, want %v", c.r, c.n, c.appended, c.flushed, got, c.want)
		}
	}
	if PolicyNever.Satisfied(3, 1, true, true) || !PolicyAlways.Satisfied(2, 1, false, false) || PolicyAlways.Satisfied(3, 3, false, false) {
		t.Error("NEVER adds a node, ALWAYS adds one whenever one is missing")
	}
}

func TestNewNodeIndexIsFindNewDatanode(t *testing.T) {
	orig := []string{"a", "c"}
	if got := newNodeIndex(orig, []string{"a", "b", "c"}); got != 1 {
		t.Errorf("new node in the middle: %d", got)
	}
	if got := newNodeIndex(orig, []string{"a", "c"}); got != -1 {
		t.Errorf("no node added: %d", got)
	}
	if got := newNodeIndex(orig, []string{"a", "b", "d", "c"}); got != -1 {
		t.Errorf("two nodes added: %d", got)
	}
}

// Hadoop's 64 KiB packets carry 126 chunks of 512 bytes with CRC32C.
func TestDataPerPacketIsHadoops(t *testing.T) {
	cs, _ := datatransfer.NewDataChecksum(datatransfer.ChecksumCRC32C, BytesPerChecksum)
	if got := dataPerPacket(PacketSize, cs); got != 126*512 {
		t.Errorf("dataPerPacket = %d, want %d", got, 126*512)
	}
}

func TestBadNodeAfterConnect(t *testing.T) {
	nodes := []string{"a:1", "b:1", "c:1"}
	if got := badNodeAfterConnect(nodes, "c:1"); got != 2 {
		t.Errorf("firstBadLink c: %d", got)
	}
	if got := badNodeAfterConnect(nodes, ""); got != 0 {
		t.Errorf("no firstBadLink: %d", got)
	}
}

package fsck

import (
	"regexp"
	"strconv"

	"github.com/hdfsd/hdfsd/internal/javafmt"
)

// blockFile is Hadoop's metaOrBlockFilePattern: a block file or its
// metadata file name.
var blockFile = regexp.MustCompile(`^blk_(-?\d+)(_(\d+)\.meta)?$`)

// parseBlockID is Block.getBlockId: the id of "blk_<id>" (or of its meta
// file name), 0 when the name has another shape.
func parseBlockID(s string) int64 {
	m := blockFile.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// blockIDs is fsck -blockId: the header, then one section per block.
func (r *run) blockIDs() {
	r.println("FSCK started by " + r.user() + " from " + r.req.Remote + " at " + javafmt.Date(r.start))
	for _, blk := range r.o.BlockIDs {
		if !containsBlk(blk) {
			r.println("Incorrect blockId format: " + blk)
			continue
		}
		r.print("\n")
		r.blockID(blk)
	}
}

func containsBlk(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if s[i:i+4] == "blk_" {
			return true
		}
	}
	return false
}

func (r *run) blockID(blk string) {
	owner, ok, err := r.src.Block(parseBlockID(blk))
	if err != nil {
		r.println(err.Error())
		r.print("\n\nFsck on blockId '" + blk)
		return
	}
	if !ok {
		r.println("Block " + blk + " " + NonexistentStatus)
		return
	}
	b := &owner.Block
	c := countReplicas(b)
	itoa := strconv.Itoa
	r.println("Block Id: " + blk)
	r.println("Block belongs to: " + owner.Path)
	r.println("No. of Expected Replica: " + itoa(owner.ExpectedReplicas))
	r.println("No. of live Replica: " + itoa(c.live))
	r.println("No. of excess Replica: " + itoa(c.excess))
	r.println("No. of stale Replica: " + itoa(c.staleContent))
	r.println("No. of decommissioned Replica: " + itoa(c.decommissioned))
	r.println("No. of decommissioning Replica: " + itoa(c.decommissioning))
	if r.o.Maintenance {
		r.println("No. of entering maintenance Replica: " + itoa(c.enteringMaintenance))
		r.println("No. of in maintenance Replica: " + itoa(c.inMaintenance))
	}
	r.println("No. of corrupted Replica: " + itoa(c.corrupt))
	for i := len(b.Replicas) - 1; i >= 0; i-- {
		rep := &b.Replicas[i]
		r.print("Block replica on datanode/rack: " + rep.Node.HostName + rep.Node.Rack + " " + r.nodeStatus(rep) + "\n")
	}
}

// nodeStatus is the status word of one replica in -blockId; the last one
// printed decides DFSck's exit code.
func (r *run) nodeStatus(rep *Replica) string {
	n := &rep.Node
	admin := r.adminWord(n)
	switch {
	case rep.Corrupt:
		reason := rep.CorruptReason
		if reason == "" {
			reason = "ANY"
		}
		return CorruptStatus + "\t ReasonCode: " + reason
	case admin != "":
		return "is " + admin
	case n.Stale:
		return "is STALE"
	case rep.Excess:
		return "is EXCESS"
	}
	return HealthyStatus
}

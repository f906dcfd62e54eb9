package fsck

import (
	"strconv"
	"strings"
)

// counts are a block's replicas by state, as the block manager's
// countNodes sorts them.
type counts struct {
	live, decommissioned, decommissioning int
	enteringMaintenance, inMaintenance    int
	corrupt, excess, staleContent         int
	readOnly                              int
}

// countReplicas sorts each replica into one state: corrupt first, then
// the node's admin state, then excess, else live.
func countReplicas(b *Block) counts {
	var c counts
	for i := range b.Replicas {
		rep := &b.Replicas[i]
		if rep.ReadOnly {
			c.readOnly++
			continue
		}
		switch {
		case rep.Corrupt:
			c.corrupt++
		case rep.Node.Admin == Decommissioning:
			c.decommissioning++
		case rep.Node.Admin == Decommissioned:
			c.decommissioned++
		case rep.Node.Admin == InMaintenance || (rep.Node.Admin == EnteringMaintenance && rep.Node.Dead):
			c.inMaintenance++
		case rep.Node.Admin == EnteringMaintenance:
			c.enteringMaintenance++
		case rep.Excess:
			c.excess++
		default:
			c.live++
		}
		if rep.StaleContent {
			c.staleContent++
		}
	}
	return c
}

// allCorrupt is LocatedBlock.isCorrupt for a replicated block: every
// stored replica is corrupt.
func allCorrupt(b *Block, c counts) bool {
	return c.corrupt != 0 && c.corrupt == len(b.Replicas)
}

// located reports whether rep is among the locations a reader is given:
// the good replicas (all of them when all are corrupt), without the nodes
// in maintenance that cannot be read.
func located(rep *Replica, allCorrupt bool) bool {
	if rep.Corrupt && !allCorrupt {
		return false
	}
	return !(rep.Node.Admin == InMaintenance || (rep.Node.Admin == EnteringMaintenance && rep.Node.Dead))
}

// locationRacks counts the racks of the locations a reader is given.
func locationRacks(b *Block, corrupt bool) int {
	racks := map[string]bool{}
	for i := range b.Replicas {
		if rep := &b.Replicas[i]; located(rep, corrupt) {
			racks[rep.Node.Rack] = true
		}
	}
	return len(racks)
}

// placement is the default placement policy's check: with more than one
// rack ever, a block needs min(2, target) racks, or all there are.
func (r *run) placement(b *Block, corrupt bool, target int) (ok bool, why string) {
	if !r.cl.EverMultiRack {
		return true, ""
	}
	required := min(2, target)
	current := locationRacks(b, corrupt)
	total := r.cl.NonEmptyRacks
	if required <= current || current >= total {
		return true, ""
	}
	return false, "Block should be additionally replicated on " + strconv.Itoa(required-current) +
		" more rack(s). Total number of racks in the cluster: " + strconv.Itoa(total)
}

// blocksSummary checks each block of a file, prints the problems, the
// file's status and, with -blocks, the block report.
func (r *run) blocksSummary(path string, in Inode, fb *FileBlocks) {
	res := &r.repl
	pool := r.cl.BlockPoolID
	var report strings.Builder
	var missing, corrupt, under, misplaced int
	var missingSize, corruptSize int64
	var misplacedIDs []int64 // with -replicate, rescanned once the file is done
	defer func() {
		if len(misplacedIDs) == 0 {
			return
		}
		n, err := r.src.(Rescanner).Rescan(misplacedIDs)
		if err != nil {
			r.internalError = true
		}
		res.queued += int64(n)
	}()
	number := 0
	for i := range fb.Blocks {
		b := &fb.Blocks[i]
		if fb.UCLast != nil && fb.UCLast.ID == b.ID {
			continue // the block being written is reported apart
		}
		c := countReplicas(b)
		res.decommissioned += int64(c.decommissioned)
		res.decommissioning += int64(c.decommissioning)
		res.enteringMaintenance += int64(c.enteringMaintenance)
		res.inMaintenance += int64(c.inMaintenance)
		total := c.live + c.decommissioned + c.decommissioning + c.enteringMaintenance + c.inMaintenance
		res.totalReplicas += int64(total)
		isMissing := total == 0
		target := in.Replication
		res.expectedReplicas += int64(target)
		if total < r.cl.MinReplication {
			res.underMinReplicated++
		}
		if c.live > target {
			res.excessiveReplicas += int64(c.live - target)
			res.overReplicated++
		}
		name := blockName(pool, b)
		isCorrupt := allCorrupt(b, c)
		if isCorrupt {
			res.corruptBlocks++
			res.corruptSize += b.Len
			corrupt++
			corruptSize += b.Len
			r.print("\n" + path + ": CORRUPT blockpool " + pool + " block blk_" + strconv.FormatInt(b.ID, 10) + "\n")
		}
		if total >= r.cl.MinReplication {
			res.minReplicated++
		}
		if total < target && !isMissing {
			res.missingReplicas += int64(target - total)
			res.underReplicated++
			under++
			if !r.o.Files {
				r.print("\n" + path + ": ")
			}
			r.println(r.underReplicated(name, target, c))
		}
		if ok, why := r.placement(b, isCorrupt, target); !ok {
			res.misReplicated++
			misplaced++
			if r.o.Replicate {
				misplacedIDs = append(misplacedIDs, b.ID)
			}
			if !r.o.Files {
				if under == 0 {
					r.println("")
				}
				r.print(path + ": ")
			}
			r.println(" Replica placement policy is violated for " + name + ". " + why)
		}
		if r.storage != nil {
			r.storage.add(b, in.StoragePolicy)
		}
		report.WriteString(strconv.Itoa(number) + ". " + name + " len=" + strconv.FormatInt(b.Len, 10))
		if isMissing && !isCorrupt {
			report.WriteString(" MISSING!")
			res.missing++
			res.missingSize += b.Len
			missing++
			missingSize += b.Len
		} else {
			report.WriteString(" Live_repl=" + strconv.Itoa(c.live))
			if info := r.replicaInfo(b, true); info != "" {
				report.WriteString(" " + info)
			}
		}
		report.WriteByte('\n')
		number++
	}
	if b := fb.UCLast; b != nil {
		report.WriteString("\nUnder Construction Block:\n" + strconv.Itoa(number) + ". " + blockName(pool, b) +
			" len=" + strconv.FormatInt(b.Len, 10) + " Expected_repl=" + strconv.Itoa(len(b.Replicas)))
		if info := r.replicaInfo(b, false); info != "" {
			report.WriteString(" " + info)
		}
	}
	if missing > 0 || corrupt > 0 {
		if !r.o.Files {
			if missing > 0 {
				r.print("\n" + path + ": MISSING " + strconv.Itoa(missing) + " blocks of total size " + strconv.FormatInt(missingSize, 10) + " B.")
			}
			if corrupt > 0 {
				r.print("\n" + path + ": CORRUPT " + strconv.Itoa(corrupt) + " blocks of total size " + strconv.FormatInt(corruptSize, 10) + " B.")
			}
		}
		res.corruptFiles++
		if r.o.Delete && !fb.UnderConstruction { // NamenodeFsck ignores open files
			if err := r.src.(Deleter).Delete(r.req.User, path); err != nil {
				r.internalError = true
			}
		}
	}
	if !r.o.Files {
		return
	}
	switch {
	case missing > 0 || corrupt > 0:
		if missing > 0 {
			r.print(" MISSING " + strconv.Itoa(missing) + " blocks of total size " + strconv.FormatInt(missingSize, 10) + " B\n")
		}
		if corrupt > 0 {
			r.print(" CORRUPT " + strconv.Itoa(corrupt) + " blocks of total size " + strconv.FormatInt(corruptSize, 10) + " B\n")
		}
	case under == 0 && misplaced == 0:
		r.print(" OK\n")
	}
	if r.o.Blocks {
		r.print(report.String() + "\n")
	}
}

func (r *run) underReplicated(name string, target int, c counts) string {
	s := " Under replicated " + name + ". Target Replicas is " + strconv.Itoa(target) + " but found " +
		strconv.Itoa(c.live) + " live replica(s), " + strconv.Itoa(c.decommissioned) + " decommissioned replica(s), " +
		strconv.Itoa(c.decommissioning) + " decommissioning replica(s)"
	if r.o.Maintenance {
		return s + strconv.Itoa(c.enteringMaintenance) + ", entering maintenance replica(s) and " +
			strconv.Itoa(c.inMaintenance) + " in maintenance replica(s)."
	}
	return s + "."
}

// replicaInfo is the bracketed replica list of a block line ("" unless
// -locations, -racks, -replicaDetails or -upgradedomains). complete is
// false for the block under construction, whose replicas are the expected
// locations.
func (r *run) replicaInfo(b *Block, complete bool) string {
	if !r.o.showReplicas() {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(" [")
	for i := range b.Replicas {
		rep := &b.Replicas[i]
		if i > 0 {
			sb.WriteString(", ")
		}
		if r.o.Racks {
			sb.WriteString(rep.Node.Rack + "/" + rep.Node.xferAddr())
		} else {
			sb.WriteString("DatanodeInfoWithStorage[" + rep.Node.xferAddr() + "," + rep.StorageID + "," + rep.StorageType + "]")
		}
		if r.o.UpgradeDomains {
			ud := rep.Node.UpgradeDomain
			if ud == "" {
				ud = "undefined"
			}
			sb.WriteString("(ud=" + ud + ")")
		}
		if r.o.ReplicaDetails {
			sb.WriteString("(" + r.replicaState(rep) + ")")
		}
	}
	sb.WriteByte(']')
	return sb.String()
}

// adminWord names the admin state of n that fsck prints, or is "" (the
// maintenance states only with -maintenance).
func (r *run) adminWord(n *DataNode) string {
	switch {
	case n.Admin == Decommissioned:
		return "DECOMMISSIONED"
	case n.Admin == Decommissioning:
		return "DECOMMISSIONING"
	case r.o.Maintenance && n.Admin == EnteringMaintenance:
		return "ENTERING MAINTENANCE"
	case r.o.Maintenance && n.Admin == InMaintenance:
		return "IN MAINTENANCE"
	}
	return ""
}

// replicaState is the -replicaDetails word of one replica.
func (r *run) replicaState(rep *Replica) string {
	n := &rep.Node
	if w := r.adminWord(n); w != "" {
		return w
	}
	switch {
	case rep.Corrupt:
		return "CORRUPT"
	case rep.Excess:
		return "EXCESS"
	case n.Stale:
		return "STALE_NODE"
	case rep.StaleContent:
		return "STALE_BLOCK_CONTENT"
	}
	return "LIVE"
}

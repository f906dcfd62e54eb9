package fsck

import (
	"strconv"
	"strings"
)

// result are the counters of one kind of file (replicated or erasure
// coded) over the walk.
type result struct {
	missing, missingSize                    int64
	corruptFiles, corruptBlocks             int64
	corruptSize, excessiveReplicas          int64
	missingReplicas                         int64
	decommissioned, decommissioning         int64
	enteringMaintenance, inMaintenance      int64
	underMinReplicated, overReplicated      int64
	underReplicated, misReplicated          int64
	minReplicated, totalBlocks              int64
	expectedReplicas, openFileBlocks        int64
	totalFiles, openFiles                   int64
	totalSize, openFilesSize, totalReplicas int64
	queued                                  int64
}

// healthy: no missing and no corrupt blocks.
func (r *result) healthy() bool { return r.missing == 0 && r.corruptBlocks == 0 }

// replicationFactor is the average number of replicas per block, as a
// Java float.
func (r *result) replicationFactor() float32 {
	if r.totalBlocks == 0 {
		return 0
	}
	return float32(r.totalReplicas) / float32(r.totalBlocks)
}

// labels are the words that differ between the replicated and the
// erasure-coded summaries.
type labels struct {
	blocks, avg, openBlocks                    string
	underMin                                   string
	showMinReplication                         bool
	missingBlocks, corruptBlocks               string
	minimal, over, under, misplaced            string
	showDefaultReplication                     bool
	average, missing, corrupt, missingReplicas string
	decommissioned, decommissioning            string
}

var replicatedLabels = labels{
	blocks: "Total blocks (validated):\t", avg: "avg. block size ",
	openBlocks: "Total open file blocks (not validated): ",
	underMin:   "UNDER MIN REPL'D BLOCKS:\t", showMinReplication: true,
	missingBlocks: "MISSING BLOCKS:\t", corruptBlocks: "CORRUPT BLOCKS: \t",
	minimal: "Minimally replicated blocks:\t", over: "Over-replicated blocks:\t",
	under: "Under-replicated blocks:\t", misplaced: "Mis-replicated blocks:\t\t",
	showDefaultReplication: true,
	average:                "Average block replication:\t", missing: "Missing blocks:\t\t",
	corrupt: "Corrupt blocks:\t\t", missingReplicas: "Missing replicas:\t\t",
	decommissioned: "DecommissionedReplicas:\t", decommissioning: "DecommissioningReplicas:\t",
}

var erasureCodedLabels = labels{
	blocks: "Total block groups (validated):\t", avg: "avg. block group size ",
	openBlocks:    "Total open file block groups (not validated): ",
	underMin:      "UNRECOVERABLE BLOCK GROUPS:\t",
	missingBlocks: "MISSING BLOCK GROUPS:\t", corruptBlocks: "CORRUPT BLOCK GROUPS: \t",
	minimal: "Minimally erasure-coded block groups:\t", over: "Over-erasure-coded block groups:\t",
	under: "Under-erasure-coded block groups:\t", misplaced: "Unsatisfactory placement block groups:\t",
	average: "Average block group size:\t", missing: "Missing block groups:\t\t",
	corrupt: "Corrupt block groups:\t\t", missingReplicas: "Missing internal blocks:\t",
	decommissioned: "Decommissioned internal blocks:\t", decommissioning: "Decommissioning internal blocks:\t",
}

// format renders the summary section (without a final newline), as
// NamenodeFsck's result classes print themselves.
func (r *result) format(l labels, defaultReplication, minReplication int) string {
	var b strings.Builder
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	pct := func(v int64) {
		if r.totalBlocks > 0 {
			b.WriteString(" (" + percent(v, r.totalBlocks) + " %)")
		}
	}
	b.WriteString(" Total size:\t" + n(r.totalSize) + " B")
	if r.openFilesSize != 0 {
		b.WriteString(" (Total open files size: " + n(r.openFilesSize) + " B)")
	}
	b.WriteString("\n Total files:\t" + n(r.totalFiles))
	if r.openFiles != 0 {
		b.WriteString(" (Files currently being written: " + n(r.openFiles) + ")")
	}
	b.WriteString("\n " + l.blocks + n(r.totalBlocks))
	if r.totalBlocks > 0 {
		b.WriteString(" (" + l.avg + n(r.totalSize/r.totalBlocks) + " B)")
	}
	if r.openFileBlocks != 0 {
		b.WriteString(" (" + l.openBlocks + n(r.openFileBlocks) + ")")
	}
	if r.corruptFiles > 0 || r.underMinReplicated > 0 {
		b.WriteString("\n  ********************************")
		if r.underMinReplicated > 0 {
			b.WriteString("\n  " + l.underMin + n(r.underMinReplicated))
			pct(r.underMinReplicated)
			if l.showMinReplication {
				b.WriteString("\n  MINIMAL BLOCK REPLICATION:\t" + strconv.Itoa(minReplication))
			}
		}
		if r.corruptFiles > 0 {
			b.WriteString("\n  CORRUPT FILES:\t" + n(r.corruptFiles))
			if r.missingSize > 0 {
				b.WriteString("\n  " + l.missingBlocks + n(r.missing) + "\n  MISSING SIZE:\t\t" + n(r.missingSize) + " B")
			}
			if r.corruptBlocks > 0 {
				b.WriteString("\n  " + l.corruptBlocks + n(r.corruptBlocks) + "\n  CORRUPT SIZE:\t\t" + n(r.corruptSize) + " B")
			}
		}
		b.WriteString("\n  ********************************")
	}
	b.WriteString("\n " + l.minimal + n(r.minReplicated))
	pct(r.minReplicated)
	b.WriteString("\n " + l.over + n(r.overReplicated))
	pct(r.overReplicated)
	b.WriteString("\n " + l.under + n(r.underReplicated))
	pct(r.underReplicated)
	b.WriteString("\n " + l.misplaced + n(r.misReplicated))
	pct(r.misReplicated)
	if l.showDefaultReplication {
		b.WriteString("\n Default replication factor:\t" + strconv.Itoa(int(int16(defaultReplication))))
	}
	b.WriteString("\n " + l.average + javaFloat(r.replicationFactor()))
	b.WriteString("\n " + l.missing + n(r.missing))
	b.WriteString("\n " + l.corrupt + n(r.corruptBlocks))
	b.WriteString("\n " + l.missingReplicas + n(r.missingReplicas))
	if r.totalReplicas > 0 {
		b.WriteString(" (" + javaFloat(float32(r.missingReplicas*100)/float32(r.expectedReplicas)) + " %)")
	}
	if r.decommissioned > 0 {
		b.WriteString("\n " + l.decommissioned + n(r.decommissioned))
	}
	if r.decommissioning > 0 {
		b.WriteString("\n " + l.decommissioning + n(r.decommissioning))
	}
	if r.enteringMaintenance > 0 {
		b.WriteString("\n EnteringMaintenanceReplicas:\t" + n(r.enteringMaintenance))
	}
	if r.inMaintenance > 0 {
		b.WriteString("\n InMaintenanceReplicas:\t" + n(r.inMaintenance))
	}
	b.WriteString("\n Blocks queued for replication:\t" + n(r.queued))
	return b.String()
}

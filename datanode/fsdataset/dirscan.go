package fsdataset

import (
	"path/filepath"
	"sort"
)

// DiffKind is what the directory scanner found wrong with a block.
type DiffKind uint8

// The differences.
const (
	// MissingOnDisk: the map has a finalized replica whose data file is
	// gone.
	MissingOnDisk DiffKind = iota + 1
	// MissingInMemory: a data file (or a lone .meta) the map does not
	// know.
	MissingInMemory
	// MissingMeta: the data file has no .meta.
	MissingMeta
	// GenStampMismatch: the .meta names another generation stamp.
	GenStampMismatch
	// LengthMismatch: the data file's length is not the replica's.
	LengthMismatch
	// VolumeMismatch: the files are on another volume than the map says.
	VolumeMismatch
)

var diffNames = [...]string{"?", "missing on disk", "missing in memory", "missing meta file",
	"generation stamp mismatch", "length mismatch", "volume mismatch"}

func (k DiffKind) String() string {
	if int(k) < len(diffNames) {
		return diffNames[k]
	}
	return diffNames[0]
}

// ScanDiff is one difference between the replica map and the disk.
type ScanDiff struct {
	Kind   DiffKind
	ID     int64
	Memory Replica     // zero for MissingInMemory
	Disk   DiskReplica // zero for MissingOnDisk
}

// DiffReplicas compares the finalized replicas of the map with a scan of
// the finalized folders (DirectoryScanner.scan). As Hadoop's checkAndUpdate
// does, replicas the map holds in another state than FINALIZED are never
// reported: their files are not in finalized/. The result is sorted by id.
func DiffReplicas(mem []Replica, disk []DiskReplica) []ScanDiff {
	inMem := make(map[int64]Replica, len(mem))
	for _, r := range mem {
		inMem[r.ID] = r
	}
	seen := make(map[int64]bool, len(disk))
	var out []ScanDiff
	for _, d := range disk {
		seen[d.ID] = true
		m, ok := inMem[d.ID]
		switch {
		case !ok:
			out = append(out, ScanDiff{Kind: MissingInMemory, ID: d.ID, Disk: d})
		case m.State != Finalized:
		case d.Data == "":
			out = append(out, ScanDiff{Kind: MissingOnDisk, ID: d.ID, Memory: m, Disk: d})
		case d.Meta == "":
			out = append(out, ScanDiff{Kind: MissingMeta, ID: d.ID, Memory: m, Disk: d})
		case d.Volume != m.Volume:
			out = append(out, ScanDiff{Kind: VolumeMismatch, ID: d.ID, Memory: m, Disk: d})
		case d.GenStamp != m.GenStamp:
			out = append(out, ScanDiff{Kind: GenStampMismatch, ID: d.ID, Memory: m, Disk: d})
		case d.NumBytes != m.NumBytes:
			out = append(out, ScanDiff{Kind: LengthMismatch, ID: d.ID, Memory: m, Disk: d})
		}
	}
	for _, m := range mem {
		if m.State == Finalized && !seen[m.ID] {
			out = append(out, ScanDiff{Kind: MissingOnDisk, ID: m.ID, Memory: m})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ScanFinalized lists the replicas under one volume's finalized/ for bpid
// without changing anything (the directory scanner's disk side).
func (ds *Dataset) ScanFinalized(v *Volume, bpid string) ([]DiskReplica, error) {
	found, _, err := scanTree(ds.fsys, filepath.Join(v.bpCurrent(bpid), DirFinalized), true, func(string, ...any) {})
	for i := range found {
		found[i].Volume = v.idx
	}
	return found, err
}

// DirectoryScan compares the map with every healthy volume's finalized
// folders. Replicas finalized or deleted while it runs may show up as
// differences; the caller re-checks each under the current map before
// acting (Hadoop's checkAndUpdate).
func (ds *Dataset) DirectoryScan(bpid string) ([]ScanDiff, error) {
	var disk []DiskReplica
	for _, v := range ds.healthy() {
		found, err := ds.ScanFinalized(v, bpid)
		if err != nil {
			ds.ioError(v, err)
			continue
		}
		disk = append(disk, found...)
	}
	var mem []Replica
	for _, r := range ds.Replicas(bpid) {
		if !ds.vols[r.Volume].failed.Load() {
			mem = append(mem, r)
		}
	}
	return DiffReplicas(mem, disk), nil
}

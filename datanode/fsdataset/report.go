package fsdataset

// ReportedReplica is one entry of a block report.
type ReportedReplica struct {
	ID       int64
	GenStamp int64
	NumBytes int64
	State    ReplicaState
}

// StorageBlockReport is the block report of one volume: finalized
// replicas and replicas under construction (RBW, RWR, and RUR reported in
// their original state), as FsDatasetImpl.getBlockReports builds them.
// TEMPORARY replicas are not reported.
type StorageBlockReport struct {
	StorageID         string
	Type              StorageType
	Finalized         []ReportedReplica
	UnderConstruction []ReportedReplica
}

// BlockReports builds the block report of bpid, one entry per healthy
// volume in volume order.
func (ds *Dataset) BlockReports(bpid string) []StorageBlockReport {
	vols := ds.healthy()
	out := make([]StorageBlockReport, len(ds.vols))
	for _, v := range vols {
		out[v.idx] = StorageBlockReport{StorageID: v.StorageID(), Type: v.Type}
	}
	ds.mu.Lock()
	for _, r := range ds.mu.pools[bpid] {
		rep := &out[r.Volume]
		e := ReportedReplica{ID: r.ID, GenStamp: r.GenStamp, NumBytes: r.NumBytes, State: r.State}
		switch r.State {
		case Finalized:
			rep.Finalized = append(rep.Finalized, e)
		case RBW, RWR:
			rep.UnderConstruction = append(rep.UnderConstruction, e)
		case RUR:
			e.State = r.Orig
			if r.Orig == Finalized {
				rep.Finalized = append(rep.Finalized, e)
			} else {
				rep.UnderConstruction = append(rep.UnderConstruction, e)
			}
		}
	}
	ds.mu.Unlock()
	res := make([]StorageBlockReport, 0, len(vols))
	for _, v := range vols {
		res = append(res, out[v.idx])
	}
	return res
}

// StorageReport is one volume's line of a heartbeat.
type StorageReport struct {
	StorageID     string
	Type          StorageType
	Root          string
	Failed        bool
	Capacity      int64 // file system size minus the reserve
	DfsUsed       int64
	Remaining     int64
	NonDfsUsed    int64
	BlockPoolUsed int64
}

// StorageReports describes every volume for bpid (failed ones with
// Failed set and no sizes), as FsVolumeImpl computes them.
func (ds *Dataset) StorageReports(bpid string) []StorageReport {
	var out []StorageReport
	for _, v := range ds.vols {
		sr := StorageReport{StorageID: v.StorageID(), Type: v.Type, Root: v.Root, Failed: v.failed.Load()}
		if !sr.Failed {
			u, err := ds.fsys.Usage(v.Root)
			if err != nil {
				ds.ioError(v, err)
				sr.Failed = true
			} else {
				sr.DfsUsed = v.DfsUsed()
				sr.BlockPoolUsed = v.BlockPoolUsed(bpid)
				sr.Capacity = max(u.Capacity-v.Reserved, 0)
				sr.Remaining = available(u, v.Reserved, sr.DfsUsed, v.reservedForReplicas.Load())
				sr.NonDfsUsed = max(u.Used-sr.DfsUsed-v.Reserved, 0)
			}
		}
		out = append(out, sr)
	}
	return out
}

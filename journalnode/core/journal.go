package core

import (
	"cmp"
	"maps"
	"slices"
)

// Journal is one journal's rules and in-memory state.
type Journal struct {
	id  string // journal id, in messages
	dir string // the journal directory's path, in messages
	s   State

	ipcSerial      int64 // highest IPC serial of the current epoch; -1 after a new promise
	cur            int64 // start txid of the open segment, InvalidTxID when none
	curLV          int32
	nextTxID       int64
	highestWritten int64
}

// Load builds a Journal from what the directory dir holds. Like Hadoop's
// constructor it scans for the latest segment, moving empty in-progress
// files aside: run the returned Actions.
func Load(id, dir string, s State) (*Journal, []Action) {
	s.Segments = slices.Clone(s.Segments)
	sortSegments(s.Segments)
	s.Paxos = maps.Clone(s.Paxos)
	if s.Paxos == nil {
		s.Paxos = map[int64]Paxos{}
	}
	j := &Journal{id: id, dir: dir, s: s, ipcSerial: -1, cur: InvalidTxID, nextTxID: InvalidTxID}
	var acts []Action
	if s.Formatted {
		if latest, ok := j.latest(&acts); ok {
			j.highestWritten = latest.End
		}
	}
	return j, acts
}

func sortSegments(segs []Segment) {
	slices.SortFunc(segs, func(a, b Segment) int {
		if a.Start != b.Start {
			return cmp.Compare(a.Start, b.Start)
		}
		return cmp.Compare(a.End, b.End)
	})
}

// latest is scanStorageForLatestEdits: the segment with the highest start
// that holds a transaction; empty in-progress files met on the way are
// moved aside.
func (j *Journal) latest(acts *[]Action) (Segment, bool) {
	for len(j.s.Segments) > 0 {
		i := len(j.s.Segments) - 1
		seg := j.s.Segments[i]
		if seg.End != InvalidTxID {
			return seg, true
		}
		*acts = append(*acts, Action{Op: MoveAside, Start: seg.Start, Suffix: ".empty"})
		j.s.Segments = slices.Delete(j.s.Segments, i, i+1)
	}
	return Segment{}, false
}

// segment returns the index of the edits file starting at start, or -1.
func (j *Journal) segment(start int64) int {
	for i, s := range j.s.Segments {
		if s.Start == start {
			return i
		}
	}
	return -1
}

// Formatted reports whether the journal has a VERSION.
func (j *Journal) Formatted() bool { return j.s.Formatted }

// Storage is the formatted namespace identity.
func (j *Journal) Storage() StorageInfo { return j.s.Storage }

// HighestWritten is the highest txid written (and synced) here.
func (j *Journal) HighestWritten() int64 { return j.highestWritten }

// Committed is the committed txid the writers reported, InvalidTxID when none.
func (j *Journal) Committed() int64 { return j.s.Committed }

// Segments lists the edits files, sorted by start txid.
func (j *Journal) Segments() []Segment { return slices.Clone(j.s.Segments) }

// Open is the start txid of the segment being written, InvalidTxID when none.
func (j *Journal) Open() int64 { return j.cur }

func (j *Journal) suffix() string { return " ; journal id: " + j.id }

func (j *Journal) checkFormatted() error {
	if !j.s.Formatted {
		return errf(KindNotFormatted, "Journal Storage Directory root= %s; location= null not formatted%s", j.dir, j.suffix())
	}
	return nil
}

// LastPromised is getJournalState's epoch.
func (j *Journal) LastPromised() (int64, error) {
	if err := j.checkFormatted(); err != nil {
		return 0, err
	}
	return j.s.LastPromised, nil
}

// LastWriter is the epoch of the last writer that started a segment.
func (j *Journal) LastWriter() (int64, error) {
	if err := j.checkFormatted(); err != nil {
		return 0, err
	}
	return j.s.LastWriter, nil
}

// Format formats the journal with the writer's namespace (JNStorage.format).
func (j *Journal) Format(ns StorageInfo, force bool) ([]Action, error) {
	if ns.NamespaceID == 0 {
		return nil, errf(KindIllegalState, "can't format with uninitialized namespace info: %s", ns.ColonString())
	}
	if !force && j.s.CurrentNonEmpty {
		return nil, errf(KindInconsistentFSState, "Directory %s is in an inconsistent state: "+
			"Can't format the storage directory because the current directory is not empty.", j.dir)
	}
	var acts []Action
	if j.cur != InvalidTxID {
		acts = append(acts, Action{Op: AbortSegment, Start: j.cur})
	}
	acts = append(acts, Action{Op: FormatDir, Storage: ns})
	*j = Journal{id: j.id, dir: j.dir, ipcSerial: -1, cur: InvalidTxID, nextTxID: InvalidTxID,
		s: State{Formatted: true, CurrentNonEmpty: true, Storage: ns, Committed: InvalidTxID, Paxos: map[int64]Paxos{}}}
	return acts, nil
}

// checkNamespace is JNStorage.checkConsistentNamespace.
func (j *Journal) checkNamespace(ns StorageInfo) error {
	if ns.NamespaceID != j.s.Storage.NamespaceID {
		return errf(KindIO, "Incompatible namespaceID for journal Storage Directory root= %s; location= null: NameNode has nsId %d but storage has nsId %d",
			j.dir, ns.NamespaceID, j.s.Storage.NamespaceID)
	}
	if ns.ClusterID != j.s.Storage.ClusterID {
		return errf(KindIO, "Incompatible clusterID for journal Storage Directory root= %s; location= null: NameNode has clusterId '%s' but storage has clusterId '%s'",
			j.dir, ns.ClusterID, j.s.Storage.ClusterID)
	}
	return nil
}

// NewEpoch promises to ignore every writer older than epoch and returns
// the start of the latest segment (ok false when there is none).
func (j *Journal) NewEpoch(ns StorageInfo, epoch int64) (lastSegment int64, ok bool, acts []Action, err error) {
	if err := j.checkFormatted(); err != nil {
		return 0, false, nil, err
	}
	if err := j.checkNamespace(ns); err != nil {
		return 0, false, nil, err
	}
	if epoch <= j.s.LastPromised {
		return 0, false, nil, errf(KindIO, "Proposed epoch %d <= last promise %d%s", epoch, j.s.LastPromised, j.suffix())
	}
	acts = j.promise(epoch)
	acts = j.abort(acts)
	latest, ok := j.latest(&acts)
	return latest.Start, ok, acts, nil
}

func (j *Journal) promise(epoch int64) []Action {
	j.s.LastPromised = epoch
	j.ipcSerial = -1
	return []Action{{Op: PersistPromised, Value: epoch}}
}

// abort closes the open segment, leaving its file in progress.
func (j *Journal) abort(acts []Action) []Action {
	if j.cur == InvalidTxID {
		return acts
	}
	acts = append(acts, Action{Op: AbortSegment, Start: j.cur})
	j.cur, j.curLV = InvalidTxID, 0
	return acts
}

// checkRequest fences stale writers, orders IPCs and records the
// committed txid. Its actions stand even when it fails.
func (j *Journal) checkRequest(ri RequestInfo) ([]Action, error) {
	var acts []Action
	if ri.Epoch < j.s.LastPromised {
		return nil, errf(KindIO, "IPC's epoch %d is less than the last promised epoch %d%s", ri.Epoch, j.s.LastPromised, j.suffix())
	} else if ri.Epoch > j.s.LastPromised {
		acts = j.promise(ri.Epoch)
	}
	if ri.IPCSerial <= j.ipcSerial {
		return acts, errf(KindOutOfSync, "IPC serial %d from client %s was not higher than prior highest IPC serial %d ; journal id: %s",
			ri.IPCSerial, ri.Client, j.ipcSerial, j.id)
	}
	j.ipcSerial = ri.IPCSerial
	if ri.HasCommitted {
		if ri.CommittedTxID < j.s.Committed {
			return acts, errf(KindIllegalArgument, "Client trying to move committed txid backward from %d to %d%s",
				j.s.Committed, ri.CommittedTxID, j.suffix())
		}
		if ri.CommittedTxID != j.s.Committed {
			j.s.Committed = ri.CommittedTxID
			acts = append(acts, Action{Op: PersistCommitted, Value: ri.CommittedTxID})
		}
	}
	return acts, nil
}

func (j *Journal) checkWriteRequest(ri RequestInfo) ([]Action, error) {
	acts, err := j.checkFormattedRequest(ri)
	if err != nil {
		return acts, err
	}
	if ri.Epoch != j.s.LastWriter {
		return acts, errf(KindIO, "IPC's epoch %d is not the current writer epoch  %d%s", ri.Epoch, j.s.LastWriter, j.suffix())
	}
	return acts, nil
}

// checkFormattedRequest is checkFormatted then checkRequest: how every
// call but heartbeat starts.
func (j *Journal) checkFormattedRequest(ri RequestInfo) ([]Action, error) {
	if err := j.checkFormatted(); err != nil {
		return nil, err
	}
	return j.checkRequest(ri)
}

// Heartbeat only checks the request.
func (j *Journal) Heartbeat(ri RequestInfo) ([]Action, error) { return j.checkRequest(ri) }

// Journal appends numTxns transactions starting at first to the open
// segment segmentStart.
func (j *Journal) Journal(ri RequestInfo, segmentStart, first int64, numTxns int, records []byte) ([]Action, error) {
	acts, err := j.checkWriteRequest(ri)
	if err != nil || numTxns == 0 {
		return acts, err
	}
	if j.cur == InvalidTxID {
		return acts, errf(KindOutOfSync, "Can't write, no segment open%s", j.suffix())
	}
	if j.cur != segmentStart {
		err := errf(KindOutOfSync, "Writer out of sync: it thinks it is writing segment %d but current segment is %d%s",
			segmentStart, j.cur, j.suffix())
		return j.abort(acts), err
	}
	if j.nextTxID != first {
		return acts, errf(KindOutOfSync, "Can't write txid %d expecting nextTxId=%d%s", first, j.nextTxID, j.suffix())
	}
	last := first + int64(numTxns) - 1
	// Hadoop skips the fsync of a catch-up batch (one the quorum already
	// committed); hdfsd syncs every batch before answering, so that the
	// cache and every acknowledgement only cover durable edits.
	acts = append(acts, Action{Op: WriteRecords, Start: j.cur, Data: records, Sync: true},
		Action{Op: CacheEdits, Start: first, End: last, Data: records, LayoutVersion: j.curLV})
	if i := j.segment(j.cur); i >= 0 {
		j.s.Segments[i].End = last
	}
	j.highestWritten = last
	j.nextTxID = last + 1
	return acts, nil
}

// StartLogSegment opens a new segment at txid.
func (j *Journal) StartLogSegment(ri RequestInfo, txid int64, lv int32) ([]Action, error) {
	acts, err := j.checkFormattedRequest(ri)
	if err != nil {
		return acts, err
	}
	acts = j.abort(acts)
	if i := j.segment(txid); i >= 0 {
		ex := j.s.Segments[i]
		if !ex.InProgress {
			return acts, errf(KindIllegalState, "Already have a finalized segment %s beginning at %d%s", j.describe(ex), txid, j.suffix())
		}
		if ex.End != ex.Start {
			return acts, errf(KindIllegalState, "The log file %s seems to contain valid transactions%s", j.describe(ex), j.suffix())
		}
		j.s.Segments = slices.Delete(j.s.Segments, i, i+1)
	}
	if j.s.LastWriter != ri.Epoch {
		j.s.LastWriter = ri.Epoch
		acts = append(acts, Action{Op: PersistWriter, Value: ri.Epoch})
	}
	acts = append(acts, j.purgePaxos(txid)...)
	acts = append(acts, Action{Op: CreateSegment, Start: txid, LayoutVersion: lv})
	j.s.Segments = append(j.s.Segments, Segment{Start: txid, End: InvalidTxID, InProgress: true})
	sortSegments(j.s.Segments)
	j.cur, j.curLV, j.nextTxID = txid, lv, txid
	return acts, nil
}

// describe names a segment as Hadoop's EditLogFile.toString does.
func (j *Journal) describe(s Segment) string {
	name := editsName(s)
	return "EditLogFile(file=" + j.dir + "/current/" + name + ",first=" + pad19(s.Start) + ",last=" + pad19(s.End) +
		",inProgress=" + boolString(s.InProgress) + ",hasCorruptHeader=false)"
}

func (j *Journal) purgePaxos(start int64) []Action {
	if _, ok := j.s.Paxos[start]; !ok {
		return nil
	}
	delete(j.s.Paxos, start)
	return []Action{{Op: DeletePaxos, Start: start}}
}

// FinalizeLogSegment finalizes the segment start..end.
func (j *Journal) FinalizeLogSegment(ri RequestInfo, start, end int64) ([]Action, error) {
	acts, err := j.checkFormattedRequest(ri)
	if err != nil {
		return acts, err
	}
	validate := true
	closed := false
	if start == j.cur {
		j.cur, j.curLV = InvalidTxID, 0
		if j.nextTxID != end+1 {
			return append(acts, Action{Op: AbortSegment, Start: start}),
				errf(KindOutOfSync, "Trying to finalize in-progress log segment %d to end at txid %d but only written up to txid %d ; journal id: %s",
					start, end, j.nextTxID-1, j.id)
		}
		validate, closed = false, true
	}
	i := j.segment(start)
	if i < 0 {
		return acts, errf(KindOutOfSync, "No log file to finalize at transaction ID %d%s", start, j.suffix())
	}
	seg := j.s.Segments[i]
	if seg.InProgress {
		if validate && seg.End != end {
			return acts, errf(KindOutOfSync, "Trying to finalize in-progress log segment %d to end at txid %d but log %s on disk only contains up to txid %d ; journal id: %s",
				start, end, j.dir+"/current/"+editsName(seg), seg.End, j.id)
		}
		if closed {
			acts = append(acts, Action{Op: CloseSegment, Start: start, End: end})
		} else {
			acts = append(acts, Action{Op: FinalizeFile, Start: start, End: end})
		}
		j.s.Segments[i] = Segment{Start: start, End: end}
	} else if end != seg.End {
		return acts, errf(KindIllegalArgument, "Trying to re-finalize already finalized log %s with different endTxId %d%s",
			j.describe(seg), end, j.suffix())
	}
	return append(acts, j.purgePaxos(start)...), nil
}

// PurgeLogs removes the segments and paxos records wholly below min.
func (j *Journal) PurgeLogs(ri RequestInfo, min int64) ([]Action, error) {
	acts, err := j.checkFormattedRequest(ri)
	if err != nil {
		return acts, err
	}
	keep := j.s.Segments[:0]
	for _, s := range j.s.Segments {
		switch {
		case s.Start < min && s.End < min:
			acts = append(acts, Action{Op: RemoveSegment, Segment: s})
		case s.InProgress && s.Start != j.cur && s.Start >= min:
			acts = append(acts, Action{Op: MoveAside, Start: s.Start, Suffix: ".stale"})
		default:
			keep = append(keep, s)
		}
	}
	j.s.Segments = keep
	for _, start := range slices.Sorted(maps.Keys(j.s.Paxos)) {
		if start < min {
			acts = append(acts, j.purgePaxos(start)...)
		}
	}
	return acts, nil
}

// Manifest lists the segments from since on (getEditLogManifest); the
// in-progress one, when asked for, ends at the highest written txid.
func (j *Journal) Manifest(since int64, inProgressOk bool) (Manifest, error) {
	if err := j.checkFormatted(); err != nil {
		return Manifest{}, err
	}
	var logs []Segment
	for _, s := range j.s.Segments {
		if s.InProgress && !inProgressOk {
			continue
		}
		if s.Start >= since || since <= s.End {
			logs = append(logs, s)
		}
	}
	if inProgressOk {
		for i, s := range logs {
			if s.InProgress {
				logs = append(slices.Delete(logs, i, i+1), Segment{Start: s.Start, End: j.highestWritten, InProgress: true})
				break
			}
		}
	}
	return Manifest{Logs: logs, Committed: j.s.Committed}, nil
}

// DiscardSegments moves aside every segment from start on (rolling
// upgrade rollback) and sets the committed txid below it.
func (j *Journal) DiscardSegments(start int64) ([]Action, error) {
	for _, s := range j.s.Segments {
		// An in-progress file is not validated here in Hadoop: its last
		// txid is unknown and never refuses the call.
		if s.Start < start && !s.InProgress && s.End >= start {
			return nil, errf(KindIllegalState, "segment %d-%d crosses the discard point %d", s.Start, s.End, start)
		}
	}
	var acts []Action
	if j.cur >= start {
		acts = j.abort(acts)
	}
	keep := j.s.Segments[:0]
	for _, s := range j.s.Segments {
		if s.Start >= start {
			acts = append(acts, Action{Op: MoveAside, Start: s.Start, End: s.End, Segment: s, Suffix: ".trash"})
			continue
		}
		keep = append(keep, s)
	}
	j.s.Segments = keep
	j.s.Committed = start - 1
	return append(acts, Action{Op: PersistCommitted, Value: start - 1}), nil
}

// SegmentSynced records a finalized segment the syncer copied from a peer;
// it refuses (false) one that ends past the committed txid or overlaps a
// local file.
func (j *Journal) SegmentSynced(s Segment) bool {
	if s.InProgress || s.End > j.s.Committed {
		return false
	}
	for _, have := range j.s.Segments {
		if have.Start <= s.End && s.Start <= max(have.End, have.Start) {
			return false
		}
	}
	j.s.Segments = append(j.s.Segments, s)
	sortSegments(j.s.Segments)
	return true
}

// Missing lists the finalized remote segments the syncer should copy: not
// held here (no local file overlaps them) and ending at or below the
// committed txid (JournalNodeSyncer.getMissingLogSegments and
// Journal.moveTmpSegmentToCurrent).
func (j *Journal) Missing(remote []Segment) []Segment {
	var out []Segment
	for _, r := range remote {
		if r.InProgress || r.End > j.s.Committed || j.s.Committed == InvalidTxID {
			continue
		}
		overlap := false
		for _, have := range j.s.Segments {
			if have.Start <= r.End && r.Start <= max(have.End, have.Start) {
				overlap = true
				break
			}
		}
		if !overlap {
			out = append(out, r)
		}
	}
	return out
}

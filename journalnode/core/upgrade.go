package core

// The upgrade and rollback calls (Journal.doPreUpgrade ... doRollback).
// They move whole directories of the journal's storage, which the caller
// does; the core decides what each call asks for and keeps its view of
// the storage in step. After Upgrade and Rollback the caller reloads the
// journal from the disk (current/ is then another directory).
//
// An upgrade is doPreUpgrade (current -> previous.tmp, a new current/
// with links to the old edits files) then doUpgrade (VERSION with the
// new layout and cTime, the epoch files copied over, previous.tmp ->
// previous). doFinalize drops previous/; doRollback puts it back as
// current/. A crash in between is recovered when the journal is loaded
// (Storage.analyzeStorage and doRecover).

// PreUpgrade closes the open segment and sets current/ aside
// (FileJournalManager.doPreUpgrade).
func (j *Journal) PreUpgrade() []Action {
	return append(j.abort(nil), Action{Op: PreUpgradeDir})
}

// Upgrade writes si's layout version and cTime into the journal's
// storage, keeping its namespace and cluster IDs (Journal.doUpgrade).
func (j *Journal) Upgrade(si StorageInfo) []Action {
	s := j.s.Storage
	s.LayoutVersion, s.CTime = si.LayoutVersion, si.CTime
	j.s.Storage = s
	return []Action{{Op: UpgradeDir, Storage: s}}
}

// Finalize drops previous/ (NNUpgradeUtil.doFinalize).
func (j *Journal) Finalize() []Action {
	return []Action{{Op: FinalizeDir}}
}

// Rollback closes the open segment and puts previous/ back as current/
// (NNUpgradeUtil.doRollBack).
func (j *Journal) Rollback() []Action {
	return append(j.abort(nil), Action{Op: RollbackDir})
}

// CanRollBack is NNUpgradeUtil.canRollBack given what previous/VERSION
// holds (prev nil: there is no previous/): false without one, an error
// when it holds another layout than targetLV.
func CanRollBack(prev *StorageInfo, targetLV int32) (bool, error) {
	if prev == nil {
		return false, nil
	}
	if prev.LayoutVersion != targetLV {
		return false, errf(KindIO, "Cannot rollback to storage version %d using this version of the NameNode, "+
			"which uses storage version %d. Please use the previous version of HDFS to perform the rollback.",
			prev.LayoutVersion, targetLV)
	}
	return true, nil
}

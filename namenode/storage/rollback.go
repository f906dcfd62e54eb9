package storage

import (
	"fmt"
	"path/filepath"
)

// Rollback is `namenode -rollback` over the directories (FSImage.doRollback,
// NNUpgradeUtil.canRollBack and doRollBack): every directory holding
// previous/ gets it back as current/ (current -> removed.tmp, previous ->
// current, removed.tmp deleted); the others are left alone. Like Hadoop
// it refuses when no directory holds previous/, and when a previous/
// holds another layout than this NameNode's: that rollback belongs to the
// software that wrote it ("Please use the previous version of HDFS").
// report gets Hadoop's log lines; it may be nil.
//
// Where hdfsd differs: it locks the directories (Hadoop's rollback does
// not), and first recovers any interrupted transition as a start would
// (RecoverTransition), so that a rollback stopped by a crash can simply
// be run again; Hadoop refuses "removed.tmp" and asks for a restart.
func Rollback(fsys FS, dirs *Dirs, report func(string)) error {
	if report == nil {
		report = func(string) {}
	}
	all := dirs.Healthy()
	locks, err := lockAll(fsys, all, false)
	if err != nil {
		return err
	}
	defer unlockAll(locks)
	var prev *Version
	for _, d := range all {
		v, err := rollbackCandidate(fsys, d.Root, report)
		if err != nil {
			return err
		}
		if v != nil {
			report("Can perform rollback for " + d.hadoopName())
			prev = v
		}
	}
	if prev == nil {
		return fmt.Errorf("%w: Cannot rollback. None of the storage directories contain previous fs state.", ErrInconsistent)
	}
	for _, d := range all {
		report(fmt.Sprintf("Rolling back storage directory %s.\n   new LV = %d; new CTime = %d",
			d.Root, prev.LayoutVersion, prev.CTime))
		if err := rollbackDir(fsys, d.Root); err != nil {
			return err
		}
		report("Rollback of " + d.Root + " is complete.")
	}
	return nil
}

// rollbackCandidate recovers root if a transition was interrupted, then
// reads previous/VERSION: nil when there is no previous/ (current/VERSION
// must then be readable), an error when it holds another layout.
func rollbackCandidate(fsys FS, root string, report func(string)) (*Version, error) {
	st, err := Analyze(fsys, root)
	switch {
	case err != nil:
		return nil, err
	case st == NonExistent:
		return nil, inconsistentf(root, "storage directory does not exist or is not accessible.")
	case st.NeedsRecovery():
		report(st.RecoveryMessage(root))
		if err := RecoverTransition(fsys, root, st); err != nil {
			return nil, err
		}
	}
	ok, err := exists(fsys, filepath.Join(root, DirPrevious))
	if err != nil {
		return nil, err
	}
	if !ok {
		report("Storage directory " + root + " does not contain previous fs state.")
		_, err := ReadVersion(fsys, root)
		return nil, err
	}
	name := filepath.Join(root, DirPrevious, FileVersion)
	data, err := ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("storage: reading %s: %w", name, err)
	}
	v, err := ParseVersion(data, root)
	if err != nil {
		return nil, err
	}
	if v.LayoutVersion != LayoutVersion {
		return nil, fmt.Errorf("%w: Cannot rollback to storage version %d using this version of the NameNode, "+
			"which uses storage version %d. Please use the previous version of HDFS to perform the rollback.",
			ErrIncorrectVersion, v.LayoutVersion, LayoutVersion)
	}
	return &v, nil
}

// rollbackDir is NNUpgradeUtil.doRollBack. The two renames become durable
// together before removed.tmp is deleted: a crash before that leaves the
// upgraded state or COMPLETE_ROLLBACK, never a half-deleted current/
// that could come back.
func rollbackDir(fsys FS, root string) error {
	prev, removed, cur := filepath.Join(root, DirPrevious), filepath.Join(root, DirRemovedTmp), filepath.Join(root, DirCurrent)
	ok, err := exists(fsys, prev)
	if err != nil || !ok {
		return err
	}
	if err := expect(fsys, removed, false, "removed.tmp directory must not exist for rollback.Consider restarting for recovery."); err != nil {
		return err
	}
	if err := expect(fsys, cur, true, "Current directory must exist for rollback."); err != nil {
		return err
	}
	if err := fsys.Rename(cur, removed); err != nil {
		return fmt.Errorf("storage: Failed to rename %s to %s: %w", cur, removed, err)
	}
	if err := renameDurably(fsys, root, DirPrevious, DirCurrent); err != nil {
		return fmt.Errorf("storage: Failed to rename %s to %s: %w", prev, cur, err)
	}
	if err := removeDurably(fsys, root, DirRemovedTmp); err != nil {
		return fmt.Errorf("storage: Failed to delete %s: %w", removed, err)
	}
	return nil
}

package storage

import (
	"fmt"
	"path/filepath"
)

// The transitions of a storage directory (upgrade, rollback, finalize)
// and their recovery at the next start. Each one is a few renames of
// whole directories under the root; every rename that matters is made
// durable (SyncDir of the root) before the next step, so that a crash
// leaves one of the states Analyze names, and RecoverTransition takes it
// forward or back as Hadoop's StorageDirectory.doRecover does.

// NeedsRecovery reports whether a directory in state s is left mid-way
// through a transition that the next start completes or undoes.
func (s State) NeedsRecovery() bool {
	_, ok := recoveries[s]
	return ok
}

// RecoveryMessage is the line Hadoop logs before recovering a directory
// in state s.
func (s State) RecoveryMessage(root string) string {
	switch s {
	case CompleteUpgrade:
		return "Completing previous upgrade for storage directory " + root
	case RecoverUpgrade:
		return "Recovering storage directory " + root + " from previous upgrade"
	case CompleteRollback:
		return "Completing previous rollback for storage directory " + root
	case RecoverRollback:
		return "Recovering storage directory " + root + " from previous rollback"
	case CompleteFinalize:
		return "Completing previous finalize for storage directory " + root
	case CompleteCheckpoint:
		return "Completing previous checkpoint for storage directory " + root
	case RecoverCheckpoint:
		return "Recovering storage directory " + root + " from failed checkpoint"
	}
	return ""
}

// RecoverTransition completes or undoes the interrupted transition that
// Analyze found (state) in the directory root:
//
//	COMPLETE_UPGRADE    previous.tmp -> previous
//	RECOVER_UPGRADE     drop current; previous.tmp -> current
//	COMPLETE_ROLLBACK   drop removed.tmp
//	RECOVER_ROLLBACK    removed.tmp -> current
//	COMPLETE_FINALIZE   drop finalized.tmp
//	COMPLETE_CHECKPOINT drop previous.checkpoint; lastcheckpoint.tmp -> previous.checkpoint
//	RECOVER_CHECKPOINT  drop current; lastcheckpoint.tmp -> current
//
// Hadoop deletes the dropped directories in a background thread after
// renaming them to <name>.tmp; hdfsd deletes them before going on. Every
// step is durable when it returns, and a crash during it leaves a state
// that RecoverTransition takes to the same end.
func RecoverTransition(fsys FS, root string, state State) error {
	var err error
	switch state {
	case CompleteUpgrade:
		err = renameDurably(fsys, root, DirPreviousTmp, DirPrevious)
	case RecoverUpgrade:
		err = replaceDir(fsys, root, DirPreviousTmp, DirCurrent)
	case CompleteRollback:
		err = removeDurably(fsys, root, DirRemovedTmp)
	case RecoverRollback:
		err = renameDurably(fsys, root, DirRemovedTmp, DirCurrent)
	case CompleteFinalize:
		err = removeDurably(fsys, root, DirFinalizedTmp)
	case CompleteCheckpoint:
		err = replaceDir(fsys, root, DirLastCheckpointTmp, DirPreviousCheckpoint)
	case RecoverCheckpoint:
		err = replaceDir(fsys, root, DirLastCheckpointTmp, DirCurrent)
	default:
		return fmt.Errorf("%w: Unexpected FS state: %s for storage directory: %s", ErrInvalid, state, root)
	}
	if err != nil {
		return fmt.Errorf("%w: %s is in state %s; could not %s: %w", ErrNeedsRecovery, root, state, recoveries[state], err)
	}
	return nil
}

// renameDurably renames root/from to root/to and syncs root.
func renameDurably(fsys FS, root, from, to string) error {
	if err := fsys.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
		return err
	}
	return fsys.SyncDir(root)
}

// removeDurably removes root/name and everything in it, and syncs root.
// A crash half way leaves part of it, which the next recovery removes.
func removeDurably(fsys FS, root, name string) error {
	if err := fsys.RemoveAll(filepath.Join(root, name)); err != nil {
		return err
	}
	return fsys.SyncDir(root)
}

// replaceDir drops root/to, if any, and renames root/from to it. It is
// only used where to holds nothing worth keeping: a current/ without
// VERSION (so that partly deleting it changes no state), or
// previous.checkpoint.
func replaceDir(fsys FS, root, from, to string) error {
	if err := fsys.RemoveAll(filepath.Join(root, to)); err != nil {
		return err
	}
	return renameDurably(fsys, root, from, to)
}

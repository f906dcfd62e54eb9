package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// State is a storage directory's state (Storage.StorageState).
type State uint8

// The states, with Hadoop's names.
const (
	NonExistent State = iota
	NotFormatted
	CompleteUpgrade
	RecoverUpgrade
	CompleteFinalize
	CompleteRollback
	RecoverRollback
	CompleteCheckpoint
	RecoverCheckpoint
	Normal
)

var stateNames = [...]string{"NON_EXISTENT", "NOT_FORMATTED", "COMPLETE_UPGRADE",
	"RECOVER_UPGRADE", "COMPLETE_FINALIZE", "COMPLETE_ROLLBACK", "RECOVER_ROLLBACK",
	"COMPLETE_CHECKPOINT", "RECOVER_CHECKPOINT", "NORMAL"}

func (s State) String() string { return stateNames[s] }

// recoveries says what RecoverTransition (Hadoop's
// StorageDirectory.doRecover) does in each state that needs it.
var recoveries = map[State]string{
	CompleteUpgrade:    "rename previous.tmp to previous (finishing an upgrade)",
	RecoverUpgrade:     "replace current with previous.tmp (undoing an interrupted upgrade)",
	CompleteFinalize:   "delete finalized.tmp (finishing a finalize)",
	CompleteRollback:   "delete removed.tmp (finishing a rollback)",
	RecoverRollback:    "rename removed.tmp to current (undoing an interrupted rollback)",
	CompleteCheckpoint: "replace previous.checkpoint with lastcheckpoint.tmp (finishing a checkpoint)",
	RecoverCheckpoint:  "replace current with lastcheckpoint.tmp (undoing an interrupted checkpoint)",
}

// Analyze finds the state of the directory root as Hadoop's analyzeStorage
// does for a regular start: a missing root (or a file) is NON_EXISTENT; a
// directory without current/VERSION and without upgrade leftovers is
// NOT_FORMATTED; exactly one of previous.tmp, removed.tmp, finalized.tmp
// and lastcheckpoint.tmp means an interrupted transition. It takes no
// lock.
func Analyze(fsys FS, root string) (State, error) {
	st, err := fsys.Stat(root)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !st.IsDir()) {
		return NonExistent, nil
	}
	if err != nil {
		return NonExistent, fmt.Errorf("storage: %s: %w", root, err)
	}
	if err := checkPreUpgradeLayout(fsys, root); err != nil {
		return NonExistent, err
	}
	has := func(elem ...string) (bool, error) {
		_, err := fsys.Stat(filepath.Join(append([]string{root}, elem...)...))
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return err == nil, err
	}
	var flags [6]bool
	for i, elem := range [][]string{{DirCurrent, FileVersion}, {DirPrevious}, {DirPreviousTmp},
		{DirRemovedTmp}, {DirFinalizedTmp}, {DirLastCheckpointTmp}} {
		if flags[i], err = has(elem...); err != nil {
			return NonExistent, fmt.Errorf("storage: %s: %w", root, err)
		}
	}
	return transition(root, flags)
}

// transition decides the state from which of current/VERSION, previous,
// previous.tmp, removed.tmp, finalized.tmp and lastcheckpoint.tmp exist.
func transition(root string, f [6]bool) (State, error) {
	current, previous, prevTmp, removedTmp, finalizedTmp, ckptTmp := f[0], f[1], f[2], f[3], f[4], f[5]
	n := 0
	for _, t := range []bool{prevTmp, removedTmp, finalizedTmp, ckptTmp} {
		if t {
			n++
		}
	}
	switch {
	case n == 0 && current:
		return Normal, nil
	case n == 0 && previous:
		return NonExistent, inconsistentf(root, "version file in current directory is missing.")
	case n == 0:
		return NotFormatted, nil
	case n > 1:
		return NonExistent, inconsistentf(root, "too many temporary directories.")
	case ckptTmp && current:
		return CompleteCheckpoint, nil
	case ckptTmp:
		return RecoverCheckpoint, nil
	case finalizedTmp && previous:
		// Hadoop's text has no space before "cannot"; kept as it prints.
		return NonExistent, inconsistentf(root, "previous and finalized.tmpcannot exist together.")
	case finalizedTmp:
		return CompleteFinalize, nil
	case prevTmp && previous:
		return NonExistent, inconsistentf(root, "previous and previous.tmp cannot exist together.")
	case prevTmp && current:
		return CompleteUpgrade, nil
	case prevTmp:
		return RecoverUpgrade, nil
	case current == previous:
		return NonExistent, inconsistentf(root,
			"one and only one directory current or previous must be present when removed.tmp exists.")
	case current:
		return CompleteRollback, nil
	}
	return RecoverRollback, nil
}

// checkPreUpgradeLayout refuses a directory from before Hadoop 0.13, whose
// image/fsimage starts with a layout version of -3 or newer. Later
// releases keep an image/fsimage too, holding an old LV and a warning
// text; those are fine.
func checkPreUpgradeLayout(fsys FS, root string) error {
	if _, err := fsys.Stat(filepath.Join(root, "image")); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	name := filepath.Join(root, "image", "fsimage")
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("storage: reading %s: %w", name, err)
	}
	defer f.Close()
	var lv int32
	if err := binary.Read(f, binary.BigEndian, &lv); err != nil {
		return fmt.Errorf("storage: reading %s: %w", name, err)
	}
	if lv < LastPreUpgradeLayoutVersion {
		return nil
	}
	return fmt.Errorf("%w: %s has the layout of Hadoop before 0.13 (image/fsimage); "+
		"the oldest Hadoop upgrades from is %d (Hadoop-0.18)", ErrUnsupportedLayout, root, LastUpgradableLayoutVersion)
}

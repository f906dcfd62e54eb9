package storage

import (
	"errors"
	"fmt"
	"slices"
)

// Act is a change to a file in current/.
type Act uint8

// The changes the planners ask for.
const (
	Delete Act = iota + 1
	Rename
)

// Action is one planned change, with the reason Hadoop would log.
type Action struct {
	Act  Act
	Dir  Dir
	File string // in current/
	To   string // the new name, for Rename
	Why  string
}

func (a Action) String() string {
	if a.Act == Rename {
		return fmt.Sprintf("rename %s to %s (%s)", a.Dir.File(a.File), a.To, a.Why)
	}
	return fmt.Sprintf("delete %s (%s)", a.Dir.File(a.File), a.Why)
}

// ActionError is an action that failed.
type ActionError struct {
	Action Action
	Err    error
}

func (e *ActionError) Error() string {
	return fmt.Sprintf("storage: could not %s: %v", e.Action, e.Err)
}

func (e *ActionError) Unwrap() error { return e.Err }

// Apply carries out the actions in order, then syncs each directory it
// changed so that the renames and removals survive a crash. It goes on
// after a failure and returns every failure (as *ActionError, joined).
func Apply(fsys FS, acts []Action) error {
	var errs []error
	var touched []Dir
	for _, a := range acts {
		var err error
		switch a.Act {
		case Delete:
			err = fsys.Remove(a.Dir.File(a.File))
		case Rename:
			err = fsys.Rename(a.Dir.File(a.File), a.Dir.File(a.To))
		default:
			err = fmt.Errorf("%w: unknown action %d", ErrInvalid, a.Act)
		}
		if err != nil {
			errs = append(errs, &ActionError{Action: a, Err: err})
			continue
		}
		if !slices.Contains(touched, a.Dir) {
			touched = append(touched, a.Dir)
		}
	}
	for _, d := range touched {
		if err := fsys.SyncDir(d.Current()); err != nil {
			errs = append(errs, fmt.Errorf("storage: syncing %s: %w", d.Current(), err))
		}
	}
	return errors.Join(errs...)
}

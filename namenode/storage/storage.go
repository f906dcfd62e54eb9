package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// Storage is a NameNode's set of storage directories, locked and checked.
// Its methods act on the directories still in service and take a failing
// one out of it (see Dirs).
type Storage struct {
	FS   FS
	Dirs *Dirs
	// Version is the VERSION the formatted directories agree on.
	Version Version
	// Layout describes Version.LayoutVersion.
	Layout Layout
	// States holds each directory's state when it was loaded.
	States []DirState
	// Order is the key order VERSION files are written in.
	Order KeyOrder
	// Now stamps VERSION files; nil is time.Now.
	Now   func() time.Time
	locks []*Lock
}

// DirState is a directory and the state Load found it in (before
// recovering it, when the state needed that: State.NeedsRecovery).
type DirState struct {
	Dir   Dir
	State State
}

// Load locks and checks every directory as a NameNode's start does
// (FSImage.recoverStorageDirs): each must exist; each is locked; one left
// mid-upgrade, mid-rollback, mid-finalize or mid-checkpoint is recovered
// (RecoverTransition; a failure wraps ErrNeedsRecovery); the formatted ones (with current/VERSION) must agree
// on layout version, namespaceID, clusterID and blockpoolID. Directories
// without VERSION are NOT_FORMATTED: Load gives them an empty current/,
// as Hadoop does, and the namespace is to be saved into them (Hadoop's
// needToSave). At least one must be formatted. An older layout
// is loaded and reported in Layout; CheckStartup says whether Hadoop
// would start on it.
func Load(fsys FS, dirs *Dirs) (*Storage, error) {
	s := &Storage{FS: fsys, Dirs: dirs}
	if err := s.load(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Storage) load() error {
	var agreed *Version
	for _, d := range s.Dirs.Healthy() {
		st, err := s.lockAndAnalyze(d)
		if err != nil {
			return err
		}
		s.States = append(s.States, DirState{Dir: d, State: st})
		if st == NotFormatted {
			continue
		}
		v, err := ReadVersion(s.FS, d.Root)
		if err != nil {
			return err
		}
		if agreed == nil {
			agreed = &v
		} else if err := agreed.agree(v, d.Root); err != nil {
			return err
		}
	}
	if agreed == nil {
		return fmt.Errorf("%w: no directory holds current/VERSION", ErrNotFormatted)
	}
	s.Version = *agreed
	var err error
	if s.Layout, err = CheckLayout(agreed.LayoutVersion, s.States[0].Dir.Root); err != nil {
		return err
	}
	return s.clearUnformatted()
}

// clearUnformatted gives each NOT_FORMATTED directory an empty current/,
// as FSImage.recoverTransitionRead does before loading, so that it can be
// listed and the namespace saved into it (Plan.NeedToSave).
func (s *Storage) clearUnformatted() error {
	for _, ds := range s.States {
		if ds.State == NotFormatted {
			if err := ClearCurrent(s.FS, ds.Dir.Root); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Storage) lockAndAnalyze(d Dir) (State, error) {
	st, err := s.FS.Stat(d.Root)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !st.IsDir()) {
		return NonExistent, inconsistentf(d.Root, "storage directory does not exist or is not accessible.")
	}
	if err != nil {
		return NonExistent, fmt.Errorf("storage: %s: %w", d.Root, err)
	}
	l, err := LockDir(s.FS, d.Root)
	if err != nil {
		return NonExistent, err
	}
	s.locks = append(s.locks, l)
	state, err := Analyze(s.FS, d.Root)
	switch {
	case err != nil:
		return state, err
	case state == NonExistent:
		return state, inconsistentf(d.Root, "storage directory does not exist or is not accessible.")
	case state.NeedsRecovery():
		return state, RecoverTransition(s.FS, d.Root, state)
	}
	return state, nil
}

// Close releases the locks.
func (s *Storage) Close() error {
	err := unlockAll(s.locks)
	s.locks = nil
	return err
}

// CheckStartup refuses, as Hadoop does, a regular start on a layout older
// than this NameNode's: that takes -upgrade (or -rollingUpgrade started).
func (s *Storage) CheckStartup(upgrade bool) error {
	if s.Layout.Current || upgrade {
		return nil
	}
	return fmt.Errorf("%w: File system image contains an old layout version %d. An upgrade to version %d is required. "+
		"Restart the NameNode with \"-rollingUpgrade started\" if a rolling upgrade is already started, "+
		"or with \"-upgrade\" to start a new upgrade", ErrUnsupportedLayout, s.Layout.Version, LayoutVersion)
}

// Listings lists every healthy directory; scan, when not nil, reads the
// in-progress segments. A directory that cannot be listed leaves the set.
func (s *Storage) Listings(scan Scanner) ([]Listing, error) {
	var out []Listing
	err := s.Dirs.Each(RoleImageAndEdits, func(d Dir) error {
		l, err := List(s.FS, d, scan)
		if err == nil {
			out = append(out, l)
		}
		return err
	})
	return out, err
}

// Recover finalizes, sets aside or deletes the in-progress segments of the
// edits directories (PlanRecovery), leaving the one starting at current.
// A directory where that fails leaves the set.
func (s *Storage) Recover(scan Scanner, current int64) error {
	ls, err := s.Listings(scan)
	if err != nil {
		return err
	}
	acts, failed := PlanRecovery(ls, current)
	var fatal error
	for _, a := range acts {
		if err := Apply(s.FS, []Action{a}); err != nil {
			failed = append(failed, Failure{Dir: a.Dir, Err: err})
		}
	}
	for _, f := range failed {
		if err := s.Dirs.Failed(f.Dir, f.Err); err != nil && fatal == nil {
			fatal = err
		}
	}
	return fatal
}

// Inspect lists the directories and plans the load.
func (s *Storage) Inspect(scan Scanner, opt InspectOptions) (Plan, error) {
	ls, err := s.Listings(scan)
	if err != nil {
		return Plan{}, err
	}
	return Inspect(ls, opt)
}

// Purge removes what the retention rules no longer need after a
// checkpoint of kind (PlanRetention). Like Hadoop it only warns when a
// file cannot be removed: the returned error lists those, and the next
// purge tries again.
func (s *Storage) Purge(r Retention, kind Kind, current int64) error {
	ls, err := s.Listings(nil)
	if err != nil {
		return err
	}
	acts, err := PlanRetention(ls, r, kind, current)
	if err != nil {
		return err
	}
	return Apply(s.FS, acts)
}

// WriteSeenTxID records txid in every healthy directory's seen_txid
// (NNStorage.writeTransactionIdFileToStorage).
func (s *Storage) WriteSeenTxID(txid int64) error {
	return s.Dirs.Each(RoleImageAndEdits, func(d Dir) error { return WriteSeenTxID(s.FS, d.Root, txid) })
}

// WriteVersion writes s.Version to every healthy directory
// (NNStorage.writeAll).
func (s *Storage) WriteVersion() error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return s.Dirs.Each(RoleImageAndEdits, func(d Dir) error {
		return WriteVersion(s.FS, d.Root, s.Version, s.Order, now())
	})
}

// SaveImage writes an image for txid into every healthy image directory.
func (s *Storage) SaveImage(txid int64, save ImageSaver) error {
	return SaveImage(s.FS, s.Dirs, txid, save)
}

// EditsToKeep is the first txid retention keeps in the edit logs (the
// minTxIdToKeep NNStorageRetentionManager hands every journal, the shared
// one included); 0 keeps everything.
func (s *Storage) EditsToKeep(r Retention) (int64, error) {
	ls, err := s.Listings(nil)
	if err != nil {
		return 0, err
	}
	minImage := imageTxIDToRetain(foundImages(ls, KindImage), r.CheckpointsRetained)
	return editsToRetain(ls, r, minImage)
}

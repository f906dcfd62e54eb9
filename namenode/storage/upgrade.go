package storage

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// An upgrade (`namenode -upgrade`), as FSImage.doUpgrade and NNUpgradeUtil
// carry it out over the directories of a loaded Storage:
//
//  1. CheckUpgrade: no directory may hold previous/ (an upgrade not yet
//     finalized or rolled back).
//  2. The caller loads the image and edits (and recovers the in-progress
//     segments) from current/ as on a regular start.
//  3. PreUpgrade, in each directory: current -> previous.tmp, a new empty
//     current/, and a hard link in it to every edits* file of the old
//     one, so that the edits before the upgrade stay readable.
//  4. The caller saves the namespace (SaveImage) at its last txid.
//  5. CompleteUpgrade, in each directory: VERSION with the new layout and
//     cTime (Upgraded), then previous.tmp -> previous.
//
// A directory that fails a step leaves the set, as elsewhere; Hadoop then
// fails the start once every step ran ("Upgrade failed in ..."). A crash
// at any point leaves states RecoverTransition takes back to the old
// current/ (before VERSION is written) or on to previous/ (after).

// Upgraded is the VERSION an upgrade writes: this NameNode's layout, and
// cTime set to the time of the upgrade in ms (FSImage.doUpgrade's
// storage.cTime = now()). The IDs are kept.
func Upgraded(v Version, now time.Time) Version {
	v.LayoutVersion = LayoutVersion
	v.CTime = now.UnixMilli()
	return v
}

// CheckUpgrade refuses an upgrade while any directory in service holds
// previous/ (FSImage.checkUpgrade).
func (s *Storage) CheckUpgrade() error {
	for _, d := range s.Dirs.Healthy() {
		ok, err := exists(s.FS, filepath.Join(d.Root, DirPrevious))
		if err != nil {
			return err
		}
		if ok {
			return inconsistentf(d.Root, "previous fs state should not exist during upgrade. Finalize or rollback first.")
		}
	}
	return nil
}

// PreUpgrade sets current/ aside as previous.tmp in every directory in
// service and gives each a new current/ holding links to the old edit
// segments (NNUpgradeUtil.doPreUpgrade). A directory that fails leaves the
// set.
func (s *Storage) PreUpgrade() error {
	return s.Dirs.Each(RoleImageAndEdits, func(d Dir) error { return preUpgradeDir(s.FS, d.Root) })
}

func preUpgradeDir(fsys FS, root string) error {
	cur, prev, tmp := filepath.Join(root, DirCurrent), filepath.Join(root, DirPrevious), filepath.Join(root, DirPreviousTmp)
	for _, c := range []struct {
		path string
		want bool
		msg  string
	}{{cur, true, "Current directory must exist for preupgrade."},
		{prev, false, "Previous directory must not exist for preupgrade."},
		{tmp, false, "Previous.tmp directory must not exist for preupgrade.Consider restarting for recovery."}} {
		if err := expect(fsys, c.path, c.want, c.msg); err != nil {
			return err
		}
	}
	if err := renameDurably(fsys, root, DirCurrent, DirPreviousTmp); err != nil {
		return fmt.Errorf("storage: Failed to rename %s to %s: %w", cur, tmp, err)
	}
	// Hadoop's mkdir takes the umask's mode, not the storage-dir permission.
	if err := fsys.MkdirAll(cur, 0o755); err != nil {
		return fmt.Errorf("storage: Cannot create directory %s: %w", cur, err)
	}
	names, err := fsys.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("storage: listing %s: %w", tmp, err)
	}
	for _, name := range names {
		if !strings.HasPrefix(name, "edits") {
			continue
		}
		st, err := fsys.Stat(filepath.Join(tmp, name))
		if err != nil {
			return fmt.Errorf("storage: %w", err)
		}
		if !st.Mode().IsRegular() {
			continue
		}
		if err := fsys.Link(filepath.Join(tmp, name), filepath.Join(cur, name)); err != nil {
			return fmt.Errorf("storage: linking %s into %s: %w", name, cur, err)
		}
	}
	if err := fsys.SyncDir(cur); err != nil {
		return fmt.Errorf("storage: syncing %s: %w", cur, err)
	}
	return nil
}

// expect checks a precondition of a transition: that path exists (want)
// or does not. The message is Hadoop's.
func expect(fsys FS, path string, want bool, msg string) error {
	ok, err := exists(fsys, path)
	if err != nil {
		return err
	}
	if ok != want {
		return fmt.Errorf("%w: %s", ErrInconsistent, msg)
	}
	return nil
}

// CompleteUpgrade writes v (see Upgraded) to VERSION in every directory in
// service and renames previous.tmp to previous (NNUpgradeUtil.doUpgrade);
// s.Version becomes v. Afterwards, as Hadoop, it fails if any directory
// has left the set since Load: "Upgrade failed in N storage
// directory(ies), previously logged."
func (s *Storage) CompleteUpgrade(v Version, now time.Time) error {
	s.Version = v
	layout, err := CheckLayout(v.LayoutVersion, "")
	if err != nil {
		return err
	}
	s.Layout = layout
	err = s.Dirs.Each(RoleImageAndEdits, func(d Dir) error {
		if err := WriteVersion(s.FS, d.Root, v, s.Order, now); err != nil {
			return err
		}
		if err := expect(s.FS, filepath.Join(d.Root, DirPrevious), false,
			"previous directory must not exist for upgrade."); err != nil {
			return err
		}
		if err := expect(s.FS, filepath.Join(d.Root, DirPreviousTmp), true,
			"previous.tmp directory must exist for upgrade."); err != nil {
			return err
		}
		return renameDurably(s.FS, d.Root, DirPreviousTmp, DirPrevious)
	})
	if err != nil {
		return err
	}
	if f := s.Dirs.Failures(); len(f) > 0 {
		return fmt.Errorf("storage: Upgrade failed in %d storage directory(ies), previously logged; first: %w", len(f), f[0].Err)
	}
	return nil
}

// UpgradeFinalized reports whether no directory in service holds
// previous/ (FSImage.isUpgradeFinalized, read from the disk).
func (s *Storage) UpgradeFinalized() (bool, error) {
	for _, d := range s.Dirs.Healthy() {
		ok, err := exists(s.FS, filepath.Join(d.Root, DirPrevious))
		if err != nil || ok {
			return false, err
		}
	}
	return true, nil
}

// Finalize discards previous/ in every directory in service
// (FSImage.finalizeUpgrade, NNUpgradeUtil.doFinalize): previous ->
// finalized.tmp, then finalized.tmp is deleted. report gets Hadoop's log
// lines; it may be nil. Unlike the other steps, a failure here is
// returned at once and takes no directory out of service, as in Hadoop.
func (s *Storage) Finalize(report func(string)) error {
	if report == nil {
		report = func(string) {}
	}
	for _, d := range s.Dirs.Healthy() {
		if err := finalizeDir(s.FS, d.Root, report); err != nil {
			return err
		}
	}
	return nil
}

func finalizeDir(fsys FS, root string, report func(string)) error {
	prev := filepath.Join(root, DirPrevious)
	ok, err := exists(fsys, prev)
	if err != nil {
		return err
	}
	if !ok {
		report("Directory " + prev + " does not exist.")
		report("Finalize upgrade for " + root + " is not required.")
		return nil
	}
	report("Finalizing upgrade of storage directory " + root)
	if err := expect(fsys, filepath.Join(root, DirCurrent), true, "Current directory must exist."); err != nil {
		return err
	}
	// The rename is made durable before anything inside is deleted, so
	// that a crash never leaves a half-deleted previous/.
	if err := renameDurably(fsys, root, DirPrevious, DirFinalizedTmp); err != nil {
		return fmt.Errorf("storage: finalizing %s: %w", root, err)
	}
	if err := removeDurably(fsys, root, DirFinalizedTmp); err != nil {
		return fmt.Errorf("storage: Failed to delete %s: %w", filepath.Join(root, DirFinalizedTmp), err)
	}
	report("Finalize upgrade for " + root + " is complete.")
	return nil
}

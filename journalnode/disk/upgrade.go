package disk

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// The directory moves of an upgrade, a finalize and a rollback
// (NNUpgradeUtil, Journal.doUpgrade), and their recovery on Load. Every
// rename is made durable (the root synced) before the next step, so that
// a crash leaves one of the states storage.Analyze names.

func (d *Dir) path(name ...string) string {
	return filepath.Join(append([]string{d.root}, name...)...)
}

func (d *Dir) exists(name string) (bool, error) {
	_, err := d.fs.Stat(d.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// expect checks a precondition of a move: that root/name exists (want) or
// does not. msg is Hadoop's (an IllegalStateException there).
func (d *Dir) expect(name string, want bool, msg string) error {
	ok, err := d.exists(name)
	if err != nil {
		return err
	}
	if ok != want {
		return &core.Error{Kind: core.KindIllegalState, Msg: msg}
	}
	return nil
}

func (d *Dir) renameDurably(from, to string) error {
	if err := d.fs.Rename(d.path(from), d.path(to)); err != nil {
		return fmt.Errorf("Failed to rename %s to %s: %w", d.path(from), d.path(to), err)
	}
	return d.fs.SyncDir(d.root)
}

func (d *Dir) removeDurably(name string) error {
	if err := d.fs.RemoveAll(d.path(name)); err != nil {
		return fmt.Errorf("Failed to delete %s: %w", d.path(name), err)
	}
	return d.fs.SyncDir(d.root)
}

// recoverTransition completes or undoes a move a crash interrupted
// (Storage.analyzeStorage then StorageDirectory.doRecover).
func (d *Dir) recoverTransition() error {
	st, err := storage.Analyze(d.fs, d.root)
	if err != nil {
		return err
	}
	if !st.NeedsRecovery() {
		return nil
	}
	return storage.RecoverTransition(d.fs, d.root, st)
}

// preUpgrade is NNUpgradeUtil.doPreUpgrade: current -> previous.tmp, a
// new current/, and in it a hard link to every edits* file of the old one.
func (d *Dir) preUpgrade() error {
	d.abort()
	for _, c := range []struct {
		name string
		want bool
		msg  string
	}{{storage.DirCurrent, true, "Current directory must exist for preupgrade."},
		{storage.DirPrevious, false, "Previous directory must not exist for preupgrade."},
		{storage.DirPreviousTmp, false, "Previous.tmp directory must not exist for preupgrade.Consider restarting for recovery."}} {
		if err := d.expect(c.name, c.want, c.msg); err != nil {
			return err
		}
	}
	if err := d.renameDurably(storage.DirCurrent, storage.DirPreviousTmp); err != nil {
		return err
	}
	if err := d.fs.MkdirAll(d.current(), 0o755); err != nil {
		return fmt.Errorf("Cannot create directory %s: %w", d.current(), err)
	}
	tmp := d.path(storage.DirPreviousTmp)
	names, err := d.fs.ReadDir(tmp)
	if err != nil {
		return err
	}
	for _, name := range names {
		if !strings.HasPrefix(name, "edits") {
			continue
		}
		if st, err := d.fs.Stat(filepath.Join(tmp, name)); err != nil {
			return err
		} else if !st.Mode().IsRegular() {
			continue
		}
		if err := d.fs.Link(filepath.Join(tmp, name), d.current(name)); err != nil {
			return err
		}
	}
	if err := d.fs.SyncDir(d.current()); err != nil {
		return err
	}
	return d.fs.SyncDir(d.root)
}

// upgrade is Journal.doUpgrade: in current/, the epoch files and
// committed-txid copied from the old current/, paxos/, and VERSION = si;
// then previous.tmp -> previous.
//
// Where hdfsd differs: it checks previous/ and previous.tmp before
// writing anything (Hadoop writes VERSION first, so a JournalNode
// restarted since doPreUpgrade gets the new VERSION over its old
// current/), and it writes VERSION last, atomically, after the epoch
// files (Hadoop copies them after the rename): VERSION in current/ is
// what makes the next load complete the upgrade rather than undo it, so
// a crash never leaves an upgraded journal that forgot its promises.
func (d *Dir) upgrade(si core.StorageInfo) error {
	if err := d.expect(storage.DirPrevious, false, "previous directory must not exist for upgrade."); err != nil {
		return err
	}
	if err := d.expect(storage.DirPreviousTmp, true, "previous.tmp directory must exist for upgrade."); err != nil {
		return err
	}
	d.abort()
	if err := d.fs.MkdirAll(d.current(DirPaxos), 0o755); err != nil {
		return err
	}
	prev := func(name string) string { return d.path(storage.DirPreviousTmp, name) }
	for _, name := range []string{FilePromised, FileWriter} {
		v, err := readLongFile(d.fs, prev(name), 0)
		if err != nil {
			return err
		}
		if err := storage.WriteFileAtomic(d.fs, d.current(name), longFile(v)); err != nil {
			return err
		}
	}
	committed, err := readCommittedFile(d.fs, prev(FileCommitted))
	if err != nil {
		return err
	}
	if err := storage.WriteFileAtomic(d.fs, d.current(FileCommitted), committedFile(committed)); err != nil {
		return err
	}
	if err := storage.WriteFileAtomic(d.fs, d.current(storage.FileVersion), VersionFile(si, d.now())); err != nil {
		return err
	}
	return d.renameDurably(storage.DirPreviousTmp, storage.DirPrevious)
}

// finalize is NNUpgradeUtil.doFinalize: previous -> finalized.tmp, then
// finalized.tmp is deleted; without previous/ there is nothing to do.
func (d *Dir) finalize() error {
	ok, err := d.exists(storage.DirPrevious)
	if err != nil || !ok {
		return err
	}
	if err := d.expect(storage.DirCurrent, true, "Current directory must exist."); err != nil {
		return err
	}
	if err := d.renameDurably(storage.DirPrevious, storage.DirFinalizedTmp); err != nil {
		return err
	}
	return d.removeDurably(storage.DirFinalizedTmp)
}

// rollback is NNUpgradeUtil.doRollBack: current -> removed.tmp, previous
// -> current, removed.tmp deleted; without previous/ there is nothing to
// do. Both renames are durable before anything is deleted.
func (d *Dir) rollback() error {
	ok, err := d.exists(storage.DirPrevious)
	if err != nil || !ok {
		return err
	}
	if err := d.expect(storage.DirRemovedTmp, false, "removed.tmp directory must not exist for rollback.Consider restarting for recovery."); err != nil {
		return err
	}
	if err := d.expect(storage.DirCurrent, true, "Current directory must exist for rollback."); err != nil {
		return err
	}
	d.abort()
	if err := d.renameDurably(storage.DirCurrent, storage.DirRemovedTmp); err != nil {
		return err
	}
	if err := d.renameDurably(storage.DirPrevious, storage.DirCurrent); err != nil {
		return err
	}
	return d.removeDurably(storage.DirRemovedTmp)
}

// Previous reads previous/VERSION for canRollBack (nil: no previous/).
// Without previous/, current/VERSION must be readable, as
// NNUpgradeUtil.canRollBack reads it.
func (d *Dir) Previous() (*core.StorageInfo, error) {
	ok, err := d.exists(storage.DirPrevious)
	if err != nil {
		return nil, err
	}
	dir := storage.DirPrevious
	if !ok {
		dir = storage.DirCurrent
	}
	name := d.path(dir, storage.FileVersion)
	data, err := storage.ReadFile(d.fs, name)
	if err != nil {
		return nil, fmt.Errorf("journalnode: reading %s: %w", name, err)
	}
	si, err := parseVersion(data)
	if err != nil {
		return nil, fmt.Errorf("journalnode: %s: %w", name, err)
	}
	if !ok {
		return nil, nil
	}
	return &si, nil
}

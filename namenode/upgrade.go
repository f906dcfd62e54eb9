package namenode

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/qjournal/client"
)

// `namenode -upgrade`, `namenode -rollback` and `dfsadmin
// -finalizeUpgrade`: the NameNode side of storage's transitions.

// checkUpgradeStart is the part of FSImage.recoverTransitionRead and
// doUpgrade that runs before the image is loaded: the layout check (an
// older layout needs -upgrade) and, for an upgrade, no previous/ left.
func checkUpgradeStart(st *storage.Storage, opts Options, log *slog.Logger) error {
	for _, ds := range st.States {
		if ds.State.NeedsRecovery() {
			log.Info(ds.State.RecoveryMessage(ds.Dir.Root))
		}
	}
	if err := st.CheckStartup(opts.Upgrade); err != nil {
		return err
	}
	if !opts.Upgrade {
		return nil
	}
	if opts.ClusterID != "" && opts.ClusterID != st.Version.ClusterID {
		// Layouts with federation (-35 and later, everything hdfsd loads)
		// keep their cluster ID (NNStorage.processStartupOptionsForUpgrade).
		log.Warn("Clusterid mismatch - current clusterid: " + st.Version.ClusterID +
			", Ignoring given clusterid: " + opts.ClusterID)
	}
	log.Info("Using clusterid: " + st.Version.ClusterID)
	return st.CheckUpgrade()
}

// upgradeStorage is FSImage.doUpgrade once the namespace is loaded at
// txid: current/ set aside as previous.tmp in every directory, the
// namespace saved into new current/ directories in this NameNode's layout,
// then VERSION (new layout, cTime now) and previous.tmp -> previous.
func upgradeStorage(st *storage.Storage, save storage.ImageSaver, txid int64, now time.Time, r storage.Retention, log *slog.Logger) error {
	return upgradeStorageShared(context.Background(), st, nil, save, txid, now, r, log)
}

// upgradeStorageShared is upgradeStorage with a shared edit log, which is
// upgraded as Hadoop's FSImage.doUpgrade does it: pre-upgraded after the
// local directories, upgraded before they complete.
func upgradeStorageShared(ctx context.Context, st *storage.Storage, shared *client.Manager, save storage.ImageSaver, txid int64,
	now time.Time, r storage.Retention, log *slog.Logger) error {
	old := st.Version
	v := storage.Upgraded(old, now)
	log.Info(fmt.Sprintf("Starting upgrade of local storage directories.\n   old LV = %d; old CTime = %d.\n   new LV = %d; new CTime = %d",
		old.LayoutVersion, old.CTime, v.LayoutVersion, v.CTime))
	for _, d := range st.Dirs.Healthy() {
		log.Info("Starting upgrade of storage directory " + d.Root)
	}
	if err := st.PreUpgrade(); err != nil {
		return err
	}
	for _, f := range st.Dirs.Failures() {
		log.Error("Failed to move aside pre-upgrade storage in image directory "+f.Dir.Root, "err", f.Err)
	}
	if shared != nil {
		if err := shared.DoPreUpgrade(ctx); err != nil {
			return fmt.Errorf("namenode: pre-upgrading the shared edit log: %w", err)
		}
	}
	if err := st.SaveImage(txid, save); err != nil {
		return err
	}
	if err := st.Purge(r, storage.KindImage, storage.InvalidTxID); err != nil {
		log.Warn("purging old images and edits", "err", err)
	}
	if shared != nil {
		si := client.StorageInfo{LayoutVersion: v.LayoutVersion, NamespaceID: uint32(v.NamespaceID), ClusterID: v.ClusterID, CTime: uint64(v.CTime)}
		if err := shared.DoUpgrade(ctx, si); err != nil {
			return fmt.Errorf("namenode: upgrading the shared edit log: %w", err)
		}
	}
	for _, d := range st.Dirs.Healthy() {
		log.Info("Performing upgrade of storage directory " + d.Root)
	}
	return st.CompleteUpgrade(v, now)
}

// RollbackOptions are `namenode -rollback`'s surroundings.
type RollbackOptions struct {
	// Confirm asks "Roll back file system state? (Y or N)"; nil is yes
	// (Hadoop's tests call it without confirmation).
	Confirm func(prompt string) bool
	Stderr  io.Writer
	Logger  *slog.Logger
	FS      storage.FS // nil: the OS's
}

// ErrRollbackAborted: the operator did not confirm the rollback (Hadoop
// exits with status 1).
var ErrRollbackAborted = fmt.Errorf("namenode: rollback aborted")

// Rollback is `namenode -rollback` (NameNode.doRollback,
// FSImage.doRollback): after a warning and a confirmation, every
// directory holding previous/ gets it back as current/; the NameNode then
// exits, and a regular start runs on the old namespace. Hadoop 3.4 rolls
// back only to its own layout (-67): after an upgrade from an older
// release, the rollback is run with that release.
func Rollback(cfg Config, o RollbackOptions) error {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	fsys := o.FS
	if fsys == nil {
		fsys = storage.OSFS
	}
	if o.Stderr != nil {
		fmt.Fprint(o.Stderr, "\"rollBack\" will remove the current state of the file system,\n"+
			"returning you to the state prior to initiating your recent.\n"+
			"upgrade. This action is permanent and cannot be undone. If you\n"+
			"are performing a rollback in an HA environment, you should be\n"+
			"certain that no NameNode process is running on any host.")
	}
	if o.Confirm != nil && !o.Confirm("Roll back file system state?") {
		if o.Stderr != nil {
			fmt.Fprintln(o.Stderr, "Rollback aborted.")
		}
		return ErrRollbackAborted
	}
	dirs := storage.NewDirs(cfg.NameDirs, cfg.EditsDirs)
	if cfg.SharedEdits != "" {
		// The shared edit log rolls back too, once every JournalNode says
		// it can (FSImage.doRollback).
		if err := rollbackShared(cfg, fsys, dirs, log); err != nil {
			return err
		}
	}
	return storage.Rollback(fsys, dirs, func(s string) { log.Info(s) })
}

// rollbackShared asks the JournalNodes whether they can roll back to this
// NameNode's layout and rolls them back.
func rollbackShared(cfg Config, fsys storage.FS, dirs *storage.Dirs, log *slog.Logger) error {
	var v storage.Version
	found := false
	for _, d := range dirs.Healthy() {
		if pv, err := storage.ReadVersion(fsys, d.Root); err == nil {
			v, found = pv, true
			break
		}
	}
	if !found {
		return fmt.Errorf("namenode: no readable VERSION to roll the shared edit log back with")
	}
	m, err := sharedManager(cfg.conf, cfg, v, log)
	if err != nil {
		return err
	}
	defer m.Close()
	ctx := context.Background()
	si := client.StorageInfo{LayoutVersion: v.LayoutVersion, NamespaceID: uint32(v.NamespaceID), ClusterID: v.ClusterID, CTime: uint64(v.CTime)}
	ok, err := m.CanRollBack(ctx, si, client.StorageInfo{LayoutVersion: storage.LayoutVersion}, storage.LayoutVersion)
	if err != nil {
		return fmt.Errorf("namenode: asking the shared edit log whether it can roll back: %w", err)
	}
	if !ok {
		log.Info("The shared edit log has no previous state to roll back to")
		return nil
	}
	if err := m.DoRollback(ctx); err != nil {
		return fmt.Errorf("namenode: rolling back the shared edit log: %w", err)
	}
	log.Info("Rolled back the shared edit log", "uri", cfg.SharedEdits)
	return nil
}

// finalizeUpgrade is FSNamesystem.finalizeUpgrade after the superuser
// check: previous/ is discarded in every directory.
func (n *Namesystem) finalizeUpgrade() error {
	if n.ckpt == nil {
		return nil
	}
	n.mu.Lock() // Hadoop holds the write lock (and the checkpoint lock)
	defer n.mu.Unlock()
	st := n.ckpt.st
	n.log.Info(fmt.Sprintf("Finalizing upgrade for local dirs. \n   cur LV = %d; cur CTime = %d",
		st.Version.LayoutVersion, st.Version.CTime))
	if err := st.Finalize(func(s string) { n.log.Info(s) }); err != nil {
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: err.Error()}
	}
	if n.shared != nil {
		if err := n.shared.DoFinalize(context.Background()); err != nil {
			return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: "finalizing the shared edit log: " + err.Error()}
		}
	}
	return nil
}

// upgradeFinalized is FSNamesystem.isUpgradeFinalized: no directory in
// service holds previous/.
func (n *Namesystem) upgradeFinalized() (bool, error) {
	if n.ckpt == nil {
		return true, nil
	}
	ok, err := n.ckpt.st.UpgradeFinalized()
	if err != nil {
		return false, &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: err.Error()}
	}
	return ok, nil
}

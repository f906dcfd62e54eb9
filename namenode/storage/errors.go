package storage

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of these (or an
// error from the file system) and name the directory or file concerned.
var (
	// ErrLocked: another process, or another Storage in this one, holds
	// the directory's in_use.lock.
	ErrLocked = errors.New("storage: the directory is already locked")
	// ErrNotFormatted: no configured directory holds a VERSION file.
	ErrNotFormatted = errors.New("storage: NameNode is not formatted")
	// ErrFormatAborted: -format found data and was told not to overwrite
	// it (no -force, -nonInteractive, or the operator said no). Hadoop
	// exits with status 1.
	ErrFormatAborted = errors.New("storage: format aborted")
	// ErrInconsistent: a directory's state or VERSION contradicts itself
	// or the other directories (Hadoop's InconsistentFSStateException).
	ErrInconsistent = errors.New("storage: inconsistent storage directory")
	// ErrIncorrectVersion: a layout version newer than this NameNode's
	// (Hadoop's IncorrectVersionException).
	ErrIncorrectVersion = errors.New("storage: incorrect layout version")
	// ErrUnsupportedLayout: a layout version hdfsd cannot read: older than
	// Hadoop can upgrade from, or from before transaction-ID file names.
	ErrUnsupportedLayout = errors.New("storage: unsupported layout version")
	// ErrNeedsRecovery: a directory holds the tmp directory of an
	// interrupted upgrade, rollback, finalize or checkpoint, and
	// completing or undoing it failed.
	ErrNeedsRecovery = errors.New("storage: directory needs recovery")
	// ErrNoDirsLeft: every directory of a kind (image or edits) failed.
	ErrNoDirsLeft = errors.New("storage: no storage directory left")
	// ErrNoImage: no fsimage_<txid> file in any image directory.
	ErrNoImage = errors.New("storage: no valid image files found")
	// ErrGap: the edit segments after the image do not reach the last
	// transaction the directories have seen.
	ErrGap = errors.New("storage: gap in transactions")
	// ErrCorruptSegment: an in-progress edit segment with a corrupt header.
	ErrCorruptSegment = errors.New("storage: in-progress edit log file is corrupt")
	// ErrInvalid: a caller passed something Hadoop would refuse (a negative
	// txid, a bad retention setting, a malformed VERSION value).
	ErrInvalid = errors.New("storage: invalid argument")
	// ErrInjected: an error injected by MemFS.
	ErrInjected = errors.New("storage: injected fault")
)

// inconsistentf words an ErrInconsistent error as Hadoop's
// InconsistentFSStateException does.
func inconsistentf(dir, format string, args ...any) error {
	return fmt.Errorf("%w: Directory %s is in an inconsistent state: %s",
		ErrInconsistent, dir, fmt.Sprintf(format, args...))
}

// versionError is Hadoop's IncorrectVersionException for a layout newer
// than this NameNode's.
func versionError(lv int32, dir string) error {
	return fmt.Errorf("%w: Unexpected version of storage directory %s. Reported: %d. Expecting = %d.",
		ErrIncorrectVersion, dir, lv, LayoutVersion)
}

// tooOldError refuses a layout older than Hadoop 0.18's.
func tooOldError(lv int32, dir string) error {
	return fmt.Errorf("%w: %s has layout version %d; the oldest Hadoop upgrades from is %d (Hadoop-0.18)",
		ErrUnsupportedLayout, dir, lv, LastUpgradableLayoutVersion)
}

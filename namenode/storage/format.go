package storage

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"
)

// FormatOptions are the options of `hdfs namenode -format` and what the
// command needs from its surroundings.
type FormatOptions struct {
	ClusterID      string // -clusterid; empty: a new "CID-<uuid>"
	Force          bool   // -force: format directories that hold data
	NonInteractive bool   // -nonInteractive: never ask; refuse instead
	// Confirm asks the operator "<prompt> (Y or N)" in interactive mode;
	// nil counts as N.
	Confirm func(prompt string) bool
	// Stderr gets the lines Hadoop prints to System.err; nil discards them.
	Stderr io.Writer
	// ReformatDisabled is dfs.reformat.disabled: refuse to format over
	// any data, whatever the flags.
	ReformatDisabled bool
	// SaveImage writes the empty namespace's fsimage_0000000000000000000
	// into the image directories; nil leaves that to the caller
	// (SaveImage(fsys, dirs, 0, ...)).
	SaveImage ImageSaver
	Order     KeyOrder         // VERSION key order; zero is Java 9-17's
	Now       func() time.Time // nil: time.Now
	Rand      io.Reader        // nil: crypto/rand
	IP        string           // for the block pool ID; empty: DefaultIP()
}

// Format formats every directory of dirs as `hdfs namenode -format`
// does, and returns the new VERSION. First, like FSImage.confirmFormat, it
// looks for data in each directory; it goes on over data only with
// Force, refuses under NonInteractive, and otherwise asks. It then locks
// every directory (Hadoop does not; see doc.go) and, in each, replaces
// current/ with an empty one (mode 0700), writes seen_txid 0, the image
// when SaveImage is set and the directory holds images, and VERSION last.
// A directory that fails leaves dirs; Format fails only when every image
// or every edits directory failed. A refusal wraps ErrFormatAborted
// (Hadoop exits with status 1).
func Format(fsys FS, dirs *Dirs, opt FormatOptions) (Version, error) {
	if err := confirmFormat(fsys, dirs.Healthy(), opt); err != nil {
		return Version{}, err
	}
	v, err := opt.newVersion()
	if err != nil {
		return Version{}, err
	}
	locks, err := lockAll(fsys, dirs.Healthy(), true)
	if err != nil {
		return Version{}, err
	}
	defer unlockAll(locks)
	now := opt.now()
	err = dirs.Each(RoleImageAndEdits, func(d Dir) error {
		return formatDir(fsys, d, v, opt, now)
	})
	return v, err
}

func (opt FormatOptions) now() time.Time {
	if opt.Now == nil {
		return time.Now()
	}
	return opt.Now()
}

func (opt FormatOptions) newVersion() (Version, error) {
	ip := opt.IP
	if ip == "" {
		ip = DefaultIP()
	}
	return NewVersion(opt.ClusterID, ip, opt.now(), opt.Rand)
}

// confirmFormat is Storage.confirmFormat over the directories, preceded by
// NameNode.format's dfs.reformat.disabled check.
func confirmFormat(fsys FS, dirs []Dir, opt FormatOptions) error {
	say := func(s string) {
		if opt.Stderr != nil {
			fmt.Fprintln(opt.Stderr, s)
		}
	}
	for _, d := range dirs {
		data, err := hasSomeData(fsys, d.Root)
		if err != nil {
			return err
		}
		switch {
		case !data:
			continue
		case opt.ReformatDisabled:
			return fmt.Errorf("%w: NameNode format aborted as reformat is disabled for this cluster.", ErrFormatAborted)
		case opt.Force:
			say("Data exists in " + d.hadoopName() + ". Formatting anyway.")
		case opt.NonInteractive:
			say("Running in non-interactive mode, and data appears to exist in " + d.hadoopName() + ". Not formatting.")
			return fmt.Errorf("%w: data exists in %s (non-interactive mode)", ErrFormatAborted, d.Root)
		case opt.Confirm == nil || !opt.Confirm("Re-format filesystem in "+d.hadoopName()+" ?"):
			say("Format aborted in " + d.hadoopName())
			return fmt.Errorf("%w: not confirmed for %s", ErrFormatAborted, d.Root)
		}
	}
	return nil
}

// hasSomeData is StorageDirectory.hasSomeData: a missing or empty
// directory holds nothing; a file where the directory should be counts as
// data.
func hasSomeData(fsys FS, root string) (bool, error) {
	st, err := fsys.Stat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: %s: %w", root, err)
	}
	if !st.IsDir() {
		return true, nil
	}
	names, err := fsys.ReadDir(root)
	if err != nil {
		return false, fmt.Errorf("storage: listing %s: %w", root, err)
	}
	return len(names) > 0, nil
}

// formatDir formats one directory; VERSION goes last, so a directory
// whose format stopped half way is NOT_FORMATTED, not a formatted one
// without an image.
func formatDir(fsys FS, d Dir, v Version, opt FormatOptions, now time.Time) error {
	if err := ClearCurrent(fsys, d.Root); err != nil {
		return err
	}
	if err := WriteSeenTxID(fsys, d.Root, 0); err != nil {
		return err
	}
	if d.Holds(RoleImage) && opt.SaveImage != nil {
		if err := saveImageIn(fsys, d, 0, opt.SaveImage); err != nil {
			return err
		}
	}
	return WriteVersion(fsys, d.Root, v, opt.Order, now)
}

// CurrentDirPerm is dfs.namenode.storage.dir.perm's default, 700.
const CurrentDirPerm fs.FileMode = 0o700

// ClearCurrent replaces root/current with an empty directory
// (StorageDirectory.clearDirectory), creating root when missing.
func ClearCurrent(fsys FS, root string) error {
	cur := filepath.Join(root, DirCurrent)
	if err := fsys.RemoveAll(cur); err != nil {
		return fmt.Errorf("storage: Cannot remove current directory: %s: %w", cur, err)
	}
	if err := fsys.MkdirAll(cur, CurrentDirPerm); err != nil {
		return fmt.Errorf("storage: Cannot create directory %s: %w", cur, err)
	}
	return nil
}

// lockAll locks every directory, creating missing roots when create is
// set. On failure it releases what it took.
func lockAll(fsys FS, dirs []Dir, create bool) ([]*Lock, error) {
	var locks []*Lock
	for _, d := range dirs {
		if create {
			if err := fsys.MkdirAll(d.Root, 0o755); err != nil {
				unlockAll(locks)
				return nil, fmt.Errorf("storage: Cannot create directory %s: %w", d.Root, err)
			}
		}
		l, err := LockDir(fsys, d.Root)
		if err != nil {
			unlockAll(locks)
			return nil, err
		}
		locks = append(locks, l)
	}
	return locks, nil
}

func unlockAll(locks []*Lock) error {
	var errs []error
	for _, l := range locks {
		errs = append(errs, l.Unlock())
	}
	return errors.Join(errs...)
}

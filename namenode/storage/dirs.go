package storage

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"
)

// Role says what a directory holds (NNStorage.NameNodeDirType).
type Role uint8

// The roles. A directory named in both dfs.namenode.name.dir and
// dfs.namenode.edits.dir holds both (IMAGE_AND_EDITS).
const (
	RoleImage Role = 1 << iota
	RoleEdits
	RoleImageAndEdits = RoleImage | RoleEdits
)

func (r Role) String() string {
	switch r {
	case RoleImage:
		return "IMAGE"
	case RoleEdits:
		return "EDITS"
	case RoleImageAndEdits:
		return "IMAGE_AND_EDITS"
	}
	return "UNDEFINED"
}

// Dir is one configured storage directory.
type Dir struct {
	Root string
	Role Role
}

// Holds reports whether d holds files of role r.
func (d Dir) Holds(r Role) bool { return d.Role&r != 0 }

// Current is d's current/ directory.
func (d Dir) Current() string { return filepath.Join(d.Root, DirCurrent) }

// File is the path of a file in current/.
func (d Dir) File(name string) string { return filepath.Join(d.Root, DirCurrent, name) }

// hadoopName is how Hadoop prints a StorageDirectory in -format messages.
func (d Dir) hadoopName() string {
	return "Storage Directory root= " + d.Root + "; location= null"
}

// NewDirs lists the directories as NNStorage.setStorageDirectories does:
// the name directories in order (IMAGE_AND_EDITS when also an edits
// directory), then the edits directories not already listed. Paths are
// compared after filepath.Clean.
func NewDirs(nameDirs, editsDirs []string) *Dirs {
	edits := make([]string, 0, len(editsDirs))
	for _, e := range editsDirs {
		edits = append(edits, filepath.Clean(e))
	}
	var all []Dir
	for _, n := range nameDirs {
		n = filepath.Clean(n)
		role := RoleImage
		if i := slices.Index(edits, n); i >= 0 {
			role = RoleImageAndEdits
			edits = slices.Delete(edits, i, i+1)
		}
		all = append(all, Dir{Root: n, Role: role})
	}
	for _, e := range edits {
		all = append(all, Dir{Root: e, Role: RoleEdits})
	}
	d := &Dirs{}
	d.mu.healthy = all
	return d
}

// Dirs is the set of storage directories still in service. A directory
// whose write fails is reported with Failed and leaves the set; the
// NameNode goes on with the others, and stops when no directory of a role
// is left (Hadoop's reportErrorsOnDirectory and the "no storage
// directories left" checks). Dirs is safe for concurrent use.
type Dirs struct {
	mu struct {
		sync.Mutex
		healthy []Dir
		failed  []Failure
	}
}

// Failure is a directory taken out of service and why.
type Failure struct {
	Dir Dir
	Err error
}

// Healthy returns the directories in service, in configuration order.
func (d *Dirs) Healthy() []Dir {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.mu.healthy)
}

// Of returns the healthy directories holding role r.
func (d *Dirs) Of(r Role) []Dir {
	var out []Dir
	for _, dir := range d.Healthy() {
		if dir.Holds(r) {
			out = append(out, dir)
		}
	}
	return out
}

// Failures returns the directories taken out of service.
func (d *Dirs) Failures() []Failure {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.mu.failed)
}

// Failed takes dir out of service because of err. It returns an error
// wrapping ErrNoDirsLeft (and err) when no directory of a role dir held is
// left, in which case the NameNode cannot go on.
func (d *Dirs) Failed(dir Dir, err error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := slices.IndexFunc(d.mu.healthy, func(h Dir) bool { return h.Root == dir.Root })
	if i >= 0 {
		d.mu.healthy = slices.Delete(d.mu.healthy, i, i+1)
		d.mu.failed = append(d.mu.failed, Failure{Dir: dir, Err: err})
	}
	return d.leftLocked(dir.Role, err)
}

func (d *Dirs) leftLocked(r Role, cause error) error {
	for _, role := range []Role{RoleImage, RoleEdits} {
		if r&role == 0 {
			continue
		}
		if !slices.ContainsFunc(d.mu.healthy, func(h Dir) bool { return h.Holds(role) }) {
			return fmt.Errorf("%w: every %s directory failed; last: %w",
				ErrNoDirsLeft, roleWord(role), cause)
		}
	}
	return nil
}

func roleWord(r Role) string {
	switch r {
	case RoleImage:
		return "image"
	case RoleEdits:
		return "edits"
	}
	return "storage"
}

// Each runs fn on every healthy directory holding role r, in order. A
// directory whose fn fails is taken out of service and the others still
// run; Each returns an error only when no directory of that role is left.
func (d *Dirs) Each(r Role, fn func(Dir) error) error {
	dirs := d.Of(r)
	if len(dirs) == 0 {
		return fmt.Errorf("%w: no %s directory in service", ErrNoDirsLeft, roleWord(r))
	}
	var fatal error
	for _, dir := range dirs {
		if err := fn(dir); err != nil {
			if e := d.Failed(dir, err); e != nil && fatal == nil {
				fatal = e
			}
		}
	}
	return fatal
}

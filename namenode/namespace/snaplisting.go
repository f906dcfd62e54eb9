package namespace

import "bytes"

// Paged snapshot diff reports (getSnapshotDiffReportListing): instead of
// finished report lines, each changed directory's raw created and deleted
// children and each changed inode, in walk order, a page at a time; the
// client merges the pages into a report itself. A page ends after
// Config.DiffListingLimit entries with a cursor naming where the next one
// starts: the path of the inode being listed and, inside a directory, the
// position in its created list followed by its deleted list.

// defaultDiffListingLimit is dfs.snapshotdiff.listing.limit's default.
const defaultDiffListingLimit = 1000

// DiffCursor is SnapshotDiffReportCursorProto: the path (relative to the
// directory diffed, components joined by '/') and index where a page
// starts. The first page starts at the empty path and index -1; a page
// ending with that cursor is the last.
type DiffCursor struct {
	StartPath []byte
	Index     int
}

// DiffListingEntry is DiffReportListingEntry. A changed directory's
// entry names it twice and is a reference; a created child is a
// reference when it was renamed there; a deleted child renamed within
// the directory diffed has its new path as Target and is a reference.
type DiffListingEntry struct {
	DirID, FileID int64
	Path, Target  []byte // relative, components joined by '/'
	IsReference   bool
}

// DiffListing is SnapshotDiffReportListing, one page.
type DiffListing struct {
	Modified, Created, Deleted []DiffListingEntry
	IsFromEarlier              bool
	Cursor                     DiffCursor
}

// GetSnapshotDiffReportListing is ClientProtocol.getSnapshotDiffReportListing:
// the page of the diff between two snapshots that starts at cur. An empty
// snapshot name stands for the current tree (the stock client never pages
// against it).
func (t *Tree) GetSnapshotDiffReportListing(op Op, path, from, to string, cur DiffCursor) (*DiffListing, error) {
	path = javaString(path)
	var out *DiffListing
	err := t.read(func(v view) error {
		pc := t.checker(op, "computeSnapshotDiff")
		r, err := t.resolvePath(v, pc, path, opRead)
		if err != nil {
			return err
		}
		if t.cfg.PermissionsEnabled && !pc.super {
			for _, s := range []string{from, to} {
				if err := t.checkDiffRead(v, pc, path, s); err != nil {
					return err
				}
			}
		}
		out, err = t.diffListing(v, r, from, to, cur)
		return err
	})
	return out, err
}

func (t *Tree) diffListing(v view, r *resolved, from, to string, cur DiffCursor) (*DiffListing, error) {
	root, err := t.diffRoot(v, r)
	if err != nil {
		return nil, err
	}
	if err := t.checkIsDirectory(v, r); err != nil {
		return nil, err
	}
	sd := t.snapDirOf(v, root)
	if sd == nil {
		sd = &snapDir{}
	}
	fromID, err := t.snapshotID(v, sd, root, from)
	if err != nil {
		return nil, err
	}
	toID, err := t.snapshotID(v, sd, root, to)
	if err != nil {
		return nil, err
	}
	if from == to {
		return &DiffListing{Cursor: DiffCursor{StartPath: []byte{}, Index: -1}}, nil
	}
	d := &differ{t: t, early: t.diffView(v, fromID), late: t.diffView(v, toID), fromEarlier: fromID < toID}
	if !d.fromEarlier {
		d.early, d.late = d.late, d.early
	}
	top := r.last()
	d.earlyPaths = map[uint32][][]byte{}
	d.latePaths = map[uint32][][]byte{}
	d.index(d.early, top, nil, d.earlyPaths, nil)
	d.index(d.late, top, nil, d.latePaths, nil)
	l := &lister{d: d, limit: t.cfg.DiffListingLimit, index: cur.Index,
		out: &DiffListing{IsFromEarlier: d.fromEarlier}}
	if l.limit == 0 {
		l.limit = defaultDiffListingLimit
	}
	if len(cur.StartPath) > 0 {
		l.resume = bytes.Split(cur.StartPath, []byte("/"))
	}
	l.visit(top, nil, 0, len(cur.StartPath) == 0)
	l.out.Cursor = DiffCursor{StartPath: joinRel(l.lastPath), Index: l.index}
	if l.out.Cursor.StartPath == nil {
		l.out.Cursor.StartPath = []byte{}
	}
	return l.out, nil
}

// lister walks the early tree as computeDiffRecursively does with a
// cursor: it skips down the resume path, then lists until the page is
// full.
type lister struct {
	d        *differ
	limit    int
	out      *DiffListing
	resume   [][]byte
	index    int      // the position to go on from in the resumed directory's lists; -1 when none
	lastPath [][]byte // where the next page starts
}

func (l *lister) full() bool {
	return len(l.out.Modified)+len(l.out.Created)+len(l.out.Deleted) >= l.limit
}

// visit lists slot, at path in the early tree, and what is below it; it
// returns false when the walk stops (the page is full).
func (l *lister) visit(slot uint32, path [][]byte, level int, processing bool) bool {
	d := l.d
	if !processing && level == len(l.resume) && level > 0 && bytes.Equal(l.resume[level-1], path[len(path)-1]) {
		processing = true
	}
	e, lt := d.early.node(slot), d.late.node(slot)
	if !e.isDir() {
		if e.isFile() && processing && e != lt && !d.sameMeta(slot, e, lt) {
			return l.addFile(slot, path)
		}
		return true
	}
	var deleted []uint32
	if processing && e != lt && lt.isDir() {
		created, del := l.childDiff(slot)
		deleted = del
		if len(created)+len(deleted) > 0 || !d.sameMeta(slot, e, lt) {
			if !l.addDir(slot, path, created, deleted) {
				return false
			}
		}
	}
	iterate := false
	for _, k := range d.early.dir(slot).kids {
		name := d.early.name(k)
		if !processing && !iterate && (level >= len(l.resume) || !bytes.Equal(l.resume[level], name)) {
			continue
		}
		iterate = true
		level++
		if !l.follow(k, deleted) {
			continue
		}
		processing = l.visit(k, appendPath(path, bytes.Clone(name)), level, processing)
		if !processing {
			return false
		}
	}
	return true
}

// follow reports whether the walk goes into early child k: it is still
// there, or it was renamed to somewhere below the directory diffed.
func (l *lister) follow(k uint32, deleted []uint32) bool {
	for _, x := range deleted {
		if x == k {
			_, renamed := l.d.latePaths[k]
			return renamed
		}
	}
	return true
}

// childDiff is a directory's ChildrenDiff between the two trees: the
// children only the late tree has there, then those only the early one
// has, each by name.
func (l *lister) childDiff(dir uint32) (created, deleted []uint32) {
	d := l.d
	ek, lk := d.early.dir(dir).kids, d.late.dir(dir).kids
	for _, k := range lk {
		if !d.sameChild(k, dir, ek) {
			created = append(created, k)
		}
	}
	for _, k := range ek {
		if !d.sameChild(k, dir, lk) {
			deleted = append(deleted, k)
		}
	}
	return created, deleted
}

// addFile lists a changed file; false when the page is full.
func (l *lister) addFile(slot uint32, path [][]byte) bool {
	if l.full() {
		l.lastPath = path
		return false
	}
	id := l.d.t.idOf(slot)
	l.out.Modified = append(l.out.Modified, DiffListingEntry{DirID: id, FileID: id, Path: joinRel(path)})
	return true
}

// addDir lists a changed directory and its created and deleted children,
// going on from l.index when it is not -1; false when the page is full.
func (l *lister) addDir(dir uint32, path [][]byte, created, deleted []uint32) bool {
	d := l.d
	id := d.t.idOf(dir)
	if l.index == -1 {
		if l.full() {
			l.lastPath = path
			return false
		}
		l.out.Modified = append(l.out.Modified, DiffListingEntry{DirID: id, FileID: id, Path: joinRel(path), IsReference: true})
	}
	start := max(l.index, 0)
	for i := start; i < len(created); i++ {
		if l.full() {
			l.lastPath, l.index = path, i
			return false
		}
		k := created[i]
		_, moved := d.earlyPaths[k]
		l.out.Created = append(l.out.Created, DiffListingEntry{DirID: id, FileID: d.t.idOf(k),
			Path: joinRel(appendPath(path, d.late.name(k))), IsReference: moved})
	}
	start = max(l.index-len(created), 0)
	for i := start; i < len(deleted); i++ {
		if l.full() {
			l.lastPath, l.index = path, len(created)+i
			return false
		}
		k := deleted[i]
		e := DiffListingEntry{DirID: id, FileID: d.t.idOf(k), Path: joinRel(appendPath(path, d.early.name(k)))}
		if lp, renamed := d.latePaths[k]; renamed {
			e.Target, e.IsReference = joinRel(lp), true
		}
		l.out.Deleted = append(l.out.Deleted, e)
	}
	l.index = -1
	return true
}

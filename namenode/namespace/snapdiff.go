package namespace

import (
	"bytes"
	"slices"
)

// Snapshot diff reports (SnapshotManager.diff, SnapshotDiffInfo): what
// changed below a directory between two snapshots of its snapshottable
// root, or between a snapshot and the current tree.

// DiffType is SnapshotDiffReport.DiffType by its label.
type DiffType byte

// Diff entry types.
const (
	DiffCreate DiffType = '+'
	DiffModify DiffType = 'M'
	DiffDelete DiffType = '-'
	DiffRename DiffType = 'R'
)

// DiffEntry is one line of a report: paths relative to the directory
// diffed, components joined by '/' (empty for the directory itself);
// Target only for a rename.
type DiffEntry struct {
	Type         DiffType
	Path, Target []byte
}

// DiffReport is SnapshotDiffReport.
type DiffReport struct {
	Root, From, To string
	Entries        []DiffEntry
}

// GetSnapshotDiffReport is ClientProtocol.getSnapshotDiffReport; an empty
// snapshot name stands for the current tree.
func (t *Tree) GetSnapshotDiffReport(op Op, path, from, to string) (*DiffReport, error) {
	path = javaString(path)
	var rep *DiffReport
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
		rep, err = t.diff(v, r, path, from, to)
		return err
	})
	return rep, err
}

// checkDiffRead is FSDirSnapshotOp.checkSubtreeReadPermission.
func (t *Tree) checkDiffRead(v view, pc *checker, path, snap string) error {
	p := path
	if snap != "" {
		p = SnapshotPath(path, snap)
	}
	r, err := t.resolvePath(v, pc, p, opRead)
	if err != nil {
		return err
	}
	a := noAccess()
	a.self, a.sub = ActRead, ActRead
	return t.checkPermission(v, pc, r, a)
}

func (t *Tree) diff(v view, r *resolved, path, from, to string) (*DiffReport, error) {
	root, err := t.diffRoot(v, r)
	if err != nil {
		return nil, err
	}
	if err := t.checkIsDirectory(v, r); err != nil {
		return nil, err
	}
	rep := &DiffReport{Root: path, From: from, To: to}
	if from == "" && to == "" {
		return rep, nil
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
		return rep, nil
	}
	d := &differ{t: t, early: t.diffView(v, fromID), late: t.diffView(v, toID), fromEarlier: fromID < toID}
	if !d.fromEarlier {
		d.early, d.late = d.late, d.early
	}
	d.run(r.last())
	rep.Entries = d.entries
	return rep, nil
}

// diffRoot is SnapshotManager.checkAndGetSnapshottableAncestorDir
// (dfs.namenode.snapshotdiff.allow.snap-root-descendant is on by
// default): the snapshottable directory at or above the path.
func (t *Tree) diffRoot(v view, r *resolved) (uint32, error) {
	dir := r.last()
	if dir == nilSlot || !v.node(dir).isDir() {
		dir = r.at(-2)
	}
	if dir == nilSlot {
		return nilSlot, failMsg(ErrFileNotFound, "Directory does not exist: "+r.path())
	}
	for s := dir; s != nilSlot; s = v.node(s).parent {
		if t.snapDirOf(v, s) != nil || s == dir && s == rootSlot {
			return s, nil
		}
	}
	return nilSlot, failMsg(ErrSnapshot, "The path "+r.path()+" is neither snapshottable nor under a snapshot root!")
}

// snapshotID is DirectorySnapshottableFeature.getSnapshotByName; the
// current tree has the largest id.
func (t *Tree) snapshotID(v view, sd *snapDir, root uint32, name string) (int32, error) {
	if name == "" {
		return maxSnapshotID + 1, nil
	}
	i, found := sd.find(name)
	if !found {
		return 0, failMsg(ErrSnapshot, "Cannot find the snapshot of directory "+v.fullPath(root)+" with name "+name)
	}
	return sd.snaps[i].id, nil
}

// diffView reads the tree at snapshot id, or as it is.
func (t *Tree) diffView(v view, id int32) view {
	if id > maxSnapshotID {
		return v
	}
	return view{t: t, r: v.r, snap: &snapView{sid: id, root: nilSlot}}
}

// differ computes a report: early and late are the two trees, whatever
// the order asked.
type differ struct {
	t           *Tree
	early, late view
	fromEarlier bool
	latePaths   map[uint32][][]byte // inodes of the late tree: their paths
	earlyPaths  map[uint32][][]byte
	earlyParent map[uint32]uint32
	nodes       []diffNode
	entries     []DiffEntry
}

// diffNode is a modified inode and its entries, sorted by path at the end
// (SnapshotDiffInfo's diffMap).
type diffNode struct {
	path    [][]byte
	entries []DiffEntry
}

func (d *differ) run(top uint32) {
	d.earlyPaths = map[uint32][][]byte{}
	d.latePaths = map[uint32][][]byte{}
	d.earlyParent = map[uint32]uint32{}
	d.index(d.early, top, nil, d.earlyPaths, d.earlyParent)
	d.index(d.late, top, nil, d.latePaths, nil)
	d.walk(top, nil)
	slices.SortFunc(d.nodes, func(a, b diffNode) int { return comparePaths(a.path, b.path) })
	for _, n := range d.nodes {
		d.entries = append(d.entries, n.entries...)
	}
}

// index records the path of every inode below top in one tree.
func (d *differ) index(v view, top uint32, path [][]byte, m map[uint32][][]byte, parent map[uint32]uint32) {
	m[top] = path
	if !v.node(top).isDir() {
		return
	}
	for _, k := range v.dir(top).kids {
		if parent != nil {
			parent[k] = top
		}
		d.index(v, k, appendPath(path, bytes.Clone(v.name(k))), m, parent)
	}
}

func appendPath(p [][]byte, name []byte) [][]byte {
	return append(p[:len(p):len(p)], name)
}

// walk is computeDiffRecursively: slot is in the early tree at path (or
// at the path it was renamed to).
func (d *differ) walk(slot uint32, path [][]byte) {
	e, l := d.early.node(slot), d.late.node(slot)
	if e == l { // the same record: unchanged itself
		if e.isDir() {
			for _, k := range d.early.dir(slot).kids {
				d.child(k, path)
			}
		}
		return
	}
	var entries []DiffEntry
	if e.isDir() && l.isDir() {
		entries = d.children(slot, path)
	}
	if len(entries) > 0 || !d.sameMeta(slot, e, l) {
		d.nodes = append(d.nodes, diffNode{path: path,
			entries: append([]DiffEntry{{Type: DiffModify, Path: joinRel(path)}}, entries...)})
	}
	if e.isDir() {
		for _, k := range d.early.dir(slot).kids {
			d.child(k, path)
		}
	}
}

// child goes on into a child of the early tree that is still in the late
// one.
func (d *differ) child(k uint32, parent [][]byte) {
	lp, ok := d.latePaths[k]
	if !ok {
		return
	}
	if ep := d.earlyPaths[k]; comparePaths(ep, lp) == 0 {
		d.walk(k, appendPath(parent, ep[len(ep)-1]))
		return
	}
	d.walk(k, lp)
}

// children is ChildrenDiff and generateReport: created, then deleted or
// renamed children.
func (d *differ) children(dir uint32, path [][]byte) []DiffEntry {
	ek, lk := d.early.dir(dir).kids, d.late.dir(dir).kids
	var out []DiffEntry
	created, deleted := DiffCreate, DiffDelete
	if !d.fromEarlier {
		created, deleted = deleted, created
	}
	for _, k := range lk {
		if d.sameChild(k, dir, ek) {
			continue
		}
		if _, renamed := d.earlyPaths[k]; renamed {
			if _, walked := d.latePaths[d.earlyParent[k]]; walked {
				continue // reported as a rename where it was
			}
		}
		out = append(out, DiffEntry{Type: created, Path: joinRel(appendPath(path, d.late.name(k)))})
	}
	for _, k := range ek {
		if d.sameChild(k, dir, lk) {
			continue
		}
		ep := appendPath(path, d.early.name(k))
		if lp, renamed := d.latePaths[k]; renamed {
			src, dst := joinRel(ep), joinRel(lp)
			if !d.fromEarlier {
				src, dst = dst, src
			}
			out = append(out, DiffEntry{Type: DiffRename, Path: src, Target: dst})
			continue
		}
		out = append(out, DiffEntry{Type: deleted, Path: joinRel(ep)})
	}
	return out
}

// sameChild reports whether k is in the other tree's children of dir under
// the same name.
func (d *differ) sameChild(k, dir uint32, other []uint32) bool {
	if !slices.Contains(other, k) {
		return false
	}
	return bytes.Equal(d.early.name(k), d.late.name(k))
}

// sameMeta is metadataEquals, with a file's length and blocks.
func (d *differ) sameMeta(slot uint32, e, l *inode) bool {
	if e.perm != l.perm || e.kind() != l.kind() {
		return false
	}
	ex, ea := d.t.featuresOf(d.early, slot)
	lx, la := d.t.featuresOf(d.late, slot)
	if !slices.EqualFunc(ex, lx, func(a, b XAttr) bool {
		return a.NS == b.NS && a.Name == b.Name && bytes.Equal(a.Value, b.Value)
	}) || !slices.Equal(ea, la) {
		return false
	}
	if !e.isFile() {
		return true
	}
	return e.a == l.a && e.mtime == l.mtime &&
		slices.Equal(d.t.chainIDs(nil, e.b), d.t.chainIDs(nil, l.b)) &&
		d.t.fileSize(d.early, slot, false) == d.t.fileSize(d.late, slot, false)
}

func joinRel(p [][]byte) []byte { return bytes.Join(p, []byte("/")) }

// comparePaths orders paths component by component, a prefix first.
func comparePaths(a, b [][]byte) int {
	for i := range min(len(a), len(b)) {
		if c := compareNames(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

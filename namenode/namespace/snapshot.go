package namespace

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Snapshots: snapshottable directories and their snapshots (Hadoop's
// SnapshotManager, DirectorySnapshottableFeature and FSDirSnapshotOp).
// How a snapshot keeps what it saw is in snapcow.go; how it is read, in
// snapread.go.

// Snapshot limits (DirectorySnapshottableFeature.SNAPSHOT_QUOTA_DEFAULT,
// the default dfs.namenode.snapshot.max.limit and
// dfs.namenode.snapshot.filesystem.limit, SnapshotManager's 28-bit ids).
const (
	SnapshotQuotaDefault = 1 << 16
	maxSnapshotID        = 1<<28 - 1
)

// snapDir is DirectorySnapshottableFeature: a snapshottable directory's
// snapshot quota and snapshots, sorted by name (snapshotsByNames). It is
// guarded by the directory's shard.
type snapDir struct {
	quota int
	snaps []*snapInfo
	last  int32 // the newest snapshot's id, -1 without snapshots
}

// snapInfo is one snapshot: its id, name and Snapshot.Root, the copy of
// the directory's attributes taken when it was created (its mtime moves
// on a rename of the snapshot) with the directory's xattrs and ACL.
type snapInfo struct {
	id     int32
	name   string
	root   inode
	xattrs []XAttr
	acl    []AclEntry
	lastID int64 // the last inode id allocated when it was taken
}

// latest is the directory's newest snapshot id, -1 without snapshots.
func (d *snapDir) latest() int32 {
	l := int32(-1)
	for _, s := range d.snaps {
		l = max(l, s.id)
	}
	return l
}

func (d *snapDir) find(name string) (int, bool) {
	return slices.BinarySearchFunc(d.snaps, []byte(name), func(s *snapInfo, n []byte) int {
		return compareNames([]byte(s.name), n)
	})
}

// snapState is the writer's view of every snapshot (SnapshotManager's
// counters) and the bookkeeping of snapcow.go. Writer only.
type snapState struct {
	counter  int32               // the id the next snapshot gets
	versions int                 // versions in all shards
	live     []int32             // ids of existing snapshots, sorted
	lastIDs  map[int32]int64     // id -> last inode id when taken
	dirs     map[uint32]bool     // snapshottable directories (not the root unless allowed)
	vref     map[uint32]int32    // how many version child lists hold a slot
	orphan   map[uint32]bool     // inodes out of the live tree kept for snapshots
	marks    map[uint32]int32    // renamed out of a snapshot: the newest snapshot that may see it
	home     map[uint32]uint32   // kept inode -> the directory its usage counts in (snapquota.go)
	homed    map[uint32][]uint32 // directory -> the kept inodes whose home it is
}

func newSnapState() snapState {
	return snapState{lastIDs: map[int32]int64{}, dirs: map[uint32]bool{}, vref: map[uint32]int32{},
		orphan: map[uint32]bool{}, marks: map[uint32]int32{},
		home: map[uint32]uint32{}, homed: map[uint32][]uint32{}}
}

// active reports whether any snapshot exists.
func (s *snapState) active() bool { return len(s.live) > 0 }

// SnapshotCounter is the id the next snapshot gets (the image's
// SnapshotSection.snapshotCounter).
func (t *Tree) SnapshotCounter() int32 {
	var c int32
	_ = t.write(func(*wtx) error { c = t.snap.counter; return nil })
	return c
}

// SetSnapshotCounter sets the id the next snapshot gets, for an image
// loader.
func (t *Tree) SetSnapshotCounter(c int32) {
	_ = t.write(func(*wtx) error { t.snap.counter = c; return nil })
}

func (t *Tree) snapDirOf(v view, slot uint32) *snapDir {
	v.need(shardOf(slot))
	return t.shards[shardOf(slot)].sdir[slot]
}

// isSnapshottable is INodeDirectory.isSnapshottable in the live tree: the
// root always is (with a snapshot quota of 0 until allowed).
func (t *Tree) isSnapshottable(v view, slot uint32) bool {
	if v.snap != nil {
		return false
	}
	return slot == rootSlot || t.snapDirOf(v, slot) != nil
}

// snapshotRootDir is SnapshotManager.getSnapshottableRoot.
func (t *Tree) snapshotRootDir(v view, r *resolved) (*snapDir, error) {
	last := r.last()
	if err := t.checkIsDirectory(v, r); err != nil {
		return nil, err
	}
	if d := t.snapDirOf(v, last); d != nil {
		return d, nil
	}
	if last == rootSlot {
		return &snapDir{}, nil // the root's feature, with a quota of 0
	}
	return nil, failMsg(ErrSnapshot, "Directory is not a snapshottable directory: "+r.path())
}

// checkIsDirectory is INodeDirectory.valueOf.
func (t *Tree) checkIsDirectory(v view, r *resolved) error {
	switch last := r.last(); {
	case last == nilSlot:
		return failMsg(ErrFileNotFound, "Directory does not exist: "+r.path())
	case !v.node(last).isDir():
		return failMsg(ErrPathIsNotDirectory, r.path()+" is not a directory")
	}
	return nil
}

// AllowSnapshot is ClientProtocol.allowSnapshot (superuser only): the
// directory becomes snapshottable, or gets its snapshot quota back.
func (t *Tree) AllowSnapshot(op Op, path string) (*Change, error) {
	return t.snapshottableOp(op, path, KindAllowSnapshot, "allowSnapshot")
}

// DisallowSnapshot is ClientProtocol.disallowSnapshot (superuser only).
func (t *Tree) DisallowSnapshot(op Op, path string) (*Change, error) {
	return t.snapshottableOp(op, path, KindDisallowSnapshot, "disallowSnapshot")
}

func (t *Tree) snapshottableOp(op Op, path string, k Kind, name string) (*Change, error) {
	path = javaString(path)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, name)
		if t.cfg.PermissionsEnabled {
			if err := pc.checkSuperuser(); err != nil {
				return err
			}
		}
		rec := Record{Kind: k, Path: path}
		var err error
		if k == KindAllowSnapshot {
			err = t.allowSnapshot(w, &rec, true)
		} else {
			err = t.disallowSnapshot(w, &rec)
		}
		if err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

// allowSnapshot is SnapshotManager.setSnapshottable; live calls check
// that snapshottable directories do not nest, replay does not.
func (t *Tree) allowSnapshot(w *wtx, rec *Record, checkNested bool) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return err
	}
	if err := t.checkIsDirectory(v, r); err != nil {
		return err
	}
	d := r.last()
	if checkNested {
		if err := t.checkNested(v, d, rec.Path); err != nil {
			return err
		}
	}
	w.lock(shardOf(d))
	sh := &t.shards[shardOf(d)]
	if sd := sh.sdir[d]; sd != nil {
		sd.quota = SnapshotQuotaDefault
	} else {
		if sh.sdir == nil {
			sh.sdir = map[uint32]*snapDir{}
		}
		sh.sdir[d] = &snapDir{quota: SnapshotQuotaDefault, last: -1}
	}
	t.snap.dirs[d] = true
	return nil
}

// checkNested is SnapshotManager.checkNestedSnapshottable.
func (t *Tree) checkNested(v view, d uint32, path string) error {
	for s := range t.snap.dirs {
		if s == d {
			continue
		}
		if t.isAncestor(v, d, s) {
			return failMsg(ErrSnapshot, "Nested snapshottable directories not allowed: path="+path+
				", the subdirectory "+v.fullPath(s)+" is already a snapshottable directory.")
		}
		if t.isAncestor(v, s, d) {
			return failMsg(ErrSnapshot, "Nested snapshottable directories not allowed: path="+path+
				", the ancestor "+v.fullPath(s)+" is already a snapshottable directory.")
		}
	}
	return nil
}

// isAncestor reports whether a is a proper ancestor of s in the live tree.
func (t *Tree) isAncestor(v view, a, s uint32) bool {
	for p := v.node(s).parent; p != nilSlot; p = v.node(p).parent {
		if p == a {
			return true
		}
	}
	return false
}

// disallowSnapshot is SnapshotManager.resetSnapshottable.
func (t *Tree) disallowSnapshot(w *wtx, rec *Record) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return err
	}
	if err := t.checkIsDirectory(v, r); err != nil {
		return err
	}
	d := r.last()
	w.lock(shardOf(d))
	sh := &t.shards[shardOf(d)]
	sd := sh.sdir[d]
	if sd == nil {
		return nil
	}
	if len(sd.snaps) > 0 {
		return failMsg(ErrSnapshot, "The directory "+rec.Path+" has snapshot(s). "+
			"Please redo the operation after removing all the snapshots.")
	}
	delete(sh.sdir, d)
	delete(t.snap.dirs, d)
	return nil
}

// DefaultSnapshotName is Snapshot.generateDefaultSnapshotName for the
// time now (ms), in the NameNode's local time zone as Hadoop formats it.
func DefaultSnapshotName(now int64) string {
	return time.UnixMilli(now).Format("s20060102-150405.000")
}

// SnapshotPath is Snapshot.getSnapshotPath.
func SnapshotPath(root, name string) string {
	if root == "/" {
		return "/" + dotSnapshot + "/" + name
	}
	return root + "/" + dotSnapshot + "/" + name
}

// CreateSnapshot is ClientProtocol.createSnapshot; an empty name gets
// the default one. Change.SnapshotPath is the new snapshot's path.
func (t *Tree) CreateSnapshot(op Op, root, name string) (*Change, error) {
	root = javaString(root)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		r, err := t.snapshotOpPath(w.view(), op, root, "createSnapshot")
		if err != nil {
			return err
		}
		if name == "" {
			name = DefaultSnapshotName(op.Now)
		} else if !isValidComponent(name) {
			return failMsg(ErrInvalidPath, "Invalid snapshot name: "+name)
		}
		if err := t.verifySnapshotName(name, root); err != nil {
			return err
		}
		rec := Record{Kind: KindCreateSnapshot, Path: r.path(), Snapshot: name, Timestamp: op.Now}
		if err := t.createSnapshot(w, &rec); err != nil {
			return err
		}
		ch.Records, ch.OK, ch.SnapshotPath = []Record{rec}, true, SnapshotPath(root, name)
		return nil
	})
	return ch, err
}

// snapshotOpPath resolves the root of a snapshot operation for writing
// and checks its owner, as FSDirSnapshotOp does.
func (t *Tree) snapshotOpPath(v view, op Op, root, name string) (*resolved, error) {
	pc := t.checker(op, name)
	r, err := t.resolvePath(v, pc, root, opWrite)
	if err != nil {
		return nil, err
	}
	if t.cfg.PermissionsEnabled && !pc.super {
		if err := t.checkOwner(v, pc, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// verifySnapshotName is FSDirSnapshotOp.verifySnapshotName.
func (t *Tree) verifySnapshotName(name, path string) error {
	if strings.Contains(name, "/") {
		return failMsg(ErrHadoopIllegalArgument, "Snapshot name cannot contain \"/\"")
	}
	if name == dotSnapshot {
		return failMsg(ErrHadoopIllegalArgument, "\""+dotSnapshot+"\" is a reserved name.")
	}
	return t.checkComponentLength([]byte(name), path)
}

// isValidComponent is DFSUtil.isValidNameForComponent.
func isValidComponent(c string) bool {
	if c == "." || c == ".." || strings.ContainsAny(c, ":/") {
		return false
	}
	return c != dotSnapshot && c != dotReserved
}

// createSnapshot is SnapshotManager.createSnapshot.
func (t *Tree) createSnapshot(w *wtx, rec *Record) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return err
	}
	sd, err := t.snapshotRootDir(v, r)
	if err != nil {
		return err
	}
	if t.snap.counter == maxSnapshotID {
		return failMsg(ErrSnapshot, "Failed to create the snapshot. The FileSystem has run out of "+
			"snapshot IDs and ID rollover is not supported and the max snapshot limit is: "+
			strconv.Itoa(t.maxSnapshots()))
	}
	if n := len(t.snap.live); n >= t.cfg.snapshotFSLimit() {
		return t.snapshotLimit(n, "file system", t.cfg.snapshotFSLimit())
	}
	n := len(sd.snaps)
	if n+1 > sd.quota {
		return fail(ErrSnapshot, "Failed to add snapshot: there are already %d snapshot(s) and the snapshot quota is %d",
			n, sd.quota)
	}
	if n >= t.maxSnapshots() {
		return t.snapshotLimit(n, "per directory", t.maxSnapshots())
	}
	i, found := sd.find(rec.Snapshot)
	if found {
		return failMsg(ErrSnapshot, "Failed to add snapshot: there is already a snapshot with the same name \""+
			rec.Snapshot+"\".")
	}
	d := r.last()
	w.lock(shardOf(d))
	dn := t.nodes.at(d) // the mtime moves without a copy, as in Hadoop
	dn.mtime = max(dn.mtime, rec.Timestamp)
	id := t.snap.counter
	s := &snapInfo{id: id, name: rec.Snapshot, root: *dn, lastID: t.lastID.Load()}
	s.root.mtime = rec.Timestamp
	s.xattrs, s.acl = t.featuresOf(v, d)
	sd.snaps = slices.Insert(sd.snaps, i, s)
	sd.last = id
	t.snap.counter++
	t.snap.live = append(t.snap.live, id) // ids only grow
	t.snap.lastIDs[id] = s.lastID
	return nil
}

func (t *Tree) snapshotLimit(n int, kind string, limit int) error {
	return fail(ErrSnapshot, "Failed to create snapshot: there are already %d snapshot(s) and the %s snapshot limit is %d",
		n, kind, limit)
}

func (t *Tree) maxSnapshots() int { return t.cfg.snapshotLimit() }

// DeleteSnapshot is ClientProtocol.deleteSnapshot. What only the snapshot
// held is freed: Change.Removed has its blocks and inodes.
func (t *Tree) DeleteSnapshot(op Op, root, name string) (*Change, error) {
	root = javaString(root)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		r, err := t.snapshotOpPath(w.view(), op, root, "deleteSnapshot")
		if err != nil {
			return err
		}
		rec := Record{Kind: KindDeleteSnapshot, Path: r.path(), Snapshot: name, Timestamp: op.Now}
		if ch.Removed, err = t.deleteSnapshot(w, &rec, true); err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

// deleteSnapshot is SnapshotManager.deleteSnapshot. On replay a missing
// snapshot is skipped, as Hadoop does while it loads edits.
func (t *Tree) deleteSnapshot(w *wtx, rec *Record, live bool) (Removed, error) {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return Removed{}, err
	}
	sd, err := t.snapshotRootDir(v, r)
	if err != nil {
		return Removed{}, err
	}
	i, found := sd.find(rec.Snapshot)
	if !found {
		if !live {
			return Removed{}, nil
		}
		return Removed{}, failMsg(ErrSnapshot, "Cannot delete snapshot "+rec.Snapshot+" from path "+
			v.fullPath(r.last())+": the snapshot does not exist.")
	}
	d := r.last()
	w.lock(shardOf(d))
	id := sd.snaps[i].id
	sd.snaps = slices.Delete(sd.snaps, i, i+1)
	var rm Removed
	t.dropSnapshot(w, d, id, &rm)
	dn := t.nodes.at(d)
	dn.mtime = max(dn.mtime, rec.Timestamp)
	return rm, nil
}

// RenameSnapshot is ClientProtocol.renameSnapshot.
func (t *Tree) RenameSnapshot(op Op, root, oldName, newName string) (*Change, error) {
	root = javaString(root)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		r, err := t.snapshotOpPath(w.view(), op, root, "renameSnapshot")
		if err != nil {
			return err
		}
		if err := t.verifySnapshotName(newName, root); err != nil {
			return err
		}
		rec := Record{Kind: KindRenameSnapshot, Path: r.path(), Snapshot: oldName, SnapshotNew: newName,
			Timestamp: op.Now}
		if err := t.renameSnapshot(w, &rec); err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

// renameSnapshot is DirectorySnapshottableFeature.renameSnapshot.
func (t *Tree) renameSnapshot(w *wtx, rec *Record) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return err
	}
	sd, err := t.snapshotRootDir(v, r)
	if err != nil {
		return err
	}
	i, found := sd.find(rec.Snapshot)
	if !found {
		return failMsg(ErrSnapshot, "The snapshot "+rec.Snapshot+" does not exist for directory "+rec.Path)
	}
	if rec.SnapshotNew == rec.Snapshot {
		return nil
	}
	if _, found := sd.find(rec.SnapshotNew); found {
		return failMsg(ErrSnapshot, "The snapshot "+rec.SnapshotNew+" already exists for directory "+rec.Path)
	}
	w.lock(shardOf(r.last()))
	s := sd.snaps[i]
	sd.snaps = slices.Delete(sd.snaps, i, i+1)
	s.name = rec.SnapshotNew
	s.root.mtime = rec.Timestamp
	j, _ := sd.find(s.name)
	sd.snaps = slices.Insert(sd.snaps, j, s)
	return nil
}

func (t *Tree) applySnapshot(w *wtx, rec *Record) (Removed, error) {
	switch rec.Kind {
	case KindAllowSnapshot:
		return Removed{}, t.allowSnapshot(w, rec, false)
	case KindDisallowSnapshot:
		return Removed{}, t.disallowSnapshot(w, rec)
	case KindCreateSnapshot:
		return Removed{}, t.createSnapshot(w, rec)
	case KindDeleteSnapshot:
		return t.deleteSnapshot(w, rec, false)
	}
	return Removed{}, t.renameSnapshot(w, rec)
}

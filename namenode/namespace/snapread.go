package namespace

import (
	"bytes"
	"slices"
	"strings"
)

// Reading snapshots: ".snapshot" paths (INodesInPath.resolve), the
// snapshot listings and the snapshottable directories.

// snapView is one snapshot being read: its id, and its root directory,
// whose record reads as the snapshot's Root (snapInfo.root) with the
// children the directory had when the snapshot was taken.
type snapView struct {
	sid     int32
	root    uint32
	info    *snapInfo
	rootDir dirRec
}

// snapNode returns slot as the snapshot saw it: the snapshot's Root, the
// first version labelled at or after the snapshot, or nil (the inode has
// not changed since). The caller holds slot's shard.
func (v view) snapNode(slot uint32) *inode {
	if slot == v.snap.root && v.snap.info != nil {
		return &v.snap.info.root
	}
	if ver := v.versionOf(slot); ver != nil {
		return &ver.rec
	}
	return nil
}

func (v view) versionOf(slot uint32) *version {
	h := v.t.shards[shardOf(slot)].hist[slot]
	for i := range h {
		if h[i].sid >= v.snap.sid {
			return &h[i]
		}
	}
	return nil
}

// newSnapView starts reading snapshot s of directory d.
func (t *Tree) newSnapView(v view, d uint32, s *snapInfo) *snapView {
	sv := &snapView{sid: s.id, root: d}
	dv := view{t: t, r: v.r, snap: sv} // without info: d reads as its version
	sv.rootDir = dirRec{kids: t.dirs.at(dv.node(d).dirSlot()).kids}
	sv.info = s
	return sv
}

// isSnapshot is INodesInPath.isSnapshot: the path is in a snapshot or is
// a snapshottable directory's ".snapshot".
func (r *resolved) isSnapshot() bool { return r.snap != nil || r.dotSnap }

// viewAt is the view in which the inode at i reads: the snapshot's from
// the snapshot root on.
func (r *resolved) viewAt(v view, i int) view {
	if i < 0 {
		i += r.n()
	}
	if r.snap != nil && i >= r.snapPos {
		return view{t: v.t, r: v.r, snap: r.snap}
	}
	return v
}

// lastView is the view of the last inode.
func (r *resolved) lastView(v view) view { return r.viewAt(v, r.n()-1) }

// enterSnapshot handles ".snapshot" at comps[i] below the snapshottable
// directory at i-1: as the last component it names the directory of
// snapshots; else it and the next component become one component
// (".snapshot/name"), whose inode is the snapshot's root. It returns the
// view to resolve the rest with and false when resolution stops.
func (t *Tree) enterSnapshot(v view, r *resolved, i int) (view, bool) {
	if i == r.n()-1 {
		r.dotSnap = true
		return v, false
	}
	comps := make([][]byte, 0, len(r.comps)-1)
	comps = append(comps, r.comps[:i]...)
	comps = append(comps, []byte(dotSnapshot+"/"+string(r.comps[i+1])))
	comps = append(comps, r.comps[i+2:]...)
	name := string(r.comps[i+1])
	r.comps, r.nodes = comps, r.nodes[:len(comps)]
	d := r.nodes[i-1]
	sd := t.snapDirOf(v, d)
	if sd == nil {
		return v, false // the root, never allowed: no snapshots
	}
	j, found := sd.find(name)
	if !found {
		return v, false
	}
	r.snap, r.snapPos = t.newSnapView(v, d, sd.snaps[j]), i
	r.nodes[i] = d
	return view{t: t, r: v.r, snap: r.snap}, true
}

// dotSnapshotStatus is FSDirectory.DOT_SNAPSHOT_DIR_STATUS.
func dotSnapshotStatus() *FileStatus {
	return &FileStatus{Type: TypeDir, Permission: 0777, FileID: -1}
}

// snapshotsListing is FSDirStatAndListingOp.getSnapshotsListing: the
// snapshots of the directory, by name, after startAfter.
func (t *Tree) snapshotsListing(v view, r *resolved, after []byte) (*Listing, error) {
	d := r.at(-2)
	sd := t.snapDirOf(v, d)
	if sd == nil {
		sd = &snapDir{}
	}
	skip, found := slices.BinarySearchFunc(sd.snaps, after, func(s *snapInfo, n []byte) int {
		return compareNames([]byte(s.name), n)
	})
	if found {
		skip++
	}
	n := min(len(sd.snaps)-skip, t.cfg.ListLimit)
	l := &Listing{Entries: make([]FileStatus, n), Remaining: len(sd.snaps) - skip - n}
	for i := range n {
		l.Entries[i] = *t.snapRootStatus(v, d, sd.snaps[skip+i])
	}
	return l, nil
}

// snapRootStatus is the status of a snapshot's Root as the listing of
// ".snapshot" gives it: the Root's attributes, the directory's current
// number of children, no storage policy.
func (t *Tree) snapRootStatus(v view, d uint32, s *snapInfo) *FileStatus {
	sv := view{t: t, r: v.r, snap: &snapView{sid: s.id, root: d, info: s,
		rootDir: dirRec{kids: v.dir(d).kids}}}
	st := t.statusWith(sv, d, []byte(s.name), PolicyUnspecified)
	return st
}

// SnapshottableDir is SnapshottableDirectoryStatus.
type SnapshottableDir struct {
	Status         FileStatus // Name is the directory's local name
	SnapshotNumber int
	SnapshotQuota  int
	ParentFullPath string // empty for the root
}

// SnapshotStatus is one snapshot of a directory, as getSnapshotListing
// gives it.
type SnapshotStatus struct {
	Status         FileStatus // the snapshot's Root; Name is the snapshot's name
	ID             int
	ParentFullPath string // the snapshottable directory's path
}

// GetSnapshottableDirListing is ClientProtocol.getSnapshottableDirListing:
// the snapshottable directories (those of the caller, unless a
// superuser), by full path; nil when there are none.
func (t *Tree) GetSnapshottableDirListing(op Op) ([]SnapshottableDir, error) {
	var out []SnapshottableDir
	err := t.read(func(v view) error {
		out = nil
		pc := t.checker(op, "getSnapshottableDirListing")
		for s := range t.shards {
			v.need(s)
			for slot, sd := range t.shards[s].sdir {
				n := v.node(slot)
				if !pc.super && t.owner(n) != op.User {
					continue
				}
				if slot != rootSlot {
					v.need(shardOf(n.parent)) // guards slot's name
				}
				st := t.statusWith(v, slot, bytes.Clone(v.name(slot)), PolicyUnspecified)
				e := SnapshottableDir{Status: *st, SnapshotNumber: len(sd.snaps), SnapshotQuota: sd.quota}
				if slot != rootSlot {
					e.ParentFullPath = v.fullPath(n.parent)
				}
				out = append(out, e)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b SnapshottableDir) int {
		return strings.Compare(fullOf(a), fullOf(b))
	})
	return out, err
}

func fullOf(d SnapshottableDir) string {
	if d.ParentFullPath == "" {
		return "/" + string(d.Status.Name)
	}
	return childPath(d.ParentFullPath, d.Status.Name)
}

// GetSnapshotListing is ClientProtocol.getSnapshotListing: the snapshots
// of a snapshottable directory, by name.
func (t *Tree) GetSnapshotListing(op Op, path string) ([]SnapshotStatus, error) {
	path = javaString(path)
	var out []SnapshotStatus
	err := t.read(func(v view) error {
		out = nil
		pc := t.checker(op, "getSnapshotListing")
		r, err := t.resolveInternal(v, path, opRead)
		if err != nil {
			return err
		}
		if t.cfg.PermissionsEnabled {
			if err := t.checkPermission(v, pc, r, accessOf(actUnset, actUnset, ActRead)); err != nil {
				return err
			}
		}
		sd, err := t.snapshotRootDir(v, r)
		if err != nil {
			return err
		}
		d := r.last()
		for _, s := range sd.snaps {
			st := t.snapRootStatus(v, d, s)
			out = append(out, SnapshotStatus{Status: *st, ID: int(s.id), ParentFullPath: v.fullPath(d)})
		}
		return nil
	})
	return out, err
}

// BlocksAt returns the blocks of the file at src as the path sees them:
// through a ".snapshot" path, the blocks the snapshot holds (which may
// be longer than the snapshot's length; the caller clamps to
// FileStatus.Length). Nil when src is not a file.
func (t *Tree) BlocksAt(op Op, src string) ([]Block, error) {
	src = javaString(src)
	var out []Block
	err := t.read(func(v view) error {
		out = nil
		r, err := t.resolvePath(v, t.checker(op, "open"), src, opRead)
		if err != nil || r.last() == nilSlot {
			return err
		}
		lv := r.lastView(v)
		if !lv.node(r.last()).isFile() {
			return nil
		}
		for _, b := range t.blockSlots(lv, r.last()) {
			br := t.blocks.at(b)
			out = append(out, Block{ID: br.id, NumBytes: br.numBytes, GenStamp: br.genStamp, Complete: br.complete})
		}
		return nil
	})
	return out, err
}

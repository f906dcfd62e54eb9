package namespace

import (
	"errors"
	"strconv"
)

// dirOp is FSDirectory.DirOp: how a resolved path will be used.
type dirOp uint8

const (
	opRead dirOp = iota
	opReadLink
	opWrite
	opWriteLink
	opCreate
	opCreateLink
)

func (o dirOp) create() bool     { return o == opCreate || o == opCreateLink }
func (o dirOp) followLast() bool { return o == opRead || o == opWrite || o == opCreate }
func (o dirOp) readOnly() bool   { return o == opRead || o == opReadLink }

// resolved is INodesInPath: a path's components and, for each, its inode
// slot or nilSlot when it does not exist. Resolution stops at the first
// component that is missing or not a directory; the rest are nilSlot.
type resolved struct {
	comps [][]byte
	nodes []uint32
	raw   bool // the path was under /.reserved/raw

	// A path into a snapshot: ".snapshot/name" is one component, at
	// snapPos, whose inode is the snapshottable directory read as the
	// snapshot's root; the inodes from there on read in snap.
	snap    *snapView
	snapPos int
	dotSnap bool // the path ends at a snapshottable directory's ".snapshot"
}

func (r *resolved) n() int              { return len(r.nodes) }
func (r *resolved) last() uint32        { return r.nodes[len(r.nodes)-1] }
func (r *resolved) lastName() []byte    { return r.comps[len(r.comps)-1] }
func (r *resolved) path() string        { return joinPath(r.comps, 0, len(r.comps)) }
func (r *resolved) pathTo(i int) string { return joinPath(r.comps, 0, i+1) }
func (r *resolved) parentPath() string  { return r.pathTo(r.n() - 2) }

// at returns the slot at i, negative i counting from the end.
func (r *resolved) at(i int) uint32 {
	if i < 0 {
		i += r.n()
	}
	if i < 0 {
		return nilSlot
	}
	return r.nodes[i]
}

// existing is the number of leading components that exist.
func (r *resolved) existing() int {
	i := 0
	for i < r.n() && r.nodes[i] != nilSlot {
		i++
	}
	return i
}

// prefix returns the first n components of r.
func (r *resolved) prefix(n int) *resolved {
	p := &resolved{comps: r.comps[:n:n], nodes: r.nodes[:n:n], raw: r.raw}
	if r.snap != nil && n > r.snapPos {
		p.snap, p.snapPos = r.snap, r.snapPos
	}
	return p
}

// walk is INodesInPath.resolve, snapshots included.
func (t *Tree) walk(v view, comps [][]byte) *resolved {
	r := &resolved{comps: comps, nodes: make([]uint32, len(comps))}
	r.nodes[0] = rootSlot
	cur := v
	i := 1
	for ; i < r.n(); i++ {
		prev := r.nodes[i-1]
		if cur.node(prev).kind() != kindDir {
			break
		}
		if r.snap == nil && string(r.comps[i]) == dotSnapshot && t.isSnapshottable(v, prev) {
			var more bool
			if cur, more = t.enterSnapshot(v, r, i); more {
				continue
			}
			r.nodes[i] = nilSlot
			i++
			break
		}
		r.nodes[i] = cur.child(prev, r.comps[i])
		if r.nodes[i] == nilSlot {
			i++
			break
		}
	}
	for ; i < r.n(); i++ {
		r.nodes[i] = nilSlot
	}
	return r
}

// resolvePath is FSDirectory.resolvePath: validation for creates, reserved
// paths, the walk, the superuser rule of /.reserved/raw and the traverse
// check. src must already be a Java string (javaString).
func (t *Tree) resolvePath(v view, pc *checker, src string, op dirOp) (*resolved, error) {
	if op.create() && !isValidName(src) {
		return nil, failMsg(ErrInvalidPath, "Invalid file name: "+src)
	}
	comps, err := absComponents(src)
	if err != nil {
		return nil, err
	}
	raw := isReservedRawComps(comps)
	if comps, err = t.resolveReserved(v, comps); err != nil {
		return nil, err
	}
	r := t.walk(v, comps)
	r.raw = raw
	if t.cfg.PermissionsEnabled && raw && !op.readOnly() {
		if err := pc.checkSuperuser(); err != nil {
			return nil, err
		}
	}
	err = t.checkTraverse(v, pc, r, op.followLast())
	if errors.Is(err, ErrParentNotDirectory) && !op.create() {
		err = failMsg(ErrAccessControl, err.(*Error).Msg)
	}
	if err == nil {
		err = checkNotSnapshot(r, op)
	}
	return r, err
}

// checkNotSnapshot is the end of FSDirectory.checkTraverse: only reads
// may go into a snapshot.
func checkNotSnapshot(r *resolved, op dirOp) error {
	if !op.readOnly() && r.isSnapshot() {
		return failMsg(ErrSnapshotAccessControl, "Modification on a read-only snapshot is disallowed")
	}
	return nil
}

// absComponents is INode.getPathComponents with its absolute-path check.
func absComponents(src string) ([][]byte, error) {
	if len(src) == 0 || src[0] != '/' {
		return nil, failMsg(ErrAssertion, "Absolute path required, but got '"+src+"'")
	}
	return components(src), nil
}

// resolveInternal is FSDirectory.getINodesInPath, used on the paths of
// records: no reserved paths, no permissions, only the directory and
// symlink checks of the traverse.
func (t *Tree) resolveInternal(v view, path string, op dirOp) (*resolved, error) {
	comps, err := absComponents(path)
	if err != nil {
		return nil, err
	}
	r := t.walk(v, comps)
	if err := t.checkTraverse(v, nil, r, op.followLast()); err != nil {
		return r, err
	}
	return r, checkNotSnapshot(r, op)
}

// resolveReserved is FSDirectory.resolveComponents: /.reserved/.inodes/ID
// becomes the inode's path and /.reserved/raw/... the path below it.
func (t *Tree) resolveReserved(v view, comps [][]byte) ([][]byte, error) {
	if len(comps) < 3 || !isReservedComps(comps) {
		return comps, nil
	}
	switch string(comps[2]) {
	case dotInodes:
		if len(comps) > 3 {
			return t.resolveInodePath(v, comps)
		}
	case dotRaw:
		if len(comps) == 4 && string(comps[3]) == dotReserved {
			return comps, nil
		}
		return append([][]byte{{}}, comps[3:]...), nil
	}
	return comps, nil
}

func (t *Tree) resolveInodePath(v view, comps [][]byte) ([][]byte, error) {
	id, ok := parseJavaLong(string(comps[3]))
	if !ok {
		return nil, failMsg(ErrFileNotFound, "Invalid inode path: "+joinPath(comps, 0, len(comps)))
	}
	if id == RootID && len(comps) == 4 {
		return [][]byte{{}}, nil
	}
	slot := v.slotOf(id)
	if slot == nilSlot || v.node(slot).id != id {
		return nil, failMsg(ErrFileNotFound,
			"File for given inode path does not exist: "+joinPath(comps, 0, len(comps)))
	}
	if len(comps) > 4 && string(comps[4]) == ".." {
		p := v.node(slot).parent
		if p == nilSlot || p == rootSlot {
			return [][]byte{{}}, nil
		}
		return v.pathComps(p), nil
	}
	return append(v.pathComps(slot), comps[4:]...), nil
}

// verifyParentDir is FSDirectory.verifyParentDir.
func (t *Tree) verifyParentDir(v view, r *resolved) error {
	if r.n() <= 2 {
		return nil
	}
	switch p := r.at(-2); {
	case p == nilSlot:
		return failMsg(ErrFileNotFound, "Parent directory doesn't exist: "+r.parentPath())
	case !v.node(p).isDir():
		return failMsg(ErrParentNotDirectory, "Parent path is not a directory: "+r.parentPath())
	}
	return nil
}

// idString formats an inode id as Java does.
func idString(id int64) string { return strconv.FormatInt(id, 10) }

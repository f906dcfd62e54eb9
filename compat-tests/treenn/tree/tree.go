// Package tree is a small in-memory namespace for compatibility tests. It
// answers the two read questions a NameNode gets most often, "what is at this
// path" (Stat) and "what is in this directory after this name" (List), by the
// rules of Hadoop 3.4's FSDirStatAndListingOp, INodesInPath and
// FSPermissionChecker.checkTraverse:
//
//   - paths must be absolute; empty components ("//") are skipped, while "."
//     and ".." are ordinary names (the NameNode never normalises a path);
//   - children are kept sorted by signed-byte order
//     (DFSUtilClient.compareBytes), and a listing starts at the first child
//     greater than startAfter (INodeDirectory.nextChild);
//   - a symlink is never followed: naming or crossing one is an error;
//   - a status read by path has an empty name; only listings set it.
//
// The package knows nothing of protobuf, the network or the clock.
package tree

import (
	"cmp"
	"path"
	"slices"
	"strings"
)

// RootID is the inode id of "/" (Hadoop's INodeId.ROOT_INODE_ID). Other
// inodes are numbered from RootID+1 in the order they were added.
const RootID = 16385

// Kind is what an inode is.
type Kind uint8

// Kinds, as HdfsFileStatusProto.FileType distinguishes them.
const (
	Dir Kind = iota + 1
	File
	Symlink
)

// Entry describes an inode to add. Length, Replication and BlockSize are for
// files only; Target for symlinks only. Directories keep Atime 0, as Hadoop's
// do.
type Entry struct {
	Kind         Kind
	Owner, Group string
	Perm         uint16 // permission bits, sticky bit (01000) included
	Mtime, Atime int64  // milliseconds since the Unix epoch
	Length       uint64
	Replication  uint16
	BlockSize    uint64
	Target       string
}

// Status is what the NameNode reports about one inode.
type Status struct {
	ID   uint64
	Name string // local name in a listing; "" when read by path
	Entry
	Children int // number of children of a directory, 0 otherwise
}

// Listing is one page of a directory listing.
type Listing struct {
	Entries   []Status
	Remaining int // children after the last entry returned
}

// Tree is the namespace. Inodes live in one slice indexed by id-RootID, and
// owner and group names are interned, so the tree holds few pointers.
type Tree struct {
	nodes []node
	names []string
}

type node struct {
	name         string
	kind         Kind
	perm         uint16
	replication  uint16
	owner, group uint16 // indexes into Tree.names
	mtime, atime int64
	length       uint64
	blockSize    uint64
	target       string
	children     []int32 // indexes into Tree.nodes, sorted by name
}

// New returns a tree holding only "/", described by root (its Kind is
// ignored).
func New(root Entry) *Tree {
	t := &Tree{}
	root.Kind = Dir
	t.nodes = append(t.nodes, t.newNode("", root))
	return t
}

// Add creates the inode at path p. The parent must exist and be a
// directory.
func (t *Tree) Add(p string, e Entry) error {
	comps, err := components(p)
	if err != nil {
		return err
	}
	if len(comps) == 0 {
		return &PathError{ErrExist, p}
	}
	parent, err := t.resolve(comps[:len(comps)-1], true)
	if err != nil {
		return err
	}
	if t.nodes[parent].kind != Dir {
		return &PathError{ErrNotDirectory, pathOf(comps[:len(comps)-1])}
	}
	name := comps[len(comps)-1]
	pos, found := t.search(parent, name)
	if found {
		return &PathError{ErrExist, p}
	}
	id := int32(len(t.nodes))
	t.nodes = append(t.nodes, t.newNode(name, e))
	t.nodes[parent].children = slices.Insert(t.nodes[parent].children, pos, id)
	return nil
}

// Stat returns the status of the inode at p, following Hadoop's getFileInfo:
// a symlink as the last component is an error (ErrUnresolvedLink).
func (t *Tree) Stat(p string) (Status, error) {
	return t.stat(p, true)
}

// StatLink is Stat without the symlink check on the last component
// (Hadoop's getFileLinkInfo).
func (t *Tree) StatLink(p string) (Status, error) {
	return t.stat(p, false)
}

func (t *Tree) stat(p string, resolveLink bool) (Status, error) {
	comps, err := components(p)
	if err != nil {
		return Status{}, err
	}
	id, err := t.resolve(comps, resolveLink)
	if err != nil {
		return Status{}, err
	}
	return t.status(id, ""), nil
}

// List returns up to limit entries of the directory p that sort after
// startAfter. A file lists as itself, with an empty name, as Hadoop's
// getListing does.
func (t *Tree) List(p string, startAfter []byte, limit int) (Listing, error) {
	comps, err := components(p)
	if err != nil {
		return Listing{}, err
	}
	id, err := t.resolve(comps, true)
	if err != nil {
		return Listing{}, err
	}
	n := &t.nodes[id]
	if n.kind != Dir {
		return Listing{Entries: []Status{t.status(id, "")}}, nil
	}
	start := 0
	if len(startAfter) > 0 {
		pos, found := t.search(id, string(startAfter))
		start = pos
		if found {
			start++
		}
	}
	count := min(len(n.children)-start, max(limit, 0))
	l := Listing{Entries: make([]Status, 0, count), Remaining: len(n.children) - start - count}
	for _, c := range n.children[start : start+count] {
		l.Entries = append(l.Entries, t.status(c, t.nodes[c].name))
	}
	return l, nil
}

// resolve walks comps from the root. Like INodesInPath.resolve followed by
// checkSimpleTraverse, a missing component ends the walk with ErrNotFound
// before anything after it is checked.
func (t *Tree) resolve(comps []string, resolveLink bool) (int32, error) {
	cur := int32(0)
	for i, c := range comps {
		switch t.nodes[cur].kind {
		case Symlink:
			return 0, t.linkError(cur, comps, i)
		case File:
			return 0, &PathError{ErrNotDirectory, pathOf(comps[:i])}
		}
		pos, found := t.search(cur, c)
		if !found {
			return 0, &PathError{ErrNotFound, pathOf(comps)}
		}
		cur = t.nodes[cur].children[pos]
	}
	if resolveLink && t.nodes[cur].kind == Symlink {
		return 0, t.linkError(cur, comps, len(comps))
	}
	return cur, nil
}

// linkError reports the symlink link, reached after the components
// comps[:at], the way UnresolvedPathException.getResolvedPath does: an
// absolute target replaces everything up to the link, a relative one
// replaces just the link's name.
func (t *Tree) linkError(link int32, comps []string, at int) error {
	target := t.nodes[link].target
	if !strings.HasPrefix(target, "/") {
		target = path.Join(pathOf(comps[:at-1]), target)
	}
	return &PathError{ErrUnresolvedLink, path.Join(append([]string{target}, comps[at:]...)...)}
}

// search finds name among dir's children: its position, or where it would
// go.
func (t *Tree) search(dir int32, name string) (int, bool) {
	return slices.BinarySearchFunc(t.nodes[dir].children, name, func(c int32, name string) int {
		return compareNames(t.nodes[c].name, name)
	})
}

func (t *Tree) status(id int32, name string) Status {
	n := &t.nodes[id]
	s := Status{
		ID:   RootID + uint64(id),
		Name: name,
		Entry: Entry{
			Kind: n.kind, Owner: t.names[n.owner], Group: t.names[n.group],
			Perm: n.perm, Mtime: n.mtime, Atime: n.atime,
			Length: n.length, Replication: n.replication, BlockSize: n.blockSize,
			Target: n.target,
		},
	}
	if n.kind == Dir {
		s.Children = len(n.children)
	}
	return s
}

func (t *Tree) newNode(name string, e Entry) node {
	n := node{
		name: name, kind: e.Kind, perm: e.Perm,
		owner: t.intern(e.Owner), group: t.intern(e.Group),
		mtime: e.Mtime, atime: e.Atime,
	}
	switch e.Kind {
	case Dir:
		n.atime = 0
	case File:
		n.length, n.replication, n.blockSize = e.Length, e.Replication, e.BlockSize
	case Symlink:
		n.target = e.Target
	}
	return n
}

func (t *Tree) intern(s string) uint16 {
	if i := slices.Index(t.names, s); i >= 0 {
		return uint16(i)
	}
	t.names = append(t.names, s)
	return uint16(len(t.names) - 1)
}

// components splits an absolute path, skipping empty components as
// DFSUtilClient.bytes2byteArray does.
func components(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, &PathError{ErrNotAbsolute, p}
	}
	var comps []string
	for c := range strings.SplitSeq(p, "/") {
		if c != "" {
			comps = append(comps, c)
		}
	}
	return comps, nil
}

func pathOf(comps []string) string { return "/" + strings.Join(comps, "/") }

// compareNames orders names as Hadoop orders a directory's children: byte by
// byte with bytes taken as signed (Guava's SignedBytes comparator), so names
// with bytes >= 0x80 sort before ASCII ones.
func compareNames(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return cmp.Compare(int8(a[i]), int8(b[i]))
		}
	}
	return cmp.Compare(len(a), len(b))
}

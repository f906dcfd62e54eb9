package nnimage

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
)

// image describes a small image to write: the root and its children, and
// what to change in the sections.
type image struct {
	inodes   []fsimage.INode // besides the root
	dirEntry *fsimage.DirEntry
	refs     []fsimage.Reference
	snaps    fsimage.SnapshotHeader
	diffs    []fsimage.DiffEntry
}

var perm = fsimage.MakePermission(1, 1, 0o755)

func dirNode(id int64, name string) fsimage.INode {
	return fsimage.INode{Type: fsimage.TypeDirectory, ID: id, Name: []byte(name),
		Dir: &fsimage.INodeDirectory{NSQuota: -1, DSQuota: -1, Permission: perm, Present: fsimage.SavedDirectory}}
}

func fileNode(id int64, name string) fsimage.INode {
	return fsimage.INode{Type: fsimage.TypeFile, ID: id, Name: []byte(name),
		File: &fsimage.INodeFile{Replication: 3, PreferredBlockSize: 1 << 20, Permission: perm, Present: fsimage.SavedFile}}
}

func (m image) write(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fsimage_0000000000000000005")
	root := dirNode(fsimage.RootINodeID, "")
	root.Dir.NSQuota = 1<<63 - 1
	nodes := append([]fsimage.INode{root}, m.inodes...)
	var kids []int64
	for _, n := range m.inodes {
		kids = append(kids, n.ID)
	}
	entry := &fsimage.DirEntry{Parent: fsimage.RootINodeID, Children: kids}
	if m.dirEntry != nil {
		entry = m.dirEntry
	}
	num := int64(len(nodes))
	_, err := fsimage.WriteFile(p, fsimage.WriterOptions{}, func(w *fsimage.Writer) error {
		meta := NewMeta(7)
		w.NameSystem(meta.nameSystem())
		w.ErasureCoding(DefaultECPolicies())
		w.BeginINodes(&fsimage.INodeHeader{LastINodeID: fsimage.RootINodeID + 10, NumINodes: num, Present: fsimage.SavedINodeHeader})
		for i := range nodes {
			w.INode(&nodes[i])
		}
		w.BeginDirEntries()
		w.DirEntry(entry)
		w.BeginFilesUnderConstruction()
		w.BeginSnapshots(&m.snaps)
		if m.diffs != nil {
			w.BeginSnapshotDiffs()
			for i := range m.diffs {
				w.SnapshotDiff(&m.diffs[i])
			}
		}
		w.BeginReferences()
		for i := range m.refs {
			w.Reference(&m.refs[i])
		}
		w.SecretManager(&meta.SecretManager)
		w.CacheManager(&meta.CacheManager)
		return w.StringTable(fsimage.NewStringTable(3, []fsimage.StringEntry{{ID: 1 | 1<<29, Str: "hdfs"},
			{ID: 1 | 2<<29, Str: "supergroup"}}))
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// What the namespace cannot hold yet is refused whole, with an error
// naming the image and what it holds; inconsistent images are corrupt.
func TestLoadRefusesWhatTheNamespaceCannotHold(t *testing.T) {
	striped := fileNode(fsimage.RootINodeID+1, "ec")
	striped.File.ECPolicyID, striped.File.BlockType = 1, fsimage.Striped
	striped.File.Present = fsimage.SavedStripedFile
	badUser := dirNode(fsimage.RootINodeID+1, "who")
	badUser.Dir.Permission = fsimage.MakePermission(9, 1, 0o755)
	cases := []struct {
		name string
		img  image
		kind error
		want string
	}{
		{"diff for a snapshot never taken", image{diffs: []fsimage.DiffEntry{{Type: fsimage.DirectoryDiffType,
			INodeID: fsimage.RootINodeID, DirDiffs: []fsimage.DirDiff{{SnapshotID: 1, Present: fsimage.SavedDirDiff}}}}},
			ErrCorrupt, "inode 16385 has a diff for snapshot 1, outside [0, 0)"},
		{"missing reference", image{dirEntry: &fsimage.DirEntry{Parent: fsimage.RootINodeID, RefChildren: []int32{0}}},
			ErrCorrupt, "directory entry names inode reference 0 of 0"},
		{"renamed-away reference as a live child", image{inodes: []fsimage.INode{fileNode(fsimage.RootINodeID+1, "f")},
			dirEntry: &fsimage.DirEntry{Parent: fsimage.RootINodeID, RefChildren: []int32{0}},
			refs:     []fsimage.Reference{{ReferredID: fsimage.RootINodeID + 1, Name: []byte("g"), Present: fsimage.SavedWithNameRef}}},
			ErrUnsupported, "directory 16385 holds the renamed-away reference 0 (\"g\") as a live child"},
		{"deleted inode no snapshot sees", image{inodes: []fsimage.INode{fileNode(fsimage.RootINodeID+1, "f")},
			dirEntry: &fsimage.DirEntry{Parent: fsimage.RootINodeID}, snaps: fsimage.SnapshotHeader{SnapshotCounter: 1,
				SnapshottableDirs: []int64{fsimage.RootINodeID}}},
			ErrCorrupt, "inode 16386 (\"f\") is in no directory and no snapshot"},
		{"erasure-coded file", image{inodes: []fsimage.INode{striped}},
			ErrUnsupported, "file 16386 is erasure-coded (policy 1); erasure coding is not supported yet"},
		{"unknown user", image{inodes: []fsimage.INode{badUser}},
			ErrCorrupt, "inode 16386: the user id 9 is not in the string table"},
		{"orphan", image{inodes: []fsimage.INode{dirNode(fsimage.RootINodeID+1, "a")},
			dirEntry: &fsimage.DirEntry{Parent: fsimage.RootINodeID}}, ErrCorrupt, "is in no directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.img.write(t)
			l, err := Load(p, config())
			if l != nil || !errors.Is(err, c.kind) || !strings.Contains(err.Error(), p) ||
				!strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, %v\nwant %v naming %s with %q", l, err, c.kind, p, c.want)
			}
		})
	}
}

// A diff list without diffs, which Hadoop 2 wrote for the root of every
// image, holds nothing and is accepted; an empty snapshot section keeps
// its counter for the next save.
func TestLoadAcceptsEmptySnapshotSections(t *testing.T) {
	p := image{snaps: fsimage.SnapshotHeader{SnapshotCounter: 9},
		diffs: []fsimage.DiffEntry{{Type: fsimage.DirectoryDiffType, INodeID: fsimage.RootINodeID}}}.write(t)
	l := mustLoad(t, p)
	if l.Meta.SnapshotCounter != 9 {
		t.Errorf("snapshot counter %d, want 9", l.Meta.SnapshotCounter)
	}
	img, err := fsimage.OpenFile(saveTo(t, l, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if _, ok := img.Section(fsimage.SectionSnapshotDiff); ok {
		t.Error("the saved image has a SNAPSHOT_DIFF section without snapshots")
	}
}

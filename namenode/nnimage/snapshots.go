package nnimage

import (
	"errors"
	"io"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Loading snapshots: the SNAPSHOT section (snapshottable directories and
// each snapshot's Root), the INODE_REFERENCE section (renamed inodes a
// snapshot still sees under their old name) and the SNAPSHOT_DIFF
// section, handed to the namespace Loader (namespace/snapload.go), which
// turns them into its own representation when it finishes.

// references reads the INODE_REFERENCE section; directories and diffs
// name its entries by their index.
func (l *loader) references() error {
	for _, sec := range l.img.Sections(fsimage.SectionINodeReference) {
		s, err := l.img.OpenReferences(sec)
		if err != nil {
			return err
		}
		for {
			r, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			l.refs = append(l.refs, *r)
		}
	}
	return nil
}

func (l *loader) ref(i int32, what string) (*fsimage.Reference, error) {
	if i < 0 || int(i) >= len(l.refs) {
		return nil, l.conv.corrupt("%s names inode reference %d of %d", what, i, len(l.refs))
	}
	return &l.refs[i], nil
}

// isDst reports whether r is a DstReference (the renamed inode where it
// lives now); else it is a WithName (where it was).
func isDst(r *fsimage.Reference) bool { return r.Present.Has(fsimage.RefDstSnapshotID) }

// liveRefChildren resolves an INODE_DIR entry's reference children: the
// inodes renamed into the directory, which live there under their own
// names.
func (l *loader) liveRefChildren(e *fsimage.DirEntry) ([]int64, error) {
	var ids []int64
	for _, i := range e.RefChildren {
		r, err := l.ref(i, "directory entry")
		if err != nil {
			return nil, err
		}
		if !isDst(r) {
			return nil, l.conv.unsupported("directory %d holds the renamed-away reference %d (%q) as a live child",
				e.Parent, i, r.Name)
		}
		ids = append(ids, r.ReferredID)
	}
	return ids, nil
}

// snapshotSection reads the snapshottable directories and the snapshots.
func (l *loader) snapshotSection(ld *namespace.Loader) error {
	sec, ok := l.img.Section(fsimage.SectionSnapshot)
	if !ok {
		return nil
	}
	h, s, err := l.img.OpenSnapshots(sec)
	if err != nil {
		return err
	}
	l.meta.SnapshotCounter = h.SnapshotCounter
	if h.NumSnapshots == 0 && len(h.SnapshottableDirs) == 0 {
		return nil
	}
	ld.SetSnapshotCounter(h.SnapshotCounter)
	for _, d := range h.SnapshottableDirs {
		ld.AddSnapshottable(d)
	}
	var n int32
	for {
		sn, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if sn.Root.Type != fsimage.TypeDirectory || sn.Root.Dir == nil {
			return l.conv.corrupt("snapshot %d has a root that is not a directory", sn.ID)
		}
		root, err := l.conv.inode(&sn.Root)
		if err != nil {
			return err
		}
		ld.AddSnapshot(&namespace.Snapshot{ID: sn.ID, Root: *root})
		n++
	}
	if n != h.NumSnapshots {
		return l.conv.corrupt("the SNAPSHOT section holds %d snapshots, its header says %d", n, h.NumSnapshots)
	}
	return nil
}

// snapshotDiffs reads every inode's diff list.
func (l *loader) snapshotDiffs(ld *namespace.Loader) error {
	for _, sec := range l.img.Sections(fsimage.SectionSnapshotDiff) {
		s, err := l.img.OpenSnapshotDiffs(sec)
		if err != nil {
			return err
		}
		for {
			e, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if err := l.diffEntry(ld, e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *loader) diffEntry(ld *namespace.Loader, e *fsimage.DiffEntry) error {
	switch e.Type {
	case fsimage.FileDiffType:
		if len(e.FileDiffs) == 0 {
			return nil
		}
		ds, err := l.fileDiffs(e)
		if err != nil {
			return err
		}
		return l.wrap(ld.AddFileDiffs(e.INodeID, ds))
	case fsimage.DirectoryDiffType:
		if len(e.DirDiffs) == 0 {
			return nil // Hadoop 2 wrote an empty list for the root
		}
		ds, err := l.dirDiffs(e)
		if err != nil {
			return err
		}
		return l.wrap(ld.AddDirDiffs(e.INodeID, ds))
	}
	return l.conv.corrupt("inode %d has a diff list of unknown type %d", e.INodeID, e.Type)
}

func (l *loader) fileDiffs(e *fsimage.DiffEntry) ([]namespace.FileDiff, error) {
	out := make([]namespace.FileDiff, len(e.FileDiffs))
	for i, d := range e.FileDiffs {
		fd := namespace.FileDiff{Snapshot: d.SnapshotID, Size: d.FileSize, HasBlocks: len(d.Blocks) > 0}
		for _, b := range d.Blocks {
			fd.Blocks = append(fd.Blocks, namespace.Block{ID: b.ID, NumBytes: b.NumBytes, GenStamp: b.GenStamp,
				Complete: true})
		}
		if d.Copy != nil {
			c, err := l.conv.inode(&fsimage.INode{ID: e.INodeID, Name: d.Name, Type: fsimage.TypeFile, File: d.Copy})
			if err != nil {
				return nil, err
			}
			fd.Copy = cloneInode(c)
		}
		out[i] = fd
	}
	return out, nil
}

func (l *loader) dirDiffs(e *fsimage.DiffEntry) ([]namespace.DirDiff, error) {
	out := make([]namespace.DirDiff, len(e.DirDiffs))
	for i, d := range e.DirDiffs {
		dd := namespace.DirDiff{Snapshot: d.SnapshotID, SnapshotRoot: d.IsSnapshotRoot, Created: d.Created}
		if d.Copy != nil && !d.IsSnapshotRoot {
			c, err := l.conv.inode(&fsimage.INode{ID: e.INodeID, Name: d.Name, Type: fsimage.TypeDirectory, Dir: d.Copy})
			if err != nil {
				return nil, err
			}
			dd.Copy = cloneInode(c)
		}
		for _, id := range d.Deleted {
			dd.Deleted = append(dd.Deleted, namespace.DeletedChild{ID: id})
		}
		for _, ri := range d.DeletedRefs {
			r, err := l.ref(ri, "a directory diff")
			if err != nil {
				return nil, err
			}
			c := namespace.DeletedChild{ID: r.ReferredID}
			if !isDst(r) {
				c.Renamed, c.Name, c.LastSnapshot = true, r.Name, r.LastSnapshotID
			}
			dd.Deleted = append(dd.Deleted, c)
		}
		out[i] = dd
	}
	return out, nil
}

// cloneInode copies a converted inode out of the converter's buffers.
func cloneInode(n *namespace.Inode) *namespace.Inode {
	c := *n
	c.XAttrs = append([]namespace.XAttr(nil), n.XAttrs...)
	c.ACL = append([]namespace.AclEntry(nil), n.ACL...)
	c.Blocks = append([]namespace.Block(nil), n.Blocks...)
	return &c
}

// Saving snapshots, in FSImageFormatPBSnapshot.Saver's order: the
// SNAPSHOT section, the SNAPSHOT_DIFF section when there are snapshots,
// and the INODE_REFERENCE section with the references the INODE_DIR and
// SNAPSHOT_DIFF sections named, in the order they named them.

func (s *saver) snapshots(w *fsimage.Writer) error {
	dirs, snaps := s.walk.SnapshotSection()
	h := &fsimage.SnapshotHeader{SnapshotCounter: s.meta.SnapshotCounter, SnapshottableDirs: dirs,
		NumSnapshots: int32(len(snaps))}
	if err := w.BeginSnapshots(h); err != nil {
		return err
	}
	for i := range snaps {
		root, err := s.inode(&snaps[i].Root)
		if err != nil {
			return err
		}
		if err := w.Snapshot(&fsimage.Snapshot{ID: snaps[i].ID, Root: *root}); err != nil {
			return err
		}
	}
	if s.walk.NumSnapshots() > 0 {
		if err := s.diffs(w); err != nil {
			return err
		}
	}
	if err := w.BeginReferences(); err != nil {
		return err
	}
	for i := range s.refs {
		if err := w.Reference(&s.refs[i]); err != nil {
			return err
		}
	}
	return nil
}

// addRef adds the DstReference of a renamed live child and returns its
// index.
func (s *saver) addRef(r namespace.Renamed) int32 {
	s.refs = append(s.refs, fsimage.Reference{ReferredID: r.ID, DstSnapshotID: r.DstSnapshot,
		Present: fsimage.SavedDstRef})
	return int32(len(s.refs) - 1)
}

func (s *saver) diffs(w *fsimage.Writer) error {
	if err := w.BeginSnapshotDiffs(); err != nil {
		return err
	}
	return s.walk.SnapshotDiffs(func(d *namespace.InodeDiffs) error {
		e := &fsimage.DiffEntry{Type: fsimage.FileDiffType, INodeID: d.ID}
		if d.Dir {
			e.Type = fsimage.DirectoryDiffType
		}
		for i := range d.FileDiffs {
			fd, err := s.fileDiff(&d.FileDiffs[i])
			if err != nil {
				return err
			}
			e.FileDiffs = append(e.FileDiffs, fd)
		}
		for i := range d.DirDiffs {
			dd, err := s.dirDiff(&d.DirDiffs[i])
			if err != nil {
				return err
			}
			e.DirDiffs = append(e.DirDiffs, dd)
		}
		return w.SnapshotDiff(e)
	})
}

func (s *saver) fileDiff(d *namespace.FileDiff) (fsimage.FileDiff, error) {
	fd := fsimage.FileDiff{SnapshotID: d.Snapshot, FileSize: d.Size, Present: fsimage.SavedFileDiff}
	for _, b := range d.Blocks {
		fd.Blocks = append(fd.Blocks, fsimage.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes})
	}
	if d.Copy != nil {
		perm, err := s.perm(d.Copy.Perm)
		if err != nil {
			return fd, err
		}
		acl, xattrs, err := s.features(d.Copy)
		if err != nil {
			return fd, err
		}
		s.fileOf(d.Copy, perm, acl, xattrs)
		c := s.file
		c.Blocks = nil
		fd.Name, fd.Copy = d.Copy.Name, &c
	}
	return fd, nil
}

func (s *saver) dirDiff(d *namespace.SavedDirDiff) (fsimage.DirDiff, error) {
	dd := fsimage.DirDiff{SnapshotID: d.Snapshot, ChildrenSize: int32(d.ChildrenSize), IsSnapshotRoot: d.SnapshotRoot,
		Created: d.Created, Present: fsimage.SavedDirDiff}
	if d.Copy != nil {
		in, err := s.inode(d.Copy)
		if err != nil {
			return dd, err
		}
		c := *in.Dir
		dd.Name, dd.Copy = d.Copy.Name, &c
	}
	for _, c := range d.Deleted {
		if !c.Renamed {
			dd.Deleted = append(dd.Deleted, c.ID)
			continue
		}
		s.refs = append(s.refs, fsimage.Reference{ReferredID: c.ID, Name: c.Name, LastSnapshotID: c.LastSnapshot,
			Present: fsimage.SavedWithNameRef})
		dd.DeletedRefs = append(dd.DeletedRefs, int32(len(s.refs)-1))
	}
	return dd, nil
}

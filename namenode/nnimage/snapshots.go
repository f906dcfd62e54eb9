package nnimage

import (
	"errors"
	"io"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
)

// refuseSnapshots reads the snapshot sections before any inode: an image
// with snapshots is refused whole, before the work of loading it. What a
// snapshot-free image holds there is kept: the snapshot counter.
func (l *loader) refuseSnapshots() error {
	if err := l.snapshotSection(); err != nil {
		return err
	}
	for _, sec := range l.img.Sections(fsimage.SectionINodeReference) {
		s, err := l.img.OpenReferences(sec)
		if err != nil {
			return err
		}
		if _, err := s.Next(); err == nil {
			return l.conv.unsupported("the image has inode references (renamed or deleted files kept by " +
				"snapshots); snapshots are not supported yet")
		} else if !errors.Is(err, io.EOF) {
			return err
		}
	}
	for _, sec := range l.img.Sections(fsimage.SectionSnapshotDiff) {
		if err := l.snapshotDiffs(sec); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) snapshotSection() error {
	sec, ok := l.img.Section(fsimage.SectionSnapshot)
	if !ok {
		return nil
	}
	h, _, err := l.img.OpenSnapshots(sec)
	if err != nil {
		return err
	}
	if h.NumSnapshots != 0 || len(h.SnapshottableDirs) != 0 {
		return l.conv.unsupported("the image has %d snapshots and %d snapshottable directories; "+
			"snapshots are not supported yet", h.NumSnapshots, len(h.SnapshottableDirs))
	}
	l.meta.SnapshotCounter = h.SnapshotCounter
	return nil
}

// snapshotDiffs accepts only diff lists without diffs, which Hadoop 2
// wrote for the root of every image.
func (l *loader) snapshotDiffs(sec fsimage.SectionInfo) error {
	s, err := l.img.OpenSnapshotDiffs(sec)
	if err != nil {
		return err
	}
	for {
		e, err := s.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if n := len(e.FileDiffs) + len(e.DirDiffs); n > 0 {
			return l.conv.unsupported("inode %d has %d snapshot diffs; snapshots are not supported yet", e.INodeID, n)
		}
	}
}

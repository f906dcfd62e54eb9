package nnimage

import (
	"bufio"
	"fmt"
	"io"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Write writes tree and meta as an fsimage to w, for a caller that owns
// the file (the NameNode's storage writes the checkpoint file, its digest
// and the rename into place). Like Save, it holds the tree's writer lock
// while writing.
func Write(w io.Writer, tree *namespace.Tree, meta Meta, opts Options) error {
	return tree.WalkImage(func(walk *namespace.ImageWalk) error {
		wo, err := opts.writerOptions(walk.Count())
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		fw, err := fsimage.NewWriter(bw, wo)
		if err != nil {
			return err
		}
		// The tree's snapshot counter has moved past the loaded image's
		// when snapshots were created since (as in Save).
		counter, _ := walk.Snapshots()
		meta.SnapshotCounter = max(meta.SnapshotCounter, counter)
		s := &saver{walk: walk, meta: &meta, layout: wo.LayoutVersion, strs: newStrtab(wo.LayoutVersion)}
		if err := s.fill(fw); err != nil {
			return err
		}
		if _, err := fw.Close(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("nnimage: writing image: %w", err)
		}
		return nil
	})
}

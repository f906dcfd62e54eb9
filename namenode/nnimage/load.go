package nnimage

import (
	"errors"
	"fmt"
	"io"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Loaded is a loaded image: the tree, the image's other state, and the
// files under construction.
type Loaded struct {
	Tree *namespace.Tree
	Meta Meta
	// OpenFiles are the files under construction with their lease
	// holders, from which the lease manager rebuilds its leases. Like
	// Hadoop, the loader takes them from the inodes; the
	// FILES_UNDERCONSTRUCTION section is read only for compatibility.
	OpenFiles []namespace.OpenFile
}

// Load reads the image at path (checked against its .md5 sidecar) into a
// namespace made with cfg.
func Load(path string, cfg namespace.Config) (*Loaded, error) {
	img, err := fsimage.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	l := &loader{img: img, conv: fromImage{img: img.Name()}}
	if err := l.load(cfg); err != nil {
		return nil, err
	}
	return &Loaded{Tree: l.tree, Meta: l.meta, OpenFiles: l.tree.OpenFiles()}, nil
}

type loader struct {
	img  *fsimage.Image
	conv fromImage
	meta Meta
	tree *namespace.Tree
}

// knownSections are the sections Load reads, or checks to be empty.
var knownSections = map[string]bool{}

func init() {
	for _, s := range fsimage.LoadOrder {
		knownSections[s] = true
	}
}

func (l *loader) load(cfg namespace.Config) error {
	sum := l.img.Summary()
	l.meta.LayoutVersion, l.meta.Codec = sum.LayoutVersion, sum.Codec
	for _, s := range sum.Sections {
		if !knownSections[s.Name] {
			return l.conv.unsupported("unknown section %q", s.Name)
		}
	}
	if err := l.refuseSnapshots(); err != nil {
		return err
	}
	for _, step := range []func() error{l.nameSystem, l.stringTable, l.erasureCoding} {
		if err := step(); err != nil {
			return err
		}
	}
	ld, err := l.inodes(cfg)
	if err != nil {
		return err
	}
	if err := l.dirs(ld); err != nil {
		return err
	}
	if l.tree, err = ld.Finish(); err != nil {
		return l.wrap(err)
	}
	l.tree.SetSnapshotCounter(l.meta.SnapshotCounter)
	return l.managers()
}

// wrap names the image in a namespace loader error.
func (l *loader) wrap(err error) error {
	if errors.Is(err, namespace.ErrLoad) {
		return fmt.Errorf("%w: %s: %w", ErrCorrupt, l.img.Name(), err)
	}
	return err
}

func (l *loader) nameSystem() error {
	ns, err := l.img.NameSystem()
	if err != nil {
		return err
	}
	l.meta.setNameSystem(ns)
	return nil
}

func (l *loader) stringTable() error {
	st, err := l.img.StringTable()
	l.conv.st = st
	return err
}

func (l *loader) erasureCoding() error {
	sec, ok := l.img.Section(fsimage.SectionErasureCoding)
	if !ok {
		return nil
	}
	ps, err := l.img.ReadErasureCoding(sec)
	if ps == nil {
		ps = []fsimage.ECPolicy{}
	}
	l.meta.ECPolicies = ps
	return err
}

// inodes streams the INODE section into a namespace Loader.
func (l *loader) inodes(cfg namespace.Config) (*namespace.Loader, error) {
	h, s, err := l.img.INodes()
	if err != nil {
		return nil, err
	}
	l.meta.LastInodeID, l.meta.NumInodes = h.LastINodeID, h.NumINodes
	ld, err := namespace.NewLoader(cfg, int(min(max(h.NumINodes, 0), 1<<31-1)))
	if err != nil {
		return nil, err
	}
	ld.SetLastInodeID(h.LastINodeID)
	batches, stop, errc := decodeAhead(s)
	defer stop()
	var count int64
	for batch := range batches {
		for _, in := range batch {
			n, err := l.conv.inode(in)
			if err != nil {
				return nil, err
			}
			if err := ld.Add(n); err != nil {
				return nil, l.wrap(err)
			}
		}
		count += int64(len(batch))
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	if count != h.NumINodes {
		return nil, l.conv.corrupt("the INODE section holds %d inodes, its header says %d", count, h.NumINodes)
	}
	return ld, nil
}

// dirs streams the INODE_DIR section into the Loader.
func (l *loader) dirs(ld *namespace.Loader) error {
	sec, ok := l.img.Section(fsimage.SectionINodeDir)
	if !ok {
		return nil
	}
	s, err := l.img.OpenDirEntries(sec)
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
		if len(e.RefChildren) > 0 {
			return l.conv.unsupported("directory %d holds %d inode references; snapshots are not supported yet",
				e.Parent, len(e.RefChildren))
		}
		if err := ld.AddChildren(e.Parent, e.Children); err != nil {
			return l.wrap(err)
		}
	}
}

// managers keeps the secret and cache managers' sections as read.
func (l *loader) managers() error {
	if sec, ok := l.img.Section(fsimage.SectionSecretManager); ok {
		m, err := l.img.ReadSecretManager(sec)
		if err != nil {
			return err
		}
		l.meta.SecretManager = *m
	}
	if sec, ok := l.img.Section(fsimage.SectionCacheManager); ok {
		m, err := l.img.ReadCacheManager(sec)
		if err != nil {
			return err
		}
		l.meta.CacheManager = *m
	}
	return nil
}

// decodeAhead decodes the INODE section in its own goroutine, a batch at
// a time, so that decoding and adding to the tree use two cores. stop
// ends the decoder early and waits for it; errc gives its error once
// batches is closed.
func decodeAhead(s *fsimage.Stream[fsimage.INode]) (batches <-chan []*fsimage.INode, stop func(), errc <-chan error) {
	const batchLen = 1024
	out := make(chan []*fsimage.INode, 4)
	ec := make(chan error, 1)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(out)
		batch := make([]*fsimage.INode, 0, batchLen)
		for {
			in, err := s.Next()
			if err != nil || len(batch) == batchLen {
				select {
				case out <- batch:
				case <-quit:
					ec <- nil
					return
				}
				batch = make([]*fsimage.INode, 0, batchLen)
			}
			if errors.Is(err, io.EOF) {
				ec <- nil
				return
			}
			if err != nil {
				ec <- err
				return
			}
			batch = append(batch, in)
		}
	}()
	return out, func() { close(quit); <-done }, ec
}

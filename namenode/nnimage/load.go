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
// namespace made with cfg. The checksum is computed on another core while
// the image loads; a mismatch is the error whatever the load gave.
func Load(path string, cfg namespace.Config) (*Loaded, error) {
	sum := make(chan error, 1)
	go func() { sum <- fsimage.VerifyMD5(path) }()
	l, err := load(path, cfg)
	if err := <-sum; err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	return &Loaded{Tree: l.tree, Meta: l.meta, OpenFiles: l.tree.OpenFiles()}, nil
}

func load(path string, cfg namespace.Config) (*loader, error) {
	img, err := fsimage.OpenFileUnverified(path)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	l := &loader{img: img, conv: fromImage{img: img.Name()}}
	return l, l.load(cfg)
}

type loader struct {
	img  *fsimage.Image
	conv fromImage
	meta Meta
	tree *namespace.Tree
	refs []fsimage.Reference // the INODE_REFERENCE section
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
	for _, step := range []func() error{l.nameSystem, l.stringTable, l.erasureCoding, l.references} {
		if err := step(); err != nil {
			return err
		}
	}
	ld, err := l.inodes(cfg)
	if err != nil {
		return err
	}
	for _, step := range []func(*namespace.Loader) error{l.dirs, l.snapshotSection, l.snapshotDiffs} {
		if err := step(ld); err != nil {
			return err
		}
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
	a := decodeAhead(s, l.conv)
	defer a.stop()
	var count int64
	for b := range a.batches() {
		for i := range b.nodes {
			if err := ld.Add(&b.nodes[i]); err != nil {
				return nil, l.wrap(err)
			}
		}
		count += int64(len(b.nodes))
		a.release(b)
	}
	if err := a.err(); err != nil {
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
		e, err := s.Scan() // nothing below keeps e
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		children := e.Children
		if len(e.RefChildren) > 0 {
			refs, err := l.liveRefChildren(e)
			if err != nil {
				return err
			}
			children = append(append([]int64(nil), children...), refs...)
		}
		if err := ld.AddChildren(e.Parent, children); err != nil {
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

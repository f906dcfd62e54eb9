package fsimage

import (
	"bufio"
	"crypto/md5"
	"errors"
	"fmt"
	"os"

	pb "github.com/hdfsd/hdfsd/protos/fsimagepb"
)

// NameSystem writes the NS_INFO section.
func (w *Writer) NameSystem(n *NameSystem) error {
	if err := w.begin(SectionNSInfo); err != nil {
		return err
	}
	return w.put(encodeNameSystem(n))
}

// ErasureCoding writes the ERASURE_CODING section.
func (w *Writer) ErasureCoding(ps []ECPolicy) error {
	if err := w.begin(SectionErasureCoding); err != nil {
		return err
	}
	m := &pb.ErasureCodingSection{}
	for i := range ps {
		m.Policies = append(m.Policies, encodeECPolicy(&ps[i]))
	}
	return w.put(m)
}

// BeginINodes starts the INODE section; exactly h.NumINodes INode calls
// must follow.
func (w *Writer) BeginINodes(h *INodeHeader) error {
	if err := w.begin(SectionINode); err != nil {
		return err
	}
	w.expect = h.NumINodes
	return w.put(encodeINodeHeader(h))
}

// INode writes one inode.
func (w *Writer) INode(n *INode) error {
	if err := w.in(SectionINode, "inode"); err != nil {
		return err
	}
	if err := w.put(encodeINode(n)); err != nil {
		return err
	}
	w.records++
	w.tick(1)
	return nil
}

// BeginReferences starts the INODE_REFERENCE section.
func (w *Writer) BeginReferences() error { return w.begin(SectionINodeReference) }

// Reference writes one inode reference.
func (w *Writer) Reference(r *Reference) error {
	if err := w.in(SectionINodeReference, "reference"); err != nil {
		return err
	}
	return w.put(encodeReference(r))
}

// BeginSnapshots starts the SNAPSHOT section; exactly h.NumSnapshots
// Snapshot calls must follow.
func (w *Writer) BeginSnapshots(h *SnapshotHeader) error {
	if err := w.begin(SectionSnapshot); err != nil {
		return err
	}
	w.expect = int64(max(h.NumSnapshots, 0))
	m := &pb.SnapshotSection{
		SnapshotCounter: ptr(uint32(h.SnapshotCounter)),
		NumSnapshots:    ptr(uint32(h.NumSnapshots)),
	}
	for _, id := range h.SnapshottableDirs {
		m.SnapshottableDir = append(m.SnapshottableDir, uint64(id))
	}
	return w.put(m)
}

// Snapshot writes one snapshot.
func (w *Writer) Snapshot(s *Snapshot) error {
	if err := w.in(SectionSnapshot, "snapshot"); err != nil {
		return err
	}
	w.records++
	return w.put(&pb.SnapshotSection_Snapshot{SnapshotId: ptr(uint32(s.ID)), Root: encodeINode(&s.Root)})
}

// BeginDirEntries starts the INODE_DIR section.
func (w *Writer) BeginDirEntries() error { return w.begin(SectionINodeDir) }

// DirEntry writes one directory's children.
func (w *Writer) DirEntry(d *DirEntry) error {
	if err := w.in(SectionINodeDir, "directory entry"); err != nil {
		return err
	}
	if err := w.put(encodeDirEntry(d)); err != nil {
		return err
	}
	w.tick(int64(len(d.Children) + len(d.RefChildren)))
	return nil
}

// BeginFilesUnderConstruction starts the FILES_UNDERCONSTRUCTION section.
func (w *Writer) BeginFilesUnderConstruction() error {
	return w.begin(SectionFilesUnderConstruction)
}

// FileUnderConstruction writes one lease entry.
func (w *Writer) FileUnderConstruction(e *FileUCEntry) error {
	if err := w.in(SectionFilesUnderConstruction, "file under construction"); err != nil {
		return err
	}
	return w.put(&pb.FilesUnderConstructionSection_FileUnderConstructionEntry{
		InodeId: ptr(uint64(e.INodeID)), FullPath: ptr(e.FullPath)})
}

// BeginSnapshotDiffs starts the SNAPSHOT_DIFF section.
func (w *Writer) BeginSnapshotDiffs() error { return w.begin(SectionSnapshotDiff) }

// SnapshotDiff writes one inode's diff list: the DiffEntry, then each diff
// (a DirectoryDiff followed by its created list).
func (w *Writer) SnapshotDiff(e *DiffEntry) error {
	if err := w.in(SectionSnapshotDiff, "snapshot diff"); err != nil {
		return err
	}
	n := len(e.FileDiffs)
	if e.Type == DirectoryDiffType {
		n = len(e.DirDiffs)
	}
	if err := w.put(&pb.SnapshotDiffSection_DiffEntry{
		Type:      ptr(pb.SnapshotDiffSection_DiffEntry_Type(e.Type)),
		InodeId:   ptr(uint64(e.INodeID)),
		NumOfDiff: ptr(uint32(n)),
	}); err != nil {
		return err
	}
	switch e.Type {
	case FileDiffType:
		for i := range e.FileDiffs {
			if err := w.put(encodeFileDiff(&e.FileDiffs[i])); err != nil {
				return err
			}
		}
	case DirectoryDiffType:
		for i := range e.DirDiffs {
			d := &e.DirDiffs[i]
			if !d.Present.Has(DirDiffCreatedListSize) && len(d.Created) > 0 {
				return w.fail(invalidf("directory diff of inode %d has a created list but no createdListSize", e.INodeID))
			}
			if err := w.put(encodeDirDiff(d)); err != nil {
				return err
			}
			for _, name := range d.Created {
				if err := w.put(&pb.SnapshotDiffSection_CreatedListEntry{Name: name}); err != nil {
					return err
				}
			}
		}
	default:
		return w.fail(invalidf("snapshot diff of inode %d has unknown type %d", e.INodeID, e.Type))
	}
	w.tick(1)
	return nil
}

// SecretManager writes the SECRET_MANAGER section.
func (w *Writer) SecretManager(s *SecretManager) error {
	if err := w.begin(SectionSecretManager); err != nil {
		return err
	}
	if err := w.put(&pb.SecretManagerSection{
		CurrentId:           ptr(uint32(s.CurrentID)),
		TokenSequenceNumber: ptr(uint32(s.TokenSequenceNumber)),
		NumKeys:             ptr(uint32(len(s.Keys))),
		NumTokens:           ptr(uint32(len(s.Tokens))),
	}); err != nil {
		return err
	}
	for i := range s.Keys {
		if err := w.put(encodeKey(&s.Keys[i])); err != nil {
			return err
		}
	}
	for i := range s.Tokens {
		if err := w.put(encodeToken(&s.Tokens[i])); err != nil {
			return err
		}
	}
	return nil
}

// CacheManager writes the CACHE_MANAGER section.
func (w *Writer) CacheManager(c *CacheManager) error {
	if err := w.begin(SectionCacheManager); err != nil {
		return err
	}
	if err := w.put(&pb.CacheManagerSection{
		NextDirectiveId: ptr(uint64(c.NextDirectiveID)),
		NumPools:        ptr(uint32(len(c.Pools))),
		NumDirectives:   ptr(uint32(len(c.Directives))),
	}); err != nil {
		return err
	}
	for i := range c.Pools {
		if err := w.put(encodePool(&c.Pools[i])); err != nil {
			return err
		}
	}
	for i := range c.Directives {
		if err := w.put(encodeDirective(&c.Directives[i])); err != nil {
			return err
		}
	}
	return nil
}

// StringTable writes the STRING_TABLE section.
func (w *Writer) StringTable(t *StringTable) error {
	if err := w.begin(SectionStringTable); err != nil {
		return err
	}
	if err := w.put(&pb.StringTableSection{
		NumEntry: opt(t.Present, STNumEntry, uint32(len(t.Entries))),
		MaskBits: opt(t.Present, STMaskBits, t.MaskBits),
	}); err != nil {
		return err
	}
	for _, e := range t.Entries {
		if err := w.put(&pb.StringTableSection_Entry{Id: ptr(e.ID), Str: ptr(e.Str)}); err != nil {
			return err
		}
	}
	return nil
}

// CopyFrom writes every section of img, in img's file order, through w.
// *_SUB slices are not copied: w writes its own when configured to.
func (w *Writer) CopyFrom(img *Image) error {
	for _, sec := range img.Summary().Sections {
		var err error
		switch sec.Name {
		case SectionINode:
			err = w.copyINodes(img, sec)
		case SectionINodeReference:
			err = copyStream(w.BeginReferences, img.OpenReferences, w.Reference, sec)
		case SectionSnapshot:
			err = w.copySnapshots(img, sec)
		case SectionINodeDir:
			err = copyStream(w.BeginDirEntries, img.OpenDirEntries, w.DirEntry, sec)
		case SectionFilesUnderConstruction:
			err = copyStream(w.BeginFilesUnderConstruction, img.OpenFilesUnderConstruction, w.FileUnderConstruction, sec)
		case SectionSnapshotDiff:
			err = copyStream(w.BeginSnapshotDiffs, img.OpenSnapshotDiffs, w.SnapshotDiff, sec)
		case SectionINodeSub, SectionINodeDirSub, SectionSnapshotDiffSub, SectionINodeReferenceSub:
		default:
			err = img.walkSection(sec, singleSections{w})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// singleSections routes Walk's single-message callbacks to the Writer.
type singleSections struct{ w *Writer }

func (s singleSections) NameSystem(n *NameSystem) error         { return s.w.NameSystem(n) }
func (s singleSections) StringTable(t *StringTable) error       { return s.w.StringTable(t) }
func (s singleSections) ErasureCoding(ps []ECPolicy) error      { return s.w.ErasureCoding(ps) }
func (s singleSections) SecretManager(m *SecretManager) error   { return s.w.SecretManager(m) }
func (s singleSections) CacheManager(c *CacheManager) error     { return s.w.CacheManager(c) }
func (singleSections) INodeHeader(*INodeHeader) error           { return errNotSingle }
func (singleSections) INode(*INode) error                       { return errNotSingle }
func (singleSections) Reference(*Reference) error               { return errNotSingle }
func (singleSections) SnapshotHeader(*SnapshotHeader) error     { return errNotSingle }
func (singleSections) Snapshot(*Snapshot) error                 { return errNotSingle }
func (singleSections) DirEntry(*DirEntry) error                 { return errNotSingle }
func (singleSections) FileUnderConstruction(*FileUCEntry) error { return errNotSingle }
func (singleSections) SnapshotDiff(*DiffEntry) error            { return errNotSingle }

var errNotSingle = errors.New("fsimage: internal error: multi-record section routed as single")

func (w *Writer) copyINodes(img *Image, sec SectionInfo) error {
	h, s, err := img.OpenINodes(sec)
	if err != nil {
		return err
	}
	if err := w.BeginINodes(h); err != nil {
		return err
	}
	return drain(s, w.INode)
}

func (w *Writer) copySnapshots(img *Image, sec SectionInfo) error {
	h, s, err := img.OpenSnapshots(sec)
	if err != nil {
		return err
	}
	if err := w.BeginSnapshots(h); err != nil {
		return err
	}
	return drain(s, w.Snapshot)
}

func copyStream[T any](begin func() error, open func(SectionInfo) (*Stream[T], error),
	put func(*T) error, sec SectionInfo) error {
	s, err := open(sec)
	if err != nil {
		return err
	}
	if err := begin(); err != nil {
		return err
	}
	return drain(s, put)
}

// WriteFile writes an image to path through fill, then its ".md5" sidecar,
// and returns the image's MD5. The image is written to path+".tmp" and
// renamed into place, so a failed save leaves no partial image behind.
func WriteFile(path string, opts WriterOptions, fill func(*Writer) error) ([md5.Size]byte, error) {
	var sum [md5.Size]byte
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return sum, fmt.Errorf("fsimage: %w", err)
	}
	err = writeAll(f, opts, fill, &sum)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("fsimage: %w", cerr)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return sum, err
	}
	return sum, WriteMD5File(path, sum)
}

func writeAll(f *os.File, opts WriterOptions, fill func(*Writer) error, sum *[md5.Size]byte) error {
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := NewWriter(bw, opts)
	if err != nil {
		return err
	}
	if err := fill(w); err != nil {
		return err
	}
	if *sum, err = w.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("fsimage: %w", err)
	}
	return f.Sync()
}

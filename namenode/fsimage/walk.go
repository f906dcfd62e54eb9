package fsimage

import (
	"errors"
	"fmt"
	"io"
)

// Visitor receives an image's records from Image.Walk. Records are the
// caller's to keep. Returning an error stops the walk. Embed NopVisitor to
// implement only some methods.
type Visitor interface {
	NameSystem(*NameSystem) error
	StringTable(*StringTable) error
	ErasureCoding([]ECPolicy) error
	INodeHeader(*INodeHeader) error
	INode(*INode) error
	Reference(*Reference) error // numbered from 0 in call order
	SnapshotHeader(*SnapshotHeader) error
	Snapshot(*Snapshot) error
	DirEntry(*DirEntry) error
	FileUnderConstruction(*FileUCEntry) error
	SnapshotDiff(*DiffEntry) error
	SecretManager(*SecretManager) error
	CacheManager(*CacheManager) error
}

// NopVisitor ignores every record.
type NopVisitor struct{}

func (NopVisitor) NameSystem(*NameSystem) error             { return nil }
func (NopVisitor) StringTable(*StringTable) error           { return nil }
func (NopVisitor) ErasureCoding([]ECPolicy) error           { return nil }
func (NopVisitor) INodeHeader(*INodeHeader) error           { return nil }
func (NopVisitor) INode(*INode) error                       { return nil }
func (NopVisitor) Reference(*Reference) error               { return nil }
func (NopVisitor) SnapshotHeader(*SnapshotHeader) error     { return nil }
func (NopVisitor) Snapshot(*Snapshot) error                 { return nil }
func (NopVisitor) DirEntry(*DirEntry) error                 { return nil }
func (NopVisitor) FileUnderConstruction(*FileUCEntry) error { return nil }
func (NopVisitor) SnapshotDiff(*DiffEntry) error            { return nil }
func (NopVisitor) SecretManager(*SecretManager) error       { return nil }
func (NopVisitor) CacheManager(*CacheManager) error         { return nil }

// Walk streams every section to v in Hadoop's load order
// (FSImageFormatProtobuf.Loader): NS_INFO, STRING_TABLE, ERASURE_CODING,
// INODE, INODE_REFERENCE, SNAPSHOT, INODE_DIR, FILES_UNDERCONSTRUCTION,
// SNAPSHOT_DIFF, SECRET_MANAGER, CACHE_MANAGER. The string table therefore
// arrives before any record that refers to it, and references before the
// directories that use them. *_SUB slices are skipped (their parent
// section covers them), EXTENDED_ACL is ignored as Hadoop ignores it, and
// an unknown section name is an error.
func (img *Image) Walk(v Visitor) error {
	for _, sec := range sortedForLoad(img.summary.Sections) {
		if err := img.walkSection(sec, v); err != nil {
			return err
		}
	}
	return nil
}

func (img *Image) walkSection(sec SectionInfo, v Visitor) error {
	switch sec.Name {
	case SectionNSInfo:
		return visitOne(img.ReadNameSystem(sec))(v.NameSystem)
	case SectionStringTable:
		return visitOne(img.ReadStringTable(sec))(v.StringTable)
	case SectionErasureCoding:
		ps, err := img.ReadErasureCoding(sec)
		if err != nil {
			return err
		}
		return v.ErasureCoding(ps)
	case SectionINode:
		h, s, err := img.OpenINodes(sec)
		if err != nil {
			return err
		}
		if err := v.INodeHeader(h); err != nil {
			return err
		}
		return drain(s, v.INode)
	case SectionINodeReference:
		return drainWith(img.OpenReferences(sec))(v.Reference)
	case SectionSnapshot:
		h, s, err := img.OpenSnapshots(sec)
		if err != nil {
			return err
		}
		if err := v.SnapshotHeader(h); err != nil {
			return err
		}
		return drain(s, v.Snapshot)
	case SectionINodeDir:
		return drainWith(img.OpenDirEntries(sec))(v.DirEntry)
	case SectionFilesUnderConstruction:
		return drainWith(img.OpenFilesUnderConstruction(sec))(v.FileUnderConstruction)
	case SectionSnapshotDiff:
		return drainWith(img.OpenSnapshotDiffs(sec))(v.SnapshotDiff)
	case SectionSecretManager:
		return visitOne(img.ReadSecretManager(sec))(v.SecretManager)
	case SectionCacheManager:
		return visitOne(img.ReadCacheManager(sec))(v.CacheManager)
	case SectionExtendedACL, SectionINodeSub, SectionINodeReferenceSub,
		SectionINodeDirSub, SectionSnapshotDiffSub:
		return nil
	}
	return fmt.Errorf("%w: %s: unrecognized section %q", ErrCorrupt, img.name, sec.Name)
}

// visitOne hands a single record to a visitor method.
func visitOne[T any](rec *T, err error) func(func(*T) error) error {
	return func(visit func(*T) error) error {
		if err != nil {
			return err
		}
		return visit(rec)
	}
}

// drain hands every record of a stream to visit.
func drain[T any](s *Stream[T], visit func(*T) error) error {
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := visit(rec); err != nil {
			return err
		}
	}
}

// drainWith is drain for a stream that may have failed to open.
func drainWith[T any](s *Stream[T], err error) func(func(*T) error) error {
	return func(visit func(*T) error) error {
		if err != nil {
			return err
		}
		return drain(s, visit)
	}
}

// Load opens the image in r (size bytes, name for errors), streams it to v
// in load order (see Walk) and returns its summary.
func Load(r io.ReaderAt, size int64, name string, v Visitor) (Summary, error) {
	img, err := Open(r, size, name)
	if err != nil {
		return Summary{}, err
	}
	return img.Summary(), img.Walk(v)
}

// LoadFile is Load for the image at path, checked against its .md5 first.
func LoadFile(path string, v Visitor) (Summary, error) {
	img, err := OpenFile(path)
	if err != nil {
		return Summary{}, err
	}
	defer img.Close()
	return img.Summary(), img.Walk(v)
}

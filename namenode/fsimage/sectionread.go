package fsimage

import (
	"fmt"
	"io"

	pb "github.com/hdfsd/hdfsd/protos/fsimagepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Stream reads the records of one section one at a time, so that a section
// of any size costs the memory of one record.
type Stream[T any] struct {
	m     *msgReader
	read  func(*msgReader) (*T, error)
	clone func(*T) *T // nil when read returns a record the caller may keep
	err   error
}

// Next returns the next record, or io.EOF after the last one. The record
// is the caller's to keep.
func (s *Stream[T]) Next() (*T, error) {
	v, err := s.Scan()
	if err == nil && s.clone != nil {
		v = s.clone(v)
	}
	return v, err
}

// Scan is Next for callers that do not keep the record: it, and the
// slices and byte fields it points to, are valid only until the next call
// of Scan or Next, and must not be modified. INODE and INODE_DIR streams
// then decode without allocating.
func (s *Stream[T]) Scan() (*T, error) {
	if s.err != nil {
		return nil, s.err
	}
	v, err := s.read(s.m)
	if err != nil {
		s.err = err
	}
	return v, err
}

func newStream[T any](m *msgReader, read func(*msgReader) (*T, error)) *Stream[T] {
	return &Stream[T]{m: m, read: read}
}

// NameSystem reads the first NS_INFO section.
func (img *Image) NameSystem() (*NameSystem, error) {
	sec, ok := img.Section(SectionNSInfo)
	if !ok {
		return nil, corruptf(img.name, "has no %s section", SectionNSInfo)
	}
	return img.ReadNameSystem(sec)
}

// ReadNameSystem reads an NS_INFO section.
func (img *Image) ReadNameSystem(sec SectionInfo) (*NameSystem, error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	var msg pb.NameSystemSection
	if err := m.expect(&msg, "the NameSystemSection"); err != nil {
		return nil, err
	}
	return decodeNameSystem(&msg), nil
}

// StringTable reads the first STRING_TABLE section; it returns nil when
// the image has none.
func (img *Image) StringTable() (*StringTable, error) {
	sec, ok := img.Section(SectionStringTable)
	if !ok {
		return nil, nil
	}
	return img.ReadStringTable(sec)
}

// ReadStringTable reads a STRING_TABLE section: a header, then numEntry
// entries.
func (img *Image) ReadStringTable(sec SectionInfo) (*StringTable, error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	var h pb.StringTableSection
	if err := m.expect(&h, "the StringTableSection header"); err != nil {
		return nil, err
	}
	if h.GetMaskBits() > maxMaskBits {
		return nil, m.corrupt("string table mask bits %d > %d", h.GetMaskBits(), maxMaskBits)
	}
	t := &StringTable{MaskBits: h.GetMaskBits()}
	mark(&t.Present, STNumEntry, h.NumEntry)
	mark(&t.Present, STMaskBits, h.MaskBits)
	for i := 0; i < int(int32(h.GetNumEntry())); i++ {
		var e pb.StringTableSection_Entry
		if err := m.expect(&e, fmt.Sprintf("string table entry %d of %d", i+1, h.GetNumEntry())); err != nil {
			return nil, err
		}
		t.Entries = append(t.Entries, StringEntry{ID: e.GetId(), Str: e.GetStr()})
	}
	t.index()
	return t, nil
}

// ReadErasureCoding reads an ERASURE_CODING section.
func (img *Image) ReadErasureCoding(sec SectionInfo) ([]ECPolicy, error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	var msg pb.ErasureCodingSection
	if err := m.expect(&msg, "the ErasureCodingSection"); err != nil {
		return nil, err
	}
	out := make([]ECPolicy, len(msg.Policies))
	for i, p := range msg.Policies {
		out[i] = decodeECPolicy(p)
	}
	return out, nil
}

// INodes opens the first INODE section.
func (img *Image) INodes() (*INodeHeader, *Stream[INode], error) {
	sec, ok := img.Section(SectionINode)
	if !ok {
		return nil, nil, corruptf(img.name, "has no %s section", SectionINode)
	}
	return img.OpenINodes(sec)
}

// OpenINodes opens an INODE section or one of its INODE_SUB slices. The
// INodeSection header sits at the start of the section, so it is returned
// for the section and for the first slice only (nil otherwise). The stream
// runs to the end of the section, like the NameNode's loader; the header's
// NumINodes is what the offline viewers count instead.
func (img *Image) OpenINodes(sec SectionInfo) (*INodeHeader, *Stream[INode], error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, nil, err
	}
	var hdr *INodeHeader
	if main, ok := img.Section(SectionINode); sec.Name == SectionINode || ok && main.Offset == sec.Offset {
		var h pb.INodeSection
		if err := m.expect(&h, "the INodeSection header"); err != nil {
			return nil, nil, err
		}
		hdr = decodeINodeHeader(&h)
	}
	var d inodeDecoder
	s := newStream(m, func(m *msgReader) (*INode, error) {
		raw, err := m.nextRaw()
		if err != nil {
			return nil, err
		}
		n, err := d.decode(raw)
		if err != nil {
			return nil, m.corrupt("an INode: %v", err)
		}
		return n, nil
	})
	s.clone = (*INode).clone
	return hdr, s, nil
}

// OpenReferences opens an INODE_REFERENCE section.
func (img *Image) OpenReferences(sec SectionInfo) (*Stream[Reference], error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	return newStream(m, func(m *msgReader) (*Reference, error) {
		var msg pb.INodeReferenceSection_INodeReference
		if err := m.next(&msg); err != nil {
			return nil, err
		}
		return decodeReference(&msg), nil
	}), nil
}

// OpenDirEntries opens an INODE_DIR section or an INODE_DIR_SUB slice.
func (img *Image) OpenDirEntries(sec SectionInfo) (*Stream[DirEntry], error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	var d dirEntryDecoder
	s := newStream(m, func(m *msgReader) (*DirEntry, error) {
		raw, err := m.nextRaw()
		if err != nil {
			return nil, err
		}
		e, err := d.decode(raw)
		if err != nil {
			return nil, m.corrupt("a DirEntry: %v", err)
		}
		return e, nil
	})
	s.clone = (*DirEntry).clone
	return s, nil
}

// OpenFilesUnderConstruction opens a FILES_UNDERCONSTRUCTION section.
func (img *Image) OpenFilesUnderConstruction(sec SectionInfo) (*Stream[FileUCEntry], error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	return newStream(m, func(m *msgReader) (*FileUCEntry, error) {
		var msg pb.FilesUnderConstructionSection_FileUnderConstructionEntry
		if err := m.next(&msg); err != nil {
			return nil, err
		}
		return &FileUCEntry{INodeID: int64(msg.GetInodeId()), FullPath: msg.GetFullPath()}, nil
	}), nil
}

// OpenSnapshots opens a SNAPSHOT section: its header, then exactly
// NumSnapshots snapshots.
func (img *Image) OpenSnapshots(sec SectionInfo) (*SnapshotHeader, *Stream[Snapshot], error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, nil, err
	}
	var h pb.SnapshotSection
	if err := m.expect(&h, "the SnapshotSection header"); err != nil {
		return nil, nil, err
	}
	hdr := &SnapshotHeader{SnapshotCounter: int32(h.GetSnapshotCounter()), NumSnapshots: int32(h.GetNumSnapshots())}
	for _, id := range h.SnapshottableDir {
		hdr.SnapshottableDirs = append(hdr.SnapshottableDirs, int64(id))
	}
	left := hdr.NumSnapshots
	return hdr, newStream(m, func(m *msgReader) (*Snapshot, error) {
		if left <= 0 {
			return nil, io.EOF
		}
		left--
		var msg pb.SnapshotSection_Snapshot
		if err := m.expect(&msg, "a snapshot"); err != nil {
			return nil, err
		}
		s := &Snapshot{ID: int32(msg.GetSnapshotId())}
		if msg.Root != nil {
			s.Root = *decodeINode(msg.Root)
		}
		return s, nil
	}), nil
}

// OpenSnapshotDiffs opens a SNAPSHOT_DIFF section or a SNAPSHOT_DIFF_SUB
// slice. Each record is one inode's whole diff list.
func (img *Image) OpenSnapshotDiffs(sec SectionInfo) (*Stream[DiffEntry], error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	return newStream(m, readDiffEntry), nil
}

func readDiffEntry(m *msgReader) (*DiffEntry, error) {
	var h pb.SnapshotDiffSection_DiffEntry
	if err := m.next(&h); err != nil {
		return nil, err
	}
	e := &DiffEntry{Type: DiffType(h.GetType()), INodeID: int64(h.GetInodeId())}
	n := int(int32(h.GetNumOfDiff()))
	for i := 0; i < n; i++ {
		switch e.Type {
		case FileDiffType:
			var d pb.SnapshotDiffSection_FileDiff
			if err := m.expect(&d, "a FileDiff"); err != nil {
				return nil, err
			}
			e.FileDiffs = append(e.FileDiffs, decodeFileDiff(&d))
		case DirectoryDiffType:
			var d pb.SnapshotDiffSection_DirectoryDiff
			if err := m.expect(&d, "a DirectoryDiff"); err != nil {
				return nil, err
			}
			dd := decodeDirDiff(&d)
			for j := 0; j < int(int32(d.GetCreatedListSize())); j++ {
				var c pb.SnapshotDiffSection_CreatedListEntry
				if err := m.expect(&c, "a CreatedListEntry"); err != nil {
					return nil, err
				}
				dd.Created = append(dd.Created, c.Name)
			}
			e.DirDiffs = append(e.DirDiffs, dd)
		}
	}
	return e, nil
}

// ReadSecretManager reads a SECRET_MANAGER section.
func (img *Image) ReadSecretManager(sec SectionInfo) (*SecretManager, error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	var h pb.SecretManagerSection
	if err := m.expect(&h, "the SecretManagerSection header"); err != nil {
		return nil, err
	}
	s := &SecretManager{CurrentID: int32(h.GetCurrentId()), TokenSequenceNumber: int32(h.GetTokenSequenceNumber())}
	for i := 0; i < int(int32(h.GetNumKeys())); i++ {
		var k pb.SecretManagerSection_DelegationKey
		if err := m.expect(&k, "a delegation key"); err != nil {
			return nil, err
		}
		s.Keys = append(s.Keys, decodeKey(&k))
	}
	for i := 0; i < int(int32(h.GetNumTokens())); i++ {
		var t pb.SecretManagerSection_PersistToken
		if err := m.expect(&t, "a delegation token"); err != nil {
			return nil, err
		}
		s.Tokens = append(s.Tokens, decodeToken(&t))
	}
	return s, nil
}

// ReadCacheManager reads a CACHE_MANAGER section.
func (img *Image) ReadCacheManager(sec SectionInfo) (*CacheManager, error) {
	m, err := img.open(sec)
	if err != nil {
		return nil, err
	}
	var h pb.CacheManagerSection
	if err := m.expect(&h, "the CacheManagerSection header"); err != nil {
		return nil, err
	}
	c := &CacheManager{NextDirectiveID: int64(h.GetNextDirectiveId())}
	for i := 0; i < int(int32(h.GetNumPools())); i++ {
		var p hdfspb.CachePoolInfoProto
		if err := m.expect(&p, "a cache pool"); err != nil {
			return nil, err
		}
		c.Pools = append(c.Pools, decodePool(&p))
	}
	for i := 0; i < int(int32(h.GetNumDirectives())); i++ {
		var d hdfspb.CacheDirectiveInfoProto
		if err := m.expect(&d, "a cache directive"); err != nil {
			return nil, err
		}
		c.Directives = append(c.Directives, decodeDirective(&d))
	}
	return c, nil
}

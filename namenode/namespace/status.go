package namespace

import (
	"bytes"
	"errors"
)

// FileType says what a FileStatus describes.
type FileType uint8

// File types, as HdfsFileStatusProto.FileType.
const (
	TypeDir FileType = iota + 1
	TypeFile
	TypeSymlink
)

// FileStatus is HdfsFileStatus without block locations, encryption and
// erasure coding.
type FileStatus struct {
	Name          []byte // the local name in a listing; empty from GetFileInfo
	Type          FileType
	Length        int64
	Replication   int16
	BlockSize     int64
	ModTime       int64
	AccessTime    int64
	Permission    Mode
	Owner, Group  string
	Symlink       string
	FileID        int64
	ChildrenNum   int32
	StoragePolicy uint8 // the policy in effect (own or inherited); 0 when none is set
	Snapshottable bool  // a snapshottable directory (the root always is, as in Hadoop)
	// HasAcl is HdfsFileStatus.Flags.HAS_ACL: the inode has an ACL
	// feature. On the wire it is both a flag of HdfsFileStatusProto and
	// bit 12 of the permission (FsPermissionExtension).
	HasAcl bool
}

// Listing is DirectoryListing: one page of entries and how many follow.
type Listing struct {
	Entries   []FileStatus
	Remaining int
}

// GetFileInfo is ClientProtocol.getFileInfo (resolveLink) and
// getFileLinkInfo (!resolveLink). A missing path is nil, not an error.
func (t *Tree) GetFileInfo(op Op, src string, resolveLink bool) (*FileStatus, error) {
	src = javaString(src)
	var st *FileStatus
	err := t.read(func(v view) error {
		dop := opRead
		if !resolveLink {
			dop = opReadLink
		}
		pc := t.checker(op, "getfileinfo")
		r, err := t.resolvePath(v, pc, src, dop)
		if err != nil {
			if pc.super && errors.Is(err, ErrAccessControl) {
				return nil // Hadoop answers a superuser with null
			}
			return err
		}
		st = t.fileInfo(v, r)
		return nil
	})
	return st, err
}

// fileInfo is FSDirStatAndListingOp.getFileInfo on a resolved path.
func (t *Tree) fileInfo(v view, r *resolved) *FileStatus {
	if isExactReservedComps(r.comps) {
		return &FileStatus{Type: TypeDir, Permission: 01770, FileID: -1}
	}
	if r.dotSnap {
		return dotSnapshotStatus()
	}
	if r.last() == nilSlot {
		return nil
	}
	return t.status(r.lastView(v), r.last(), nil, true)
}

// status is FSDirStatAndListingOp.createFileStatus for slot, named name,
// with the storage policy in effect when withPolicy is set.
func (t *Tree) status(v view, slot uint32, name []byte, withPolicy bool) *FileStatus {
	var policy uint8
	if withPolicy && !v.node(slot).isSymlink() {
		policy = t.effectivePolicy(v, slot)
	}
	return t.statusWith(v, slot, name, policy)
}

// statusWith is status with the storage policy to report.
func (t *Tree) statusWith(v view, slot uint32, name []byte, policy uint8) *FileStatus {
	n := v.node(slot)
	st := &FileStatus{Name: name, ModTime: n.mtime, AccessTime: n.atime, Permission: n.mode(),
		Owner: t.owner(n), Group: t.group(n), FileID: n.id, StoragePolicy: policy, HasAcl: t.hasAcl(v, slot)}
	switch n.kind() {
	case kindDir:
		st.Type = TypeDir
		st.ChildrenNum = int32(len(v.dir(slot).kids))
		st.Snapshottable = t.isSnapshottable(v, slot)
	case kindFile:
		st.Type = TypeFile
		st.Length = t.fileSize(v, slot, false)
		st.Replication = n.replication()
		st.BlockSize = n.blockSize()
	case kindSymlink:
		st.Type = TypeSymlink
		st.Symlink = string(t.names.get(n.a))
	}
	return st
}

// GetListing is ClientProtocol.getListing: the directory's children after
// startAfter (a name, or a /.reserved path whose last component is used),
// at most Config.ListLimit of them. A file lists as itself; a missing path
// is nil, not an error.
func (t *Tree) GetListing(op Op, src string, startAfter []byte) (*Listing, error) {
	src = javaString(src)
	var l *Listing
	err := t.read(func(v view) error {
		pc := t.checker(op, "listStatus")
		r, err := t.resolvePath(v, pc, src, opRead)
		if err != nil {
			return err
		}
		after, err := t.listingStart(v, startAfter)
		if err != nil {
			return err
		}
		if last := r.last(); t.cfg.PermissionsEnabled && last != nilSlot && v.node(last).isDir() {
			if err := t.checkPermission(v, pc, r, accessOf(actUnset, actUnset, ActReadExecute)); err != nil {
				return err
			}
		}
		if r.dotSnap {
			l, err = t.snapshotsListing(v, r, after)
			return err
		}
		l = t.listing(r.lastView(v), r, after)
		return nil
	})
	return l, err
}

// listingStart resolves a startAfter that is a /.reserved path.
func (t *Tree) listingStart(v view, startAfter []byte) ([]byte, error) {
	if len(startAfter) == 0 || startAfter[0] != '/' {
		return startAfter, nil
	}
	s := javaString(string(startAfter))
	if !isReservedName(s) {
		return startAfter, nil
	}
	comps, err := t.resolveReserved(v, components(s))
	if err != nil {
		return nil, failMsg(ErrStartAfterNotFound, "Can't find startAfter "+s)
	}
	return comps[len(comps)-1], nil
}

func (t *Tree) listing(v view, r *resolved, after []byte) *Listing {
	if isExactReservedComps(r.comps) {
		return t.reservedListing()
	}
	slot := r.last()
	switch {
	case slot == nilSlot:
		return nil
	case !v.node(slot).isDir():
		return &Listing{Entries: []FileStatus{*t.status(v, slot, nil, true)}}
	}
	kids := v.dir(slot).kids
	start := 0
	if len(after) > 0 {
		i, found := v.search(kids, after)
		start = i
		if found {
			start++
		}
	}
	n := min(len(kids)-start, t.cfg.ListLimit)
	l := &Listing{Entries: make([]FileStatus, n), Remaining: len(kids) - start - n}
	dirPolicy := t.effectivePolicy(v, slot)
	for i := range n {
		k := kids[start+i]
		policy := dirPolicy // a symlink lists with its directory's, as in Hadoop
		if own := t.localPolicy(v, k); own != PolicyUnspecified {
			policy = own
		}
		l.Entries[i] = *t.statusWith(v, k, bytes.Clone(v.name(k)), policy)
	}
	return l
}

// reservedListing lists /.reserved: .inodes and raw.
func (t *Tree) reservedListing() *Listing {
	e := func(name string) FileStatus {
		return FileStatus{Name: []byte(name), Type: TypeDir, Permission: 0770, Group: t.cfg.Supergroup,
			ModTime: t.cfg.CTime, AccessTime: t.cfg.CTime, FileID: -1}
	}
	return &Listing{Entries: []FileStatus{e(dotInodes), e(dotRaw)}}
}

package nnimage

import (
	"crypto/md5"
	"fmt"
	"slices"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Save writes tree and meta as an fsimage at path, with its .md5 sidecar,
// and returns the image's MD5. The tree's writer lock is held while the
// image is written: mutations wait, reads go on. The INODE header takes
// the tree's last inode id and inode count, not meta's.
func Save(path string, tree *namespace.Tree, meta Meta, opts Options) ([md5.Size]byte, error) {
	var sum [md5.Size]byte
	err := tree.WalkImage(func(w *namespace.ImageWalk) error {
		counter, _ := w.Snapshots()
		meta.SnapshotCounter = max(meta.SnapshotCounter, counter)
		wo, err := opts.writerOptions(w.Count())
		if err != nil {
			return err
		}
		s := &saver{walk: w, meta: &meta, layout: wo.LayoutVersion, strs: newStrtab(wo.LayoutVersion)}
		sum, err = fsimage.WriteFile(path, wo, s.fill)
		return err
	})
	return sum, err
}

type saver struct {
	walk   *namespace.ImageWalk
	meta   *Meta
	layout int32
	strs   *strtab
	open   []int64             // files under construction, met in the INODE section
	refs   []fsimage.Reference // INODE_REFERENCE entries, met in INODE_DIR and SNAPSHOT_DIFF

	// scratch records reused for every inode
	in      fsimage.INode
	file    fsimage.INodeFile
	dir     fsimage.INodeDirectory
	symlink fsimage.INodeSymlink
	uc      fsimage.FileUC
}

// fill writes the sections in FSImageFormatProtobuf.Saver's order.
func (s *saver) fill(w *fsimage.Writer) error {
	if err := w.NameSystem(s.meta.nameSystem()); err != nil {
		return err
	}
	if s.layout <= fsimage.ErasureCodingLayoutVersion {
		ps := s.meta.ECPolicies
		if ps == nil {
			ps = DefaultECPolicies()
		}
		if err := w.ErasureCoding(ps); err != nil {
			return err
		}
	}
	for _, step := range []func(*fsimage.Writer) error{s.inodes, s.dirs, s.filesUC, s.snapshots} {
		if err := step(w); err != nil {
			return err
		}
	}
	if err := w.SecretManager(&s.meta.SecretManager); err != nil {
		return err
	}
	if err := w.CacheManager(&s.meta.CacheManager); err != nil {
		return err
	}
	return w.StringTable(s.strs.table())
}

func (s *saver) inodes(w *fsimage.Writer) error {
	h := &fsimage.INodeHeader{LastINodeID: s.walk.LastInodeID(), NumINodes: int64(s.walk.Count()),
		Present: fsimage.SavedINodeHeader}
	if err := w.BeginINodes(h); err != nil {
		return err
	}
	return s.walk.Inodes(func(n *namespace.Inode) error {
		in, err := s.inode(n)
		if err != nil {
			return err
		}
		return w.INode(in)
	})
}

func (s *saver) dirs(w *fsimage.Writer) error {
	if err := w.BeginDirEntries(); err != nil {
		return err
	}
	return s.walk.DirEntries(func(parent int64, children []int64, refs []namespace.Renamed) error {
		e := fsimage.DirEntry{Parent: parent, Children: children}
		for _, r := range refs {
			e.RefChildren = append(e.RefChildren, s.addRef(r))
		}
		return w.DirEntry(&e)
	})
}

// filesUC lists the files under construction by inode id, with their
// paths (FSImageFormatPBINode.Saver.serializeFilesUCSection). Hadoop lists
// the files it holds leases on; a file deleted while open, kept only in a
// snapshot, lost its lease with the delete and still shows as under
// construction there, so a file the current tree does not reach is left
// out here too.
func (s *saver) filesUC(w *fsimage.Writer) error {
	if err := w.BeginFilesUnderConstruction(); err != nil {
		return err
	}
	slices.Sort(s.open)
	for _, id := range s.open {
		p, ok := s.walk.Path(id)
		if !ok {
			continue
		}
		if err := w.FileUnderConstruction(&fsimage.FileUCEntry{INodeID: id, FullPath: p}); err != nil {
			return err
		}
	}
	return nil
}

// inode converts a namespace inode as FSImageFormatPBINode.Saver builds
// its INode message.
func (s *saver) inode(n *namespace.Inode) (*fsimage.INode, error) {
	perm, err := s.perm(n.Perm)
	if err != nil {
		return nil, err
	}
	acl, xattrs, err := s.features(n)
	if err != nil {
		return nil, err
	}
	s.in = fsimage.INode{ID: n.ID, Name: n.Name}
	switch n.Type {
	case namespace.InodeDir:
		s.dir = fsimage.INodeDirectory{ModTime: n.Mtime, NSQuota: n.NSQuota, DSQuota: n.SSQuota, Permission: perm,
			ACL: acl, XAttrs: xattrs, Present: fsimage.SavedDirectory}
		if acl != nil {
			s.dir.Present = s.dir.Present.With(fsimage.DirACL)
		}
		if xattrs != nil {
			s.dir.Present = s.dir.Present.With(fsimage.DirXAttrs)
		}
		if len(n.TypeQuotas) > 0 {
			for _, q := range n.TypeQuotas {
				s.dir.TypeQuotas = append(s.dir.TypeQuotas, fsimage.TypeQuota{StorageType: fsimage.StorageType(q.Type), Quota: q.Quota})
			}
			s.dir.Present = s.dir.Present.With(fsimage.DirTypeQuotas)
		}
		s.in.Type, s.in.Dir = fsimage.TypeDirectory, &s.dir
	case namespace.InodeSymlink:
		s.symlink = fsimage.INodeSymlink{Permission: perm, Target: n.Target, ModTime: n.Mtime, AccessTime: n.Atime,
			Present: fsimage.SavedSymlink}
		s.in.Type, s.in.Symlink = fsimage.TypeSymlink, &s.symlink
	case namespace.InodeFile:
		s.fileOf(n, perm, acl, xattrs)
		s.in.Type, s.in.File = fsimage.TypeFile, &s.file
	default:
		return nil, fmt.Errorf("nnimage: inode %d has unknown type %d", n.ID, n.Type)
	}
	return &s.in, nil
}

func (s *saver) fileOf(n *namespace.Inode, perm fsimage.Permission, acl []fsimage.ACLEntry, xattrs []fsimage.XAttr) {
	blocks := s.file.Blocks[:0]
	for _, b := range n.Blocks {
		blocks = append(blocks, fsimage.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes})
	}
	s.file = fsimage.INodeFile{Replication: int32(n.Replication), ModTime: n.Mtime, AccessTime: n.Atime,
		PreferredBlockSize: n.BlockSize, Permission: perm, Blocks: blocks, ACL: acl, XAttrs: xattrs,
		StoragePolicyID: int32(n.StoragePolicy), BlockType: fsimage.Contiguous, Present: fsimage.SavedFile}
	if acl != nil {
		s.file.Present = s.file.Present.With(fsimage.FileACL)
	}
	if xattrs != nil {
		s.file.Present = s.file.Present.With(fsimage.FileXAttrs)
	}
	if n.UnderConstruction {
		s.uc = fsimage.FileUC{ClientName: n.ClientName, ClientMachine: n.ClientMachine}
		s.file.UC = &s.uc
		s.open = append(s.open, n.ID)
	}
}

func (s *saver) perm(p namespace.PermissionStatus) (fsimage.Permission, error) {
	u, err := s.strs.id(fsimage.KindUser, p.User)
	if err != nil {
		return 0, err
	}
	g, err := s.strs.id(fsimage.KindGroup, p.Group)
	if err != nil {
		return 0, err
	}
	return fsimage.MakePermission(u, g, uint16(p.Mode)), nil
}

// features packs ACL entries (AclEntryStatusFormat) and xattrs
// (XAttrFormat); nil when the inode has none. The slices are fresh: the
// Writer encodes each inode before the next one is built, but keeping
// them apart costs little for the few inodes that have features.
func (s *saver) features(n *namespace.Inode) ([]fsimage.ACLEntry, []fsimage.XAttr, error) {
	var acl []fsimage.ACLEntry
	for _, e := range n.ACL {
		var id uint32
		var err error
		switch e.Type {
		case namespace.AclUser:
			id, err = s.strs.id(fsimage.KindUser, e.Name)
		case namespace.AclGroup:
			id, err = s.strs.id(fsimage.KindGroup, e.Name)
		}
		if err != nil {
			return nil, nil, err
		}
		acl = append(acl, fsimage.MakeACLEntry(int(e.Scope), int(e.Type), fsimage.FsAction(e.Perm), id))
	}
	var xattrs []fsimage.XAttr
	for _, x := range n.XAttrs {
		id, err := s.strs.id(fsimage.KindXAttr, x.Name)
		if err != nil {
			return nil, nil, err
		}
		xattrs = append(xattrs, fsimage.XAttr{Name: fsimage.MakeXAttrName(int(x.NS), id), Value: x.Value})
	}
	return acl, xattrs, nil
}

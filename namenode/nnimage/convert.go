package nnimage

import (
	"fmt"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// fromImage turns image inodes into namespace inodes, resolving string
// table ids as FSImageFormatPBINode.Loader does. It reuses its buffers:
// each result is valid until the next call (the namespace Loader copies
// what it keeps).
type fromImage struct {
	img    string
	st     *fsimage.StringTable
	n      namespace.Inode
	blocks []namespace.Block
	xattrs []namespace.XAttr
	acl    []namespace.AclEntry

	lastIDs     uint64 // user and group ids of the last permission resolved
	user, group string
	cached      bool
}

func (c *fromImage) corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s: "+format, append([]any{ErrCorrupt, c.img}, args...)...)
}

func (c *fromImage) unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s: "+format, append([]any{ErrUnsupported, c.img}, args...)...)
}

// str resolves a string table id. Id 0 not in the table is Hadoop's
// null, here ""; Hadoop's image reconstructor numbers strings from 0.
func (c *fromImage) str(kind fsimage.StringKind, id uint32, what string, inode int64) (string, error) {
	s, ok := c.st.Lookup(kind, id)
	if !ok && id == 0 {
		return "", nil
	}
	if !ok {
		return "", c.corrupt("inode %d: the %s id %d is not in the string table", inode, what, id)
	}
	return s, nil
}

func (c *fromImage) perm(p fsimage.Permission, id int64) (namespace.PermissionStatus, error) {
	ids := uint64(p) >> 16
	if !c.cached || ids != c.lastIDs {
		u, err := c.str(fsimage.KindUser, p.UserID(), "user", id)
		if err != nil {
			return namespace.PermissionStatus{}, err
		}
		g, err := c.str(fsimage.KindGroup, p.GroupID(), "group", id)
		if err != nil {
			return namespace.PermissionStatus{}, err
		}
		c.user, c.group, c.lastIDs, c.cached = u, g, ids, true
	}
	return namespace.PermissionStatus{User: c.user, Group: c.group, Mode: namespace.Mode(p.Mode())}, nil
}

// inode converts one INODE entry.
func (c *fromImage) inode(in *fsimage.INode) (*namespace.Inode, error) {
	c.n = namespace.Inode{ID: in.ID, Name: in.Name}
	var err error
	switch {
	case in.Type == fsimage.TypeFile && in.File != nil:
		err = c.file(in.ID, in.File)
	case in.Type == fsimage.TypeDirectory && in.Dir != nil:
		err = c.dir(in.ID, in.Dir)
	case in.Type == fsimage.TypeSymlink && in.Symlink != nil:
		s := in.Symlink
		c.n.Type, c.n.Target, c.n.Mtime, c.n.Atime = namespace.InodeSymlink, s.Target, s.ModTime, s.AccessTime
		c.n.Perm, err = c.perm(s.Permission, in.ID)
	default:
		err = c.corrupt("inode %d of type %s has no %s attributes", in.ID, in.Type, in.Type)
	}
	return &c.n, err
}

func (c *fromImage) file(id int64, f *fsimage.INodeFile) error {
	if f.Present.Has(fsimage.FileECPolicyID) || f.BlockType == fsimage.Striped {
		return c.unsupported("file %d is erasure-coded (policy %d); erasure coding is not supported yet",
			id, f.ECPolicyID)
	}
	if f.Replication < 0 || f.Replication > 1<<15-1 {
		return c.corrupt("file %d has replication %d", id, f.Replication)
	}
	if f.StoragePolicyID < 0 || f.StoragePolicyID > 255 {
		return c.corrupt("file %d has storage policy id %d", id, f.StoragePolicyID)
	}
	n := &c.n
	n.Type, n.Mtime, n.Atime = namespace.InodeFile, f.ModTime, f.AccessTime
	n.Replication, n.BlockSize, n.StoragePolicy = int16(f.Replication), f.PreferredBlockSize, uint8(f.StoragePolicyID)
	c.blocks = c.blocks[:0]
	for i, b := range f.Blocks {
		// Loading makes the last block of a file under construction a block
		// under construction; every other block is complete.
		done := f.UC == nil || i < len(f.Blocks)-1
		c.blocks = append(c.blocks, namespace.Block{ID: b.ID, NumBytes: b.NumBytes, GenStamp: b.GenStamp, Complete: done})
	}
	n.Blocks = c.blocks
	if f.UC != nil {
		n.UnderConstruction, n.ClientName, n.ClientMachine = true, f.UC.ClientName, f.UC.ClientMachine
	}
	var err error
	if n.Perm, err = c.perm(f.Permission, id); err != nil {
		return err
	}
	return c.features(id, f.ACL, f.XAttrs)
}

func (c *fromImage) dir(id int64, d *fsimage.INodeDirectory) error {
	n := &c.n
	n.Type, n.Mtime, n.NSQuota, n.SSQuota = namespace.InodeDir, d.ModTime, d.NSQuota, d.DSQuota
	n.TypeQuotas = nil
	for _, q := range d.TypeQuotas {
		if q.Quota >= 0 {
			n.TypeQuotas = append(n.TypeQuotas, namespace.TypeQuota{Type: namespace.StorageType(q.StorageType), Quota: q.Quota})
		}
	}
	var err error
	if n.Perm, err = c.perm(d.Permission, id); err != nil {
		return err
	}
	return c.features(id, d.ACL, d.XAttrs)
}

// features resolves an inode's packed ACL entries (AclEntryStatusFormat)
// and xattrs (XAttrFormat).
func (c *fromImage) features(id int64, acl []fsimage.ACLEntry, xattrs []fsimage.XAttr) error {
	c.acl, c.xattrs = c.acl[:0], c.xattrs[:0]
	for _, e := range acl {
		a := namespace.AclEntry{Scope: namespace.AclScope(e.Scope()), Type: namespace.AclType(e.Type()),
			Perm: namespace.Action(e.Perm())}
		kind := fsimage.KindUser
		if e.Type() == fsimage.ACLGroup {
			kind = fsimage.KindGroup
		}
		if t := e.Type(); t == fsimage.ACLUser || t == fsimage.ACLGroup {
			var err error
			if a.Name, err = c.str(kind, e.NameID(), "ACL entry name", id); err != nil {
				return err
			}
		}
		c.acl = append(c.acl, a)
	}
	for _, x := range xattrs {
		ns := x.Name.Namespace()
		if ns > fsimage.XAttrRaw {
			return c.corrupt("inode %d has an xattr in namespace %d, which does not exist", id, ns)
		}
		name, err := c.str(fsimage.KindXAttr, x.Name.NameID(), "xattr name", id)
		if err != nil {
			return err
		}
		c.xattrs = append(c.xattrs, namespace.XAttr{NS: namespace.XAttrNS(ns), Name: name, Value: x.Value})
	}
	c.n.ACL, c.n.XAttrs = c.acl, c.xattrs
	return nil
}

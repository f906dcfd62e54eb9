package fsimage

import "google.golang.org/protobuf/encoding/protowire"

// inodeDecoder decodes INodeSection.INode messages (see fastdecode.go)
// into one reused INode and its reused attribute structs. The byte fields
// of the result (Name, Target, xattr values) point into the message's
// bytes.
type inodeDecoder struct {
	n    INode
	file INodeFile
	dir  INodeDirectory
	sym  INodeSymlink
	uc   FileUC

	blocks               []Block
	fileACL, dirACL      []ACLEntry
	fileXAttr, dirXAttrs []XAttr
	quotas               []TypeQuota
}

// decode decodes one INode. The result and everything it points to are
// reused by the next call.
func (d *inodeDecoder) decode(b []byte) (*INode, error) {
	d.n = INode{}
	r := wireReader{b: b}
	var seen uint8
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == 1 && typ == protowire.VarintType:
			d.n.Type, seen = INodeType(int32(r.varint())), seen|1
		case num == 2 && typ == protowire.VarintType:
			d.n.ID, seen = int64(r.varint()), seen|2
		case num == 3 && typ == protowire.BytesType:
			d.n.Name = r.bytes()
		case num == 4 && typ == protowire.BytesType:
			if d.n.File == nil {
				d.file = INodeFile{}
				d.n.File = &d.file
			}
			d.decodeFile(&r)
		case num == 5 && typ == protowire.BytesType:
			if d.n.Dir == nil {
				d.dir = INodeDirectory{}
				d.n.Dir = &d.dir
			}
			d.decodeDir(&r)
		case num == 6 && typ == protowire.BytesType:
			if d.n.Symlink == nil {
				d.sym = INodeSymlink{}
				d.n.Symlink = &d.sym
			}
			d.decodeSymlink(&r)
		default:
			r.skip(num, typ)
		}
	}
	switch {
	case r.err != nil:
		return nil, r.err
	case seen != 3:
		return nil, errRequired
	}
	if f := d.n.File; f != nil {
		d.blocks = f.Blocks[:0]
		if len(f.Blocks) == 0 {
			f.Blocks = nil
		}
	}
	return &d.n, nil
}

func (d *inodeDecoder) decodeFile(outer *wireReader) {
	b := outer.bytes()
	if outer.err != nil {
		return
	}
	f := &d.file
	if f.Blocks == nil {
		f.Blocks = d.blocks[:0]
	}
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		var bit Field
		switch {
		case num == 1 && typ == protowire.VarintType:
			f.Replication, bit = int32(uint32(r.varint())), FileReplication
		case num == 2 && typ == protowire.VarintType:
			f.ModTime, bit = int64(r.varint()), FileModTime
		case num == 3 && typ == protowire.VarintType:
			f.AccessTime, bit = int64(r.varint()), FileAccessTime
		case num == 4 && typ == protowire.VarintType:
			f.PreferredBlockSize, bit = int64(r.varint()), FilePreferredBlockSize
		case num == 5 && typ == protowire.Fixed64Type:
			f.Permission, bit = Permission(r.fixed64()), FilePermission
		case num == 6 && typ == protowire.BytesType:
			if v := r.bytes(); r.err == nil {
				r.check(appendBlock(&f.Blocks, v))
			}
		case num == 7 && typ == protowire.BytesType:
			if f.UC == nil {
				d.uc = FileUC{}
				f.UC = &d.uc
			}
			if v := r.bytes(); r.err == nil {
				r.check(decodeUC(f.UC, v))
			}
		case num == 8 && typ == protowire.BytesType:
			if f.ACL == nil {
				f.ACL = reuse(d.fileACL)
			}
			if v := r.bytes(); r.err == nil {
				var err error
				f.ACL, err = appendACL(f.ACL, v)
				r.check(err)
			}
			d.fileACL, bit = f.ACL, FileACL
		case num == 9 && typ == protowire.BytesType:
			if f.XAttrs == nil {
				f.XAttrs = reuse(d.fileXAttr)
			}
			if v := r.bytes(); r.err == nil {
				var err error
				f.XAttrs, err = appendXAttrs(f.XAttrs, v)
				r.check(err)
			}
			d.fileXAttr, bit = f.XAttrs, FileXAttrs
		case num == 10 && typ == protowire.VarintType:
			f.StoragePolicyID, bit = int32(uint32(r.varint())), FileStoragePolicyID
		case num == 11 && typ == protowire.VarintType:
			f.BlockType, bit = BlockType(int32(r.varint())), FileBlockType
		case num == 12 && typ == protowire.VarintType:
			f.ECPolicyID, bit = int32(uint32(r.varint())), FileECPolicyID
		default:
			r.skip(num, typ)
		}
		if bit != 0 {
			f.Present |= 1 << bit
		}
	}
	outer.check(r.err)
}

func (d *inodeDecoder) decodeDir(outer *wireReader) {
	b := outer.bytes()
	if outer.err != nil {
		return
	}
	dir := &d.dir
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		var bit Field
		switch {
		case num == 1 && typ == protowire.VarintType:
			dir.ModTime, bit = int64(r.varint()), DirModTime
		case num == 2 && typ == protowire.VarintType:
			dir.NSQuota, bit = int64(r.varint()), DirNSQuota
		case num == 3 && typ == protowire.VarintType:
			dir.DSQuota, bit = int64(r.varint()), DirDSQuota
		case num == 4 && typ == protowire.Fixed64Type:
			dir.Permission, bit = Permission(r.fixed64()), DirPermission
		case num == 5 && typ == protowire.BytesType:
			if dir.ACL == nil {
				dir.ACL = reuse(d.dirACL)
			}
			if v := r.bytes(); r.err == nil {
				var err error
				dir.ACL, err = appendACL(dir.ACL, v)
				r.check(err)
			}
			d.dirACL, bit = dir.ACL, DirACL
		case num == 6 && typ == protowire.BytesType:
			if dir.XAttrs == nil {
				dir.XAttrs = reuse(d.dirXAttrs)
			}
			if v := r.bytes(); r.err == nil {
				var err error
				dir.XAttrs, err = appendXAttrs(dir.XAttrs, v)
				r.check(err)
			}
			d.dirXAttrs, bit = dir.XAttrs, DirXAttrs
		case num == 7 && typ == protowire.BytesType:
			if dir.Present&(1<<DirTypeQuotas) == 0 {
				d.quotas = d.quotas[:0]
			}
			if v := r.bytes(); r.err == nil {
				var err error
				d.quotas, err = appendTypeQuotas(d.quotas, v)
				r.check(err)
			}
			bit = DirTypeQuotas
			dir.TypeQuotas = nil
			if len(d.quotas) > 0 {
				dir.TypeQuotas = d.quotas
			}
		default:
			r.skip(num, typ)
		}
		if bit != 0 {
			dir.Present |= 1 << bit
		}
	}
	outer.check(r.err)
}

func (d *inodeDecoder) decodeSymlink(outer *wireReader) {
	b := outer.bytes()
	if outer.err != nil {
		return
	}
	s := &d.sym
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		var bit Field
		switch {
		case num == 1 && typ == protowire.Fixed64Type:
			s.Permission, bit = Permission(r.fixed64()), SymlinkPermission
		case num == 2 && typ == protowire.BytesType:
			s.Target, bit = r.bytes(), SymlinkTarget
		case num == 3 && typ == protowire.VarintType:
			s.ModTime, bit = int64(r.varint()), SymlinkModTime
		case num == 4 && typ == protowire.VarintType:
			s.AccessTime, bit = int64(r.varint()), SymlinkAccessTime
		default:
			r.skip(num, typ)
		}
		if bit != 0 {
			s.Present |= 1 << bit
		}
	}
	outer.check(r.err)
}

// reuse returns buf emptied, never nil: a present ACL or xattr feature is
// a non-nil slice even when it holds nothing.
func reuse[T any](buf []T) []T {
	if buf == nil {
		return make([]T, 0, 4)
	}
	return buf[:0]
}

// appendBlock decodes a BlockProto (blockId and genStamp are required).
func appendBlock(bs *[]Block, b []byte) error {
	var blk Block
	var seen uint8
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == 1 && typ == protowire.VarintType:
			blk.ID, seen = int64(r.varint()), seen|1
		case num == 2 && typ == protowire.VarintType:
			blk.GenStamp, seen = int64(r.varint()), seen|2
		case num == 3 && typ == protowire.VarintType:
			blk.NumBytes = int64(r.varint())
		default:
			r.skip(num, typ)
		}
	}
	switch {
	case r.err != nil:
		return r.err
	case seen != 3:
		return errRequired
	}
	*bs = append(*bs, blk)
	return nil
}

func decodeUC(uc *FileUC, b []byte) error {
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == 1 && typ == protowire.BytesType:
			uc.ClientName = string(r.bytes())
		case num == 2 && typ == protowire.BytesType:
			uc.ClientMachine = string(r.bytes())
		default:
			r.skip(num, typ)
		}
	}
	return r.err
}

// appendACL decodes an AclFeatureProto: packed (or not) fixed32 entries.
func appendACL(acl []ACLEntry, b []byte) ([]ACLEntry, error) {
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == 2 && typ == protowire.Fixed32Type:
			if v := r.fixed32(); r.err == nil {
				acl = append(acl, ACLEntry(v))
			}
		case num == 2 && typ == protowire.BytesType:
			p := r.bytes()
			for len(p) > 0 && r.err == nil {
				v, n := protowire.ConsumeFixed32(p)
				if r.fail(n) {
					break
				}
				p = p[n:]
				acl = append(acl, ACLEntry(v))
			}
		default:
			r.skip(num, typ)
		}
	}
	return acl, r.err
}

// appendXAttrs decodes an XAttrFeatureProto.
func appendXAttrs(xs []XAttr, b []byte) ([]XAttr, error) {
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		if num != 1 || typ != protowire.BytesType {
			r.skip(num, typ)
			continue
		}
		v := r.bytes()
		if r.err != nil {
			break
		}
		x, err := xattr(v)
		r.check(err)
		if err == nil {
			xs = append(xs, x)
		}
	}
	return xs, r.err
}

// xattr decodes an XAttrCompactProto (name is required).
func xattr(b []byte) (XAttr, error) {
	var x XAttr
	named := false
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == 1 && typ == protowire.Fixed32Type:
			x.Name, named = XAttrName(r.fixed32()), true
		case num == 2 && typ == protowire.BytesType:
			x.Value = r.bytes()
		default:
			r.skip(num, typ)
		}
	}
	switch {
	case r.err != nil:
		return x, r.err
	case !named:
		return x, errRequired
	}
	return x, nil
}

// appendTypeQuotas decodes a QuotaByStorageTypeFeatureProto.
func appendTypeQuotas(qs []TypeQuota, b []byte) ([]TypeQuota, error) {
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		if num != 1 || typ != protowire.BytesType {
			r.skip(num, typ)
			continue
		}
		v := r.bytes()
		if r.err != nil {
			break
		}
		q, err := typeQuota(v)
		r.check(err)
		if err == nil {
			qs = append(qs, q)
		}
	}
	return qs, r.err
}

// typeQuota decodes a QuotaByStorageTypeEntryProto (both fields required).
func typeQuota(b []byte) (TypeQuota, error) {
	var q TypeQuota
	var seen uint8
	r := wireReader{b: b}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == 1 && typ == protowire.VarintType:
			q.StorageType, seen = StorageType(int32(r.varint())), seen|1
		case num == 2 && typ == protowire.VarintType:
			q.Quota, seen = int64(r.varint()), seen|2
		default:
			r.skip(num, typ)
		}
	}
	switch {
	case r.err != nil:
		return q, r.err
	case seen != 3:
		return q, errRequired
	}
	return q, nil
}

// clone returns a deep copy of n that shares nothing with the decoder.
func (n *INode) clone() *INode {
	c := &INode{Type: n.Type, ID: n.ID, Name: cloneBytes(n.Name)}
	if f := n.File; f != nil {
		cf := *f
		cf.Blocks = cloneSlice(f.Blocks)
		cf.ACL = cloneSlice(f.ACL)
		cf.XAttrs = cloneXAttrs(f.XAttrs)
		if f.UC != nil {
			uc := *f.UC
			cf.UC = &uc
		}
		c.File = &cf
	}
	if d := n.Dir; d != nil {
		cd := *d
		cd.ACL = cloneSlice(d.ACL)
		cd.XAttrs = cloneXAttrs(d.XAttrs)
		cd.TypeQuotas = cloneSlice(d.TypeQuotas)
		c.Dir = &cd
	}
	if s := n.Symlink; s != nil {
		cs := *s
		cs.Target = cloneBytes(s.Target)
		c.Symlink = &cs
	}
	return c
}

// cloneSlice copies s, keeping nil nil and empty empty.
func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func cloneBytes(b []byte) []byte { return cloneSlice(b) }

func cloneXAttrs(xs []XAttr) []XAttr {
	out := cloneSlice(xs)
	for i := range out {
		out[i].Value = cloneBytes(out[i].Value)
	}
	return out
}

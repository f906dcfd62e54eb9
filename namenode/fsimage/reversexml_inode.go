package fsimage

import (
	"encoding/hex"
	"regexp"
	"strings"
)

// rd reads fields of one XML node, keeping the first error.
type rd struct {
	n   *xnode
	err error
}

func (r *rd) str(key string) (string, bool) {
	if r.err != nil {
		return "", false
	}
	v, ok, err := r.n.str(key)
	r.err = err
	return v, ok
}

func (r *rd) i64(key string) (int64, bool) {
	if r.err != nil {
		return 0, false
	}
	v, ok, err := r.n.int64(key)
	r.err = err
	return v, ok
}

func (r *rd) i32(key string) (int32, bool) {
	if r.err != nil {
		return 0, false
	}
	v, ok, err := r.n.int32(key)
	r.err = err
	return v, ok
}

// req* read a field that must be there; msg is Hadoop's complaint.
func (r *rd) reqStr(key, msg string) string {
	v, ok := r.str(key)
	r.missing(ok, msg)
	return v
}

func (r *rd) reqI64(key, msg string) int64 {
	v, ok := r.i64(key)
	r.missing(ok, msg)
	return v
}

func (r *rd) reqI32(key, msg string) int32 {
	v, ok := r.i32(key)
	r.missing(ok, msg)
	return v
}

func (r *rd) missing(ok bool, msg string) {
	if r.err == nil && !ok {
		r.err = reverseErr("%s", msg)
	}
}

// opt* read an optional field into dst and mark it present.
func (r *rd) optI64(key string, dst *int64, p *Fields, f Field) {
	if v, ok := r.i64(key); ok {
		*dst, *p = v, p.With(f)
	}
}

func (r *rd) optI32(key string, dst *int32, p *Fields, f Field) {
	if v, ok := r.i32(key); ok {
		*dst, *p = v, p.With(f)
	}
}

func (r *rd) done(what string) error {
	if r.err == nil {
		r.err = r.n.done(what)
	}
	return r.err
}

// inode is processINodeXml.
func (rc *reconstructor) inode(n *xnode) (*INode, error) {
	if n == nil {
		return nil, reverseErr("a snapshot has no <root>")
	}
	r := &rd{n: n}
	typ, ok := r.str("type")
	if r.err == nil && !ok {
		return nil, reverseErr("INode XML found with no <type> tag")
	}
	in := &INode{ID: r.reqI64("id", "<inode> found without <id>")}
	if name, ok := r.str("name"); ok {
		in.Name = nonNil([]byte(name))
	}
	if r.err != nil {
		return nil, r.err
	}
	var err error
	switch typ {
	case "FILE":
		in.Type = TypeFile
		in.File, err = rc.fileAttrs(r)
	case "DIRECTORY":
		in.Type = TypeDirectory
		in.Dir, err = rc.dirAttrs(r)
	case "SYMLINK":
		in.Type = TypeSymlink
		in.Symlink, err = rc.symlinkAttrs(r)
	default:
		return nil, reverseErr("INode XML found with unknown <type> tag %s", typ)
	}
	if err != nil {
		return nil, err
	}
	return in, r.done("inode")
}

// fileAttrs is createINodeFileBuilder; the order of the reads is the order
// in which strings enter the string table.
func (rc *reconstructor) fileAttrs(r *rd) (*INodeFile, error) {
	f := &INodeFile{}
	r.optI32("replication", &f.Replication, &f.Present, FileReplication)
	r.optI64("mtime", &f.ModTime, &f.Present, FileModTime)
	r.optI64("atime", &f.AccessTime, &f.Present, FileAccessTime)
	r.optI64("preferredBlockSize", &f.PreferredBlockSize, &f.Present, FilePreferredBlockSize)
	rc.perm(r, &f.Permission, &f.Present, FilePermission)
	if blocks := r.n.child("blocks"); blocks != nil {
		f.Blocks = blockList(r, blocks)
	}
	if uc := r.n.child("file-under-construction"); uc != nil && r.err == nil {
		u := &rd{n: uc}
		f.UC = &FileUC{
			ClientName:    u.reqStr("clientName", "<file-under-construction> found without <clientName>"),
			ClientMachine: u.reqStr("clientMachine", "<file-under-construction> found without <clientMachine>"),
		}
		r.err = u.err
	}
	if acls := r.n.child("acls"); acls != nil && r.err == nil {
		f.Present = f.Present.With(FileACL)
		f.ACL, r.err = rc.acls(acls)
	}
	if xattrs := r.n.child("xattrs"); xattrs != nil && r.err == nil {
		f.Present = f.Present.With(FileXAttrs)
		f.XAttrs, r.err = rc.xattrs(xattrs)
	}
	r.optI32("storagePolicyId", &f.StoragePolicyID, &f.Present, FileStoragePolicyID)
	if bt, ok := r.str("blockType"); ok {
		f.Present = f.Present.With(FileBlockType)
		switch bt {
		case "CONTIGUOUS":
			f.BlockType = Contiguous
		case "STRIPED":
			f.BlockType = Striped
			r.optI32("erasureCodingPolicyId", &f.ECPolicyID, &f.Present, FileECPolicyID)
		default:
			r.err = reverseErr("INode XML found with unknown <blocktype> %s", bt)
		}
	}
	return f, r.err
}

// blockList reads <block> children (createBlockBuilder).
func blockList(r *rd, blocks *xnode) []Block {
	var out []Block
	for b := blocks.child("block"); b != nil && r.err == nil; b = blocks.child("block") {
		br := &rd{n: b}
		out = append(out, Block{
			ID:       br.reqI64("id", "<block> found without <id>"),
			GenStamp: br.reqI64("genstamp", "<block> found without <genstamp>"),
			NumBytes: br.reqI64("numBytes", "<block> found without <numBytes>"),
		})
		r.err = br.err
	}
	return out
}

// dirAttrs is createINodeDirectoryBuilder.
func (rc *reconstructor) dirAttrs(r *rd) (*INodeDirectory, error) {
	d := &INodeDirectory{}
	r.optI64("mtime", &d.ModTime, &d.Present, DirModTime)
	r.optI64("nsquota", &d.NSQuota, &d.Present, DirNSQuota)
	r.optI64("dsquota", &d.DSQuota, &d.Present, DirDSQuota)
	rc.perm(r, &d.Permission, &d.Present, DirPermission)
	if acls := r.n.child("acls"); acls != nil && r.err == nil {
		d.Present = d.Present.With(DirACL)
		d.ACL, r.err = rc.acls(acls)
	}
	if xattrs := r.n.child("xattrs"); xattrs != nil && r.err == nil {
		d.Present = d.Present.With(DirXAttrs)
		d.XAttrs, r.err = rc.xattrs(xattrs)
	}
	d.Present = d.Present.With(DirTypeQuotas) // Hadoop always sets the message
	for q := r.n.child("typeQuota"); q != nil && r.err == nil; q = r.n.child("typeQuota") {
		qr := &rd{n: q}
		name, ok := qr.str("type")
		qr.missing(ok, "<typeQuota> was missing <type>")
		st, known := storageTypeByName(name)
		if qr.err == nil && !known {
			qr.err = reverseErr("<typeQuota> had unknown <type> %s", name)
		}
		quota := qr.reqI64("quota", "<typeQuota> was missing <quota>")
		d.TypeQuotas = append(d.TypeQuotas, TypeQuota{st, quota})
		r.err = qr.err
	}
	return d, r.err
}

func storageTypeByName(name string) (StorageType, bool) {
	for t, n := range storageTypeNames {
		if n == name {
			return t, true
		}
	}
	return 0, false
}

func (rc *reconstructor) symlinkAttrs(r *rd) (*INodeSymlink, error) {
	l := &INodeSymlink{}
	rc.perm(r, &l.Permission, &l.Present, SymlinkPermission)
	if t, ok := r.str("target"); ok {
		l.Target, l.Present = nonNil([]byte(t)), l.Present.With(SymlinkTarget)
	}
	r.optI64("mtime", &l.ModTime, &l.Present, SymlinkModTime)
	r.optI64("atime", &l.AccessTime, &l.Present, SymlinkAccessTime)
	return l, r.err
}

// octalMode is RawParser's octal pattern.
var octalMode = regexp.MustCompile(`^[ \t\n\x0b\f\r]*([01]?)([0-7]{3})[ \t\n\x0b\f\r]*$`)

// perm is permissionXmlToU64: "user:group:mode", user and group
// registered in the string table, packed without masking the ids.
func (rc *reconstructor) perm(r *rd, dst *Permission, p *Fields, f Field) {
	s, ok := r.str("permission")
	if !ok {
		return
	}
	parts := javaSplit(s, ":")
	if len(parts) != 3 {
		r.err = reverseErr("unable to parse permission string %s: expected 3 components, but only had %d", s, len(parts))
		return
	}
	m := octalMode.FindStringSubmatch(parts[2])
	if m == nil {
		r.err = reverseErr("unable to parse permission mode %q (only the octal form is supported)", parts[2])
		return
	}
	user, err := rc.register(parts[0])
	if err == nil {
		var group uint32
		group, err = rc.register(parts[1])
		mode := uint64(m[2][0]-'0')<<6 | uint64(m[2][1]-'0')<<3 | uint64(m[2][2]-'0')
		if m[1] == "1" {
			mode |= 1 << 9
		}
		*dst = Permission(uint64(user)<<40 | uint64(group)<<16 | mode)
	}
	r.err = err
	*p = p.With(f)
}

// javaSplit is String.split with a literal separator: trailing empty
// strings are dropped, and a string without the separator is returned whole.
func javaSplit(s, sep string) []string {
	if !strings.Contains(s, sep) {
		return []string{s}
	}
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// acls is aclXmlToProto, with AclEntry.parseAclEntry's rules.
func (rc *reconstructor) acls(n *xnode) ([]ACLEntry, error) {
	out := []ACLEntry{}
	for a := n.child("acl"); a != nil; a = n.child("acl") {
		parts := javaSplit(a.val, ":")
		i, scope := 0, ACLAccess
		if len(parts) > 0 && parts[0] == "default" {
			i, scope = 1, ACLDefault
		}
		if len(parts) <= i {
			return nil, reverseErr("invalid <aclSpec> : %s", a.val)
		}
		typ := -1
		for t, name := range aclTypeNames {
			if strings.EqualFold(parts[i], name) {
				typ = t
			}
		}
		if typ < 0 {
			return nil, reverseErr("invalid type of acl in <aclSpec> :%s", a.val)
		}
		i++
		name := ""
		if len(parts) > i {
			name = parts[i]
			i++
		}
		if len(parts) != i+1 {
			return nil, reverseErr("invalid <aclSpec> : %s", a.val)
		}
		perm := -1
		for p := FsAction(0); p < 8; p++ {
			if p.String() == parts[i] {
				perm = int(p)
			}
		}
		if perm < 0 {
			return nil, reverseErr("invalid permission in <aclSpec> : %s", a.val)
		}
		id, err := rc.register(name)
		if err != nil {
			return nil, err
		}
		out = append(out, ACLEntry((id&0xffffff)<<6|uint32(typ)<<3|uint32(scope)<<5|uint32(perm)))
	}
	return out, nil
}

// xattrs is xattrsXmlToProto.
func (rc *reconstructor) xattrs(n *xnode) ([]XAttr, error) {
	out := []XAttr{}
	for x := n.child("xattr"); x != nil; x = n.child("xattr") {
		r := &rd{n: x}
		ns, ok := r.str("ns")
		r.missing(ok, "<xattr> had no <ns> entry")
		nsIdx := -1
		for i, name := range xattrNamespaceNames {
			if name == ns {
				nsIdx = i
			}
		}
		if r.err == nil && nsIdx < 0 {
			r.err = reverseErr("<xattr> has unknown namespace %s", ns)
		}
		name, hasName := r.str("name")
		var val []byte
		if s, ok := r.str("val"); ok {
			val = []byte(s)
		} else if h, ok := r.str("valHex"); ok {
			var err error
			if val, err = hex.DecodeString(h); err != nil && r.err == nil {
				r.err = reverseErr("<valHex> %q is not hex", h)
			}
		} else {
			r.missing(false, "<xattr> had no <val> or <valHex> entry")
		}
		r.missing(hasName, "<xattr> had no <name> entry")
		if r.err != nil {
			return nil, r.err
		}
		id, err := rc.register(name)
		if err != nil {
			return nil, err
		}
		enc := id<<6 | uint32(nsIdx&3)<<30 | uint32(nsIdx>>2&1)<<5
		out = append(out, XAttr{Name: XAttrName(enc), Value: nonNil(val)})
		if err := r.done("xattr"); err != nil {
			return nil, err
		}
	}
	return out, n.done("xattrs")
}

package editlog

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Kinds for ACLs and extended attributes. OP_ADD and OP_MKDIR store ACL
// entries packed into bytes and xattrs as an XAttrEditLogProto; OP_SET_ACL
// and the xattr ops store the path and the list in one protobuf message.

var (
	scopeNames     = [...]string{"ACCESS", "DEFAULT"}
	aclTypeNames   = [...]string{"USER", "GROUP", "MASK", "OTHER"}
	fsActionSyms   = [...]string{"---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx"}
	namespaceNames = [...]string{"USER", "TRUSTED", "SECURITY", "SYSTEM", "RAW"}
)

// aclBitsK is AclEditLogUtil's form: an int count, then per entry one byte
// (bit 6 has-name, bit 5 scope, bits 3-4 type, bits 0-2 permission) and the
// name as UTF8 when there is one.
type aclBitsK struct{}

func (aclBitsK) put(e *encoder, o *Op) {
	e.i32(int32(len(o.ACL)))
	for _, a := range o.ACL {
		v := uint8(a.Scope&1)<<5 | uint8(a.Type&3)<<3 | uint8(a.Perm&7)
		if a.Name != "" {
			v |= 1 << 6
		}
		e.u8(v)
		if a.Name != "" {
			e.utf8(a.Name)
		}
	}
}

func (aclBitsK) get(d *decoder, o *Op) {
	n := d.count("ACL entry", maxElements)
	o.ACL = nil
	for i := 0; i < n && d.err == nil; i++ {
		v := d.u8()
		a := ACLEntry{Scope: ACLScope(v >> 5 & 1), Type: ACLType(v >> 3 & 3), Perm: FsAction(v & 7)}
		if v>>6&1 == 1 {
			a.Name = d.utf8()
		}
		o.ACL = append(o.ACL, a)
	}
}

// aclXML writes ACL entries as <ENTRY> elements.
type aclXML struct{}

func (aclXML) emit(x *xmlOut, tag string, o *Op) {
	for _, a := range o.ACL {
		if int(a.Scope) >= len(scopeNames) || int(a.Type) >= len(aclTypeNames) || a.Perm > 7 {
			x.fail(fmt.Errorf("%w: invalid ACL entry %+v", ErrCorrupt, a))
			return
		}
		x.open(tag)
		x.leaf("SCOPE", scopeNames[a.Scope])
		x.leaf("TYPE", aclTypeNames[a.Type])
		if a.Name != "" {
			x.leaf("NAME", a.Name)
		}
		x.leaf("PERM", fsActionSyms[a.Perm])
		x.close(tag)
	}
}

func (aclXML) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	o.ACL = nil
	for _, st := range s.children[tag] {
		a := ACLEntry{
			Scope: ACLScope(p.enum(st, "SCOPE", scopeNames[:])),
			Type:  ACLType(p.enum(st, "TYPE", aclTypeNames[:])),
			Perm:  FsAction(p.enum(st, "PERM", fsActionSyms[:])),
		}
		a.Name, _ = p.optStr(st, "NAME")
		o.ACL = append(o.ACL, a)
	}
}

// enum maps a child's text to its index in names.
func (p *xmlParser) enum(s *stanza, tag string, names []string) int {
	v := p.str(s, tag)
	i := indexOf(names, v)
	if i < 0 && p.err == nil {
		p.fail("%s: unknown value %q", tag, v)
	}
	return max(i, 0)
}

// xattrXML writes xattrs as <XATTR> elements, values in hex ("0x...").
type xattrXML struct{}

func (xattrXML) emit(x *xmlOut, tag string, o *Op) {
	for _, a := range o.XAttrs {
		if int(a.Namespace) >= len(namespaceNames) {
			x.fail(fmt.Errorf("%w: xattr namespace %d", ErrCorrupt, a.Namespace))
			return
		}
		x.open(tag)
		x.leaf("NAMESPACE", namespaceNames[a.Namespace])
		x.leaf("NAME", a.Name)
		if a.Value != nil {
			x.leaf("VALUE", "0x"+fmt.Sprintf("%x", a.Value))
		}
		x.close(tag)
	}
}

func (xattrXML) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	o.XAttrs = nil
	for _, st := range s.children[tag] {
		a := XAttr{
			Namespace: XAttrNamespace(p.enum(st, "NAMESPACE", namespaceNames[:])),
			Name:      p.str(st, "NAME"),
		}
		if v, ok := p.optStr(st, "VALUE"); ok {
			a.Value = decodeXAttrValue(p, v)
		}
		o.XAttrs = append(o.XAttrs, a)
	}
}

// decodeXAttrValue is XAttrCodec.decodeValue: "quoted text", 0x-hex,
// 0s-base64, or else the text's UTF-8 bytes.
func decodeXAttrValue(p *xmlParser, v string) []byte {
	if len(v) >= 2 {
		switch prefix := strings.ToLower(v[:2]); {
		case v[0] == '"' && v[len(v)-1] == '"':
			return []byte(v[1 : len(v)-1])
		case prefix == "0x":
			return p.hexBytes("xattr value", v[2:])
		case prefix == "0s":
			b, err := base64.StdEncoding.DecodeString(v[2:])
			if err != nil {
				p.fail("xattr value %q is not base64: %v", v, err)
			}
			return b
		}
	}
	return []byte(v)
}

// xattrsProtoK is the XAttrEditLogProto (no src) that OP_ADD and OP_MKDIR
// store, varint-length-delimited.
type xattrsProtoK struct{}

func (xattrsProtoK) put(e *encoder, o *Op) {
	if len(o.XAttrs) == 0 {
		e.u8(0) // an empty message: its length, zero
		return
	}
	e.delimited(&hdfspb.XAttrEditLogProto{XAttrs: xattrsToProto(o.XAttrs)})
}

func (xattrsProtoK) get(d *decoder, o *Op) {
	var m hdfspb.XAttrEditLogProto
	d.delimited(&m)
	o.XAttrs = xattrsFromProto(m.GetXAttrs())
}

// xattrOpK is the XAttrEditLogProto of OP_SET_XATTR and OP_REMOVE_XATTR:
// the path and the attributes.
type xattrOpK struct{}

func (xattrOpK) put(e *encoder, o *Op) {
	e.delimited(&hdfspb.XAttrEditLogProto{Src: proto.String(standardUTF8(o.Path)), XAttrs: xattrsToProto(o.XAttrs)})
}

func (xattrOpK) get(d *decoder, o *Op) {
	var m hdfspb.XAttrEditLogProto
	d.delimited(&m)
	o.Path, o.XAttrs = m.GetSrc(), xattrsFromProto(m.GetXAttrs())
}

// aclOpK is OP_SET_ACL's AclEditLogProto: the path and the entries.
type aclOpK struct{}

func (aclOpK) put(e *encoder, o *Op) {
	m := &hdfspb.AclEditLogProto{Src: proto.String(standardUTF8(o.Path))}
	for _, a := range o.ACL {
		p := &hdfspb.AclEntryProto{
			Type:        hdfspb.AclEntryProto_AclEntryTypeProto(a.Type).Enum(),
			Scope:       hdfspb.AclEntryProto_AclEntryScopeProto(a.Scope).Enum(),
			Permissions: hdfspb.AclEntryProto_FsActionProto(a.Perm).Enum(),
		}
		if a.Name != "" {
			p.Name = proto.String(standardUTF8(a.Name))
		}
		m.Entries = append(m.Entries, p)
	}
	e.delimited(m)
}

func (aclOpK) get(d *decoder, o *Op) {
	var m hdfspb.AclEditLogProto
	d.delimited(&m)
	o.Path, o.ACL = m.GetSrc(), nil
	for _, p := range m.GetEntries() {
		o.ACL = append(o.ACL, ACLEntry{
			Scope: ACLScope(p.GetScope()),
			Type:  ACLType(p.GetType()),
			Perm:  FsAction(p.GetPermissions()),
			Name:  p.GetName(),
		})
	}
}

func xattrsToProto(xs []XAttr) []*hdfspb.XAttrProto {
	out := make([]*hdfspb.XAttrProto, 0, len(xs))
	for _, a := range xs {
		out = append(out, &hdfspb.XAttrProto{
			Namespace: hdfspb.XAttrProto_XAttrNamespaceProto(a.Namespace).Enum(),
			Name:      proto.String(standardUTF8(a.Name)),
			Value:     a.Value,
		})
	}
	return out
}

func xattrsFromProto(ps []*hdfspb.XAttrProto) []XAttr {
	var out []XAttr
	for _, p := range ps {
		out = append(out, XAttr{
			Namespace: XAttrNamespace(p.GetNamespace()),
			Name:      p.GetName(),
			Value:     p.Value,
		})
	}
	return out
}

// delimited writes m with a varint length prefix (writeDelimitedTo).
func (e *encoder) delimited(m proto.Message) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		e.fail(fmt.Errorf("%w: %v", ErrNotWritable, err))
		return
	}
	e.buf = binary.AppendUvarint(e.buf, uint64(len(b)))
	e.bytes(b)
}

// delimited reads a varint-length-prefixed message (parseDelimitedFrom).
func (d *decoder) delimited(m proto.Message) {
	if d.err != nil {
		return
	}
	n, k := binary.Uvarint(d.buf[d.off:])
	switch {
	case k == 0:
		d.err = errShort
		return
	case k < 0 || n > 1<<31:
		d.fail("bad protobuf length prefix")
		return
	}
	d.off += k
	b := d.take(int(n))
	if d.err != nil {
		return
	}
	if err := proto.Unmarshal(b, m); err != nil {
		d.fail("%T: %v", m, err)
	}
}

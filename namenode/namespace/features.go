package namespace

import (
	"strconv"
	"strings"
)

// The vocabulary of inode features beyond permissions and times:
// extended attributes, ACLs and storage policies. The numbers are the
// wire values of Hadoop's protos (XAttrProto, AclEntryProto), so the RPC
// and image layers translate without tables.

// XAttrNS is XAttrProto.XAttrNamespaceProto.
type XAttrNS uint8

// Extended attribute namespaces, as the name prefixes "user.",
// "trusted.", "security.", "system." and "raw.".
const (
	XAttrUser XAttrNS = iota
	XAttrTrusted
	XAttrSecurity
	XAttrSystem
	XAttrRaw
)

// XAttr is one extended attribute. Value is nil for an attribute without
// a value (and in name-only requests).
type XAttr struct {
	NS    XAttrNS
	Name  string // without the namespace prefix
	Value []byte
}

// XAttrSetFlag is a set of XAttrSetFlagProto bits.
type XAttrSetFlag uint8

// The setXAttr flags.
const (
	XAttrCreate  XAttrSetFlag = 1 // XATTR_CREATE
	XAttrReplace XAttrSetFlag = 2 // XATTR_REPLACE
)

// AclScope is AclEntryScopeProto.
type AclScope uint8

// ACL entry scopes.
const (
	AclAccess AclScope = iota
	AclDefault
)

// AclType is AclEntryTypeProto.
type AclType uint8

// ACL entry types.
const (
	AclUser AclType = iota
	AclGroup
	AclMask
	AclOther
)

// AclEntry is one ACL entry. Name is empty for the unnamed entries.
type AclEntry struct {
	Scope AclScope
	Type  AclType
	Perm  Action
	Name  string
}

// AclStatus is what ClientProtocol.getAclStatus reports.
type AclStatus struct {
	Owner, Group string
	Sticky       bool
	Entries      []AclEntry // the extended entries, without the base ones
	Permission   Mode
}

var xattrNSNames = [...]string{"USER", "TRUSTED", "SECURITY", "SYSTEM", "RAW"}

// String is the Java enum constant's name (XAttr.NameSpace).
func (ns XAttrNS) String() string {
	if int(ns) < len(xattrNSNames) {
		return xattrNSNames[ns]
	}
	return "XAttrNS(" + strconv.Itoa(int(ns)) + ")"
}

// PrefixedName is the attribute's full name, "user.name" and the like
// (XAttrHelper.getPrefixedName).
func (x XAttr) PrefixedName() string { return strings.ToLower(x.NS.String()) + "." + x.Name }

// sameXAttr is XAttr.equalsIgnoreValue.
func sameXAttr(a, b XAttr) bool { return a.NS == b.NS && a.Name == b.Name }

var aclTypeNames = [...]string{"user", "group", "mask", "other"}

// String formats e as AclEntry.toString: "default:user:bob:rw-".
func (e AclEntry) String() string {
	s := ""
	if e.Scope == AclDefault {
		s = "default:"
	}
	if int(e.Type) < len(aclTypeNames) {
		s += aclTypeNames[e.Type]
	}
	return s + ":" + e.Name + ":" + e.Perm.symbol()
}

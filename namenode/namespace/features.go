package namespace

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

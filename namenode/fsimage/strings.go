package fsimage

import "fmt"

// StringTable is the STRING_TABLE section: the user, group and xattr names
// that permissions, ACL entries and xattrs refer to by number
// (SerialNumberManager.StringTable).
//
// From layout -65 on the NameNode writes MaskBits = 3 and puts the kind of
// a string in the top bits of its id; older images (and ReverseXML output)
// have MaskBits = 0 and one id space for all kinds.
type StringTable struct {
	MaskBits uint32
	Entries  []StringEntry // in file order
	Present  Fields
	byID     map[uint32]string
}

// StringKind says which serial number space an id belongs to
// (SerialNumberManager's ordinal).
type StringKind uint32

// String kinds.
const (
	KindGlobal StringKind = 0
	KindUser   StringKind = 1
	KindGroup  StringKind = 2
	KindXAttr  StringKind = 3
)

// maxMaskBits is SerialNumberManager's mask width: 32 minus the 29 bits an
// id may use.
const maxMaskBits = 3

// NewStringTable returns a table over entries. Later entries win over
// earlier ones with the same id, as in Hadoop's HashMap.
func NewStringTable(maskBits uint32, entries []StringEntry) *StringTable {
	t := &StringTable{MaskBits: maskBits, Entries: entries,
		Present: SavedStringTable}
	t.index()
	return t
}

func (t *StringTable) index() {
	t.byID = make(map[uint32]string, len(t.Entries))
	for _, e := range t.Entries {
		t.byID[e.ID] = e.Str
	}
}

// Lookup returns the string with the given id of the given kind. It is
// safe for concurrent use; tables from NewStringTable or an Image are
// indexed, others are searched.
func (t *StringTable) Lookup(kind StringKind, id uint32) (string, bool) {
	if t == nil {
		return "", false
	}
	if t.MaskBits != 0 {
		id |= uint32(kind) << (32 - t.MaskBits)
	}
	if t.byID == nil { // built as a literal: search, and stay read-only
		for i := len(t.Entries) - 1; i >= 0; i-- {
			if t.Entries[i].ID == id {
				return t.Entries[i].Str, true
			}
		}
		return "", false
	}
	s, ok := t.byID[id]
	return s, ok
}

// Permission is the packed permission of an inode
// (PermissionStatusFormat): user id in bits 40-63, group id in bits 16-39,
// mode in bits 0-15.
type Permission uint64

// MakePermission packs a permission.
func MakePermission(userID, groupID uint32, mode uint16) Permission {
	return Permission(uint64(userID&0xffffff)<<40 | uint64(groupID&0xffffff)<<16 | uint64(mode))
}

// UserID returns the string table id of the owner.
func (p Permission) UserID() uint32 { return uint32(p>>40) & 0xffffff }

// GroupID returns the string table id of the group.
func (p Permission) GroupID() uint32 { return uint32(p>>16) & 0xffffff }

// Mode returns the permission bits, sticky bit included (0o1777).
func (p Permission) Mode() uint16 { return uint16(p) & 0o1777 }

// ACLEntry is a packed ACL entry (AclEntryStatusFormat): permission in bits
// 0-2, type in 3-4, scope in 5, name id in 6-29.
type ACLEntry uint32

// ACL entry types and scopes.
const (
	ACLUser  = 0
	ACLGroup = 1
	ACLMask  = 2
	ACLOther = 3

	ACLAccess  = 0
	ACLDefault = 1
)

// MakeACLEntry packs an ACL entry.
func MakeACLEntry(scope, typ int, perm FsAction, nameID uint32) ACLEntry {
	return ACLEntry((nameID&0xffffff)<<6 | uint32(scope&1)<<5 | uint32(typ&3)<<3 | uint32(perm&7))
}

// Perm returns the entry's permission.
func (e ACLEntry) Perm() FsAction { return FsAction(e & 7) }

// Type returns ACLUser, ACLGroup, ACLMask or ACLOther.
func (e ACLEntry) Type() int { return int(e>>3) & 3 }

// Scope returns ACLAccess or ACLDefault.
func (e ACLEntry) Scope() int { return int(e>>5) & 1 }

// NameID returns the string table id of the named user or group; 0 when
// the entry names nobody.
func (e ACLEntry) NameID() uint32 { return uint32(e>>6) & 0xffffff }

// aclTypeNames are AclEntryType names as AclEntry.toString prints them.
var aclTypeNames = [4]string{"user", "group", "mask", "other"}

// FsAction is a permission triple (FsAction's ordinal).
type FsAction uint8

// String returns the symbol, e.g. "r-x".
func (a FsAction) String() string {
	return [8]string{"---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx"}[a&7]
}

// XAttrName packs an xattr's namespace and name id (XAttrFormat): name id
// in bits 6-29, namespace in bits 30-31 plus an extension bit 5.
type XAttrName uint32

// XAttr namespaces (XAttrNamespaceProto).
const (
	XAttrUser     = 0
	XAttrTrusted  = 1
	XAttrSecurity = 2
	XAttrSystem   = 3
	XAttrRaw      = 4
)

var xattrNamespaceNames = []string{"USER", "TRUSTED", "SECURITY", "SYSTEM", "RAW"}

// MakeXAttrName packs a namespace and a name id.
func MakeXAttrName(namespace int, nameID uint32) XAttrName {
	return XAttrName((nameID&0xffffff)<<6 | uint32(namespace&3)<<30 | uint32(namespace>>2&1)<<5)
}

// Namespace returns the namespace number (XAttrUser ... XAttrRaw; 5-7 are
// invalid).
func (n XAttrName) Namespace() int { return int(n>>30)&3 | int(n>>5&1)<<2 }

// NameID returns the string table id of the name.
func (n XAttrName) NameID() uint32 { return uint32(n>>6) & 0xffffff }

// namespaceName returns the namespace's proto enum name.
func namespaceName(ns int) (string, error) {
	if ns < 0 || ns >= len(xattrNamespaceNames) {
		return "", invalidf("xattr namespace %d does not exist", ns)
	}
	return xattrNamespaceNames[ns], nil
}

var storageTypeNames = map[StorageType]string{
	1: "DISK", 2: "SSD", 3: "ARCHIVE", 4: "RAM_DISK", 5: "PROVIDED", 6: "NVDIMM",
}

// String returns the StorageTypeProto name.
func (s StorageType) String() string {
	if n, ok := storageTypeNames[s]; ok {
		return n
	}
	return fmt.Sprintf("StorageType(%d)", int32(s))
}

// String returns the INodeSection.INode.Type name.
func (t INodeType) String() string {
	switch t {
	case TypeFile:
		return "FILE"
	case TypeDirectory:
		return "DIRECTORY"
	case TypeSymlink:
		return "SYMLINK"
	}
	return fmt.Sprintf("INodeType(%d)", int32(t))
}

// String returns the BlockTypeProto name.
func (b BlockType) String() string {
	switch b {
	case Contiguous:
		return "CONTIGUOUS"
	case Striped:
		return "STRIPED"
	}
	return fmt.Sprintf("BlockType(%d)", int32(b))
}

// String returns the ErasureCodingPolicyState name.
func (s ECPolicyState) String() string {
	switch s {
	case ECDisabled:
		return "DISABLED"
	case ECEnabled:
		return "ENABLED"
	case ECRemoved:
		return "REMOVED"
	}
	return fmt.Sprintf("ECPolicyState(%d)", int32(s))
}

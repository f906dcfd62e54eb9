package fsimage

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// The XML viewer's sections after the INODE section.

func (x *xmlDumper) references(sec SectionInfo) error {
	s, err := x.img.OpenReferences(sec)
	if err != nil {
		return err
	}
	x.print("<INodeReferenceSection>")
	err = drain(s, func(r *Reference) error {
		x.print("<ref>")
		x.o("referredId", itoa(r.ReferredID))
		x.o("name", javaString(r.Name))
		x.o("dstSnapshotId", itoa(int64(r.DstSnapshotID)))
		x.o("lastSnapshotId", itoa(int64(r.LastSnapshotID)))
		x.print("</ref>\n")
		return nil
	})
	x.print("</INodeReferenceSection>")
	return err
}

func (x *xmlDumper) dirEntries(sec SectionInfo) error {
	s, err := x.img.OpenDirEntries(sec)
	if err != nil {
		return err
	}
	x.print("<INodeDirectorySection>")
	err = drain(s, func(d *DirEntry) error {
		x.print("<directory>")
		x.o("parent", itoa(d.Parent))
		for _, c := range d.Children {
			x.o("child", itoa(c))
		}
		for _, c := range d.RefChildren {
			x.o("refChild", itoa(int64(c)))
		}
		x.print("</directory>\n")
		return nil
	})
	x.print("</INodeDirectorySection>\n")
	return err
}

func (x *xmlDumper) filesUC(sec SectionInfo) error {
	s, err := x.img.OpenFilesUnderConstruction(sec)
	if err != nil {
		return err
	}
	x.print("<FileUnderConstructionSection>")
	err = drain(s, func(e *FileUCEntry) error {
		x.print("<inode>")
		x.o("id", itoa(e.INodeID))
		x.o("path", javaStr(e.FullPath))
		x.print("</inode>\n")
		return nil
	})
	x.print("</FileUnderConstructionSection>\n")
	return err
}

func (x *xmlDumper) snapshots(sec SectionInfo) error {
	h, s, err := x.img.OpenSnapshots(sec)
	if err != nil {
		return err
	}
	x.print("<SnapshotSection>")
	x.o("snapshotCounter", itoa(int64(h.SnapshotCounter)))
	x.o("numSnapshots", itoa(int64(h.NumSnapshots)))
	if len(h.SnapshottableDirs) > 0 {
		x.print("<snapshottableDir>")
		for _, d := range h.SnapshottableDirs {
			x.o("dir", itoa(d))
		}
		x.print("</snapshottableDir>\n")
	}
	err = drain(s, func(sn *Snapshot) error {
		x.print("<snapshot>")
		x.o("id", itoa(int64(sn.ID)))
		x.print("<root>")
		if err := x.inodeFields(&sn.Root); err != nil {
			return err
		}
		x.print("</root>", "</snapshot>")
		return nil
	})
	x.print("</SnapshotSection>\n")
	return err
}

func (x *xmlDumper) snapshotDiffs(sec SectionInfo) error {
	s, err := x.img.OpenSnapshotDiffs(sec)
	if err != nil {
		return err
	}
	x.print("<SnapshotDiffSection>")
	for {
		e, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch e.Type {
		case FileDiffType:
			err = x.fileDiffs(e)
		case DirectoryDiffType:
			err = x.dirDiffs(e)
		default:
			err = corruptf(x.img.name, "unknown DiffEntry type %d", e.Type)
		}
		if err != nil {
			return err
		}
	}
	x.print("</SnapshotDiffSection>\n")
	return nil
}

func (x *xmlDumper) fileDiffs(e *DiffEntry) error {
	x.print("<fileDiffEntry>")
	x.o("inodeId", itoa(e.INodeID))
	x.o("count", itoa(int64(len(e.FileDiffs))))
	for _, d := range e.FileDiffs {
		x.print("<fileDiff>")
		x.o("snapshotId", itoa(int64(d.SnapshotID)))
		x.o("size", itoa(d.FileSize))
		x.o("name", javaString(d.Name))
		// Java's getSnapshotCopy() never returns null: an absent copy
		// prints as an empty INodeFile.
		cp := d.Copy
		if cp == nil {
			cp = &INodeFile{}
		}
		x.print("<snapshotCopy>")
		if err := x.file(cp); err != nil {
			return err
		}
		x.print("</snapshotCopy>\n")
		x.blocks(d.Blocks)
		x.print("</fileDiff>\n")
	}
	x.print("</fileDiffEntry>")
	return nil
}

func (x *xmlDumper) dirDiffs(e *DiffEntry) error {
	x.print("<dirDiffEntry>")
	x.o("inodeId", itoa(e.INodeID))
	x.o("count", itoa(int64(len(e.DirDiffs))))
	for _, d := range e.DirDiffs {
		x.print("<dirDiff>")
		x.o("snapshotId", itoa(int64(d.SnapshotID)))
		x.o("childrenSize", itoa(int64(d.ChildrenSize)))
		x.flag("isSnapshotRoot", d.IsSnapshotRoot)
		x.o("name", javaString(d.Name))
		if d.Copy != nil {
			x.print("<snapshotCopy>")
			if err := x.dir(d.Copy); err != nil {
				return err
			}
			x.print("</snapshotCopy>\n")
		}
		x.o("createdListSize", itoa(int64(len(d.Created))))
		for _, id := range d.Deleted {
			x.o("deletedInode", itoa(id))
		}
		for _, id := range d.DeletedRefs {
			x.o("deletedInoderef", itoa(int64(id)))
		}
		for _, name := range d.Created {
			x.print("<created>")
			x.o("name", javaString(name))
			x.print("</created>\n")
		}
		x.print("</dirDiff>\n")
	}
	x.print("</dirDiffEntry>")
	return nil
}

func (x *xmlDumper) secretManager(s *SecretManager) {
	x.print("<SecretManagerSection>")
	x.o("currentId", itoa(int64(s.CurrentID)))
	x.o("tokenSequenceNumber", itoa(int64(s.TokenSequenceNumber)))
	x.o("numDelegationKeys", itoa(int64(len(s.Keys))))
	x.o("numTokens", itoa(int64(len(s.Tokens))))
	for _, k := range s.Keys {
		x.print("<delegationKey>")
		x.o("id", itoa(int64(k.ID)))
		x.o("key", hex.EncodeToString(k.Key))
		if k.Present.Has(KeyExpiryDate) {
			x.date("expiry", k.ExpiryDate)
		}
		x.print("</delegationKey>")
	}
	for _, t := range s.Tokens {
		x.print("<token>")
		p := t.Present
		if p.Has(TokenVersion) {
			x.o("version", itoa(int64(t.Version)))
		}
		if p.Has(TokenOwner) {
			x.o("owner", javaStr(t.Owner))
		}
		if p.Has(TokenRenewer) {
			x.o("renewer", javaStr(t.Renewer))
		}
		if p.Has(TokenRealUser) {
			x.o("realUser", javaStr(t.RealUser))
		}
		if p.Has(TokenIssueDate) {
			x.date("issueDate", t.IssueDate)
		}
		if p.Has(TokenMaxDate) {
			x.date("maxDate", t.MaxDate)
		}
		if p.Has(TokenSequenceNumber) {
			x.o("sequenceNumber", itoa(int64(t.SequenceNumber)))
		}
		if p.Has(TokenMasterKeyID) {
			x.o("masterKeyId", itoa(int64(t.MasterKeyID)))
		}
		if p.Has(TokenExpiryDate) {
			x.date("expiryDate", t.ExpiryDate)
		}
		x.print("</token>")
	}
	x.print("</SecretManagerSection>")
}

// date writes a date element; unlike o, Hadoop does not mangle it.
func (x *xmlDumper) date(tag string, ms int64) { x.print("<", tag, ">", isoDate(ms), "</", tag, ">") }

func (x *xmlDumper) cacheManager(c *CacheManager) {
	x.print("<CacheManagerSection>")
	x.o("nextDirectiveId", itoa(c.NextDirectiveID))
	x.o("numDirectives", itoa(int64(len(c.Directives))))
	x.o("numPools", itoa(int64(len(c.Pools))))
	for _, p := range c.Pools {
		x.print("<pool>")
		x.o("poolName", javaStr(p.PoolName))
		x.o("ownerName", javaStr(p.OwnerName))
		x.o("groupName", javaStr(p.GroupName))
		x.o("mode", itoa(int64(p.Mode)))
		x.o("limit", itoa(p.Limit))
		x.o("maxRelativeExpiry", itoa(p.MaxRelativeExpiry))
		x.print("</pool>\n")
	}
	for _, d := range c.Directives {
		x.print("<directive>")
		x.o("id", itoa(d.ID))
		x.o("path", javaStr(d.Path))
		x.o("replication", itoa(int64(d.Replication)))
		x.o("pool", javaStr(d.Pool))
		x.print("<expiration>")
		var e CacheExpiration
		if d.Expiration != nil {
			e = *d.Expiration
		}
		x.o("millis", itoa(e.Millis))
		x.flag("relative", e.IsRelative)
		x.print("</expiration>\n", "</directive>\n")
	}
	x.print("</CacheManagerSection>\n")
}

// names resolves string table ids the way the viewers do
// (SerialNumberManager.getString with a loaded table).
type names struct{ t *StringTable }

// get looks an id up. With no string table loaded, only id 0 (no name)
// resolves; any other id is the error Hadoop's serial map raises.
func (n names) get(kind StringKind, id uint32) (string, bool, error) {
	if n.t == nil {
		if id == 0 {
			return "", false, nil
		}
		return "", false, fmt.Errorf("%w: serial number %d does not exist: the image has no string table",
			ErrCorrupt, id)
	}
	s, ok := n.t.Lookup(kind, id)
	return s, ok, nil
}

// orNull is Java's rendering of a possibly null string.
func (n names) orNull(kind StringKind, id uint32) (string, error) {
	s, ok, err := n.get(kind, id)
	if !ok {
		s = "null"
	}
	return s, err
}

// permission renders "user:group:0755" (with %04o, sticky bit included).
func (n names) permission(p Permission) (string, error) {
	u, err := n.orNull(KindUser, p.UserID())
	if err != nil {
		return "", err
	}
	g, err := n.orNull(KindGroup, p.GroupID())
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s:%s:%04o", u, g, p.Mode()), nil
}

// acl renders an entry like AclEntry.toString: "[default:]type:[name]:perm".
func (n names) acl(e ACLEntry) (string, error) {
	s := ""
	if e.Scope() == ACLDefault {
		s = "default:"
	}
	s += aclTypeNames[e.Type()] + ":"
	if t := e.Type(); t == ACLUser || t == ACLGroup {
		kind := KindUser
		if t == ACLGroup {
			kind = KindGroup
		}
		name, _, err := n.get(kind, e.NameID())
		if err != nil {
			return "", err
		}
		s += name
	}
	return s + ":" + e.Perm().String(), nil
}

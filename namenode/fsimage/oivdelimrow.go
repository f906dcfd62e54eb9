package fsimage

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// row is PBImageDelimitedTextWriter.getEntry: one line for one inode.
func (d *delimited) row(parent string, n *INode) (string, error) {
	var (
		replication, blocks int64
		mtime, atime        int64
		blockSize, size     int64
		nsQuota, dsQuota    int64
		storagePolicy       int64
		perm                Permission
		kind, acl, ecPolicy = "-", "", "-"
	)
	switch n.Type {
	case TypeFile:
		f := n.File
		if f == nil {
			f = &INodeFile{}
		}
		replication, mtime, atime = int64(f.Replication), f.ModTime, f.AccessTime
		blockSize, blocks, perm = f.PreferredBlockSize, int64(len(f.Blocks)), f.Permission
		for _, b := range f.Blocks {
			size += b.NumBytes
		}
		if len(f.ACL) > 0 {
			acl = "+"
		}
		storagePolicy = int64(f.StoragePolicyID)
		if d.opts.PrintECPolicy && f.Present.Has(FileECPolicyID) {
			if p, ok := systemECPolicies[int8(f.ECPolicyID)]; ok {
				ecPolicy = p.Name
			}
		}
	case TypeDirectory:
		dir := n.Dir
		if dir == nil {
			dir = &INodeDirectory{}
		}
		mtime, nsQuota, dsQuota, perm, kind = dir.ModTime, dir.NSQuota, dir.DSQuota, dir.Permission, "d"
		if len(dir.ACL) > 0 {
			acl = "+"
		}
		var err error
		if storagePolicy, ecPolicy, err = d.dirPolicies(dir.XAttrs, ecPolicy); err != nil {
			return "", err
		}
	case TypeSymlink:
		l := n.Symlink
		if l == nil {
			l = &INodeSymlink{}
		}
		mtime, atime, perm = l.ModTime, l.AccessTime, l.Permission
	}
	user, okU, err := d.names.get(KindUser, perm.UserID())
	if err != nil {
		return "", err
	}
	group, okG, err := d.names.get(KindGroup, perm.GroupID())
	if err != nil {
		return "", err
	}
	if !okU || !okG {
		return "", corruptf(d.img.name, "inode %d: its owner or group is not in the string table", n.ID)
	}
	var b strings.Builder
	str := func(s string) { b.WriteString(d.delim); b.WriteString(field(s)) }
	num := func(v int64) { b.WriteString(d.delim); b.WriteString(strconv.FormatInt(v, 10)) }
	str(joinPath(parent, javaString(n.Name)))
	num(replication)
	str(minuteDate(mtime, d.opts.Location))
	str(minuteDate(atime, d.opts.Location))
	num(blockSize)
	num(blocks)
	num(size)
	num(nsQuota)
	num(dsQuota)
	str(kind + modeString(perm.Mode()) + acl)
	str(user)
	str(group)
	if d.opts.PrintStoragePolicy {
		num(storagePolicy)
	}
	if d.opts.PrintECPolicy {
		str(ecPolicy)
	}
	return dropFirstChar(b.String()), nil
}

// modeString is FsPermission.toString: "rwxr-xr-x", the last character
// replaced by t or T when the sticky bit is set.
func modeString(mode uint16) string {
	s := FsAction(mode>>6).String() + FsAction(mode>>3).String() + FsAction(mode).String()
	if mode&0o1000 != 0 {
		if mode&1 != 0 {
			return s[:8] + "t"
		}
		return s[:8] + "T"
	}
	return s
}

// Xattrs that carry a directory's storage policy and erasure coding policy.
const (
	storagePolicyXAttr = "hsm.block.storage.policy.id"
	ecPolicyXAttr      = "hdfs.erasurecoding.policy"
)

// dirPolicies finds a directory's storage policy and, with -ec, its
// erasure coding policy name, as PBImageTextWriter does: the storage
// policy is the first byte of the first system.hsm.block.storage.policy.id
// xattr (0 if there is none), the erasure coding policy the WritableUtils
// string in the first system.hdfs.erasurecoding.policy xattr. Like Hadoop
// it decodes every xattr on the way and fails on one it cannot decode.
func (d *delimited) dirPolicies(xs []XAttr, ec string) (int64, string, error) {
	policy, found, ecFound := int64(0), false, false
	for _, x := range xs {
		if _, err := namespaceName(x.Name.Namespace()); err != nil {
			return 0, "", corruptf(d.img.name, "%v", err)
		}
		name, ok, err := d.names.get(KindXAttr, x.Name.NameID())
		if err != nil {
			return 0, "", err
		}
		if x.Name.Namespace() != XAttrSystem {
			continue
		}
		if !ok && !found {
			return 0, "", corruptf(d.img.name, "xattr name %d is not in the string table", x.Name.NameID())
		}
		if name == storagePolicyXAttr && ok && !found {
			if len(x.Value) == 0 {
				return 0, "", corruptf(d.img.name, "storage policy xattr without a value")
			}
			policy, found = int64(int8(x.Value[0])), true
		}
		if name == ecPolicyXAttr && d.opts.PrintECPolicy && !ecFound {
			ecFound = true
			if s, ok := readWritableString(x.Value); ok {
				ec = s
			}
		}
	}
	return policy, ec, nil
}

// readWritableString is WritableUtils.readString: a VInt length, then
// that many bytes of UTF-8. ok is false for a null or unreadable string.
func readWritableString(b []byte) (string, bool) {
	if len(b) == 0 {
		return "", false
	}
	first := int8(b[0])
	var n int64
	switch {
	case first >= -112:
		n, b = int64(first), b[1:]
	default:
		size := int(-111 - int(first))
		neg := first < -120
		if neg {
			size = int(-119 - int(first))
		}
		if len(b) < 1+size {
			return "", false
		}
		for _, c := range b[1 : 1+size] {
			n = n<<8 | int64(c)
		}
		if neg {
			n = ^n
		}
		b = b[1+size:]
	}
	if n < 0 || n > int64(len(b)) {
		return "", false
	}
	s := b[:n]
	if utf8.Valid(s) {
		return string(s), true
	}
	return javaString(s), true
}

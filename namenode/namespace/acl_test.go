package namespace

import (
	"strings"
	"testing"
)

// acl parses "user::rwx,user:bob:r--,default:mask::r-x" like the
// AclEntry.parseAclSpec of Hadoop's shell (permissions required).
func acl(t testing.TB, spec string) []AclEntry {
	t.Helper()
	var out []AclEntry
	for _, s := range strings.Split(spec, ",") {
		var e AclEntry
		if rest, ok := strings.CutPrefix(s, "default:"); ok {
			e.Scope, s = AclDefault, rest
		}
		f := strings.Split(s, ":")
		if len(f) != 3 {
			t.Fatalf("bad entry %q", s)
		}
		switch f[0] {
		case "user":
			e.Type = AclUser
		case "group":
			e.Type = AclGroup
		case "mask":
			e.Type = AclMask
		case "other":
			e.Type = AclOther
		}
		e.Name = f[1]
		for i, c := range f[2] {
			if c != '-' {
				e.Perm |= Action(4 >> i)
			}
		}
		out = append(out, e)
	}
	return out
}

func TestAclTransformations(t *testing.T) {
	base := "user::rwx,group::r-x,other::r-x"
	for _, c := range []struct {
		name, op, existing, spec, want, err string
	}{
		{"modify adds a named entry and computes the mask", "modify", base, "user:bob:rw-",
			"[user::rwx, user:bob:rw-, group::r-x, mask::rwx, other::r-x]", ""},
		{"modify keeps an explicit mask", "modify", base, "user:bob:rw-,mask::r--",
			"[user::rwx, user:bob:rw-, group::r-x, mask::r--, other::r-x]", ""},
		{"a default ACL is completed from the access ACL", "modify", base, "default:user:bob:r-x",
			"[user::rwx, group::r-x, other::r-x, default:user::rwx, default:user:bob:r-x, default:group::r-x," +
				" default:mask::r-x, default:other::r-x]", ""},
		{"remove recomputes the mask", "remove", base + ",user:bob:rw-,group:admins:--x,mask::rwx", "user:bob:",
			"[user::rwx, group::r-x, group:admins:--x, mask::r-x, other::r-x]", ""},
		{"remove of the mask with named entries", "remove", base + ",user:bob:rw-,mask::rwx", "mask::", "",
			"Invalid ACL: mask is required and cannot be deleted."},
		{"remove default", "removeDefault", base + ",default:user::rwx,default:group::r-x,default:other::---", "",
			"[user::rwx, group::r-x, other::r-x]", ""},
		{"replace needs the base entries", "replace", base, "user:bob:rwx", "",
			"Invalid ACL: the user, group and other entries are required."},
		{"replace keeps the other scope", "replace", base + ",default:user::rwx,default:group::r-x,default:other::---",
			"user::rw-,group::---,other::---", "[user::rw-, group::---, other::---, default:user::rwx," +
				" default:group::r-x, default:other::---]", ""},
		{"duplicates", "replace", base, "user::rwx,user::r--,group::---,other::---", "",
			"Invalid ACL: multiple entries with same scope, type and name."},
		{"named mask", "modify", base, "mask:bob:r--", "",
			"Invalid ACL: this entry type must not have a name: mask:bob:r--."},
	} {
		t.Run(c.name, func(t *testing.T) {
			existing := acl(t, c.existing)
			sortAcl(existing)
			var spec []AclEntry
			if c.spec != "" {
				spec = acl(t, c.spec)
			}
			var got []AclEntry
			var err error
			switch c.op {
			case "modify":
				got, err = mergeAcl(existing, spec)
			case "remove":
				got, err = filterAclBySpec(existing, spec)
			case "removeDefault":
				got, err = filterDefaultAcl(existing)
			case "replace":
				got, err = replaceAcl(existing, spec)
			}
			if c.err != "" {
				wantErr(t, err, ErrAcl, c.err)
				return
			}
			if err != nil || aclString(got) != c.want {
				t.Fatalf("got %s, %v\nwant %s", aclString(got), err, c.want)
			}
		})
	}
}

func TestAclTooManyEntries(t *testing.T) {
	spec := acl(t, "user::rwx,group::r-x,other::r-x")
	for i := range 31 {
		spec = append(spec, AclEntry{Type: AclUser, Name: "u" + itoa(i), Perm: ActRead})
	}
	_, err := replaceAcl(nil, spec)
	wantErr(t, err, ErrAcl, "Invalid ACL: ACL has 34 access entries, which exceeds maximum of 32.")
}

func TestSetAclStoresTheMaskInTheGroupBits(t *testing.T) {
	tr := homeTree(t)
	d := "/user/alice"
	_, err := tr.ModifyAclEntries(bob, d, acl(t, "user:bob:rwx"))
	wantErr(t, err, ErrAccessControl, "Permission denied. user=bob is not the owner of inode=/user/alice")
	ch := ok(t)(tr.ModifyAclEntries(alice, d, acl(t, "user:bob:rwx")))
	want := "[user::rwx, user:bob:rwx, group::r-x, mask::rwx, other::r-x]"
	if len(ch.Records) != 1 || ch.Records[0].Kind != KindSetAcl || aclString(ch.Records[0].Acl) != want {
		t.Fatalf("records %+v", ch.Records)
	}
	st, err := tr.GetAclStatus(bob, d)
	if err != nil || st.Permission != 0775 || aclString(st.Entries) != "[user:bob:rwx, group::r-x]" ||
		st.Owner != "alice" || st.Group != "users" {
		t.Fatalf("status %+v %v", st, err)
	}
	if fs := stat(t, tr, d); !fs.HasAcl || fs.Permission != 0775 {
		t.Fatalf("file status %+v", fs)
	}
	// chmod changes the mask, which limits the named entries.
	chmod(t, tr, d, 0705)
	_, err = tr.Mkdirs(bob, d+"/x", 0755, false)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=EXECUTE, inode="/user/alice":alice:users:drwx---r-x`)
	chmod(t, tr, d, 0775)
	ok(t)(tr.Mkdirs(bob, d+"/x", 0755, false))

	// removeAcl puts group:: back in the group bits.
	ok(t)(tr.RemoveAcl(alice, d))
	if fs := stat(t, tr, d); fs.HasAcl || fs.Permission != 0755 {
		t.Fatalf("after removeAcl %+v", fs)
	}
}

func TestAclErrorsNameThePath(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	_, err := tr.ModifyAclEntries(alice, "/user/alice/f", acl(t, "default:user:bob:rwx"))
	wantErr(t, err, ErrAcl, "Invalid ACL: only directories may have a default ACL. Path: /user/alice/f Path: /user/alice/f")
	_, err = tr.RemoveAclEntries(alice, "/user/alice/f", acl(t, "group::---"))
	wantErr(t, err, ErrAcl, "Invalid ACL: the user, group and other entries are required. Path: /user/alice/f")
	off := newTree(t, func(c *Config) { c.AclsEnabled = false })
	_, err = off.GetAclStatus(hdfs, "/")
	wantErr(t, err, ErrAcl, "The ACL operation has been rejected.  Support for ACLs has been disabled by setting "+
		"dfs.namenode.acls.enabled to false.")
}

func TestNamedEntriesGrantAccess(t *testing.T) {
	tr := homeTree(t)
	d := "/user/alice"
	chmod(t, tr, d, 0700)
	touch(t, tr, alice, d+"/f")
	_, err := tr.GetListing(carol, d, nil)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=carol, access=READ_EXECUTE, inode="/user/alice":alice:users:drwx------`)
	ok(t)(tr.ModifyAclEntries(alice, d, acl(t, "group:admins:r-x")))
	if _, err := tr.GetListing(carol, d, nil); err != nil {
		t.Fatal(err)
	}
	// A named user entry that matches denies, even when other would allow.
	ok(t)(tr.SetAcl(alice, d, acl(t, "user::rwx,user:bob:---,group::---,other::r-x")))
	_, err = tr.GetListing(bob, d, nil)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice":alice:users:drwx---r-x`)
}

func TestNewInodesInheritTheDefaultAcl(t *testing.T) {
	tr := homeTree(t)
	d := "/user/alice"
	ok(t)(tr.SetAcl(alice, d, acl(t, "user::rwx,group::r-x,other::---,default:user::rwx,default:user:bob:rwx,"+
		"default:group::r-x,default:mask::rwx,default:other::---")))
	// Without the unmasked mode, the masked one limits the default ACL.
	ch := ok(t)(tr.Mkdirs(alice, d+"/a", 0750, false))
	rec := ch.Records[0]
	if rec.Perm.Mode != 0750 || aclString(rec.Acl) != "[user::rwx, user:bob:rwx, group::r-x, mask::r-x, other::---,"+
		" default:user::rwx, default:user:bob:rwx, default:group::r-x, default:mask::rwx, default:other::---]" {
		t.Fatalf("mkdir record %+v %s", rec.Perm, aclString(rec.Acl))
	}
	// With it (HDFS-6962), the umask is not applied.
	ch = ok(t)(tr.MkdirsUnmasked(alice, d+"/b", 0750, 0777, false))
	if m := ch.Records[0].Perm.Mode; m != 0770 {
		t.Fatalf("mode %v", m)
	}
	a := createArgs(d + "/f")
	a.Masked, a.Unmasked = 0640, ptrMode(0666)
	ch = ok(t)(tr.Create(alice, a))
	rec = ch.Records[0]
	if rec.Perm.Mode != 0660 || aclString(rec.Acl) != "[user::rw-, user:bob:rwx, group::r-x, mask::rw-, other::---]" {
		t.Fatalf("add record %v %s", rec.Perm.Mode, aclString(rec.Acl))
	}
	if !ch.Status.HasAcl {
		t.Fatal("the new file's status has no ACL")
	}
	st, _ := tr.GetAclStatus(alice, d+"/f")
	if aclString(st.Entries) != "[user:bob:rwx, group::r-x]" {
		t.Fatalf("file ACL %s", aclString(st.Entries))
	}
}

func ptrMode(m Mode) *Mode { return &m }

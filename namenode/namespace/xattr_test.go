package namespace

import (
	"reflect"
	"strings"
	"testing"
)

func user(name, value string) XAttr { return XAttr{NS: XAttrUser, Name: name, Value: []byte(value)} }

func TestXAttrNamespacesFollowXAttrPermissionFilter(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	f := "/user/alice/f"
	for _, c := range []struct {
		name string
		op   Op
		path string
		x    XAttr
		kind error
		msg  string
	}{
		{"trusted is for superusers", alice, f, XAttr{NS: XAttrTrusted, Name: "t"}, ErrAccessControl,
			"User doesn't have permission for xattr: trusted.t"},
		{"system is never settable", hdfs, f, XAttr{NS: XAttrSystem, Name: "s"}, ErrAccessControl,
			"User doesn't have permission for xattr: system.s"},
		{"security only for unreadable", hdfs, f, XAttr{NS: XAttrSecurity, Name: "s"}, ErrAccessControl,
			"User doesn't have permission for xattr: security.s"},
		{"unreadable takes no value", alice, f, XAttr{NS: XAttrSecurity, Name: "hdfs.unreadable.by.superuser",
			Value: []byte{1}}, ErrAccessControl,
			"Attempt to set a value for 'security.hdfs.unreadable.by.superuser'. Values are not allowed for this xattr."},
		{"raw only under /.reserved/raw", hdfs, f, XAttr{NS: XAttrRaw, Name: "r"}, ErrAccessControl,
			"User doesn't have permission for xattr: raw.r"},
		{"user needs write access", bob, f, user("u", "v"), ErrAccessControl,
			`Permission denied: user=bob, access=WRITE, inode="/user/alice/f":alice:users:-rw-r--r--`},
		{"missing path", alice, "/user/alice/nope", user("u", "v"), ErrFileNotFound, "cannot find /user/alice/nope"},
		{"no flag", alice, f, user("u", "v"), ErrHadoopIllegalArgument, "A flag must be specified."},
	} {
		flag := XAttrCreate
		if strings.HasPrefix(c.name, "no flag") {
			flag = 0
		}
		_, err := tr.SetXAttr(c.op, c.path, c.x, flag)
		t.Run(c.name, func(t *testing.T) { wantErr(t, err, c.kind, c.msg) })
	}
	ok(t)(tr.SetXAttr(hdfs, "/user/alice/f", XAttr{NS: XAttrTrusted, Name: "t", Value: []byte("1")}, XAttrCreate))
	ok(t)(tr.SetXAttr(hdfs, "/.reserved/raw/user/alice/f", XAttr{NS: XAttrRaw, Name: "r"}, XAttrCreate))
	ok(t)(tr.SetXAttr(alice, f, user("u", "v"), XAttrCreate))

	// Each caller sees what the filter lets through.
	got, _ := tr.ListXAttrs(alice, f)
	if want := []XAttr{user("u", "v")}; !reflect.DeepEqual(got, want) {
		t.Errorf("alice lists %v", got)
	}
	got, _ = tr.ListXAttrs(hdfs, f)
	if len(got) != 2 || got[1].NS != XAttrTrusted {
		t.Errorf("hdfs lists %v", got)
	}
	got, _ = tr.ListXAttrs(hdfs, "/.reserved/raw"+f)
	if len(got) != 3 {
		t.Errorf("hdfs lists %v under /.reserved/raw", got)
	}
	_, err := tr.GetXAttrs(alice, f, []XAttr{{NS: XAttrUser, Name: "missing"}})
	wantErr(t, err, ErrXAttrNotFound, "At least one of the attributes provided was not found.")
	got = must(t)(tr.GetXAttrs(alice, f, []XAttr{{NS: XAttrUser, Name: "u"}}))
	if !reflect.DeepEqual(got, []XAttr{user("u", "v")}) {
		t.Errorf("getXAttrs %v", got)
	}
}

func must(t *testing.T) func([]XAttr, error) []XAttr {
	return func(x []XAttr, err error) []XAttr {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}

func TestSetXAttrFlagsAndRecords(t *testing.T) {
	tr := homeTree(t)
	d := "/user/alice"
	ch := ok(t)(tr.SetXAttr(alice, d, user("a", "1"), XAttrCreate))
	want := Record{Kind: KindSetXAttr, Path: d, XAttrs: []XAttr{user("a", "1")}}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v", ch.Records)
	}
	_, err := tr.SetXAttr(alice, d, user("a", "2"), XAttrCreate)
	wantErr(t, err, ErrIO, "XAttr: a already exists. The REPLACE flag must be specified.")
	_, err = tr.SetXAttr(alice, d, user("b", "2"), XAttrReplace)
	wantErr(t, err, ErrIO, "XAttr: b does not exist. The CREATE flag must be specified.")
	ok(t)(tr.SetXAttr(alice, d, user("a", "2"), XAttrReplace))
	ok(t)(tr.SetXAttr(alice, d, user("b", ""), XAttrCreate|XAttrReplace))
	// The newest attribute comes first, as Hadoop keeps them.
	if got, _ := tr.ListXAttrs(alice, d); !reflect.DeepEqual(got, []XAttr{user("b", ""), user("a", "2")}) {
		t.Fatalf("xattrs %v", got)
	}
	ch = ok(t)(tr.RemoveXAttr(alice, d, XAttr{NS: XAttrUser, Name: "a"}))
	if r := ch.Records[0]; r.Kind != KindRemoveXAttr || !reflect.DeepEqual(r.XAttrs, []XAttr{{NS: XAttrUser, Name: "a"}}) {
		t.Fatalf("records %+v", ch.Records)
	}
	_, err = tr.RemoveXAttr(alice, d, XAttr{NS: XAttrUser, Name: "a"})
	wantErr(t, err, ErrIO, "No matching attributes found for remove operation")
}

func TestXAttrLimits(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.MaxXAttrsPerInode, c.MaxXAttrSize = 2, 8 })
	d := "/user/alice"
	_, err := tr.SetXAttr(alice, d, user("name", "12345"), XAttrCreate)
	wantErr(t, err, ErrHadoopIllegalArgument,
		"The XAttr is too big. The maximum combined size of the name and value is 8, but the total size is 9")
	ok(t)(tr.SetXAttr(alice, d, user("a", ""), XAttrCreate))
	ok(t)(tr.SetXAttr(hdfs, d, XAttr{NS: XAttrTrusted, Name: "b"}, XAttrCreate))
	_, err = tr.SetXAttr(alice, d, user("c", ""), XAttrCreate)
	wantErr(t, err, ErrIO, "Cannot add additional XAttr to inode, would exceed limit of 2")
	// A storage policy is a system xattr, outside the limit.
	ok(t)(tr.SetStoragePolicy(alice, d, PolicyCold))

	off := newTree(t, func(c *Config) { c.XAttrsEnabled = false })
	_, err = off.ListXAttrs(hdfs, "/")
	wantErr(t, err, ErrIO, "The XAttr operation has been rejected.  Support for XAttrs has been disabled by "+
		"setting dfs.namenode.xattrs.enabled to false.")
}

func TestUserXAttrsOnAStickyDirectoryAreTheOwners(t *testing.T) {
	tr := homeTree(t)
	chmod(t, tr, "/user/alice", 01777)
	_, err := tr.SetXAttr(bob, "/user/alice", user("a", ""), XAttrCreate)
	wantErr(t, err, ErrAccessControl, "Permission denied. user=bob is not the owner of inode=/user/alice")
	ok(t)(tr.SetXAttr(alice, "/user/alice", user("a", ""), XAttrCreate))
	ok(t)(tr.SetXAttr(hdfs, "/user/alice", user("b", ""), XAttrCreate))
}

func TestUnreadableBySuperuserIsForFilesAndStays(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	x := XAttr{NS: XAttrSecurity, Name: "hdfs.unreadable.by.superuser"}
	_, err := tr.SetXAttr(alice, "/user/alice", x, XAttrCreate)
	wantErr(t, err, ErrIO, "Can only set 'security.hdfs.unreadable.by.superuser' on a file.")
	ok(t)(tr.SetXAttr(alice, "/user/alice/f", x, XAttrCreate))
	_, err = tr.RemoveXAttr(alice, "/user/alice/f", x)
	wantErr(t, err, ErrAccessControl, "The xattr 'security.hdfs.unreadable.by.superuser' can not be deleted.")
}

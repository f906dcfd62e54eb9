package namespace

import "testing"

func ptr(s string) *string { return &s }

func TestSetPermissionIsForTheOwnerOrASuperuser(t *testing.T) {
	tr := homeTree(t)
	_, err := tr.SetPermission(bob, "/user/alice", 0777)
	wantErr(t, err, ErrAccessControl, "Permission denied. user=bob is not the owner of inode=/user/alice")
	ch := ok(t)(tr.SetPermission(alice, "/user/alice", 0171777))
	want := Record{Kind: KindSetPermissions, Path: "/user/alice", Perm: PermissionStatus{Mode: 01777}}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v", ch.Records)
	}
	if ch := ok(t)(tr.SetPermission(alice, "/user/alice", 01777)); len(ch.Records) != 0 {
		t.Fatal("an unchanged permission is recorded")
	}
	_, err = tr.SetPermission(alice, "/user/alice/x", 0777)
	wantErr(t, err, ErrFileNotFound, "Directory/File does not exist /user/alice/x")
	_, err = tr.SetPermission(hdfs, "/.reserved", 0777)
	wantErr(t, err, ErrInvalidPath, "Invalid path name /.reserved")
}

func TestSetOwnerRules(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.Supergroup = "admins" })
	_, err := tr.SetOwner(alice, "/user/alice", ptr("bob"), nil)
	wantErr(t, err, ErrAccessControl, "User alice is not a super user (non-super user cannot change owner).")
	_, err = tr.SetOwner(alice, "/user/alice", nil, ptr("admins"))
	wantErr(t, err, ErrAccessControl, "User alice does not belong to admins")
	if ch := ok(t)(tr.SetOwner(alice, "/user/alice", ptr("alice"), ptr("users"))); len(ch.Records) != 0 {
		t.Fatal("an unchanged owner is recorded")
	}
	// carol is a superuser through the supergroup.
	ch := ok(t)(tr.SetOwner(carol, "/user/alice", ptr("bob"), nil))
	want := Record{Kind: KindSetOwner, Path: "/user/alice", User: "bob", SetUser: true}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v", ch.Records)
	}
	if st := stat(t, tr, "/user/alice"); st.Owner != "bob" || st.Group != "users" {
		t.Fatalf("owner %s:%s", st.Owner, st.Group)
	}
}

func TestSetTimesNeedsWriteAccess(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	_, err := tr.SetTimes(bob, "/user/alice/f", 5, 6)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=WRITE, inode="/user/alice/f":alice:users:-rw-r--r--`)
	ch := ok(t)(tr.SetTimes(alice, "/user/alice/f", -1, 6))
	if len(ch.Records) != 1 || ch.Records[0].Mtime != -1 || ch.Records[0].Atime != 6 {
		t.Fatalf("records %+v", ch.Records)
	}
	if st := stat(t, tr, "/user/alice/f"); st.AccessTime != 6 || st.ModTime != alice.Now {
		t.Fatalf("times %d %d", st.ModTime, st.AccessTime)
	}
	if ch := ok(t)(tr.SetTimes(alice, "/user/alice/f", -1, -1)); len(ch.Records) != 0 {
		t.Fatal("setTimes(-1, -1) is recorded")
	}
	_, err = tr.SetTimes(alice, "/user/alice/x", 1, 1)
	wantErr(t, err, ErrFileNotFound, "File/Directory /user/alice/x does not exist.")
}

func TestSetReplicationAppliesToFilesOnly(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	for _, p := range []string{"/user/alice", "/user/alice/missing"} {
		if ch := ok(t)(tr.SetReplication(alice, p, 2)); ch.OK || len(ch.Records) != 0 {
			t.Errorf("setReplication(%s) = %+v, want false", p, ch)
		}
	}
	ch := ok(t)(tr.SetReplication(alice, "/user/alice/f", 5))
	if !ch.OK || ch.Records[0].Replication != 5 || stat(t, tr, "/user/alice/f").Replication != 5 {
		t.Fatalf("change %+v", ch)
	}
	_, err := tr.SetReplication(alice, "/user/alice/f", 0)
	wantErr(t, err, ErrIO, "Requested replication factor of 0 is less than the required minimum of 1 for /user/alice/f")
}

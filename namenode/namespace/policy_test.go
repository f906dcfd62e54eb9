package namespace

import (
	"reflect"
	"testing"
)

func TestStoragePoliciesAreInheritedFromTheNearestDirectory(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	if id, _ := tr.GetStoragePolicy(alice, "/user/alice/f"); id != PolicyHot {
		t.Fatalf("default policy %d", id)
	}
	if st := stat(t, tr, "/user/alice/f"); st.StoragePolicy != 0 {
		t.Fatalf("status policy %d before any is set", st.StoragePolicy)
	}
	ch := ok(t)(tr.SetStoragePolicy(alice, "/user/alice", PolicyCold))
	if want := (Record{Kind: KindSetStoragePolicy, Path: "/user/alice", StoragePolicy: PolicyCold}); !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v", ch.Records)
	}
	if st := stat(t, tr, "/user/alice/f"); st.StoragePolicy != PolicyCold {
		t.Fatalf("inherited policy %d", st.StoragePolicy)
	}
	l, _ := tr.GetListing(alice, "/user/alice", nil)
	if l.Entries[0].StoragePolicy != PolicyCold {
		t.Fatalf("listed policy %d", l.Entries[0].StoragePolicy)
	}
	// The directory keeps it as a system xattr, which users do not see.
	tr.read(func(v view) error {
		xs, _ := tr.featuresOf(v, v.child(v.child(rootSlot, []byte("user")), []byte("alice")))
		if !reflect.DeepEqual(xs, []XAttr{{NS: XAttrSystem, Name: "hsm.block.storage.policy.id", Value: []byte{2}}}) {
			t.Errorf("xattrs %v", xs)
		}
		return nil
	})
	if xs, _ := tr.ListXAttrs(alice, "/user/alice"); len(xs) != 0 {
		t.Fatalf("listXAttrs shows %v", xs)
	}
	ok(t)(tr.SetStoragePolicy(alice, "/user/alice/f", PolicyAllSSD))
	if id, _ := tr.GetStoragePolicy(alice, "/user/alice/f"); id != PolicyAllSSD {
		t.Fatalf("file policy %d", id)
	}
	ok(t)(tr.UnsetStoragePolicy(alice, "/user/alice"))
	ok(t)(tr.UnsetStoragePolicy(alice, "/user/alice/f"))
	if id, _ := tr.GetStoragePolicy(alice, "/user/alice/f"); id != PolicyHot {
		t.Fatalf("after unset %d", id)
	}
}

func TestStoragePolicyRules(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	_, err := tr.SetStoragePolicy(bob, "/user/alice/f", PolicyCold)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=WRITE, inode="/user/alice/f":alice:users:-rw-r--r--`)
	_, err = tr.SetStoragePolicy(alice, "/user/alice/f", PolicyLazyPersist)
	wantErr(t, err, ErrHadoopIllegalArgument, "Policy BlockStoragePolicy{LAZY_PERSIST:15, storageTypes=[RAM_DISK, DISK],"+
		" creationFallbacks=[DISK], replicationFallbacks=[DISK]} cannot be set after file creation.")
	_, err = tr.SetStoragePolicyByName(alice, "/user/alice/f", "TEPID")
	wantErr(t, err, ErrHadoopIllegalArgument, "Cannot find a block policy with the name TEPID")
	ok(t)(tr.SetStoragePolicyByName(alice, "/user/alice", "lazy_persist"))
	touch(t, tr, alice, "/user/alice/g")
	_, err = tr.GetStoragePolicy(alice, "/user/alice/nope")
	wantErr(t, err, ErrFileNotFound, "File/Directory does not exist: /user/alice/nope")
	_, err = tr.Append(alice, "/user/alice/g", "c", "m", false)
	wantErr(t, err, ErrUnsupportedOperation, "Cannot append to lazy persist file /user/alice/g")

	off := homeTree(t, func(c *Config) { c.StoragePoliciesEnabled = false })
	_, err = off.UnsetStoragePolicy(alice, "/user/alice")
	wantErr(t, err, ErrIO, "Failed to unset storage policy since dfs.storage.policy.enabled is set to false.")
	su := homeTree(t, func(c *Config) { c.StoragePolicySuperuserOnly = true })
	_, err = su.SetStoragePolicyByName(alice, "/user/alice", "HOT")
	wantErr(t, err, ErrAccessControl, "Access denied for user alice. Superuser privilege is required for operation setStoragePolicy")
}

func TestBuiltinPolicies(t *testing.T) {
	var ids []uint8
	for _, p := range StoragePolicies() {
		ids = append(ids, p.ID)
	}
	if !reflect.DeepEqual(ids, []uint8{1, 2, 5, 7, 10, 12, 14, 15}) {
		t.Fatalf("ids %v", ids)
	}
	if p := PolicyByName("hot"); p.String() != "BlockStoragePolicy{HOT:7, storageTypes=[DISK], creationFallbacks=[],"+
		" replicationFallbacks=[ARCHIVE]}" {
		t.Fatal(p)
	}
}

package namespace

import (
	"fmt"
	"testing"
)

// A snapshot keeps an inode's xattrs, ACL and storage policy as they were
// when it was taken (Hadoop's XAttrFeature and AclFeature are part of the
// INodeAttributes a snapshot diff copies): reads through ".snapshot" see
// them, live reads see the changes, and an image keeps both.

// featureReads is what getXAttrs, listXAttrs, getAclStatus and
// getStoragePolicy say of path.
func featureReads(t *testing.T, tr *Tree, path string) string {
	t.Helper()
	xs, err := tr.GetXAttrs(hdfs, path, nil)
	if err != nil {
		t.Fatalf("getXAttrs %s: %v", path, err)
	}
	ls, err := tr.ListXAttrs(hdfs, path)
	if err != nil {
		t.Fatalf("listXAttrs %s: %v", path, err)
	}
	acl, err := tr.GetAclStatus(hdfs, path)
	if err != nil {
		t.Fatalf("getAclStatus %s: %v", path, err)
	}
	pol, err := tr.GetStoragePolicy(hdfs, path)
	if err != nil {
		t.Fatalf("getStoragePolicy %s: %v", path, err)
	}
	var got []string
	for _, x := range xs {
		got = append(got, fmt.Sprintf("%s=%s", x.Name, x.Value))
	}
	var names []string
	for _, x := range ls {
		names = append(names, x.Name)
	}
	return fmt.Sprintf("xattrs=%v list=%v acl=%s mode=%v policy=%d", got, names,
		aclString(acl.Entries), acl.Permission, pol)
}

// snapFeatureTree has /d (snapshottable), /d/sub and /d/sub/f with
// features, snapshot s1 of them, then every feature changed live: values
// replaced, an xattr added or removed, ACLs modified or removed, policies
// changed or unset. Each change goes to logged, when given.
func snapFeatureTree(t *testing.T, logged func(*Change)) *Tree {
	t.Helper()
	tr := newTree(t)
	do := func(ch *Change, err error) {
		t.Helper()
		ok(t)(ch, err)
		if logged != nil {
			logged(ch)
		}
	}
	set := func(path, value string, perm Action, policy uint8) {
		do(tr.SetXAttr(hdfs, path, XAttr{NS: XAttrUser, Name: "k", Value: []byte(value)}, XAttrCreate|XAttrReplace))
		do(tr.ModifyAclEntries(hdfs, path, []AclEntry{{Type: AclUser, Name: "bob", Perm: perm}}))
		do(tr.SetStoragePolicy(hdfs, path, policy))
	}
	do(tr.Mkdirs(hdfs, "/d/sub", 0755, true))
	do(tr.Create(hdfs, createArgs("/d/sub/f")))
	do(tr.CompleteFile(hdfs, "/d/sub/f", 0, "DFSClient_1", nil))
	set("/d", "root", ActRead, PolicyCold)
	set("/d/sub", "dir", ActReadExecute, PolicyHot)
	set("/d/sub/f", "file", ActReadWrite, PolicyWarm)
	do(tr.AllowSnapshot(hdfs, "/d"))
	do(tr.CreateSnapshot(hdfs, "/d", "s1"))

	set("/d", "root2", ActAll, PolicyHot)
	do(tr.RemoveAcl(hdfs, "/d/sub"))
	do(tr.SetXAttr(hdfs, "/d/sub", XAttr{NS: XAttrUser, Name: "new", Value: []byte("x")}, XAttrCreate))
	do(tr.UnsetStoragePolicy(hdfs, "/d/sub"))
	do(tr.RemoveXAttr(hdfs, "/d/sub/f", XAttr{NS: XAttrUser, Name: "k"}))
	do(tr.ModifyAclEntries(hdfs, "/d/sub/f", []AclEntry{{Type: AclGroup, Name: "users", Perm: ActWrite}}))
	do(tr.SetStoragePolicy(hdfs, "/d/sub/f", PolicyCold))
	return tr
}

// Through ".snapshot" the inodes read as s1 saw them: owner, mode and
// the ACL and xattrs of Hadoop's INodeAttributes (getXAttrs, listXAttrs,
// getAclStatus); the storage policy is the live inode's, as Hadoop reads
// it (FSDirAttrOp.getStoragePolicy); live paths read the
// changes.
var snapFeatureWant = []struct{ path, want string }{
	{"/d/.snapshot/s1", "xattrs=[k=root] list=[k] acl=[user:bob:r--, group::r-x] mode=rwxr-xr-x policy=7"},
	{"/d/.snapshot/s1/sub", "xattrs=[k=dir] list=[k] acl=[user:bob:r-x, group::r-x] mode=rwxr-xr-x policy=7"},
	{"/d/.snapshot/s1/sub/f", "xattrs=[k=file] list=[k] acl=[user:bob:rw-, group::r--] mode=rw-rw-r-- policy=2"},
	{"/d", "xattrs=[k=root2] list=[k] acl=[user:bob:rwx, group::r-x] mode=rwxrwxr-x policy=7"},
	{"/d/sub", "xattrs=[new=x k=dir] list=[new k] acl=[] mode=rwxr-xr-x policy=7"},
	{"/d/sub/f", "xattrs=[] list=[] acl=[user:bob:rw-, group::r--, group:users:-w-] mode=rw-rw-r-- policy=2"},
}

func checkSnapFeatures(t *testing.T, tr *Tree) {
	t.Helper()
	for _, c := range snapFeatureWant {
		if got := featureReads(t, tr, c.path); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.path, got, c.want)
		}
	}
}

func TestSnapshotsKeepXAttrsAclsAndPolicies(t *testing.T) {
	checkSnapFeatures(t, snapFeatureTree(t, nil))
}

// Replaying the records gives the same reads, live and in the snapshot.
func TestReplayedSnapshotsKeepXAttrsAclsAndPolicies(t *testing.T) {
	replay := newTree(t)
	live := snapFeatureTree(t, func(ch *Change) {
		for _, rec := range ch.Records {
			if _, err := replay.Apply(rec); err != nil {
				t.Fatalf("replaying %+v: %v", rec, err)
			}
		}
	})
	checkSnapFeatures(t, replay)
	if a, b := dump(live), dump(replay); a != b {
		t.Fatalf("replayed tree differs\nlive:\n%s\nreplay:\n%s", a, b)
	}
}

// An image keeps the snapshot's features: its snapshot copies carry
// xattrs and ACL entries, and the loaded tree reads as the saved one.
func TestImageKeepsSnapshotXAttrsAclsAndPolicies(t *testing.T) {
	tr := snapFeatureTree(t, nil)
	loaded := imageCopy(t, tr)
	checkSnapFeatures(t, loaded)
	if a, b := contents(tr), contents(loaded); a != b {
		t.Fatalf("loaded tree differs\nsaved:\n%s\nloaded:\n%s", a, b)
	}
}

package namespace

import (
	"errors"
	"testing"
)

// Quota usage of what only snapshots hold, as Hadoop counts it
// (DirectoryWithSnapshotFeature.computeQuotaUsage4CurrentDirectory,
// FSDirDeleteOp.unprotectedDelete, DirectorySnapshottableFeature
// .removeSnapshot): a deleted inode a snapshot holds stays in the usage
// of the directories above until the last snapshot holding it goes.

func usedAt(t *testing.T, tr *Tree, path string) (ns, ss int64) {
	t.Helper()
	qu, err := tr.GetQuotaUsage(hdfs, path)
	if err != nil {
		t.Fatal(err)
	}
	return qu.FileAndDirectoryCount, qu.SpaceConsumed
}

func wantUsed(t *testing.T, tr *Tree, path string, ns, ss int64) {
	t.Helper()
	if gotNS, gotSS := usedAt(t, tr, path); gotNS != ns || gotSS != ss {
		t.Fatalf("%s uses %d names and %d bytes; want %d and %d", path, gotNS, gotSS, ns, ss)
	}
}

func TestDeletedFilesASnapshotHoldsStayCharged(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q/d", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	ok(t)(tr.SetQuota(hdfs, "/q/d", 100, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/d/f", 100, 10, 20) // 30 bytes, replication 3
	ok(t)(tr.AllowSnapshot(hdfs, "/q/d"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q/d", "s1"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q/d", "s2"))
	wantUsed(t, tr, "/q", 3, 90)

	ok(t)(tr.Delete(hdfs, "/q/d/f", false))
	wantUsed(t, tr, "/q", 3, 90) // f is in s1 and s2
	wantUsed(t, tr, "/q/d", 2, 90)

	ok(t)(tr.DeleteSnapshot(hdfs, "/q/d", "s2"))
	wantUsed(t, tr, "/q", 3, 90) // s1 still holds it

	ok(t)(tr.DeleteSnapshot(hdfs, "/q/d", "s1"))
	wantUsed(t, tr, "/q", 2, 0)
	wantUsed(t, tr, "/q/d", 1, 0)
}

func TestDeletedDirectoriesASnapshotHoldsStayCharged(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q/sub/deep", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/sub/f", 100, 10)
	writeBlocks(t, tr, hdfs, "/q/sub/deep/g", 200, 5)
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1"))
	writeBlocks(t, tr, hdfs, "/q/sub/new", 300, 7) // after s1: no snapshot holds it
	wantUsed(t, tr, "/q", 6, 66)

	ok(t)(tr.Delete(hdfs, "/q/sub", true))
	wantUsed(t, tr, "/q", 5, 45) // only new goes

	ok(t)(tr.DeleteSnapshot(hdfs, "/q", "s1"))
	wantUsed(t, tr, "/q", 1, 0)
}

// Overwriting a file a snapshot holds deletes it first (FSDirWriteFileOp
// .startFile), so the old file stays charged next to the new one.
func TestOverwrittenFilesASnapshotHoldsStayCharged(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/f", 100, 10)
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1"))
	a := createArgs("/q/f")
	a.Overwrite = true
	ok(t)(tr.Create(hdfs, a))
	wantUsed(t, tr, "/q", 3, 30)

	ok(t)(tr.DeleteSnapshot(hdfs, "/q", "s1"))
	wantUsed(t, tr, "/q", 2, 0)
}

// A namespace quota counts what snapshots keep: with f deleted but held,
// the directory is still full, and overwriting f needs a name more.
func TestSnapshotHeldFilesCountAgainstTheNamespaceQuota(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 2, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/f", 100, 10)
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1"))
	a := createArgs("/q/f")
	a.Overwrite = true
	if _, err := tr.Create(hdfs, a); !errors.Is(err, ErrNSQuotaExceeded) {
		t.Fatalf("overwrite under a full quota: %v", err)
	}
	ok(t)(tr.Delete(hdfs, "/q/f", false))
	if _, err := tr.Create(hdfs, createArgs("/q/g")); !errors.Is(err, ErrNSQuotaExceeded) {
		t.Fatalf("create under a full quota: %v", err)
	}
	ok(t)(tr.DeleteSnapshot(hdfs, "/q", "s1"))
	ok(t)(tr.Create(hdfs, createArgs("/q/g")))
}

// An image keeps what snapshots hold, and the loaded tree charges it as
// the saved one did.
func TestLoadedTreesChargeWhatSnapshotsHold(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q/sub", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/sub/f", 100, 10, 20)
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1"))
	ok(t)(tr.Delete(hdfs, "/q/sub", true))
	got := imageCopy(t, tr)
	wantUsed(t, got, "/q", 3, 90)
	ok(t)(got.DeleteSnapshot(hdfs, "/q", "s1"))
	wantUsed(t, got, "/q", 1, 0)
}

// A kept directory freed with its snapshot hands its current children an
// older snapshot still holds to their new home, and they stay charged.
func TestChildrenAFreedKeptDirectoryLeavesStayCharged(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q/d/e", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1")) // holds /q/d
	mkdirs(t, tr, hdfs, "/q/b", 0755)
	ok(t)(tr.Rename(hdfs, "/q/d", "/q/b/d", 0))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s2")) // holds /q/b
	ok(t)(tr.Delete(hdfs, "/q/b", true))
	wantUsed(t, tr, "/q", 4, 0)

	ok(t)(tr.DeleteSnapshot(hdfs, "/q", "s2")) // b goes, s1 keeps d
	wantUsed(t, tr, "/q", 3, 0)
	checkQuotaCaches(t, tr)

	ok(t)(tr.DeleteSnapshot(hdfs, "/q", "s1"))
	wantUsed(t, tr, "/q", 1, 0)
	checkQuotaCaches(t, tr)
}

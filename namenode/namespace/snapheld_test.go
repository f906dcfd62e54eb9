package namespace

import (
	"slices"
	"testing"
)

// Blocks only a snapshot holds, and what getContentSummary and
// getQuotaUsage report of what snapshots keep, as Hadoop 3.4.1 counts
// them: INodeFile.storagespaceConsumed counts the distinct blocks of a
// file and of its snapshot diffs; a truncate frees no block a snapshot
// still sees (INodeFile.computeQuotaDeltaForTruncate); a content summary
// adds the inodes deleted from a directory that its snapshots keep, and
// reports them apart as well (INodeDirectory.computeContentSummary,
// DirectoryWithSnapshotFeature.computeContentSummary4Snapshot,
// INode.computeAndConvertContentSummary); getQuotaUsage on a directory
// without a quota is that content summary (FSDirStatAndListingOp
// .getQuotaUsage).

const mb = 1 << 20 // writeBlocks' preferred block size

func summary(t *testing.T, tr *Tree, path string) *ContentSummary {
	t.Helper()
	cs, err := tr.GetContentSummary(hdfs, path)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A truncate to a block boundary under a snapshot leaves the cut block
// to the snapshot: computeQuotaDeltaForTruncate finds it in the diff at
// the same place and frees nothing, storagespaceConsumed counts it until
// the snapshot goes, and only then is it deleted.
func TestTruncatedBlocksASnapshotHoldsStayCharged(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/f", 100, mb, 1000)
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1"))

	ch := ok(t)(tr.Truncate(hdfs, "/q/f", mb, "c", "m", nil))
	if !ch.OK || len(ch.Removed.Blocks) != 0 {
		t.Fatalf("truncate: ok %v, removed %v", ch.OK, ch.Removed.Blocks)
	}
	held := int64(mb+1000) * 3
	wantUsed(t, tr, "/q", 2, held)
	cs := summary(t, tr, "/q")
	if cs.Length != mb || cs.SpaceConsumed != held || cs.SnapshotSpaceConsumed != 0 {
		t.Fatalf("summary: length %d, space %d, snapshot space %d", cs.Length, cs.SpaceConsumed, cs.SnapshotSpaceConsumed)
	}
	if got := summary(t, tr, "/q/.snapshot/s1/f").Length; got != mb+1000 {
		t.Fatalf("s1 sees %d bytes", got)
	}
	checkQuotaCaches(t, tr)

	ch = ok(t)(tr.DeleteSnapshot(hdfs, "/q", "s1"))
	if !slices.Equal(ch.Removed.Blocks, []int64{101}) {
		t.Fatalf("deleting s1 removes %v", ch.Removed.Blocks)
	}
	wantUsed(t, tr, "/q", 2, mb*3)
	checkQuotaCaches(t, tr)
}

// Without a snapshot the same truncate frees the block at once.
func TestTruncatedBlocksNoSnapshotHoldsGo(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/f", 100, mb, 1000)
	ch := ok(t)(tr.Truncate(hdfs, "/q/f", mb, "c", "m", nil))
	if !slices.Equal(ch.Removed.Blocks, []int64{101}) {
		t.Fatalf("removed %v", ch.Removed.Blocks)
	}
	wantUsed(t, tr, "/q", 2, mb*3)
}

// Copy-on-truncate (a replayed OP_TRUNCATE whose last block a snapshot
// holds): the file gets a new last block under construction, charged at
// the preferred block size, and the old one stays with the snapshot.
// storagespaceConsumed: blk_100 (1 MB) + blk_300 (under construction,
// 1 MB) + blk_101 (1000 bytes, held), times 3; computeQuotaDeltaForTruncate
// gives the same +1 MB times 3 (blk_101 is in the diff at its place).
func TestCopyOnTruncateChargesBothBlocks(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	ok(t)(tr.SetStoragePolicy(hdfs, "/q", PolicyOneSSD))
	ok(t)(tr.SetQuotaByStorageType(hdfs, "/q", QuotaDontSet, 100*mb, StorageSSD))
	writeBlocks(t, tr, hdfs, "/q/f", 100, mb, 1000)
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1"))
	rec := Record{Kind: KindTruncate, Path: "/q/f", ClientName: "c", ClientMachine: "m", NewLength: mb + 500,
		Timestamp: 7, TruncateBlock: &Block{ID: 300, NumBytes: 500, GenStamp: 9}}
	rm, err := tr.Apply(rec)
	if err != nil || len(rm.Blocks) != 0 {
		t.Fatalf("apply: %v, removed %v", err, rm.Blocks)
	}
	wantUsed(t, tr, "/q", 2, (2*mb+1000)*3)
	qu, err := tr.GetQuotaUsage(hdfs, "/q")
	if err != nil || qu.TypeConsumed[StorageSSD] != 2*mb+1000 || qu.TypeConsumed[StorageDisk] != (2*mb+1000)*2 {
		t.Fatalf("type usage %v %v", qu.TypeConsumed, err)
	}
	checkQuotaCaches(t, tr)

	ch := ok(t)(tr.DeleteSnapshot(hdfs, "/q", "s1"))
	if !slices.Equal(ch.Removed.Blocks, []int64{101}) {
		t.Fatalf("deleting s1 removes %v", ch.Removed.Blocks)
	}
	wantUsed(t, tr, "/q", 2, 2*mb*3)
	checkQuotaCaches(t, tr)
}

// An image keeps the blocks a truncate left to a snapshot, and the
// loaded tree charges them as the saved one did.
func TestLoadedTreesChargeTruncatedBlocksSnapshotsHold(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/q", 0755)
	ok(t)(tr.SetQuota(hdfs, "/q", 100, QuotaDontSet))
	writeBlocks(t, tr, hdfs, "/q/f", 100, mb, mb, 1000)
	ok(t)(tr.AllowSnapshot(hdfs, "/q"))
	ok(t)(tr.CreateSnapshot(hdfs, "/q", "s1"))
	ok(t)(tr.Truncate(hdfs, "/q/f", mb, "c", "m", nil))
	want := int64(2*mb+1000) * 3
	wantUsed(t, tr, "/q", 2, want)
	got := imageCopy(t, tr)
	wantUsed(t, got, "/q", 2, want)
	if cs := summary(t, got, "/"); cs.SpaceConsumed != want {
		t.Fatalf("loaded summary space %d, want %d", cs.SpaceConsumed, want)
	}
	checkQuotaCaches(t, got)
	ok(t)(got.DeleteSnapshot(hdfs, "/q", "s1"))
	wantUsed(t, got, "/q", 2, mb*3)
}

// A content summary counts what a directory's snapshots keep of the
// inodes deleted from it, in the totals and apart: f (10 + 20 bytes) and
// sub with g (5 bytes) are deleted after s1; h (7 bytes) is live.
// INodeDirectory.computeContentSummary: directories /d and sub, files f,
// g and h, length 42, space 126; snapshotCounts: sub, f and g.
func TestContentSummaryCountsWhatSnapshotsKeep(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d/sub", 0755)
	writeBlocks(t, tr, hdfs, "/d/f", 100, 10, 20)
	writeBlocks(t, tr, hdfs, "/d/sub/g", 200, 5)
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "s1"))
	writeBlocks(t, tr, hdfs, "/d/h", 300, 7)
	ok(t)(tr.Delete(hdfs, "/d/f", false))
	ok(t)(tr.Delete(hdfs, "/d/sub", true))

	cs := summary(t, tr, "/d")
	want := ContentSummary{Length: 42, FileCount: 3, DirectoryCount: 2, Quota: -1, SpaceConsumed: 126,
		SpaceQuota: -1, ECPolicy: cs.ECPolicy, TypeQuota: cs.TypeQuota, TypeConsumed: cs.TypeConsumed,
		SnapshotLength: 35, SnapshotFileCount: 2, SnapshotDirectoryCount: 1, SnapshotSpaceConsumed: 105}
	if *cs != want {
		t.Fatalf("summary\n got %+v\nwant %+v", *cs, want)
	}
	// The root counts them too: they are below it.
	if cs := summary(t, tr, "/"); cs.FileCount != 3 || cs.DirectoryCount != 3 || cs.SnapshotFileCount != 2 {
		t.Fatalf("root summary %+v", *cs)
	}
	// A snapshot path counts what that snapshot sees, and nothing apart
	// (the snapshot branch of computeContentSummary is for the current
	// state only).
	if cs := summary(t, tr, "/d/.snapshot/s1"); cs.FileCount != 2 || cs.Length != 35 || cs.SnapshotFileCount != 0 {
		t.Fatalf("s1 summary %+v", *cs)
	}

	ok(t)(tr.DeleteSnapshot(hdfs, "/d", "s1"))
	cs = summary(t, tr, "/d")
	if cs.FileCount != 1 || cs.DirectoryCount != 1 || cs.SpaceConsumed != 21 || cs.SnapshotFileCount != 0 ||
		cs.SnapshotDirectoryCount != 0 || cs.SnapshotLength != 0 || cs.SnapshotSpaceConsumed != 0 {
		t.Fatalf("after deleting s1: %+v", *cs)
	}
}

// getQuotaUsage on a directory without a quota falls back to the content
// summary, so it counts what snapshots keep, as the cached usage of a
// directory with a quota does: the two agree.
func TestQuotaUsageWithoutAQuotaCountsWhatSnapshotsKeep(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/a/b/c", 0755)
	writeBlocks(t, tr, hdfs, "/a/b/c/f", 100, 10, 20)
	writeBlocks(t, tr, hdfs, "/a/b/g", 200, mb, 5)
	ok(t)(tr.AllowSnapshot(hdfs, "/a"))
	ok(t)(tr.CreateSnapshot(hdfs, "/a", "s1"))
	ok(t)(tr.Delete(hdfs, "/a/b/c", true))
	ok(t)(tr.Truncate(hdfs, "/a/b/g", mb, "c", "m", nil))

	// a, b, c, f, g; f's 30 bytes and g's 1 MB + 5 bytes, times 3.
	wantUsed(t, tr, "/a", 5, (30+mb+5)*3)
	walked, err := tr.GetQuotaUsage(hdfs, "/a")
	if err != nil {
		t.Fatal(err)
	}
	ok(t)(tr.SetQuota(hdfs, "/a", 1000, QuotaDontSet))
	cached, err := tr.GetQuotaUsage(hdfs, "/a")
	if err != nil {
		t.Fatal(err)
	}
	if walked.FileAndDirectoryCount != cached.FileAndDirectoryCount || walked.SpaceConsumed != cached.SpaceConsumed {
		t.Fatalf("walked %+v, cached %+v", *walked, *cached)
	}
}

// checkSummaryMatchesUsage compares the root's cached quota usage (the
// root always has a quota) with its content summary, which walks the
// tree and what snapshots keep: both count the same inodes and space.
func checkSummaryMatchesUsage(t *testing.T, tr *Tree) {
	t.Helper()
	cs := summary(t, tr, "/")
	qu, err := tr.GetQuotaUsage(hdfs, "/")
	if err != nil {
		t.Fatal(err)
	}
	if cs.FileCount+cs.DirectoryCount != qu.FileAndDirectoryCount || cs.SpaceConsumed != qu.SpaceConsumed {
		t.Fatalf("the root's summary counts %d inodes and %d bytes; its usage %d and %d",
			cs.FileCount+cs.DirectoryCount, cs.SpaceConsumed, qu.FileAndDirectoryCount, qu.SpaceConsumed)
	}
}

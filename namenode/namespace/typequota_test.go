package namespace

import "testing"

// HDFS-7584: a storage-type quota counts a file's bytes once per replica
// its storage policy places on the type, the block being written at the
// preferred block size, and only where a policy is in effect.
func TestTypeQuotaCountsReplicasThePolicyPlaces(t *testing.T) {
	tr := homeTree(t)
	mkdirs(t, tr, alice, "/user/alice/q", 0755)
	ch := ok(t)(tr.SetQuotaByStorageType(hdfs, "/user/alice/q", QuotaDontSet, 5<<20, StorageSSD))
	want := Record{Kind: KindSetQuotaByStorageType, Path: "/user/alice/q", SSQuota: 5 << 20, StorageType: StorageSSD}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v", ch.Records)
	}
	a := createArgs("/user/alice/q/plain")
	a.BlockSize = 4 << 20
	ok(t)(tr.Create(alice, a))
	ok(t)(tr.AddBlock(alice, a.Path, 0, a.ClientName, nil, Block{ID: 1, GenStamp: 1})) // no policy: no SSD

	ok(t)(tr.SetStoragePolicy(hdfs, "/user/alice/q", PolicyOneSSD))
	b := createArgs("/user/alice/q/one-ssd")
	b.BlockSize = 4 << 20
	ok(t)(tr.Create(alice, b))
	ok(t)(tr.AddBlock(alice, b.Path, 0, b.ClientName, nil, Block{ID: 2, GenStamp: 1})) // one SSD replica: 4 MB
	_, err := tr.AddBlock(alice, b.Path, 0, b.ClientName, &Block{ID: 2, NumBytes: 1 << 20, GenStamp: 1}, Block{ID: 3})
	wantErr(t, err, ErrQuotaByStorageTypeExceeded, "Quota by storage type : SSD on path : /user/alice/q is exceeded."+
		" quota = 5 MB but space consumed = 8 MB")
	ok(t)(tr.CompleteFile(alice, b.Path, 0, b.ClientName, &Block{ID: 2, NumBytes: 1 << 20, GenStamp: 1}))

	qu, err := tr.GetQuotaUsage(alice, "/user/alice/q")
	if err != nil || qu.TypeQuota[StorageSSD] != 5<<20 || qu.TypeQuota[StorageDisk] != -1 ||
		qu.TypeConsumed[StorageSSD] != 1<<20 || qu.TypeConsumed[StorageDisk] != 2<<20 {
		t.Fatalf("usage %+v %v", qu, err)
	}
	cs, err := tr.GetContentSummary(alice, "/user/alice/q")
	if err != nil || cs.TypeQuota[StorageSSD] != 5<<20 || cs.TypeConsumed[StorageSSD] != 1<<20 {
		t.Fatalf("summary %+v %v", cs, err)
	}
	ok(t)(tr.SetQuotaByStorageType(hdfs, "/user/alice/q", QuotaDontSet, QuotaReset, StorageSSD))
	if qu, _ := tr.GetQuotaUsage(alice, "/user/alice/q"); qu.TypeQuota[StorageSSD] != -1 || qu.Quota != -1 {
		t.Fatalf("after clearing: %+v", qu)
	}
}

// A storage-type quota leaves the namespace quota as it is: asking for
// one with a namespace quota is refused, as Hadoop refuses it.
func TestTypeQuotaRefusesANamespaceQuota(t *testing.T) {
	tr := homeTree(t)
	_, err := tr.SetQuotaByStorageType(hdfs, "/user/alice", 10, 1<<20, StorageDisk)
	wantErr(t, err, ErrUnsupportedAction, "Failed to set quota by storage type because "+
		"eitherdfs.quota.by.storage.type.enabled is set to true or nsQuota value is illegal 10")
}

// OP_UPDATE_BLOCKS (FSEditLogLoader.updateBlocks): the list must keep the
// ids and generation stamps of the blocks the file has, but the last
// one's stamp when the count is unchanged; one block fewer abandons the
// last block, more appends blocks under construction.
func TestUpdateBlocksReplay(t *testing.T) {
	tr := homeTree(t)
	a := createArgs("/user/alice/f")
	ok(t)(tr.Create(alice, a))
	st, err := tr.GetFileInfo(alice, a.Path, false)
	if err != nil {
		t.Fatal(err)
	}
	apply := func(bs ...Block) error {
		_, err := tr.Apply(Record{Kind: KindUpdateBlocks, Path: a.Path, Blocks: bs})
		return err
	}
	if err := apply(Block{ID: 1, GenStamp: 1}); err != nil { // added
		t.Fatal(err)
	}
	if err := apply(Block{ID: 1, NumBytes: 10, GenStamp: 2}); err != nil { // new stamp on the last
		t.Fatal(err)
	}
	if err := apply(Block{ID: 1, NumBytes: 10, GenStamp: 2}, Block{ID: 2, GenStamp: 2}); err != nil {
		t.Fatal(err)
	}
	got := tr.Blocks(st.FileID)
	if len(got) != 2 || got[0] != (Block{ID: 1, NumBytes: 10, GenStamp: 2, Complete: true}) || got[1].Complete {
		t.Fatalf("blocks %+v", got)
	}
	wantErr(t, apply(Block{ID: 1, NumBytes: 10, GenStamp: 3}, Block{ID: 2, GenStamp: 2}), ErrIO,
		"Mismatched block IDs or generation stamps, attempting to replace block blk_1_2 with blk_1_3 as block # 0/2 of /user/alice/f")
	if err := apply(Block{ID: 1, NumBytes: 10, GenStamp: 2}); err != nil { // abandon blk_2
		t.Fatal(err)
	}
	if got := tr.Blocks(st.FileID); len(got) != 1 {
		t.Fatalf("after abandoning: %+v", got)
	}
	if _, err := tr.Apply(Record{Kind: KindClose, Path: a.Path, Blocks: []Block{{ID: 1, NumBytes: 10, GenStamp: 2}}}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, apply(), ErrIO, "Trying to remove a block from file /user/alice/f which is not under construction.")
}

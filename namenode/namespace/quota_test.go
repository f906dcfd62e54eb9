package namespace

import "testing"

func TestNSQuotaCountsDirectoriesAndFiles(t *testing.T) {
	tr := homeTree(t)
	mkdirs(t, tr, alice, "/user/alice/q", 0755)
	ch := ok(t)(tr.SetQuota(hdfs, "/user/alice/q", 3, QuotaDontSet))
	want := Record{Kind: KindSetQuota, Path: "/user/alice/q", NSQuota: 3, SSQuota: -1}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v", ch.Records)
	}
	touch(t, tr, alice, "/user/alice/q/f")
	mkdirs(t, tr, alice, "/user/alice/q/d", 0755) // q, f and d: 3
	_, err := tr.Create(alice, createArgs("/user/alice/q/d/g"))
	wantErr(t, err, ErrNSQuotaExceeded, "The NameSpace quota (directories and files) of directory /user/alice/q"+
		" is exceeded: quota=3 file count=4")
	qu, err := tr.GetQuotaUsage(alice, "/user/alice/q")
	if err != nil || *qu != (QuotaUsage{FileAndDirectoryCount: 3, Quota: 3, SpaceQuota: -1, TypeQuota: noLimits().ts}) {
		t.Fatalf("quota usage %+v %v", qu, err)
	}
	ok(t)(tr.Delete(alice, "/user/alice/q/d", true))
	touch(t, tr, alice, "/user/alice/q/g") // deleting d made room again
}

func TestDSQuotaChargesWholeBlocksWhileTheyAreWritten(t *testing.T) {
	tr := homeTree(t)
	mkdirs(t, tr, alice, "/user/alice/q", 0755)
	ok(t)(tr.SetQuota(hdfs, "/user/alice/q", QuotaDontSet, 4<<20))
	a := createArgs("/user/alice/q/f")
	a.BlockSize = 1 << 20
	ok(t)(tr.Create(alice, a))
	ok(t)(tr.AddBlock(alice, a.Path, 0, a.ClientName, nil, Block{ID: 1, GenStamp: 1}))
	_, err := tr.AddBlock(alice, a.Path, 0, a.ClientName, &Block{ID: 1, NumBytes: 1 << 20, GenStamp: 1}, Block{ID: 2})
	wantErr(t, err, ErrDSQuotaExceeded, "The DiskSpace quota of /user/alice/q is exceeded: quota = 4194304 B = 4 MB"+
		" but diskspace consumed = 6291456 B = 6 MB")
	ok(t)(tr.CompleteFile(alice, a.Path, 0, a.ClientName, &Block{ID: 1, NumBytes: 1000, GenStamp: 2}))
	cs, err := tr.GetContentSummary(alice, "/user/alice/q")
	if err != nil || *cs != (ContentSummary{Length: 1000, FileCount: 1, DirectoryCount: 1, Quota: -1,
		SpaceConsumed: 3000, SpaceQuota: 4 << 20, TypeQuota: noLimits().ts}) {
		t.Fatalf("summary %+v %v", cs, err)
	}
}

func TestSetQuotaRules(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/f")
	for _, c := range []struct {
		name   string
		op     Op
		path   string
		ns, ss int64
		kind   error
		msg    string
	}{
		{"not a superuser", alice, "/user/alice", 5, QuotaDontSet, ErrAccessControl,
			"Access denied for user alice. Superuser privilege is required for operation setQuota"},
		{"clearing, not a superuser", alice, "/user/alice", QuotaReset, QuotaDontSet, ErrAccessControl,
			"Access denied for user alice. Superuser privilege is required for operation clearQuota"},
		{"bad value", hdfs, "/user/alice", -5, QuotaDontSet, ErrIllegalArgument,
			"Illegal value for nsQuota or ssQuota : -5 and 9223372036854775807"},
		{"file", hdfs, "/user/alice/f", 5, QuotaDontSet, ErrPathIsNotDirectory, "`/user/alice/f': Is not a directory"},
		{"missing", hdfs, "/user/alice/x", 5, QuotaDontSet, ErrFileNotFound, "Directory does not exist: /user/alice/x"},
	} {
		_, err := tr.SetQuota(c.op, c.path, c.ns, c.ss)
		t.Run(c.name, func(t *testing.T) { wantErr(t, err, c.kind, c.msg) })
	}
}

func TestOwnerOfTheParentMaySetQuotaWhenAllowed(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.AllowOwnerSetQuota = true })
	mkdirs(t, tr, alice, "/user/alice/q", 0755)
	ok(t)(tr.SetQuota(alice, "/user/alice/q", 10, QuotaDontSet))
	_, err := tr.SetQuota(alice, "/user/alice", 10, QuotaDontSet)
	wantErr(t, err, ErrAccessControl, "Access denied for user alice. Superuser or owner of parent folder privilege is required")
}

func TestClearingQuotas(t *testing.T) {
	tr := homeTree(t)
	ok(t)(tr.SetQuota(hdfs, "/user/alice", 10, 1<<30))
	ch := ok(t)(tr.SetQuota(hdfs, "/user/alice", QuotaReset, QuotaReset))
	if ch.Records[0].NSQuota != -1 || ch.Records[0].SSQuota != -1 {
		t.Fatalf("records %+v", ch.Records)
	}
	if cs, _ := tr.GetContentSummary(hdfs, "/user/alice"); cs.Quota != -1 || cs.SpaceQuota != -1 {
		t.Fatalf("summary %+v", cs)
	}
	// The root's namespace quota cannot be cleared: it stays Long.MAX_VALUE.
	if ch := ok(t)(tr.SetQuota(hdfs, "/", QuotaReset, QuotaDontSet)); len(ch.Records) != 0 {
		t.Fatalf("root quota change %+v", ch.Records)
	}
	if cs, _ := tr.GetContentSummary(hdfs, "/"); cs.Quota != QuotaDontSet || cs.DirectoryCount != 3 {
		t.Fatalf("root summary %+v", cs)
	}
}

func TestGetContentSummaryCountsTheSubtree(t *testing.T) {
	tr := homeTree(t)
	touch(t, tr, alice, "/user/alice/d/f")
	touch(t, tr, alice, "/user/alice/d/private/g")
	ok(t)(tr.CreateSymlink(alice, "/elsewhere", "/user/alice/d/link", false))
	chmod(t, tr, "/user/alice/d/private", 0700)
	cs, err := tr.GetContentSummary(alice, "/user/alice/d")
	if err != nil || cs.FileCount != 3 || cs.DirectoryCount != 2 || cs.Quota != -1 {
		t.Fatalf("summary %+v %v", cs, err)
	}
	_, err = tr.GetContentSummary(bob, "/user/alice/d")
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=READ_EXECUTE, inode="/user/alice/d/private":alice:users:drwx------`)
	_, err = tr.GetContentSummary(alice, "/user/alice/nope")
	wantErr(t, err, ErrFileNotFound, "File does not exist: /user/alice/nope")
	if cs, _ := tr.GetContentSummary(alice, "/user/alice/d/f"); cs.ECPolicy != "Replicated" || cs.FileCount != 1 {
		t.Fatalf("file summary %+v", cs)
	}
}

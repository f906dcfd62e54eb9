package namespace

import (
	"reflect"
	"testing"
)

// writeBlocks creates and closes path with blocks of the given lengths
// (ids from first) and a 1 MiB preferred block size.
func writeBlocks(t *testing.T, tr *Tree, op Op, path string, first int64, lens ...int64) {
	t.Helper()
	a := createArgs(path)
	a.BlockSize = 1 << 20
	ok(t)(tr.Create(op, a))
	var prev *Block
	for i, n := range lens {
		b := Block{ID: first + int64(i), GenStamp: 1}
		ok(t)(tr.AddBlock(op, path, 0, a.ClientName, prev, b))
		b.NumBytes = n
		prev = &b
	}
	ok(t)(tr.CompleteFile(op, path, 0, a.ClientName, prev))
}

func TestAppendReopensTheLastBlock(t *testing.T) {
	tr := homeTree(t)
	f := "/user/alice/f"
	writeBlocks(t, tr, alice, f, 1, 1<<20, 100)
	ch := ok(t)(tr.Append(alice, f, "c2", "m2", false))
	want := Record{Kind: KindAppend, Path: f, ClientName: "c2", ClientMachine: "m2"}
	if len(ch.Records) != 1 || !recordsEqual(ch.Records[0], want) {
		t.Fatalf("records %+v", ch.Records)
	}
	if !reflect.DeepEqual(ch.LastBlock, &Block{ID: 2, NumBytes: 100, GenStamp: 1}) || ch.Status.Length != 1<<20+100 {
		t.Fatalf("last block %+v, status %+v", ch.LastBlock, ch.Status)
	}
	if u, _ := tr.GetQuotaUsage(hdfs, "/"); u.SpaceConsumed != 2*(1<<20)*3 {
		t.Fatalf("the reopened block is charged %d", u.SpaceConsumed)
	}
	_, err := tr.Append(bob, f, "c3", "m3", false)
	wantErr(t, err, ErrAccessControl, `Permission denied: user=bob, access=WRITE, inode="/user/alice/f":alice:users:-rw-r--r--`)
	_, err = tr.Append(alice, f, "c3", "m3", false)
	wantErr(t, err, ErrAlreadyBeingCreated, "Failed to APPEND_FILE /user/alice/f for c3 on m3 because this file lease is "+
		"currently owned by c2 on m2")
	_, err = tr.Append(alice, f, "c2", "m2", false)
	wantErr(t, err, ErrAlreadyBeingCreated, "Failed to APPEND_FILE /user/alice/f for c2 on m2 because c2 is already "+
		"the current lease holder.")
}

func TestAppendErrors(t *testing.T) {
	tr := homeTree(t)
	writeBlocks(t, tr, alice, "/user/alice/full", 1, 1<<20)
	ch := ok(t)(tr.Append(alice, "/user/alice/full", "c", "m", false))
	if ch.LastBlock != nil {
		t.Fatalf("a full last block is continued: %+v", ch.LastBlock)
	}
	_, err := tr.Append(alice, "/user/alice", "c", "m", false)
	wantErr(t, err, ErrFileAlreadyExists, "Cannot append to directory /user/alice; already exists as a directory.")
	_, err = tr.Append(alice, "/user/alice/nope", "c", "m", true)
	wantErr(t, err, ErrFileNotFound, "Failed to append to non-existent file /user/alice/nope for client m")
}

func TestTruncate(t *testing.T) {
	tr := homeTree(t)
	f := "/user/alice/f"
	writeBlocks(t, tr, alice, f, 1, 1<<20, 1<<20, 10)
	gs := func() int64 { return 77 }
	_, err := tr.Truncate(alice, f, -1, "c", "m", gs)
	wantErr(t, err, ErrHadoopIllegalArgument, "Cannot truncate to a negative file size: -1.")
	_, err = tr.Truncate(alice, f, 3<<20, "c", "m", gs)
	wantErr(t, err, ErrHadoopIllegalArgument, "Cannot truncate to a larger file size. Current size: 2097162,"+
		" truncate size: 3145728.")
	_, err = tr.Truncate(alice, "/user/alice", 0, "c", "m", gs)
	wantErr(t, err, ErrFileNotFound, "Path is not a file: /user/alice")

	// On a block boundary it is done at once.
	ch := ok(t)(tr.Truncate(at(alice, 5000), f, 1<<20, "c", "m", gs))
	want := Record{Kind: KindTruncate, Path: f, ClientName: "c", ClientMachine: "m", NewLength: 1 << 20, Timestamp: 5000}
	if !ch.OK || !recordsEqual(ch.Records[0], want) || !reflect.DeepEqual(ch.Removed.Blocks, []int64{2, 3}) {
		t.Fatalf("change %+v", ch)
	}
	if st := stat(t, tr, f); st.Length != 1<<20 || st.ModTime != 5000 {
		t.Fatalf("status %+v", st)
	}
	// Mid-block it waits for block recovery, under construction.
	ch = ok(t)(tr.Truncate(alice, f, 100, "c", "m", gs))
	if ch.OK || *ch.Records[0].TruncateBlock != (Block{ID: 1, NumBytes: 1 << 20, GenStamp: 77}) ||
		*ch.LastBlock != (Block{ID: 1, NumBytes: 100, GenStamp: 77}) {
		t.Fatalf("change %+v %+v", ch.Records, ch.LastBlock)
	}
	if ch := ok(t)(tr.Truncate(alice, f, 100, "c", "m", gs)); ch.OK || len(ch.Records) != 0 {
		t.Fatalf("repeated truncate %+v", ch)
	}
	_, err = tr.Truncate(alice, f, 50, "c", "m", gs)
	wantErr(t, err, ErrAlreadyBeingCreated, "Failed to TRUNCATE_FILE /user/alice/f for c on m because /user/alice/f is being truncated.")
	if of := tr.OpenFiles(); len(of) != 1 || of[0].ClientName != "c" {
		t.Fatalf("open files %+v", of)
	}
}

func TestConcat(t *testing.T) {
	tr := homeTree(t)
	d := "/user/alice/"
	writeBlocks(t, tr, alice, d+"t", 1, 10)
	writeBlocks(t, tr, alice, d+"a", 2, 20, 30)
	writeBlocks(t, tr, alice, d+"b", 4, 40)
	touch(t, tr, alice, d+"empty")
	mkdirs(t, tr, alice, d+"sub", 0755)
	writeBlocks(t, tr, alice, d+"sub/c", 5, 50)
	for _, c := range []struct {
		target string
		srcs   []string
		kind   error
		msg    string
	}{
		{"", []string{"x"}, ErrIllegalArgument, "Target file name is empty"},
		{d + "t", nil, ErrIllegalArgument, "No sources given"},
		{"/.reserved/raw" + d + "t", []string{d + "a"}, ErrIO, "Concat operation doesn't support .reserved relative path : /.reserved/raw/user/alice/t"},
		{d + "nope", []string{d + "a"}, ErrFileNotFound, "File does not exist: /user/alice/nope"},
		{d + "t", []string{d + "sub/c"}, ErrHadoopIllegalArgument, "Source file /user/alice/sub/c is not in the same directory with the target /user/alice/t"},
		{d + "t", []string{d + "t"}, ErrHadoopIllegalArgument, "concat: the src file /user/alice/t is the same with the target file /user/alice/t"},
		{d + "t", []string{d + "empty"}, ErrHadoopIllegalArgument, "concat: source file /user/alice/empty is invalid or empty or underConstruction"},
		{d + "t", []string{d + "a", d + "a"}, ErrHadoopIllegalArgument, "concat: at least two of the source files are the same"},
	} {
		_, err := tr.Concat(alice, c.target, c.srcs)
		wantErr(t, err, c.kind, c.msg)
	}
	ch := ok(t)(tr.Concat(at(alice, 9000), d+"t", []string{d + "b", d + "a"}))
	want := Record{Kind: KindConcat, Path: d + "t", Srcs: []string{d + "b", d + "a"}, Timestamp: 9000}
	if !recordsEqual(ch.Records[0], want) || ch.Removed.Inodes != 2 || len(ch.Removed.Blocks) != 0 {
		t.Fatalf("change %+v", ch)
	}
	st := stat(t, tr, d+"t")
	var ids []int64
	for _, b := range tr.Blocks(st.FileID) {
		ids = append(ids, b.ID)
	}
	if !reflect.DeepEqual(ids, []int64{1, 4, 2, 3}) || st.Length != 100 || st.ModTime != 9000 {
		t.Fatalf("blocks %v status %+v", ids, st)
	}
	if st := stat(t, tr, d+"a"); st != nil {
		t.Fatal("a source survived")
	}
}

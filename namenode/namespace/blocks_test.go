package namespace

import (
	"fmt"
	"reflect"
	"testing"
)

func TestFileLengthFollowsItsBlocks(t *testing.T) {
	tr := homeTree(t)
	ch := create(t, tr, alice, "/user/alice/f")
	id := ch.Status.FileID
	const holder = "DFSClient_1"
	ok(t)(tr.AddBlock(alice, "/user/alice/f", id, holder, nil, Block{ID: 1, GenStamp: 10}))
	ch = ok(t)(tr.AddBlock(alice, "/user/alice/f", id, holder, &Block{ID: 1, NumBytes: 100, GenStamp: 10},
		Block{ID: 2, GenStamp: 11}))
	want := []Block{{ID: 1, NumBytes: 100, GenStamp: 10, Complete: true}, {ID: 2, GenStamp: 11}}
	if r := ch.Records[0]; r.Kind != KindAddBlock || r.InodeID != id || !reflect.DeepEqual(r.Blocks, want) {
		t.Fatalf("record %+v", r)
	}
	if l := stat(t, tr, "/user/alice/f").Length; l != 100 {
		t.Fatalf("length %d while writing the second block", l)
	}
	ch = ok(t)(tr.CompleteFile(at(alice, 7000), "/user/alice/f", id, holder, &Block{ID: 2, NumBytes: 50, GenStamp: 12}))
	r := ch.Records[0]
	want = []Block{{ID: 1, NumBytes: 100, GenStamp: 10, Complete: true}, {ID: 2, NumBytes: 50, GenStamp: 12, Complete: true}}
	if r.Kind != KindClose || r.Mtime != 7000 || r.ClientName != "" || !reflect.DeepEqual(r.Blocks, want) {
		t.Fatalf("close record %+v", r)
	}
	if st := stat(t, tr, "/user/alice/f"); st.Length != 150 || st.ModTime != 7000 {
		t.Fatalf("status %+v", st)
	}
	if got := tr.Blocks(id); !reflect.DeepEqual(got, want) {
		t.Fatalf("blocks %+v", got)
	}
}

func TestBlockOperationsNeedTheLease(t *testing.T) {
	tr := homeTree(t, func(c *Config) { c.MaxBlocksPerFile = 1 })
	ch := create(t, tr, alice, "/user/alice/f")
	id := ch.Status.FileID
	touch(t, tr, alice, "/user/alice/closed")
	closed := stat(t, tr, "/user/alice/closed").FileID
	_, err := tr.AddBlock(alice, "/user/alice/f", id, "DFSClient_2", nil, Block{ID: 1})
	wantErr(t, err, ErrLeaseExpired, fmt.Sprintf("Client (=DFSClient_2) is not the lease owner (=DFSClient_1: "+
		"/user/alice/f (inode %d) Holder DFSClient_2 does not have any open files.", id))
	_, err = tr.AddBlock(alice, "/user/alice/closed", closed, "DFSClient_1", nil, Block{ID: 1})
	wantErr(t, err, ErrLeaseExpired, fmt.Sprintf("File is not open for writing: /user/alice/closed (inode %d) "+
		"[Lease.  Holder: DFSClient_1, pending creates: 1]", closed))
	_, err = tr.CompleteFile(alice, "/user/alice/gone", 999, "DFSClient_1", nil)
	wantErr(t, err, ErrFileNotFound, "File does not exist: /user/alice/gone (inode 999) "+
		"[Lease.  Holder: DFSClient_1, pending creates: 1]")
	ok(t)(tr.AddBlock(alice, "/user/alice/f", id, "DFSClient_1", nil, Block{ID: 1}))
	_, err = tr.AddBlock(alice, "/user/alice/f", id, "DFSClient_1", &Block{ID: 1, NumBytes: 5}, Block{ID: 2})
	wantErr(t, err, ErrIO, "File has reached the limit on maximum number of blocks "+
		"(dfs.namenode.fs-limits.max-blocks-per-file): 1 >= 1")
}

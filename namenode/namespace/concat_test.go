package namespace

import "testing"

// concatSetup builds /a with snapshot s1 (holding /a/old) and, outside
// every snapshot, /c with a target and two sources; /c/moved was renamed
// out of /a after s1, so s1 still holds it.
func concatSetup(t *testing.T, tr *Tree) {
	t.Helper()
	mkdirs(t, tr, hdfs, "/a", 0755)
	mkdirs(t, tr, hdfs, "/c", 0755)
	writeBlocks(t, tr, hdfs, "/a/old", 1, 10)
	writeBlocks(t, tr, hdfs, "/a/t", 2, 10)
	writeBlocks(t, tr, hdfs, "/a/moved", 3, 10)
	ok(t)(tr.AllowSnapshot(hdfs, "/a"))
	ok(t)(tr.CreateSnapshot(hdfs, "/a", "s1"))
	ok(t)(tr.Rename(hdfs, "/a/moved", "/c/moved", 0))
	writeBlocks(t, tr, hdfs, "/c/t", 4, 10)
	writeBlocks(t, tr, hdfs, "/c/src", 5, 20)
}

// FSDirConcatOp.verifySrcFiles refuses a source a snapshot sees where it
// stands, and one renamed out of a snapshot (a reference with another
// reference in the snapshot), with Hadoop's two messages.
func TestConcatRefusesSourcesSnapshotsHold(t *testing.T) {
	tr := newTree(t)
	concatSetup(t, tr)
	_, err := tr.Concat(hdfs, "/a/t", []string{"/a/old"})
	wantErr(t, err, ErrSnapshot, "Concat: the source file /a/old is in snapshot")
	_, err = tr.Concat(hdfs, "/c/t", []string{"/c/moved"})
	wantErr(t, err, ErrSnapshot, "Concat: the source file /c/moved is referred by some other reference in some snapshot.")
	ok(t)(tr.DeleteSnapshot(hdfs, "/a", "s1"))
	ok(t)(tr.Concat(hdfs, "/c/t", []string{"/c/moved"}))
}

// FSDirConcatOp.unprotectedConcat removes every source from the inode
// map, snapshots or not (verifySrcFiles made sure none holds it), and
// OP_CONCAT_DELETE replays through the same function: live and replay
// free the source and report the same inode.
func TestConcatFreesTheSourceLiveAndInReplay(t *testing.T) {
	live, replay := newTree(t), newTree(t)
	concatSetup(t, live)
	concatSetup(t, replay)
	ch := ok(t)(live.Concat(at(hdfs, 9000), "/c/t", []string{"/c/src"}))
	rm, err := replay.Apply(ch.Records[0])
	if err != nil {
		t.Fatal(err)
	}
	if ch.Removed.Inodes != 1 || rm.Inodes != 1 || len(ch.Removed.Blocks) != 0 || len(rm.Blocks) != 0 {
		t.Fatalf("removed %+v live, %+v replayed", ch.Removed, rm)
	}
	for _, tr := range []*Tree{live, replay} {
		if st := stat(t, tr, "/c/t"); st.Length != 30 {
			t.Fatalf("target %+v", st)
		}
		if st := stat(t, tr, "/c/src"); st != nil {
			t.Fatal("the source survived")
		}
	}
	if a, b := dump(live), dump(replay); a != b {
		t.Fatalf("live:\n%s\nreplay:\n%s", a, b)
	}
}

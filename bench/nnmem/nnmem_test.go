package nnmem

import (
	"testing"

	"github.com/hdfsd/hdfsd/namenode/namespace"
)

func TestSyntheticTreeHoldsTheAskedFiles(t *testing.T) {
	tree, err := syntheticTree(namespace.DefaultConfig("hdfs"), 2500, 1000)
	if err != nil {
		t.Fatal(err)
	}
	st := tree.Stats()
	if st.Inodes != 1+3+2500 || st.Dirs != 1+3 || st.Blocks != 0 {
		t.Fatalf("stats %+v: want 2,500 empty files in 3 directories under the root", st)
	}
	op := namespace.Op{User: "hdfs"}
	l, err := tree.GetListing(op, "/dir2", nil)
	if err != nil || len(l.Entries) != 500 {
		t.Fatalf("/dir2 lists %v entries (%v), want 500", l, err)
	}
}

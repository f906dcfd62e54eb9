package namespace

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The Loader puts ascending ids in the id map in bulk (deferPut); ids in
// any other order, duplicates among them, and a map that must grow while
// ids are pending all load as before.
func TestLoaderFindsEveryIDWhateverTheOrder(t *testing.T) {
	const n = 5000
	for _, order := range []string{"ascending", "shuffled", "descending", "undersized"} {
		t.Run(order, func(t *testing.T) {
			ids := make([]int64, n)
			for i := range ids {
				ids[i] = RootID + 1 + int64(i)*7
			}
			switch order {
			case "shuffled":
				rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
			case "descending":
				for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
					ids[i], ids[j] = ids[j], ids[i]
				}
			}
			hint := n
			if order == "undersized" {
				hint = 10
			}
			ld, err := NewLoader(DefaultConfig("hdfs"), hint)
			if err != nil {
				t.Fatal(err)
			}
			if err := ld.Add(rootInode()); err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if err := ld.Add(fileInode(id, "f"+strconv.FormatInt(id, 10))); err != nil {
					t.Fatal(err)
				}
			}
			for _, id := range []int64{ids[0], ids[n/2], ids[n-1]} {
				err := ld.Add(fileInode(id, "again"))
				if !errors.Is(err, ErrLoad) || !strings.Contains(err.Error(), "appears twice") {
					t.Fatalf("adding %d again: %v", id, err)
				}
			}
			if err := ld.AddChildren(RootID, ids); err != nil {
				t.Fatal(err)
			}
			tree, err := ld.Finish()
			if err != nil {
				t.Fatal(err)
			}
			if got := tree.ids.count; got != n+1 {
				t.Fatalf("id map holds %d ids, want %d", got, n+1)
			}
			for _, id := range ids {
				if s := tree.ids.get(id, tree.idOf); s == nilSlot || tree.idOf(s) != id {
					t.Fatalf("id %d not found after loading", id)
				}
			}
		})
	}
}

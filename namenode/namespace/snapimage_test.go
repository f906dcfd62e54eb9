package namespace

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// What an image holds of snapshots, and how it comes back: an ImageWalk
// handed straight to a Loader, as nnimage does through the fsimage
// sections, gives back the live tree and every snapshot as they were.

// imageCopy saves tr through an ImageWalk into a Loader and returns the
// loaded tree.
func imageCopy(t testing.TB, tr *Tree) *Tree {
	t.Helper()
	var out *Tree
	err := tr.WalkImage(func(w *ImageWalk) error {
		l, err := NewLoader(tr.cfg, w.Count())
		if err != nil {
			return err
		}
		l.SetLastInodeID(w.LastInodeID())
		if err := w.Inodes(func(n *Inode) error { return l.Add(cloneInode(n)) }); err != nil {
			return err
		}
		err = w.DirEntries(func(parent int64, kids []int64, refs []Renamed) error {
			all := append([]int64(nil), kids...)
			for _, r := range refs {
				all = append(all, r.ID)
			}
			return l.AddChildren(parent, all)
		})
		if err != nil {
			return err
		}
		counter, _ := w.Snapshots()
		dirs, snaps := w.SnapshotSection()
		l.SetSnapshotCounter(counter)
		for _, d := range dirs {
			l.AddSnapshottable(d)
		}
		for i := range snaps {
			l.AddSnapshot(&snaps[i])
		}
		if w.NumSnapshots() > 0 {
			err = w.SnapshotDiffs(func(d *InodeDiffs) error { return addDiffs(l, d) })
			if err != nil {
				return err
			}
		}
		out, err = l.Finish()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func addDiffs(l *Loader, d *InodeDiffs) error {
	if !d.Dir {
		if len(d.FileDiffs) == 0 {
			return nil
		}
		return l.AddFileDiffs(d.ID, d.FileDiffs)
	}
	if len(d.DirDiffs) == 0 {
		return nil
	}
	var ds []DirDiff
	for _, s := range d.DirDiffs {
		ds = append(ds, s.DirDiff)
	}
	return l.AddDirDiffs(d.ID, ds)
}

// snapBlocks hides the generation stamps and states of the blocks
// snapshots read: a diff keeps a snapshot's block lengths, not the stamps
// or states it saw (Hadoop's snapshots read the current ones).
var snapBlocks = regexp.MustCompile(`blk=(\d+)/(\d+)/\d+/(true|false)`)

// usage hides quota usage in snapshots: a snapshot reads the quota
// record of a directory it has no copy of, whose usage is counted for the
// live tree only (and not at all once the directory left it).
var usage = regexp.MustCompile(` used=-?\d+/-?\d+`)

// truncations hides pending truncate recoveries, which images do not
// keep (snapshots or not).
var truncations = regexp.MustCompile(` truncating=\{[^}]*\}`)

// dirAtimes hides directories' access times, which an image does not
// keep (INodeDirectory has none; SetTimes on a directory sets it here).
var dirAtimes = regexp.MustCompile(`(kind=1 \S+ m=\d+) a=\d+`)

// contents is the tree and its snapshots as reads see them, without the
// table counts (a loaded tree need not keep what a released snapshot
// left behind the same way).
func contents(tr *Tree) string {
	d := truncations.ReplaceAllString(dirAtimes.ReplaceAllString(dump(tr), "$1"), "")
	d = d[:strings.LastIndex(strings.TrimSuffix(d, "\n"), "\n")+1]
	i := strings.Index(d, "\n/a/.snapshot/") + 1
	return d[:i] + usage.ReplaceAllString(snapBlocks.ReplaceAllString(d[i:], "blk=$1/$2"), "")
}

// fork copies a workload, with a fresh random source for what follows.
func (wl *workload) fork(seed1, seed2 uint64) *workload {
	c := *wl
	c.known, c.snaps = slices.Clone(wl.known), slices.Clone(wl.snaps)
	c.rng = rand.New(rand.NewPCG(seed1, seed2))
	return &c
}

// Random trees with snapshots (the replay workload with snapshot
// operations on /a) are saved and loaded every 50 steps: the loaded tree
// reads the same, live and in every snapshot, and then goes on exactly as
// the saved one under the same mutations, which shows it copies on write
// what each snapshot needs.
func TestImageOfSnapshotsLoadsBackTheSameTree(t *testing.T) {
	seed := testSeed(t)
	for round := range 12 {
		tr := newTree(t)
		wl := &workload{rng: rand.New(rand.NewPCG(seed, uint64(round))), now: 10}
		for step := range 300 {
			wl.snapStep(tr)
			if step%50 != 49 {
				continue
			}
			got := imageCopy(t, tr)
			if a, b := contents(tr), contents(got); a != b {
				t.Fatalf("seed %d round %d step %d: the loaded tree differs\nsaved:\n%s\nloaded:\n%s",
					seed, round, step, a, b)
			}
			checkQuotaCaches(t, tr)
			checkQuotaCaches(t, got)
			checkSummaryMatchesUsage(t, tr)
			checkSummaryMatchesUsage(t, got)
			if a, b := summary(t, tr, "/"), summary(t, got, "/"); *a != *b {
				t.Fatalf("seed %d round %d step %d: the loaded tree counts otherwise\nsaved:  %+v\nloaded: %+v",
					seed, round, step, *a, *b)
			}
			next := uint64(round*1000 + step)
			wlLive, wlLoaded := wl.fork(seed, next), wl.fork(seed, next)
			for range 40 {
				wlLive.snapStep(tr)
				wlLoaded.snapStep(got)
			}
			if a, b := contents(tr), contents(got); a != b {
				t.Fatalf("seed %d round %d step %d: the loaded tree went on otherwise\nsaved:\n%s\nloaded:\n%s",
					seed, round, step, a, b)
			}
			wl = wlLive
		}
	}
}

// A directory renamed out of a snapshot stays visible to it wherever it
// goes (Hadoop's WithName reference, a rename mark here): after a load,
// changes below it are still copied for the snapshot.
func TestLoadedRenamesKeepCopyingForTheirSnapshot(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/a/d", 0755)
	mkdirs(t, tr, hdfs, "/elsewhere", 0755)
	writeBlocks(t, tr, hdfs, "/a/d/f", 100, 10)
	ok(t)(tr.AllowSnapshot(hdfs, "/a"))
	ok(t)(tr.CreateSnapshot(hdfs, "/a", "s1"))
	ok(t)(tr.Rename(hdfs, "/a/d", "/elsewhere/d", 0))
	got := imageCopy(t, tr)
	ok(t)(got.SetPermission(hdfs, "/elsewhere/d/f", 0600))
	ok(t)(got.Delete(hdfs, "/elsewhere/d", true))
	st, err := got.GetFileInfo(hdfs, "/a/.snapshot/s1/d/f", false)
	if err != nil || st == nil || st.Permission != 0644 || st.Length != 10 {
		t.Fatalf("the snapshot reads %+v, %v; want the file as it was", st, err)
	}
	if a, b := contents(imageCopy(t, got)), contents(got); a != b {
		t.Fatalf("saved again:\n%s\nwant\n%s", a, b)
	}
}

// Deleting a snapshot hands its copies to the previous snapshot that can
// see them, not to an older snapshot of another directory: a copy
// labelled with a snapshot that never reads the inode would keep
// children whose later renames nothing records, and its image would
// list two children by one name.
func TestDeletedSnapshotLeavesNoCopiesToOtherDirectories(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/old", 0755)
	ok(t)(tr.AllowSnapshot(hdfs, "/old"))
	ok(t)(tr.CreateSnapshot(hdfs, "/old", "s0"))
	mkdirs(t, tr, hdfs, "/a/é", 0755)
	mkdirs(t, tr, hdfs, "/a/b", 0755)
	mkdirs(t, tr, hdfs, "/c", 0755)
	ok(t)(tr.AllowSnapshot(hdfs, "/a"))
	ok(t)(tr.CreateSnapshot(hdfs, "/a", "s1"))
	ok(t)(tr.SetTimes(hdfs, "/a", 5, 5))
	ok(t)(tr.DeleteSnapshot(hdfs, "/a", "s1"))
	ok(t)(tr.RenameOld(hdfs, "/a/b", "/c/é"))
	if n := tr.snap.versions; n != 0 {
		t.Fatalf("%d copies are left with no snapshot of /a", n)
	}
	if a, b := contents(imageCopy(t, tr)), contents(tr); a != b {
		t.Fatalf("loaded:\n%s\nwant\n%s", a, b)
	}
}

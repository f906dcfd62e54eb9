package namespace

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// workload makes random mutations over a small set of paths, so that they
// collide: creates over existing files, renames into missing parents,
// quotas that stop mkdirs half way, permission failures.
type workload struct {
	rng   *rand.Rand
	now   int64
	block int64
	known []string // paths of earlier records
	snaps []string // snapshots of /a
	snapN int
}

func newSnapWorkload(seed uint64) *workload {
	return &workload{rng: rand.New(rand.NewPCG(seed, 77)), now: 10}
}

func (wl *workload) exists(snap string) bool { return slices.Contains(wl.snaps, snap) }

// snapStep is a step, or one time in five a snapshot operation on /a.
func (wl *workload) snapStep(tr *Tree) *Change {
	if wl.rng.IntN(5) == 0 {
		return wl.snapshotStep(tr, wl.op())
	}
	return wl.step(tr)
}

// snapshotStep allows snapshots of /a, or creates, renames or deletes
// one.
func (wl *workload) snapshotStep(tr *Tree, op Op) *Change {
	var ch *Change
	var err error
	switch k := wl.rng.IntN(6); {
	case k == 0:
		ch, err = tr.AllowSnapshot(hdfs, "/a")
	case k <= 2 || len(wl.snaps) == 0:
		wl.snapN++
		name := fmt.Sprintf("s%d", wl.snapN)
		if ch, err = tr.CreateSnapshot(op, "/a", name); err == nil {
			wl.snaps = append(wl.snaps, name)
		}
	case k == 3:
		i := wl.rng.IntN(len(wl.snaps))
		wl.snapN++
		name := fmt.Sprintf("s%d", wl.snapN)
		if ch, err = tr.RenameSnapshot(op, "/a", wl.snaps[i], name); err == nil {
			wl.snaps[i] = name
		}
	default:
		i := wl.rng.IntN(len(wl.snaps))
		if ch, err = tr.DeleteSnapshot(op, "/a", wl.snaps[i]); err == nil {
			wl.snaps = slices.Delete(wl.snaps, i, i+1)
		}
	}
	_ = err
	return ch
}

func (wl *workload) path() string {
	if len(wl.known) > 0 && wl.rng.IntN(2) == 0 {
		return wl.known[wl.rng.IntN(len(wl.known))]
	}
	var b strings.Builder
	for range 1 + wl.rng.IntN(3) {
		b.WriteString("/" + []string{"a", "b", "c", "é", "d"}[wl.rng.IntN(5)])
	}
	return b.String()
}

// sibling is p's parent joined with a random name.
func (wl *workload) sibling(p string) string {
	return p[:strings.LastIndexByte(p, '/')] + "/" + []string{"a", "b", "x", "y"}[wl.rng.IntN(4)]
}

func (wl *workload) op() Op {
	wl.now += int64(wl.rng.IntN(3))
	return at([]Op{hdfs, hdfs, hdfs, alice, bob}[wl.rng.IntN(5)], wl.now)
}

// step runs one random mutation and returns its change (possibly partial).
func (wl *workload) step(tr *Tree) *Change {
	p, q, op := wl.path(), wl.path(), wl.op()
	if wl.rng.IntN(2) == 0 {
		q = wl.sibling(p)
	}
	var ch *Change
	switch []int{0, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}[wl.rng.IntN(24)] {
	case 0, 1:
		ch, _ = tr.Mkdirs(op, p, Mode(wl.rng.IntN(01000)), wl.rng.IntN(4) > 0)
	case 2, 3:
		a := createArgs(p)
		a.Overwrite, a.CreateParent = wl.rng.IntN(2) == 0, wl.rng.IntN(3) > 0
		a.ClientName = []string{"c1", "c2"}[wl.rng.IntN(2)]
		ch, _ = tr.Create(op, a)
	case 4:
		wl.block++
		ch, _ = tr.AddBlock(op, p, 0, "c1", wl.lastBlock(tr, p), Block{ID: wl.block, GenStamp: wl.now})
	case 5:
		ch, _ = tr.CompleteFile(op, p, 0, "c1", wl.lastBlock(tr, p))
	case 6:
		ch, _ = tr.Delete(op, p, wl.rng.IntN(2) == 0)
	case 7:
		ch, _ = tr.Rename(op, p, q, RenameOptions(wl.rng.IntN(2)))
	case 8:
		ch, _ = tr.RenameOld(op, p, q)
	case 9:
		ch, _ = tr.SetPermission(op, p, Mode(wl.rng.IntN(02000)))
	case 10:
		ch, _ = tr.SetOwner(op, p, ptr([]string{"alice", "bob"}[wl.rng.IntN(2)]), ptr("users"))
	case 11:
		ch, _ = tr.SetTimes(op, p, int64(wl.rng.IntN(100))-1, int64(wl.rng.IntN(100))-1)
	case 12:
		ch, _ = tr.SetReplication(op, p, int16(1+wl.rng.IntN(4)))
	case 13:
		if wl.rng.IntN(2) == 0 {
			ch, _ = tr.SetQuota(hdfs, p, int64(wl.rng.IntN(8))-1, QuotaDontSet)
		} else {
			ch, _ = tr.CreateSymlink(op, q, p, wl.rng.IntN(2) == 0)
		}
	default:
		ch = wl.featureStep(tr, op, p, q)
	}
	if ch == nil {
		ch = &Change{}
	}
	for _, r := range ch.Records {
		wl.known = append(wl.known, r.Path)
	}
	return ch
}

// featureStep runs one of the xattr, ACL, storage policy, append,
// truncate and concat operations.
func (wl *workload) featureStep(tr *Tree, op Op, p, q string) *Change {
	var ch *Change
	name := []string{"a", "b", "c"}[wl.rng.IntN(3)]
	switch wl.rng.IntN(9) {
	case 7, 8:
		return wl.writeFile(tr, op, p)
	case 0:
		x := XAttr{NS: []XAttrNS{XAttrUser, XAttrTrusted}[wl.rng.IntN(2)], Name: name, Value: []byte{byte(wl.rng.IntN(3))}}
		ch, _ = tr.SetXAttr(op, p, x, XAttrSetFlag(1+wl.rng.IntN(3)))
	case 1:
		ch, _ = tr.RemoveXAttr(op, p, XAttr{NS: XAttrUser, Name: name})
	case 2:
		spec := []AclEntry{{Type: AclUser, Name: "bob", Perm: Action(wl.rng.IntN(8))}}
		if wl.rng.IntN(2) == 0 {
			spec = append(spec, AclEntry{Scope: AclDefault, Type: AclGroup, Name: "users", Perm: ActReadExecute})
		}
		switch wl.rng.IntN(4) {
		case 0:
			ch, _ = tr.ModifyAclEntries(op, p, spec)
		case 1:
			ch, _ = tr.RemoveAclEntries(op, p, spec[:1])
		case 2:
			ch, _ = tr.RemoveDefaultAcl(op, p)
		default:
			ch, _ = tr.RemoveAcl(op, p)
		}
	case 3:
		ch, _ = tr.SetStoragePolicy(op, p, []uint8{0, PolicyHot, PolicyCold, PolicyLazyPersist}[wl.rng.IntN(4)])
	case 4:
		ch, _ = tr.Append(op, p, "c1", "m1", wl.rng.IntN(2) == 0)
	case 5:
		ch, _ = tr.Truncate(op, p, int64(wl.rng.IntN(3<<20)), "c1", "m1", func() int64 { wl.block++; return wl.block })
	case 6:
		q = wl.sibling(p)
		ch = wl.writeFile(tr, hdfs, q)
		c, _ := tr.Concat(op, p, []string{q})
		if c != nil { // one change for both: its records and what they removed
			ch.Records = append(ch.Records, c.Records...)
			ch.Removed.merge(c.Removed)
		}
	}
	return ch
}

// writeFile writes and closes a file of one to three blocks, so that
// append, truncate and concat have something to work on.
func (wl *workload) writeFile(tr *Tree, op Op, p string) *Change {
	a := createArgs(p)
	a.Overwrite, a.ClientName, a.BlockSize = true, "w", 1<<20
	all, err := tr.Create(op, a)
	if err != nil {
		return all
	}
	var prev *Block
	for range 1 + wl.rng.IntN(3) {
		wl.block++
		b := Block{ID: wl.block, GenStamp: wl.now}
		ch, err := tr.AddBlock(op, p, 0, "w", prev, b)
		all.Records = append(all.Records, ch.Records...)
		if err != nil {
			return all
		}
		b.NumBytes = int64(1 + wl.rng.IntN(1<<20))
		prev = &b
	}
	ch, _ := tr.CompleteFile(op, p, 0, "w", prev)
	all.Records = append(all.Records, ch.Records...)
	return all
}

// lastBlock is the file's last block with a length, for CompleteFile.
func (wl *workload) lastBlock(tr *Tree, p string) *Block {
	st, _ := tr.GetFileInfo(hdfs, p, false)
	if st == nil {
		return nil
	}
	bs := tr.Blocks(st.FileID)
	if len(bs) == 0 {
		return nil
	}
	b := bs[len(bs)-1]
	b.NumBytes = int64(wl.rng.IntN(1 << 20))
	return &b
}

func TestReplayingRecordsReproducesTheTree(t *testing.T) {
	seed := testSeed(t)
	for round := range 20 {
		live, replay := newTree(t), newTree(t)
		wl := &workload{rng: rand.New(rand.NewPCG(seed, uint64(round))), now: 10}
		var steps int
		for range 400 {
			ch := wl.snapStep(live)
			for _, rec := range ch.Records {
				steps++
				rm, err := replay.Apply(rec)
				if err != nil {
					t.Fatalf("seed %d round %d: replaying %+v: %v", seed, round, rec, err)
				}
				if len(ch.Records) == 1 && (rm.Inodes != ch.Removed.Inodes || len(rm.Blocks) != len(ch.Removed.Blocks)) {
					t.Fatalf("seed %d round %d: %v removed %d live, %d replayed", seed, round, rec.Kind,
						ch.Removed.Inodes, rm.Inodes)
				}
			}
		}
		if a, b := dump(live), dump(replay); a != b {
			t.Fatalf("seed %d round %d: after %d records the trees differ\nlive:\n%s\nreplay:\n%s", seed, round, steps, a, b)
		}
		checkQuotaCaches(t, live)
		checkQuotaCaches(t, replay)
		checkSummaryMatchesUsage(t, live)
		if a, b := summary(t, live, "/"), summary(t, replay, "/"); *a != *b {
			t.Fatalf("seed %d round %d: the replayed tree counts otherwise\nlive:   %+v\nreplay: %+v", seed, round, *a, *b)
		}
	}
}

// checkQuotaCaches compares every cached quota usage with a recount. The
// storage-type usage is left out: setting a storage policy does not
// recount the quotas above (FSDirAttrOp.unprotectedSetStoragePolicy does
// not either), so it drifts where policies change.
func checkQuotaCaches(t *testing.T, tr *Tree) {
	t.Helper()
	_ = tr.write(func(w *wtx) error {
		v := w.view()
		var walk func(slot uint32, path string)
		walk = func(slot uint32, path string) {
			if !v.node(slot).isDir() {
				return
			}
			if q := v.quota(slot); q != nil {
				c := tr.recount(v, slot)
				got := q.used()
				got.ts, c.ts = typeCounts{}, typeCounts{}
				if got != c {
					t.Errorf("%s: cached usage %+v, recounted %+v", path, got, c)
				}
			}
			for _, k := range v.dir(slot).kids {
				walk(k, childPath(path, v.name(k)))
			}
		}
		walk(rootSlot, "/")
		return nil
	})
}

// recount is usage without the caches.
func (t *Tree) recount(v view, slot uint32) counts {
	n := v.node(slot)
	if !n.isDir() {
		return t.usage(v, slot)
	}
	c := counts{ns: 1}
	for _, k := range v.dir(slot).kids {
		c = c.add(t.recount(v, k))
	}
	for _, k := range t.snap.homed[slot] {
		c = c.add(t.recount(v, k))
	}
	return c
}

func TestApplyRejectsRecordsThatDoNotFit(t *testing.T) {
	tr := newTree(t)
	for _, rec := range []Record{
		{Kind: KindMkdir, Path: "/a/b", InodeID: 20000},
		{Kind: KindAddBlock, Path: "/nope", Blocks: []Block{{ID: 1}}},
		{Kind: KindClose, Path: "/nope"},
		{Kind: KindRename, Path: "/nope", Dst: "/x"},
		{Kind: KindSetQuota, Path: "/nope", NSQuota: 1, SSQuota: -1},
		{Kind: 99, Path: "/"},
	} {
		if _, err := tr.Apply(rec); err == nil {
			t.Errorf("%v %s applied", rec.Kind, rec.Path)
		}
	}
}

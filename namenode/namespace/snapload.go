package namespace

import "slices"

// Bulk loading of snapshots. An image keeps snapshots as Hadoop holds
// them: the snapshottable directories and each snapshot's Root (SNAPSHOT
// section), and per inode a list of diffs (SNAPSHOT_DIFF): for a
// snapshot s, the inode's attributes as s saw them when they have
// changed since, a file's length then, and a directory's children
// created and deleted since. An inode renamed out of a place a snapshot
// sees is listed there by a reference with its old name (WithName).
//
// The loader turns diff lists into versions (snapcow.go) once every
// inode and every live child is in: the diff for s becomes a version
// labelled s, with full attributes (the diff's copy, else those of the
// next version, else the inode's own), for a file the block list cut
// to the diff's length, for a directory the children list obtained by
// undoing, from the current children back, the creations and deletions
// of each later diff. Inodes that are in no live directory are kept
// detached, as a deletion under a snapshot leaves them; a rename's
// source becomes a rename mark. What the image does not record, the
// last inode id when each snapshot was taken, is bounded from above
// by what each snapshot (and every earlier one) sees.

// Snapshot is one snapshot in a bulk load or an image walk: its id and
// its Root, the directory's attributes when it was taken (Root.ID is the
// directory's id, Root.Name the snapshot's name; Perm, Mtime, XAttrs and
// ACL apply).
type Snapshot struct {
	ID   int32
	Root Inode
}

// DeletedChild is an entry of a directory diff's deleted list: an inode
// by id, or the source of a rename (Hadoop's WithName reference), with
// the name it had there and the newest snapshot that saw it there.
type DeletedChild struct {
	ID           int64
	Renamed      bool
	Name         []byte // when Renamed
	LastSnapshot int32  // when Renamed
}

// DirDiff is a directory's diff for one snapshot
// (SnapshotDiffSection.DirectoryDiff).
type DirDiff struct {
	Snapshot     int32
	SnapshotRoot bool   // the attributes are the snapshot's Root
	Copy         *Inode // the attributes when they differ from the next state's; nil otherwise
	Created      [][]byte
	Deleted      []DeletedChild
}

// FileDiff is a file's diff for one snapshot
// (SnapshotDiffSection.FileDiff).
type FileDiff struct {
	Snapshot  int32
	Size      int64  // the file's length then
	Copy      *Inode // as for DirDiff
	HasBlocks bool   // Blocks were recorded (a truncate or append after the snapshot)
	Blocks    []Block
}

// snapLoad is what a Loader collects of snapshots until Finish.
type snapLoad struct {
	counter   int32
	dirs      []int64
	snaps     []pendingSnap
	dirDiffs  map[int64][]DirDiff
	fileDiffs map[int64][]FileDiff
}

type pendingSnap struct {
	dir  int64
	snap Snapshot
}

func (l *Loader) snapshots() *snapLoad {
	if l.snap == nil {
		l.snap = &snapLoad{dirDiffs: map[int64][]DirDiff{}, fileDiffs: map[int64][]FileDiff{}}
	}
	return l.snap
}

// SetSnapshotCounter sets the id the next snapshot gets
// (SnapshotSection.snapshotCounter).
func (l *Loader) SetSnapshotCounter(c int32) { l.snapshots().counter = c }

// AddSnapshottable makes a directory snapshottable, with the default
// snapshot quota (an image does not keep it).
func (l *Loader) AddSnapshottable(dir int64) {
	s := l.snapshots()
	s.dirs = append(s.dirs, dir)
}

// AddSnapshot adds a snapshot of a snapshottable directory.
func (l *Loader) AddSnapshot(s *Snapshot) {
	sl := l.snapshots()
	c := *s
	c.Root = *cloneInode(&s.Root)
	sl.snaps = append(sl.snaps, pendingSnap{dir: s.Root.ID, snap: c})
}

// cloneInode copies what the loader keeps of an inode the caller may
// reuse.
func cloneInode(n *Inode) *Inode {
	if n == nil {
		return nil
	}
	c := *n
	c.Name = slices.Clone(n.Name)
	c.XAttrs = cloneXAttrs(n.XAttrs)
	c.ACL = slices.Clone(n.ACL)
	c.Blocks = slices.Clone(n.Blocks)
	c.Target = slices.Clone(n.Target)
	return &c
}

// AddDirDiffs sets a directory's diff list, in any order.
func (l *Loader) AddDirDiffs(id int64, diffs []DirDiff) error {
	sl := l.snapshots()
	if _, dup := sl.dirDiffs[id]; dup {
		return loadErr("inode %d has two snapshot diff lists", id)
	}
	ds := make([]DirDiff, len(diffs))
	for i, d := range diffs {
		ds[i] = DirDiff{Snapshot: d.Snapshot, SnapshotRoot: d.SnapshotRoot, Copy: cloneInode(d.Copy),
			Deleted: slices.Clone(d.Deleted)}
		for _, c := range d.Created {
			ds[i].Created = append(ds[i].Created, slices.Clone(c))
		}
		for j := range ds[i].Deleted {
			ds[i].Deleted[j].Name = slices.Clone(d.Deleted[j].Name)
		}
	}
	slices.SortStableFunc(ds, func(a, b DirDiff) int { return cmpInt32(a.Snapshot, b.Snapshot) })
	sl.dirDiffs[id] = ds
	return nil
}

// AddFileDiffs sets a file's diff list, in any order.
func (l *Loader) AddFileDiffs(id int64, diffs []FileDiff) error {
	sl := l.snapshots()
	if _, dup := sl.fileDiffs[id]; dup {
		return loadErr("inode %d has two snapshot diff lists", id)
	}
	ds := make([]FileDiff, len(diffs))
	for i, d := range diffs {
		ds[i] = d
		ds[i].Copy, ds[i].Blocks = cloneInode(d.Copy), slices.Clone(d.Blocks)
	}
	slices.SortStableFunc(ds, func(a, b FileDiff) int { return cmpInt32(a.Snapshot, b.Snapshot) })
	sl.fileDiffs[id] = ds
	return nil
}

// finishSnapshots builds the snapshot state once the live tree is
// settled and returns how many inodes it reached outside the live tree.
func (l *Loader) finishSnapshots() (int, error) {
	t := l.t
	if l.snap == nil {
		return 0, nil
	}
	t.snap.counter = l.snap.counter
	if err := l.loadSnapshotDirs(); err != nil {
		return 0, err
	}
	kept, err := l.detach()
	if err != nil {
		return 0, err
	}
	steps := []func() error{l.fileVersions, l.dirAttrVersions, l.renamedNames, l.dirKidVersions, l.checkKept,
		l.boundLastIDs}
	for _, step := range steps {
		if err := step(); err != nil {
			return 0, err
		}
	}
	return kept, nil
}

func (l *Loader) slotOf(id int64, what string) (uint32, error) {
	s := l.t.ids.get(id, l.t.idOf)
	if s == nilSlot {
		return nilSlot, loadErr("%s: inode %d does not exist", what, id)
	}
	return s, nil
}

// loadSnapshotDirs makes the snapshottable directories and their
// snapshots (SnapshotSection).
func (l *Loader) loadSnapshotDirs() error {
	t := l.t
	for _, id := range l.snap.dirs {
		d, err := l.slotOf(id, "snapshottable directory")
		if err != nil {
			return err
		}
		if !t.nodes.at(d).isDir() {
			return loadErr("snapshottable inode %d is not a directory", id)
		}
		sh := &t.shards[shardOf(d)]
		if sh.sdir == nil {
			sh.sdir = map[uint32]*snapDir{}
		}
		if sh.sdir[d] != nil {
			return loadErr("directory %d is listed twice as snapshottable", id)
		}
		sh.sdir[d] = &snapDir{quota: SnapshotQuotaDefault, last: -1}
		t.snap.dirs[d] = true
	}
	for _, p := range l.snap.snaps {
		if err := l.loadSnapshot(p); err != nil {
			return err
		}
	}
	slices.Sort(t.snap.live)
	if n := len(t.snap.live); n > 0 && t.snap.live[n-1] >= t.snap.counter {
		return loadErr("snapshot %d is not below the snapshot counter %d", t.snap.live[n-1], t.snap.counter)
	}
	return nil
}

func (l *Loader) loadSnapshot(p pendingSnap) error {
	t := l.t
	s := p.snap
	d, err := l.slotOf(p.dir, "snapshot root")
	if err != nil {
		return err
	}
	sd := t.shards[shardOf(d)].sdir[d]
	switch {
	case sd == nil:
		return loadErr("snapshot %d is of inode %d, which is not snapshottable", s.ID, p.dir)
	case s.ID < 0 || s.ID > maxSnapshotID:
		return loadErr("snapshot id %d is out of range", s.ID)
	case !isValidComponent(string(s.Root.Name)):
		return loadErr("snapshot %d has the invalid name %q", s.ID, s.Root.Name)
	}
	if _, dup := t.snap.lastIDs[s.ID]; dup {
		return loadErr("snapshot id %d appears twice", s.ID)
	}
	i, found := sd.find(string(s.Root.Name))
	if found {
		return loadErr("directory %d has two snapshots named %q", p.dir, s.Root.Name)
	}
	info := &snapInfo{id: s.ID, name: string(s.Root.Name), root: *t.nodes.at(d)}
	if len(s.Root.XAttrs) > 0 {
		info.xattrs = cloneXAttrs(s.Root.XAttrs)
	}
	if len(s.Root.ACL) > 0 {
		info.acl = slices.Clone(s.Root.ACL)
	}
	info.root.perm, info.root.mtime = l.perm(s.Root.Perm), s.Root.Mtime
	sd.snaps = slices.Insert(sd.snaps, i, info)
	sd.last = max(sd.last, s.ID)
	t.snap.live = append(t.snap.live, s.ID)
	t.snap.lastIDs[s.ID] = 0 // bounded in boundLastIDs
	return nil
}

// detach marks the inodes no live directory holds as kept for snapshots,
// sorts the children of their subtrees and ends their leases, as a
// deletion under a snapshot leaves them. It returns how many inodes it
// reached.
func (l *Loader) detach() (int, error) {
	t := l.t
	count := 0
	for s := uint32(1); s < t.nodes.used; s++ {
		n := t.nodes.at(s)
		if n.kind() == kindFree || n.parent != nilSlot {
			continue
		}
		t.snap.orphan[s] = true
		t.orphans.Add(1)
		stack := []uint32{s}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			count++
			delete(t.shards[shardOf(c)].lease, c)
			if t.nodes.at(c).isDir() {
				if err := l.sortKids(c); err != nil {
					return 0, err
				}
				stack = append(stack, t.dirs.at(t.nodes.at(c).dirSlot()).kids...)
			}
		}
	}
	return count, nil
}

// checkKept refuses inodes kept for snapshots that no snapshot lists.
func (l *Loader) checkKept() error {
	t := l.t
	for s := range t.snap.orphan {
		if t.snap.vref[s] == 0 {
			n := t.nodes.at(s)
			return loadErr("inode %d (%q) is in no directory and no snapshot", n.id, t.names.get(n.nameRef()))
		}
	}
	return nil
}

// boundLastIDs sets each snapshot's last inode id to the largest id it
// or an earlier snapshot reads: every inode a snapshot reads existed when
// it was taken, and inodes made later have larger ids.
func (l *Loader) boundLastIDs() error {
	t := l.t
	sums := t.subtreeSums()
	seen := map[int32]int64{}
	for d := range t.snap.dirs {
		for _, s := range t.shards[shardOf(d)].sdir[d].snaps {
			m, ok := t.maxIDIn(d, s, sums)
			if !ok {
				return loadErr("snapshot %s of directory %d does not read as a tree", s.name, t.idOf(d))
			}
			seen[s.id] = m
		}
	}
	var run int64
	for _, id := range t.snap.live {
		run = max(run, seen[id])
		t.snap.lastIDs[id] = run
	}
	return nil
}

// subtree is what the subtree of an inode's current children holds: the
// largest inode id and the newest version label.
type subtree struct {
	maxID    int64
	maxLabel int32
}

// subtreeSums sums up every directory's current subtree, for the root's
// tree and those of detached inodes, without recursion (other inodes'
// sums are their own: see sumOf).
func (t *Tree) subtreeSums() map[uint32]subtree {
	sums := make(map[uint32]subtree, t.dirs.live())
	type frame struct {
		slot uint32
		next int
	}
	for s := uint32(0); s < t.nodes.used; s++ {
		if n := t.nodes.at(s); n.kind() == kindFree || n.parent != nilSlot {
			continue
		}
		stack := []frame{{slot: s}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			n := t.nodes.at(f.slot)
			var kids []uint32
			if n.isDir() {
				kids = t.dirs.at(n.dirSlot()).kids
			}
			if f.next < len(kids) {
				f.next++
				stack = append(stack, frame{slot: kids[f.next-1]})
				continue
			}
			stack = stack[:len(stack)-1]
			if !n.isDir() {
				continue
			}
			sum := t.ownSum(f.slot)
			for _, k := range kids {
				ks := t.sumOf(sums, k)
				sum.maxID, sum.maxLabel = max(sum.maxID, ks.maxID), max(sum.maxLabel, ks.maxLabel)
			}
			sums[f.slot] = sum
		}
	}
	return sums
}

// ownSum is an inode's own id and newest version label.
func (t *Tree) ownSum(slot uint32) subtree {
	sum := subtree{maxID: t.nodes.at(slot).id, maxLabel: -1}
	if h := t.shards[shardOf(slot)].hist[slot]; len(h) > 0 {
		sum.maxLabel = h[len(h)-1].sid
	}
	return sum
}

func (t *Tree) sumOf(sums map[uint32]subtree, slot uint32) subtree {
	if t.nodes.at(slot).isDir() {
		return sums[slot]
	}
	return t.ownSum(slot)
}

// maxIDIn is the largest inode id snapshot s of directory d reads; false
// when the walk meets more inodes than there are (a cycle). A subtree
// with no version for s or later reads as it is now, so its sum stands
// for it: the walk goes down only towards versions.
func (t *Tree) maxIDIn(d uint32, s *snapInfo, sums map[uint32]subtree) (int64, bool) {
	v := view{t: t}
	sv := view{t: t, snap: t.newSnapView(v, d, s)}
	m := t.nodes.at(d).id
	stack := []uint32{d}
	for steps := 0; len(stack) > 0; steps++ {
		if steps > int(t.nodes.used) {
			return 0, false
		}
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if sum := t.sumOf(sums, c); c != d && sum.maxLabel < s.id {
			m = max(m, sum.maxID)
			continue
		}
		n := sv.node(c)
		m = max(m, n.id)
		if n.isDir() {
			stack = append(stack, sv.dir(c).kids...)
		}
	}
	return m, true
}

func cmpInt32(a, b int32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func fileLabels(ds []FileDiff) []int32 {
	out := make([]int32, len(ds))
	for i, d := range ds {
		out[i] = d.Snapshot
	}
	return out
}

func dirLabels(ds []DirDiff) []int32 {
	out := make([]int32, len(ds))
	for i, d := range ds {
		out[i] = d.Snapshot
	}
	return out
}

func sortedKeys[V any](m map[int64]V) []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

package namespace

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func list(t *testing.T, tr *Tree, path string) []string {
	t.Helper()
	l, err := tr.GetListing(hdfs, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return names(l)
}

func diffLines(t *testing.T, tr *Tree, root, from, to string) string {
	t.Helper()
	rep, err := tr.GetSnapshotDiffReport(hdfs, root, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var b []string
	for _, e := range rep.Entries {
		s := string(e.Type) + " ./" + string(e.Path)
		if e.Type == DiffRename {
			s += " -> ./" + string(e.Target)
		}
		b = append(b, strings.TrimSuffix(s, "/"))
	}
	return strings.Join(b, "\n")
}

func TestAllowSnapshotIsForSuperusersAndDoesNotNest(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d/sub", 0777)
	_, err := tr.AllowSnapshot(alice, "/d")
	wantErr(t, err, ErrAccessControl, "Access denied for user alice. Superuser privilege is required for operation allowSnapshot")
	_, err = tr.AllowSnapshot(hdfs, "/nope")
	wantErr(t, err, ErrFileNotFound, "Directory does not exist: /nope")
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.AllowSnapshot(hdfs, "/d")) // again: resets the quota
	_, err = tr.AllowSnapshot(hdfs, "/d/sub")
	wantErr(t, err, ErrSnapshot, "Nested snapshottable directories not allowed: path=/d/sub, the ancestor /d is already a snapshottable directory.")
	_, err = tr.AllowSnapshot(hdfs, "/")
	wantErr(t, err, ErrSnapshot, "Nested snapshottable directories not allowed: path=/, the subdirectory /d is already a snapshottable directory.")
	if !stat(t, tr, "/d").Snapshottable || stat(t, tr, "/d/sub").Snapshottable {
		t.Fatal("snapshottable flags")
	}
	dirs, _ := tr.GetSnapshottableDirListing(alice)
	if len(dirs) != 0 {
		t.Fatalf("alice sees %v", dirs)
	}
	dirs, _ = tr.GetSnapshottableDirListing(hdfs)
	if len(dirs) != 1 || string(dirs[0].Status.Name) != "d" || dirs[0].ParentFullPath != "/" || dirs[0].SnapshotQuota != 65536 {
		t.Fatalf("listing %+v", dirs)
	}
	ok(t)(tr.DisallowSnapshot(hdfs, "/d"))
	if stat(t, tr, "/d").Snapshottable {
		t.Fatal("still snapshottable")
	}
}

func TestCreateSnapshotChecks(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d", 0777)
	mkdirs(t, tr, alice, "/d/a", 0755)
	_, err := tr.CreateSnapshot(hdfs, "/d", "s1")
	wantErr(t, err, ErrSnapshot, "Directory is not a snapshottable directory: /d")
	_, err = tr.CreateSnapshot(hdfs, "/", "s1")
	wantErr(t, err, ErrSnapshot, "Failed to add snapshot: there are already 0 snapshot(s) and the snapshot quota is 0")
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ch := ok(t)(tr.CreateSnapshot(hdfs, "/d", "s1"))
	if ch.SnapshotPath != "/d/.snapshot/s1" || ch.Records[0].Kind != KindCreateSnapshot {
		t.Fatalf("%+v", ch)
	}
	_, err = tr.CreateSnapshot(hdfs, "/d", "s1")
	wantErr(t, err, ErrSnapshot, "Failed to add snapshot: there is already a snapshot with the same name \"s1\".")
	_, err = tr.CreateSnapshot(hdfs, "/d", "a:b")
	wantErr(t, err, ErrInvalidPath, "Invalid snapshot name: a:b")
	_, err = tr.CreateSnapshot(alice, "/d", "s2")
	wantErr(t, err, ErrAccessControl, "Permission denied. user=alice is not the owner of inode=/d")
	ch = ok(t)(tr.CreateSnapshot(at(hdfs, 1700000000123), "/d", ""))
	if want := "/d/.snapshot/" + DefaultSnapshotName(1700000000123); ch.SnapshotPath != want || !strings.HasPrefix(want, "/d/.snapshot/s20231114-") {
		t.Fatalf("default name %q", ch.SnapshotPath)
	}
	_, err = tr.Delete(hdfs, "/d", true)
	wantErr(t, err, ErrSnapshot, "The directory /d cannot be deleted since /d is snapshottable and already has snapshots")
	_, err = tr.DisallowSnapshot(hdfs, "/d")
	wantErr(t, err, ErrSnapshot, "The directory /d has snapshot(s). Please redo the operation after removing all the snapshots.")
	_, err = tr.RenameSnapshot(hdfs, "/d", "nope", "x")
	wantErr(t, err, ErrSnapshot, "The snapshot nope does not exist for directory /d")
	_, err = tr.DeleteSnapshot(hdfs, "/d", "nope")
	wantErr(t, err, ErrSnapshot, "Cannot delete snapshot nope from path /d: the snapshot does not exist.")
	for _, p := range []string{"/d/.snapshot/s1/x", "/d/.snapshot", "/d/.snapshot/s1/a/x"} {
		_, err = tr.Mkdirs(hdfs, p, 0755, true)
		wantErr(t, err, ErrSnapshotAccessControl, "Modification on a read-only snapshot is disallowed")
	}
	_, err = tr.Delete(hdfs, "/d/.snapshot/s1", true)
	wantErr(t, err, ErrSnapshotAccessControl, "Modification on a read-only snapshot is disallowed")
}

func TestSnapshotLimits(t *testing.T) {
	tr := newTree(t, func(c *Config) { c.MaxSnapshots = 2 })
	mkdirs(t, tr, hdfs, "/d", 0777)
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "a"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "b"))
	_, err := tr.CreateSnapshot(hdfs, "/d", "c")
	wantErr(t, err, ErrSnapshot, "Failed to create snapshot: there are already 2 snapshot(s) and the per directory snapshot limit is 2")
}

func TestSnapshotsKeepWhatTheySaw(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d/sub", 0755)
	writeBlocks(t, tr, hdfs, "/d/f", 100, 10, 20)
	writeBlocks(t, tr, hdfs, "/d/sub/g", 200, 5)
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.CreateSnapshot(at(hdfs, 5000), "/d", "s1"))

	// Change everything.
	ok(t)(tr.Append(hdfs, "/d/f", "DFSClient_1", "m", false))
	ok(t)(tr.AddBlock(hdfs, "/d/f", 0, "DFSClient_1", &Block{ID: 101, NumBytes: 20, GenStamp: 1}, Block{ID: 102, GenStamp: 1}))
	ok(t)(tr.CompleteFile(hdfs, "/d/f", 0, "DFSClient_1", &Block{ID: 102, NumBytes: 7, GenStamp: 1}))
	chmod(t, tr, "/d/sub", 0700)
	ok(t)(tr.Rename(hdfs, "/d/sub/g", "/d/g2", 0))
	del := ok(t)(tr.Delete(hdfs, "/d/sub", true))
	if len(del.Removed.Blocks) != 0 {
		t.Fatalf("deleting a directory the snapshot holds freed %v", del.Removed.Blocks)
	}
	touch(t, tr, hdfs, "/d/new")
	ok(t)(tr.SetXAttr(hdfs, "/d/f", XAttr{NS: XAttrUser, Name: "k", Value: []byte("v")}, XAttrCreate))

	if got := list(t, tr, "/d"); !slices.Equal(got, []string{"f", "g2", "new"}) {
		t.Fatalf("live /d: %v", got)
	}
	if got := list(t, tr, "/d/.snapshot/s1"); !slices.Equal(got, []string{"f", "sub"}) {
		t.Fatalf("snapshot /d: %v", got)
	}
	if got := list(t, tr, "/d/.snapshot/s1/sub"); !slices.Equal(got, []string{"g"}) {
		t.Fatalf("snapshot /d/sub: %v", got)
	}
	if st := stat(t, tr, "/d/.snapshot/s1/f"); st.Length != 30 {
		t.Fatalf("snapshot f length %d", st.Length)
	}
	if st := stat(t, tr, "/d/f"); st.Length != 37 {
		t.Fatalf("live f length %d", st.Length)
	}
	if st := stat(t, tr, "/d/.snapshot/s1/sub"); st.Permission != 0755 {
		t.Fatalf("snapshot sub mode %v", st.Permission)
	}
	if st := stat(t, tr, "/d/.snapshot/s1"); st.ModTime != 5000 || st.ChildrenNum != 2 || st.Snapshottable {
		t.Fatalf("snapshot root %+v", st)
	}
	xs, _ := tr.GetXAttrs(hdfs, "/d/f", nil)
	if len(xs) != 1 {
		t.Fatalf("live xattrs %v", xs)
	}
	if st, _ := tr.GetFileInfo(hdfs, "/d/.snapshot/s1/new", true); st != nil {
		t.Fatal("a file created later is in the snapshot")
	}
	if st := stat(t, tr, "/d/.snapshot"); st.Type != TypeDir || st.FileID != -1 {
		t.Fatalf(".snapshot status %+v", st)
	}
	if got := list(t, tr, "/d/.snapshot"); !slices.Equal(got, []string{"s1"}) {
		t.Fatalf("snapshots: %v", got)
	}
	cs, err := tr.GetContentSummary(hdfs, "/d/.snapshot/s1")
	if err != nil || cs.FileCount != 2 || cs.DirectoryCount != 2 || cs.Length != 35 {
		t.Fatalf("summary %+v %v", cs, err)
	}
	if got, want := diffLines(t, tr, "/d", "s1", ""), strings.Join([]string{
		"M .", "+ ./g2", "+ ./new", "- ./sub", "M ./f"}, "\n"); got != want {
		t.Fatalf("diff s1..now:\n%s\nwant:\n%s", got, want)
	}
	if got := diffLines(t, tr, "/d", "", "s1"); !strings.Contains(got, "- ./g2") {
		t.Fatalf("diff now..s1:\n%s", got)
	}

	// Deleting the snapshot frees what only it held.
	ch := ok(t)(tr.DeleteSnapshot(hdfs, "/d", "s1"))
	slices.Sort(ch.Removed.Blocks)
	if !slices.Equal(ch.Removed.Blocks, []int64(nil)) || ch.Removed.Inodes != 1 {
		t.Fatalf("removed %+v", ch.Removed)
	}
	if s := tr.Stats(); s.Inodes != 5 || s.Blocks != 4 {
		t.Fatalf("after the last snapshot: %+v\n%s", s, dump(tr))
	}
}

func TestDeletingASnapshotReleasesDeletedFiles(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d", 0755)
	writeBlocks(t, tr, hdfs, "/d/f", 100, 10, 20)
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "s1"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "s2"))
	if rm := ok(t)(tr.Delete(hdfs, "/d/f", false)).Removed; len(rm.Blocks) != 0 || rm.Inodes != 0 {
		t.Fatalf("delete removed %+v", rm)
	}
	if _, err := tr.GetFileInfo(hdfs, "/d/.snapshot/s1/f", true); err != nil {
		t.Fatal(err)
	}
	if rm := ok(t)(tr.DeleteSnapshot(hdfs, "/d", "s2")).Removed; len(rm.Blocks) != 0 {
		t.Fatalf("s1 still holds f, but %+v", rm)
	}
	if st := stat(t, tr, "/d/.snapshot/s1/f"); st.Length != 30 {
		t.Fatalf("%+v", st)
	}
	rm := ok(t)(tr.DeleteSnapshot(hdfs, "/d", "s1")).Removed
	slices.Sort(rm.Blocks)
	if !slices.Equal(rm.Blocks, []int64{100, 101}) || rm.Inodes != 1 {
		t.Fatalf("removed %+v", rm)
	}
	if s := tr.Stats(); s.Inodes != 2 || s.Blocks != 0 {
		t.Fatalf("%+v", s)
	}
}

func TestSnapshotRenames(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d/x", 0755)
	touch(t, tr, hdfs, "/d/x/f")
	mkdirs(t, tr, hdfs, "/out", 0755)
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "s1"))
	ok(t)(tr.Rename(hdfs, "/d/x", "/d/y", 0))
	ok(t)(tr.Rename(hdfs, "/d/y/f", "/out/f", 0))
	chmod(t, tr, "/out/f", 0600)
	ok(t)(tr.RenameSnapshot(at(hdfs, 9000), "/d", "s1", "t1"))
	if got := list(t, tr, "/d/.snapshot/t1/x"); !slices.Equal(got, []string{"f"}) {
		t.Fatalf("%v", got)
	}
	if st := stat(t, tr, "/d/.snapshot/t1/x/f"); st.Permission != 0644 {
		t.Fatalf("moved-out file in the snapshot: %v", st.Permission)
	}
	if st := stat(t, tr, "/d/.snapshot/t1"); st.ModTime != 9000 {
		t.Fatalf("renamed snapshot's mtime %d", st.ModTime)
	}
	if got, want := diffLines(t, tr, "/d", "t1", ""), "M .\nR ./x -> ./y\nM ./y\n- ./y/f"; got != want {
		t.Fatalf("diff:\n%s\nwant\n%s", got, want)
	}
	ok(t)(tr.Delete(hdfs, "/out/f", false))
	if st := stat(t, tr, "/d/.snapshot/t1/x/f"); st.Permission != 0644 {
		t.Fatalf("%v", st.Permission)
	}
	ok(t)(tr.DeleteSnapshot(hdfs, "/d", "t1"))
	if s := tr.Stats(); s.Inodes != 4 {
		t.Fatalf("%+v\n%s", s, dump(tr))
	}
}

func TestSnapshotListing(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d", 0755)
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	for i, n := range []string{"b", "a", "c"} {
		ok(t)(tr.CreateSnapshot(at(hdfs, int64(100+i)), "/d", n))
	}
	l, err := tr.GetListing(hdfs, "/d/.snapshot", []byte("a"))
	if err != nil || !slices.Equal(names(l), []string{"b", "c"}) {
		t.Fatalf("%v %v", l, err)
	}
	ss, err := tr.GetSnapshotListing(hdfs, "/d")
	if err != nil || len(ss) != 3 || ss[0].ID != 1 || string(ss[0].Status.Name) != "a" || ss[0].ParentFullPath != "/d" {
		t.Fatalf("%+v %v", ss, err)
	}
	_, err = tr.GetSnapshotListing(hdfs, "/nope")
	wantErr(t, err, ErrFileNotFound, "Directory does not exist: /nope")
}

// TestSnapshotRandomWorkload runs the replay workload with snapshot
// operations mixed in, reading every snapshot back after each step and
// checking that it never changes while it exists.
func TestSnapshotsNeverChange(t *testing.T) {
	compared := 0
	defer func() {
		if compared < 100 {
			t.Errorf("only %d snapshot comparisons", compared)
		}
	}()
	for seed := range uint64(6) {
		tr := newTree(t)
		wl := newSnapWorkload(seed)
		frozen := map[string]string{}
		for step := range 300 {
			wl.snapStep(tr)
			for name, want := range frozen {
				if !wl.exists(name) {
					delete(frozen, name)
					continue
				}
				if st, _ := tr.GetFileInfo(hdfs, "/a/.snapshot/"+name, false); st == nil {
					continue // /a was renamed away
				}
				compared++
				if got := snapDump(tr, name); got != want {
					t.Fatalf("seed %d step %d: snapshot %s changed\nwas:\n%s\nnow:\n%s", seed, step, name, want, got)
				}
			}
			for _, name := range wl.snaps {
				if _, ok := frozen[name]; !ok {
					frozen[name] = snapDump(tr, name)
				}
			}
		}
	}
}

// snapDump lists a snapshot of /a recursively.
func snapDump(tr *Tree, name string) string {
	var b strings.Builder
	var walk func(p string)
	walk = func(p string) {
		st, err := tr.GetFileInfo(hdfs, p, false)
		if err != nil || st == nil {
			fmt.Fprintf(&b, "%s: %v\n", p, err)
			return
		}
		fmt.Fprintf(&b, "%s %d %o %s %d %d\n", p, st.Type, st.Permission, st.Owner, st.Length, st.ModTime)
		if st.Type != TypeDir {
			return
		}
		l, _ := tr.GetListing(hdfs, p, nil)
		for _, e := range l.Entries {
			walk(p + "/" + string(e.Name))
		}
	}
	walk("/a/.snapshot/" + name)
	return b.String()
}

func TestSnapshotFilesKeepTheirBlocks(t *testing.T) {
	tr := newTree(t)
	mkdirs(t, tr, hdfs, "/d", 0755)
	writeBlocks(t, tr, hdfs, "/d/f", 100, 10, 20)
	ok(t)(tr.AllowSnapshot(hdfs, "/d"))
	ok(t)(tr.CreateSnapshot(hdfs, "/d", "s1"))
	ok(t)(tr.Delete(hdfs, "/d/f", false))
	bs, err := tr.BlocksAt(hdfs, "/d/.snapshot/s1/f")
	if err != nil || len(bs) != 2 || bs[0].ID != 100 || bs[1].NumBytes != 20 {
		t.Fatalf("%+v %v", bs, err)
	}
	if bs, _ := tr.BlocksAt(hdfs, "/d/f"); bs != nil {
		t.Fatalf("deleted file has blocks %v", bs)
	}
}

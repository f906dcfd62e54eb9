package storage

import (
	"errors"
	"slices"
	"testing"
)

// act renders an action compactly: "rm /n edits_..." or "mv /n a b".
func act(a Action) string {
	if a.Act == Rename {
		return "mv " + a.Dir.Root + " " + a.File + " " + a.To
	}
	return "rm " + a.Dir.Root + " " + a.File
}

func acts(as []Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, act(a))
	}
	slices.Sort(out)
	return out
}

func rm(dir, file string) string     { return "rm " + dir + " " + file }
func mv(dir, file, to string) string { return "mv " + dir + " " + file + " " + to }

// checkpointed is an IMAGE_AND_EDITS directory after checkpoints at 100,
// 200 and 300, with the segment from 301 open.
func checkpointed(root string, extra ...string) Listing {
	files := []string{
		ImageName(100), MD5Name(ImageName(100)), ImageName(200), MD5Name(ImageName(200)),
		ImageName(300), MD5Name(ImageName(300)),
		EditsName(1, 100), EditsName(101, 200), EditsName(201, 300), InProgressName(301),
	}
	return listing(root, RoleImageAndEdits, 301, append(files, extra...)...)
}

// NNStorageRetentionManager.purgeOldStorage and
// FileJournalManager.purgeLogsOlderThan: which images and segments go for
// given dfs.namenode.num.checkpoints.retained,
// dfs.namenode.num.extra.edits.retained and
// dfs.namenode.max.extra.edits.segments.retained.
func TestRetentionLikeNNStorageRetentionManager(t *testing.T) {
	oldImage := []string{rm("/n", ImageName(100)), rm("/n", MD5Name(ImageName(100)))}
	for _, c := range []struct {
		name string
		ls   []Listing
		r    Retention
		kind Kind
		want []string
	}{
		{name: "defaults keep 2 images and a million extra txns",
			ls: []Listing{checkpointed("/n")}, r: DefaultRetention, want: oldImage},
		{name: "no extra edits: purge what the oldest kept image covers",
			ls: []Listing{checkpointed("/n")}, r: Retention{2, 0, 10000},
			want: append([]string{rm("/n", EditsName(1, 100)), rm("/n", EditsName(101, 200))}, oldImage...)},
		{name: "150 extra txns keep the segment holding txid 51",
			ls: []Listing{checkpointed("/n")}, r: Retention{2, 150, 10000}, want: oldImage},
		{name: "extra segments capped at 1",
			ls: []Listing{checkpointed("/n")}, r: Retention{2, 150, 1},
			want: append([]string{rm("/n", EditsName(1, 100))}, oldImage...)},
		{name: "extra segments capped at 0",
			ls: []Listing{checkpointed("/n")}, r: Retention{2, 150, 0},
			want: append([]string{rm("/n", EditsName(1, 100)), rm("/n", EditsName(101, 200))}, oldImage...)},
		{name: "one checkpoint retained, open segment kept",
			ls: []Listing{checkpointed("/n")}, r: Retention{1, 0, 10000},
			want: []string{rm("/n", EditsName(1, 100)), rm("/n", EditsName(101, 200)), rm("/n", EditsName(201, 300)),
				rm("/n", ImageName(100)), rm("/n", MD5Name(ImageName(100))),
				rm("/n", ImageName(200)), rm("/n", MD5Name(ImageName(200)))}},
		{name: "old in-progress and set-aside segments go, newer unopened ones are marked stale",
			ls: []Listing{checkpointed("/n", InProgressName(50), InProgressName(60)+".empty",
				InProgressName(70)+".corrupt", InProgressName(350))},
			r: Retention{2, 0, 10000},
			want: append([]string{rm("/n", EditsName(1, 100)), rm("/n", EditsName(101, 200)),
				rm("/n", InProgressName(50)), rm("/n", InProgressName(60)+".empty"),
				rm("/n", InProgressName(70)+".corrupt"),
				mv("/n", InProgressName(350), InProgressName(350)+".stale")}, oldImage...)},
		{name: "image and edits directories apart",
			ls: []Listing{
				listing("/img", RoleImage, 301, ImageName(100), ImageName(200), ImageName(300),
					EditsName(1, 100)), // an edits file in an IMAGE dir is not the journal's
				listing("/ed", RoleEdits, 301, ImageName(100), EditsName(1, 100), EditsName(101, 300)),
			},
			r:    Retention{2, 0, 10000},
			want: []string{rm("/ed", EditsName(1, 100)), rm("/img", ImageName(100))}},
		{name: "images of a directory without VERSION are not the inspector's",
			ls: []Listing{checkpointed("/n"), func() Listing {
				l := listing("/new", RoleImageAndEdits, 0, ImageName(5))
				l.HasVersion = false
				return l
			}()},
			r: DefaultRetention, want: oldImage},
		{name: "rollback images: keep the newest, leave the edits",
			ls: []Listing{listing("/n", RoleImageAndEdits, 301, RollbackImageName(100), RollbackImageName(200),
				ImageName(100), EditsName(1, 100))},
			r: Retention{1, 0, 10000}, kind: KindRollback,
			want: []string{rm("/n", RollbackImageName(100))}},
	} {
		t.Run(c.name, func(t *testing.T) {
			kind := c.kind
			if kind == 0 {
				kind = KindImage
			}
			got, err := PlanRetention(c.ls, c.r, kind, 301)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(acts(got), want) {
				t.Errorf("plan %q\nwant %q", acts(got), want)
			}
		})
	}
}

// The retention manager's constructor refuses settings that would lose
// the namespace.
func TestRetentionValidateLikeRetentionManagerConstructor(t *testing.T) {
	for _, r := range []Retention{{0, 0, 0}, {2, -1, 0}, {2, 0, -1}} {
		if _, err := PlanRetention(nil, r, KindImage, InvalidTxID); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", r, err)
		}
	}
}

// FSEditLog.purgeLogsOlderThan: never past the segment being written.
func TestRetentionNeverPurgesPastOpenSegment(t *testing.T) {
	l := listing("/n", RoleImageAndEdits, 150, ImageName(200), EditsName(1, 149), InProgressName(150))
	if _, err := PlanRetention([]Listing{l}, Retention{1, 0, 10}, KindImage, 150); !errors.Is(err, ErrInvalid) {
		t.Errorf("err %v, want ErrInvalid", err)
	}
}

// Purge applies the plan on disk; a file that cannot be removed is
// reported and the rest is still done (Hadoop only warns).
func TestPurgeAppliesPlanAndGoesOnAfterAFailure(t *testing.T) {
	m := NewMemFS()
	l := checkpointed("/n")
	for _, e := range l.Entries {
		m.WriteFile("/n/current/"+e.File, []byte("x"))
	}
	m.WriteFile("/n/current/VERSION", nil)
	m.WriteFile("/n/current/seen_txid", []byte("301\n"))
	s := &Storage{FS: m, Dirs: NewDirs([]string{"/n"}, []string{"/n"})}
	m.Inject(FailOn(OpRemove, "/n/current/"+ImageName(100), ErrInjected))
	err := s.Purge(Retention{2, 0, 10000}, KindImage, 301)
	if !errors.Is(err, ErrInjected) {
		t.Errorf("err %v, want the injected failure", err)
	}
	names, _ := m.ReadDir("/n/current")
	for _, gone := range []string{EditsName(1, 100), EditsName(101, 200), MD5Name(ImageName(100))} {
		if slices.Contains(names, gone) {
			t.Errorf("%s not purged", gone)
		}
	}
	if !slices.Contains(names, ImageName(100)) {
		t.Error("the image whose removal failed is gone")
	}
	if len(s.Dirs.Failures()) != 0 {
		t.Errorf("a purge failure took a directory out: %v", s.Dirs.Failures())
	}
}

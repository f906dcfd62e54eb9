package storage

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// realDirs are name directories Apache Hadoop wrote, and what Hadoop's
// startup (FSImage.recoverTransitionRead, FileJournalManager's recovery,
// FSImageTransactionalStorageInspector, FSEditLog.selectInputStreams)
// would choose in them. The in-progress ends were checked against the
// offline edits viewer's dumps where the testdata has them (451-461 in
// nn-namedir, 82 in the HA run, 39-54 as the JournalNodes finalized it).
var realDirs = []struct {
	name    string
	tarball []string
	dirs    []string
	layout  int32
	states  []State
	images  []string // every copy of the newest checkpoint: dir/file
	seen    int64
	scanned []string // the segments after the image, in-progress ones scanned
	renames []string // what recovery does: from -> to
	after   []string // the segments after recovery, finalized only
	noImage bool     // a layout from before txid file names
}{
	{name: "3.3.2 after SIGTERM", tarball: []string{"hadoop-3.3.2", "nn-namedir.tgz"}, dirs: []string{"nn"},
		layout: -66, states: []State{Normal}, images: []string{"nn/fsimage_0000000000000000431"}, seen: 451,
		scanned: []string{"432-450", "451-461 (in progress)"},
		renames: []string{"edits_inprogress_0000000000000000451 -> edits_0000000000000000451-0000000000000000461"},
		after:   []string{"432-450", "451-461"}},
	{name: "3.3.2 HA nn1 (active at the end)", tarball: []string{"hadoop-3.3.2", "ha-namedirs.tgz"}, dirs: []string{"nn1"},
		layout: -66, states: []State{Normal}, images: []string{"nn1/fsimage_0000000000000000078"}, seen: 82,
		scanned: []string{"78-79", "80-81", "82-82 (in progress)"},
		renames: []string{"edits_inprogress_0000000000000000082 -> edits_0000000000000000082-0000000000000000082"},
		after:   []string{"78-79", "80-81", "82-82"}},
	{name: "3.3.2 HA nn2 (stale in-progress segment, seen_txid 0)", tarball: []string{"hadoop-3.3.2", "ha-namedirs.tgz"},
		dirs: []string{"nn2"}, layout: -66, states: []State{Normal}, images: []string{"nn2/fsimage_0000000000000000078"},
		seen: 0, scanned: nil,
		renames: []string{"edits_inprogress_0000000000000000039 -> edits_0000000000000000039-0000000000000000054"},
		after:   nil},
	{name: "2.5.2 name dir", tarball: []string{"hadoop", "hadoop-252-dfs-dir.tgz"}, dirs: []string{"dfs/name1"},
		layout: -57, states: []State{Normal}, images: []string{"dfs/name1/fsimage_0000000000000000003"}, seen: 25,
		scanned: []string{"4-24", "25-25 (in progress)"},
		renames: []string{"edits_inprogress_0000000000000000025 -> edits_0000000000000000025-0000000000000000025"},
		after:   []string{"4-24", "25-25"}},
	{name: "2.5.2 name dir and secondary's checkpoint dir together", tarball: []string{"hadoop", "hadoop-252-dfs-dir.tgz"},
		dirs: []string{"dfs/name1", "dfs/namesecondary"}, layout: -57, states: []State{Normal, Normal},
		images: []string{"dfs/name1/fsimage_0000000000000000003", "dfs/namesecondary/fsimage_0000000000000000003"},
		seen:   25, scanned: []string{"4-24", "25-25 (in progress)"},
		renames: []string{"edits_inprogress_0000000000000000025 -> edits_0000000000000000025-0000000000000000025"},
		after:   []string{"4-24", "25-25"}},
	{name: "2.x with an unformatted second dir", tarball: []string{"hadoop", "hadoop-2-reserved.tgz"},
		dirs: []string{"dfs/name-0-1", "dfs/name-0-2"}, layout: -40, states: []State{Normal, NotFormatted},
		images: []string{"dfs/name-0-1/fsimage_0000000000000000016"}, seen: 17,
		scanned: []string{"17-30 (in progress)"},
		renames: []string{"edits_inprogress_0000000000000000017 -> edits_0000000000000000017-0000000000000000030"},
		after:   []string{"17-30"}},
	{name: "0.23", tarball: []string{"hadoop", "hadoop-0.23-reserved.tgz"},
		dirs: []string{"dfs/name-0-1", "dfs/name-0-2"}, layout: -39, states: []State{Normal, NotFormatted},
		images: []string{"dfs/name-0-1/fsimage_0000000000000000008"}, seen: 10,
		scanned: []string{"9-9", "10-13 (in progress)"},
		renames: []string{"edits_inprogress_0000000000000000010 -> edits_0000000000000000010-0000000000000000013"},
		after:   []string{"9-9", "10-13"}},
	{name: "2.7 (-60), two checkpoints kept", tarball: []string{"hadoop", "hadoop-56-layout-datanode-dir.tgz"},
		dirs: []string{"dfs/name"}, layout: -60, states: []State{Normal},
		images: []string{"dfs/name/fsimage_0000000000001771703"}, seen: 1771705,
		scanned: []string{"1771704-1771704", "1771705-1771705 (in progress)"},
		renames: []string{"edits_inprogress_0000000000001771705 -> edits_0000000000001771705-0000000000001771705"},
		after:   []string{"1771704-1771704", "1771705-1771705"}},
	{name: "finalized only", tarball: []string{"hadoop", "image-with-buggy-append.tgz"},
		dirs: []string{"image-with-buggy-append/name"}, layout: -39, states: []State{Normal},
		images: []string{"image-with-buggy-append/name/fsimage_0000000000000000081"}, seen: 82,
		scanned: []string{"82-128"}, after: []string{"82-128"}},
	{name: "branch-1 names (fsimage, edits)", tarball: []string{"hadoop", "hadoop-1-reserved.tgz"},
		dirs: []string{"dfs/name-0-1"}, layout: -41, states: []State{Normal}, noImage: true},
}

func loadReal(t *testing.T, tarball, dirs []string) (string, *Storage) {
	t.Helper()
	root := extract(t, tarball...)
	var abs []string
	for _, d := range dirs {
		abs = append(abs, filepath.Join(root, d))
	}
	s, err := Load(OSFS, NewDirs(abs, abs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return root, s
}

func segStrings(segs []Segment) []string {
	var out []string
	for _, s := range segs {
		out = append(out, s.String())
	}
	return out
}

// Load, Inspect and Recover on real name directories pick what Hadoop
// would: the newest image (every copy), the edits after it, and the
// in-progress segments finalized at their last whole transaction.
func TestRealNameDirsInspectAndRecoverLikeHadoop(t *testing.T) {
	for _, c := range realDirs {
		t.Run(c.name, func(t *testing.T) {
			root, s := loadReal(t, c.tarball, c.dirs)
			rel := func(p string) string { r, _ := filepath.Rel(root, p); return filepath.ToSlash(r) }
			if s.Layout.Version != c.layout || s.Layout.Current {
				t.Errorf("layout %+v, want %d (older than %d)", s.Layout, c.layout, LayoutVersion)
			}
			var states []State
			for _, ds := range s.States {
				states = append(states, ds.State)
			}
			if !slices.Equal(states, c.states) {
				t.Errorf("states %v, want %v", states, c.states)
			}
			scan := editlogScanner(OSFS)
			p, err := s.Inspect(scan, InspectOptions{ForWrite: true, InProgressOK: true})
			if c.noImage {
				if !errors.Is(err, ErrNoImage) || s.Layout.TxIDNames {
					t.Errorf("inspect %v, TxIDNames %v; want ErrNoImage", err, s.Layout.TxIDNames)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var imgs []string
			for _, img := range p.Images {
				imgs = append(imgs, rel(img.Dir.Root)+"/"+img.File)
				if !img.HasMD5 {
					t.Errorf("%s has no .md5", img.File)
				}
			}
			if !slices.Equal(imgs, c.images) {
				t.Errorf("images %v, want %v", imgs, c.images)
			}
			if p.MaxSeenTxID != c.seen {
				t.Errorf("max seen_txid %d, want %d", p.MaxSeenTxID, c.seen)
			}
			if got := segStrings(p.Segments); !slices.Equal(got, c.scanned) {
				t.Errorf("segments %v, want %v", got, c.scanned)
			}
			if p.NeedToSave != slices.Contains(c.states, NotFormatted) {
				t.Errorf("NeedToSave %v", p.NeedToSave)
			}

			before := treesOf(t, root, c.dirs)
			if err := s.Recover(scan, InvalidTxID); err != nil {
				t.Fatal(err)
			}
			if f := s.Dirs.Failures(); len(f) != 0 {
				t.Fatalf("failures %v", f)
			}
			if got := renamed(before, treesOf(t, root, c.dirs)); !slices.Equal(got, c.renames) {
				t.Errorf("recovery did %v, want %v", got, c.renames)
			}
			p, err = s.Inspect(nil, InspectOptions{ForWrite: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := segStrings(p.Segments); !slices.Equal(got, c.after) {
				t.Errorf("after recovery: %v, want %v", got, c.after)
			}
		})
	}
}

// treesOf lists the files of each dir's current/, as "name" entries.
func treesOf(t *testing.T, root string, dirs []string) map[string]bool {
	out := map[string]bool{}
	for _, d := range dirs {
		names, _ := OSFS.ReadDir(filepath.Join(root, d, DirCurrent))
		for _, n := range names {
			out[n] = true
		}
	}
	return out
}

// renamed pairs the names that went away with the ones that appeared.
func renamed(before, after map[string]bool) []string {
	var gone, came []string
	for n := range before {
		if !after[n] {
			gone = append(gone, n)
		}
	}
	for n := range after {
		if !before[n] {
			came = append(came, n)
		}
	}
	slices.Sort(gone)
	slices.Sort(came)
	var out []string
	for i := range max(len(gone), len(came)) {
		var g, c string
		if i < len(gone) {
			g = gone[i]
		}
		if i < len(came) {
			c = came[i]
		}
		out = append(out, fmt.Sprintf("%s -> %s", g, c))
	}
	return out
}

// A NameNode that will write (not a standby) must reach the highest
// seen_txid: with the in-progress segment neither recovered nor allowed,
// that is FSEditLog.checkForGaps's error; a standby may stop short.
func TestRealNameDirGapWithoutRecoveryLikeCheckForGaps(t *testing.T) {
	_, s := loadReal(t, []string{"hadoop", "hadoop-252-dfs-dir.tgz"}, []string{"dfs/name1"})
	_, err := s.Inspect(nil, InspectOptions{ForWrite: true})
	var gap *GapError
	if !errors.As(err, &gap) || gap.ToAtLeast != 25 || gap.Missing != 25 {
		t.Fatalf("err %v, want a gap at 25", err)
	}
	if want := "Expected to be able to read up until at least txid 25 but unable to find any edit logs containing txid 25"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q", err)
	}
	p, err := s.Inspect(nil, InspectOptions{})
	if err != nil || !slices.Equal(segStrings(p.Segments), []string{"4-24"}) {
		t.Errorf("standby: %v %v", segStrings(p.Segments), err)
	}
}

// FSImage.recoverTransitionRead refuses an old layout on a regular start
// and names the two ways forward.
func TestRealNameDirOldLayoutNeedsUpgrade(t *testing.T) {
	_, s := loadReal(t, []string{"hadoop-3.3.2", "nn-namedir.tgz"}, []string{"nn"})
	err := s.CheckStartup(false)
	if !errors.Is(err, ErrUnsupportedLayout) ||
		!strings.Contains(err.Error(), "File system image contains an old layout version -66. An upgrade to version -67 is required.") {
		t.Errorf("regular start: %v", err)
	}
	if err := s.CheckStartup(true); err != nil {
		t.Errorf("-upgrade: %v", err)
	}
}

// An unformatted directory next to formatted ones gets an empty current/
// at startup (FSImage.recoverTransitionRead's "Formatting ..."), stays in
// service, and the plan asks for the namespace to be saved into it.
func TestUnformattedDirJoinsAndNeedsSave(t *testing.T) {
	root, s := loadReal(t, []string{"hadoop", "hadoop-2-reserved.tgz"}, []string{"dfs/name-0-1", "dfs/name-0-2"})
	if st, err := OSFS.Stat(filepath.Join(root, "dfs/name-0-2/current")); err != nil || !st.IsDir() {
		t.Fatalf("name-0-2/current: %v", err)
	}
	if err := s.Recover(editlogScanner(OSFS), InvalidTxID); err != nil {
		t.Fatal(err)
	}
	p, err := s.Inspect(nil, InspectOptions{ForWrite: true})
	if err != nil || !p.NeedToSave {
		t.Fatalf("plan %+v %v", p, err)
	}
	if len(s.Dirs.Healthy()) != 2 {
		t.Errorf("dirs in service %v, failures %v", s.Dirs.Healthy(), s.Dirs.Failures())
	}
}

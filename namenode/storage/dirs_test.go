package storage

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// NNStorage.setStorageDirectories: name dirs first (IMAGE_AND_EDITS when
// also an edits dir), then the remaining edits dirs; paths compared
// cleaned.
func TestNewDirsLikeSetStorageDirectories(t *testing.T) {
	d := NewDirs([]string{"/a", "/b/"}, []string{"/c", "/b", "/a/./"})
	var got []string
	for _, dir := range d.Healthy() {
		got = append(got, dir.Root+":"+dir.Role.String())
	}
	want := []string{"/a:IMAGE_AND_EDITS", "/b:IMAGE_AND_EDITS", "/c:EDITS"}
	if !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
}

// NNStorage.reportErrorsOnDirectories: a directory whose write fails
// leaves service and the NameNode goes on with the others, until no
// directory of a role is left.
func TestFailingDirectoryIsDroppedUntilNoneLeft(t *testing.T) {
	m := NewMemFS()
	dirs := NewDirs([]string{"/n1", "/n2"}, []string{"/n1", "/n2", "/e3"})
	if _, err := Format(m, dirs, fixedFormat()); err != nil {
		t.Fatal(err)
	}
	s, err := Load(m, dirs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	m.Inject(FailOn(OpCreate, "/n1", ErrInjected))
	if err := s.WriteSeenTxID(5); err != nil {
		t.Fatalf("one of three failed: %v", err)
	}
	if got := roots(dirs.Healthy()); !slices.Equal(got, []string{"/n2", "/e3"}) {
		t.Errorf("in service %v", got)
	}
	for _, d := range []string{"/n2", "/e3"} {
		if v, err := ReadSeenTxID(m, d); v != 5 || err != nil {
			t.Errorf("%s seen_txid %d %v", d, v, err)
		}
	}
	if v, _ := ReadSeenTxID(m, "/n1"); v != 0 {
		t.Errorf("failed dir was written: %d", v)
	}

	// Losing the last image directory is fatal, even with an edits one left.
	m.Inject(FailOn(OpCreate, "/n2", ErrInjected))
	err = s.SaveImage(9, saveEmpty)
	if !errors.Is(err, ErrNoDirsLeft) || !errors.Is(err, ErrInjected) {
		t.Errorf("last image dir failed: %v", err)
	}
	if got := roots(dirs.Healthy()); !slices.Equal(got, []string{"/e3"}) {
		t.Errorf("in service %v", got)
	}
	if f := dirs.Failures(); len(f) != 2 {
		t.Errorf("failures %v", f)
	}
	if err := s.WriteSeenTxID(10); err != nil {
		t.Errorf("edits dir still writes seen_txid: %v", err)
	}
}

// A directory that cannot be listed leaves service at Inspect; the plan
// comes from the others.
func TestUnlistableDirectoryLeavesAtInspect(t *testing.T) {
	m := NewMemFS()
	dirs := NewDirs([]string{"/n1", "/n2"}, []string{"/n1", "/n2"})
	if _, err := Format(m, dirs, fixedFormat()); err != nil {
		t.Fatal(err)
	}
	s, err := Load(m, dirs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m.Inject(FailOn(OpReadDir, "/n2/current", ErrInjected))
	p, err := s.Inspect(nil, InspectOptions{ForWrite: true})
	if err != nil || len(p.Images) != 1 || p.Images[0].Dir.Root != "/n1" {
		t.Fatalf("plan %+v %v", p, err)
	}
	if got := roots(dirs.Healthy()); !slices.Equal(got, []string{"/n1"}) {
		t.Errorf("in service %v", got)
	}
}

// Random faults on every mutating operation, with a printed seed: the
// set only shrinks, each failure names a directory once, and an error is
// returned exactly when a role has no directory left.
func TestRandomFaultsOnlyShrinkTheSet(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			m := NewMemFS()
			dirs := NewDirs([]string{"/n1", "/n2"}, []string{"/n1", "/n2", "/e3"})
			m.Inject(RandomFaults(seed, 0.1))
			s := &Storage{FS: m, Dirs: dirs, Now: fixedClock}
			s.Version, _ = NewVersion("CID-x", "127.0.0.1", fixedClock(), &counter{})
			for txid := int64(1); txid <= 5; txid++ {
				before := len(dirs.Healthy())
				errs := []error{s.WriteSeenTxID(txid), s.SaveImage(txid, saveEmpty), s.WriteVersion()}
				if len(dirs.Healthy()) > before {
					t.Fatal("the set grew")
				}
				left := len(dirs.Of(RoleImage)) > 0 && len(dirs.Of(RoleEdits)) > 0
				if fatal := slices.ContainsFunc(errs, func(e error) bool { return e != nil }); fatal && left {
					t.Fatalf("error with directories left: %v", errs)
				}
				for _, e := range errs {
					if e != nil && !errors.Is(e, ErrNoDirsLeft) {
						t.Fatalf("unexpected error %v", e)
					}
				}
			}
			seen := map[string]bool{}
			for _, f := range dirs.Failures() {
				if seen[f.Dir.Root] {
					t.Errorf("%s failed twice", f.Dir.Root)
				}
				seen[f.Dir.Root] = true
			}
		})
	}
}

func roots(ds []Dir) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Root)
	}
	return out
}

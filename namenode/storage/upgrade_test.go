package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"strings"
	"testing"
)

var upgradedImage = []byte("HDFSIMG1 upgraded namespace")

func saveUpgraded(w io.Writer) error { _, err := w.Write(upgradedImage); return err }

// oldNameDirs formats roots as a Hadoop 3.3 (-66) NameNode left them: an
// image at 0, edits 1-5, an in-progress segment moved aside, seen_txid 6.
func oldNameDirs(t *testing.T, m *MemFS, roots ...string) {
	t.Helper()
	v, err := Format(m, NewDirs(roots, roots), fixedFormat())
	if err != nil {
		t.Fatal(err)
	}
	v.LayoutVersion = -66
	for _, r := range roots {
		m.WriteFile(filepath.Join(r, "current", FileVersion), v.Marshal(OrderJava9, fixedClock()))
		m.WriteFile(filepath.Join(r, "current", EditsName(1, 5)), []byte("edits 1-5 of "+r))
		m.WriteFile(filepath.Join(r, "current", InProgressName(6)+".empty"), []byte("empty"))
		m.WriteFile(filepath.Join(r, "current", FileSeenTxID), []byte("6\n"))
	}
}

// tree returns every file under dir (relative name -> content).
func tree(t *testing.T, m *MemFS, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(string)
	walk = func(p string) {
		names, err := m.ReadDir(p)
		if err != nil {
			return
		}
		for _, n := range names {
			c := filepath.Join(p, n)
			if st, err := m.Stat(c); err == nil && st.IsDir() {
				walk(c)
				continue
			}
			data, err := m.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, c)
			out[rel] = string(data)
		}
	}
	walk(dir)
	return out
}

// upgradeAll is FSImage.doUpgrade's storage side, the namespace saved at
// txid 5.
func upgradeAll(m FS, roots []string) error {
	s, err := Load(m, NewDirs(roots, roots))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.CheckUpgrade(); err != nil {
		return err
	}
	if err := s.PreUpgrade(); err != nil {
		return err
	}
	if err := s.SaveImage(5, saveUpgraded); err != nil {
		return err
	}
	return s.CompleteUpgrade(Upgraded(s.Version, fixedClock()), fixedClock())
}

// dirIs says whether root is wholly the old directory (old: its current/)
// or wholly upgraded (previous/ is the old current/; current/ holds the
// new VERSION, the new image and the old segments).
func dirIs(t *testing.T, m *MemFS, root string, old map[string]string) string {
	t.Helper()
	cur, prev := tree(t, m, filepath.Join(root, DirCurrent)), tree(t, m, filepath.Join(root, DirPrevious))
	if len(prev) == 0 && maps.Equal(cur, old) {
		return "old"
	}
	if !maps.Equal(prev, old) {
		return fmt.Sprintf("neither: current %v, previous %v", keys(cur), keys(prev))
	}
	v, err := ReadVersion(m, root)
	if err != nil || v.LayoutVersion != LayoutVersion || v.CTime != fixedClock().UnixMilli() {
		return fmt.Sprintf("upgraded with VERSION %+v (%v)", v, err)
	}
	for _, f := range []string{EditsName(1, 5), InProgressName(6) + ".empty"} {
		if cur[f] != old[f] {
			return "upgraded without the old segment " + f
		}
	}
	d := Dir{Root: root, Role: RoleImageAndEdits}
	digest, ok, err := ReadMD5(m, d, ImageName(5))
	if cur[ImageName(5)] != string(upgradedImage) || !ok || err != nil || fmt.Sprintf("%x", digest) == "" {
		return "upgraded without its image"
	}
	return "upgraded"
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// NNUpgradeUtil's procedure, stopped by a crash after every operation: the
// next start (Load, which recovers as Storage.doRecover) finds each
// directory either as it was or wholly upgraded, the upgrade once it
// returned; with one directory, the start always succeeds.
func TestUpgradeSurvivesCrashAtEveryOp(t *testing.T) {
	for _, roots := range [][]string{{"/n1"}, {"/n1", "/n2"}} {
		t.Run(fmt.Sprint(len(roots), " dirs"), func(t *testing.T) {
			old := map[string]map[string]string{}
			crashEveryOp(t, func(m *MemFS) {
				oldNameDirs(t, m, roots...)
				for _, r := range roots {
					old[r] = tree(t, m, filepath.Join(r, DirCurrent))
				}
			}, func(m *MemFS) error { return upgradeAll(m, roots) },
				func(t *testing.T, m *MemFS, done bool) {
					for _, r := range roots {
						st, err := Analyze(m, r)
						if err == nil && st.NeedsRecovery() {
							err = RecoverTransition(m, r, st)
						}
						if err != nil {
							t.Fatalf("%s: %v", r, err)
						}
						got := dirIs(t, m, r, old[r])
						if (done && got != "upgraded") || (got != "old" && got != "upgraded") {
							t.Errorf("%s: %s (upgrade returned: %v)", r, got, done)
						}
					}
					if len(roots) == 1 {
						s, err := Load(m, NewDirs(roots, roots))
						if err != nil {
							t.Fatalf("start after the crash: %v", err)
						}
						s.Close()
					}
				})
		})
	}
}

// A directory whose old current/ is mid-way through the procedure is
// recovered by Load as Hadoop's doRecover would, one state at a time.
func TestLoadRecoversEveryInterruptedTransition(t *testing.T) {
	for _, c := range []struct {
		state State
		files []string
		want  []string // the directories left, with a file of each
	}{
		{CompleteUpgrade, []string{"current/VERSION", "previous.tmp/VERSION"}, []string{"current/VERSION", "previous/VERSION"}},
		{RecoverUpgrade, []string{"current/fsimage_x", "previous.tmp/VERSION"}, []string{"current/VERSION"}},
		{CompleteRollback, []string{"current/VERSION", "removed.tmp/VERSION"}, []string{"current/VERSION"}},
		{RecoverRollback, []string{"previous/VERSION", "removed.tmp/VERSION"}, []string{"current/VERSION", "previous/VERSION"}},
		{CompleteFinalize, []string{"current/VERSION", "finalized.tmp/VERSION"}, []string{"current/VERSION"}},
		{CompleteCheckpoint, []string{"current/VERSION", "lastcheckpoint.tmp/VERSION", "previous.checkpoint/VERSION"},
			[]string{"current/VERSION", "previous.checkpoint/VERSION"}},
		{RecoverCheckpoint, []string{"lastcheckpoint.tmp/VERSION"}, []string{"current/VERSION"}},
	} {
		t.Run(c.state.String(), func(t *testing.T) {
			m := NewMemFS()
			v, _ := NewVersion("CID-x", "127.0.0.1", fixedClock(), &counter{})
			for _, f := range c.files {
				data := []byte("x")
				if filepath.Base(f) == FileVersion {
					data = v.Marshal(OrderJava9, fixedClock())
				}
				m.WriteFile("/nn/"+f, data)
			}
			s, err := Load(m, NewDirs([]string{"/nn"}, nil))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.States[0].State != c.state {
				t.Errorf("state %v, want %v", s.States[0].State, c.state)
			}
			var got []string
			for rel := range tree(t, m, "/nn") {
				if rel != FileLock {
					got = append(got, rel)
				}
			}
			if strings.Join(sorted(got), " ") != strings.Join(sorted(c.want), " ") {
				t.Errorf("after recovery %v, want %v", sorted(got), c.want)
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// FSImage.checkUpgrade: no second upgrade before the first is finalized
// or rolled back.
func TestUpgradeRefusedWhilePreviousExists(t *testing.T) {
	m := NewMemFS()
	oldNameDirs(t, m, "/n1")
	if err := upgradeAll(m, []string{"/n1"}); err != nil {
		t.Fatal(err)
	}
	err := upgradeAll(m, []string{"/n1"})
	if !errors.Is(err, ErrInconsistent) || !strings.HasSuffix(err.Error(),
		"Directory /n1 is in an inconsistent state: previous fs state should not exist during upgrade. Finalize or rollback first.") {
		t.Errorf("second upgrade: %v", err)
	}
}

// A directory that fails during the upgrade leaves the set; the others
// are upgraded and the start fails as Hadoop's does.
func TestUpgradeFailsWhenADirectoryFails(t *testing.T) {
	m := NewMemFS()
	roots := []string{"/n1", "/n2"}
	oldNameDirs(t, m, roots...)
	m.Inject(FailOn(OpLink, "/n2/current", fmt.Errorf("%w: disk gone", ErrInjected)))
	err := upgradeAll(m, roots)
	if err == nil || !strings.Contains(err.Error(), "Upgrade failed in 1 storage directory(ies), previously logged") {
		t.Fatalf("err %v", err)
	}
	m.Inject(nil)
	if st, _ := Analyze(m, "/n2"); st != RecoverUpgrade {
		t.Errorf("/n2 left in %v, want RECOVER_UPGRADE", st)
	}
	if ok, _ := exists(m, "/n1/previous"); !ok {
		t.Error("/n1 was not upgraded")
	}
}

// NNUpgradeUtil.doFinalize, crashed after every operation: previous/ is
// whole or gone, never half deleted; gone once Finalize returned.
func TestFinalizeSurvivesCrashAtEveryOp(t *testing.T) {
	var old map[string]string
	crashEveryOp(t, func(m *MemFS) {
		oldNameDirs(t, m, "/n1")
		old = tree(t, m, "/n1/current")
		if err := upgradeAll(m, []string{"/n1"}); err != nil {
			t.Fatal(err)
		}
	}, func(m *MemFS) error {
		s, err := Load(m, NewDirs([]string{"/n1"}, nil))
		if err != nil {
			return err
		}
		defer s.Close()
		return s.Finalize(nil)
	}, func(t *testing.T, m *MemFS, done bool) {
		s, err := Load(m, NewDirs([]string{"/n1"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fin, err := s.UpgradeFinalized()
		prev := tree(t, m, "/n1/previous")
		switch {
		case err != nil:
			t.Fatal(err)
		case done && !fin:
			t.Error("finalize returned but previous/ is back")
		case !fin && !maps.Equal(prev, old):
			t.Errorf("previous/ torn: %v", keys(prev))
		}
		if s.Version.LayoutVersion != LayoutVersion {
			t.Errorf("layout %d", s.Version.LayoutVersion)
		}
	})
}

// Finalizing with nothing to finalize is not an error (Hadoop logs that
// it is not required).
func TestFinalizeWithoutPreviousIsNotRequired(t *testing.T) {
	m := NewMemFS()
	if _, err := Format(m, NewDirs([]string{"/n1"}, nil), fixedFormat()); err != nil {
		t.Fatal(err)
	}
	s, err := Load(m, NewDirs([]string{"/n1"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lines []string
	if err := s.Finalize(func(l string) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	if want := "Finalize upgrade for /n1 is not required."; len(lines) != 2 || lines[1] != want {
		t.Errorf("logged %q", lines)
	}
}

// upgradeSameLayout upgrades a -67 directory (what Hadoop 3.4 allows
// and rolls back): the old current/ is returned by Rollback byte for byte.
func TestRollbackSurvivesCrashAtEveryOp(t *testing.T) {
	var old map[string]string
	crashEveryOp(t, func(m *MemFS) {
		oldNameDirs(t, m, "/n1")
		v, _ := ReadVersion(m, "/n1")
		v.LayoutVersion = LayoutVersion
		m.WriteFile("/n1/current/VERSION", v.Marshal(OrderJava9, fixedClock()))
		old = tree(t, m, "/n1/current")
		if err := upgradeAll(m, []string{"/n1"}); err != nil {
			t.Fatal(err)
		}
	}, func(m *MemFS) error {
		return Rollback(m, NewDirs([]string{"/n1"}, nil), nil)
	}, func(t *testing.T, m *MemFS, done bool) {
		s, err := Load(m, NewDirs([]string{"/n1"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		got := dirIs(t, m, "/n1", old)
		if (done && got != "old") || (got != "old" && got != "upgraded") {
			t.Errorf("after rollback (returned: %v): %s", done, got)
		}
	})
}

// Hadoop 3.4 rolls back only to its own layout; an older previous/ is
// for the older software to roll back to. Without previous/ anywhere
// there is nothing to roll back.
func TestRollbackRefusesLikeCanRollBack(t *testing.T) {
	m := NewMemFS()
	oldNameDirs(t, m, "/n1")
	err := Rollback(m, NewDirs([]string{"/n1"}, nil), nil)
	if !errors.Is(err, ErrInconsistent) || !strings.HasSuffix(err.Error(),
		"Cannot rollback. None of the storage directories contain previous fs state.") {
		t.Errorf("no previous: %v", err)
	}
	if err := upgradeAll(m, []string{"/n1"}); err != nil {
		t.Fatal(err)
	}
	before := tree(t, m, "/n1")
	err = Rollback(m, NewDirs([]string{"/n1"}, nil), nil)
	if !errors.Is(err, ErrIncorrectVersion) || !strings.HasSuffix(err.Error(),
		"Cannot rollback to storage version -66 using this version of the NameNode, which uses storage version -67. "+
			"Please use the previous version of HDFS to perform the rollback.") {
		t.Errorf("older previous: %v", err)
	}
	if after := tree(t, m, "/n1"); !maps.Equal(before, after) {
		t.Error("a refused rollback changed the directory")
	}
}

// Hard links keep the old segments' bytes shared between previous/ and
// current/; a crash keeps what was synced of both names.
func TestMemFSLinkSharesBytes(t *testing.T) {
	m := NewMemFS()
	m.WriteFile("/d/a", []byte("abc"))
	if err := m.Link("/d/a", "/d/b"); err != nil {
		t.Fatal(err)
	}
	if err := m.Link("/d/a", "/d/b"); err == nil {
		t.Error("link over an existing name")
	}
	if b, _ := m.ReadFile("/d/b"); !bytes.Equal(b, []byte("abc")) {
		t.Errorf("%q", b)
	}
	m.Crash()
	if _, err := m.ReadFile("/d/b"); err == nil {
		t.Error("unsynced link survived a crash")
	}
}

package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Storage.StorageDirectory.analyzeStorage for a regular start: the state
// follows from which of current/VERSION, previous, previous.tmp,
// removed.tmp, finalized.tmp and lastcheckpoint.tmp exist, and impossible
// combinations are InconsistentFSStateException with Hadoop's text.
func TestAnalyzeStatesLikeAnalyzeStorage(t *testing.T) {
	for _, c := range []struct {
		name  string
		files []string
		want  State
		err   string
	}{
		{"missing root", nil, NonExistent, ""},
		{"empty root", []string{"."}, NotFormatted, ""},
		{"current without VERSION", []string{"current/x"}, NotFormatted, ""},
		{"formatted", []string{"current/VERSION"}, Normal, ""},
		{"formatted, upgrade not finalized", []string{"current/VERSION", "previous/VERSION"}, Normal, ""},
		{"previous without current", []string{"previous/VERSION"}, NonExistent,
			"version file in current directory is missing."},
		{"two tmp dirs", []string{"current/VERSION", "previous.tmp/x", "removed.tmp/x"}, NonExistent,
			"too many temporary directories."},
		{"checkpoint done", []string{"current/VERSION", "lastcheckpoint.tmp/x"}, CompleteCheckpoint, ""},
		{"checkpoint interrupted", []string{"lastcheckpoint.tmp/x"}, RecoverCheckpoint, ""},
		{"finalize interrupted", []string{"current/VERSION", "finalized.tmp/x"}, CompleteFinalize, ""},
		{"finalize with previous", []string{"current/VERSION", "previous/x", "finalized.tmp/x"}, NonExistent,
			"previous and finalized.tmpcannot exist together."},
		{"upgrade done", []string{"current/VERSION", "previous.tmp/x"}, CompleteUpgrade, ""},
		{"upgrade interrupted", []string{"previous.tmp/x"}, RecoverUpgrade, ""},
		{"upgrade with previous", []string{"previous/x", "previous.tmp/x"}, NonExistent,
			"previous and previous.tmp cannot exist together."},
		{"rollback done", []string{"current/VERSION", "removed.tmp/x"}, CompleteRollback, ""},
		{"rollback interrupted", []string{"previous/x", "removed.tmp/x"}, RecoverRollback, ""},
		{"rollback with both", []string{"current/VERSION", "previous/x", "removed.tmp/x"}, NonExistent,
			"one and only one directory current or previous must be present when removed.tmp exists."},
		{"rollback with neither", []string{"removed.tmp/x"}, NonExistent,
			"one and only one directory current or previous must be present when removed.tmp exists."},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := NewMemFS()
			for _, f := range c.files {
				if f == "." {
					mkdir(t, m, "/nn")
				} else {
					m.WriteFile("/nn/"+f, nil)
				}
			}
			st, err := Analyze(m, "/nn")
			if st != c.want {
				t.Errorf("state %v, want %v", st, c.want)
			}
			switch {
			case c.err == "" && err != nil:
				t.Errorf("err %v", err)
			case c.err != "" && !errors.Is(err, ErrInconsistent):
				t.Errorf("err %v, want ErrInconsistent", err)
			case c.err != "" && !strings.HasSuffix(err.Error(), "Directory /nn is in an inconsistent state: "+c.err):
				t.Errorf("err %q\nwant ...%q", err, c.err)
			}
		})
	}
}

// A file where the directory should be is NON_EXISTENT.
func TestAnalyzeFileAsRootIsNonExistent(t *testing.T) {
	m := NewMemFS()
	m.WriteFile("/nn", []byte("x"))
	if st, err := Analyze(m, "/nn"); st != NonExistent || err != nil {
		t.Errorf("%v %v", st, err)
	}
}

// checkOldLayoutStorage: image/fsimage holding a layout of -3 or newer is
// a pre-0.13 directory and refused; later releases left one with an old
// LV as a warning to old software, which is fine.
func TestAnalyzeRefusesPreUpgradeLayout(t *testing.T) {
	for _, c := range []struct {
		lv  int32
		bad bool
	}{{-3, true}, {-1, true}, {-4, false}, {-41, false}} {
		m := NewMemFS()
		m.WriteFile("/nn/image/fsimage", binary.BigEndian.AppendUint32(nil, uint32(c.lv)))
		m.WriteFile("/nn/current/VERSION", nil)
		_, err := Analyze(m, "/nn")
		if c.bad != errors.Is(err, ErrUnsupportedLayout) {
			t.Errorf("image/fsimage LV %d: %v", c.lv, err)
		}
	}
}

// Load recovers a directory left mid-transition (here a checkpoint) and
// refuses when that fails, releasing its lock; it refuses a configured
// directory that does not exist.
func TestLoadRecoversOrRefusesLikeRecoverStorageDirs(t *testing.T) {
	m := NewMemFS()
	if _, err := Format(m, NewDirs([]string{"/a"}, nil), fixedFormat()); err != nil {
		t.Fatal(err)
	}
	m.WriteFile("/a/lastcheckpoint.tmp/VERSION", nil)
	m.Inject(FailOn(OpRename, "/a/lastcheckpoint.tmp", fmt.Errorf("%w: EIO", ErrInjected)))
	_, err := Load(m, NewDirs([]string{"/a"}, nil))
	if !errors.Is(err, ErrNeedsRecovery) || !strings.Contains(err.Error(), "COMPLETE_CHECKPOINT") {
		t.Errorf("failed recovery: %v", err)
	}
	if _, err := m.Stat("/a/in_use.lock"); err == nil {
		t.Error("refused Load kept its lock")
	}
	m.Inject(nil)
	s, err := Load(m, NewDirs([]string{"/a"}, nil))
	if err != nil || s.States[0].State != CompleteCheckpoint {
		t.Fatalf("recovered load: %v", err)
	}
	s.Close()
	if _, err := m.Stat("/a/previous.checkpoint/VERSION"); err != nil {
		t.Errorf("checkpoint not completed: %v", err)
	}
	_, err = Load(m, NewDirs([]string{"/missing"}, nil))
	if !errors.Is(err, ErrInconsistent) ||
		!strings.Contains(err.Error(), "storage directory does not exist or is not accessible.") {
		t.Errorf("missing dir: %v", err)
	}
	mkdir(t, m, "/empty")
	if _, err := Load(m, NewDirs([]string{"/empty"}, nil)); !errors.Is(err, ErrNotFormatted) {
		t.Errorf("only unformatted dirs: %v, want ErrNotFormatted", err)
	}
}

// Directories of two different namespaces are not loaded together.
func TestLoadRefusesDirectoriesThatDisagree(t *testing.T) {
	m := NewMemFS()
	for _, d := range []string{"/a", "/b"} {
		opt := fixedFormat()
		opt.ClusterID = "CID" + d
		if _, err := Format(m, NewDirs([]string{d}, nil), opt); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(m, NewDirs([]string{"/a", "/b"}, nil))
	if !errors.Is(err, ErrInconsistent) {
		t.Errorf("err %v, want ErrInconsistent", err)
	}
}

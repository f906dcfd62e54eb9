package storage

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

// FileJournalManager.recoverUnfinalizedSegments on in-progress segments a
// crash can leave, read by the edit-log scanner: an empty file is
// deleted, a header without transactions is set aside as .empty, a
// corrupt header as .corrupt (and the directory fails), a segment with
// transactions is finalized at its last whole one; the open segment is
// left alone.
func TestRecoverUnfinalizedSegmentsLikeFileJournalManager(t *testing.T) {
	real := mustRead(t, filepath.Join(extract(t, "hadoop-3.3.2", "nn-namedir.tgz"),
		"nn", "current", EditsName(432, 450)))
	headerOnly := append([]byte{0xff, 0xff, 0xff, 0xbd, 0, 0, 0, 0}, slices.Repeat([]byte{0xff}, 1024)...)
	torn := real[:len(real)-5] // the last record cut short
	for _, c := range []struct {
		name    string
		data    []byte
		current int64
		want    []string // files in current/ afterwards
		failed  error
	}{
		{"zero length", nil, InvalidTxID, nil, nil},
		{"header only", headerOnly, InvalidTxID, []string{InProgressName(432) + ".empty"}, nil},
		{"preallocated, header never written", slices.Repeat([]byte{0xff}, 1024), InvalidTxID,
			[]string{InProgressName(432) + ".empty"}, nil},
		{"corrupt header", []byte("not an edit log"), InvalidTxID,
			[]string{InProgressName(432) + ".corrupt"}, ErrCorruptSegment},
		{"whole segment", real, InvalidTxID, []string{EditsName(432, 450)}, nil},
		{"torn last record", torn, InvalidTxID, []string{EditsName(432, 449)}, nil},
		{"the open segment", real, 432, []string{InProgressName(432)}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := NewMemFS()
			m.WriteFile("/e/current/VERSION", nil)
			m.WriteFile("/e/current/"+InProgressName(432), c.data)
			s := &Storage{FS: m, Dirs: NewDirs(nil, []string{"/e", "/e2"})}
			mkdir(t, m, "/e2/current")
			err := s.Recover(editlogScanner(m), c.current)
			if err != nil {
				t.Fatal(err)
			}
			names, _ := m.ReadDir("/e/current")
			names = slices.DeleteFunc(names, func(n string) bool { return n == FileVersion })
			if !slices.Equal(names, c.want) {
				t.Errorf("current/ holds %v, want %v", names, c.want)
			}
			f := s.Dirs.Failures()
			switch {
			case c.failed == nil && len(f) != 0:
				t.Errorf("failures %v", f)
			case c.failed != nil && (len(f) != 1 || !errors.Is(f[0].Err, c.failed)):
				t.Errorf("failures %v, want /e failed with %v", f, c.failed)
			}
		})
	}
}

// finalizeLogSegment refuses to finalize over an existing segment of that
// name; the directory leaves service.
func TestRecoverRefusesToFinalizeOverExistingSegment(t *testing.T) {
	l := scanned(listing("/e", RoleEdits, 0, InProgressName(10), EditsName(10, 20)), InProgressName(10), 20)
	acts, failed := PlanRecovery([]Listing{l}, InvalidTxID)
	if len(acts) != 0 || len(failed) != 1 || !errors.Is(failed[0].Err, ErrInconsistent) {
		t.Errorf("acts %v failed %v", acts, failed)
	}
}

// Only edits directories are recovered; an image-only directory's stray
// in-progress file is not the journal's.
func TestRecoverLeavesImageDirectoriesAlone(t *testing.T) {
	l := scanned(listing("/i", RoleImage, 0, InProgressName(10)), InProgressName(10), 20)
	if acts, failed := PlanRecovery([]Listing{l}, InvalidTxID); len(acts)+len(failed) != 0 {
		t.Errorf("acts %v failed %v", acts, failed)
	}
}

// When the last edits directory fails recovery the NameNode cannot go on.
func TestRecoverFailsWhenNoEditsDirectoryIsLeft(t *testing.T) {
	m := NewMemFS()
	m.WriteFile("/e/current/"+InProgressName(7), []byte("garbage"))
	s := &Storage{FS: m, Dirs: NewDirs(nil, []string{"/e"})}
	if err := s.Recover(editlogScanner(m), InvalidTxID); !errors.Is(err, ErrNoDirsLeft) ||
		!errors.Is(err, ErrCorruptSegment) {
		t.Errorf("err %v, want ErrNoDirsLeft wrapping ErrCorruptSegment", err)
	}
}

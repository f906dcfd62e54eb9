package journal

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// A directory whose fsync fails is taken out of service and the journal
// goes on with the others (JournalSet disables a failed journal); when
// the last one fails, Sync fails, and so does everything after (Hadoop
// terminates the NameNode).
func TestFailingDirectoryIsDroppedUntilNoneIsLeft(t *testing.T) {
	fsys, dirs := memDirs(t, 3)
	j := open(t, fsys, dirs, 1, Options{})
	appendSync(t, j, setOwner("/a"))

	fsys.Inject(storage.FailOn(storage.OpSync, "/nn2", storage.ErrInjected))
	txid := appendSync(t, j, setOwner("/b"))
	if got := rootsOf(storage.NewDirs(nil, dirRoots(j.Dirs()))); fmt.Sprint(got) != "[/nn1 /nn3]" {
		t.Errorf("writing to %v, want /nn1 and /nn3", got)
	}
	if f := dirs.Failures(); len(f) != 1 || f[0].Dir.Root != "/nn2" || !errors.Is(f[0].Err, storage.ErrInjected) {
		t.Errorf("failures %+v", f)
	}
	fsys.Inject(nil)
	appendSync(t, j, setOwner("/c"))
	if ops := readOps(t, fsys, "/nn2/current/"+storage.InProgressName(1), true); len(ops) != 3 || ops[2].Path != "/b" {
		t.Errorf("the failed directory holds %d ops, want none after the failed /b", len(ops))
	}

	fsys.Inject(func(op storage.Op, path string) error {
		if op == storage.OpWrite {
			return storage.ErrInjected
		}
		return nil
	})
	last, err := j.Append(setOwner("/d"))
	if err != nil {
		t.Fatal(err)
	}
	err = j.Sync(ctx, last)
	if !errors.Is(err, storage.ErrNoDirsLeft) || !errors.Is(err, ErrFailed) || !errors.Is(err, storage.ErrInjected) {
		t.Fatalf("sync with every directory failing: %v", err)
	}
	t.Log(err)
	if j.LastSyncedTxID() != txid+1 {
		t.Errorf("synced %d, want %d", j.LastSyncedTxID(), txid+1)
	}
	if _, err := j.Append(setOwner("/e")); !errors.Is(err, ErrFailed) {
		t.Errorf("append after failure: %v", err)
	}
	if err := j.Sync(ctx, txid); err != nil {
		t.Errorf("a txid synced before the failure: %v", err)
	}
	if _, err := j.Roll(); !errors.Is(err, ErrFailed) {
		t.Errorf("roll after failure: %v", err)
	}
	if j.Stats().FailedDirs != 3 {
		t.Errorf("stats %+v", j.Stats())
	}
}

func dirRoots(ds []storage.Dir) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Root)
	}
	return out
}

// Failures while rolling: a directory that cannot finalize or cannot
// start the next segment leaves; the roll succeeds in the others.
func TestRollGoesOnWithoutAFailingDirectory(t *testing.T) {
	for _, fault := range []struct {
		op   storage.Op
		what string
	}{{storage.OpRename, "finalize"}, {storage.OpCreate, "create the next segment"}} {
		fsys, dirs := memDirs(t, 2)
		j := open(t, fsys, dirs, 1, Options{})
		appendSync(t, j, setOwner("/a"))
		fsys.Inject(storage.FailOn(fault.op, "/nn1", storage.ErrInjected))
		next, err := j.Roll()
		if err != nil || next != 4 {
			t.Fatalf("%s fails in /nn1: roll %d %v", fault.what, next, err)
		}
		if got := dirRoots(j.Dirs()); fmt.Sprint(got) != "[/nn2]" {
			t.Errorf("%s fails in /nn1: writing to %v", fault.what, got)
		}
		fsys.Inject(nil)
		appendSync(t, j, setOwner("/b"))
		if err := j.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestOpenFailsWithoutAWritableDirectory(t *testing.T) {
	fsys, dirs := memDirs(t, 2)
	fsys.Inject(func(op storage.Op, _ string) error {
		if op == storage.OpCreate {
			return storage.ErrInjected
		}
		return nil
	})
	if _, err := Open(fsys, dirs, 1, Options{}); !errors.Is(err, storage.ErrNoDirsLeft) {
		t.Errorf("open: %v", err)
	}
	fsys, _ = memDirs(t, 1)
	if _, err := Open(fsys, storage.NewDirs([]string{"/nn1"}, nil), 1, Options{}); !errors.Is(err, storage.ErrNoDirsLeft) {
		t.Errorf("open with no edits directory: %v", err)
	}
}

// A directory another part of the NameNode took out of service (a failed
// image save) is no longer written.
func TestDirectoryFailedElsewhereIsNoLongerWritten(t *testing.T) {
	fsys, dirs := memDirs(t, 2)
	j := open(t, fsys, dirs, 1, Options{})
	dirs.Failed(dirs.Healthy()[0], errors.New("image save failed"))
	appendSync(t, j, setOwner("/a"))
	if got := dirRoots(j.Dirs()); fmt.Sprint(got) != "[/nn2]" {
		t.Errorf("writing to %v", got)
	}
}

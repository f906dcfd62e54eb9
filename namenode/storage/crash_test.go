package storage

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"testing"
)

// crashEveryOp runs op on a fresh file system from setup, crashing after
// n mutating operations for every n until op completes, and checks what
// survives each crash. check gets whether op had returned without error
// before the crash.
func crashEveryOp(t *testing.T, setup func(*MemFS), op func(*MemFS) error, check func(t *testing.T, m *MemFS, done bool)) {
	t.Helper()
	for n := 0; ; n++ {
		m := NewMemFS()
		setup(m)
		m.CrashAfter(n)
		err := op(m)
		completed := m.Ops() // operations that ran before the crash point, if any
		m.Crash()
		t.Run(fmt.Sprint("crash after ", n, " ops"), func(t *testing.T) { check(t, m, err == nil) })
		if err == nil {
			return
		}
		if !errors.Is(err, ErrInjected) {
			t.Fatalf("after %d ops: %v", completed, err)
		}
		if n > 1000 {
			t.Fatal("op never completes")
		}
	}
}

// AtomicFileOutputStream's promise, kept through a crash at every point:
// the old content or the new, never a torn or missing file; the new one
// once the write returned.
func TestWriteFileAtomicSurvivesCrashAtEveryOp(t *testing.T) {
	for _, old := range [][]byte{nil, []byte("old content\n")} {
		t.Run(fmt.Sprintf("old=%q", old), func(t *testing.T) {
			crashEveryOp(t, func(m *MemFS) {
				mkdir(t, m, "/d")
				if old != nil {
					m.WriteFile("/d/f", old)
				}
			}, func(m *MemFS) error {
				return WriteFileAtomic(m, "/d/f", []byte("new content, longer\n"))
			}, func(t *testing.T, m *MemFS, done bool) {
				got, err := m.ReadFile("/d/f")
				switch {
				case done && string(got) != "new content, longer\n":
					t.Errorf("after a completed write: %q %v", got, err)
				case errors.Is(err, fs.ErrNotExist) && old == nil:
				case err != nil:
					t.Errorf("file lost: %v", err)
				case !bytes.Equal(got, old) && string(got) != "new content, longer\n":
					t.Errorf("torn: %q", got)
				}
			})
		})
	}
}

// VERSION replaced atomically (where Hadoop rewrites it in place): after a
// crash it always parses, as the old version or the new.
func TestWriteVersionSurvivesCrashAtEveryOp(t *testing.T) {
	oldV, _ := NewVersion("CID-old", "127.0.0.1", fixedClock(), &counter{})
	newV := oldV
	newV.CTime++
	crashEveryOp(t, func(m *MemFS) {
		m.WriteFile("/nn/current/VERSION", oldV.Marshal(OrderJava9, fixedClock()))
	}, func(m *MemFS) error {
		return WriteVersion(m, "/nn", newV, OrderJava9, fixedClock())
	}, func(t *testing.T, m *MemFS, done bool) {
		v, err := ReadVersion(m, "/nn")
		switch {
		case err != nil:
			t.Errorf("VERSION unreadable: %v", err)
		case done && v != newV:
			t.Errorf("completed write lost: %+v", v)
		case v != oldV && v != newV:
			t.Errorf("neither version: %+v", v)
		}
	})
}

// A format stopped at any point leaves each directory unformatted or
// wholly formatted (VERSION last): a VERSION means seen_txid 0 and, in an
// image directory, fsimage_0 with a matching .md5. A completed format
// survives in the directories still in service. Reformatting over an old namespace leaves the old one whole,
// an unformatted directory, or the new one.
func TestFormatSurvivesCrashAtEveryOp(t *testing.T) {
	for _, reformat := range []bool{false, true} {
		t.Run(fmt.Sprint("reformat=", reformat), func(t *testing.T) {
			var oldV Version
			var dirs *Dirs
			names, edits := []string{"/n1", "/n2"}, []string{"/n2", "/e3"}
			crashEveryOp(t, func(m *MemFS) {
				if reformat {
					var err error
					if oldV, err = Format(m, NewDirs(names, edits), fixedFormat()); err != nil {
						t.Fatal(err)
					}
				}
			}, func(m *MemFS) error {
				opt := fixedFormat()
				opt.Force, opt.ClusterID = true, "CID-new"
				dirs = NewDirs(names, edits)
				_, err := Format(m, dirs, opt)
				return err
			}, func(t *testing.T, m *MemFS, done bool) {
				// A directory that failed is out of service even when
				// Format succeeded with the others.
				for _, d := range NewDirs(names, edits).Healthy() {
					checkFormatted(t, m, d, done && slices.Contains(dirs.Healthy(), d), oldV)
				}
			})
		})
	}
}

func checkFormatted(t *testing.T, m *MemFS, d Dir, done bool, oldV Version) {
	t.Helper()
	st, err := Analyze(m, d.Root)
	if err != nil {
		t.Fatalf("%s: %v", d.Root, err)
	}
	if st != Normal {
		if done {
			t.Errorf("%s: completed format lost (%v)", d.Root, st)
		}
		return
	}
	v, err := ReadVersion(m, d.Root)
	if err != nil {
		t.Fatalf("%s: %v", d.Root, err)
	}
	if v.ClusterID != "CID-new" && (done || v != oldV) {
		t.Errorf("%s: VERSION %+v", d.Root, v)
	}
	if seen, err := ReadSeenTxID(m, d.Root); seen != 0 || err != nil {
		t.Errorf("%s: seen_txid %d %v", d.Root, seen, err)
	}
	if !d.Holds(RoleImage) {
		return
	}
	img, err := m.ReadFile(d.File(ImageName(0)))
	if err != nil {
		t.Fatalf("%s: VERSION without an image: %v", d.Root, err)
	}
	digest, ok, err := ReadMD5(m, d, ImageName(0))
	if !ok || err != nil || digest != md5.Sum(img) {
		t.Errorf("%s: image digest %x (ok=%v, %v), image's %x", d.Root, digest, ok, err, md5.Sum(img))
	}
}

// SaveImage stopped at any point: fsimage_N never exists without a .md5
// that matches it.
func TestSaveImageSurvivesCrashAtEveryOp(t *testing.T) {
	d := Dir{Root: "/n", Role: RoleImageAndEdits}
	crashEveryOp(t, func(m *MemFS) { mkdir(t, m, d.Current()) }, func(m *MemFS) error {
		return SaveImage(m, NewDirs([]string{"/n"}, nil), 42, saveEmpty)
	}, func(t *testing.T, m *MemFS, done bool) {
		img, err := m.ReadFile(d.File(ImageName(42)))
		if err != nil {
			if done {
				t.Errorf("completed save lost: %v", err)
			}
			return
		}
		digest, ok, err := ReadMD5(m, d, ImageName(42))
		if !ok || err != nil || digest != md5.Sum(img) || !bytes.Equal(img, emptyImage) {
			t.Errorf("image %q with digest %x (ok=%v, %v)", img, digest, ok, err)
		}
	})
}

package disk

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

var (
	si0 = core.StorageInfo{LayoutVersion: -66, NamespaceID: 7, ClusterID: "CID-up"}
	si1 = core.StorageInfo{LayoutVersion: -67, NamespaceID: 7, ClusterID: "CID-up", CTime: 1700000000000}
)

func fixedNow() time.Time { return time.Unix(1700000000, 0) }

func applyAll(t *testing.T, d *Dir, acts ...core.Action) {
	t.Helper()
	if err := d.Apply(context.Background(), acts); err != nil {
		t.Fatal(err)
	}
}

// A crash at any file operation of an upgrade, a finalize or a rollback
// (everything not synced lost) leaves a directory the next Load takes to
// the state before or after the call, with no temporary directory left
// and the promised epoch kept.
func TestTransitionsSurviveAFailureAtEveryStep(t *testing.T) {
	const root = "/jn/ns1"
	upgrade := []core.Action{{Op: core.PreUpgradeDir}, {Op: core.UpgradeDir, Storage: si1}}
	for _, tc := range []struct {
		name          string
		upgraded      bool // start from an upgraded directory
		acts          []core.Action
		before, after int64 // cTime before and after the call
	}{
		{"upgrade", false, upgrade, si0.CTime, si1.CTime},
		{"finalize", true, []core.Action{{Op: core.FinalizeDir}}, si1.CTime, si1.CTime},
		{"rollback", true, []core.Action{{Op: core.RollbackDir}}, si1.CTime, si0.CTime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k := 0; ; k++ {
				fsys := storage.NewMemFS()
				d, err := Open(fsys, root, nil, fixedNow)
				if err != nil {
					t.Fatal(err)
				}
				applyAll(t, d, core.Action{Op: core.FormatDir, Storage: si0}, core.Action{Op: core.PersistPromised, Value: 3},
					core.Action{Op: core.CreateSegment, Start: 1, LayoutVersion: -66}, core.Action{Op: core.CloseSegment, Start: 1, End: 0})
				if tc.upgraded {
					applyAll(t, d, upgrade...)
				}
				fsys.CrashAfter(k)
				aerr := d.Apply(context.Background(), tc.acts)
				fsys.Crash() // what was not synced is lost
				d.Close()
				if aerr != nil && !errors.Is(aerr, storage.ErrInjected) {
					t.Fatalf("crash after %d: %v", k, aerr)
				}
				d, err = Open(fsys, root, nil, fixedNow)
				if err != nil {
					t.Fatal(err)
				}
				s, lerr := d.Load()
				d.Close()
				if lerr != nil {
					t.Fatalf("crash after %d: load: %v", k, lerr)
				}
				if s.Storage.CTime != tc.before && s.Storage.CTime != tc.after {
					t.Fatalf("crash after %d: cTime %d", k, s.Storage.CTime)
				}
				if aerr == nil && s.Storage.CTime != tc.after {
					t.Fatalf("no crash (k=%d): cTime %d, want %d", k, s.Storage.CTime, tc.after)
				}
				if s.LastPromised != 3 {
					t.Fatalf("crash after %d: promised epoch %d", k, s.LastPromised)
				}
				for _, tmp := range []string{storage.DirPreviousTmp, storage.DirRemovedTmp, storage.DirFinalizedTmp} {
					if _, err := fsys.Stat(filepath.Join(root, tmp)); err == nil {
						t.Fatalf("crash after %d: %s left", k, tmp)
					}
				}
				// Upgraded (the new cTime) exactly when previous/ is there,
				// but after a finalize.
				if _, perr := fsys.Stat(filepath.Join(root, storage.DirPrevious)); tc.name != "finalize" &&
					(perr == nil) != (s.Storage.CTime == si1.CTime) {
					t.Fatalf("crash after %d: previous/ exists %v with cTime %d", k, perr == nil, s.Storage.CTime)
				}
				if aerr == nil {
					t.Logf("%d crash points", k)
					return
				}
			}
		})
	}
}

package journalnode

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// TestFullDiskHookFailsAllocationsWhileTheFileExists: while the
// HDFSD_JN_FAULT_ENOSPC_FILE flag file exists, the journal goes on inside
// the space it holds (the segment's padding, committed-txid in place), but
// the segment a writer starts next fails with an IOException; once the
// file is gone the one after is taken.
func TestFullDiskHookFailsAllocationsWhileTheFileExists(t *testing.T) {
	ctx := context.Background()
	flag := filepath.Join(t.TempDir(), "full")
	n := newTestNode(fullDiskFS(storage.NewMemFS(), flag), 8480)
	must(t, n.Format(ctx, "ns1", "", testNS, false))
	_, _, err := n.NewEpoch(ctx, "ns1", "", testNS, 1)
	must(t, err)
	must(t, n.StartLogSegment(ctx, req(1, 1, 0), 1, -66))
	must(t, n.Journal(ctx, req(1, 2, 0), 1, 1, 1, op(1)))
	must(t, n.Journal(ctx, req(1, 3, 1), 1, 2, 1, op(2)))

	must(t, os.WriteFile(flag, nil, 0o644))
	must(t, n.Journal(ctx, req(1, 4, 2), 1, 3, 1, op(3)))
	must(t, n.FinalizeLogSegment(ctx, req(1, 5, 3), 1, 3))
	err = n.StartLogSegment(ctx, req(1, 6, 3), 4, -66)
	if !errors.Is(err, syscall.ENOSPC) || hadooprpc.ClassOf(err) != hadooprpc.ClassIOException {
		t.Fatalf("start segment on a full disk: %v", err)
	}

	must(t, os.Remove(flag))
	must(t, n.StartLogSegment(ctx, req(1, 7, 3), 5, -66))
	must(t, n.Journal(ctx, req(1, 8, 3), 5, 5, 1, op(5)))
	m, err := n.Manifest(ctx, "ns1", "", 1, true)
	must(t, err)
	if len(m.Logs) != 2 || m.Logs[0].Start != 1 || m.Logs[0].End != 3 || m.Logs[0].InProgress ||
		m.Logs[1].Start != 5 || !m.Logs[1].InProgress {
		t.Fatalf("manifest %v", m.Logs)
	}
}

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

// TestFullDiskHookFailsAllocationsWhileTheFileExists: the
// HDFSD_JN_FAULT_ENOSPC_FILE file system fails the segment a writer starts
// while the flag file exists, with an IOException, and takes the next one
// once it is gone;
func TestFullDiskHookFailsAllocationsWhileTheFileExists(t *testing.T) {
	ctx := context.Background()
	flag := filepath.Join(t.TempDir(), "full")
	n := newTestNode(fullDiskFS(storage.NewMemFS(), flag), 8480)
	must(t, n.Format(ctx, "ns1", "", testNS, false))
	_, _, err := n.NewEpoch(ctx, "ns1", "", testNS, 1)
	must(t, err)
	must(t, n.StartLogSegment(ctx, req(1, 1, 0), 1, -66))
	must(t, n.Journal(ctx, req(1, 2, 0), 1, 1, 1, op(1)))

	must(t, os.WriteFile(flag, nil, 0o644))
	// A new committed txid is a new committed-txid file: no space for it.
	err = n.Journal(ctx, req(1, 3, 1), 1, 2, 1, op(2))
	if !errors.Is(err, syscall.ENOSPC) || hadooprpc.ClassOf(err) != hadooprpc.ClassIOException {
		t.Fatalf("journal on a full disk: %v", err)
	}
	err = n.StartLogSegment(ctx, req(1, 4, 2), 3, -66)
	if !errors.Is(err, syscall.ENOSPC) || hadooprpc.ClassOf(err) != hadooprpc.ClassIOException {
		t.Fatalf("start segment on a full disk: %v", err)
	}

	// Space returns; the writer, which finalized 1-2 on the others, goes on
	// with segment 3.
	must(t, os.Remove(flag))
	must(t, n.StartLogSegment(ctx, req(1, 5, 2), 3, -66))
	must(t, n.Journal(ctx, req(1, 6, 2), 3, 3, 1, op(3)))
	m, err := n.Manifest(ctx, "ns1", "", 3, true)
	must(t, err)
	for _, l := range m.Logs {
		if l.Start == 3 && l.InProgress {
			return
		}
	}
	t.Fatalf("segment 3 is not in the manifest: %v", m.Logs)
}

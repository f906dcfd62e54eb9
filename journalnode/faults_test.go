package journalnode

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"syscall"
	"testing"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

var testNS = core.StorageInfo{LayoutVersion: -66, NamespaceID: 7, ClusterID: "CID-t", CTime: 1}

func req(epoch, serial, committed int64) jnrpc.Req {
	return jnrpc.Req{JournalID: "ns1", RequestInfo: core.RequestInfo{Epoch: epoch, IPCSerial: serial,
		CommittedTxID: committed, HasCommitted: committed > 0}}
}

// op is one edit record (OP_START_LOG_SEGMENT-like, body-less) for txid.
func op(txid int64) []byte {
	b := []byte{0x18, 0, 0, 0, 12}
	for i := 7; i >= 0; i-- {
		b = append(b, byte(txid>>(8*i)))
	}
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestFullDiskFailsTheCallNotTheDaemon: ENOSPC on a write makes that call
// fail with an IOException and drops the open segment; when space
// returns, the writer's next segment is accepted.
func TestFullDiskFailsTheCallNotTheDaemon(t *testing.T) {
	ctx := context.Background()
	fsys := storage.NewMemFS()
	n := newTestNode(fsys, 8480)
	must(t, n.Format(ctx, "ns1", "", testNS, false))
	_, _, err := n.NewEpoch(ctx, "ns1", "", testNS, 1)
	must(t, err)
	must(t, n.StartLogSegment(ctx, req(1, 1, 0), 1, -66))
	must(t, n.Journal(ctx, req(1, 2, 0), 1, 1, 1, op(1)))
	fsys.Inject(storage.FailOn(storage.OpSync, "/jn/ns1/current/edits_inprogress_0000000000000000001", syscall.ENOSPC))
	err = n.Journal(ctx, req(1, 3, 1), 1, 2, 1, op(2))
	if !errors.Is(err, syscall.ENOSPC) || hadooprpc.ClassOf(err) != hadooprpc.ClassIOException {
		t.Fatalf("journal on a full disk: %v", err)
	}
	err = n.Journal(ctx, req(1, 4, 1), 1, 3, 1, op(3))
	if re, ok := remoteOf(err); !ok || re.Class != hadooprpc.ClassJournalOutOfSync || !strings.Contains(re.Message, "no segment open") {
		t.Fatalf("journal after the failure: %v", err)
	}
	fsys.Inject(nil)
	// The write reached the page cache though its fsync failed; the
	// writer's recovery decides 1-2 and rolls.
	must(t, n.FinalizeLogSegment(ctx, req(1, 5, 1), 1, 2))
	must(t, n.StartLogSegment(ctx, req(1, 6, 1), 3, -66))
	must(t, n.Journal(ctx, req(1, 7, 1), 3, 3, 1, op(3)))
	m, err := n.Manifest(ctx, "ns1", "", 0, true)
	must(t, err)
	if len(m.Logs) != 2 || m.Logs[0] != (core.Segment{Start: 1, End: 2}) || m.Logs[1] != (core.Segment{Start: 3, End: 3, InProgress: true}) {
		t.Fatalf("manifest %v", m.Logs)
	}
}

func remoteOf(err error) (*hadooprpc.RemoteError, bool) {
	var ce *core.Error
	if !errors.As(err, &ce) {
		return nil, false
	}
	re, ok := jnrpcRemote(err).(*hadooprpc.RemoteError)
	return re, ok
}

// TestCrashKeepsWhatWasAcknowledged: at every crash point of a short
// writer session, whatever was acknowledged before the crash is still
// there after a restart (promise, writer epoch, journaled txids).
func TestCrashKeepsWhatWasAcknowledged(t *testing.T) {
	ctx := context.Background()
	for point := 0; ; point++ {
		fsys := storage.NewMemFS()
		n := newTestNode(fsys, 8480)
		must(t, n.Format(ctx, "ns1", "", testNS, false))
		fsys.CrashAfter(point)
		acked := struct {
			epoch, last int64
		}{}
		steps := []func() error{
			func() error { _, _, err := n.NewEpoch(ctx, "ns1", "", testNS, 1); return err },
			func() error { return n.StartLogSegment(ctx, req(1, 1, 0), 1, -66) },
			func() error { return n.Journal(ctx, req(1, 2, 0), 1, 1, 1, op(1)) },
			func() error { return n.Journal(ctx, req(1, 3, 1), 1, 2, 2, append(op(2), op(3)...)) },
			func() error { return n.FinalizeLogSegment(ctx, req(1, 4, 3), 1, 3) },
		}
		done := 0
		for i, s := range steps {
			if s() != nil {
				break
			}
			done = i + 1
			switch i {
			case 0:
				acked.epoch = 1
			case 2:
				acked.last = 1
			case 3, 4:
				acked.last = 3
			}
		}
		n.close()
		fsys.Crash()
		n2 := newTestNode(fsys, 8480)
		e, err := n2.LastPromised(ctx, "ns1", "")
		must(t, err)
		if e < acked.epoch {
			t.Fatalf("crash point %d: promised epoch %d lost (had %d)", point, e, acked.epoch)
		}
		var highest int64
		j, _ := n2.journal("ns1", "")
		j.read(func(c *core.Journal) error { highest = c.HighestWritten(); return nil })
		if highest < acked.last {
			t.Fatalf("crash point %d: highest txid %d, acknowledged %d", point, highest, acked.last)
		}
		n2.close()
		if done == len(steps) {
			return
		}
	}
}

package journalnode

import (
	"context"
	"testing"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// TestSeveralJournals: each journal id has its own directory and state.
func TestSeveralJournals(t *testing.T) {
	ctx := context.Background()
	fsys := storage.NewMemFS()
	n := newTestNode(fsys, 8480)
	defer n.close()
	for _, jid := range []string{"ns1", "ns2"} {
		must(t, n.Format(ctx, jid, "", testNS, false))
	}
	_, _, err := n.NewEpoch(ctx, "ns2", "", testNS, 5)
	must(t, err)
	for jid, want := range map[string]int64{"ns1": 0, "ns2": 5} {
		e, err := n.LastPromised(ctx, jid, "")
		if err != nil || e != want {
			t.Fatalf("%s: epoch %d %v, want %d", jid, e, err, want)
		}
		if _, err := fsys.Stat("/jn/" + jid + "/current/VERSION"); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := n.IsFormatted(ctx, "ns3", ""); ok || err != nil {
		t.Fatalf("ns3 formatted %v %v", ok, err)
	}
}

// TestJavaExceptions: the classes and messages the NameNode sees.
func TestJavaExceptions(t *testing.T) {
	ctx := context.Background()
	n := newTestNode(storage.NewMemFS(), 8480)
	defer n.close()
	check := func(err error, class, msg string) {
		t.Helper()
		re, ok := jnrpcRemote(err).(*hadooprpc.RemoteError)
		if !ok || re.Class != class || re.Message != msg {
			t.Fatalf("got %v, want %s: %s", err, class, msg)
		}
	}
	_, err := n.LastPromised(ctx, "ns1", "")
	check(err, hadooprpc.ClassJournalNotFormatted, "Journal Storage Directory root= /jn/ns1; location= null not formatted ; journal id: ns1")
	_, err = n.IsFormatted(ctx, "../x", "")
	check(err, hadooprpc.ClassIllegalArgument, "bad journal id: ../x")
	must(t, n.Format(ctx, "ns1", "", testNS, false))
	check(n.Format(ctx, "ns1", "", testNS, false), hadooprpc.ClassInconsistentFSState,
		"Directory /jn/ns1 is in an inconsistent state: Can't format the storage directory because the current directory is not empty.")
	must(t, n.Format(ctx, "ns1", "", testNS, true))
	_, _, err = n.NewEpoch(ctx, "ns1", "", testNS, 2)
	must(t, err)
	check(n.Heartbeat(ctx, req(1, 0, 0)), hadooprpc.ClassIOException, "IPC's epoch 1 is less than the last promised epoch 2 ; journal id: ns1")
	check(n.Journal(ctx, req(2, 1, 0), 1, 1, 1, op(1)), hadooprpc.ClassIOException, "IPC's epoch 2 is not the current writer epoch  0 ; journal id: ns1")
	must(t, n.StartLogSegment(ctx, req(2, 2, 0), 1, -66))
	check(n.Journal(ctx, req(2, 3, 0), 1, 2, 1, op(2)), hadooprpc.ClassJournalOutOfSync, "Can't write txid 2 expecting nextTxId=1 ; journal id: ns1")
	must(t, n.Journal(ctx, req(2, 4, 0), 1, 1, 1, op(1)))
	check(n.Heartbeat(ctx, req(2, 4, 0)), hadooprpc.ClassJournalOutOfSync, "IPC serial 4 from client  was not higher than prior highest IPC serial 4 ; journal id: ns1")
}

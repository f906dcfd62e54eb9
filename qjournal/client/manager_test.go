package client

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/qjournal/core"
	"github.com/hdfsd/hdfsd/qjournal/internal/memjn"
)

var testNS = NamespaceInfo{LayoutVersion: -66, NamespaceID: 552735754, ClusterID: "CID-test",
	CTime: 1795431319195, BlockPoolID: "BP-1-127.0.0.1-1", BuildVersion: "hdfsd", SoftwareVersion: "3.4.1", Capabilities: 1}

// record is a stand-in encoded transaction of fixed size: opcode, length,
// txid, 4 checksum bytes.
func record(txid uint64) []byte {
	b := []byte{0x03, 0, 0, 0, 12}
	b = binary.BigEndian.AppendUint64(b, txid)
	return append(b, 0xde, 0xad, 0xbe, 0xef)
}

func records(first uint64, n int) []byte {
	var out []byte
	for i := 0; i < n; i++ {
		out = append(out, record(first+uint64(i))...)
	}
	return out
}

func startJNs(t *testing.T, n int) []*memjn.Node {
	t.Helper()
	jns, err := memjn.Start(n, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { memjn.Close(jns) })
	return jns
}

func newTestManager(t *testing.T, jns []*memjn.Node, tmo Timeouts) *Manager {
	return newTestManagerWith(t, jns, tmo, testNS)
}

func newTestManagerWith(t *testing.T, jns []*memjn.Node, tmo Timeouts, ns NamespaceInfo) *Manager {
	t.Helper()
	rpc := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "hdfs", ConnectRetries: -1})
	t.Cleanup(func() { rpc.Close() })
	m := New(Config{Journals: memjn.Addrs(jns), JournalID: "ns1", NameServiceID: "ns1", Namespace: ns,
		Timeouts: tmo, RPC: rpc})
	t.Cleanup(func() { m.Close() })
	return m
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func formatAndRecover(t *testing.T, m *Manager) {
	t.Helper()
	if err := m.Format(ctx(t), false); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RecoverUnfinalizedSegments(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestFormatWriteFinalizeReadBack(t *testing.T) {
	jns := startJNs(t, 3)
	m := newTestManager(t, jns, Timeouts{})
	if has, err := m.HasSomeData(ctx(t)); err != nil || has {
		t.Fatalf("HasSomeData before format = %v, %v", has, err)
	}
	formatAndRecover(t, m)
	s, err := m.StartLogSegment(ctx(t), 1, -66)
	if err != nil {
		t.Fatal(err)
	}
	for txid := uint64(1); txid <= 5; txid++ {
		s.Write(txid, record(txid))
		if txid%2 == 1 {
			if err := s.Flush(ctx(t)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if c, ok := m.Committed(); !ok || c != 5 {
		t.Fatalf("committed = %d, %v; want 5", c, ok)
	}
	// Any quorum of answers includes a node holding everything acknowledged.
	n, recs, err := m.TailEdits(ctx(t), 2, false)
	if err != nil || n != 4 || !bytes.Equal(recs, records(2, 4)) {
		t.Fatalf("TailEdits(2) = %d, %x, %v", n, recs, err)
	}
	// Only durable: what a majority of the answering nodes hold, which is
	// everything once the slowest node caught up.
	eventually(t, "durable tail of 4 txns", func() bool {
		n, recs, err := m.TailEdits(ctx(t), 2, true)
		return err == nil && n == 4 && bytes.Equal(recs, records(2, 4))
	})
	if err := s.Finalize(ctx(t)); err != nil {
		t.Fatal(err)
	}
	segs, err := m.SelectSegments(ctx(t), 1, false, false)
	if err != nil || len(segs) != 1 || segs[0].Start != 1 || segs[0].End != 5 || segs[0].InProgress || len(segs[0].URLs) < 1 {
		t.Fatalf("SelectSegments = %+v, %v", segs, err)
	}
	b, err := m.ReadSegment(ctx(t), segs[0])
	if err != nil || !bytes.Equal(b[8:], records(1, 5)) {
		t.Fatalf("ReadSegment = %x, %v", b, err)
	}
	if has, err := m.HasSomeData(ctx(t)); err != nil || !has {
		t.Fatalf("HasSomeData after writing = %v, %v", has, err)
	}
	if err := m.PurgeLogsOlderThan(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
}

func TestOneJournalNodeDownWritesGoOn(t *testing.T) {
	jns := startJNs(t, 3)
	m := newTestManager(t, jns, Timeouts{})
	formatAndRecover(t, m)
	s, err := m.StartLogSegment(ctx(t), 1, -66)
	if err != nil {
		t.Fatal(err)
	}
	jns[2].SetDown(true)
	for txid := uint64(1); txid <= 3; txid++ {
		s.Write(txid, record(txid))
		if err := s.Flush(ctx(t)); err != nil {
			t.Fatalf("txid %d with one JN down: %v", txid, err)
		}
	}
	if err := s.Finalize(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestTwoJournalNodesDownWritesFailWithinTimeout(t *testing.T) {
	jns := startJNs(t, 3)
	m := newTestManager(t, jns, Timeouts{WriteTxns: 500 * time.Millisecond})
	formatAndRecover(t, m)
	s, err := m.StartLogSegment(ctx(t), 1, -66)
	if err != nil {
		t.Fatal(err)
	}
	// jn2 hangs, jn3 fails: no quorum, and the write may not wait forever.
	release := jns[1].Hold()
	defer release()
	jns[2].SetDown(true)
	s.Write(1, record(1))
	start := time.Now()
	err = s.Flush(ctx(t))
	if !IsFatal(err) {
		t.Fatalf("flush with two JNs out = %v, want a fatal error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("flush took %v", d)
	}
	if _, err := m.StartLogSegment(ctx(t), 2, -66); !IsFatal(err) {
		t.Fatalf("write after a fatal failure = %v", err)
	}
}

func count(ms []string, name string) int {
	n := 0
	for _, m := range ms {
		if m == name {
			n++
		}
	}
	return n
}

func TestOutOfSyncUntilNextSegment(t *testing.T) {
	jns := startJNs(t, 3)
	m := newTestManager(t, jns, Timeouts{})
	formatAndRecover(t, m)
	s, _ := m.StartLogSegment(ctx(t), 1, -66)
	jns[2].FailNext("journal", errors.New("disk hiccup"))
	for txid := uint64(1); txid <= 3; txid++ {
		s.Write(txid, record(txid))
		if err := s.Flush(ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
	// Wait until jn3's failure reached the writer: then later batches skip it.
	eventually(t, "jn3's failure reaches the writer", func() bool { return count(jns[2].Methods(), "journal") >= 1 })
	before := count(jns[2].Methods(), "journal")
	s.Write(4, record(4))
	if err := s.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Finalize(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := count(jns[2].Methods(), "journal"); got > before+1 {
		t.Errorf("jn3 got %d journal calls after missing a batch; want it skipped", got-before)
	}
	if count(jns[2].Methods(), "finalizeLogSegment") != 0 {
		t.Errorf("an out-of-sync JN was asked to finalize")
	}
	// While skipped, it gets heartbeats with the writer's epoch and the
	// committed txid (IPCLoggerChannel.heartbeatIfNecessary); the others
	// get edits and no heartbeat.
	eventually(t, "a heartbeat to the out-of-sync jn3", func() bool { return count(jns[2].Methods(), "heartbeat") >= 1 })
	if n := count(jns[0].Methods(), "heartbeat") + count(jns[1].Methods(), "heartbeat"); n != 0 {
		t.Errorf("JournalNodes in sync got %d heartbeats", n)
	}
	s2, err := m.StartLogSegment(ctx(t), 5, -66)
	if err != nil {
		t.Fatal(err)
	}
	s2.Write(5, record(5))
	if err := s2.Finalize(ctx(t)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "jn3 rejoins at the next segment", func() bool {
		ok := false
		jns[2].Model("ns1", func(m *core.Model) {
			seg := m.Segment(5)
			ok = seg != nil && !seg.InProgress && len(seg.Txns) == 1
		})
		return ok
	})
}

func TestNewerWriterFencesOldOne(t *testing.T) {
	jns := startJNs(t, 3)
	m1 := newTestManager(t, jns, Timeouts{})
	formatAndRecover(t, m1)
	s, _ := m1.StartLogSegment(ctx(t), 1, -66)
	s.Write(1, record(1))
	s.Write(2, record(2))
	if err := s.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	m2 := newTestManager(t, jns, Timeouts{})
	rec, err := m2.RecoverUnfinalizedSegments(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Recovered || rec.Segment != (core.Segment{Start: 1, End: 2, InProgress: true}) || rec.Epoch != 2 {
		t.Fatalf("recovery = %+v", rec)
	}
	s.Write(3, record(3))
	err = s.Flush(ctx(t))
	if !IsFatal(err) || !errors.Is(err, ErrFenced) {
		t.Fatalf("old writer's write = %v; want fatal and fenced", err)
	}
	s2, err := m2.StartLogSegment(ctx(t), 3, -66)
	if err != nil {
		t.Fatal(err)
	}
	s2.Write(3, record(3))
	if err := s2.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestQueuedEditsLimit(t *testing.T) {
	jns := startJNs(t, 1)
	rpc := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "hdfs", ConnectRetries: -1})
	defer rpc.Close()
	cfg := Config{JournalID: "ns1", Namespace: testNS, QueuedEditsLimit: 70}
	c := NewChannel(0, jns[0].Addr, cfg, rpc)
	defer c.Close()
	release := jns[0].Hold()
	replies := make(chan core.Reply, 3)
	for i := 0; i < 3; i++ {
		c.Enqueue(core.Msg{Kind: core.KindJournal, Call: uint64(i + 1), NumTxns: 2, Data: records(1, 2)}, "",
			func(r core.Reply) { replies <- r })
	}
	r := <-replies // the third batch passes the limit while the first two wait
	if !errors.Is(r.Err, ErrQueueFull) || r.Call != 3 {
		t.Fatalf("reply = %+v; want call 3 to fail with ErrQueueFull", r)
	}
	if c.QueuedBytes() != 68 {
		t.Fatalf("queued = %d", c.QueuedBytes())
	}
	release()
	<-replies
	<-replies
}

func TestRecoveryChoosesLongestAfterWriterCrash(t *testing.T) {
	jns := startJNs(t, 3)
	m1 := newTestManager(t, jns, Timeouts{})
	formatAndRecover(t, m1)
	s, _ := m1.StartLogSegment(ctx(t), 1, -66)
	s.Write(1, record(1))
	s.Flush(ctx(t))
	jns[0].SetDown(true)
	s.Write(2, record(2))
	s.Write(3, record(3))
	if err := s.Flush(ctx(t)); err != nil {
		t.Fatal(err)
	}
	m1.Close() // the writer dies without finalizing
	jns[0].SetDown(false)
	m2 := newTestManager(t, jns, Timeouts{})
	rec, err := m2.RecoverUnfinalizedSegments(ctx(t))
	if err != nil || rec.Segment.End != 3 {
		t.Fatalf("recovery = %+v, %v; want segment 1-3", rec, err)
	}
	segs, err := m2.SelectSegments(ctx(t), 1, false, false)
	if err != nil || len(segs) != 1 || segs[0].End != 3 || segs[0].InProgress {
		t.Fatalf("segments after recovery = %+v, %v", segs, err)
	}
	eventually(t, "jn1 is synchronized", func() bool { return slices.Contains(jns[0].Methods(), "acceptRecovery") })
}

// eventually waits (bounded) for what the driver does after a quorum
// answered: answers from slower nodes arrive asynchronously.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

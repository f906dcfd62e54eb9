package core

import (
	"fmt"
	"strings"
	"testing"
)

// transcript runs steps against j and returns one line per step: what it
// did (actions) or the error it raised, as the design's stories read.
type transcript struct {
	t   *testing.T
	j   *Journal
	out []string
}

var ns = StorageInfo{LayoutVersion: -66, NamespaceID: 552735754, ClusterID: "CID-1", CTime: 1795431319195}

func newTranscript(t *testing.T) *transcript {
	j, _ := Load("ns1", "/jn/ns1", State{Committed: InvalidTxID})
	tr := &transcript{t: t, j: j}
	tr.do("format", func() ([]Action, error) { return j.Format(ns, false) })
	tr.out = nil
	return tr
}

func (tr *transcript) do(name string, fn func() ([]Action, error)) {
	acts, err := fn()
	var parts []string
	for _, a := range acts {
		parts = append(parts, a.String())
	}
	line := name + ": " + strings.Join(parts, "; ")
	if err != nil {
		line += " ! " + err.Error()
	}
	tr.out = append(tr.out, line)
}

func (tr *transcript) want(lines ...string) {
	tr.t.Helper()
	got := strings.Join(tr.out, "\n")
	if w := strings.Join(lines, "\n"); got != w {
		tr.t.Fatalf("transcript:\n%s\nwant:\n%s", got, w)
	}
	tr.out = nil
}

func ri(epoch, serial int64) RequestInfo { return RequestInfo{Epoch: epoch, IPCSerial: serial} }

func ric(epoch, serial, committed int64) RequestInfo {
	return RequestInfo{Epoch: epoch, IPCSerial: serial, CommittedTxID: committed, HasCommitted: true}
}

func (tr *transcript) newEpoch(e int64) {
	tr.do(fmt.Sprintf("new-epoch %d", e), func() ([]Action, error) {
		last, ok, acts, err := tr.j.NewEpoch(ns, e)
		if ok {
			acts = append(acts, Action{Op: 0, Start: last})
		}
		return acts, err
	})
}

func rec(n int) []byte { return make([]byte, n) }

// Epochs: a new writer must propose an epoch above every promise; the
// promise is durable before the answer.
func TestHDFS3077_EpochPromise(t *testing.T) {
	tr := newTranscript(t)
	tr.newEpoch(1)
	tr.newEpoch(1)
	tr.do("heartbeat e0", func() ([]Action, error) { return tr.j.Heartbeat(ri(0, 1)) })
	tr.do("heartbeat e3", func() ([]Action, error) { return tr.j.Heartbeat(ri(3, 0)) })
	tr.do("heartbeat e3 same serial", func() ([]Action, error) { return tr.j.Heartbeat(ri(3, 0)) })
	tr.want(
		"new-epoch 1: persist-promised 1",
		"new-epoch 1:  ! journalnode: Proposed epoch 1 <= last promise 1 ; journal id: ns1",
		"heartbeat e0:  ! journalnode: IPC's epoch 0 is less than the last promised epoch 1 ; journal id: ns1",
		"heartbeat e3: persist-promised 3",
		"heartbeat e3 same serial:  ! journalnode: IPC serial 0 from client  was not higher than prior highest IPC serial 0 ; journal id: ns1",
	)
}

// Writing: segments open, batches follow each other without gap,
// every batch is fsynced before the answer, finalize truncates.
func TestHDFS3077_WriteSegments(t *testing.T) {
	tr := newTranscript(t)
	tr.newEpoch(1)
	j := tr.j
	tr.do("journal before start", func() ([]Action, error) { return j.Journal(ri(1, 1), 1, 1, 1, rec(10)) })
	tr.do("start 1", func() ([]Action, error) { return j.StartLogSegment(ri(1, 2), 1, -66) })
	tr.do("journal 1-2", func() ([]Action, error) { return j.Journal(ri(1, 3), 1, 1, 2, rec(20)) })
	tr.do("journal 4 (gap)", func() ([]Action, error) { return j.Journal(ri(1, 4), 1, 4, 1, rec(10)) })
	tr.do("journal wrong segment", func() ([]Action, error) { return j.Journal(ri(1, 5), 7, 3, 1, rec(10)) })
	tr.do("finalize 1-2", func() ([]Action, error) { return j.FinalizeLogSegment(ric(1, 6, 2), 1, 2) })
	tr.do("finalize 1-3 again", func() ([]Action, error) { return j.FinalizeLogSegment(ri(1, 7), 1, 3) })
	tr.do("commit backward", func() ([]Action, error) { return j.Heartbeat(ric(1, 8, 1)) })
	tr.want(
		"new-epoch 1: persist-promised 1",
		"journal before start:  ! journalnode: IPC's epoch 1 is not the current writer epoch  0 ; journal id: ns1",
		"start 1: persist-writer 1; create-segment 1 lv=-66",
		"journal 1-2: write 1 bytes=20 sync=true; cache 1-2",
		"journal 4 (gap):  ! journalnode: Can't write txid 4 expecting nextTxId=3 ; journal id: ns1",
		"journal wrong segment: abort-segment 1 ! journalnode: Writer out of sync: it thinks it is writing segment 7 but current segment is 1 ; journal id: ns1",
		"finalize 1-2: persist-committed 2; finalize-file 1-2",
		"finalize 1-3 again:  ! journalnode: Trying to re-finalize already finalized log EditLogFile(file=/jn/ns1/current/edits_0000000000000000001-0000000000000000002,first=0000000000000000001,last=0000000000000000002,inProgress=false,hasCorruptHeader=false) with different endTxId 3 ; journal id: ns1",
		"commit backward:  ! journalnode: Client trying to move committed txid backward from 2 to 1 ; journal id: ns1",
	)
	m, _ := j.Manifest(1, true)
	if fmt.Sprint(m.Logs) != "[startTxId: 1 endTxId: 2 isInProgress: false]" || m.Committed != 2 {
		t.Fatalf("manifest %v", m)
	}
}

// Writing: a writer that rolls closes the open segment (truncate + rename) and
// starts the next; a lagging batch (already committed) is fsynced too.
func TestHDFS3077_RollAndCatchUp(t *testing.T) {
	tr := newTranscript(t)
	tr.newEpoch(2)
	j := tr.j
	tr.do("start 1", func() ([]Action, error) { return j.StartLogSegment(ri(2, 1), 1, -66) })
	tr.do("journal 1-3 lagging", func() ([]Action, error) { return j.Journal(ric(2, 2, 5), 1, 1, 3, rec(3)) })
	tr.do("finalize 1-3", func() ([]Action, error) { return j.FinalizeLogSegment(ri(2, 3), 1, 3) })
	tr.do("start 4", func() ([]Action, error) { return j.StartLogSegment(ri(2, 4), 4, -66) })
	tr.do("finalize 4-9 unwritten", func() ([]Action, error) { return j.FinalizeLogSegment(ri(2, 5), 4, 9) })
	tr.want(
		"new-epoch 2: persist-promised 2",
		"start 1: persist-writer 2; create-segment 1 lv=-66",
		"journal 1-3 lagging: persist-committed 5; write 1 bytes=3 sync=true; cache 1-3",
		"finalize 1-3: close-segment 1-3",
		"start 4: create-segment 4 lv=-66",
		"finalize 4-9 unwritten: abort-segment 4 ! journalnode: Trying to finalize in-progress log segment 4 to end at txid 9 but only written up to txid 3 ; journal id: ns1",
	)
}

// Recovery: prepare reports the last segment, accept of a longer
// proposal downloads it and persists the decision before replacing the
// file; a later prepare reports the accepted value; finalize forgets it.
func TestHDFS3077_RecoveryPrepareAcceptFinalize(t *testing.T) {
	tr := newTranscript(t)
	tr.newEpoch(1)
	j := tr.j
	tr.do("start 1", func() ([]Action, error) { return j.StartLogSegment(ri(1, 1), 1, -66) })
	tr.do("journal 1-2", func() ([]Action, error) { return j.Journal(ri(1, 2), 1, 1, 2, rec(2)) })
	tr.newEpoch(2)
	prep := func(name string, e, s int64) {
		tr.do(name, func() ([]Action, error) {
			p, acts, err := j.PrepareRecovery(ri(e, s), 1)
			if err == nil {
				acts = append(acts, Action{Op: 0, Start: p.Segment.End, Value: p.AcceptedInEpoch})
			}
			return acts, err
		})
	}
	prep("prepare", 2, 1)
	tr.do("accept 1-4", func() ([]Action, error) {
		return j.AcceptRecovery(ri(2, 2), Segment{Start: 1, End: 4, InProgress: true}, "http://jn2/getJournal")
	})
	prep("prepare again", 2, 3)
	tr.do("accept older epoch", func() ([]Action, error) {
		return j.AcceptRecovery(ri(2, 4), Segment{Start: 1, End: 0}, "")
	})
	tr.do("finalize 1-4", func() ([]Action, error) { return j.FinalizeLogSegment(ri(2, 5), 1, 4) })
	tr.want(
		"new-epoch 1: persist-promised 1",
		"start 1: persist-writer 1; create-segment 1 lv=-66",
		"journal 1-2: write 1 bytes=2 sync=true; cache 1-2",
		"new-epoch 2: persist-promised 2; abort-segment 1; ? 1",
		"prepare: ? 2",
		"accept 1-4: download 1 epoch=2 from http://jn2/getJournal; persist-paxos 1 accepted=2 end=4; replace-inprogress 1 epoch=2",
		"prepare again: ? 4",
		"accept older epoch:  ! journalnode: bad recovery state for segment 1: startTxId: 1 endTxId: 0 isInProgress: false ; journal id: ns1",
		"finalize 1-4: finalize-file 1-4; delete-paxos 1",
	)
	if j.HighestWritten() != 4 {
		t.Fatalf("highest written %d", j.HighestWritten())
	}
}

// Recovery: a recovery must never drop a committed transaction.
func TestHDFS3077_RecoveryNeverDiscardsCommitted(t *testing.T) {
	tr := newTranscript(t)
	tr.newEpoch(1)
	j := tr.j
	tr.do("start 1", func() ([]Action, error) { return j.StartLogSegment(ri(1, 1), 1, -66) })
	tr.do("journal 1-5", func() ([]Action, error) { return j.Journal(ric(1, 2, 4), 1, 1, 5, rec(5)) })
	tr.newEpoch(2)
	tr.do("accept 1-3", func() ([]Action, error) { return j.AcceptRecovery(ri(2, 1), Segment{Start: 1, End: 3}, "u") })
	tr.want(
		"new-epoch 1: persist-promised 1",
		"start 1: persist-writer 1; create-segment 1 lv=-66",
		"journal 1-5: persist-committed 4; write 1 bytes=5 sync=true; cache 1-5",
		"new-epoch 2: persist-promised 2; abort-segment 1; ? 1",
		"accept 1-3:  ! journalnode: Cannot replace segment startTxId: 1 endTxId: 5 isInProgress: true with new segment startTxId: 1 endTxId: 3 isInProgress: false: would discard already-committed txn 4 ; journal id: ns1",
	)
}

// Recovery: an empty in-progress segment (a writer died right after
// startLogSegment) is moved aside and does not count as the last segment.
func TestHDFS3077_EmptySegmentMovedAside(t *testing.T) {
	j, acts := Load("ns1", "/d", State{Formatted: true, Committed: InvalidTxID, Segments: []Segment{
		{Start: 1, End: 2}, {Start: 3, End: InvalidTxID, InProgress: true}}})
	if len(acts) != 1 || acts[0].String() != "move-aside 3.empty" || j.HighestWritten() != 2 {
		t.Fatalf("load: %v highest %d", acts, j.HighestWritten())
	}
	last, ok, _, err := j.NewEpoch(ns, 1)
	if err == nil || ok {
		t.Fatalf("namespace mismatch accepted: %v %v", last, err)
	}
}

func TestNotFormatted(t *testing.T) {
	j, _ := Load("ns1", "/d", State{Committed: InvalidTxID})
	_, err := j.LastPromised()
	if e, ok := err.(*Error); !ok || e.Kind != KindNotFormatted || e.Msg != "Journal Storage Directory root= /d; location= null not formatted ; journal id: ns1" {
		t.Fatalf("%v", err)
	}
	if _, err := j.Format(StorageInfo{}, false); err == nil {
		t.Fatal("format with namespace 0")
	}
	j2, _ := Load("ns1", "/d", State{CurrentNonEmpty: true})
	if _, err := j2.Format(ns, false); err == nil || err.(*Error).Kind != KindInconsistentFSState {
		t.Fatalf("%v", err)
	}
}

func TestPurgeAndDiscard(t *testing.T) {
	j, _ := Load("ns1", "/d", State{Formatted: true, Committed: InvalidTxID,
		Segments: []Segment{{Start: 1, End: 2}, {Start: 3, End: 9}, {Start: 10, End: 12, InProgress: true}},
		Paxos:    map[int64]Paxos{1: {Segment: Segment{Start: 1, End: 2}, AcceptedInEpoch: 1}}})
	acts, err := j.PurgeLogs(ri(1, 1), 5)
	if err != nil || fmt.Sprint(acts) != "[persist-promised 1 remove-segment 1-2 inprogress=false move-aside 10.stale delete-paxos 1]" {
		t.Fatalf("%v %v", acts, err)
	}
	acts, err = j.DiscardSegments(3)
	if err != nil || fmt.Sprint(acts) != "[move-aside 3.trash persist-committed 2]" {
		t.Fatalf("%v %v", acts, err)
	}
}

func record(txid int64, body int) []byte {
	b := []byte{9, 0, 0, 0, byte(8 + body + 4)}
	for i := 7; i >= 0; i-- {
		b = append(b, byte(txid>>(8*i)))
	}
	return append(b, make([]byte, body+4)...)
}

func TestCacheRetrieve(t *testing.T) {
	c := NewCache(1 << 10)
	if _, _, err := c.Retrieve(1, 10); err == nil || !strings.Contains(err.Error(), "Cache is empty") {
		t.Fatal(err)
	}
	b1 := append(record(1, 3), record(2, 3)...)
	b2 := append(record(3, 3), record(4, 3)...)
	c.Store(b1, 1, 2, -66)
	c.Store(b2, 3, 4, -66)
	out, n, err := c.Retrieve(2, 2)
	want := append([]byte{0xff, 0xff, 0xff, 0xbe, 0, 0, 0, 0}, append(record(2, 3), record(3, 3)...)...)
	if err != nil || n != 2 || string(out) != string(want) {
		t.Fatalf("n=%d err=%v\n%x\n%x", n, err, out, want)
	}
	if _, n, _ := c.Retrieve(5, 2); n != 0 {
		t.Fatal(n)
	}
	c.Store(record(9, 3), 9, 9, -66) // gap: starts over
	if _, _, err := c.Retrieve(3, 1); err == nil {
		t.Fatal("want a miss")
	}
}

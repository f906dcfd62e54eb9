package client

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

func TestConfigFromDefaults(t *testing.T) {
	c := conf.New()
	cfg, err := ConfigFrom(c, "qjournal://h1:8485;h2:8485;h3/ns1", "ns1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Journals) != 3 || cfg.Journals[2] != "h3:8485" || cfg.JournalID != "ns1" {
		t.Fatalf("journals %v jid %q", cfg.Journals, cfg.JournalID)
	}
	want := Timeouts{StartSegment: 20 * time.Second, PrepareRecovery: 120 * time.Second,
		AcceptRecovery: 120 * time.Second, FinalizeSegment: 120 * time.Second, SelectInputStreams: 20 * time.Second,
		GetJournalState: 120 * time.Second, NewEpoch: 120 * time.Second, WriteTxns: 20 * time.Second,
		Operations: 60 * time.Second}
	if cfg.Timeouts != want {
		t.Errorf("timeouts %+v, want %+v", cfg.Timeouts, want)
	}
	if cfg.QueuedEditsLimit != 10<<20 || cfg.MaxTxnsPerRPC != 5000 {
		t.Errorf("limit %d max txns %d", cfg.QueuedEditsLimit, cfg.MaxTxnsPerRPC)
	}
	if want := (Connect{Timeout: 20 * time.Second, Retries: 10, RetryInterval: time.Second}); cfg.Connect != want {
		t.Errorf("connect %+v, want %+v", cfg.Connect, want)
	}
	if cfg.Timeouts.For(core.KindJournal) != 20*time.Second || cfg.Timeouts.For(core.KindAcceptRecovery) != 120*time.Second {
		t.Error("Timeouts.For")
	}
}

func TestConfigFromKeys(t *testing.T) {
	c := conf.New()
	c.Set("dfs.qjournal.write-txns.timeout.ms", "1500")
	c.Set("dfs.qjournal.queued-edits.limit.mb", "3")
	cfg, err := ConfigFrom(c, "qjournal://h1:8485/j", "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timeouts.WriteTxns != 1500*time.Millisecond || cfg.QueuedEditsLimit != 3<<20 {
		t.Errorf("%+v", cfg)
	}
	if _, err := ConfigFrom(c, "hdfs://h1/x", ""); err == nil {
		t.Error("a non-qjournal URI was accepted")
	}
}

func TestReplyTranslation(t *testing.T) {
	m := core.Msg{Call: 7, Kind: core.KindPrepareRecovery}
	r := reply(m, 2, &pb.PrepareRecoveryResponseProto{
		SegmentState:    &pb.SegmentStateProto{StartTxId: proto.Uint64(37), EndTxId: proto.Uint64(38), IsInProgress: proto.Bool(true)},
		AcceptedInEpoch: proto.Uint64(3), LastWriterEpoch: proto.Uint64(2), LastCommittedTxId: proto.Uint64(38)})
	want := core.PrepareResult{HasSegment: true, Segment: core.Segment{Start: 37, End: 38, InProgress: true},
		AcceptedInEpoch: 3, LastWriterEpoch: 2, HasCommitted: true, LastCommitted: 38}
	if r.From != 2 || r.Call != 7 || r.Prepare != want {
		t.Errorf("prepare reply %+v", r)
	}
	r = reply(core.Msg{Kind: core.KindNewEpoch}, 0, &pb.NewEpochResponseProto{})
	if r.HasLastSegment {
		t.Error("newEpoch without lastSegmentTxId reported a segment")
	}
	r = reply(core.Msg{Kind: core.KindNewEpoch}, 0, &pb.NewEpochResponseProto{LastSegmentTxId: proto.Uint64(0)})
	if !r.HasLastSegment {
		t.Error("lastSegmentTxId 0 was lost")
	}
}

func TestFirstRecords(t *testing.T) {
	b := append([]byte{0xff, 0xff, 0xff, 0xbd, 0, 0, 0, 0}, records(1, 3)...)
	got, err := firstRecords(b, 2)
	if err != nil || string(got) != string(records(1, 2)) {
		t.Fatalf("%x %v", got, err)
	}
	for n := 0; n < len(b); n++ {
		if _, err := firstRecords(b[:n], 3); err == nil && n < len(b) {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
}

func TestMergeSegmentPrefersFinalized(t *testing.T) {
	by := map[uint64]*SegmentSource{}
	mergeSegment(by, RemoteLog{Start: 1, End: 7, InProgress: true}, 7, "a")
	mergeSegment(by, RemoteLog{Start: 1, End: 5}, 5, "b")
	mergeSegment(by, RemoteLog{Start: 1, End: 9, InProgress: true}, 9, "c")
	mergeSegment(by, RemoteLog{Start: 1, End: 5}, 5, "d")
	mergeSegment(by, RemoteLog{Start: 6, End: 8, InProgress: true}, 8, "e")
	mergeSegment(by, RemoteLog{Start: 6, End: 9, InProgress: true}, 9, "f")
	if s := *by[1]; s.End != 5 || s.InProgress || len(s.URLs) != 2 || s.URLs[0] != "b" || s.URLs[1] != "d" {
		t.Errorf("segment 1: %+v", s)
	}
	if s := *by[6]; s.End != 9 || !s.InProgress || len(s.URLs) != 2 {
		t.Errorf("segment 6: %+v", s)
	}
}

// TestConfigFromIPCConnectKeys: the JournalNode connections follow the
// ipc.client.connect.* keys; 0 retries means none.
func TestConfigFromIPCConnectKeys(t *testing.T) {
	c := conf.New()
	c.Set("ipc.client.connect.max.retries", "1")
	c.Set("ipc.client.connect.retry.interval", "100")
	c.Set("ipc.client.connect.timeout", "2000")
	cfg, err := ConfigFrom(c, "qjournal://h1:8485;h2:8485;h3:8485/ns1", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Connect{Timeout: 2 * time.Second, Retries: 1, RetryInterval: 100 * time.Millisecond}); cfg.Connect != want {
		t.Errorf("connect %+v, want %+v", cfg.Connect, want)
	}
	c.Set("ipc.client.connect.max.retries", "0")
	if cfg, err = ConfigFrom(c, "qjournal://h1:8485;h2:8485;h3:8485/ns1", ""); err != nil || cfg.Connect.Retries != -1 {
		t.Errorf("max.retries 0: retries %d (%v), want -1 (none)", cfg.Connect.Retries, err)
	}
}

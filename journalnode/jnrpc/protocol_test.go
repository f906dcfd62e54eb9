package jnrpc

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

// fake records what each call received and answers fixed values.
type fake struct {
	got  []any
	fail error
}

func (f *fake) rec(v ...any) { f.got = append(f.got, v) }

func (f *fake) IsFormatted(_ context.Context, jid, ns string) (bool, error) {
	f.rec(jid, ns)
	return true, f.fail
}
func (f *fake) LastPromised(_ context.Context, jid, ns string) (int64, error) {
	f.rec(jid, ns)
	return 3, f.fail
}
func (f *fake) NewEpoch(_ context.Context, jid, ns string, si core.StorageInfo, e int64) (int64, bool, error) {
	f.rec(jid, ns, si, e)
	return 39, true, f.fail
}
func (f *fake) Format(_ context.Context, jid, ns string, si core.StorageInfo, force bool) error {
	f.rec(jid, ns, si, force)
	return f.fail
}
func (f *fake) Journal(_ context.Context, r Req, seg, first int64, n int, rec []byte) error {
	f.rec(r, seg, first, n, string(rec))
	return f.fail
}
func (f *fake) Heartbeat(_ context.Context, r Req) error { f.rec(r); return f.fail }
func (f *fake) StartLogSegment(_ context.Context, r Req, txid int64, lv int32) error {
	f.rec(r, txid, lv)
	return f.fail
}
func (f *fake) FinalizeLogSegment(_ context.Context, r Req, s, e int64) error {
	f.rec(r, s, e)
	return f.fail
}
func (f *fake) PurgeLogs(_ context.Context, r Req, m int64) error { f.rec(r, m); return f.fail }
func (f *fake) Manifest(_ context.Context, jid, ns string, since int64, ok bool) (core.Manifest, error) {
	f.rec(jid, ns, since, ok)
	return core.Manifest{Logs: []core.Segment{{Start: 1, End: 2}}, Committed: 2}, f.fail
}
func (f *fake) JournaledEdits(_ context.Context, jid, ns string, since int64, max int) ([]byte, int, error) {
	f.rec(jid, ns, since, max)
	return []byte("edits"), 2, f.fail
}
func (f *fake) PrepareRecovery(_ context.Context, r Req, seg int64) (core.Prepared, error) {
	f.rec(r, seg)
	return core.Prepared{Segment: &core.Segment{Start: 39, End: 54, InProgress: true}, LastWriterEpoch: 2, Committed: 53}, f.fail
}
func (f *fake) AcceptRecovery(_ context.Context, r Req, s core.Segment, url string) error {
	f.rec(r, s, url)
	return f.fail
}
func (f *fake) DiscardSegments(_ context.Context, jid, ns string, s int64) error {
	f.rec(jid, ns, s)
	return f.fail
}
func (f *fake) JournalCTime(_ context.Context, jid, ns string) (int64, error) {
	f.rec(jid, ns)
	return 5, f.fail
}
func (f *fake) DoPreUpgrade(_ context.Context, jid string) error { f.rec(jid); return f.fail }
func (f *fake) DoUpgrade(_ context.Context, jid string, si core.StorageInfo) error {
	f.rec(jid, si)
	return f.fail
}
func (f *fake) DoFinalize(_ context.Context, jid, ns string) error { f.rec(jid, ns); return f.fail }
func (f *fake) CanRollBack(_ context.Context, jid, ns string, a, b core.StorageInfo, lv int32) (bool, error) {
	f.rec(jid, ns, a, b, lv)
	return true, f.fail
}
func (f *fake) DoRollback(_ context.Context, jid, ns string) error { f.rec(jid, ns); return f.fail }
func (f *fake) HTTPPort() int                                      { return 8480 }
func (f *fake) HTTPURI() string                                    { return "http://jn:8480" }

var _ Service = (*fake)(nil)

func jidP() *pb.JournalIdProto { return &pb.JournalIdProto{Identifier: proto.String("ns1")} }

func reqInfo() *pb.RequestInfoProto {
	return &pb.RequestInfoProto{JournalId: jidP(), Epoch: proto.Uint64(2), IpcSerialNumber: proto.Uint64(7),
		CommittedTxId: proto.Uint64(9), NameServiceId: proto.String("ns")}
}

var si = &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(uint32(0xffffffbe)), NamespceID: proto.Uint32(7),
	ClusterID: proto.String("CID"), CTime: proto.Uint64(1)}

// TestEveryMethod calls each QJournalProtocol method through the
// translation layer and checks the decoded arguments and the answer.
func TestEveryMethod(t *testing.T) {
	nsInfo := &hdfspb.NamespaceInfoProto{BuildVersion: proto.String("b"), Unused: proto.Uint32(0), BlockPoolID: proto.String("bp"),
		StorageInfo: si, SoftwareVersion: proto.String("3.4.1")}
	wantReq := Req{JournalID: "ns1", NameServiceID: "ns", RequestInfo: core.RequestInfo{Epoch: 2, IPCSerial: 7, CommittedTxID: 9, HasCommitted: true}}
	wantSI := core.StorageInfo{LayoutVersion: -66, NamespaceID: 7, ClusterID: "CID", CTime: 1}
	cases := []struct {
		method string
		req    proto.Message
		args   string
		resp   string
	}{
		{"isFormatted", &pb.IsFormattedRequestProto{Jid: jidP(), NameServiceId: proto.String("ns")}, "[ns1 ns]", "isFormatted:true"},
		{"getJournalCTime", &pb.GetJournalCTimeRequestProto{Jid: jidP()}, "[ns1 ]", "resultCTime:5"},
		{"doPreUpgrade", &pb.DoPreUpgradeRequestProto{Jid: jidP()}, "[ns1]", ""},
		{"doUpgrade", &pb.DoUpgradeRequestProto{Jid: jidP(), SInfo: si}, sprint("ns1", wantSI), ""},
		{"doFinalize", &pb.DoFinalizeRequestProto{Jid: jidP()}, "[ns1 ]", ""},
		{"canRollBack", &pb.CanRollBackRequestProto{Jid: jidP(), Storage: si, PrevStorage: si, TargetLayoutVersion: proto.Int32(-66)},
			sprint("ns1", "", wantSI, wantSI, int32(-66)), "canRollBack:true"},
		{"doRollback", &pb.DoRollbackRequestProto{Jid: jidP()}, "[ns1 ]", ""},
		{"discardSegments", &pb.DiscardSegmentsRequestProto{Jid: jidP(), StartTxId: proto.Uint64(5)}, "[ns1  5]", ""},
		{"getJournalState", &pb.GetJournalStateRequestProto{Jid: jidP()}, "[ns1 ]", `lastPromisedEpoch:3 httpPort:8480 fromURL:"http://jn:8480"`},
		{"newEpoch", &pb.NewEpochRequestProto{Jid: jidP(), NsInfo: nsInfo, Epoch: proto.Uint64(4)}, sprint("ns1", "", wantSI, int64(4)), "lastSegmentTxId:39"},
		{"format", &pb.FormatRequestProto{Jid: jidP(), NsInfo: nsInfo, Force: proto.Bool(true)}, sprint("ns1", "", wantSI, true), ""},
		{"journal", &pb.JournalRequestProto{ReqInfo: reqInfo(), FirstTxnId: proto.Uint64(3), NumTxns: proto.Uint32(2),
			Records: []byte("rr"), SegmentTxnId: proto.Uint64(1)}, sprint(wantReq, int64(1), int64(3), 2, "rr"), ""},
		{"heartbeat", &pb.HeartbeatRequestProto{ReqInfo: reqInfo()}, sprint(wantReq), ""},
		{"startLogSegment", &pb.StartLogSegmentRequestProto{ReqInfo: reqInfo(), Txid: proto.Uint64(10), LayoutVersion: proto.Int32(-66)},
			sprint(wantReq, int64(10), int32(-66)), ""},
		{"finalizeLogSegment", &pb.FinalizeLogSegmentRequestProto{ReqInfo: reqInfo(), StartTxId: proto.Uint64(1), EndTxId: proto.Uint64(2)},
			sprint(wantReq, int64(1), int64(2)), ""},
		{"purgeLogs", &pb.PurgeLogsRequestProto{ReqInfo: reqInfo(), MinTxIdToKeep: proto.Uint64(8)}, sprint(wantReq, int64(8)), ""},
		{"getEditLogManifest", &pb.GetEditLogManifestRequestProto{Jid: jidP(), SinceTxId: proto.Uint64(1), InProgressOk: proto.Bool(true)},
			"[ns1  1 true]", `manifest:{logs:{startTxId:1 endTxId:2 isInProgress:false} committedTxnId:2} httpPort:8480 fromURL:"http://jn:8480"`},
		{"getJournaledEdits", &pb.GetJournaledEditsRequestProto{Jid: jidP(), SinceTxId: proto.Uint64(4), MaxTxns: proto.Uint32(10)},
			"[ns1  4 10]", `txnCount:2 editLog:"edits"`},
		{"prepareRecovery", &pb.PrepareRecoveryRequestProto{ReqInfo: reqInfo(), SegmentTxId: proto.Uint64(39)}, sprint(wantReq, int64(39)),
			"segmentState:{startTxId:39 endTxId:54 isInProgress:true} lastWriterEpoch:2 lastCommittedTxId:53"},
		{"acceptRecovery", &pb.AcceptRecoveryRequestProto{ReqInfo: reqInfo(), StateToAccept: &pb.SegmentStateProto{StartTxId: proto.Uint64(39),
			EndTxId: proto.Uint64(54), IsInProgress: proto.Bool(true)}, FromURL: proto.String("http://x/getJournal")},
			sprint(wantReq, core.Segment{Start: 39, End: 54, InProgress: true}, "http://x/getJournal"), ""},
	}
	f := &fake{}
	p := Protocol(f)
	if len(p.Methods) != len(cases) {
		t.Fatalf("%d methods, %d cases", len(p.Methods), len(cases))
	}
	for _, c := range cases {
		f.got = nil
		resp, err := invoke(p, c.method, c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.method, err)
		}
		if got := sprint(f.got[0].([]any)...); got != c.args {
			t.Errorf("%s: args %s, want %s", c.method, got, c.args)
		}
		if got := textOf(resp); got != c.resp {
			t.Errorf("%s: answer %s, want %s", c.method, got, c.resp)
		}
	}
	f.fail = &core.Error{Kind: core.KindOutOfSync, Msg: "Can't write, no segment open ; journal id: ns1"}
	_, err := invoke(p, "journal", cases[11].req)
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Class != hadooprpc.ClassJournalOutOfSync || re.Message != f.fail.(*core.Error).Msg {
		t.Fatalf("error: %v", err)
	}
}

// TestRecordedRequestsDecode decodes every recorded QJournalProtocol and
// InterQJournalProtocol request and re-encodes it byte for byte.
func TestRecordedRequestsDecode(t *testing.T) {
	for _, pn := range []string{ProtocolName, InterProtocolName} {
		p := Protocol(&fake{})
		if pn == InterProtocolName {
			p = InterProtocol(&fake{})
		}
		calls := rpccapture.Calls(t, pn, "d-nn-jn-qjm")
		if len(calls) == 0 {
			t.Fatalf("no calls of %s", pn)
		}
		for _, c := range calls {
			h, ok := p.Methods[c.Method]
			if !ok {
				t.Fatalf("%s: no method %s", c.Where, c.Method)
			}
			m := h.NewRequest()
			if err := proto.Unmarshal(c.Req, m); err != nil {
				t.Fatalf("%s %s: %v", c.Where, c.Method, err)
			}
			b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(m)
			if string(b) != string(c.Req) {
				t.Fatalf("%s %s: re-encoded %x, recorded %x", c.Where, c.Method, b, c.Req)
			}
		}
	}
}

// FuzzProtocol feeds random request bytes to every method: never a panic.
func FuzzProtocol(f *testing.F) {
	for _, c := range rpccapture.Calls(f, ProtocolName, "d-nn-jn-qjm")[:40] {
		f.Add(c.Method, c.Req)
	}
	p := Protocol(&fake{})
	f.Fuzz(func(t *testing.T, method string, b []byte) {
		h, ok := p.Methods[method]
		if !ok {
			return
		}
		m := h.NewRequest()
		if proto.Unmarshal(b, m) != nil {
			return
		}
		h.Call(context.Background(), m)
	})
}

package client

import (
	"bytes"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
	"github.com/hdfsd/hdfsd/qjournal/core"
	"github.com/hdfsd/hdfsd/qjournal/internal/memjn"
)

// The stock Hadoop NameNode's QJournalProtocol requests, recorded in
// shared/testdata/hadoop-3.3.2/captures/d-nn-jn-qjm, are what ours must
// look like on the wire.

const scenario = "d-nn-jn-qjm"

var writerMethods = map[string]bool{"isFormatted": true, "format": true, "getJournalState": true,
	"newEpoch": true, "startLogSegment": true, "journal": true, "finalizeLogSegment": true,
	"prepareRecovery": true, "acceptRecovery": true}

// stockCalls returns the writer calls the stock NameNode made on the given
// connections, in order.
func stockCalls(t *testing.T, conns ...string) []rpccapture.Call {
	var out []rpccapture.Call
	for _, c := range rpccapture.Calls(t, Protocol, scenario) {
		for _, cn := range conns {
			if strings.Contains(c.Where, "/"+cn+"-") && writerMethods[c.Method] {
				out = append(out, c)
			}
		}
	}
	return out
}

func decode(t *testing.T, c rpccapture.Call) proto.Message {
	var m proto.Message
	switch c.Method {
	case "isFormatted":
		m = &pb.IsFormattedRequestProto{}
	case "format":
		m = &pb.FormatRequestProto{}
	case "getJournalState":
		m = &pb.GetJournalStateRequestProto{}
	case "newEpoch":
		m = &pb.NewEpochRequestProto{}
	case "startLogSegment":
		m = &pb.StartLogSegmentRequestProto{}
	case "journal":
		m = &pb.JournalRequestProto{}
	case "finalizeLogSegment":
		m = &pb.FinalizeLogSegmentRequestProto{}
	case "prepareRecovery":
		m = &pb.PrepareRecoveryRequestProto{}
	case "acceptRecovery":
		m = &pb.AcceptRecoveryRequestProto{}
	default:
		t.Fatalf("no decoder for %s", c.Method)
	}
	rpccapture.Unmarshal(t, c.Req, m)
	return m
}

// TestStockFormatAndFirstSegment replays what the stock NameNode did to JN1
// (format, start-up as the first writer, its first segments) through our
// Manager against a fake JN, and requires the same calls with the same
// request bytes.
func TestStockFormatAndFirstSegment(t *testing.T) {
	stock := stockCalls(t, "conn1", "conn10", "conn17")
	if len(stock) < 12 {
		t.Fatalf("only %d stock calls", len(stock))
	}
	stock = stock[:12]
	format := decode(t, stock[1]).(*pb.FormatRequestProto)
	jns := startJNs(t, 3)
	m := newTestManagerWith(t, jns, Timeouts{}, NamespaceInfoFromProto(format.GetNsInfo()))
	if _, err := m.HasSomeData(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := m.Format(ctx(t), format.GetForce()); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RecoverUnfinalizedSegments(ctx(t)); err != nil {
		t.Fatal(err)
	}
	for _, c := range stock[4:] {
		var err error
		switch r := decode(t, c).(type) {
		case *pb.StartLogSegmentRequestProto:
			_, err = m.StartLogSegment(ctx(t), r.GetTxid(), r.GetLayoutVersion())
		case *pb.JournalRequestProto:
			err = m.Journal(ctx(t), r.GetSegmentTxnId(), r.GetFirstTxnId(), r.GetNumTxns(), r.GetRecords())
		case *pb.FinalizeLogSegmentRequestProto:
			err = m.FinalizeLogSegment(ctx(t), r.GetStartTxId(), r.GetEndTxId())
		}
		if err != nil {
			t.Fatalf("%s: %v", c.Method, err)
		}
	}
	// Answers from JN1 may come after the quorum's: wait for all of them.
	eventually(t, "JN1 gets every call", func() bool {
		n := 0
		for _, c := range jns[0].Calls() {
			if writerMethods[c.Method] {
				n++
			}
		}
		return n >= len(stock)
	})
	var ours []memjn.Recorded
	for _, c := range jns[0].Calls() {
		if writerMethods[c.Method] {
			ours = append(ours, c)
		}
	}
	t.Logf("compared %d calls: %v", len(stock), jns[0].Methods())
	if len(ours) != len(stock) {
		t.Fatalf("we made %d writer calls on JN1, the stock NameNode %d: %v", len(ours), len(stock), jns[0].Methods())
	}
	for i, c := range stock {
		if ours[i].Method != c.Method {
			t.Fatalf("call %d: we sent %s, stock sent %s", i, ours[i].Method, c.Method)
		}
		if !bytes.Equal(ours[i].Req, c.Req) {
			t.Errorf("call %d %s differs:\n ours  %s\n stock %s", i, c.Method,
				prototext.Format(decodeBytes(t, c.Method, ours[i].Req)), prototext.Format(decode(t, c)))
		}
	}
}

func decodeBytes(t *testing.T, method string, b []byte) proto.Message {
	return decode(t, rpccapture.Call{Method: method, Req: b})
}

// TestStockRecoveryEncodings rebuilds every request of the stock
// NameNode's takeover with recovery (JN3's connection) from the writer
// message carrying the same values, and requires identical bytes.
func TestStockRecoveryEncodings(t *testing.T) {
	stock := stockCalls(t, "conn7")
	var ns NamespaceInfo
	var httpBase string
	d := ids{journal: "ns1", nameservice: "ns1"}
	seen := map[string]bool{}
	for _, c := range rpccapture.Calls(t, Protocol, scenario) {
		if strings.Contains(c.Where, "/conn7-") && c.Method == "getJournalState" && c.OK {
			var r pb.GetJournalStateResponseProto
			rpccapture.Unmarshal(t, c.Resp, &r)
			httpBase = r.GetFromURL()
		}
	}
	for _, c := range stock {
		var m core.Msg
		var fromURL string
		switch r := decode(t, c).(type) {
		case *pb.GetJournalStateRequestProto:
			m.Kind = core.KindGetJournalState
		case *pb.NewEpochRequestProto:
			ns = NamespaceInfoFromProto(r.GetNsInfo())
			m = core.Msg{Kind: core.KindNewEpoch, Epoch: r.GetEpoch()}
		case *pb.PrepareRecoveryRequestProto:
			m = core.Msg{Kind: core.KindPrepareRecovery, Info: info(r.GetReqInfo()), TxID: r.GetSegmentTxId()}
		case *pb.AcceptRecoveryRequestProto:
			seg := segmentFromProto(r.GetStateToAccept())
			m = core.Msg{Kind: core.KindAcceptRecovery, Info: info(r.GetReqInfo()), Segment: seg}
			fromURL = segmentURL(httpBase, "ns1", ns.StorageInfoString(), seg.Start)
			if fromURL != r.GetFromURL() {
				t.Errorf("fromURL = %s, stock %s", fromURL, r.GetFromURL())
			}
			fromURL = r.GetFromURL()
		case *pb.FinalizeLogSegmentRequestProto:
			m = core.Msg{Kind: core.KindFinalize, Info: info(r.GetReqInfo()), FirstTxID: r.GetStartTxId(), EndTxID: r.GetEndTxId()}
		case *pb.StartLogSegmentRequestProto:
			m = core.Msg{Kind: core.KindStartSegment, Info: info(r.GetReqInfo()), TxID: r.GetTxid(), LayoutVersion: r.GetLayoutVersion()}
		case *pb.JournalRequestProto:
			m = core.Msg{Kind: core.KindJournal, Info: info(r.GetReqInfo()), SegmentTxID: r.GetSegmentTxnId(),
				FirstTxID: r.GetFirstTxnId(), NumTxns: r.GetNumTxns(), Data: r.GetRecords()}
		default:
			continue
		}
		method, req, _ := d.request(m, ns.proto(), fromURL)
		if method != c.Method {
			t.Fatalf("method %s, stock %s", method, c.Method)
		}
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(req)
		if !bytes.Equal(b, c.Req) {
			t.Errorf("%s differs:\n ours  %s\n stock %s", c.Method, prototext.Format(req), prototext.Format(decode(t, c)))
		}
		seen[c.Method] = true
	}
	for _, want := range []string{"getJournalState", "newEpoch", "prepareRecovery", "acceptRecovery", "finalizeLogSegment", "startLogSegment", "journal"} {
		if !seen[want] {
			t.Errorf("no stock %s in conn7", want)
		}
	}
}

func info(p *pb.RequestInfoProto) core.RequestInfo { return memjn.ToInfo(p) }

// TestStockReadEncodings: manifest and journaled-edits requests.
func TestStockReadEncodings(t *testing.T) {
	d := ids{journal: "ns1", nameservice: "ns1"}
	n := 0
	for _, c := range rpccapture.Calls(t, Protocol, scenario) {
		var req proto.Message
		switch c.Method {
		case "getEditLogManifest":
			var r pb.GetEditLogManifestRequestProto
			rpccapture.Unmarshal(t, c.Req, &r)
			req = d.manifestReq(r.GetSinceTxId(), r.GetInProgressOk())
		case "getJournaledEdits":
			var r pb.GetJournaledEditsRequestProto
			rpccapture.Unmarshal(t, c.Req, &r)
			req = d.journaledEditsReq(r.GetSinceTxId(), r.GetMaxTxns())
		case "isFormatted":
			req = d.isFormattedReq()
		default:
			continue
		}
		b, _ := proto.Marshal(req)
		if !bytes.Equal(b, c.Req) {
			t.Errorf("%s %s differs: ours %x stock %x", c.Where, c.Method, b, c.Req)
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d read calls compared", n)
	}
}

// Package memjn is an in-memory JournalNode for tests and benchmarks:
// Hadoop's RPC server (QJournalProtocol) in front of the core.Model rules,
// and an HTTP server for /getJournal. It keeps every transaction in memory
// and writes nothing to disk; the real JournalNode is qjournal/server's.
package memjn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

// Protocol is QJournalProtocol's name on the wire.
const Protocol = "org.apache.hadoop.hdfs.qjournal.protocol.QJournalProtocol"

// Node is one in-memory JournalNode.
type Node struct {
	id     int
	Addr   string // RPC address
	http   *httptest.Server
	srv    *hadooprpc.Server
	mu     sync.Mutex
	models map[string]*core.Model // by journal id
	down   bool
	fail   map[string]error // method -> error to answer once
	gate   chan struct{}    // when set, journal calls wait for it to close
	calls  []Recorded
	peers  []*Node
	keep   bool // record calls
}

// Recorded is one call a node received.
type Recorded struct {
	Method string
	Req    []byte
}

// Start starts n nodes on loopback ports. record keeps every call's
// request bytes (for tests).
func Start(n int, record bool) ([]*Node, error) {
	var jns []*Node
	for i := 0; i < n; i++ {
		j := &Node{id: i, models: map[string]*core.Model{}, fail: map[string]error{}, keep: record}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			Close(jns)
			return nil, err
		}
		j.Addr = l.Addr().String()
		j.srv = hadooprpc.NewServer(hadooprpc.ServerConfig{})
		j.srv.Register(j.protocol())
		go j.srv.Serve(l)
		j.http = httptest.NewServer(http.HandlerFunc(j.serveHTTP))
		jns = append(jns, j)
	}
	for _, j := range jns {
		j.peers = jns
	}
	return jns, nil
}

// Close stops the nodes.
func Close(jns []*Node) {
	for _, j := range jns {
		j.srv.Close()
		j.http.Close()
	}
}

// Addrs returns the nodes' RPC addresses.
func Addrs(jns []*Node) []string {
	var out []string
	for _, j := range jns {
		out = append(out, j.Addr)
	}
	return out
}

// SetDown makes the node answer every call with an error (or stop).
func (j *Node) SetDown(d bool) { j.mu.Lock(); j.down = d; j.mu.Unlock() }

// FailNext makes the next call of method fail with err.
func (j *Node) FailNext(method string, err error) { j.mu.Lock(); j.fail[method] = err; j.mu.Unlock() }

// Hold makes journal calls wait until the returned function is called.
func (j *Node) Hold() (release func()) {
	g := make(chan struct{})
	j.mu.Lock()
	j.gate = g
	j.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			j.mu.Lock()
			j.gate = nil
			j.mu.Unlock()
			close(g)
		})
	}
}

// Calls returns the recorded calls.
func (j *Node) Calls() []Recorded {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Recorded(nil), j.calls...)
}

// Methods returns the recorded calls' method names.
func (j *Node) Methods() []string {
	var out []string
	for _, c := range j.Calls() {
		out = append(out, c.Method)
	}
	return out
}

// Model runs fn on journal jid's state under the node's lock.
func (j *Node) Model(jid string, fn func(*core.Model)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	fn(j.journal(jid))
}

// journal returns journal jid's model; the caller holds j.mu.
func (j *Node) journal(jid string) *core.Model {
	m := j.models[jid]
	if m == nil {
		m = core.NewModel()
		j.models[jid] = m
	}
	return m
}

var errDown = errors.New("memjn: journal node is down")

// enter records a call and says whether to fail it.
func (j *Node) enter(method string, req proto.Message) error {
	j.mu.Lock()
	if g := j.gate; g != nil && method == "journal" {
		j.mu.Unlock()
		<-g
		j.mu.Lock()
	}
	defer j.mu.Unlock()
	if j.keep {
		b, _ := proto.Marshal(req)
		j.calls = append(j.calls, Recorded{method, b})
	}
	if j.down {
		return errDown
	}
	if err := j.fail[method]; err != nil {
		delete(j.fail, method)
		return err
	}
	return nil
}

// ToInfo converts a RequestInfoProto.
func ToInfo(p *pb.RequestInfoProto) core.RequestInfo {
	return core.RequestInfo{Epoch: p.GetEpoch(), Serial: p.GetIpcSerialNumber(),
		HasCommitted: p.CommittedTxId != nil, Committed: p.GetCommittedTxId()}
}

// handle runs a message through journal jid's model.
func (j *Node) handle(jid string, m core.Msg) (core.Reply, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.journal(jid).Handle(j.id, m, func(src int, start, end uint64) ([][]byte, error) {
		return j.fetch(jid, src, start, end)
	})
	return r, r.Err
}

// fetch reads from a peer's model (the stand-in for the HTTP download);
// the caller holds j.mu.
func (j *Node) fetch(jid string, src int, start, end uint64) ([][]byte, error) {
	if src == j.id {
		return j.journal(jid).Read(start, start, end)
	}
	p := j.peers[src]
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.journal(jid).Read(start, start, end)
}

func (j *Node) sourceOf(url string) int {
	for _, p := range j.peers {
		if len(url) >= len(p.http.URL) && url[:len(p.http.URL)] == p.http.URL {
			return p.id
		}
	}
	return -1
}

func (j *Node) protocol() hadooprpc.Protocol {
	mm := map[string]hadooprpc.Handler{}
	mm["isFormatted"] = hadooprpc.Method(func() *pb.IsFormattedRequestProto { return &pb.IsFormattedRequestProto{} },
		func(_ context.Context, r *pb.IsFormattedRequestProto) (*pb.IsFormattedResponseProto, error) {
			if err := j.enter("isFormatted", r); err != nil {
				return nil, err
			}
			j.mu.Lock()
			defer j.mu.Unlock()
			return &pb.IsFormattedResponseProto{IsFormatted: proto.Bool(len(j.journal(r.GetJid().GetIdentifier()).Segments()) > 0 || j.journal(r.GetJid().GetIdentifier()).Promised() > 0)}, nil
		})
	mm["format"] = hadooprpc.Method(func() *pb.FormatRequestProto { return &pb.FormatRequestProto{} },
		func(_ context.Context, r *pb.FormatRequestProto) (*pb.FormatResponseProto, error) {
			if err := j.enter("format", r); err != nil {
				return nil, err
			}
			j.mu.Lock()
			j.journal(r.GetJid().GetIdentifier()).Format()
			j.mu.Unlock()
			return &pb.FormatResponseProto{}, nil
		})
	mm["getJournalState"] = hadooprpc.Method(func() *pb.GetJournalStateRequestProto { return &pb.GetJournalStateRequestProto{} },
		func(_ context.Context, r *pb.GetJournalStateRequestProto) (*pb.GetJournalStateResponseProto, error) {
			if err := j.enter("getJournalState", r); err != nil {
				return nil, err
			}
			rep, err := j.handle(jidOf(r), core.Msg{Kind: core.KindGetJournalState})
			if err != nil {
				return nil, err
			}
			_, port, _ := net.SplitHostPort(j.http.Listener.Addr().String())
			p, _ := strconv.Atoi(port)
			return &pb.GetJournalStateResponseProto{LastPromisedEpoch: proto.Uint64(rep.LastPromisedEpoch),
				HttpPort: proto.Uint32(uint32(p)), FromURL: proto.String(j.http.URL)}, nil
		})
	mm["newEpoch"] = hadooprpc.Method(func() *pb.NewEpochRequestProto { return &pb.NewEpochRequestProto{} },
		func(_ context.Context, r *pb.NewEpochRequestProto) (*pb.NewEpochResponseProto, error) {
			if err := j.enter("newEpoch", r); err != nil {
				return nil, err
			}
			rep, err := j.handle(jidOf(r), core.Msg{Kind: core.KindNewEpoch, Epoch: r.GetEpoch()})
			if err != nil {
				return nil, err
			}
			resp := &pb.NewEpochResponseProto{}
			if rep.HasLastSegment {
				resp.LastSegmentTxId = proto.Uint64(rep.LastSegmentTxID)
			}
			return resp, nil
		})
	mm["prepareRecovery"] = hadooprpc.Method(func() *pb.PrepareRecoveryRequestProto { return &pb.PrepareRecoveryRequestProto{} },
		func(_ context.Context, r *pb.PrepareRecoveryRequestProto) (*pb.PrepareRecoveryResponseProto, error) {
			if err := j.enter("prepareRecovery", r); err != nil {
				return nil, err
			}
			rep, err := j.handle(jidOf(r), core.Msg{Kind: core.KindPrepareRecovery, Info: ToInfo(r.GetReqInfo()), TxID: r.GetSegmentTxId()})
			if err != nil {
				return nil, err
			}
			p := rep.Prepare
			resp := &pb.PrepareRecoveryResponseProto{LastWriterEpoch: proto.Uint64(p.LastWriterEpoch)}
			if p.HasSegment {
				resp.SegmentState = &pb.SegmentStateProto{StartTxId: proto.Uint64(p.Segment.Start), EndTxId: proto.Uint64(p.Segment.End), IsInProgress: proto.Bool(p.Segment.InProgress)}
			}
			if p.AcceptedInEpoch != 0 {
				resp.AcceptedInEpoch = proto.Uint64(p.AcceptedInEpoch)
			}
			if p.HasCommitted {
				resp.LastCommittedTxId = proto.Uint64(p.LastCommitted)
			}
			return resp, nil
		})
	mm["acceptRecovery"] = hadooprpc.Method(func() *pb.AcceptRecoveryRequestProto { return &pb.AcceptRecoveryRequestProto{} },
		func(_ context.Context, r *pb.AcceptRecoveryRequestProto) (*pb.AcceptRecoveryResponseProto, error) {
			if err := j.enter("acceptRecovery", r); err != nil {
				return nil, err
			}
			src := j.sourceOf(r.GetFromURL())
			if src < 0 {
				return nil, fmt.Errorf("bad fromURL %q", r.GetFromURL())
			}
			_, err := j.handle(jidOf(r), core.Msg{Kind: core.KindAcceptRecovery, Info: ToInfo(r.GetReqInfo()),
				Segment: core.Segment{Start: r.GetStateToAccept().GetStartTxId(), End: r.GetStateToAccept().GetEndTxId(), InProgress: r.GetStateToAccept().GetIsInProgress()}, Source: src})
			return &pb.AcceptRecoveryResponseProto{}, err
		})
	mm["startLogSegment"] = hadooprpc.Method(func() *pb.StartLogSegmentRequestProto { return &pb.StartLogSegmentRequestProto{} },
		func(_ context.Context, r *pb.StartLogSegmentRequestProto) (*pb.StartLogSegmentResponseProto, error) {
			if err := j.enter("startLogSegment", r); err != nil {
				return nil, err
			}
			_, err := j.handle(jidOf(r), core.Msg{Kind: core.KindStartSegment, Info: ToInfo(r.GetReqInfo()), TxID: r.GetTxid()})
			return &pb.StartLogSegmentResponseProto{}, err
		})
	mm["journal"] = hadooprpc.Method(func() *pb.JournalRequestProto { return &pb.JournalRequestProto{} },
		func(_ context.Context, r *pb.JournalRequestProto) (*pb.JournalResponseProto, error) {
			if err := j.enter("journal", r); err != nil {
				return nil, err
			}
			_, err := j.handle(jidOf(r), core.Msg{Kind: core.KindJournal, Info: ToInfo(r.GetReqInfo()), SegmentTxID: r.GetSegmentTxnId(),
				FirstTxID: r.GetFirstTxnId(), NumTxns: r.GetNumTxns(), Data: r.GetRecords()})
			return &pb.JournalResponseProto{}, err
		})
	mm["finalizeLogSegment"] = hadooprpc.Method(func() *pb.FinalizeLogSegmentRequestProto { return &pb.FinalizeLogSegmentRequestProto{} },
		func(_ context.Context, r *pb.FinalizeLogSegmentRequestProto) (*pb.FinalizeLogSegmentResponseProto, error) {
			if err := j.enter("finalizeLogSegment", r); err != nil {
				return nil, err
			}
			_, err := j.handle(jidOf(r), core.Msg{Kind: core.KindFinalize, Info: ToInfo(r.GetReqInfo()),
				FirstTxID: r.GetStartTxId(), EndTxID: r.GetEndTxId()})
			return &pb.FinalizeLogSegmentResponseProto{}, err
		})
	mm["heartbeat"] = hadooprpc.Method(func() *pb.HeartbeatRequestProto { return &pb.HeartbeatRequestProto{} },
		func(_ context.Context, r *pb.HeartbeatRequestProto) (*pb.HeartbeatResponseProto, error) {
			if err := j.enter("heartbeat", r); err != nil {
				return nil, err
			}
			_, err := j.handle(jidOf(r), core.Msg{Kind: core.KindHeartbeat, Info: ToInfo(r.GetReqInfo())})
			return &pb.HeartbeatResponseProto{}, err
		})
	mm["purgeLogs"] = hadooprpc.Method(func() *pb.PurgeLogsRequestProto { return &pb.PurgeLogsRequestProto{} },
		func(_ context.Context, r *pb.PurgeLogsRequestProto) (*pb.PurgeLogsResponseProto, error) {
			if err := j.enter("purgeLogs", r); err != nil {
				return nil, err
			}
			_, err := j.handle(jidOf(r), core.Msg{Kind: core.KindPurge, Info: ToInfo(r.GetReqInfo()), MinTxIDToKeep: r.GetMinTxIdToKeep()})
			return &pb.PurgeLogsResponseProto{}, err
		})
	mm["getEditLogManifest"] = hadooprpc.Method(func() *pb.GetEditLogManifestRequestProto { return &pb.GetEditLogManifestRequestProto{} },
		func(_ context.Context, r *pb.GetEditLogManifestRequestProto) (*pb.GetEditLogManifestResponseProto, error) {
			if err := j.enter("getEditLogManifest", r); err != nil {
				return nil, err
			}
			j.mu.Lock()
			defer j.mu.Unlock()
			man := &hdfspb.RemoteEditLogManifestProto{}
			for _, s := range j.journal(r.GetJid().GetIdentifier()).Segments() {
				if len(s.Txns) == 0 || s.End() < r.GetSinceTxId() || (s.InProgress && !r.GetInProgressOk()) {
					continue
				}
				man.Logs = append(man.Logs, &hdfspb.RemoteEditLogProto{StartTxId: proto.Uint64(s.Start),
					EndTxId: proto.Uint64(s.End()), IsInProgress: proto.Bool(s.InProgress)})
			}
			return &pb.GetEditLogManifestResponseProto{Manifest: man, HttpPort: proto.Uint32(0),
				FromURL: proto.String(j.http.URL)}, nil
		})
	mm["getJournaledEdits"] = hadooprpc.Method(func() *pb.GetJournaledEditsRequestProto { return &pb.GetJournaledEditsRequestProto{} },
		func(_ context.Context, r *pb.GetJournaledEditsRequestProto) (*pb.GetJournaledEditsResponseProto, error) {
			if err := j.enter("getJournaledEdits", r); err != nil {
				return nil, err
			}
			j.mu.Lock()
			defer j.mu.Unlock()
			out := []byte{0xff, 0xff, 0xff, 0xbd, 0, 0, 0, 0}
			var n uint32
			for _, s := range j.journal(r.GetJid().GetIdentifier()).Segments() {
				for i, tx := range s.Txns {
					txid := s.Start + uint64(i)
					if txid >= r.GetSinceTxId() && n < r.GetMaxTxns() {
						out = append(out, tx...)
						n++
					}
				}
			}
			return &pb.GetJournaledEditsResponseProto{TxnCount: proto.Uint32(n), EditLog: out}, nil
		})
	return hadooprpc.Protocol{Name: Protocol, Version: 1, Methods: mm}
}

// serveHTTP serves /getJournal: the segment's transactions after the
// 8-byte layout header.
func (j *Node) serveHTTP(w http.ResponseWriter, r *http.Request) {
	seg, _ := strconv.ParseUint(r.URL.Query().Get("segmentTxId"), 10, 64)
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.journal(r.URL.Query().Get("jid")).Segment(seg)
	if s == nil {
		http.NotFound(w, r)
		return
	}
	w.Write([]byte{0xff, 0xff, 0xff, 0xbd, 0, 0, 0, 0})
	for _, tx := range s.Txns {
		w.Write(tx)
	}
}

// jidOf returns the journal id a request names.
func jidOf(r interface {
	ProtoReflect() protoreflect.Message
}) string {
	type jidGetter interface{ GetJid() *pb.JournalIdProto }
	type infoGetter interface{ GetReqInfo() *pb.RequestInfoProto }
	switch x := r.(type) {
	case jidGetter:
		return x.GetJid().GetIdentifier()
	case infoGetter:
		return x.GetReqInfo().GetJournalId().GetIdentifier()
	}
	return ""
}

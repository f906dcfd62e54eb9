package bpservice

import (
	"context"
	"net"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// pipeListener hands out the server ends of net.Pipe connections, so that
// a hadooprpc server runs inside a synctest bubble without sockets.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8021} }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	c, s := net.Pipe()
	select {
	case l.conns <- s:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fakeNameNode answers DatanodeProtocol like a NameNode: a namespace at
// versionRequest, a lease when asked, FinalizeCommand after a block
// report, and commands the test queues for the next heartbeats.
type fakeNameNode struct {
	t      *testing.T
	ns     *hdfspb.NamespaceInfoProto
	ln     *pipeListener
	srv    *hadooprpc.Server
	served chan struct{}

	mu struct {
		sync.Mutex
		methods []string
		hbCmds  [][]*datanodepb.DatanodeCommandProto
		ha      hdfspb.NNHAStatusHeartbeatProto_State
		txid    uint64
		lease   uint64
		reports [][]blocklist.Replica // per storage, of the last block report
		ibrs    []*datanodepb.BlockReceivedAndDeletedRequestProto
		onIBR   func() // run once, while the next IBR is in flight
		regs    int
	}
}

func testNamespace(capabilities uint64) *hdfspb.NamespaceInfoProto {
	return &hdfspb.NamespaceInfoProto{
		BuildVersion: proto.String("rev"), Unused: proto.Uint32(0), BlockPoolID: proto.String("BP-1-127.0.0.1-1"),
		StorageInfo: &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(uint32(0xffffffbd)), NamespceID: proto.Uint32(7),
			ClusterID: proto.String("CID-1"), CTime: proto.Uint64(1)},
		SoftwareVersion: proto.String("3.4.1"), Capabilities: proto.Uint64(capabilities),
		State: hdfspb.NNHAStatusHeartbeatProto_ACTIVE.Enum(),
	}
}

func startFakeNameNode(t *testing.T, ns *hdfspb.NamespaceInfoProto) *fakeNameNode {
	f := &fakeNameNode{t: t, ns: ns, ln: newPipeListener(), served: make(chan struct{})}
	f.mu.lease = 0xabc
	f.srv = hadooprpc.NewServer(hadooprpc.ServerConfig{IdleTimeout: -1})
	f.srv.Register(hadooprpc.Protocol{Name: Protocol, Version: 1, Methods: map[string]hadooprpc.Handler{
		"versionRequest": hadooprpc.Method(func() *hdfspb.VersionRequestProto { return new(hdfspb.VersionRequestProto) },
			func(context.Context, *hdfspb.VersionRequestProto) (*hdfspb.VersionResponseProto, error) {
				f.record("versionRequest")
				return &hdfspb.VersionResponseProto{Info: f.ns}, nil
			}),
		"registerDatanode": hadooprpc.Method(func() *datanodepb.RegisterDatanodeRequestProto { return new(datanodepb.RegisterDatanodeRequestProto) },
			func(_ context.Context, r *datanodepb.RegisterDatanodeRequestProto) (*datanodepb.RegisterDatanodeResponseProto, error) {
				f.record("registerDatanode")
				return &datanodepb.RegisterDatanodeResponseProto{Registration: r.GetRegistration()}, nil
			}),
		"sendHeartbeat": hadooprpc.Method(func() *datanodepb.HeartbeatRequestProto { return new(datanodepb.HeartbeatRequestProto) },
			f.heartbeat),
		"blockReport": hadooprpc.Method(func() *datanodepb.BlockReportRequestProto { return new(datanodepb.BlockReportRequestProto) },
			f.blockReport),
		"blockReceivedAndDeleted": hadooprpc.Method(func() *datanodepb.BlockReceivedAndDeletedRequestProto {
			return new(datanodepb.BlockReceivedAndDeletedRequestProto)
		}, func(_ context.Context, r *datanodepb.BlockReceivedAndDeletedRequestProto) (*datanodepb.BlockReceivedAndDeletedResponseProto, error) {
			f.record("blockReceivedAndDeleted")
			f.mu.Lock()
			f.mu.ibrs = append(f.mu.ibrs, r)
			hook := f.mu.onIBR
			f.mu.onIBR = nil
			f.mu.Unlock()
			if hook != nil {
				hook()
			}
			return &datanodepb.BlockReceivedAndDeletedResponseProto{}, nil
		}),
		"errorReport": hadooprpc.Method(func() *datanodepb.ErrorReportRequestProto { return new(datanodepb.ErrorReportRequestProto) },
			func(context.Context, *datanodepb.ErrorReportRequestProto) (*datanodepb.ErrorReportResponseProto, error) {
				f.record("errorReport")
				return &datanodepb.ErrorReportResponseProto{}, nil
			}),
	}})
	go func() {
		defer close(f.served)
		f.srv.Serve(f.ln)
	}()
	return f
}

func (f *fakeNameNode) stop() {
	f.srv.Close()
	<-f.served
}

func (f *fakeNameNode) record(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.methods = append(f.mu.methods, m)
}

func (f *fakeNameNode) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.mu.methods...)
}

func (f *fakeNameNode) count(m string) int {
	n := 0
	for _, x := range f.methods() {
		if x == m {
			n++
		}
	}
	return n
}

func (f *fakeNameNode) queueHeartbeatCommands(cmds ...*datanodepb.DatanodeCommandProto) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.hbCmds = append(f.mu.hbCmds, cmds)
}

func (f *fakeNameNode) heartbeat(_ context.Context, r *datanodepb.HeartbeatRequestProto) (*datanodepb.HeartbeatResponseProto, error) {
	f.record("sendHeartbeat")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.txid++
	resp := &datanodepb.HeartbeatResponseProto{
		HaStatus: &hdfspb.NNHAStatusHeartbeatProto{State: f.mu.ha.Enum(), Txid: proto.Uint64(f.mu.txid)},
	}
	if r.GetRequestFullBlockReportLease() {
		f.mu.lease++
		resp.FullBlockReportLeaseId = proto.Uint64(f.mu.lease)
	}
	if len(f.mu.hbCmds) > 0 {
		resp.Cmds, f.mu.hbCmds = f.mu.hbCmds[0], f.mu.hbCmds[1:]
	}
	return resp, nil
}

func (f *fakeNameNode) blockReport(_ context.Context, r *datanodepb.BlockReportRequestProto) (*datanodepb.BlockReportResponseProto, error) {
	f.record("blockReport")
	var reports [][]blocklist.Replica
	for _, s := range r.GetReports() {
		rs, err := blocklist.DecodeReport(s.NumberOfBlocks, s.GetBlocks(), s.GetBlocksBuffers())
		if err != nil {
			return nil, err
		}
		reports = append(reports, rs)
	}
	f.mu.Lock()
	f.mu.reports = reports
	f.mu.Unlock()
	return &datanodepb.BlockReportResponseProto{Cmd: &datanodepb.DatanodeCommandProto{
		CmdType:     datanodepb.DatanodeCommandProto_FinalizeCommand.Enum(),
		FinalizeCmd: &datanodepb.FinalizeCommandProto{BlockPoolId: proto.String(r.GetBlockPoolId())},
	}}, nil
}

// fakeDataset is a DataNode with fixed replicas on two storages.
type fakeDataset struct {
	mu       sync.Mutex
	replicas map[string][]blocklist.Replica
	inits    []NamespaceInfo
}

func (d *fakeDataset) InitBlockPool(ns NamespaceInfo) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inits = append(d.inits, ns)
	return nil
}

func (d *fakeDataset) StorageReports(string) []StorageReport {
	return []StorageReport{{Storage: disk1, Capacity: 100, Remaining: 50}, {Storage: disk2, Capacity: 100}}
}

func (d *fakeDataset) HeartbeatStats() HeartbeatStats { return HeartbeatStats{} }

func (d *fakeDataset) BlockReports(string) []StorageBlockReport {
	d.mu.Lock()
	defer d.mu.Unlock()
	return []StorageBlockReport{{Storage: disk1, Replicas: d.replicas[disk1.UUID]}, {Storage: disk2, Replicas: d.replicas[disk2.UUID]}}
}

// recordingHandler keeps the commands it was given.
type recordingHandler struct {
	mu   sync.Mutex
	cmds []Command
}

func (h *recordingHandler) HandleCommand(_ context.Context, _ string, c Command) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cmds = append(h.cmds, c)
	return nil
}

func (h *recordingHandler) kinds() []CommandKind {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ks []CommandKind
	for _, c := range h.cmds {
		ks = append(ks, c.Kind)
	}
	return ks
}

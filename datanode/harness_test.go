package datanode

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/xceiver"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

const (
	testBPID      = "BP-1-127.0.0.1-1"
	testClusterID = "CID-1"
	testNSID      = 7
	waitLimit     = 20 * time.Second
)

var testNS = fsdataset.NamespaceInfo{NamespaceID: testNSID, ClusterID: testClusterID, BlockPoolID: testBPID, CTime: 1}

// ibr is one entry of an incremental block report the fake NameNode got.
type ibr struct {
	storage string
	id, gs  int64
	status  datanodepb.ReceivedDeletedBlockInfoProto_BlockStatus
}

// fakeNameNode answers DatanodeProtocol over real TCP like an active
// NameNode and records what DataNodes send; changed is pinged on every
// call so tests wait without sleeping.
type fakeNameNode struct {
	t       testing.TB
	srv     *hadooprpc.Server
	ln      net.Listener
	changed chan struct{}

	mu struct {
		sync.Mutex
		regs       []*datanodepb.DatanodeRegistrationProto
		heartbeats []*datanodepb.HeartbeatRequestProto
		reports    map[string][]blocklist.Replica // by storage uuid, last full report
		reportRPCs int
		ibrs       []ibr
		bad        []*hdfspb.LocatedBlockProto
		errs       []*datanodepb.ErrorReportRequestProto
		commits    []*datanodepb.CommitBlockSynchronizationRequestProto
		cmds       [][]*datanodepb.DatanodeCommandProto
		txid       uint64
		lease      uint64
		refuse     bool // answer heartbeats with DisallowedDatanodeException
	}
}

func method[Req any, PReq interface {
	*Req
	proto.Message
}, Resp proto.Message](fn func(context.Context, PReq) (Resp, error)) hadooprpc.Handler {
	return hadooprpc.Method(func() PReq { return PReq(new(Req)) }, fn)
}

func startFakeNameNode(t testing.TB) *fakeNameNode {
	t.Helper()
	return startFakeNameNodeOf(t, testBPID)
}

// startFakeNameNodeOf is startFakeNameNode for the namespace of block
// pool bpid (another nameservice of the same cluster).
func startFakeNameNodeOf(t testing.TB, bpid string) *fakeNameNode {
	t.Helper()
	f := &fakeNameNode{t: t, changed: make(chan struct{}, 1)}
	f.mu.reports = map[string][]blocklist.Replica{}
	f.srv = hadooprpc.NewServer(hadooprpc.ServerConfig{IdleTimeout: -1, Logger: slog.New(slog.DiscardHandler)})
	f.srv.Register(hadooprpc.Protocol{Name: bpservice.Protocol, Version: 1, Methods: map[string]hadooprpc.Handler{
		"versionRequest": method(func(context.Context, *hdfspb.VersionRequestProto) (*hdfspb.VersionResponseProto, error) {
			return &hdfspb.VersionResponseProto{Info: &hdfspb.NamespaceInfoProto{
				BuildVersion: proto.String("rev"), Unused: proto.Uint32(0), BlockPoolID: proto.String(bpid),
				StorageInfo: &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(uint32(0xffffffbd)), NamespceID: proto.Uint32(testNSID),
					ClusterID: proto.String(testClusterID), CTime: proto.Uint64(1)},
				SoftwareVersion: proto.String("3.4.1"), Capabilities: proto.Uint64(1),
				State: hdfspb.NNHAStatusHeartbeatProto_ACTIVE.Enum()}}, nil
		}),
		"registerDatanode": method(func(_ context.Context, r *datanodepb.RegisterDatanodeRequestProto) (*datanodepb.RegisterDatanodeResponseProto, error) {
			f.record(func() { f.mu.regs = append(f.mu.regs, r.GetRegistration()) })
			return &datanodepb.RegisterDatanodeResponseProto{Registration: r.GetRegistration()}, nil
		}),
		"sendHeartbeat": method(f.heartbeat),
		"blockReport": method(func(_ context.Context, r *datanodepb.BlockReportRequestProto) (*datanodepb.BlockReportResponseProto, error) {
			f.record(func() { f.mu.reportRPCs++ })
			for _, s := range r.GetReports() {
				rs, err := blocklist.DecodeReport(s.NumberOfBlocks, s.GetBlocks(), s.GetBlocksBuffers())
				if err != nil {
					return nil, err
				}
				f.record(func() { f.mu.reports[s.GetStorage().GetStorageUuid()] = rs })
			}
			return &datanodepb.BlockReportResponseProto{}, nil
		}),
		"blockReceivedAndDeleted": method(func(_ context.Context, r *datanodepb.BlockReceivedAndDeletedRequestProto) (*datanodepb.BlockReceivedAndDeletedResponseProto, error) {
			f.record(func() {
				for _, s := range r.GetBlocks() {
					for _, b := range s.GetBlocks() {
						f.mu.ibrs = append(f.mu.ibrs, ibr{storage: s.GetStorage().GetStorageUuid(), id: int64(b.GetBlock().GetBlockId()),
							gs: int64(b.GetBlock().GetGenStamp()), status: b.GetStatus()})
					}
				}
			})
			return &datanodepb.BlockReceivedAndDeletedResponseProto{}, nil
		}),
		"errorReport": method(func(_ context.Context, r *datanodepb.ErrorReportRequestProto) (*datanodepb.ErrorReportResponseProto, error) {
			f.record(func() { f.mu.errs = append(f.mu.errs, r) })
			return &datanodepb.ErrorReportResponseProto{}, nil
		}),
		"reportBadBlocks": method(func(_ context.Context, r *datanodepb.ReportBadBlocksRequestProto) (*datanodepb.ReportBadBlocksResponseProto, error) {
			f.record(func() { f.mu.bad = append(f.mu.bad, r.GetBlocks()...) })
			return &datanodepb.ReportBadBlocksResponseProto{}, nil
		}),
		"commitBlockSynchronization": method(func(_ context.Context, r *datanodepb.CommitBlockSynchronizationRequestProto) (*datanodepb.CommitBlockSynchronizationResponseProto, error) {
			f.record(func() { f.mu.commits = append(f.mu.commits, r) })
			return &datanodepb.CommitBlockSynchronizationResponseProto{}, nil
		}),
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.ln = ln
	done := make(chan struct{})
	go func() { defer close(done); f.srv.Serve(ln) }()
	t.Cleanup(func() { f.srv.Close(); <-done })
	return f
}

func (f *fakeNameNode) addr() string { return f.ln.Addr().String() }

func (f *fakeNameNode) record(fn func()) {
	f.mu.Lock()
	fn()
	f.mu.Unlock()
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

func (f *fakeNameNode) heartbeat(_ context.Context, r *datanodepb.HeartbeatRequestProto) (*datanodepb.HeartbeatResponseProto, error) {
	var resp *datanodepb.HeartbeatResponseProto
	refuse := false
	f.record(func() {
		if refuse = f.mu.refuse; refuse {
			return
		}
		f.mu.heartbeats = append(f.mu.heartbeats, r)
		f.mu.txid++
		resp = &datanodepb.HeartbeatResponseProto{HaStatus: &hdfspb.NNHAStatusHeartbeatProto{
			State: hdfspb.NNHAStatusHeartbeatProto_ACTIVE.Enum(), Txid: proto.Uint64(f.mu.txid)}}
		if r.GetRequestFullBlockReportLease() {
			f.mu.lease++
			resp.FullBlockReportLeaseId = proto.Uint64(f.mu.lease)
		}
		if len(f.mu.cmds) > 0 {
			resp.Cmds, f.mu.cmds = f.mu.cmds[0], f.mu.cmds[1:]
		}
	})
	if refuse {
		return nil, &hadooprpc.RemoteError{Class: "org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException",
			Message: "Datanode denied communication with namenode because the host is not in the include-list"}
	}
	return resp, nil
}

// queue hands cmds to the DataNode with the next heartbeat answer.
func (f *fakeNameNode) queue(cmds ...*datanodepb.DatanodeCommandProto) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.cmds = append(f.mu.cmds, cmds)
}

// waitFor waits until cond, checked under the fake's lock after every
// call it serves, holds.
func (f *fakeNameNode) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		ok := cond()
		f.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-f.changed:
		case <-deadline.C:
			f.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// fakeData stands for the data-transfer server.
type fakeData struct {
	mu        sync.Mutex
	transfers []string
	evicted   int
	// restartExpiry is what CloseForRestart was given (0: not called).
	restartExpiry time.Duration
	closed        chan struct{}
	once          sync.Once
	limits        xceiver.Limits // what reconfiguration set
}

func (f *fakeData) Limits() xceiver.Limits {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.limits
}

func (f *fakeData) SetLimits(l xceiver.Limits) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limits = l
}

func (f *fakeData) Serve(ln net.Listener) error {
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	<-f.closed
	return nil
}

func (f *fakeData) Close() error { f.once.Do(func() { close(f.closed) }); return nil }
func (f *fakeData) CloseForRestart(expiry time.Duration) error {
	f.mu.Lock()
	f.restartExpiry = expiry
	f.mu.Unlock()
	return f.Close()
}
func (f *fakeData) XceiverCount() int    { return 3 }
func (f *fakeData) XmitsInProgress() int { return 0 }
func (f *fakeData) EvictWriters() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.evicted++
}

func (f *fakeData) Transfer(_ context.Context, bpid string, b fsdataset.Block, targets []TransferTarget) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range targets {
		f.transfers = append(f.transfers, fmt.Sprintf("%s:%s->%s/%s/%s", bpid, b, t.Addr, t.StorageType, t.StorageID))
	}
	return nil
}

func (f *fakeData) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.transfers...)
}

// useFakeData makes the daemons of a test use a fakeData.
func useFakeData(t testing.TB) *fakeData {
	fd := &fakeData{closed: make(chan struct{})}
	old := newDataServer
	newDataServer = func(DataServerConfig, *fsdataset.Dataset, blockNotifier) dataServer { return fd }
	t.Cleanup(func() { newDataServer = old })
	return fd
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testConfig is a DataNode of one data dir serving the fake NameNode, on
// ephemeral ports, with fast heartbeats.
func testConfig(t testing.TB, nn string, dirs ...string) (*conf.Conf, Config) {
	t.Helper()
	c := conf.New()
	c.Set("fs.defaultFS", "hdfs://"+nn)
	c.Set("dfs.datanode.data.dir", joinDirs(dirs))
	c.Set("dfs.datanode.address", "127.0.0.1:0")
	c.Set("dfs.datanode.ipc.address", "127.0.0.1:0")
	c.Set("dfs.datanode.http.address", "127.0.0.1:0")
	c.Set("dfs.block.scanner.volume.bytes.per.second", "1073741824")
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HeartbeatInterval = 50 * time.Millisecond
	return c, cfg
}

func joinDirs(dirs []string) string {
	s := ""
	for i, d := range dirs {
		if i > 0 {
			s += ","
		}
		s += d
	}
	return s
}

// running is a started daemon whose Run goroutine the test owns.
type running struct {
	*Daemon
	log  *syncBuffer
	done chan error
	stop context.CancelFunc
	// wantErr: the test expects Run to fail (and took its error).
	wantErr bool
}

func startDaemon(t testing.TB, c *conf.Conf, cfg Config) *running {
	t.Helper()
	return startDaemonWith(t, c, cfg, Options{})
}

func startDaemonWith(t testing.TB, c *conf.Conf, cfg Config, opts Options) *running {
	t.Helper()
	logs := &syncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := Start(context.Background(), c, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Daemon: d, log: logs, done: make(chan error, 1), stop: cancel}
	go func() { r.done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-r.done:
			if err != nil && !r.wantErr {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("Run did not return after cancel")
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", logs.String())
		}
	})
	return r
}

// putReplica writes a finalized replica into dirs as a DataNode of the
// fake namespace would have left it.
func putReplica(t testing.TB, dirs []string, b fsdataset.Block, data []byte) (dataPath, metaPath, storageID string) {
	t.Helper()
	var locs []fsdataset.Location
	for _, d := range dirs {
		locs = append(locs, fsdataset.Location{Path: d})
	}
	ds, err := fsdataset.Open(fsdataset.Config{Locations: locs})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Shutdown()
	if err := ds.AddBlockPool(testNS); err != nil {
		t.Fatal(err)
	}
	w, err := ds.CreateRBW(testBPID, b, fsdataset.CreateOptions{BlockSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(0, data, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.SetAcked(int64(len(data))); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r, err := ds.FinalizeBlock(testBPID, fsdataset.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	dataPath, metaPath = ds.Paths(testBPID, r)
	return dataPath, metaPath, ds.VolumeOf(r).StorageID()
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func tempDirs(t testing.TB, n int) []string {
	var out []string
	base := t.TempDir()
	for i := range n {
		out = append(out, filepath.Join(base, fmt.Sprintf("data%d", i)))
	}
	return out
}

// fakePeer is another DataNode's InterDatanodeProtocol.
type fakePeer struct {
	uuid    string
	info    *dnipc.RecoveryInfo
	mu      sync.Mutex
	updates []string
	ln      net.Listener
}

func (p *fakePeer) InitReplicaRecovery(context.Context, dnipc.Recovering) (*dnipc.RecoveryInfo, error) {
	return p.info, nil
}

func (p *fakePeer) UpdateReplicaUnderRecovery(_ context.Context, b blocks.Extended, recoveryID, newBlockID, newLength int64) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.updates = append(p.updates, fmt.Sprintf("blk_%d_%d len=%d -> gs=%d id=%d len=%d", b.ID, b.GenStamp, b.NumBytes, recoveryID, newBlockID, newLength))
	return "DS-" + p.uuid, nil
}

func (p *fakePeer) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.updates...)
}

func startPeer(t testing.TB, uuid string, info *dnipc.RecoveryInfo) *fakePeer {
	t.Helper()
	p := &fakePeer{uuid: uuid, info: info}
	srv := hadooprpc.NewServer(hadooprpc.ServerConfig{IdleTimeout: -1, Logger: slog.New(slog.DiscardHandler)})
	srv.Register(dnipc.InterDatanodeProtocol(p))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.ln = ln
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return p
}

func (p *fakePeer) datanodeInfo() *hdfspb.DatanodeInfoProto {
	port := p.ln.Addr().(*net.TCPAddr).Port
	return &hdfspb.DatanodeInfoProto{Id: &hdfspb.DatanodeIDProto{IpAddr: proto.String("127.0.0.1"), HostName: proto.String("peer-" + p.uuid),
		DatanodeUuid: proto.String(p.uuid), XferPort: proto.Uint32(1), InfoPort: proto.Uint32(2), IpcPort: proto.Uint32(uint32(port))}}
}

func (f *fakeData) evictions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.evicted
}

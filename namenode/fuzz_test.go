package namenode

import (
	"context"
	"sort"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/clientrpc"
	"github.com/hdfsd/hdfsd/namenode/dnrpc"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/nnrpc"
	dpb "github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/namenodepb"
)

// memLog is an edit log that keeps ops in memory and syncs at once.
type memLog struct {
	last int64
	ops  []*editlog.Op
}

func (l *memLog) Append(ops ...*editlog.Op) (int64, error) {
	for _, op := range ops {
		l.last++
		op.TxID = l.last
	}
	l.ops = append(l.ops, ops...)
	return l.last, nil
}

func (l *memLog) Sync(context.Context, int64) error { return nil }

// newMemNamesystem is a namesystem over an in-memory edit log, for tests
// that drive ClientProtocol handlers without disks or sockets.
func newMemNamesystem(t testing.TB) (*Namesystem, *memLog) {
	cfg := Config{User: "hdfs", Namespace: namespace.DefaultConfig("hdfs"), LeaseSoft: time.Minute,
		LeaseHard: 20 * time.Minute, AccessTimePrecision: time.Hour, SafemodeThreshold: 0.999,
		Blocks: BlockConfig{Manager: blockmgmt.DefaultConfig()}}
	tree, err := namespace.New(cfg.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	l := &memLog{}
	n := &Namesystem{cfg: cfg, log: quietLogger(), now: time.Now, tree: tree, host: "localhost",
		leases: NewLeases(cfg.LeaseSoft, cfg.LeaseHard), retry: NewRetryCache(time.Minute, 1000),
		groups: NewGroups(func(string) []string { return nil }, time.Minute, time.Minute),
		safe:   NewSafeMode(cfg.SafemodeThreshold, 0), elog: l,
		toOps: func(recs []namespace.Record, clientID []byte, callID int32) ([]*editlog.Op, error) {
			return journal.ToOps(recs, journal.RPCID{ClientID: clientID, CallID: callID})
		}}
	bs, err := newBlockSide(cfg.Blocks, "BP-1-127.0.0.1-1", nil, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	n.bs, n.blockPoolID = bs, "BP-1-127.0.0.1-1"
	return n, l
}

// FuzzClientProtocol decodes arbitrary bytes as the request of every
// ClientProtocol method and serves it: whatever a client sends, the
// handlers answer or fail, never panic, and every edit they log replays
// onto a fresh namespace to the same tree.
func FuzzClientProtocol(f *testing.F) {
	seeds := []proto.Message{}
	_ = seeds
	f.Add(uint8(0), []byte("\x0a\x02/a\x12\x03\x08\xed\x03\x18\x01"))
	f.Add(uint8(1), []byte("\x0a\x04/a/b\x10\x01"))
	f.Add(uint8(2), []byte{})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		n, l := newMemNamesystem(t)
		p := clientrpc.Protocol(n, clientrpc.DefaultConfig())
		names := make([]string, 0, len(p.Methods))
		for name := range p.Methods {
			names = append(names, name)
		}
		sort.Strings(names)
		ctx := hadooprpc.ContextWithCaller(context.Background(), hadooprpc.Caller{User: "hdfs",
			ClientID: []byte("0123456789abcdef"), CallID: 1})
		// A directory tree to work on, then the fuzzed call.
		for _, setup := range []string{"mkdirs", "mkdirs"} {
			h := p.Methods[setup]
			req := h.NewRequest()
			_ = proto.Unmarshal([]byte("\x0a\x04/a/b\x12\x03\x08\xed\x03\x18\x01"), req)
			h.Call(ctx, req)
		}
		h := p.Methods[names[int(which)%len(names)]]
		req := h.NewRequest()
		if proto.Unmarshal(data, req) != nil {
			return
		}
		h.Call(ctx, req)

		replayed, err := namespace.New(n.cfg.Namespace)
		if err != nil {
			t.Fatal(err)
		}
		ids := IDs{}
		ap := &applier{tree: replayed, ids: &ids}
		for _, op := range l.ops {
			if err := ap.apply(op); err != nil {
				t.Fatalf("replaying %s: %v", op.Code, err)
			}
		}
		if a, b := n.tree.Stats().Inodes, replayed.Stats().Inodes; a != b {
			t.Fatalf("live tree has %d inodes, replayed %d", a, b)
		}
	})
}

// FuzzDatanodeProtocol serves arbitrary bytes as the request of every
// DatanodeProtocol method, after a DataNode registered: a hostile or
// broken DataNode gets answers or errors, never a panic.
func FuzzDatanodeProtocol(f *testing.F) {
	f.Add(uint8(0), []byte{})
	f.Add(uint8(3), []byte("\x0a\x00\x12\x05BP-1-"))
	f.Add(uint8(5), []byte("\x0a\x2a\x0a\x1c\x0a\x09127.0.0.1\x12\x09localhost\x1a\x04uuid\x20\x01\x28\x02\x30\x03"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		n, _ := newMemNamesystem(t)
		p := dnrpc.Protocol(dnServer{n})
		names := make([]string, 0, len(p.Methods))
		for name := range p.Methods {
			names = append(names, name)
		}
		sort.Strings(names)
		ctx := hadooprpc.ContextWithCaller(context.Background(), hadooprpc.Caller{User: "hdfs"})
		reg := &dnrpc.Registration{ID: blocks.DatanodeID{IPAddr: "127.0.0.1", HostName: "localhost", UUID: "uuid", XferPort: 1, IPCPort: 2}}
		dnServer{n}.RegisterDatanode(ctx, reg)
		h := p.Methods[names[int(which)%len(names)]]
		req := h.NewRequest()
		if proto.Unmarshal(data, req) != nil {
			return
		}
		h.Call(ctx, req)
	})
}

// FuzzNamenodeProtocol serves arbitrary bytes as the request of every
// NamenodeProtocol method, with a DataNode registered and reported and
// a file's complete block on it: a hostile balancer or standby gets
// answers or errors, never a panic.
func FuzzNamenodeProtocol(f *testing.F) {
	seed, _ := proto.Marshal(&pb.GetBlocksRequestProto{Datanode: fuzzDNID, Size: proto.Uint64(1 << 20),
		MinBlockSize: proto.Uint64(0), TimeInterval: proto.Uint64(1000)})
	for i := range 8 {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), seed)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		n, _ := newMemNamesystem(t)
		ctx := hadooprpc.ContextWithCaller(context.Background(), hadooprpc.Caller{User: "hdfs",
			ClientID: []byte("0123456789abcdef"), CallID: 1})
		withReportedBlock(t, ctx, n)
		p := nnrpc.Protocol(nnServer{n})
		names := make([]string, 0, len(p.Methods))
		for name := range p.Methods {
			names = append(names, name)
		}
		sort.Strings(names)
		h := p.Methods[names[int(which)%len(names)]]
		req := h.NewRequest()
		if proto.Unmarshal(data, req) != nil {
			return
		}
		h.Call(ctx, req)
	})
}

var fuzzDNID = &hdfspb.DatanodeIDProto{IpAddr: proto.String("127.0.0.1"), HostName: proto.String("localhost"),
	DatanodeUuid: proto.String("uuid"), XferPort: proto.Uint32(1), InfoPort: proto.Uint32(0), IpcPort: proto.Uint32(2)}

// withReportedBlock registers a DataNode with one storage on n, has it
// send its first full report, and writes /f with one complete block
// whose replica the DataNode reports, all through the RPC handlers.
// getBlocks must then find the block.
func withReportedBlock(t *testing.T, ctx context.Context, n *Namesystem) {
	t.Helper()
	cp, dp := clientrpc.Protocol(n, clientrpc.DefaultConfig()), dnrpc.Protocol(dnServer{n})
	call := func(p hadooprpc.Protocol, method string, req proto.Message) proto.Message {
		t.Helper()
		resp, err := p.Methods[method].Call(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		return resp
	}
	storage := &hdfspb.DatanodeStorageProto{StorageUuid: proto.String("DS-fuzz")}
	reg := call(dp, "registerDatanode", &dpb.RegisterDatanodeRequestProto{Registration: &dpb.DatanodeRegistrationProto{
		DatanodeID: fuzzDNID, StorageInfo: &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(0xffffffc7),
			NamespceID: proto.Uint32(0), ClusterID: proto.String(""), CTime: proto.Uint64(0)},
		Keys: dnrpc.NoKeys(), SoftwareVersion: proto.String("3.4.1")}}).(*dpb.RegisterDatanodeResponseProto).GetRegistration()
	call(dp, "sendHeartbeat", &dpb.HeartbeatRequestProto{Registration: reg, Reports: []*hdfspb.StorageReportProto{{
		StorageUuid: storage.StorageUuid, Capacity: proto.Uint64(100 << 30), DfsUsed: proto.Uint64(0),
		Remaining: proto.Uint64(90 << 30), BlockPoolUsed: proto.Uint64(0), Storage: storage}}})
	num, bufs := blocklist.EncodeBuffers(nil)
	call(dp, "blockReport", &dpb.BlockReportRequestProto{Registration: reg, BlockPoolId: proto.String(n.blockPoolID),
		Reports: []*dpb.StorageBlockReportProto{{Storage: storage, NumberOfBlocks: proto.Uint64(num), BlocksBuffers: bufs}},
		Context: &dpb.BlockReportContextProto{TotalRpcs: proto.Int32(1), CurRpc: proto.Int32(0), Id: proto.Int64(1)}})

	const client = "DFSClient_fuzz"
	fileID := call(cp, "create", &hdfspb.CreateRequestProto{Src: proto.String("/f"), Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o644)},
		ClientName: proto.String(client), CreateFlag: proto.Uint32(1), CreateParent: proto.Bool(true),
		Replication: proto.Uint32(1), BlockSize: proto.Uint64(1 << 20)}).(*hdfspb.CreateResponseProto).GetFs().GetFileId()
	last := call(cp, "addBlock", &hdfspb.AddBlockRequestProto{Src: proto.String("/f"), ClientName: proto.String(client),
		FileId: proto.Uint64(fileID)}).(*hdfspb.AddBlockResponseProto).GetBlock().GetB()
	last.NumBytes = proto.Uint64(513)
	call(dp, "blockReceivedAndDeleted", &dpb.BlockReceivedAndDeletedRequestProto{Registration: reg,
		BlockPoolId: proto.String(n.blockPoolID), Blocks: []*dpb.StorageReceivedDeletedBlocksProto{{
			StorageUuid: storage.StorageUuid, Blocks: []*dpb.ReceivedDeletedBlockInfoProto{{
				Block:  &hdfspb.BlockProto{BlockId: last.BlockId, GenStamp: last.GenerationStamp, NumBytes: last.NumBytes},
				Status: dpb.ReceivedDeletedBlockInfoProto_RECEIVED.Enum()}}}}})
	done := call(cp, "complete", &hdfspb.CompleteRequestProto{Src: proto.String("/f"), ClientName: proto.String(client),
		Last: last, FileId: proto.Uint64(fileID)}).(*hdfspb.CompleteResponseProto)
	if !done.GetResult() {
		t.Fatal("complete: false with the replica reported")
	}
	got := call(nnrpc.Protocol(nnServer{n}), "getBlocks", &pb.GetBlocksRequestProto{Datanode: fuzzDNID, Size: proto.Uint64(1 << 20),
		MinBlockSize: proto.Uint64(0)})
	if bs := got.(*pb.GetBlocksResponseProto).GetBlocks().GetBlocks(); len(bs) != 1 {
		t.Fatalf("getBlocks found %d blocks, want 1", len(bs))
	}
}

package namenode

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/dnrpc"
	dpb "github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// fakeDN is a DataNode as the NameNode sees it: DatanodeProtocol calls
// over real RPC, with the replicas it claims to hold.
type fakeDN struct {
	t       *testing.T
	nn      *testNN
	reg     *dpb.DatanodeRegistrationProto
	storage string
}

func newFakeDN(t *testing.T, nn *testNN, i int) *fakeDN {
	t.Helper()
	var ver hdfspb.VersionResponseProto
	dn := &fakeDN{t: t, nn: nn, storage: fmt.Sprintf("DS-fake-%d", i)}
	dn.call("versionRequest", &hdfspb.VersionRequestProto{}, &ver)
	info := dnrpc.NamespaceInfoOf(ver.GetInfo())
	reg := &dnrpc.Registration{
		ID: blocks.DatanodeID{IPAddr: "127.0.0.1", HostName: "localhost", UUID: fmt.Sprintf("uuid-%d", i),
			XferPort: 40000 + i, InfoPort: 41000 + i, IPCPort: 42000 + i},
		Storage:         dnrpc.StorageInfo{LayoutVersion: -57, NamespaceID: info.Storage.NamespaceID, ClusterID: info.Storage.ClusterID, CTime: info.Storage.CTime},
		SoftwareVersion: "3.4.1",
	}
	var resp dpb.RegisterDatanodeResponseProto
	dn.call("registerDatanode", &dpb.RegisterDatanodeRequestProto{Registration: dnrpc.RegistrationProto(reg)}, &resp)
	dn.reg = resp.GetRegistration()
	dn.heartbeat()
	dn.blockReport(nil)
	return dn
}

func (dn *fakeDN) call(method string, req, resp proto.Message) {
	dn.t.Helper()
	if err := dn.try(method, req, resp); err != nil {
		dn.t.Fatalf("%s: %v", method, err)
	}
}

func (dn *fakeDN) try(method string, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return dn.nn.client.Call(ctx, dn.nn.d.ServiceRPCAddr(), dnrpc.ProtocolName, method, req, resp)
}

func (dn *fakeDN) heartbeat() *dpb.HeartbeatResponseProto {
	var resp dpb.HeartbeatResponseProto
	dn.call("sendHeartbeat", &dpb.HeartbeatRequestProto{Registration: dn.reg, Reports: []*hdfspb.StorageReportProto{{
		StorageUuid: proto.String(dn.storage), Capacity: proto.Uint64(100 << 30), DfsUsed: proto.Uint64(0),
		Remaining: proto.Uint64(90 << 30), BlockPoolUsed: proto.Uint64(0),
		Storage: &hdfspb.DatanodeStorageProto{StorageUuid: proto.String(dn.storage)}}}}, &resp)
	return &resp
}

func (dn *fakeDN) blockReport(reps []blocklist.Replica) *dpb.BlockReportResponseProto {
	num, bufs := blocklist.EncodeBuffers(reps)
	var resp dpb.BlockReportResponseProto
	dn.call("blockReport", &dpb.BlockReportRequestProto{Registration: dn.reg, BlockPoolId: proto.String(dn.nn.d.ns.blockPoolID),
		Reports: []*dpb.StorageBlockReportProto{{Storage: &hdfspb.DatanodeStorageProto{StorageUuid: proto.String(dn.storage)},
			NumberOfBlocks: proto.Uint64(num), BlocksBuffers: bufs}},
		Context: &dpb.BlockReportContextProto{TotalRpcs: proto.Int32(1), CurRpc: proto.Int32(0), Id: proto.Int64(1)}}, &resp)
	return &resp
}

func (dn *fakeDN) received(b *hdfspb.ExtendedBlockProto, length uint64) {
	dn.call("blockReceivedAndDeleted", &dpb.BlockReceivedAndDeletedRequestProto{Registration: dn.reg,
		BlockPoolId: proto.String(dn.nn.d.ns.blockPoolID), Blocks: []*dpb.StorageReceivedDeletedBlocksProto{{
			StorageUuid: proto.String(dn.storage), Blocks: []*dpb.ReceivedDeletedBlockInfoProto{{
				Block:  &hdfspb.BlockProto{BlockId: b.BlockId, GenStamp: b.GenerationStamp, NumBytes: proto.Uint64(length)},
				Status: dpb.ReceivedDeletedBlockInfoProto_RECEIVED.Enum()}}}}}, &dpb.BlockReceivedAndDeletedResponseProto{})
}

// A file written through three registered DataNodes: addBlock places the
// block on all three, complete waits for a replica to be reported, the
// file's locations name the nodes, and deleting it sends them
// DNA_INVALIDATE.
func TestWriteThroughRegisteredDataNodes(t *testing.T) {
	c, cfg := newTestConf(t, t.TempDir(), map[string]string{"dfs.namenode.servicerpc-address": "127.0.0.1:0",
		"dfs.namenode.redundancy.considerLoad": "false"})
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	var dns []*fakeDN
	for i := range 3 {
		dns = append(dns, newFakeDN(t, nn, i))
	}
	var rep hdfspb.GetDatanodeReportResponseProto
	nn.mustCall("getDatanodeReport", &hdfspb.GetDatanodeReportRequestProto{Type: hdfspb.DatanodeReportTypeProto_LIVE.Enum()}, &rep)
	if len(rep.GetDi()) != 3 {
		t.Fatalf("live DataNodes: %d, want 3", len(rep.GetDi()))
	}

	const client = "DFSClient_test"
	var cr hdfspb.CreateResponseProto
	nn.mustCall("create", &hdfspb.CreateRequestProto{Src: proto.String("/f"), Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o644)},
		ClientName: proto.String(client), CreateFlag: proto.Uint32(1), CreateParent: proto.Bool(true),
		Replication: proto.Uint32(3), BlockSize: proto.Uint64(1 << 20)}, &cr)
	fileID := cr.GetFs().GetFileId()
	var ab hdfspb.AddBlockResponseProto
	nn.mustCall("addBlock", &hdfspb.AddBlockRequestProto{Src: proto.String("/f"), ClientName: proto.String(client), FileId: proto.Uint64(fileID)}, &ab)
	lb := ab.GetBlock()
	if len(lb.GetLocs()) != 3 || len(lb.GetStorageIDs()) != 3 {
		t.Fatalf("addBlock placed the block on %d nodes (%v), want 3", len(lb.GetLocs()), lb.GetStorageIDs())
	}
	last := lb.GetB()
	last.NumBytes = proto.Uint64(513)
	complete := func() bool {
		var resp hdfspb.CompleteResponseProto
		nn.mustCall("complete", &hdfspb.CompleteRequestProto{Src: proto.String("/f"), ClientName: proto.String(client),
			Last: last, FileId: proto.Uint64(fileID)}, &resp)
		return resp.GetResult()
	}
	if complete() {
		t.Fatal("complete succeeded before any replica was reported")
	}
	dns[0].received(last, 513)
	if !complete() {
		t.Fatal("complete failed with a reported replica")
	}
	var locs hdfspb.GetBlockLocationsResponseProto
	nn.mustCall("getBlockLocations", &hdfspb.GetBlockLocationsRequestProto{Src: proto.String("/f"), Offset: proto.Uint64(0), Length: proto.Uint64(1 << 20)}, &locs)
	got := locs.GetLocations()
	if got.GetFileLength() != 513 || len(got.GetBlocks()) != 1 || len(got.GetBlocks()[0].GetLocs()) != 1 {
		t.Fatalf("locations: %v", got)
	}
	if id := got.GetBlocks()[0].GetLocs()[0].GetId(); id.GetDatanodeUuid() != "uuid-0" {
		t.Fatalf("the replica is on %s, want uuid-0", id.GetDatanodeUuid())
	}

	var del hdfspb.DeleteResponseProto
	nn.mustCall("delete", &hdfspb.DeleteRequestProto{Src: proto.String("/f"), Recursive: proto.Bool(false)}, &del)
	resp := dns[0].heartbeat()
	var invalidated []uint64
	for _, cmd := range resp.GetCmds() {
		if cmd.GetBlkCmd().GetAction() == dpb.BlockCommandProto_INVALIDATE {
			for _, b := range cmd.GetBlkCmd().GetBlocks() {
				invalidated = append(invalidated, b.GetBlockId())
			}
		}
	}
	if len(invalidated) != 1 || invalidated[0] != last.GetBlockId() {
		t.Fatalf("after delete the DataNode was told to invalidate %v, want [%d]", invalidated, last.GetBlockId())
	}
}

// With no DataNode, addBlock answers as Hadoop does.
func TestAddBlockWithoutDataNodes(t *testing.T) {
	c, cfg := newTestConf(t, t.TempDir(), nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	var cr hdfspb.CreateResponseProto
	nn.mustCall("create", &hdfspb.CreateRequestProto{Src: proto.String("/g"), Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o644)},
		ClientName: proto.String("c"), CreateFlag: proto.Uint32(1), CreateParent: proto.Bool(true),
		Replication: proto.Uint32(3), BlockSize: proto.Uint64(1 << 20)}, &cr)
	err := nn.call("addBlock", &hdfspb.AddBlockRequestProto{Src: proto.String("/g"), ClientName: proto.String("c")}, &hdfspb.AddBlockResponseProto{})
	var re *hadooprpc.RemoteError
	want := "File /g could only be written to 0 of the 1 minReplication nodes. There are 0 datanode(s) running and 0 node(s) are excluded in this operation."
	if !errors.As(err, &re) || re.Message != want {
		t.Fatalf("addBlock: %v\nwant %s", err, want)
	}
}

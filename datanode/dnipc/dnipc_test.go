package dnipc

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

type fakeDN struct {
	asked []string
}

func (f *fakeDN) ReplicaVisibleLength(_ context.Context, b blocks.Extended) (int64, error) {
	if b.ID != 7 {
		return 0, &hadooprpc.RemoteError{Class: "org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException", Message: "Replica not found for " + b.PoolID}
	}
	return 513, nil
}
func (f *fakeDN) RefreshNamenodes(context.Context) error {
	f.asked = append(f.asked, "refresh")
	return nil
}
func (f *fakeDN) DeleteBlockPool(context.Context, string, bool) error { return nil }
func (f *fakeDN) BlockLocalPath(context.Context, blocks.Extended) (string, string, error) {
	return "", "", &hadooprpc.RemoteError{Class: hadooprpc.ClassAccessControl, Message: "not allowed"}
}
func (f *fakeDN) Shutdown(context.Context, bool) error { return nil }
func (f *fakeDN) EvictWriters(context.Context) error   { return nil }
func (f *fakeDN) LocalInfo(context.Context) (LocalInfo, error) {
	return LocalInfo{SoftwareVersion: "3.4.1", ConfigVersion: "core-3.0.0", UptimeSeconds: 42}, nil
}
func (f *fakeDN) VolumeReport(context.Context) ([]VolumeInfo, error) {
	return []VolumeInfo{{Path: "/d1", Type: blocks.SSD, Used: 1, Free: 2, NumBlocks: 3}}, nil
}
func (f *fakeDN) TriggerBlockReport(_ context.Context, inc bool, nn string) error {
	f.asked = append(f.asked, "trigger:"+nn)
	return nil
}
func (f *fakeDN) BalancerBandwidth(context.Context) (int64, error) { return 100 << 20, nil }
func (f *fakeDN) StartReconfiguration(context.Context) error {
	f.asked = append(f.asked, "reconfigure")
	return nil
}
func (f *fakeDN) ReconfigurationStatus(context.Context) (ReconfigStatus, error) {
	return ReconfigStatus{Start: time.UnixMilli(1000), End: time.UnixMilli(2000), Changes: []ReconfigChange{
		{Name: "a", Old: "1", OldSet: true, New: "2", NewSet: true},
		{Name: "b", New: "x", NewSet: true, Err: `For input string: "x"`},
		{Name: "c", Old: "5", OldSet: true}}}, nil
}
func (f *fakeDN) ReconfigurableProperties(context.Context) ([]string, error) {
	return []string{"a", "b"}, nil
}

func call(t *testing.T, p hadooprpc.Protocol, method string, req proto.Message) (proto.Message, error) {
	t.Helper()
	h, ok := p.Methods[method]
	if !ok {
		t.Fatalf("%s not served", method)
	}
	b, _ := proto.Marshal(req)
	r := h.NewRequest()
	if err := proto.Unmarshal(b, r); err != nil {
		t.Fatal(err)
	}
	return h.Call(context.Background(), r)
}

func TestClientDatanodeProtocolAnswers(t *testing.T) {
	dn := &fakeDN{}
	p := ClientDatanodeProtocol(dn)
	ext := blockpb.Extended(blocks.Extended{PoolID: "BP-1", ID: 7, GenStamp: 1001})
	resp, err := call(t, p, "getReplicaVisibleLength", &hdfspb.GetReplicaVisibleLengthRequestProto{Block: ext})
	if err != nil || resp.(*hdfspb.GetReplicaVisibleLengthResponseProto).GetLength() != 513 {
		t.Fatalf("visible length: %v %v", resp, err)
	}
	_, err = call(t, p, "getReplicaVisibleLength", &hdfspb.GetReplicaVisibleLengthRequestProto{Block: blockpb.Extended(blocks.Extended{ID: 8})})
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Class != "org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException" {
		t.Fatalf("missing replica: %v", err)
	}
	resp, _ = call(t, p, "getDatanodeInfo", &hdfspb.GetDatanodeInfoRequestProto{})
	if li := resp.(*hdfspb.GetDatanodeInfoResponseProto).GetLocalInfo(); li.GetUptime() != 42 || li.GetSoftwareVersion() != "3.4.1" {
		t.Fatalf("info: %v", li)
	}
	resp, _ = call(t, p, "getVolumeReport", &hdfspb.GetVolumeReportRequestProto{})
	if v := resp.(*hdfspb.GetVolumeReportResponseProto).GetVolumeInfo(); len(v) != 1 || v[0].GetStorageType() != hdfspb.StorageTypeProto_SSD || v[0].GetNumBlocks() != 3 {
		t.Fatalf("volumes: %v", v)
	}
	call(t, p, "triggerBlockReport", &hdfspb.TriggerBlockReportRequestProto{Incremental: proto.Bool(false), NnAddress: proto.String("nn1:8020")})
	call(t, p, "refreshNamenodes", &hdfspb.RefreshNamenodesRequestProto{})
	if len(dn.asked) != 2 || dn.asked[0] != "trigger:nn1:8020" {
		t.Fatalf("asked %v", dn.asked)
	}
	call(t, p, "startReconfiguration", &hdfspb.StartReconfigurationRequestProto{})
	if dn.asked[2] != "reconfigure" {
		t.Fatalf("asked %v", dn.asked)
	}
	resp, _ = call(t, p, "listReconfigurableProperties", &hdfspb.ListReconfigurablePropertiesRequestProto{})
	if names := resp.(*hdfspb.ListReconfigurablePropertiesResponseProto).GetName(); len(names) != 2 || names[1] != "b" {
		t.Fatalf("properties %v", names)
	}
	if _, ok := p.Methods["submitDiskBalancerPlan"]; ok {
		t.Fatal("the disk balancer is not served and must answer as an unknown method")
	}
}

// A reconfiguration status crosses the wire as Hadoop's translators
// carry it: times only once set, an unset old value as "", an unset new
// value left out; a running task has no end and no changes.
func TestReconfigStatusRoundTrip(t *testing.T) {
	dn := &fakeDN{}
	resp, err := call(t, ClientDatanodeProtocol(dn), "getReconfigurationStatus", &hdfspb.GetReconfigurationStatusRequestProto{})
	if err != nil {
		t.Fatal(err)
	}
	p := resp.(*hdfspb.GetReconfigurationStatusResponseProto)
	if p.GetStartTime() != 1000 || p.GetEndTime() != 2000 || len(p.GetChanges()) != 3 {
		t.Fatalf("status %v", p)
	}
	if c := p.GetChanges()[1]; c.OldValue == nil || c.GetOldValue() != "" || c.GetErrorMessage() != `For input string: "x"` {
		t.Fatalf("failed change %v", c)
	}
	if c := p.GetChanges()[2]; c.NewValue != nil || c.ErrorMessage != nil {
		t.Fatalf("unset change %v", c)
	}
	want, _ := dn.ReconfigurationStatus(context.Background())
	got := ReconfigStatusOf(p)
	if !got.Start.Equal(want.Start) || !got.End.Equal(want.End) || !slices.Equal(got.Changes, want.Changes) {
		t.Fatalf("decoded %+v, want %+v", got, want)
	}
	running := ReconfigStatusProto(ReconfigStatus{Start: time.UnixMilli(1000), Changes: want.Changes})
	if running.EndTime != nil || len(running.Changes) != 0 {
		t.Fatalf("running task %v", running)
	}
	if none := ReconfigStatusOf(ReconfigStatusProto(ReconfigStatus{})); !none.Start.IsZero() || !none.End.IsZero() {
		t.Fatalf("no task %+v", none)
	}
}

type fakeRecoverer struct{ got Recovering }

func (f *fakeRecoverer) InitReplicaRecovery(_ context.Context, rb Recovering) (*RecoveryInfo, error) {
	f.got = rb
	if rb.Block.ID == 9 {
		return nil, nil
	}
	return &RecoveryInfo{State: RBW, ID: rb.Block.ID, NumBytes: 700, GenStamp: rb.Block.GenStamp}, nil
}

func (f *fakeRecoverer) UpdateReplicaUnderRecovery(_ context.Context, b blocks.Extended, rid, nid, n int64) (string, error) {
	return "DS-x", nil
}

func TestInterDatanodeProtocolAnswers(t *testing.T) {
	r := &fakeRecoverer{}
	p := InterDatanodeProtocol(r)
	lb := &blocks.Located{Block: blocks.Extended{PoolID: "BP-1", ID: 5, GenStamp: 1001}, Offset: -1}
	req := &hdfspb.InitReplicaRecoveryRequestProto{Block: &hdfspb.RecoveringBlockProto{NewGenStamp: proto.Uint64(1003), Block: blockpb.Located(lb)}}
	resp, err := call(t, p, "initReplicaRecovery", req)
	if err != nil {
		t.Fatal(err)
	}
	got := resp.(*hdfspb.InitReplicaRecoveryResponseProto)
	if !got.GetReplicaFound() || got.GetState() != hdfspb.ReplicaStateProto_RBW || got.GetBlock().GetNumBytes() != 700 || r.got.NewGenStamp != 1003 {
		t.Fatalf("init: %v, asked %+v", got, r.got)
	}
	lb.Block.ID = 9
	req.Block.Block = blockpb.Located(lb)
	resp, _ = call(t, p, "initReplicaRecovery", req)
	if resp.(*hdfspb.InitReplicaRecoveryResponseProto).GetReplicaFound() {
		t.Fatal("a missing replica must answer replicaFound=false")
	}
	resp, _ = call(t, p, "updateReplicaUnderRecovery", &hdfspb.UpdateReplicaUnderRecoveryRequestProto{
		Block: blockpb.Extended(lb.Block), RecoveryId: proto.Uint64(1003), NewLength: proto.Uint64(600)})
	if resp.(*hdfspb.UpdateReplicaUnderRecoveryResponseProto).GetStorageUuid() != "DS-x" {
		t.Fatal("storage uuid")
	}
}

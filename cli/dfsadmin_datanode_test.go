package cli

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// fakeDN serves ClientDatanodeProtocol's admin methods with fixed answers
// and records what it was asked.
type fakeDN struct {
	mu   sync.Mutex
	reqs []proto.Message
}

func serveFakeDN(t *testing.T) (*fakeDN, string) {
	t.Helper()
	f := &fakeDN{}
	h := func(newReq func() proto.Message, resp proto.Message) hadooprpc.Handler {
		return hadooprpc.Handler{NewRequest: newReq, Call: func(_ context.Context, req proto.Message) (proto.Message, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.reqs = append(f.reqs, req)
			return resp, nil
		}}
	}
	p := hadooprpc.Protocol{Name: dnipc.ClientDatanodeProtocolName, Version: dnipc.ProtocolVersion, Methods: map[string]hadooprpc.Handler{
		"triggerBlockReport": h(func() proto.Message { return new(hdfspb.TriggerBlockReportRequestProto) }, &hdfspb.TriggerBlockReportResponseProto{}),
		"getBalancerBandwidth": h(func() proto.Message { return new(hdfspb.GetBalancerBandwidthRequestProto) },
			&hdfspb.GetBalancerBandwidthResponseProto{Bandwidth: proto.Uint64(100 << 20)}),
		"getDatanodeInfo": h(func() proto.Message { return new(hdfspb.GetDatanodeInfoRequestProto) },
			&hdfspb.GetDatanodeInfoResponseProto{LocalInfo: &hdfspb.DatanodeLocalInfoProto{
				SoftwareVersion: proto.String("3.4.1"), ConfigVersion: proto.String("core-3.0.0,hdfs-1"), Uptime: proto.Uint64(12)}}),
		"evictWriters":     h(func() proto.Message { return new(hdfspb.EvictWritersRequestProto) }, &hdfspb.EvictWritersResponseProto{}),
		"shutdownDatanode": h(func() proto.Message { return new(hdfspb.ShutdownDatanodeRequestProto) }, &hdfspb.ShutdownDatanodeResponseProto{}),
		"refreshNamenodes": h(func() proto.Message { return new(hdfspb.RefreshNamenodesRequestProto) }, &hdfspb.RefreshNamenodesResponseProto{}),
		"deleteBlockPool":  h(func() proto.Message { return new(hdfspb.DeleteBlockPoolRequestProto) }, &hdfspb.DeleteBlockPoolResponseProto{}),
		"getVolumeReport": h(func() proto.Message { return new(hdfspb.GetVolumeReportRequestProto) }, &hdfspb.GetVolumeReportResponseProto{
			VolumeInfo: []*hdfspb.DatanodeVolumeInfoProto{
				{Path: proto.String("/data/1"), StorageType: hdfspb.StorageTypeProto_DISK.Enum(), UsedSpace: proto.Uint64(1572864),
					FreeSpace: proto.Uint64(10 << 30), ReservedSpace: proto.Uint64(0), ReservedSpaceForReplicas: proto.Uint64(512), NumBlocks: proto.Uint64(3)},
				{Path: proto.String("/ssd/1"), StorageType: hdfspb.StorageTypeProto_SSD.Enum(), UsedSpace: proto.Uint64(0),
					FreeSpace: proto.Uint64(2 << 20), ReservedSpace: proto.Uint64(1 << 20), ReservedSpaceForReplicas: proto.Uint64(0), NumBlocks: proto.Uint64(0)},
			}}),
		"startReconfiguration": h(func() proto.Message { return new(hdfspb.StartReconfigurationRequestProto) }, &hdfspb.StartReconfigurationResponseProto{}),
		"getReconfigurationStatus": h(func() proto.Message { return new(hdfspb.GetReconfigurationStatusRequestProto) },
			&hdfspb.GetReconfigurationStatusResponseProto{StartTime: proto.Int64(1795500000000), EndTime: proto.Int64(1795500001000),
				Changes: []*hdfspb.GetReconfigurationStatusConfigChangeProto{
					{Name: proto.String("dfs.datanode.balance.max.concurrent.moves"), OldValue: proto.String(""), NewValue: proto.String("7")},
					{Name: proto.String("dfs.blockreport.split.threshold"), OldValue: proto.String("1000"), NewValue: proto.String("lots"),
						ErrorMessage: proto.String(`For input string: "lots"`)},
					{Name: proto.String("dfs.datanode.max.transfer.threads"), OldValue: proto.String("4096")},
				}}),
		"listReconfigurableProperties": h(func() proto.Message { return new(hdfspb.ListReconfigurablePropertiesRequestProto) },
			&hdfspb.ListReconfigurablePropertiesResponseProto{Name: []string{"dfs.datanode.balance.max.concurrent.moves", "dfs.blockreport.intervalMsec"}}),
	}}
	return f, serveProtocol(t, p)
}

func (f *fakeDN) last() proto.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		return nil
	}
	return f.reqs[len(f.reqs)-1]
}

// The commands DFSAdmin sends to a DataNode's IPC port print what the
// stock shell prints and send what it sends.
func TestDataNodeCommands(t *testing.T) {
	f, dn := serveFakeDN(t)
	for _, c := range []struct {
		args     []string
		code     int
		out, err string
		req      proto.Message // the request the DataNode got, when one
	}{
		{args: []string{"-triggerBlockReport", dn}, out: "Triggering a full block report on " + dn + ".\n",
			req: &hdfspb.TriggerBlockReportRequestProto{Incremental: proto.Bool(false)}},
		{args: []string{"-triggerBlockReport", "-incremental", dn, "-namenode", "nn1.example.com:8020"},
			out: "Triggering an incremental block report on " + dn + " to namenode nn1.example.com:8020.\n",
			req: &hdfspb.TriggerBlockReportRequestProto{Incremental: proto.Bool(true), NnAddress: proto.String("nn1.example.com:8020")}},
		{args: []string{"-triggerBlockReport", "-incremental"}, code: 1, err: "You must specify a host:port pair.\n"},
		{args: []string{"-triggerBlockReport", dn, "extra"}, code: 1, err: "Can't understand arguments: extra\n"},
		{args: []string{"-triggerBlockReport", dn, "-namenode"}, code: 255,
			err: "triggerBlockReport: option -namenode requires 1 argument.\nUsage: hdfs dfsadmin [-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]\n"},
		{args: []string{"-getBalancerBandwidth", dn}, out: "Balancer bandwidth is 104857600 bytes per second.\n",
			req: &hdfspb.GetBalancerBandwidthRequestProto{}},
		{args: []string{"-getDatanodeInfo", dn}, out: "Uptime: 12, Software version: 3.4.1, Config version: core-3.0.0,hdfs-1\n",
			req: &hdfspb.GetDatanodeInfoRequestProto{}},
		{args: []string{"-evictWriters", dn}, out: "Requested writer eviction to datanode " + dn + "\n", req: &hdfspb.EvictWritersRequestProto{}},
		{args: []string{"-shutdownDatanode", dn, "UPGRADE"}, out: "Submitted a shutdown request to datanode " + dn + "\n",
			req: &hdfspb.ShutdownDatanodeRequestProto{ForUpgrade: proto.Bool(true)}},
		{args: []string{"-shutdownDatanode", dn, "later"}, code: 255,
			err: "Usage: hdfs dfsadmin [-shutdownDatanode <datanode_host:ipc_port> [upgrade]]\n"},
		{args: []string{"-refreshNamenodes", dn}, req: &hdfspb.RefreshNamenodesRequestProto{}},
		{args: []string{"-deleteBlockPool", dn, "BP-1-127.0.0.1-1", "force"},
			req: &hdfspb.DeleteBlockPoolRequestProto{BlockPool: proto.String("BP-1-127.0.0.1-1"), Force: proto.Bool(true)}},
		{args: []string{"-deleteBlockPool", dn, "BP-1-127.0.0.1-1", "now"}, code: 255,
			err: "Usage: hdfs dfsadmin [-deleteBlockPool datanode-host:ipc_port blockpoolId [force]]\n"},
		{args: []string{"-getVolumeReport", dn}, req: &hdfspb.GetVolumeReportRequestProto{}, out: "Active Volumes : 2\n" +
			"\nDirectory: /data/1\nStorageType: DISK\nCapacity Used: 1572864(1.50 MB)\nCapacity Left: 10737418240(10 GB)\n" +
			"Capacity Reserved: 0(0 B)\nReserved Space for Replicas: 512(512 B)\nBlocks: 3\n" +
			"\nDirectory: /ssd/1\nStorageType: SSD\nCapacity Used: 0(0 B)\nCapacity Left: 2097152(2 MB)\n" +
			"Capacity Reserved: 1048576(1 MB)\nReserved Space for Replicas: 0(0 B)\nBlocks: 0\n"},
		{args: []string{"-reconfig", "datanode", dn, "start"}, out: "Started reconfiguration task on node [" + dn + "].\n",
			req: &hdfspb.StartReconfigurationRequestProto{}},
		{args: []string{"-reconfig", "datanode", dn, "status"}, req: &hdfspb.GetReconfigurationStatusRequestProto{},
			out: "Reconfiguring status for node [" + dn + "]: started at Tue Nov 24 06:00:00 UTC 2026 and finished at Tue Nov 24 06:00:01 UTC 2026.\n" +
				"SUCCESS: Changed property dfs.datanode.balance.max.concurrent.moves\n\tFrom: \"\"\n\tTo: \"7\"\n" +
				"FAILED: Change property dfs.blockreport.split.threshold\n\tFrom: \"1000\"\n\tTo: \"lots\"\n\tError: For input string: \"lots\".\n" +
				"SUCCESS: Changed property dfs.datanode.max.transfer.threads\n\tFrom: \"4096\"\n\tTo: \"null\"\n"},
		{args: []string{"-reconfig", "datanode", dn, "properties"}, req: &hdfspb.ListReconfigurablePropertiesRequestProto{},
			out: "Node [" + dn + "] Reconfigurable properties:\ndfs.datanode.balance.max.concurrent.moves\ndfs.blockreport.intervalMsec\n"},
		{args: []string{"-reconfig", "datanode", dn, "restart"}, code: 255, err: "Unknown operation: restart\n"},
		{args: []string{"-reconfig", "journalnode", dn, "start"}, code: 1, out: "Started reconfiguration task on node [" + dn + "].\n",
			err: "Node type journalnode does not support reconfiguration.\n"},
		{args: []string{"-reconfig", "namenode", "livenodes", "status"}, code: 1, err: "Only datanode type supports reconfiguration in bulk.\n"},
		{args: []string{"-reconfig", "datanode", dn}, code: 255,
			err: "Usage: hdfs dfsadmin [-reconfig <namenode|datanode> <host:ipc_port> <start|status|properties>]\n"},
		{args: []string{"-getDatanodeInfo", "nohostport"}, code: 255,
			err: "getDatanodeInfo: Does not contain a valid host:port authority: nohostport\nUsage: hdfs dfsadmin [-getDatanodeInfo <datanode_host:ipc_port>]\n"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			before := f.last()
			code, out, errs, _ := runAdmin(t, nil, c.args...)
			if code != c.code || out != c.out || errs != c.err {
				t.Fatalf("exit %d, stdout %q, stderr %q\nwant exit %d, stdout %q, stderr %q", code, out, errs, c.code, c.out, c.err)
			}
			got := f.last()
			if c.req == nil {
				if got != before {
					t.Fatalf("the DataNode was called: %v", got)
				}
				return
			}
			if !proto.Equal(got, c.req) {
				t.Fatalf("the DataNode got %v, want %v", got, c.req)
			}
		})
	}
}

// A DataNode that is not there: Hadoop's "Datanode unreachable." with the
// connection failure, exit status 255.
func TestDataNodeCommandOnADeadPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	code, out, errs, _ := runAdmin(t, nil, "-getBalancerBandwidth", dead)
	want := "getBalancerBandwidth: Datanode unreachable. java.io.IOException: Call to " + dead + " failed on connection exception: java.net.ConnectException: Connection refused"
	if code != 255 || out != "" || !strings.HasPrefix(errs, want) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 255 and %q", code, out, errs, want)
	}
	code, _, errs, _ = runAdmin(t, nil, "-triggerBlockReport", dead)
	if want := "triggerBlockReport error: java.io.IOException: Call to " + dead; code != 1 || !strings.HasPrefix(errs, want) {
		t.Fatalf("exit %d, stderr %q; want 1 and %q", code, errs, want)
	}
}

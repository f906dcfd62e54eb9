package datanode

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func portOf(t *testing.T, addr string) uint32 {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return uint32(n)
}

func TestDataNodeRegistersWithItsBoundPortsAndStorageUUIDThenReportsItsReplicas(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	b := fsdataset.Block{ID: 1073741825, GenStamp: 1001}
	_, _, sid := putReplica(t, dirs, b, pattern(1500))
	c, cfg := testConfig(t, nn.addr(), dirs...)
	d := startDaemon(t, c, cfg)

	nn.waitFor("a registration", func() bool { return len(nn.mu.regs) > 0 })
	nn.mu.Lock()
	id := nn.mu.regs[0].GetDatanodeID()
	sw := nn.mu.regs[0].GetSoftwareVersion()
	nn.mu.Unlock()
	if id.GetXferPort() != portOf(t, d.XferAddr()) || id.GetIpcPort() != portOf(t, d.IPCAddr()) || id.GetInfoPort() != portOf(t, d.HTTPAddr()) {
		t.Errorf("registered ports xfer=%d ipc=%d info=%d; listening on %s %s %s", id.GetXferPort(), id.GetIpcPort(), id.GetInfoPort(),
			d.XferAddr(), d.IPCAddr(), d.HTTPAddr())
	}
	if id.GetDatanodeUuid() == "" || id.GetDatanodeUuid() != d.Dataset().DatanodeUUID() {
		t.Errorf("registered uuid %q, storage holds %q", id.GetDatanodeUuid(), d.Dataset().DatanodeUUID())
	}
	if id.GetIpAddr() != "127.0.0.1" || id.GetHostName() == "" || sw != "3.4.1" {
		t.Errorf("registered ip %q host %q version %q", id.GetIpAddr(), id.GetHostName(), sw)
	}
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })
	nn.mu.Lock()
	got := nn.mu.reports[sid][0]
	nn.mu.Unlock()
	if got.ID != b.ID || got.GenStamp != b.GenStamp || got.NumBytes != 1500 {
		t.Errorf("reported %+v", got)
	}
	nn.waitFor("a heartbeat with the data server's load", func() bool {
		n := len(nn.mu.heartbeats)
		return n > 0 && nn.mu.heartbeats[n-1].GetXceiverCount() == 3 && len(nn.mu.heartbeats[n-1].GetReports()) == 1
	})
	if !strings.Contains(d.log.String(), `msg="DataNode up" xfer=`+d.XferAddr()+" ipc="+d.IPCAddr()+" http="+d.HTTPAddr()) {
		t.Errorf("no DataNode up line in:\n%s", d.log.String())
	}
}

func TestInvalidateDeletesTheFilesThenReportsTheReplicaDeleted(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	b := fsdataset.Block{ID: 1073741826, GenStamp: 1002}
	data, meta, sid := putReplica(t, dirs, b, pattern(700))
	c, cfg := testConfig(t, nn.addr(), dirs...)
	startDaemon(t, c, cfg)
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })

	nn.queue(&datanodepb.DatanodeCommandProto{CmdType: datanodepb.DatanodeCommandProto_BlockCommand.Enum(),
		BlkCmd: &datanodepb.BlockCommandProto{Action: datanodepb.BlockCommandProto_INVALIDATE.Enum(), BlockPoolId: proto.String(testBPID),
			Blocks: []*hdfspb.BlockProto{{BlockId: proto.Uint64(uint64(b.ID)), GenStamp: proto.Uint64(uint64(b.GenStamp)), NumBytes: proto.Uint64(700)}}}})
	nn.waitFor("a DELETED report", func() bool {
		for _, e := range nn.mu.ibrs {
			if e.id == b.ID && e.status == datanodepb.ReceivedDeletedBlockInfoProto_DELETED && e.storage == sid {
				return true
			}
		}
		return false
	})
	for _, p := range []string{data, meta} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there after DNA_INVALIDATE (%v)", p, err)
		}
	}
}

func TestTransferCommandHandsValidReplicasToTheDataServerAndReportsInvalidOnes(t *testing.T) {
	fd := useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	b := fsdataset.Block{ID: 1073741827, GenStamp: 1003}
	_, _, sid := putReplica(t, dirs, b, pattern(300))
	c, cfg := testConfig(t, nn.addr(), dirs...)
	startDaemon(t, c, cfg)
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })

	target := &hdfspb.DatanodeInfoProto{Id: &hdfspb.DatanodeIDProto{IpAddr: proto.String("10.0.0.9"), HostName: proto.String("dn9"),
		DatanodeUuid: proto.String("u9"), XferPort: proto.Uint32(9866), InfoPort: proto.Uint32(9864), IpcPort: proto.Uint32(9867)}}
	blk := func(id, gs int64) *hdfspb.BlockProto {
		return &hdfspb.BlockProto{BlockId: proto.Uint64(uint64(id)), GenStamp: proto.Uint64(uint64(gs)), NumBytes: proto.Uint64(300)}
	}
	nn.queue(&datanodepb.DatanodeCommandProto{CmdType: datanodepb.DatanodeCommandProto_BlockCommand.Enum(),
		BlkCmd: &datanodepb.BlockCommandProto{Action: datanodepb.BlockCommandProto_TRANSFER.Enum(), BlockPoolId: proto.String(testBPID),
			Blocks:             []*hdfspb.BlockProto{blk(b.ID, b.GenStamp), blk(99, 1)},
			Targets:            []*hdfspb.DatanodeInfosProto{{Datanodes: []*hdfspb.DatanodeInfoProto{target}}, {Datanodes: []*hdfspb.DatanodeInfoProto{target}}},
			TargetStorageUuids: []*hdfspb.StorageUuidsProto{{StorageUuids: []string{"DS-9"}}, {StorageUuids: []string{"DS-9"}}},
			TargetStorageTypes: []*hdfspb.StorageTypesProto{{StorageTypes: []hdfspb.StorageTypeProto{hdfspb.StorageTypeProto_SSD}},
				{StorageTypes: []hdfspb.StorageTypeProto{hdfspb.StorageTypeProto_DISK}}}}})
	nn.waitFor("an INVALID_BLOCK error report for the missing replica", func() bool {
		for _, e := range nn.mu.errs {
			if e.GetErrorCode() == 2 && strings.Contains(e.GetMsg(), "Can't send invalid block "+testBPID+":blk_99_1") {
				return true
			}
		}
		return false
	})
	nn.waitFor("the transfer", func() bool { return len(fd.list()) == 1 })
	if got, want := fd.list()[0], testBPID+":blk_1073741827_1003->10.0.0.9:9866/SSD/DS-9"; got != want {
		t.Errorf("transfer %q, want %q", got, want)
	}
}

func TestRecoveryAsPrimarySyncsTheFinalizedLengthAndCommitsToTheActiveNameNode(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	b := fsdataset.Block{ID: 1073741828, GenStamp: 1004}
	_, _, sid := putReplica(t, dirs, b, pattern(1024))
	// Peer A holds an RBW replica as long as the finalized one: it joins.
	// Peer B holds a shorter RWR one: a finalized replica wins, B is left out.
	pa := startPeer(t, "uuid-a", &dnipc.RecoveryInfo{State: dnipc.RBW, ID: b.ID, NumBytes: 1024, GenStamp: 1004})
	pb := startPeer(t, "uuid-b", &dnipc.RecoveryInfo{State: dnipc.RWR, ID: b.ID, NumBytes: 500, GenStamp: 1004})
	c, cfg := testConfig(t, nn.addr(), dirs...)
	d := startDaemon(t, c, cfg)
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })

	self := &blocks.DatanodeInfo{DatanodeID: blocksID(d.ID())}
	locs := []blocks.DatanodeInfo{*self, blockpb.DatanodeInfoOf(pa.datanodeInfo()), blockpb.DatanodeInfoOf(pb.datanodeInfo())}
	lb := blockpb.Located(&blocks.Located{Block: blocks.Extended{PoolID: testBPID, ID: b.ID, GenStamp: b.GenStamp, NumBytes: 1024}, Locs: locs})
	nn.queue(&datanodepb.DatanodeCommandProto{CmdType: datanodepb.DatanodeCommandProto_BlockRecoveryCommand.Enum(),
		RecoveryCmd: &datanodepb.BlockRecoveryCommandProto{Blocks: []*hdfspb.RecoveringBlockProto{{NewGenStamp: proto.Uint64(1005), Block: lb}}}})
	nn.waitFor("commitBlockSynchronization", func() bool { return len(nn.mu.commits) == 1 })
	nn.mu.Lock()
	cm := nn.mu.commits[0]
	nn.mu.Unlock()
	if cm.GetNewGenStamp() != 1005 || cm.GetNewLength() != 1024 || !cm.GetCloseFile() || cm.GetDeleteBlock() ||
		cm.GetBlock().GetBlockId() != uint64(b.ID) || cm.GetBlock().GetGenerationStamp() != 1004 {
		t.Fatalf("commit %v", cm)
	}
	var uuids []string
	for _, id := range cm.GetNewTaragets() {
		uuids = append(uuids, id.GetDatanodeUuid())
	}
	if strings.Join(uuids, ",") != d.ID().DatanodeUUID+",uuid-a" || strings.Join(cm.GetNewTargetStorages(), ",") != sid+",DS-uuid-a" {
		t.Errorf("targets %v storages %v", uuids, cm.GetNewTargetStorages())
	}
	if got := pa.got(); len(got) != 1 || got[0] != "blk_1073741828_1004 len=1024 -> gs=1005 id=1073741828 len=1024" {
		t.Errorf("peer A updates %q", got)
	}
	if got := pb.got(); len(got) != 0 {
		t.Errorf("peer B (shorter RWR) was updated: %q", got)
	}
	if r, ok := d.Dataset().Get(testBPID, b.ID); !ok || r.GenStamp != 1005 || r.State != fsdataset.Finalized || r.NumBytes != 1024 {
		t.Errorf("local replica after recovery: %v %v", r, ok)
	}
	nn.waitFor("the recovered replica reported received", func() bool {
		for _, e := range nn.mu.ibrs {
			if e.id == b.ID && e.gs == 1005 && e.status == datanodepb.ReceivedDeletedBlockInfoProto_RECEIVED {
				return true
			}
		}
		return false
	})
}

func TestBlockScannerReportsAReplicaWithAFlippedByte(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	good := fsdataset.Block{ID: 1073741829, GenStamp: 1005}
	bad := fsdataset.Block{ID: 1073741830, GenStamp: 1006}
	putReplica(t, dirs, good, pattern(2000))
	data, _, sid := putReplica(t, dirs, bad, pattern(2000))
	flipByte(t, data, 1234)
	c, cfg := testConfig(t, nn.addr(), dirs...)
	startDaemon(t, c, cfg)
	nn.waitFor("reportBadBlocks", func() bool { return len(nn.mu.bad) > 0 })
	nn.mu.Lock()
	defer nn.mu.Unlock()
	if len(nn.mu.bad) != 1 {
		t.Fatalf("%d bad blocks reported, want 1", len(nn.mu.bad))
	}
	lb := nn.mu.bad[0]
	if lb.GetB().GetBlockId() != uint64(bad.ID) || len(lb.GetStorageIDs()) != 1 || lb.GetStorageIDs()[0] != sid {
		t.Errorf("reported %v", lb)
	}
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x40
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func TestDirectoryScannerDropsAReplicaWhoseFileIsGoneAndReportsIt(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	b := fsdataset.Block{ID: 1073741831, GenStamp: 1007}
	data, _, sid := putReplica(t, dirs, b, pattern(100))
	c, cfg := testConfig(t, nn.addr(), dirs...)
	d := startDaemon(t, c, cfg)
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })
	if err := os.Remove(data); err != nil {
		t.Fatal(err)
	}
	if res := d.directoryScan(testBPID); res.Removed != 1 {
		t.Fatalf("directory scan %+v, want one replica removed", res)
	}
	if _, ok := d.Dataset().Get(testBPID, b.ID); ok {
		t.Error("replica still in the map")
	}
	nn.waitFor("DELETED and a new full report without it", func() bool {
		deleted := false
		for _, e := range nn.mu.ibrs {
			deleted = deleted || e.id == b.ID && e.status == datanodepb.ReceivedDeletedBlockInfoProto_DELETED
		}
		return deleted && len(nn.mu.reports[sid]) == 0
	})
}

func TestStartingTwiceOnTheSameDirsFailsNamingTheLock(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	c, cfg := testConfig(t, nn.addr(), dirs...)
	startDaemon(t, c, cfg)
	_, err := Start(context.Background(), c, cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		t.Fatal("second DataNode started on locked dirs")
	}
	if !strings.Contains(err.Error(), dirs[0]) || !strings.Contains(strings.ToLower(err.Error()), "lock") {
		t.Errorf("error %q does not name the locked dir", err)
	}
}

func TestClientDatanodeProtocolAnswersAndShutdownStopsTheDaemon(t *testing.T) {
	fd := useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	b := fsdataset.Block{ID: 1073741832, GenStamp: 1008}
	_, _, sid := putReplica(t, dirs, b, pattern(600))
	c, cfg := testConfig(t, nn.addr(), dirs...)
	d := startDaemon(t, c, cfg)
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })
	cl := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "alice", ConnectRetries: -1, Logger: slog.New(slog.DiscardHandler)})
	defer cl.Close()
	call := func(m string, req, resp proto.Message) error {
		return cl.Call(context.Background(), d.IPCAddr(), dnipc.ClientDatanodeProtocolName, m, req, resp)
	}
	info := &hdfspb.GetDatanodeInfoResponseProto{}
	if err := call("getDatanodeInfo", &hdfspb.GetDatanodeInfoRequestProto{}, info); err != nil {
		t.Fatal(err)
	}
	if li := info.GetLocalInfo(); li.GetSoftwareVersion() != "3.4.1" || !strings.HasPrefix(li.GetConfigVersion(), "core-") {
		t.Errorf("datanode info %v", li)
	}
	vl := &hdfspb.GetReplicaVisibleLengthResponseProto{}
	ext := blockpb.Extended(blocks.Extended{PoolID: testBPID, ID: b.ID, GenStamp: b.GenStamp})
	if err := call("getReplicaVisibleLength", &hdfspb.GetReplicaVisibleLengthRequestProto{Block: ext}, vl); err != nil || vl.GetLength() != 600 {
		t.Errorf("visible length %d, %v", vl.GetLength(), err)
	}
	err := call("getBlockLocalPathInfo", &hdfspb.GetBlockLocalPathInfoRequestProto{Block: ext, Token: blockpb.EmptyToken()},
		&hdfspb.GetBlockLocalPathInfoResponseProto{})
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Class != hadooprpc.ClassAccessControl ||
		re.Message != "Can't continue with getBlockLocalPathInfo() authorization. The user alice is not configured in dfs.block.local-path-access.user" {
		t.Errorf("getBlockLocalPathInfo: %v", err)
	}
	bw := &hdfspb.GetBalancerBandwidthResponseProto{}
	if err := call("getBalancerBandwidth", &hdfspb.GetBalancerBandwidthRequestProto{}, bw); err != nil || bw.GetBandwidth() != 100<<20 {
		t.Errorf("balancer bandwidth %d, %v", bw.GetBandwidth(), err)
	}
	if err := call("evictWriters", &hdfspb.EvictWritersRequestProto{}, &hdfspb.EvictWritersResponseProto{}); err != nil || fd.evictions() != 1 {
		t.Errorf("evictWriters: %v (evicted %d)", err, fd.evictions())
	}
	nn.mu.Lock()
	before := nn.mu.reportRPCs
	nn.mu.Unlock()
	if err := call("triggerBlockReport", &hdfspb.TriggerBlockReportRequestProto{Incremental: proto.Bool(false)},
		&hdfspb.TriggerBlockReportResponseProto{}); err != nil {
		t.Fatal(err)
	}
	nn.waitFor("the triggered full block report", func() bool { return nn.mu.reportRPCs > before })
	// An incremental trigger for this NameNode, and one for a NameNode the
	// DataNode does not know, are both accepted.
	for _, addr := range []string{nn.addr(), "nn9.example.com:8020"} {
		if err := call("triggerBlockReport", &hdfspb.TriggerBlockReportRequestProto{Incremental: proto.Bool(true), NnAddress: proto.String(addr)},
			&hdfspb.TriggerBlockReportResponseProto{}); err != nil {
			t.Fatalf("incremental triggerBlockReport to %s: %v", addr, err)
		}
	}
	if err := call("shutdownDatanode", &hdfspb.ShutdownDatanodeRequestProto{ForUpgrade: proto.Bool(false)},
		&hdfspb.ShutdownDatanodeResponseProto{}); err != nil {
		t.Fatal(err)
	}
	if err := <-d.done; err != nil {
		t.Fatalf("Run after shutdownDatanode: %v", err)
	}
	d.done <- nil // for the cleanup
	// The volume lock is released: a new DataNode starts on the dirs.
	d2, err := Start(context.Background(), c, cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("restart after shutdown: %v", err)
	}
	d2.Close()
}

// shutdownDatanode for an upgrade closes the data server for a restart,
// with dfs.datanode.restart.replica.expiration; a plain one does not.
func TestShutdownForUpgradeIsARestart(t *testing.T) {
	for _, tc := range []struct {
		forUpgrade bool
		expiration string
		want       time.Duration
	}{
		{true, "", 50 * time.Second},
		{true, "20", 20 * time.Second},
		{false, "", 0},
	} {
		fd := useFakeData(t)
		nn := startFakeNameNode(t)
		c, cfg := testConfig(t, nn.addr(), tempDirs(t, 1)...)
		if tc.expiration != "" {
			c.Set("dfs.datanode.restart.replica.expiration", tc.expiration)
			read, err := ConfigFrom(c)
			if err != nil {
				t.Fatal(err)
			}
			cfg.RestartExpiry = read.RestartExpiry
		}
		d := startDaemon(t, c, cfg)
		cl := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "alice", ConnectRetries: -1, Logger: slog.New(slog.DiscardHandler)})
		if err := cl.Call(context.Background(), d.IPCAddr(), dnipc.ClientDatanodeProtocolName, "shutdownDatanode",
			&hdfspb.ShutdownDatanodeRequestProto{ForUpgrade: proto.Bool(tc.forUpgrade)}, &hdfspb.ShutdownDatanodeResponseProto{}); err != nil {
			t.Fatal(err)
		}
		cl.Close()
		if err := <-d.done; err != nil {
			t.Fatalf("Run after shutdownDatanode: %v", err)
		}
		d.done <- nil // for the cleanup
		fd.mu.Lock()
		got := fd.restartExpiry
		fd.mu.Unlock()
		if got != tc.want {
			t.Errorf("forUpgrade=%v expiration %q: closed for a restart of %v, want %v", tc.forUpgrade, tc.expiration, got, tc.want)
		}
	}
}

func TestJMXServesDataNodeInfoAndDatasetState(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	_, _, sid := putReplica(t, dirs, fsdataset.Block{ID: 1073741833, GenStamp: 1009}, pattern(10))
	c, cfg := testConfig(t, nn.addr(), dirs...)
	d := startDaemon(t, c, cfg)
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })
	resp, err := http.Get("http://" + d.HTTPAddr() + "/jmx?qry=Hadoop:service=DataNode,name=*")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var out struct {
		Beans []map[string]any `json:"beans"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	byName := map[string]map[string]any{}
	for _, b := range out.Beans {
		byName[b["name"].(string)] = b
	}
	info := byName["Hadoop:service=DataNode,name=DataNodeInfo"]
	if info == nil || info["Version"] != "3.4.1" || info["XceiverCount"] != 3.0 || info["ClusterId"] != testClusterID {
		t.Fatalf("DataNodeInfo %v", info)
	}
	var nns map[string]string
	if err := json.Unmarshal([]byte(info["NamenodeAddresses"].(string)), &nns); err != nil || nns["127.0.0.1"] != testBPID {
		t.Errorf("NamenodeAddresses %v (%v)", info["NamenodeAddresses"], err)
	}
	var vols map[string]map[string]any
	if err := json.Unmarshal([]byte(info["VolumeInfo"].(string)), &vols); err != nil || vols[dirs[0]+"/current"]["numBlocks"] != 1.0 {
		t.Errorf("VolumeInfo %v (%v)", info["VolumeInfo"], err)
	}
	st := byName["Hadoop:service=DataNode,name=FSDatasetState-"+d.ID().DatanodeUUID]
	if st == nil || st["NumFailedVolumes"] != 0.0 {
		t.Errorf("FSDatasetState %v", st)
	}
	for _, p := range []string{"/conf", "/stacks", "/debug/pprof/"} {
		r, err := http.Get("http://" + d.HTTPAddr() + p)
		if err != nil || r.StatusCode != 200 {
			t.Errorf("GET %s: %v %v", p, r, err)
		}
		if r != nil {
			r.Body.Close()
		}
	}
}

func TestFreshDataDirsAreMadeWithTheirPermissionAndFormattedForTheRegisteredUUID(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	c, cfg := testConfig(t, nn.addr(), dirs...)
	startDaemon(t, c, cfg)
	nn.waitFor("a registration and a heartbeat with the new storage", func() bool {
		n := len(nn.mu.heartbeats)
		return len(nn.mu.regs) > 0 && n > 0 && len(nn.mu.heartbeats[n-1].GetReports()) == 1
	})
	nn.mu.Lock()
	uuid := nn.mu.regs[0].GetDatanodeID().GetDatanodeUuid()
	nn.mu.Unlock()
	st, err := os.Stat(dirs[0])
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("data dir %v, %v; want mode 700", st, err)
	}
	v, err := os.ReadFile(filepath.Join(dirs[0], "current", "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(v), "datanodeUuid="+uuid+"\n") || !strings.Contains(string(v), "clusterID="+testClusterID+"\n") {
		t.Errorf("VERSION after the first handshake:\n%s\nwant datanodeUuid=%s", v, uuid)
	}
}

// DataNode.runDatanodeDaemon: once no block pool service is left, the
// DataNode exits.
func TestDataNodeStopsWhenEveryNameNodeRefusedIt(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	dirs := tempDirs(t, 1)
	c, cfg := testConfig(t, nn.addr(), dirs...)
	d := startDaemon(t, c, cfg)
	d.wantErr = true
	nn.waitFor("a heartbeat", func() bool { return len(nn.mu.heartbeats) > 0 })
	nn.mu.Lock()
	nn.mu.refuse = true
	nn.mu.Unlock()
	select {
	case err := <-d.done:
		if err == nil || !strings.Contains(err.Error(), "every block pool service has stopped") {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("the DataNode kept running with no NameNode to serve")
	}
	d.done <- nil
}

// refreshNamenodes (BlockPoolManager.refreshNamenodes): a nameservice added
// to the configuration gets a service of its own, which registers and
// reports its block pool; a nameservice left unchanged keeps its service
// (no new registration); a nameservice taken out stops being talked to,
// and the DataNode goes on serving the others.
func TestRefreshNamenodesAddsAndRemovesNameservices(t *testing.T) {
	const bp2 = "BP-2-127.0.0.1-2"
	nn1, nn2 := startFakeNameNode(t), startFakeNameNodeOf(t, bp2)
	dirs := tempDirs(t, 1)
	federated := func(nss ...string) *conf.Conf {
		c, _ := testConfig(t, nn1.addr(), dirs...)
		c.Set("dfs.nameservices", strings.Join(nss, ","))
		c.Set("dfs.namenode.rpc-address.ns1", nn1.addr())
		c.Set("dfs.namenode.rpc-address.ns2", nn2.addr())
		return c
	}
	var next atomic.Pointer[conf.Conf]
	c := federated("ns1")
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HeartbeatInterval = 50 * time.Millisecond
	d := startDaemonWith(t, c, cfg, Options{Reload: func() (*conf.Conf, error) { return next.Load(), nil }})
	nn1.waitFor("the first block report", func() bool { return nn1.mu.reportRPCs > 0 })
	nn1.mu.Lock()
	regs1 := len(nn1.mu.regs)
	nn1.mu.Unlock()

	cl := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "alice", ConnectRetries: -1, Logger: slog.New(slog.DiscardHandler)})
	defer cl.Close()
	refresh := func() error {
		return cl.Call(context.Background(), d.IPCAddr(), dnipc.ClientDatanodeProtocolName, "refreshNamenodes",
			&hdfspb.RefreshNamenodesRequestProto{}, &hdfspb.RefreshNamenodesResponseProto{})
	}

	next.Store(federated("ns1", "ns2"))
	if err := refresh(); err != nil {
		t.Fatalf("refreshNamenodes adding ns2: %v", err)
	}
	nn2.waitFor("ns2's registration and block report", func() bool { return len(nn2.mu.regs) > 0 && nn2.mu.reportRPCs > 0 })
	if got := d.blockPools(); !slices.Equal(sorted(got), []string{testBPID, bp2}) {
		t.Errorf("block pools in service %v", got)
	}
	nn1.mu.Lock()
	if len(nn1.mu.regs) != regs1 {
		t.Errorf("ns1 registered again (%d registrations, had %d): its service should have been kept", len(nn1.mu.regs), regs1)
	}
	nn1.mu.Unlock()

	next.Store(federated("ns2"))
	if err := refresh(); err != nil {
		t.Fatalf("refreshNamenodes removing ns1: %v", err)
	}
	if got := d.blockPools(); !slices.Equal(got, []string{bp2}) {
		t.Errorf("block pools in service after removing ns1: %v", got)
	}
	nn1.mu.Lock()
	beats := len(nn1.mu.heartbeats)
	nn1.mu.Unlock()
	nn2.mu.Lock()
	beats2 := len(nn2.mu.heartbeats)
	nn2.mu.Unlock()
	nn2.waitFor("ns2's heartbeats going on", func() bool { return len(nn2.mu.heartbeats) >= beats2+4 })
	nn1.mu.Lock()
	if len(nn1.mu.heartbeats) != beats {
		t.Errorf("ns1 still gets heartbeats after its removal (%d, had %d)", len(nn1.mu.heartbeats), beats)
	}
	nn1.mu.Unlock()
	// ns1's pool is unloaded, kept on disk until deleteBlockPool; ns2's,
	// in service, cannot be deleted.
	if got := d.ds.BlockPools(); !slices.Equal(got, []string{bp2}) {
		t.Errorf("block pools loaded after removing ns1: %v", got)
	}
	bpDir := filepath.Join(dirs[0], "current", testBPID)
	if _, err := os.Stat(bpDir); err != nil {
		t.Fatalf("ns1's block pool left the disk: %v", err)
	}
	deletePool := func(bpid string) error {
		return cl.Call(context.Background(), d.IPCAddr(), dnipc.ClientDatanodeProtocolName, "deleteBlockPool",
			&hdfspb.DeleteBlockPoolRequestProto{BlockPool: proto.String(bpid), Force: proto.Bool(false)}, &hdfspb.DeleteBlockPoolResponseProto{})
	}
	var re *hadooprpc.RemoteError
	if err := deletePool(bp2); !errors.As(err, &re) || re.Message != "The block pool is still running. First do a refreshNamenodes to shutdown the block pool service" {
		t.Errorf("deleting the pool in service: %v", err)
	}
	if err := deletePool(testBPID); err != nil {
		t.Fatalf("deleting ns1's empty pool: %v", err)
	}
	if _, err := os.Stat(bpDir); !os.IsNotExist(err) {
		t.Errorf("ns1's block pool is still on disk: %v", err)
	}
	select {
	case err := <-d.done:
		t.Fatalf("the DataNode stopped: %v", err)
	default:
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

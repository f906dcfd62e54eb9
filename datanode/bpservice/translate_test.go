package bpservice

import (
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func captureFiles(t *testing.T, scenario, suffix string) []string {
	files, _ := filepath.Glob(filepath.Join(golden.Path(t, "hadoop-3.3.2", "captures", scenario), "*."+suffix+".bin"))
	if len(files) == 0 {
		t.Fatalf("%s: no captures", scenario)
	}
	return files
}

// Our requests, built from what the stock DataNode's requests say, are
// the stock DataNode's requests: registration, heartbeat, full and
// incremental reports.
func TestRequestsMatchStockDataNode(t *testing.T) {
	for _, scenario := range []string{"b1-dn-nn-fresh-cluster", "b2-dn-nn-restart"} {
		for _, file := range captureFiles(t, scenario, "c2s") {
			calls := rpccapture.Conn(t, file)
			var regReq datanodepb.RegisterDatanodeRequestProto
			rpccapture.Unmarshal(t, calls[1].Req, &regReq)
			stockReg := regReq.GetRegistration()
			si := stockReg.GetStorageInfo()
			ns := NamespaceInfo{NamespaceID: si.GetNamespceID(), ClusterID: si.GetClusterID(), CTime: si.GetCTime()}
			reg := registrationProto(datanodeIDFromProto(stockReg.GetDatanodeID()), DefaultLayoutVersion, ns, stockReg.GetSoftwareVersion())
			if !proto.Equal(reg, stockReg) {
				t.Fatalf("%s: registration\n%v\nwant\n%v", file, reg, stockReg)
			}
			for _, c := range calls[2:] {
				var got, want proto.Message
				switch c.Method {
				case "sendHeartbeat":
					var hb datanodepb.HeartbeatRequestProto
					rpccapture.Unmarshal(t, c.Req, &hb)
					var reports []StorageReport
					for _, r := range hb.GetReports() {
						reports = append(reports, StorageReport{Storage: storageFromProto(r.GetStorage()), Capacity: r.GetCapacity(),
							DFSUsed: r.GetDfsUsed(), Remaining: r.GetRemaining(), BlockPoolUsed: r.GetBlockPoolUsed(), NonDFSUsed: r.GetNonDfsUsed()})
					}
					st := HeartbeatStats{XmitsInProgress: hb.GetXmitsInProgress(), XceiverCount: hb.GetXceiverCount(), FailedVolumes: hb.GetFailedVolumes()}
					got, want = heartbeatProto(reg, reports, st, hb.GetRequestFullBlockReportLease()), &hb
				case "blockReport":
					var br datanodepb.BlockReportRequestProto
					rpccapture.Unmarshal(t, c.Req, &br)
					var reports []StorageBlockReport
					for _, r := range br.GetReports() {
						rs, err := blocklist.DecodeReport(r.NumberOfBlocks, r.GetBlocks(), r.GetBlocksBuffers())
						if err != nil {
							t.Fatal(err)
						}
						reports = append(reports, StorageBlockReport{Storage: storageFromProto(r.GetStorage()), Replicas: rs})
					}
					ctx := br.GetContext()
					got = blockReportProto(reg, br.GetBlockPoolId(), reports, true, ctx.GetTotalRpcs(), ctx.GetCurRpc(), ctx.GetId(), ctx.GetLeaseId())
					want = &br
				case "blockReceivedAndDeleted":
					var ibr datanodepb.BlockReceivedAndDeletedRequestProto
					rpccapture.Unmarshal(t, c.Req, &ibr)
					var reports []StorageIBR
					for _, s := range ibr.GetBlocks() {
						r := StorageIBR{Storage: storageFromProto(s.GetStorage())}
						for _, b := range s.GetBlocks() {
							r.Blocks = append(r.Blocks, BlockEvent{Block: blockFromProto(b.GetBlock()), Status: BlockStatus(b.GetStatus()), DeleteHint: b.GetDeleteHint()})
						}
						reports = append(reports, r)
					}
					got, want = ibrProto(reg, ibr.GetBlockPoolId(), reports), &ibr
				default:
					continue
				}
				if !proto.Equal(got, want) {
					t.Fatalf("%s call %d %s:\n%v\nwant\n%v", filepath.Base(file), c.CallID, c.Method, got, want)
				}
			}
		}
	}
}

func storageFromProto(p *hdfspb.DatanodeStorageProto) Storage {
	return Storage{UUID: p.GetStorageUuid(), State: StorageState(p.GetState()), Type: StorageType(p.GetStorageType())}
}

// Every command the stock NameNode sent in b1 translates: INVALIDATE with
// its blocks, block recovery with its locations (the NameNode sends no
// storage ids there) and new genstamp, FINALIZE after the first
// report, and the HA status of each heartbeat.
func TestRecordedCommandsTranslate(t *testing.T) {
	seen := map[CommandKind]int{}
	for _, file := range captureFiles(t, "b1-dn-nn-fresh-cluster", "c2s") {
		for _, call := range rpccapture.Conn(t, file) {
			if !call.OK {
				continue
			}
			id, body := call.CallID, call.Resp
			var cmds []Command
			switch call.Method {
			case "sendHeartbeat":
				var p datanodepb.HeartbeatResponseProto
				rpccapture.Unmarshal(t, body, &p)
				res := heartbeatFromProto(&p)
				if res.HA.State != Active || res.HA.TxID == 0 {
					t.Fatalf("call %d: HA status %+v", id, res.HA)
				}
				cmds = res.Commands
			case "blockReport":
				var p datanodepb.BlockReportResponseProto
				rpccapture.Unmarshal(t, body, &p)
				cmds = commandFromProto(p.GetCmd())
			}
			for _, c := range cmds {
				seen[c.Kind]++
				switch c.Kind {
				case CmdInvalidate:
					if c.BlockPoolID == "" || len(c.Blocks) == 0 || c.Blocks[0].ID < 1073741825 {
						t.Fatalf("invalidate %+v", c)
					}
				case CmdRecoverBlock:
					rb := c.Recover[0]
					if len(rb.Locations) == 0 || rb.NewGenStamp <= rb.Block.GenStamp {
						t.Fatalf("recovery %+v", rb)
					}
				case CmdFinalize:
					if !strings.HasPrefix(c.BlockPoolID, "BP-") {
						t.Fatalf("finalize %+v", c)
					}
				default:
					t.Fatalf("unexpected %v", c.Kind)
				}
			}
		}
	}
	if seen[CmdInvalidate] == 0 || seen[CmdRecoverBlock] == 0 || seen[CmdFinalize] != 3 {
		t.Fatalf("commands seen: %v", seen)
	}
}

func TestSplitReportsAtThreshold(t *testing.T) {
	reports := []StorageBlockReport{{Storage: disk1, Replicas: make([]blocklist.Replica, 3)}, {Storage: disk2, Replicas: make([]blocklist.Replica, 2)}}
	if got := splitReports(reports, 6); len(got) != 1 || len(got[0]) != 2 {
		t.Fatalf("below the threshold: %d RPCs", len(got))
	}
	if got := splitReports(reports, 5); len(got) != 2 || got[1][0].Storage != disk2 {
		t.Fatalf("at the threshold: %d RPCs", len(got))
	}
}

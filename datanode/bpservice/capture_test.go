package bpservice

import (
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
)

// ibrEvents decodes a recorded blockReceivedAndDeleted into the events a
// dataset would have posted.
func ibrEvents(t *testing.T, body []byte) (evs []func(*Service), received bool) {
	var req datanodepb.BlockReceivedAndDeletedRequestProto
	rpccapture.Unmarshal(t, body, &req)
	for _, s := range req.GetBlocks() {
		st := Storage{UUID: s.GetStorageUuid(), Type: Disk}
		if s.Storage != nil {
			st = Storage{UUID: s.GetStorage().GetStorageUuid(), State: StorageState(s.GetStorage().GetState()),
				Type: StorageType(s.GetStorage().GetStorageType())}
		}
		for _, b := range s.GetBlocks() {
			ev := BlockEvent{Block: blockFromProto(b.GetBlock()), Status: BlockStatus(b.GetStatus()), DeleteHint: b.GetDeleteHint()}
			received = received || ev.Status == Received
			evs = append(evs, func(svc *Service) { svc.NotifyBlock(st, ev) })
		}
	}
	return evs, received
}

// The request sequence of the stock 3.3.2 DataNode in scenarios b1 (fresh
// cluster, whole workload) and b2 (restart with data), replayed: the same
// replica events are posted to our actor at the same points of its
// conversation, and it must make the same calls in the same order.
// commitBlockSynchronization is left out: the block recovery worker sends
// it, not the actor. Where the stock DataNode sent RECEIVING or DELETED
// events without waiting for a heartbeat, they arrived while its previous
// report was in flight, and the replay posts them at that moment too.
func TestReplaysStockDataNodeSequence(t *testing.T) {
	for _, scenario := range []string{"b1-dn-nn-fresh-cluster", "b2-dn-nn-restart"} {
		files, _ := filepath.Glob(filepath.Join(golden.Path(t, "hadoop-3.3.2", "captures", scenario), "*.c2s.bin"))
		if len(files) == 0 {
			t.Fatalf("%s: no captures", scenario)
		}
		for _, file := range files {
			t.Run(scenario+"/"+filepath.Base(file), func(t *testing.T) {
				var stock []rpccapture.Call
				for _, c := range rpccapture.Conn(t, file) {
					if c.Method != "commitBlockSynchronization" {
						stock = append(stock, c)
					}
				}
				synctest.Test(t, func(t *testing.T) { replay(t, stock) })
			})
		}
	}
}

func replay(t *testing.T, stock []rpccapture.Call) {
	h := startHarness(t, testNamespace(blocklist.CapabilityStorageBlockReportBuffers), StorageIDs{})
	defer h.stop()
	synctest.Wait()
	want := make([]string, len(stock))
	for i, c := range stock {
		want[i] = c.Method
	}
	const opening = 4 // versionRequest, registerDatanode, sendHeartbeat, blockReport
	if got := h.nn.methods(); !slices.Equal(got, want[:opening]) {
		t.Fatalf("opening %v, want %v", got, want[:opening])
	}
	posted := -1
	for i := opening; i < len(stock); i++ {
		switch stock[i].Method {
		case "sendHeartbeat":
			// Events that wait for a heartbeat happened before it.
			if i+1 < len(stock) && stock[i+1].Method == "blockReceivedAndDeleted" {
				if evs, received := ibrEvents(t, stock[i+1].Req); !received {
					for _, ev := range evs {
						ev(h.svc)
					}
					posted = i + 1
				}
			}
			n := h.nn.count("sendHeartbeat")
			for h.nn.count("sendHeartbeat") == n {
				time.Sleep(100 * time.Millisecond)
				synctest.Wait()
			}
		case "blockReceivedAndDeleted":
			if posted != i {
				// Events that wait for a heartbeat but went out right after
				// this report arrived while it was in flight.
				if i+1 < len(stock) && stock[i+1].Method == "blockReceivedAndDeleted" {
					if evs, received := ibrEvents(t, stock[i+1].Req); !received {
						h.nn.mu.Lock()
						h.nn.mu.onIBR = func() {
							for _, ev := range evs {
								ev(h.svc)
							}
						}
						h.nn.mu.Unlock()
						posted = i + 1
					}
				}
				evs, _ := ibrEvents(t, stock[i].Req)
				for _, ev := range evs {
					ev(h.svc)
				}
			}
			synctest.Wait()
		default:
			t.Fatalf("stock call %d is %s", i, stock[i].Method)
		}
		if posted == i+1 {
			continue // its incremental report went out with the heartbeat
		}
		if got := h.nn.methods(); !slices.Equal(got, want[:i+1]) {
			t.Fatalf("after stock call %d (%s):\ngot  %v\nwant %v", i, stock[i].Method, got[max(0, len(got)-6):], want[max(0, i-5):i+1])
		}
	}
}

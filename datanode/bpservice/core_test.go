package bpservice

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// The stock DataNode's opening: handshake, register, a heartbeat asking
// for a lease, the first full report right after it, then a heartbeat
// every 3 s.
func TestRegistersThenHeartbeatsEvery3s(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	s.nodes[0].nn.brCmds = []Command{{Kind: CmdFinalize, BlockPoolID: "BP-1"}}
	s.run(10 * time.Second)
	s.expect(`
	0s versionRequest
	0s registerDatanode
	0s sendHeartbeat (asks for a report lease)
	0s blockReport lease=0x100
	0s run DNA_FINALIZE
	3s sendHeartbeat
	6s sendHeartbeat
	9s sendHeartbeat
	`)
}

// IncrementalBlockReportManager with dfs.blockreport.incremental.intervalMsec=0:
// a RECEIVED replica goes out at once, RECEIVING and DELETED wait for the
// next heartbeat, and only the latest event per block is sent.
func TestIncrementalReportTiming(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	s.run(4 * time.Second)
	s.out.Reset()
	c := s.nodes[0].core
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(1), Status: Receiving})
	s.event("blk_1 RECEIVING")
	s.run(500 * time.Millisecond)
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(2), Status: Received})
	s.event("blk_2 RECEIVED")
	s.run(500 * time.Millisecond)
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(3), Status: Receiving})
	c.NotifyBlock(s.now, disk2, BlockEvent{Block: blk(3), Status: Deleted})
	s.event("blk_3 RECEIVING then DELETED on DS-2")
	s.run(2 * time.Second)
	s.expect(`
	4s -- blk_1 RECEIVING
	4.5s -- blk_2 RECEIVED
	4.5s blockReceivedAndDeleted [DS-1 blk_1_1001 RECEIVING, DS-1 blk_2_1002 RECEIVED]
	5s -- blk_3 RECEIVING then DELETED on DS-2
	6s sendHeartbeat
	6s blockReceivedAndDeleted [DS-2 blk_3_1003 DELETED]
	`)
}

// With an incremental interval, RECEIVED replicas are batched: at most one
// report per interval.
func TestIncrementalIntervalBatches(t *testing.T) {
	s := newSim(t, Config{IBRInterval: 1 * time.Second}, "nn1")
	s.run(3100 * time.Millisecond)
	s.out.Reset()
	c := s.nodes[0].core
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(1), Status: Received})
	s.run(100 * time.Millisecond)
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(2), Status: Received})
	s.run(3 * time.Second)
	s.expect(`
	3.1s blockReceivedAndDeleted [DS-1 blk_1_1001 RECEIVED]
	4.1s blockReceivedAndDeleted [DS-1 blk_2_1002 RECEIVED]
	6s sendHeartbeat
	`)
}

// triggerBlockReport -incremental: DELETED and RECEIVING events, which
// would wait for the next heartbeat, go out at once, also inside the
// incremental interval; with nothing pending nothing is sent.
func TestTriggeredIncrementalReportGoesOutAtOnce(t *testing.T) {
	s := newSim(t, Config{IBRInterval: 2 * time.Second}, "nn1")
	s.run(3100 * time.Millisecond)
	s.out.Reset()
	c := s.nodes[0].core
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(1), Status: Received})
	s.run(100 * time.Millisecond)
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(2), Status: Deleted})
	c.NotifyBlock(s.now, disk2, BlockEvent{Block: blk(3), Status: Receiving})
	s.run(400 * time.Millisecond)
	c.TriggerIncrementalReport(s.now)
	s.event("triggerBlockReport -incremental")
	s.run(500 * time.Millisecond)
	c.TriggerIncrementalReport(s.now)
	s.event("triggerBlockReport -incremental, nothing pending")
	s.run(2 * time.Second)
	s.expect(`
	3.1s blockReceivedAndDeleted [DS-1 blk_1_1001 RECEIVED]
	3.6s -- triggerBlockReport -incremental
	3.6s blockReceivedAndDeleted [DS-1 blk_2_1002 DELETED, DS-2 blk_3_1003 RECEIVING]
	4.1s -- triggerBlockReport -incremental, nothing pending
	6s sendHeartbeat
	`)
}

// DNA_REGISTER: the DataNode handshakes and registers again, then heartbeats
// at once and sends a new full report; commands after it are dropped.
func TestRegisterCommandReregistersAndReports(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	s.run(4 * time.Second)
	s.out.Reset()
	s.nodes[0].nn.hbCmds = [][]Command{{
		{Kind: CmdInvalidate, Blocks: []Block{blk(1)}},
		{Kind: CmdRegister},
		{Kind: CmdInvalidate, Blocks: []Block{blk(2)}},
	}}
	s.run(5 * time.Second)
	s.expect(`
	6s sendHeartbeat
	6s run DNA_INVALIDATE(1 blocks)
	6s versionRequest
	6s registerDatanode
	6s sendHeartbeat (asks for a report lease)
	6s blockReport lease=0x101
	9s sendHeartbeat
	`)
}

// The periodic full report: after the first, a random point within the
// interval (rand gives its middle here), then every interval.
func TestFullReportEveryInterval(t *testing.T) {
	s := newSim(t, Config{HeartbeatInterval: time.Hour, BlockReportInterval: 2 * time.Hour}, "nn1")
	s.run(5*time.Hour + time.Minute)
	s.expect(`
	0s versionRequest
	0s registerDatanode
	0s sendHeartbeat (asks for a report lease)
	0s blockReport lease=0x100
	1h0m0s sendHeartbeat (asks for a report lease)
	1h0m0s blockReport lease=0x101
	2h0m0s sendHeartbeat
	3h0m0s sendHeartbeat (asks for a report lease)
	3h0m0s blockReport lease=0x102
	4h0m0s sendHeartbeat
	5h0m0s sendHeartbeat (asks for a report lease)
	5h0m0s blockReport lease=0x103
	`)
}

// dfs.blockreport.initialDelay > 0: the first report waits a random time
// within the delay (the injected rand picks its upper end here).
func TestInitialDelayIsRandomized(t *testing.T) {
	s := newSim(t, Config{InitialBlockReportDelay: 10 * time.Second}, "nn1")
	var asked []int64
	s.nodes[0].core.rand = func(n int64) int64 { asked = append(asked, n); return n - 1 }
	s.run(13 * time.Second)
	s.expect(`
	0s versionRequest
	0s registerDatanode
	0s sendHeartbeat
	3s sendHeartbeat
	6s sendHeartbeat
	9s sendHeartbeat
	12s sendHeartbeat (asks for a report lease)
	12s blockReport lease=0x100
	`)
	if len(asked) == 0 || asked[0] != int64(10*time.Second) {
		t.Fatalf("rand asked for %v, want the initial delay first", asked)
	}
}

// An unreachable NameNode: versionRequest is retried every 5 s, register
// I/O errors every 1 s, a register exception restarts the handshake.
func TestHandshakeRetries(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	nn := s.nodes[0].nn
	nn.failNext("versionRequest", errIO)
	s.run(4 * time.Second)
	nn.failNext("registerDatanode", errIO)
	s.run(2 * time.Second)
	s.expect(`
	0s versionRequest
	5s versionRequest
	5s registerDatanode
	6s registerDatanode
	6s sendHeartbeat (asks for a report lease)
	6s blockReport lease=0x100
	`)
	c := NewCore(Config{}, nil, nil)
	c.Next(epoch)
	c.VersionDone(epoch, nil)
	c.Next(epoch)
	c.RegisterDone(epoch, fmt.Errorf("%w: DisallowedDatanodeException", ErrRejected))
	if a := c.Next(epoch.Add(time.Second)); a.Kind != Wait || !a.Until.Equal(epoch.Add(5*time.Second)) {
		t.Fatalf("after a refused registration: %+v, want a wait for the 5 s handshake retry", a)
	}
	if a := c.Next(epoch.Add(5 * time.Second)); a.Kind != SendVersionRequest {
		t.Fatalf("then %v, want versionRequest", a.Kind)
	}
}

// A namespace mismatch at handshake ends the actor.
func TestNamespaceMismatchStops(t *testing.T) {
	c := NewCore(Config{}, nil, nil)
	c.Next(epoch)
	err := CheckNamespace(StorageIDs{ClusterID: "CID-a"}, NamespaceInfo{ClusterID: "CID-b"})
	c.VersionDone(epoch, err)
	a := c.Next(epoch)
	if a.Kind != Stop || !errors.Is(a.Err, ErrNamespaceMismatch) {
		t.Fatalf("got %v %v, want Stop with ErrNamespaceMismatch", a.Kind, a.Err)
	}
}

// offerService's exception handling: an I/O error sleeps 1 s and goes on;
// a failed incremental report is sent again; UnregisteredNodeException
// and friends stop the actor.
func TestErrorsInTheLoop(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	s.run(4 * time.Second)
	s.out.Reset()
	nn, c := s.nodes[0].nn, s.nodes[0].core
	nn.failNext("blockReceivedAndDeleted", errIO)
	c.NotifyBlock(s.now, disk1, BlockEvent{Block: blk(1), Status: Received})
	s.run(time.Second)
	nn.failNext("sendHeartbeat", fmt.Errorf("%w: UnregisteredNodeException", ErrRejected))
	s.run(10 * time.Second)
	s.expect(`
	4s blockReceivedAndDeleted [DS-1 blk_1_1001 RECEIVED]
	5s blockReceivedAndDeleted [DS-1 blk_1_1001 RECEIVED]
	6s sendHeartbeat
	`)
	if a := c.Next(s.now); a.Kind != Stop || !errors.Is(a.Err, ErrRejected) {
		t.Fatalf("got %v, want Stop", a.Kind)
	}
}

// InvalidBlockReportLeaseException drops the lease; the next heartbeat
// asks for a new one.
func TestInvalidLeaseAsksAgain(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	s.nodes[0].nn.failNext("blockReport", fmt.Errorf("%w: %w", ErrInvalidLease, ErrRemote))
	s.run(4 * time.Second)
	s.expect(`
	0s versionRequest
	0s registerDatanode
	0s sendHeartbeat (asks for a report lease)
	0s blockReport lease=0x100
	3s sendHeartbeat (asks for a report lease)
	3s blockReport lease=0x101
	`)
}

// Error reports and bad blocks are queued and sent after the wait of the
// current round; an I/O failure keeps them for the next round, an
// exception from the NameNode drops them.
func TestQueuedReports(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	s.run(time.Second)
	s.out.Reset()
	nn, c := s.nodes[0].nn, s.nodes[0].core
	c.ErrorReport(ErrorDiskError, "disk /data1 failed")
	c.ErrorReport(ErrorDiskError, "disk /data1 failed") // a duplicate
	c.ReportBadBlock(BadBlock{BlockPoolID: "BP-1", Block: blk(7), Storage: disk1})
	nn.failNext("errorReport", errIO)
	nn.failNext("reportBadBlocks", fmt.Errorf("%w: IOException", ErrRemote))
	s.run(6 * time.Second)
	s.expect(`
	3s errorReport 1 "disk /data1 failed"
	3s reportBadBlocks blk_7_1007
	3s sendHeartbeat
	6s errorReport 1 "disk /data1 failed"
	6s sendHeartbeat
	`)
}

// A forced full report goes out in the next round without a lease.
func TestForcedFullReport(t *testing.T) {
	s := newSim(t, Config{}, "nn1")
	s.run(time.Second)
	s.out.Reset()
	s.nodes[0].core.ForceFullBlockReport()
	s.run(3 * time.Second)
	s.expect(`
	3s sendHeartbeat
	3s blockReport lease=0x0
	`)
}

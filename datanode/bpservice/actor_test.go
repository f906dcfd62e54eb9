package bpservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/blocklist"
	"github.com/hdfsd/hdfsd/protos/datanodepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// harness runs a Service against fake NameNodes inside a synctest bubble.
type harness struct {
	nn      *fakeNameNode   // the first
	nns     []*fakeNameNode // "nn1:8021", "nn2:8021", ...
	client  *hadooprpc.Client
	svc     *Service
	ds      *fakeDataset
	handler *recordingHandler
	cancel  context.CancelFunc
	done    chan error
}

type harnessOpts struct {
	nameNodes int                           // 0 means 1
	failDials int                           // refuse the first connection attempts
	log       *slog.Logger                  // nil means quiet
	setup     func(i int, nn *fakeNameNode) // before the service starts
}

func startHarness(t *testing.T, ns *hdfspb.NamespaceInfoProto, ids StorageIDs) *harness {
	return startHarnessWith(t, ns, ids, harnessOpts{})
}

func startHarnessWith(t *testing.T, ns *hdfspb.NamespaceInfoProto, ids StorageIDs, o harnessOpts) *harness {
	h := &harness{handler: &recordingHandler{}, done: make(chan error, 1)}
	var addrs []string
	for i := range max(1, o.nameNodes) {
		nn := startFakeNameNode(t, ns)
		if o.setup != nil {
			o.setup(i, nn)
		}
		h.nns = append(h.nns, nn)
		addrs = append(addrs, fmt.Sprintf("nn%d:8021", i+1))
	}
	h.nn = h.nns[0]
	var dials atomic.Int32
	dial := func(ctx context.Context, n, a string) (net.Conn, error) {
		if dials.Add(1) <= int32(o.failDials) {
			return nil, errors.New("connection refused")
		}
		return h.nns[slices.Index(addrs, a)].ln.dial(ctx, n, a)
	}
	if o.log == nil {
		o.log = quiet
	}
	h.ds = &fakeDataset{replicas: map[string][]blocklist.Replica{
		disk1.UUID: {{ID: 1073741825, NumBytes: 1, GenStamp: 1001}, {ID: 1073741826, NumBytes: 5, GenStamp: 1002, State: blocklist.RBW}},
		disk2.UUID: {{ID: 1073741827, NumBytes: 512, GenStamp: 1003}},
	}}
	h.client = hadooprpc.NewClient(hadooprpc.ClientConfig{User: "root", Dial: dial, ConnectRetries: -1, Logger: quiet})
	svc, err := NewService(ServiceConfig{
		NameNodes: addrs,
		ID:        DatanodeID{IPAddr: "127.0.0.1", HostName: "dn1", DatanodeUUID: "uuid-1", XferPort: 9866, InfoPort: 9864, IPCPort: 9867},
		Storage:   ids,
		Rand:      func(n int64) int64 { return n / 2 },
		Logger:    o.log,
	}, h.client, h.ds, h.handler)
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- svc.Run(ctx) }()
	return h
}

func (h *harness) stop() error {
	h.cancel()
	err := <-h.done
	h.client.Close()
	for _, nn := range h.nns {
		nn.stop()
	}
	return err
}

func cmdProto(t datanodepb.DatanodeCommandProto_Type) *datanodepb.DatanodeCommandProto {
	return &datanodepb.DatanodeCommandProto{CmdType: t.Enum()}
}

func invalidateProto(ids ...uint64) *datanodepb.DatanodeCommandProto {
	c := cmdProto(datanodepb.DatanodeCommandProto_BlockCommand)
	c.BlkCmd = &datanodepb.BlockCommandProto{Action: datanodepb.BlockCommandProto_INVALIDATE.Enum(), BlockPoolId: proto.String("BP-1-127.0.0.1-1")}
	for _, id := range ids {
		c.BlkCmd.Blocks = append(c.BlkCmd.Blocks, &hdfspb.BlockProto{BlockId: proto.Uint64(id), GenStamp: proto.Uint64(1000 + id)})
	}
	return c
}

// The actor against a NameNode speaking real Hadoop RPC: handshake,
// registration, block report in the buffer form, heartbeats, an
// incremental report, commands handed over (unsupported ones dropped),
// and a DNA_REGISTER answered with a new registration and full report.
func TestServiceAgainstFakeNameNode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startHarness(t, testNamespace(blocklist.CapabilityStorageBlockReportBuffers), StorageIDs{ClusterID: "CID-1"})
		time.Sleep(4 * time.Second)
		synctest.Wait()
		want := []string{"versionRequest", "registerDatanode", "sendHeartbeat", "blockReport", "sendHeartbeat"}
		if got := h.nn.methods(); !slices.Equal(got, want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
		h.nn.mu.Lock()
		reports := h.nn.mu.reports
		h.nn.mu.Unlock()
		if len(reports) != 2 || !slices.Equal(reports[0], h.ds.replicas[disk1.UUID]) || !slices.Equal(reports[1], h.ds.replicas[disk2.UUID]) {
			t.Fatalf("the NameNode decoded %v", reports)
		}
		if len(h.ds.inits) != 1 || h.ds.inits[0].BlockPoolID != "BP-1-127.0.0.1-1" {
			t.Fatalf("InitBlockPool calls: %v", h.ds.inits)
		}
		if nn, ok := h.svc.Active(); !ok || nn != "nn1:8021" {
			t.Fatalf("active = %q %v", nn, ok)
		}

		h.svc.NotifyBlock(disk1, BlockEvent{Block: Block{ID: 1073741830, GenStamp: 1010, NumBytes: 7}, Status: Received})
		synctest.Wait()
		if n := h.nn.count("blockReceivedAndDeleted"); n != 1 {
			t.Fatalf("%d incremental reports right after RECEIVED, want 1", n)
		}
		cache := cmdProto(datanodepb.DatanodeCommandProto_BlockIdCommand)
		cache.BlkIdCmd = &datanodepb.BlockIdCommandProto{Action: datanodepb.BlockIdCommandProto_CACHE.Enum(), BlockPoolId: proto.String("BP-1-127.0.0.1-1")}
		h.nn.queueHeartbeatCommands(invalidateProto(1073741825), cache, cache)
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if got := h.handler.kinds(); !slices.Equal(got, []CommandKind{CmdFinalize, CmdInvalidate}) {
			t.Fatalf("handled %v, want finalize then invalidate", got)
		}

		h.nn.queueHeartbeatCommands(cmdProto(datanodepb.DatanodeCommandProto_RegisterCommand))
		time.Sleep(3 * time.Second)
		synctest.Wait()
		want = append(want, "blockReceivedAndDeleted", "sendHeartbeat", "sendHeartbeat",
			"versionRequest", "registerDatanode", "sendHeartbeat", "blockReport")
		if got := h.nn.methods(); !slices.Equal(got, want) {
			t.Fatalf("calls %v\nwant %v", got, want)
		}
		if err := h.stop(); err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	})
}

// Without STORAGE_BLOCK_REPORT_BUFFERS the report goes as a list of longs.
func TestLegacyBlockReportWithoutCapability(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startHarness(t, testNamespace(0), StorageIDs{})
		time.Sleep(time.Second)
		synctest.Wait()
		h.nn.mu.Lock()
		reports := h.nn.mu.reports
		h.nn.mu.Unlock()
		if len(reports) != 2 || !slices.Equal(reports[1], h.ds.replicas[disk2.UUID]) || len(reports[0]) != 2 {
			t.Fatalf("the NameNode decoded %v", reports)
		}
		h.stop()
	})
}

// A NameNode of another cluster: the actor stops with a clear error
// before registering.
func TestServiceStopsOnNamespaceMismatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startHarness(t, testNamespace(1), StorageIDs{ClusterID: "CID-other", BlockPoolID: "BP-1-127.0.0.1-1"})
		err := <-h.done
		h.done <- err
		if !errors.Is(err, ErrNamespaceMismatch) {
			t.Fatalf("Run returned %v, want a namespace mismatch", err)
		}
		t.Log(err)
		if got := h.nn.methods(); !slices.Equal(got, []string{"versionRequest"}) {
			t.Fatalf("calls %v", got)
		}
		h.stop()
	})
}

// A NameNode that is not there yet: versionRequest is retried every 5 s
// until it answers.
func TestServiceRetriesUntilNameNodeIsUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startHarnessWith(t, testNamespace(1), StorageIDs{}, harnessOpts{failDials: 2})
		time.Sleep(9 * time.Second)
		synctest.Wait()
		if got := h.nn.methods(); len(got) != 0 {
			t.Fatalf("calls %v while the NameNode is down", got)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if got := h.nn.methods(); len(got) < 4 || got[0] != "versionRequest" || got[3] != "blockReport" {
			t.Fatalf("calls after the NameNode came up: %v", got)
		}
		h.stop()
	})
}

// HA over the wire: nn2 is standby, its INVALIDATE is not handed to the
// handler; nn1's is. An unsupported command is logged once per kind.
func TestServiceObeysOnlyTheActive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
		standby := func(i int, nn *fakeNameNode) {
			if i == 1 {
				nn.mu.ha = hdfspb.NNHAStatusHeartbeatProto_STANDBY
				nn.ns = proto.CloneOf(nn.ns)
				nn.ns.State = hdfspb.NNHAStatusHeartbeatProto_STANDBY.Enum()
			}
		}
		h := startHarnessWith(t, testNamespace(1), StorageIDs{}, harnessOpts{nameNodes: 2, log: log, setup: standby})
		time.Sleep(time.Second)
		uncache := cmdProto(datanodepb.DatanodeCommandProto_BlockIdCommand)
		uncache.BlkIdCmd = &datanodepb.BlockIdCommandProto{Action: datanodepb.BlockIdCommandProto_UNCACHE.Enum(), BlockPoolId: proto.String("BP-1-127.0.0.1-1")}
		h.nns[1].queueHeartbeatCommands(invalidateProto(1073741826))
		h.nns[0].queueHeartbeatCommands(invalidateProto(1073741825), uncache)
		h.nns[0].queueHeartbeatCommands(uncache)
		time.Sleep(6 * time.Second)
		synctest.Wait()
		h.handler.mu.Lock()
		var invalidated []int64
		for _, c := range h.handler.cmds {
			if c.Kind == CmdInvalidate {
				invalidated = append(invalidated, c.Blocks[0].ID)
			}
		}
		h.handler.mu.Unlock()
		if !slices.Equal(invalidated, []int64{1073741825}) {
			t.Fatalf("invalidated %v, want only the active's block", invalidated)
		}
		if nn, _ := h.svc.Active(); nn != "nn1:8021" {
			t.Fatalf("active %q", nn)
		}
		if err := h.stop(); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(logs.String(), "unsupported NameNode command"); n != 1 {
			t.Fatalf("unsupported command logged %d times, want once:\n%s", n, logs.String())
		}
	})
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

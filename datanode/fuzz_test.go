package datanode

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/hadooprpc"
)

// FuzzIPCHandlers hands arbitrary request bytes to every method a
// DataNode serves on its IPC port (ClientDatanodeProtocol and
// InterDatanodeProtocol), on a running DataNode holding a replica. A
// handler answers or fails; it never panics. shutdownDatanode is left
// out: it would stop the DataNode under test.
func FuzzIPCHandlers(f *testing.F) {
	nn := startFakeNameNode(f)
	dirs := tempDirs(f, 1)
	putReplica(f, dirs, fsdataset.Block{ID: 1073741832, GenStamp: 1008}, pattern(600))
	c, cfg := testConfig(f, nn.addr(), dirs...)
	d := startDaemon(f, c, cfg)

	type method struct {
		name string
		h    hadooprpc.Handler
	}
	var methods []method
	for _, p := range []hadooprpc.Protocol{dnipc.ClientDatanodeProtocol(&ipcServer{d: d.Daemon}), dnipc.InterDatanodeProtocol(&recoverer{d: d.Daemon})} {
		for name, h := range p.Methods {
			if name != "shutdownDatanode" {
				methods = append(methods, method{p.Name + "." + name, h})
			}
		}
	}
	slices.SortFunc(methods, func(a, b method) int {
		if a.name < b.name {
			return -1
		}
		return 1
	})
	for i := range methods {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), []byte{0x0a, 0x10, 0x0a, 0x04, 'B', 'P', '-', '1', 0x10, 0x88, 0x80, 0x80, 0x80, 0x04, 0x18, 0xf0, 0x07})
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		m := methods[int(which)%len(methods)]
		req := m.h.NewRequest()
		if err := proto.Unmarshal(body, req); err != nil {
			return // the RPC layer refuses it before any handler
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ctx = hadooprpc.ContextWithCaller(ctx, hadooprpc.Caller{User: "fuzz", RetryCount: -1})
		m.h.Call(ctx, req) // errors are answers; a panic fails the fuzz
	})
}

// FuzzNameNodeCommands hands a running DataNode the commands a hostile or
// confused NameNode could send: transfers, deletions and recoveries of
// blocks it holds or not, in pools it serves or not, with any generation
// stamps, lengths, storage types and target counts, and any balancer
// bandwidth. Each is carried out or refused; nothing panics, here or on
// the goroutines the slow ones continue on. Targets are the DataNode
// itself or a closed loopback port, never another address.
func FuzzNameNodeCommands(f *testing.F) {
	nn := startFakeNameNode(f)
	dirs := tempDirs(f, 1)
	held := fsdataset.Block{ID: 1073741832, GenStamp: 1008}
	_, _, sid := putReplica(f, dirs, held, pattern(600))
	c, cfg := testConfig(f, nn.addr(), dirs...)
	d := startDaemon(f, c, cfg)
	nn.waitFor("the full block report", func() bool { return len(nn.mu.reports[sid]) == 1 })
	closed := closedPort(f)
	self := d.ID()

	for kind := range uint8(bpservice.CmdECReconstruction) + 1 {
		f.Add(kind, uint8(0), held.ID, held.GenStamp, int64(600), held.GenStamp+1, uint8(2), uint64(1<<20), int32(1))
	}
	f.Add(uint8(bpservice.CmdTransfer), uint8(1), int64(-1), int64(-5), int64(-1), int64(0), uint8(9), uint64(0), int32(-3))
	f.Add(uint8(bpservice.CmdBalancerBandwidth), uint8(0), int64(0), int64(0), int64(0), int64(0), uint8(0), uint64(1<<63), int32(0))
	f.Fuzz(func(t *testing.T, kind, pool uint8, id, gs, n, newGS int64, targets uint8, bandwidth uint64, storageType int32) {
		bpid := testBPID
		switch pool % 3 {
		case 1:
			bpid = "BP-9-127.0.0.1-9"
		case 2:
			bpid = ""
		}
		var locs []bpservice.Target
		for i := range int(targets % 5) {
			node := bpservice.DatanodeID{IPAddr: "127.0.0.1", HostName: "localhost", DatanodeUUID: "uuid-fuzz",
				XferPort: uint32(closed), IPCPort: uint32(closed)}
			if i%2 == 1 {
				node = self
			}
			locs = append(locs, bpservice.Target{Node: node, StorageUUID: "DS-fuzz", StorageType: bpservice.StorageType(storageType)})
		}
		b := bpservice.Block{ID: id, GenStamp: gs, NumBytes: n}
		cmd := bpservice.Command{Kind: bpservice.CommandKind(kind % (uint8(bpservice.CmdECReconstruction) + 2)), BlockPoolID: bpid,
			Bandwidth: bandwidth, Keys: &bpservice.BlockKeys{}, Blocks: []bpservice.Block{b}, Targets: [][]bpservice.Target{locs},
			Recover: []bpservice.RecoveringBlock{{BlockPoolID: bpid, Block: b, NewGenStamp: newGS, Locations: locs}}}
		if targets%7 == 6 {
			cmd.Targets = nil // fewer target lists than blocks
		}
		if targets%2 == 1 {
			tb := bpservice.Block{ID: id, GenStamp: newGS, NumBytes: n / 2}
			cmd.Recover[0].TruncateBlock = &tb
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		(&commands{d: d.Daemon}).HandleCommand(ctx, nn.addr(), cmd) // errors are answers
	})
}

// closedPort is a loopback port nothing listens on.
func closedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

package datanode

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

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

package minicluster

import (
	"context"
	"log/slog"
	"testing"

	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// A minicluster DataNode answers refreshNamenodes (as `hdfsd dfsadmin
// -refreshNamenodes` sends it) from the configuration the cluster gives
// it, and goes on serving.
func TestDataNodesAnswerRefreshNamenodes(t *testing.T) {
	c, err := Start(context.Background(), Options{Dir: t.TempDir(), DataNodes: 1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "alice", ConnectRetries: -1, Logger: slog.New(slog.DiscardHandler)})
	defer cl.Close()
	dn := c.DataNodes[0]
	if err := cl.Call(context.Background(), dn.IPCAddr(), dnipc.ClientDatanodeProtocolName, "refreshNamenodes",
		&hdfspb.RefreshNamenodesRequestProto{}, &hdfspb.RefreshNamenodesResponseProto{}); err != nil {
		t.Fatalf("refreshNamenodes: %v", err)
	}
	info := &hdfspb.GetDatanodeInfoResponseProto{}
	if err := cl.Call(context.Background(), dn.IPCAddr(), dnipc.ClientDatanodeProtocolName, "getDatanodeInfo",
		&hdfspb.GetDatanodeInfoRequestProto{}, info); err != nil {
		t.Fatalf("after the refresh: %v", err)
	}
}

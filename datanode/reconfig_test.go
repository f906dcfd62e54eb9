package datanode

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Only the reconfigurable properties count as changes, a value that
// appears or goes away included.
func TestChangedProperties(t *testing.T) {
	cur, next := conf.New(), conf.New()
	cur.Set("dfs.blockreport.intervalMsec", "1000")
	next.Set("dfs.blockreport.intervalMsec", "1000")
	cur.Set("dfs.datanode.max.transfer.threads", "10")
	next.Set("dfs.datanode.balance.max.concurrent.moves", "5")
	cur.Set("dfs.datanode.data.read.bandwidthPerSec", "1")
	next.Set("dfs.datanode.data.read.bandwidthPerSec", "2")
	cur.Set("dfs.heartbeat.interval", "3")
	next.Set("dfs.heartbeat.interval", "1")
	got := changedProperties(cur, next)
	want := []propertyChange{
		{prop: "dfs.datanode.balance.max.concurrent.moves", new: "5", newSet: true},
		{prop: "dfs.datanode.max.transfer.threads", old: "10", oldSet: true},
		{prop: "dfs.datanode.data.read.bandwidthPerSec", old: "1", new: "2", oldSet: true, newSet: true},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("changes %+v\nwant %+v", got, want)
	}
}

// `dfsadmin -reconfig datanode ... start` on a running DataNode: the
// changed reconfigurable properties are applied in the background, bad
// values are refused with Java's messages and leave the setting as it
// was, the status lists each, and the block report interval takes
// effect on the running services.
func TestReconfigureRunningDataNode(t *testing.T) {
	fd := useFakeData(t)
	nn := startFakeNameNode(t)
	c, cfg := testConfig(t, nn.addr(), tempDirs(t, 1)...)
	c.Set("dfs.datanode.max.transfer.threads", "4096")
	c.Set("dfs.blockreport.split.threshold", "1000")
	next := c.Clone()
	next.Set("dfs.datanode.balance.max.concurrent.moves", "7")
	next.Unset("dfs.datanode.max.transfer.threads")
	next.Set("dfs.datanode.data.read.bandwidthPerSec", "1048576")
	next.Set("dfs.blockreport.intervalMsec", "100")
	next.Set("dfs.blockreport.split.threshold", "lots")
	next.Set("dfs.heartbeat.interval", "1") // not reconfigurable: left alone
	d := startDaemonWith(t, c, cfg, Options{Reload: func() (*conf.Conf, error) { return next.Clone(), nil }})
	nn.waitFor("the first block report", func() bool { return nn.mu.reportRPCs > 0 })

	cl := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "hdfs", ConnectRetries: -1, Logger: slog.New(slog.DiscardHandler)})
	defer cl.Close()
	ipc := func(method string, req, resp proto.Message) error {
		return cl.Call(context.Background(), d.IPCAddr(), dnipc.ClientDatanodeProtocolName, method, req, resp)
	}
	status := func() dnipc.ReconfigStatus {
		var resp hdfspb.GetReconfigurationStatusResponseProto
		if err := ipc("getReconfigurationStatus", &hdfspb.GetReconfigurationStatusRequestProto{}, &resp); err != nil {
			t.Fatal(err)
		}
		return dnipc.ReconfigStatusOf(&resp)
	}
	if st := status(); !st.Start.IsZero() {
		t.Fatalf("a task before any was started: %+v", st)
	}
	var props hdfspb.ListReconfigurablePropertiesResponseProto
	if err := ipc("listReconfigurableProperties", &hdfspb.ListReconfigurablePropertiesRequestProto{}, &props); err != nil ||
		!slices.Contains(props.GetName(), "dfs.blockreport.intervalMsec") {
		t.Fatalf("properties %v: %v", props.GetName(), err)
	}
	if err := ipc("startReconfiguration", &hdfspb.StartReconfigurationRequestProto{}, &hdfspb.StartReconfigurationResponseProto{}); err != nil {
		t.Fatal(err)
	}
	var st dnipc.ReconfigStatus
	for deadline := time.Now().Add(waitLimit); ; time.Sleep(10 * time.Millisecond) {
		if st = status(); !st.End.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reconfiguration task did not end")
		}
	}
	want := []dnipc.ReconfigChange{
		{Name: "dfs.datanode.balance.max.concurrent.moves", New: "7", NewSet: true},
		{Name: "dfs.blockreport.intervalMsec", New: "100", NewSet: true},
		{Name: "dfs.blockreport.split.threshold", Old: "1000", OldSet: true, New: "lots", NewSet: true, Err: `For input string: "lots"`},
		{Name: "dfs.datanode.max.transfer.threads", Old: "4096", OldSet: true},
		{Name: "dfs.datanode.data.read.bandwidthPerSec", New: "1048576", NewSet: true},
	}
	if !slices.Equal(st.Changes, want) {
		t.Fatalf("changes %+v\nwant %+v", st.Changes, want)
	}
	l := fd.Limits()
	if l.MaxMovers != 7 || l.MaxTransferThreads != 4096 || l.ReadThrottler == nil || l.ReadThrottler.Rate() != 1<<20 || l.WriteThrottler != nil {
		t.Fatalf("data server limits %+v", l)
	}
	// The configuration in force took the new values, except the refused one.
	if v, _ := d.conf.Raw("dfs.blockreport.split.threshold"); v != "1000" {
		t.Errorf("split threshold in force %q", v)
	}
	if _, set := d.conf.Raw("dfs.datanode.max.transfer.threads"); set {
		t.Error("max.transfer.threads still set after it was removed")
	}
	if v, _ := d.conf.Raw("dfs.heartbeat.interval"); v == "1" {
		t.Error("a property that is not reconfigurable changed")
	}
	// As in Hadoop, the new interval applies from the next report on:
	// after one asked for, full reports come every 100 ms instead of
	// every 6 hours.
	nn.mu.Lock()
	before := nn.mu.reportRPCs
	nn.mu.Unlock()
	if err := ipc("triggerBlockReport", &hdfspb.TriggerBlockReportRequestProto{Incremental: proto.Bool(false)}, &hdfspb.TriggerBlockReportResponseProto{}); err != nil {
		t.Fatal(err)
	}
	nn.waitFor("block reports at the new interval", func() bool { return nn.mu.reportRPCs >= before+4 })

	// A second task finds nothing left to change but the refused value.
	if err := ipc("startReconfiguration", &hdfspb.StartReconfigurationRequestProto{}, &hdfspb.StartReconfigurationResponseProto{}); err != nil {
		var re *hadooprpc.RemoteError
		if !errors.As(err, &re) || re.Message != "Another reconfiguration task is running." {
			t.Fatal(err)
		}
	}
}

// A configuration that cannot be read fails the start itself and leaves
// no task behind.
func TestReconfigureWithUnreadableConfiguration(t *testing.T) {
	useFakeData(t)
	nn := startFakeNameNode(t)
	c, cfg := testConfig(t, nn.addr(), tempDirs(t, 1)...)
	d := startDaemonWith(t, c, cfg, Options{Reload: func() (*conf.Conf, error) {
		return nil, errors.New("hdfs-site.xml: XML syntax error on line 3")
	}})
	s := &ipcServer{d: d.Daemon}
	err := s.StartReconfiguration(context.Background())
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Message != "reconfiguration: reading the configuration: hdfs-site.xml: XML syntax error on line 3" {
		t.Fatalf("start: %v", err)
	}
	if st, _ := s.ReconfigurationStatus(context.Background()); !st.Start.IsZero() {
		t.Fatalf("a task was left behind: %+v", st)
	}
}

package datanode

import (
	"encoding/json"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/internal/daemonhttp"
)

// The DataNode's HTTP server (dfs.datanode.http.address, 9864): /jmx in
// Hadoop's JMXJsonServlet shape ({"beans":[...]}, ?qry= to pick beans),
// /conf, /stacks and /debug/pprof, shared with the NameNode through
// internal/daemonhttp.

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// beans are the DataNode's beans: DataNodeInfo (DataNodeMXBean, whose map
// attributes are JSON strings as Hadoop's), FSDatasetState-<uuid>
// (FSDatasetMBean) and the Go runtime's JvmMetrics stand-in.
func (d *Daemon) beans() []daemonhttp.Bean {
	return []daemonhttp.Bean{d.dataNodeInfo(), d.datasetState(), {
		Name: "Hadoop:service=DataNode,name=JvmMetrics", Modeler: "JvmMetrics", Attrs: [][2]any{
			{"tag.ProcessName", "DataNode"}, {"ThreadsRunnable", runtime.NumGoroutine()},
		}}}
}

func (d *Daemon) dataNodeInfo() daemonhttp.Bean {
	nns := map[string]string{}
	var actors []map[string]string
	for _, p := range d.poolList() {
		d.poolsMu.Lock()
		bpid := p.bpid
		d.poolsMu.Unlock()
		active, _ := p.svc.Active()
		for _, nn := range p.nameNodes {
			host, _, err := net.SplitHostPort(nn)
			if err != nil {
				host = nn
			}
			nns[host] = bpid
			state := "Standby"
			if nn == active {
				state = "Active"
			}
			actors = append(actors, map[string]string{"NamenodeAddress": nn, "BlockPoolID": bpid, "ActorState": "RUNNING",
				"NamenodeHaState": state})
		}
	}
	vols := map[string]any{}
	for _, v := range d.volumeInfo() {
		vols[v.dir] = map[string]any{"usedSpace": v.used, "freeSpace": v.free, "reservedSpace": v.vol.Reserved,
			"reservedSpaceForReplicas": 0, "numBlocks": v.blocks, "storageType": v.vol.Type.String()}
	}
	if actors == nil {
		actors = []map[string]string{}
	}
	return daemonhttp.Bean{Name: "Hadoop:service=DataNode,name=DataNodeInfo", Modeler: "org.apache.hadoop.hdfs.server.datanode.DataNode", Attrs: [][2]any{
		{"Version", Version}, {"SoftwareVersion", Version},
		{"RpcPort", strconv.Itoa(int(d.id.IPCPort))}, {"HttpPort", strconv.Itoa(int(d.id.InfoPort))},
		{"DataPort", strconv.Itoa(int(d.id.XferPort))}, {"SecurityEnabled", false},
		{"NamenodeAddresses", jsonString(nns)}, {"DatanodeHostname", d.id.HostName},
		{"BPServiceActorInfo", jsonString(actors)}, {"VolumeInfo", jsonString(vols)},
		{"ClusterId", d.clusterID()}, {"XceiverCount", d.data.XceiverCount()},
		{"ActiveTransferThreadCount", d.data.XceiverCount()}, {"DatanodeNetworkCounts", map[string]any{}},
		{"DiskBalancerStatus", ""}, {"SlowDisks", nil},
	}}
}

func (d *Daemon) datasetState() daemonhttp.Bean {
	var capacity, used, remaining int64
	var roots []string
	for _, r := range d.ds.StorageReports("") {
		if !r.Failed {
			capacity += r.Capacity
			used += r.DfsUsed
			remaining += r.Remaining
			roots = append(roots, r.Root)
		}
	}
	var failed []string
	var last int64
	for _, f := range d.ds.Failures() {
		failed = append(failed, f.Root)
		last = max(last, f.At.UnixMilli())
	}
	if failed == nil {
		failed = []string{}
	}
	return daemonhttp.Bean{Name: "Hadoop:service=DataNode,name=FSDatasetState-" + d.id.DatanodeUUID, Modeler: "org.apache.hadoop.hdfs.server.datanode.fsdataset.impl.FsDatasetImpl", Attrs: [][2]any{
		{"Capacity", capacity}, {"DfsUsed", used}, {"Remaining", remaining},
		{"StorageInfo", "FSDataset{dirpath='[" + strings.Join(roots, ", ") + "]'}"},
		{"NumFailedVolumes", len(failed)}, {"FailedStorageLocations", failed},
		{"LastVolumeFailureDate", last}, {"EstimatedCapacityLostTotal", 0},
		{"CacheUsed", 0}, {"CacheCapacity", 0}, {"NumBlocksCached", 0},
		{"NumBlocksFailedToCache", 0}, {"NumBlocksFailedToUncache", 0},
	}}
}

func (d *Daemon) httpHandler() http.Handler {
	mux := http.NewServeMux()
	daemonhttp.Register(mux, d.beans, d.conf)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/index.html" && r.URL.Path != "/datanode.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("hdfsd DataNode " + d.XferAddr() + "\nDatanode UUID: " + d.id.DatanodeUUID +
			"\nCluster ID: " + d.clusterID() + "\nBlock pools: " + strings.Join(d.blockPools(), ", ") +
			"\nUptime: " + d.now().Sub(d.started).Round(time.Second).String() + "\n"))
	})
	return mux
}

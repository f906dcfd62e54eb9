package datanode

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The DataNode's HTTP server (dfs.datanode.http.address, 9864): /jmx in
// Hadoop's JMXJsonServlet shape ({"beans":[...]}, ?qry= to pick beans),
// /conf, /stacks and /debug/pprof. The JMX helpers repeat the NameNode's
// (namenode/http.go), which keeps them unexported.

// bean is one JMX bean: name and modelerType first, then the attributes
// in order.
type bean struct {
	name, modeler string
	attrs         [][2]any
}

func (b bean) MarshalJSON() ([]byte, error) {
	var sb strings.Builder
	sb.WriteString(`{"name":`)
	writeJSON(&sb, b.name)
	sb.WriteString(`,"modelerType":`)
	writeJSON(&sb, b.modeler)
	for _, a := range b.attrs {
		sb.WriteByte(',')
		writeJSON(&sb, a[0])
		sb.WriteByte(':')
		writeJSON(&sb, a[1])
	}
	sb.WriteByte('}')
	return []byte(sb.String()), nil
}

func writeJSON(sb *strings.Builder, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	sb.Write(b)
}

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
func (d *Daemon) beans() []bean {
	return []bean{d.dataNodeInfo(), d.datasetState(), {
		"Hadoop:service=DataNode,name=JvmMetrics", "JvmMetrics", [][2]any{
			{"tag.ProcessName", "DataNode"}, {"ThreadsRunnable", runtime.NumGoroutine()},
		}}}
}

func (d *Daemon) dataNodeInfo() bean {
	nns := map[string]string{}
	var actors []map[string]string
	for _, p := range d.pools {
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
	return bean{"Hadoop:service=DataNode,name=DataNodeInfo", "org.apache.hadoop.hdfs.server.datanode.DataNode", [][2]any{
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

func (d *Daemon) datasetState() bean {
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
	return bean{"Hadoop:service=DataNode,name=FSDatasetState-" + d.id.DatanodeUUID,
		"org.apache.hadoop.hdfs.server.datanode.fsdataset.impl.FsDatasetImpl", [][2]any{
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
	mux.HandleFunc("/jmx", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("qry")
		out := []bean{}
		for _, b := range d.beans() {
			if q == "" || q == "*:*" || matchBean(q, b.name) {
				out = append(out, b)
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"beans": out})
	})
	mux.HandleFunc("/conf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write(d.confXML())
	})
	mux.HandleFunc("/stacks", func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(buf[:n])
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
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

// matchBean matches a JMX ObjectName pattern of ?qry=
// ("Hadoop:service=DataNode,name=*": '*' matches any run).
func matchBean(pattern, name string) bool {
	pk, nk := splitBean(pattern), splitBean(name)
	if pk == nil || nk == nil {
		return false
	}
	for k, v := range pk {
		got, ok := nk[k]
		if !ok || !globMatch(v, got) {
			return false
		}
	}
	return true
}

func splitBean(s string) map[string]string {
	domain, props, ok := strings.Cut(s, ":")
	if !ok {
		return nil
	}
	m := map[string]string{"": domain}
	for _, kv := range strings.Split(props, ",") {
		if kv == "*" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func globMatch(p, s string) bool {
	star := strings.IndexByte(p, '*')
	if star < 0 {
		return p == s
	}
	if !strings.HasPrefix(s, p[:star]) {
		return false
	}
	for i := star; i <= len(s); i++ {
		if globMatch(p[star+1:], s[i:]) {
			return true
		}
	}
	return false
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func (d *Daemon) confXML() []byte {
	keys := d.conf.Keys()
	sort.Strings(keys)
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="no"?><configuration>`)
	for _, k := range keys {
		v, _ := d.conf.Get(k)
		sb.WriteString("<property><name>" + xmlEscaper.Replace(k) + "</name><value>" + xmlEscaper.Replace(v) +
			"</value></property>")
	}
	sb.WriteString("</configuration>")
	return []byte(sb.String())
}

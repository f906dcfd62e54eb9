package namenode

import (
	"github.com/hdfsd/hdfsd/namenode/fsck"

	"encoding/json"
	"net/http"
	"net/http/pprof"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// The NameNode's HTTP server (dfs.namenode.http-address, 9870): the
// endpoints tools and monitoring read. /jmx answers in Hadoop's JMXJsonServlet
// shape ({"beans":[...]}, ?qry= to pick beans by name pattern).

// bean is one JMX bean as JMXJsonServlet prints it: name and modelerType
// first, then the attributes.
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

// beans lists the NameNode's beans.
func (d *Daemon) beans() []bean {
	ns := d.ns
	st := ns.tree.Stats()
	gc := readGC()
	files, holders := ns.leases.Count()
	state := "active"
	fsState := "Operational"
	safeTip := ""
	if ns.safe.On() {
		fsState = "safeMode"
		safeTip = "Safe mode is ON. " + ns.safe.Tip()
	}
	return []bean{
		{"Hadoop:service=NameNode,name=NameNodeStatus", "org.apache.hadoop.hdfs.server.namenode.NameNode", [][2]any{
			{"NNRole", "NameNode"}, {"HostAndPort", d.rpcAddr}, {"SecurityEnabled", false},
			{"LastHATransitionTime", 0}, {"BytesWithFutureGenerationStamps", 0},
			{"SlowPeersReport", nil}, {"SlowDisksReport", nil}, {"State", state},
		}},
		{"Hadoop:service=NameNode,name=NameNodeInfo", "org.apache.hadoop.hdfs.server.namenode.FSNamesystem", [][2]any{
			{"Total", 0}, {"ClusterId", d.version.ClusterID}, {"BlockPoolId", d.version.BlockPoolID},
			{"Safemode", safeTip}, {"Version", Version}, {"Used", 0}, {"Free", 0},
			{"TotalFiles", st.Inodes}, {"LiveNodes", "{}"}, {"DeadNodes", "{}"}, {"DecomNodes", "{}"},
			{"NameDirStatuses", d.nameDirStatuses()},
		}},
		{"Hadoop:service=NameNode,name=FSNamesystemState", "org.apache.hadoop.hdfs.server.namenode.FSNamesystem", [][2]any{
			{"FSState", fsState}, {"BlocksTotal", st.Blocks}, {"CapacityTotal", 0}, {"CapacityRemaining", 0},
			{"CapacityUsed", 0}, {"FilesTotal", st.Inodes}, {"PendingReplicationBlocks", 0},
			{"UnderReplicatedBlocks", 0}, {"ScheduledReplicationBlocks", 0}, {"NumLiveDataNodes", 0},
			{"NumDeadDataNodes", 0}, {"TotalLoad", 0}, {"NumOpenFiles", files}, {"NumLeaseHolders", holders},
		}},
		d.journalBean(),
		{"Hadoop:service=NameNode,name=JvmMetrics", "JvmMetrics", [][2]any{
			{"tag.ProcessName", "NameNode"}, {"MemHeapUsedM", float64(gc.HeapAllocBytes) / (1 << 20)},
			{"MemHeapCommittedM", float64(gc.HeapSysBytes) / (1 << 20)}, {"GcCount", gc.NumGC},
			{"GcTimeMillis", gc.PauseTotal.Milliseconds()}, {"GcPauseP99Micros", gc.PauseP99.Microseconds()},
			{"GcPauseMaxMicros", gc.PauseMax.Microseconds()}, {"ThreadsRunnable", runtime.NumGoroutine()},
		}},
	}
}

func (d *Daemon) nameDirStatuses() string {
	active := map[string]string{}
	failed := map[string]string{}
	for _, dir := range d.dirs.Healthy() {
		active[dir.Root] = roleName(dir)
	}
	for _, f := range d.dirs.Failures() {
		failed[f.Dir.Root] = roleName(f.Dir)
	}
	b, _ := json.Marshal(map[string]any{"active": active, "failed": failed})
	return string(b)
}

func (d *Daemon) httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/fsck", fsck.Handler(fsckSource{d.ns}, fsck.WithLogger(func(user, remote, path string, ok bool) {
		d.log.Info("FSCK", "user", user, "remote", remote, "path", path, "ok", ok)
	})))
	mux.HandleFunc("/jmx", func(w http.ResponseWriter, r *http.Request) {
		all := d.beans()
		q := r.URL.Query().Get("qry")
		var out []bean
		for _, b := range all {
			if q == "" || q == "*:*" || matchBean(q, b.name) {
				out = append(out, b)
			}
		}
		if out == nil {
			out = []bean{}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"beans": out})
	})
	mux.HandleFunc("/isActive", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("I am Active!"))
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
	mux.HandleFunc("/debug/heap", d.serveHeap)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/index.html" && r.URL.Path != "/dfshealth.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		st := d.ns.tree.Stats()
		_, _ = w.Write([]byte("hdfsd NameNode " + d.rpcAddr + "\nCluster ID: " + d.version.ClusterID +
			"\nBlock Pool ID: " + d.version.BlockPoolID + "\nFiles and directories: " + strconv.Itoa(st.Inodes) + "\n"))
	})
	return mux
}

// matchBean matches a JMX ObjectName pattern of JMXJsonServlet's ?qry=
// ("Hadoop:service=NameNode,name=*" style: '*' matches any run).
func matchBean(pattern, name string) bool {
	pk := splitBean(pattern)
	nk := splitBean(name)
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
	rest := p[star+1:]
	for i := star; i <= len(s); i++ {
		if globMatch(rest, s[i:]) {
			return true
		}
	}
	return false
}

func (d *Daemon) confXML() []byte {
	keys := d.conf.Keys()
	sort.Strings(keys)
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="no"?><configuration>`)
	for _, k := range keys {
		v, _ := d.conf.Get(k)
		sb.WriteString("<property><name>")
		xmlEscape(&sb, k)
		sb.WriteString("</name><value>")
		xmlEscape(&sb, v)
		sb.WriteString("</value></property>")
	}
	sb.WriteString("</configuration>")
	return []byte(sb.String())
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func xmlEscape(sb *strings.Builder, s string) { sb.WriteString(xmlEscaper.Replace(s)) }

// journalBean is the edit log's counters (Hadoop's NameNodeActivity has
// TransactionsNumOps and SyncsNumOps; hdfsd adds the batch and fsync time).
func (d *Daemon) journalBean() bean {
	st := d.jn.Stats()
	avg := int64(0)
	if st.Syncs > 0 {
		avg = st.SyncTime.Microseconds() / st.Syncs
	}
	return bean{"Hadoop:service=NameNode,name=NameNodeActivity", "NameNodeActivity", [][2]any{
		{"TransactionsNumOps", st.Txns}, {"SyncsNumOps", st.Syncs}, {"SyncsAvgTimeMicros", avg},
		{"SyncedTxnsMeanBatch", st.MeanBatch()}, {"SyncedTxnsMaxBatch", st.MaxBatch},
		{"EditLogBytes", st.Bytes}, {"FailedEditsDirs", st.FailedDirs}, {"Rolls", st.Rolls},
	}}
}

package namenode

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strconv"

	"github.com/hdfsd/hdfsd/internal/daemonhttp"
	"github.com/hdfsd/hdfsd/namenode/fsck"
)

// The NameNode's HTTP server (dfs.namenode.http-address, 9870): the
// endpoints tools and monitoring read. /jmx answers in Hadoop's JMXJsonServlet
// shape ({"beans":[...]}, ?qry= to pick beans by name pattern).

// beans lists the NameNode's beans.
func (d *Daemon) beans() []daemonhttp.Bean {
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
	return []daemonhttp.Bean{
		{Name: "Hadoop:service=NameNode,name=NameNodeStatus", Modeler: "org.apache.hadoop.hdfs.server.namenode.NameNode", Attrs: [][2]any{
			{"NNRole", "NameNode"}, {"HostAndPort", d.rpcAddr}, {"SecurityEnabled", false},
			{"LastHATransitionTime", 0}, {"BytesWithFutureGenerationStamps", 0},
			{"SlowPeersReport", nil}, {"SlowDisksReport", nil}, {"State", state},
		}},
		{Name: "Hadoop:service=NameNode,name=NameNodeInfo", Modeler: "org.apache.hadoop.hdfs.server.namenode.FSNamesystem", Attrs: [][2]any{
			{"Total", 0}, {"ClusterId", d.version.ClusterID}, {"BlockPoolId", d.version.BlockPoolID},
			{"Safemode", safeTip}, {"Version", Version}, {"Used", 0}, {"Free", 0},
			{"TotalFiles", st.Inodes}, {"LiveNodes", "{}"}, {"DeadNodes", "{}"}, {"DecomNodes", "{}"},
			{"NameDirStatuses", d.nameDirStatuses()},
		}},
		{Name: "Hadoop:service=NameNode,name=FSNamesystemState", Modeler: "org.apache.hadoop.hdfs.server.namenode.FSNamesystem", Attrs: [][2]any{
			{"FSState", fsState}, {"BlocksTotal", st.Blocks}, {"CapacityTotal", 0}, {"CapacityRemaining", 0},
			{"CapacityUsed", 0}, {"FilesTotal", st.Inodes}, {"PendingReplicationBlocks", 0},
			{"UnderReplicatedBlocks", 0}, {"ScheduledReplicationBlocks", 0}, {"NumLiveDataNodes", 0},
			{"NumDeadDataNodes", 0}, {"TotalLoad", 0}, {"NumOpenFiles", files}, {"NumLeaseHolders", holders},
		}},
		d.journalBean(),
		{Name: "Hadoop:service=NameNode,name=JvmMetrics", Modeler: "JvmMetrics", Attrs: [][2]any{
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
	daemonhttp.Register(mux, d.beans, d.conf)
	mux.HandleFunc("/isActive", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("I am Active!"))
	})
	mux.HandleFunc("/debug/heap", d.serveHeap)
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

// journalBean is the edit log's counters (Hadoop's NameNodeActivity has
// TransactionsNumOps and SyncsNumOps; hdfsd adds the batch and fsync time).
func (d *Daemon) journalBean() daemonhttp.Bean {
	st := d.jn.Stats()
	avg := int64(0)
	if st.Syncs > 0 {
		avg = st.SyncTime.Microseconds() / st.Syncs
	}
	return daemonhttp.Bean{Name: "Hadoop:service=NameNode,name=NameNodeActivity", Modeler: "NameNodeActivity", Attrs: [][2]any{
		{"TransactionsNumOps", st.Txns}, {"SyncsNumOps", st.Syncs}, {"SyncsAvgTimeMicros", avg},
		{"SyncedTxnsMeanBatch", st.MeanBatch()}, {"SyncedTxnsMaxBatch", st.MaxBatch},
		{"EditLogBytes", st.Bytes}, {"FailedEditsDirs", st.FailedDirs}, {"Rolls", st.Rolls},
	}}
}

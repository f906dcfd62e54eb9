package datanode

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
)

// Config is what a DataNode reads from its configuration at start. Each
// field names its Hadoop key; defaults are hdfs-default.xml's.
type Config struct {
	HDFS conf.HDFS
	IPC  conf.IPC

	DataDirs []string // dfs.datanode.data.dir, with their [TYPE] tags

	XferAddr string // dfs.datanode.address (0.0.0.0:9866)
	IPCAddr  string // dfs.datanode.ipc.address (0.0.0.0:9867)
	HTTPAddr string // dfs.datanode.http.address (0.0.0.0:9864)
	Hostname string // dfs.datanode.hostname; "" means the machine's name

	// NameNodes are every NameNode of every nameservice this DataNode
	// serves, by service RPC address (DFSUtil's
	// getNNServiceRpcAddressesForCluster).
	NameNodes []conf.NNAddr

	HeartbeatInterval      time.Duration // dfs.heartbeat.interval (3 s)
	BlockReportInterval    time.Duration // dfs.blockreport.intervalMsec (6 h)
	BlockReportInitDelay   time.Duration // dfs.blockreport.initialDelay (0 s)
	IncrementalReportDelay time.Duration // dfs.blockreport.incremental.intervalMsec (0)
	// BlockReportSplitThreshold is dfs.blockreport.split.threshold (1M
	// blocks; 0 or less: one RPC per storage always, here -1).
	BlockReportSplitThreshold int

	FailedVolumesTolerated int   // dfs.datanode.failed.volumes.tolerated (0)
	DUReserved             int64 // dfs.datanode.du.reserved (0)
	// VolumeChoosing is how a new replica's volume is picked:
	// dfs.datanode.fsdataset.volume.choosing.policy (round robin) with
	// dfs.datanode.round-robin-volume-choosing-policy.additional-available-space
	// (1 GiB) and
	// dfs.datanode.available-space-volume-choosing-policy.balanced-space-threshold
	// (10 GiB) and .balanced-space-preference-fraction (0.75).
	VolumeChoosing fsdataset.ChooserConfig

	ScanBytesPerSecond    int64         // dfs.block.scanner.volume.bytes.per.second (1 MiB/s)
	ScanPeriod            time.Duration // dfs.datanode.scan.period.hours (3 weeks)
	DirectoryScanInterval time.Duration // dfs.datanode.directoryscan.interval (6 h)

	MaxTransferThreads  int           // dfs.datanode.max.transfer.threads (4096)
	SocketTimeout       time.Duration // dfs.client.socket-timeout (60 s)
	SocketWriteTimeout  time.Duration // dfs.datanode.socket.write.timeout (480 s)
	BalanceBandwidth    int64         // dfs.datanode.balance.bandwidthPerSec (100 MiB/s)
	TransferBandwidth   int64         // dfs.datanode.data.transfer.bandwidthPerSec (0: no limit)
	ReadBandwidth       int64         // dfs.datanode.data.read.bandwidthPerSec (0: no limit)
	WriteBandwidth      int64         // dfs.datanode.data.write.bandwidthPerSec (0: no limit)
	SyncBehindWrites    bool          // dfs.datanode.sync.behind.writes
	DropBehindWrites    bool          // dfs.datanode.drop.cache.behind.writes
	DropBehindReads     bool          // dfs.datanode.drop.cache.behind.reads
	Readahead           int64         // dfs.datanode.readahead.bytes (4 MiB)
	UseHostnameForPeers bool          // dfs.datanode.use.datanode.hostname
	KeepaliveTimeout    time.Duration // dfs.datanode.socket.reuse.keepalive (4 s)
	RestartExpiry       time.Duration // dfs.datanode.restart.replica.expiration (50 s): how long a replica being written when the node restarts for an upgrade waits for it as RBW
	MaxMovers           int           // dfs.datanode.balance.max.concurrent.moves (100)
	FileBufferSize      int           // io.file.buffer.size (4096): sendfile packets carry max(this, 64 KiB)

	DataDirPerm          os.FileMode // dfs.datanode.data.dir.perm (700)
	LocalPathAccessUsers []string    // dfs.block.local-path-access.user
	// ConfigVersion is what getDatanodeInfo reports: "core-<v>,hdfs-<v>"
	// from hadoop.common.configuration.version and
	// hadoop.hdfs.configuration.version.
	ConfigVersion string
}

// ConfigFrom reads the DataNode's settings.
func ConfigFrom(c *conf.Conf) (Config, error) {
	h, err := conf.ReadHDFS(c)
	if err != nil {
		return Config{}, err
	}
	ipc, err := conf.ReadIPC(c)
	if err != nil {
		return Config{}, err
	}
	cfg := Config{HDFS: h, IPC: ipc, DataDirs: h.DataDirs}
	var errs []error
	r := conf.NewReader(c)
	dur, i64, size, str := r.Duration, r.Int64, r.Size, func(key, def string) string {
		if v := r.Trimmed(key, def); v != "" {
			return v
		}
		return def
	}
	if len(cfg.DataDirs) == 0 {
		tmp := str("hadoop.tmp.dir", "/tmp/hadoop-"+userName())
		cfg.DataDirs = []string{"file://" + tmp + "/dfs/data"}
	}
	cfg.XferAddr = str("dfs.datanode.address", "0.0.0.0:9866")
	cfg.IPCAddr = str("dfs.datanode.ipc.address", "0.0.0.0:9867")
	cfg.HTTPAddr = str("dfs.datanode.http.address", "0.0.0.0:9864")
	cfg.Hostname = str("dfs.datanode.hostname", "")

	cfg.HeartbeatInterval = h.HeartbeatInterval
	cfg.BlockReportInterval = h.BlockReportInterval
	cfg.BlockReportInitDelay = dur("dfs.blockreport.initialDelay", 0, time.Second)
	cfg.IncrementalReportDelay = dur("dfs.blockreport.incremental.intervalMsec", 0, time.Millisecond)
	cfg.BlockReportSplitThreshold = splitThreshold(i64("dfs.blockreport.split.threshold", bpservice.DefaultBlockReportSplitThreshold))
	cfg.FailedVolumesTolerated = int(i64("dfs.datanode.failed.volumes.tolerated", 0))
	cfg.DUReserved = size("dfs.datanode.du.reserved", 0)
	cfg.VolumeChoosing = fsdataset.ChooserConfig{
		Policy:     str("dfs.datanode.fsdataset.volume.choosing.policy", fsdataset.RoundRobinPolicyClass),
		Additional: size("dfs.datanode.round-robin-volume-choosing-policy.additional-available-space", fsdataset.DefaultAdditionalAvailableSpace),
		Threshold:  size("dfs.datanode.available-space-volume-choosing-policy.balanced-space-threshold", fsdataset.DefaultBalancedSpaceThreshold),
		Preference: r.Float("dfs.datanode.available-space-volume-choosing-policy.balanced-space-preference-fraction", fsdataset.DefaultBalancedPreference),
		Seed:       uint64(time.Now().UnixNano()),
	}
	if _, err := fsdataset.NewChooser(cfg.VolumeChoosing); err != nil {
		errs = append(errs, fmt.Errorf("datanode: %w", err))
	}
	cfg.ScanBytesPerSecond = size("dfs.block.scanner.volume.bytes.per.second", 1<<20)
	cfg.ScanPeriod = dur("dfs.datanode.scan.period.hours", 21*24*time.Hour, time.Hour)
	cfg.DirectoryScanInterval = dur("dfs.datanode.directoryscan.interval", 6*time.Hour, time.Second)
	cfg.MaxTransferThreads = int(i64("dfs.datanode.max.transfer.threads", 4096))
	cfg.SocketTimeout = dur("dfs.client.socket-timeout", 60*time.Second, time.Millisecond)
	cfg.SocketWriteTimeout = dur("dfs.datanode.socket.write.timeout", 8*time.Minute, time.Millisecond)
	cfg.BalanceBandwidth = size("dfs.datanode.balance.bandwidthPerSec", 100<<20)
	cfg.TransferBandwidth = size("dfs.datanode.data.transfer.bandwidthPerSec", 0)
	cfg.ReadBandwidth = size("dfs.datanode.data.read.bandwidthPerSec", 0)
	cfg.WriteBandwidth = size("dfs.datanode.data.write.bandwidthPerSec", 0)
	cfg.SyncBehindWrites = c.GetBool("dfs.datanode.sync.behind.writes", false)
	cfg.DropBehindWrites = c.GetBool("dfs.datanode.drop.cache.behind.writes", false)
	cfg.DropBehindReads = c.GetBool("dfs.datanode.drop.cache.behind.reads", false)
	cfg.Readahead = size("dfs.datanode.readahead.bytes", 4<<20)
	cfg.UseHostnameForPeers = c.GetBool("dfs.datanode.use.datanode.hostname", false)
	cfg.KeepaliveTimeout = dur("dfs.datanode.socket.reuse.keepalive", 4*time.Second, time.Millisecond)
	cfg.RestartExpiry = dur("dfs.datanode.restart.replica.expiration", 50*time.Second, time.Second)
	cfg.MaxMovers = int(i64("dfs.datanode.balance.max.concurrent.moves", 100))
	cfg.FileBufferSize = int(i64("io.file.buffer.size", 4096))
	perm, err := strconv.ParseUint(str("dfs.datanode.data.dir.perm", "700"), 8, 32)
	if err != nil {
		errs = append(errs, fmt.Errorf("datanode: dfs.datanode.data.dir.perm: %w", err))
		perm = 0o700
	}
	cfg.DataDirPerm = os.FileMode(perm) & os.ModePerm
	cfg.LocalPathAccessUsers = c.GetStrings("dfs.block.local-path-access.user")
	cfg.ConfigVersion = "core-" + str("hadoop.common.configuration.version", "UNSPECIFIED") +
		",hdfs-" + str("hadoop.hdfs.configuration.version", "UNSPECIFIED")

	nns, err := conf.NameNodeServiceRPCAddresses(c)
	if err != nil {
		errs = append(errs, err)
	}
	cfg.NameNodes = nns
	if cfg.FailedVolumesTolerated < -1 || cfg.FailedVolumesTolerated >= len(cfg.DataDirs) {
		errs = append(errs, fmt.Errorf("Invalid value configured for dfs.datanode.failed.volumes.tolerated - %d. Value configured is either less than -1 or >= to the number of configured volumes (%d).",
			cfg.FailedVolumesTolerated, len(cfg.DataDirs)))
	}
	return cfg, errors.Join(append(errs, r.Err())...)
}

func userName() string {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

// splitThreshold maps dfs.blockreport.split.threshold to bpservice's
// rule: 0 or less splits every report.
func splitThreshold(v int64) int {
	if v <= 0 {
		return -1
	}
	return int(min(v, math.MaxInt32))
}

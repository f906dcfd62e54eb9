package namenode

import (
	"fmt"
	"net/url"
	"os/user"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Config is what the NameNode reads from its configuration, once, at
// start. Each field names its Hadoop key.
type Config struct {
	HDFS conf.HDFS
	IPC  conf.IPC

	RPCAddr        string // dfs.namenode.rpc-address (port 8020)
	ServiceRPCAddr string // dfs.namenode.servicerpc-address; "" when not set
	HTTPAddr       string // dfs.namenode.http-address (0.0.0.0:9870)

	NameDirs  []string // dfs.namenode.name.dir, as local paths
	EditsDirs []string // dfs.namenode.edits.dir, as local paths
	// SharedEdits is the qjournal:// URI of the JournalNodes, from
	// dfs.namenode.edits.dir or dfs.namenode.shared.edits.dir; "" when the
	// edit log is local only.
	SharedEdits string
	// conf is the configuration this was read from (the shared edit log's
	// client reads its timeouts there).
	conf *conf.Conf

	Namespace namespace.Config

	RetryCache       bool          // dfs.namenode.enable.retrycache
	RetryCacheExpiry time.Duration // dfs.namenode.retrycache.expirytime.millis
	RetryCacheMax    int           // bound standing for dfs.namenode.retrycache.heap.percent

	LeaseSoft, LeaseHard time.Duration // LEASE_SOFTLIMIT_PERIOD, dfs.namenode.lease-hard-limit-sec
	LeaseRecheck         time.Duration // dfs.namenode.lease-recheck-interval-ms

	AccessTimePrecision time.Duration // dfs.namenode.accesstime.precision

	CheckpointPeriod time.Duration // dfs.namenode.checkpoint.period
	CheckpointTxns   int64         // dfs.namenode.checkpoint.txns
	CheckpointCheck  time.Duration // dfs.namenode.checkpoint.check.period
	Retention        storage.Retention

	AutorollMultiplier float64       // dfs.namenode.edit.log.autoroll.multiplier.threshold
	AutorollCheck      time.Duration // dfs.namenode.edit.log.autoroll.check.interval.ms

	ImageCompress bool   // dfs.image.compress
	ImageCodec    string // dfs.image.compression.codec

	SafemodeThreshold float64 // dfs.namenode.safemode.threshold-pct

	Blocks BlockConfig // block management, DataNodes, hosts files

	GroupsCache, GroupsNegCache time.Duration // hadoop.security.groups.cache.secs, .negative-cache.secs

	User string // the user the NameNode runs as: its superuser
}

// ConfigFrom reads the NameNode's settings.
func ConfigFrom(c *conf.Conf) (Config, error) {
	h, err := conf.ReadHDFS(c)
	if err != nil {
		return Config{}, err
	}
	ipc, err := conf.ReadIPC(c)
	if err != nil {
		return Config{}, err
	}
	cfg := Config{HDFS: h, IPC: ipc, conf: c}
	var errs []error
	r := conf.NewReader(c)
	get, geti, getf := r.Duration, r.Int64, r.Float

	cfg.RPCAddr = rpcAddress(c)
	cfg.ServiceRPCAddr = serviceRPCAddress(c)
	cfg.HTTPAddr, _ = c.GetTrimmed("dfs.namenode.http-address")
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = "0.0.0.0:9870"
	}
	for _, d := range h.NameDirs {
		p, err := localDir(d)
		if err != nil {
			errs = append(errs, err)
		}
		cfg.NameDirs = append(cfg.NameDirs, p)
	}
	localEdits, shared := splitEditsDirs(h.EditsDirs)
	for _, d := range localEdits {
		p, err := localDir(d)
		if err != nil {
			errs = append(errs, err)
		}
		cfg.EditsDirs = append(cfg.EditsDirs, p)
	}
	if v, ok := c.GetTrimmed(conf.KeyNameNodeSharedEditsDir); ok && v != "" {
		if !isQJournal(v) {
			errs = append(errs, fmt.Errorf("namenode: %s = %s: only qjournal:// shared edits are supported", conf.KeyNameNodeSharedEditsDir, v))
		}
		shared = append(shared, v)
	}
	switch len(shared) {
	case 0:
	case 1:
		cfg.SharedEdits = shared[0]
	default:
		errs = append(errs, fmt.Errorf("namenode: more than one qjournal:// edits dir (%s)", strings.Join(shared, ", ")))
	}

	if len(h.EditsDirs) == 0 {
		// dfs.namenode.edits.dir defaults to ${dfs.namenode.name.dir}.
		cfg.EditsDirs = append([]string(nil), cfg.NameDirs...)
	}
	cfg.User = currentUser()
	ns := namespace.DefaultConfig(cfg.User)
	ns.Supergroup = h.Superusergroup
	ns.PermissionsEnabled = h.PermissionsEnabled
	ns.MaxComponentLength = int(h.MaxComponentLength)
	ns.MaxDirectoryItems = h.MaxDirectoryItems
	ns.ListLimit = h.ListLimit
	ns.MinReplication = h.MinReplication
	ns.MaxReplication = h.MaxReplication
	ns.MinBlockSize = h.MinBlockSize
	ns.MaxBlocksPerFile = int(geti("dfs.namenode.fs-limits.max-blocks-per-file", 10000))
	ns.ContentSummarySubAccess = c.GetBool("dfs.permissions.ContentSummary.subAccess", false)
	ns.AllowOwnerSetQuota = c.GetBool("dfs.permissions.allow.owner.set.quota", false)
	ns.DiffListingLimit = int(geti("dfs.snapshotdiff.listing.limit", 1000))
	cfg.Namespace = ns

	cfg.RetryCache = h.RetryCacheEnabled
	cfg.RetryCacheExpiry = get("dfs.namenode.retrycache.expirytime.millis", 10*time.Minute, time.Millisecond)
	cfg.RetryCacheMax = 1 << 20
	cfg.LeaseSoft = 60 * time.Second
	cfg.LeaseHard = get("dfs.namenode.lease-hard-limit-sec", 20*time.Minute, time.Second)
	cfg.LeaseRecheck = get("dfs.namenode.lease-recheck-interval-ms", 2*time.Second, time.Millisecond)
	cfg.AccessTimePrecision = h.AccessTimePrecision
	cfg.CheckpointPeriod = h.CheckpointPeriod
	cfg.CheckpointTxns = h.CheckpointTxns
	cfg.CheckpointCheck = h.CheckpointCheckPeriod
	cfg.Retention = storage.Retention{
		CheckpointsRetained:           h.CheckpointsRetained,
		ExtraEditsRetained:            h.ExtraEditsRetained,
		MaxExtraEditsSegmentsRetained: int(geti("dfs.namenode.max.extra.edits.segments.retained", 10000)),
	}
	cfg.AutorollMultiplier = getf("dfs.namenode.edit.log.autoroll.multiplier.threshold", 0.5)
	cfg.AutorollCheck = get("dfs.namenode.edit.log.autoroll.check.interval.ms", 5*time.Minute, time.Millisecond)
	cfg.ImageCompress = c.GetBool("dfs.image.compress", false)
	cfg.ImageCodec, _ = c.GetTrimmed("dfs.image.compression.codec")
	if cfg.ImageCodec == "" {
		cfg.ImageCodec = "org.apache.hadoop.io.compress.DefaultCodec"
	}
	cfg.SafemodeThreshold = h.SafemodeThresholdPct
	cfg.Blocks = blockConfigFrom(c, h, &errs)
	cfg.GroupsCache = get("hadoop.security.groups.cache.secs", 300*time.Second, time.Second)
	cfg.GroupsNegCache = get("hadoop.security.groups.negative-cache.secs", 30*time.Second, time.Second)

	if err := r.Err(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return cfg, errs[0]
	}
	if len(cfg.NameDirs) == 0 {
		return cfg, fmt.Errorf("namenode: dfs.namenode.name.dir is empty")
	}
	if err := cfg.Namespace.Validate(); err != nil {
		return cfg, err
	}
	return cfg, cfg.Retention.Validate()
}

// rpcAddress is the client RPC address of this NameNode: the suffixed key
// for its nameservice and NameNode id when there is one, else
// dfs.namenode.rpc-address, else fs.defaultFS's authority.
func rpcAddress(c *conf.Conf) string {
	if addrs, err := conf.NameNodeRPCAddresses(c); err == nil && len(addrs) > 0 {
		if nsID, nnID, err := conf.LocalNameNode(c, conf.SystemNetwork()); err == nil {
			for _, a := range addrs {
				if a.Nameservice == nsID && a.NameNode == nnID {
					return a.Addr.String()
				}
			}
		}
		return addrs[0].Addr.String()
	}
	if fs, ok := conf.DefaultFS(c); ok && fs.Host != "" {
		port := fs.Port
		if port <= 0 {
			port = conf.DefaultNameNodeRPCPort
		}
		return fmt.Sprintf("%s:%d", fs.Host, port)
	}
	return fmt.Sprintf("0.0.0.0:%d", conf.DefaultNameNodeRPCPort)
}

// serviceRPCAddress is this NameNode's dfs.namenode.servicerpc-address
// (with its nameservice and NameNode suffixes resolved), or "".
func serviceRPCAddress(c *conf.Conf) string {
	addrs, err := conf.NameNodeServiceRPCAddresses(c)
	if err != nil {
		return ""
	}
	var raw []conf.NNAddr
	for _, a := range addrs {
		if _, ok := c.GetSuffixed(conf.KeyNameNodeServiceRPCAddress, a.Nameservice, a.NameNode); ok {
			raw = append(raw, a)
		}
	}
	if len(raw) == 0 {
		return ""
	}
	if nsID, nnID, err := conf.LocalNameNode(c, conf.SystemNetwork()); err == nil {
		for _, a := range raw {
			if a.Nameservice == nsID && a.NameNode == nnID {
				return a.Addr.String()
			}
		}
	}
	return raw[0].Addr.String()
}

// localDir turns a storage directory setting ("file:///x" or "/x") into a
// local path, as Util.stringAsURI does.
func localDir(s string) (string, error) {
	if strings.HasPrefix(s, "/") {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "file" && u.Scheme != "") || u.Path == "" {
		return "", fmt.Errorf("namenode: storage directory %q is not a local file URI", s)
	}
	return u.Path, nil
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "hdfs"
}

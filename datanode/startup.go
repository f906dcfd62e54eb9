package datanode

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"log/slog"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/throttle"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/ctxsleep"
)

// Start opens and locks the data dirs, listens on the data-transfer, IPC
// and HTTP addresses and prepares one block-pool service per nameservice;
// Run starts them. It logs "DataNode up" with the three bound addresses.
func Start(ctx context.Context, c *conf.Conf, cfg Config, opts Options) (*Daemon, error) {
	if len(cfg.NameNodes) == 0 {
		return nil, errors.New("datanode: no NameNode address is configured (fs.defaultFS, dfs.namenode.rpc-address or dfs.namenode.servicerpc-address)")
	}
	d := &Daemon{conf: c, cfg: cfg, log: opts.Logger, now: opts.Now, sleep: opts.Sleep, reload: opts.Reload,
		rpc: opts.Caller, stopReq: make(chan struct{}), fatal: make(chan error, 1),
		timing: bpservice.Config{HeartbeatInterval: cfg.HeartbeatInterval, BlockReportInterval: cfg.BlockReportInterval,
			InitialBlockReportDelay: cfg.BlockReportInitDelay, IBRInterval: cfg.IncrementalReportDelay,
			BlockReportSplitThreshold: cfg.BlockReportSplitThreshold}.WithDefaults()}
	if c == nil {
		c = conf.New()
	}
	d.conf = c
	if d.log == nil {
		d.log = slog.Default()
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.sleep == nil {
		d.sleep = ctxsleep.Sleep
	}
	d.started = d.now()
	locs, err := parseDataDirs(cfg.DataDirs)
	if err != nil {
		return nil, err
	}
	if opts.FS == nil {
		if err := makeDataDirs(locs, cfg.DataDirPerm); err != nil {
			return nil, err
		}
	}
	log := d.log
	chooser, err := fsdataset.NewChooser(cfg.VolumeChoosing)
	if err != nil {
		return nil, fmt.Errorf("datanode: %w", err)
	}
	if cfg.VolumeChoosing.Policy == fsdataset.AvailableSpacePolicyClass {
		log.Info("available space volume choosing policy",
			"dfs.datanode.available-space-volume-choosing-policy.balanced-space-threshold", cfg.VolumeChoosing.Threshold,
			"dfs.datanode.available-space-volume-choosing-policy.balanced-space-preference-fraction", cfg.VolumeChoosing.Preference)
		if p := cfg.VolumeChoosing.Preference; p > 1 || p < 0.5 {
			log.Warn("dfs.datanode.available-space-volume-choosing-policy.balanced-space-preference-fraction should be in 0.5-1.0; below 0.5 the fuller volumes get more blocks",
				"value", p)
		}
	}
	ds, err := fsdataset.Open(fsdataset.Config{Locations: locs, Reserved: cfg.DUReserved, Chooser: chooser,
		FailedVolumesTolerated: cfg.FailedVolumesTolerated, FS: opts.FS, Now: d.now,
		Logf: func(format string, args ...any) { log.Info(fmt.Sprintf(format, args...)) }})
	if err != nil {
		return nil, fmt.Errorf("datanode: opening the data dirs: %w", err)
	}
	d.ds = ds
	ok := false
	defer func() {
		if !ok {
			d.abortStart()
		}
	}()
	if d.rpc == nil {
		d.client = hadooprpc.NewClient(hadooprpc.ClientConfig{
			ConnectTimeout: cfg.IPC.ConnectTimeout, ConnectRetries: -1,
			MaxDataLength: cfg.IPC.MaxResponseLength, Logger: d.log})
		d.rpc = d.client
	}
	if err := d.listen(); err != nil {
		return nil, err
	}
	d.id = d.identity()
	d.transfers = make(chan struct{}, max(cfg.MaxTransferThreads, 1))
	d.balance = throttle.New(max(cfg.BalanceBandwidth, 1), nil)
	if err := d.makePools(opts.Rand); err != nil {
		return nil, err
	}
	sum, err := checksumOf(cfg)
	if err != nil {
		return nil, err
	}
	d.data = newDataServer(DataServerConfig{
		SocketTimeout: cfg.SocketTimeout, WriteTimeout: cfg.SocketWriteTimeout,
		MaxTransferThreads: cfg.MaxTransferThreads, ConnectViaHostname: cfg.UseHostnameForPeers,
		Checksum:     sum,
		DatanodeUUID: d.id.DatanodeUUID, Logger: d.log,
		KeepaliveTimeout: cfg.KeepaliveTimeout, BlockSize: cfg.HDFS.BlockSize, MaxMovers: cfg.MaxMovers,
		FileBufferSize: cfg.FileBufferSize, BalanceThrottler: d.balance, TransferThrottler: transferThrottler(cfg.TransferBandwidth),
		ReadThrottler: transferThrottler(cfg.ReadBandwidth), WriteThrottler: transferThrottler(cfg.WriteBandwidth),
		SyncBehindWrites: cfg.SyncBehindWrites, DropCacheBehindWrites: cfg.DropBehindWrites,
		Readahead: cfg.Readahead, DropCacheBehindReads: cfg.DropBehindReads,
		IPAddr: d.id.IPAddr, Hostname: d.id.HostName, InfoPort: int(d.id.InfoPort), IPCPort: int(d.id.IPCPort),
	}, ds, &notifier{d: d})
	d.bgCtx, d.bgCancel = context.WithCancel(context.Background())
	ok = true
	d.log.Info("DataNode up", "xfer", d.XferAddr(), "ipc", d.IPCAddr(), "http", d.HTTPAddr())
	return d, nil
}

// abortStart undoes a Start that failed half-way.
func (d *Daemon) abortStart() {
	for _, ln := range []net.Listener{d.xferLn, d.ipcLn, d.httpLn} {
		if ln != nil {
			ln.Close()
		}
	}
	if d.client != nil {
		d.client.Close()
	}
	d.ds.Shutdown()
}

func parseDataDirs(dirs []string) ([]fsdataset.Location, error) {
	var locs []fsdataset.Location
	for _, s := range dirs {
		l, err := fsdataset.ParseLocation(s)
		if err != nil {
			return nil, fmt.Errorf("datanode: dfs.datanode.data.dir entry %q: %w", s, err)
		}
		locs = append(locs, l)
	}
	if len(locs) == 0 {
		return nil, errors.New("datanode: dfs.datanode.data.dir names no directory")
	}
	return locs, nil
}

// makeDataDirs creates missing data dirs with perm and sets perm on
// existing ones that differ, as Hadoop's DiskChecker does at startup. A
// dir that cannot be made is left to fsdataset, which fails that volume.
func makeDataDirs(locs []fsdataset.Location, perm os.FileMode) error {
	if perm == 0 {
		perm = 0o700
	}
	for _, l := range locs {
		if err := os.MkdirAll(l.Path, perm); err != nil {
			continue
		}
		st, err := os.Stat(l.Path)
		if err != nil {
			continue
		}
		if st.Mode().Perm() != perm {
			if err := os.Chmod(l.Path, perm); err != nil {
				return fmt.Errorf("datanode: setting permission %o on data dir %s: %w", perm, l.Path, err)
			}
		}
	}
	return nil
}

func (d *Daemon) listen() error {
	var err error
	if d.xferLn, err = listen("dfs.datanode.address", d.cfg.XferAddr); err != nil {
		return err
	}
	if d.ipcLn, err = listen("dfs.datanode.ipc.address", d.cfg.IPCAddr); err != nil {
		return err
	}
	if d.httpLn, err = listen("dfs.datanode.http.address", d.cfg.HTTPAddr); err != nil {
		return err
	}
	ipc := d.cfg.IPC
	d.ipc = hadooprpc.NewServer(hadooprpc.ServerConfig{MaxDataLength: ipc.MaxDataLength,
		MaxConnections: ipc.MaxConnections, IdleTimeout: ipc.ServerIdleTime, Logger: d.log})
	ipcSrv := &ipcServer{d: d}
	d.ipc.Register(dnipc.ClientDatanodeProtocol(ipcSrv))
	d.ipc.Register(dnipc.ReconfigurationProtocol(ipcSrv))
	d.ipc.Register(dnipc.InterDatanodeProtocol(&recoverer{d: d}))
	d.http = &http.Server{Handler: d.httpHandler(), ReadHeaderTimeout: 10 * time.Second}
	return nil
}

func listen(key, addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("datanode: listen on %s (%s): %w", addr, key, err)
	}
	return l, nil
}

// makePools groups the NameNodes by nameservice, one service each.
func (d *Daemon) makePools(rnd func(int64) int64) error {
	d.poolRand = rnd
	d.poolEnds = make(chan poolEnd)
	order, byNS := groupNameNodes(d.cfg.NameNodes)
	for _, ns := range order {
		p, err := d.newPool(ns, byNS[ns])
		if err != nil {
			return err
		}
		d.pools = append(d.pools, p)
	}
	return nil
}

// groupNameNodes returns the nameservices in configuration order and the
// NameNode addresses of each.
func groupNameNodes(nns []conf.NNAddr) (order []string, byNS map[string][]string) {
	byNS = map[string][]string{}
	for _, nn := range nns {
		if _, seen := byNS[nn.Nameservice]; !seen {
			order = append(order, nn.Nameservice)
		}
		byNS[nn.Nameservice] = append(byNS[nn.Nameservice], nn.Addr.String())
	}
	return order, byNS
}

// poolTiming is the timing a new block-pool service starts with.
func (d *Daemon) poolTiming() bpservice.Config {
	d.poolsMu.Lock()
	defer d.poolsMu.Unlock()
	return d.timing
}

// newPool makes the service of nameservice ns, not yet started.
func (d *Daemon) newPool(ns string, nameNodes []string) (*pool, error) {
	p := &pool{nameservice: ns, nameNodes: nameNodes}
	svc, err := bpservice.NewService(bpservice.ServiceConfig{
		NameNodes: p.nameNodes, ID: d.id, Storage: bpservice.StorageIDs{ClusterID: d.clusterID()},
		Timing: d.poolTiming(),
		Rand:   d.poolRand, Logger: d.log.With("nameservice", ns),
	}, d.rpc, &poolDataset{d: d, p: p}, &commands{d: d})
	if err != nil {
		return nil, fmt.Errorf("datanode: nameservice %q: %w", ns, err)
	}
	p.svc = svc
	return p, nil
}

// refreshNamenodes is BlockPoolManager.refreshNamenodes: the services of
// nameservices no longer configured stop; a nameservice whose NameNodes
// changed gets a new service (it registers and reports again); a new
// nameservice gets a service of its own. The block pools of stopped
// services are unloaded and stay on disk (deleteBlockPool removes them);
// a new service of the same nameservice loads its pool again.
func (d *Daemon) refreshNamenodes(nns []conf.NNAddr) error {
	d.refreshMu.Lock()
	defer d.refreshMu.Unlock()
	order, byNS := groupNameNodes(nns)
	kept := map[string]bool{}
	for _, p := range d.poolList() {
		if want, ok := byNS[p.nameservice]; ok && slices.Equal(want, p.nameNodes) {
			kept[p.nameservice] = true
			continue
		}
		d.poolsMu.Lock()
		p.retired = true
		d.pools = slices.DeleteFunc(d.pools, func(x *pool) bool { return x == p })
		d.poolsMu.Unlock()
		if p.cancel != nil {
			p.cancel()
			<-p.done
		}
		d.poolsMu.Lock()
		bpid := p.bpid
		d.poolsMu.Unlock()
		d.log.Info("Refresh: stopped the block pool service", "nameservice", p.nameservice, "namenodes", p.nameNodes, "bpid", bpid)
		if bpid != "" {
			if err := d.ds.ShutdownBlockPool(bpid); err != nil {
				d.log.Warn("Refresh: unloading the block pool", "bpid", bpid, "err", err)
			}
		}
	}
	var errs []error
	for _, ns := range order {
		if kept[ns] {
			continue
		}
		p, err := d.newPool(ns, byNS[ns])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d.poolsMu.Lock()
		d.pools = append(d.pools, p)
		d.poolsMu.Unlock()
		d.startPool(p)
		d.log.Info("Refresh: started a block pool service", "nameservice", ns, "namenodes", p.nameNodes)
	}
	return errors.Join(errs...)
}

// clusterID is the cluster the formatted volumes belong to ("" when none
// is formatted): the handshake then refuses a NameNode of another one.
func (d *Daemon) clusterID() string {
	for _, v := range d.ds.Volumes() {
		if failed, _ := v.Failed(); !failed && v.Version().ClusterID != "" {
			return v.Version().ClusterID
		}
	}
	return ""
}

// identity is the DatanodeID every registration carries. As Hadoop's
// createBPRegistration: the host name is dfs.datanode.hostname, else the
// machine's name; the IP is the data-transfer listener's. Hadoop sends a
// wildcard listener's 0.0.0.0 and lets the NameNode substitute the
// address the registration came from; this DataNode sends that address
// itself: the local IP its route to the first NameNode uses.
func (d *Daemon) identity() bpservice.DatanodeID {
	host := d.cfg.Hostname
	if host == "" {
		if h, err := os.Hostname(); err == nil {
			host = h
		} else {
			host = "localhost"
		}
	}
	return bpservice.DatanodeID{
		IPAddr: localIP(d.xferLn.Addr(), d.cfg.NameNodes), HostName: host,
		DatanodeUUID: d.ds.DatanodeUUID(),
		XferPort:     port(d.xferLn.Addr()), InfoPort: port(d.httpLn.Addr()), IPCPort: port(d.ipcLn.Addr()),
	}
}

func localIP(bound net.Addr, nns []conf.NNAddr) string {
	if ta, ok := bound.(*net.TCPAddr); ok && !ta.IP.IsUnspecified() {
		return ta.IP.String()
	}
	for _, nn := range nns {
		// A UDP "connection" sends nothing; it only picks the route.
		c, err := net.Dial("udp", net.JoinHostPort(nn.Addr.Host, strconv.Itoa(nn.Addr.Port)))
		if err != nil {
			continue
		}
		ip := c.LocalAddr().(*net.UDPAddr).IP
		c.Close()
		if !ip.IsUnspecified() {
			return ip.String()
		}
	}
	return "127.0.0.1"
}

func port(a net.Addr) uint32 {
	if ta, ok := a.(*net.TCPAddr); ok {
		return uint32(ta.Port)
	}
	_, p, _ := net.SplitHostPort(a.String())
	n, _ := strconv.Atoi(p)
	return uint32(n)
}

// checksumOf is DNConf's checksum: dfs.checksum.type per
// dfs.bytes-per-checksum bytes (CRC32C per 512 by default).
func checksumOf(cfg Config) (datatransfer.DataChecksum, error) {
	t := datatransfer.ChecksumCRC32C
	switch strings.ToUpper(cfg.HDFS.ChecksumType) {
	case "NULL":
		t = datatransfer.ChecksumNull
	case "CRC32":
		t = datatransfer.ChecksumCRC32
	case "", "CRC32C":
	default:
		return datatransfer.DataChecksum{}, fmt.Errorf("datanode: dfs.checksum.type %q is not NULL, CRC32 or CRC32C", cfg.HDFS.ChecksumType)
	}
	bpc := cfg.HDFS.BytesPerChecksum
	if bpc == 0 {
		bpc = 512
	}
	sum, err := datatransfer.NewDataChecksum(t, bpc)
	if err != nil {
		return sum, fmt.Errorf("datanode: dfs.bytes-per-checksum: %w", err)
	}
	return sum, nil
}

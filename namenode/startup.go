package namenode

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/clientrpc"
	"github.com/hdfsd/hdfsd/namenode/dnrpc"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/nnrpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/qjournal/client"
)

// Format is `hdfs namenode -format`: new IDs, and in every name and edits
// directory VERSION, seen_txid and (in the image directories) the empty
// namespace's fsimage_0000000000000000000.
func Format(cfg Config, opt storage.FormatOptions, log *slog.Logger) error {
	return FormatOn(storage.OSFS, cfg, opt, log)
}

// FormatOn is Format on the given file system. Unlike a running
// NameNode, which drops a failing directory and goes on, a format that
// fails in any directory fails, as Hadoop's does.
func FormatOn(fsys storage.FS, cfg Config, opt storage.FormatOptions, log *slog.Logger) error {
	dirs := storage.NewDirs(cfg.NameDirs, cfg.EditsDirs)
	opt.SaveImage = nil
	v, err := storage.Format(fsys, dirs, opt)
	if err == nil {
		if fs := dirs.Failures(); len(fs) > 0 {
			err = fmt.Errorf("namenode: formatting %s: %w", fs[0].Dir.Root, fs[0].Err)
		}
	}
	if err != nil {
		return err
	}
	tree, err := namespace.New(cfg.Namespace)
	if err != nil {
		return err
	}
	meta := freshMeta(v.NamespaceID)
	if err := storage.SaveImage(fsys, dirs, 0, imageSaver(tree, meta, cfg)); err != nil {
		return err
	}
	if cfg.SharedEdits != "" {
		if err := formatShared(context.Background(), cfg.conf, cfg, v, opt, log); err != nil {
			return err
		}
	}
	if fs := dirs.Failures(); len(fs) > 0 {
		return fmt.Errorf("namenode: saving the image in %s: %w", fs[0].Dir.Root, fs[0].Err)
	}
	for _, d := range dirs.Healthy() {
		log.Info("Storage directory " + d.Root + " has been successfully formatted.")
	}
	log.Info("Formatted", "clusterID", v.ClusterID, "blockpoolID", v.BlockPoolID, "namespaceID", v.NamespaceID)
	return nil
}

// Start loads the newest image and the edits after it from the storage
// directories, opens a new edit segment and starts serving.
func Start(ctx context.Context, c *conf.Conf, cfg Config, opts Options) (*Daemon, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = storage.OSFS
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	began := time.Now()
	d := &Daemon{conf: c, cfg: cfg, log: log, fsys: fsys, failed: make(chan error, 1), closed: make(chan struct{})}
	d.dirs = storage.NewDirs(cfg.NameDirs, cfg.EditsDirs)
	st, err := storage.Load(fsys, d.dirs)
	if err != nil {
		return nil, err
	}
	d.st = st
	ok := false
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	if err := checkUpgradeStart(st, opts, log); err != nil {
		return nil, err
	}
	scan := journal.Scanner(fsys)
	if err := st.Recover(scan, 0); err != nil {
		return nil, err
	}
	// With a shared edit log the edits up to seen_txid may be on the
	// JournalNodes only: that is checked after they are read too.
	plan, err := st.Inspect(scan, storage.InspectOptions{ForWrite: cfg.SharedEdits == ""})
	if err != nil {
		return nil, err
	}
	ns := &Namesystem{cfg: cfg, log: log, now: now, host: hostname(), blockPoolID: st.Version.BlockPoolID,
		groups: NewGroups(nil, cfg.GroupsCache, cfg.GroupsNegCache), fatal: d.fail,
		leases: NewLeases(cfg.LeaseSoft, cfg.LeaseHard)}
	if cfg.RetryCache {
		ns.retry = NewRetryCache(cfg.RetryCacheExpiry, cfg.RetryCacheMax)
	}
	img, err := loadNewestImage(plan, cfg)
	if err != nil {
		return nil, err
	}
	ns.tree, ns.ids, ns.meta = img.tree, img.ids, img.meta
	log.Info("Loaded image", "file", img.path, "txid", img.txid, "inodes", ns.tree.Stats().Inodes, "took", time.Since(began))
	ap := &applier{tree: ns.tree, ids: &ns.ids, retry: ns.retry, super: namespace.Op{User: cfg.User}, last: img.txid}
	last, err := journal.Replay(fsys, plan.Segments, img.txid+1, ap.apply)
	if err != nil {
		return nil, err
	}
	if last < img.txid {
		last = img.txid
	}
	// The shared edit log: become its writer (a new epoch, unfinished
	// segments recovered), then replay what it holds beyond the local
	// edits (FSEditLog.recoverUnclosedStreams, selectInputStreams).
	if ns.shared, err = sharedManager(c, cfg, st.Version, log); err != nil {
		return nil, err
	}
	if ns.shared != nil {
		defer func() {
			if !ok {
				ns.shared.Close()
			}
		}()
		rec, err := ns.shared.RecoverUnfinalizedSegments(ctx)
		if err != nil {
			return nil, fmt.Errorf("namenode: recovering the shared edit log %s: %w", cfg.SharedEdits, err)
		}
		log.Info("Became the writer of the shared edit log", "uri", cfg.SharedEdits, "epoch", rec.Epoch, "recovered", rec.Recovered)
		rfs, rsegs, err := remoteSegments(ctx, ns.shared, last+1)
		if err != nil {
			return nil, err
		}
		if last, err = journal.Replay(rfs, rsegs, last+1, ap.apply); err != nil {
			return nil, err
		}
		if need := plan.MaxSeenTxID - 1; last < need {
			return nil, fmt.Errorf("namenode: Gap in transactions. Expected to be able to read up until at least txid %d "+
				"but the local edits dirs and the JournalNodes of %s end at txid %d", need, cfg.SharedEdits, last)
		}
	}
	log.Info("Loaded edits", "lastTxId", last, "segments", len(plan.Segments), "took", time.Since(began))

	switch {
	case opts.Upgrade:
		// The upgrade saves the namespace in every directory (Hadoop's
		// doUpgrade returns needToSave false).
		if err := upgradeStorageShared(ctx, st, ns.shared, imageSaver(ns.tree, ns.imageMeta(ns.ids, last), cfg), last, now(), cfg.Retention, log); err != nil {
			return nil, err
		}
		log.Info("Upgraded", "layoutVersion", st.Version.LayoutVersion, "cTime", st.Version.CTime, "txid", last)
	case plan.NeedToSave:
		if err := st.SaveImage(last, imageSaver(ns.tree, ns.imageMeta(ns.ids, last), cfg)); err != nil {
			return nil, err
		}
		if err := st.WriteVersion(); err != nil {
			return nil, err
		}
	}
	d.version = st.Version
	jopts := journal.Options{RollThreshold: journal.RollThreshold(float32(cfg.AutorollMultiplier), cfg.CheckpointTxns)}
	if ns.shared != nil {
		jopts.Remote = client.NewRemote(ns.shared, storage.LayoutVersion)
	}
	jn, err := journal.Open(fsys, d.dirs, last+1, jopts)
	if err != nil {
		return nil, err
	}
	d.jn = jn
	if err := st.WriteSeenTxID(last + 1); err != nil {
		jn.Abort()
		return nil, err
	}
	ns.elog = jn
	ns.toOps = ns.scratchOps
	for _, f := range ns.tree.OpenFiles() {
		ns.leases.Add(f.ClientName, f.ID, now())
	}
	ns.version = st.Version
	if err := ns.startBlockSide(c, now()); err != nil {
		jn.Abort()
		return nil, err
	}
	ckptTxID := img.txid
	if opts.Upgrade {
		ckptTxID = last // the upgrade saved the namespace there
	}
	ns.ckpt = &checkpointer{n: ns, st: st, jn: jn, log: log, lastTime: now()}
	ns.ckpt.lastTxID.Store(ckptTxID)
	d.ns = ns

	if err := d.listen(); err != nil {
		jn.Abort()
		return nil, err
	}
	bgctx, cancel := context.WithCancel(context.Background())
	d.stopBg = cancel
	d.bg.Add(2)
	go func() { defer d.bg.Done(); ns.ckpt.run(bgctx) }()
	go func() { defer d.bg.Done(); ns.leaseMonitor(bgctx) }()
	d.bg.Add(1)
	go func() { defer d.bg.Done(); ns.blockMonitor(bgctx) }()
	ok = true
	log.Info("NameNode RPC up", "rpc", d.rpcAddr, "service", d.ServiceRPCAddr(), "http", d.HTTPAddr(), "startup", time.Since(began),
		"safemode", ns.safe.On())
	return d, nil
}

func (d *Daemon) listen() error {
	ipc := d.cfg.IPC
	d.rpc = hadooprpc.NewServer(hadooprpc.ServerConfig{
		MaxDataLength: ipc.MaxDataLength, MaxConnections: ipc.MaxConnections,
		IdleTimeout: ipc.ServerIdleTime, Logger: d.log,
	})
	ccfg, err := clientrpc.ConfigFrom(d.conf)
	if err != nil {
		return err
	}
	p := clientrpc.Protocol(d.ns, ccfg)
	for _, m := range unsupportedMethods {
		delete(p.Methods, m)
	}
	d.rpc.Register(p)
	d.rpc.Register(dnrpc.Protocol(dnServer{d.ns}))
	d.rpc.Register(nnrpc.Protocol(nnServer{d.ns}))
	if d.rpcLn, err = listen(d.cfg.RPCAddr); err != nil {
		return err
	}
	d.rpcAddr = d.rpcLn.Addr().String()
	if d.cfg.ServiceRPCAddr != "" {
		if d.svcLn, err = listen(d.cfg.ServiceRPCAddr); err != nil {
			d.rpcLn.Close()
			return err
		}
	}
	if d.httpLn, err = listen(d.cfg.HTTPAddr); err != nil {
		d.rpcLn.Close()
		if d.svcLn != nil {
			d.svcLn.Close()
		}
		return err
	}
	d.http = &http.Server{Handler: d.httpHandler(), ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// unsupportedMethods are the ClientProtocol methods this NameNode answers
// as Hadoop answers a method it does not know.
var unsupportedMethods = []string{
	"metaSave",
	"addCacheDirective", "modifyCacheDirective", "removeCacheDirective", "listCacheDirectives",
	"addCachePool", "modifyCachePool", "removeCachePool", "listCachePools",
	"createEncryptionZone", "getEZForPath", "listEncryptionZones", "reencryptEncryptionZone",
	"listReencryptionStatus", "setErasureCodingPolicy", "unsetErasureCodingPolicy",
	"addErasureCodingPolicies", "removeErasureCodingPolicy", "enableErasureCodingPolicy",
	"disableErasureCodingPolicy", "satisfyStoragePolicy",
}

// leaseMonitor recovers the leases of writers gone past the hard limit.
func (n *Namesystem) leaseMonitor(ctx context.Context) {
	everyTick(ctx, n.cfg.LeaseRecheck, 2*time.Second, func() {
		if n.safe.On() {
			return
		}
		for _, id := range n.leases.HardExpired(n.now()) {
			holder, ok := n.leases.Holder(id)
			path, found := n.tree.PathOf(id)
			if !ok || !found {
				n.leases.Remove(id)
				continue
			}
			if _, err := n.releaseLease(ctx, path, id, holder); err != nil {
				n.log.Warn("lease recovery", "path", path, "holder", holder, "err", err)
			}
		}
	})
}

// PrintMetadataVersion is `hdfs namenode -metadataVersion`.
func PrintMetadataVersion(cfg Config, stdout, stderr io.Writer) int {
	dirs := storage.NewDirs(cfg.NameDirs, cfg.EditsDirs)
	for _, d := range dirs.Healthy() {
		v, err := storage.ReadVersion(storage.OSFS, d.Root)
		if err != nil {
			continue
		}
		fmt.Fprintf(stdout, "HDFS Image Version: %d\n", v.LayoutVersion)
		fmt.Fprintf(stdout, "Software format version: %d\n", storage.LayoutVersion)
		return 0
	}
	fmt.Fprintln(stderr, "hdfsd namenode: no formatted storage directory")
	return 1
}

package journalnode

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Config is the JournalNode's settings, read once by ConfigFrom.
type Config struct {
	RPCAddr  string // dfs.journalnode.rpc-address
	HTTPAddr string // dfs.journalnode.http-address
	EditsDir string // dfs.journalnode.edits.dir
	// NameserviceDir looks up dfs.journalnode.edits.dir.<nameservice>: a
	// journal first asked for by a NameNode of that nameservice lives
	// there, as in Hadoop's JournalNode.getLogDir. NameserviceDirs holds
	// the settings of the nameservices this configuration lists
	// (dfs.nameservices, dfs.internal.nameservices), opened at start.
	NameserviceDir  func(ns string) (string, bool)
	NameserviceDirs map[string]string

	SyncEnabled  bool          // dfs.journalnode.enable.sync
	SyncInterval time.Duration // dfs.journalnode.sync.interval (ms)
	// Peers maps a journal id to the RPC addresses of every JournalNode
	// of its shared edits dir (qjournal://h1:p1;h2:p2/jid), ours included.
	Peers map[string][]string

	// CacheBytes sizes the getJournaledEdits cache of each journal
	// (dfs.journalnode.edit-cache-size.bytes); 0 when
	// dfs.ha.tail-edits.in-progress is off, as Hadoop has no cache then.
	CacheBytes int

	MaxDataLength int // ipc.maximum.data.length
}

// DefaultCacheBytes is the cache size when
// dfs.journalnode.edit-cache-size.bytes is unset. Hadoop 3.4 takes half
// the JVM heap (dfs.journalnode.edit-cache-size.fraction); a Go process has
// no heap limit to take a fraction of.
const DefaultCacheBytes = 64 << 20

// ConfigFrom reads the settings from c.
func ConfigFrom(c *conf.Conf) (Config, error) {
	r := conf.NewReader(c)
	str := func(key, def string) string {
		if v := r.Trimmed(key, def); v != "" {
			return v
		}
		return def
	}
	cfg := Config{
		RPCAddr:       str(conf.KeyJournalNodeRPCAddr, "0.0.0.0:8485"),
		HTTPAddr:      str(conf.KeyJournalNodeHTTPAddr, "0.0.0.0:8480"),
		EditsDir:      str(conf.KeyJournalNodeEditsDir, "/tmp/hadoop/dfs/journalnode/"),
		SyncEnabled:   r.Bool("dfs.journalnode.enable.sync", true),
		SyncInterval:  r.Duration("dfs.journalnode.sync.interval", 120*time.Second, time.Millisecond),
		MaxDataLength: r.Int("ipc.maximum.data.length", 128<<20),
	}
	if r.Bool("dfs.ha.tail-edits.in-progress", false) {
		cfg.CacheBytes = int(r.Size("dfs.journalnode.edit-cache-size.bytes", DefaultCacheBytes))
	}
	var errs []error
	cfg.NameserviceDir = func(ns string) (string, bool) {
		v, ok := c.Get(conf.KeyJournalNodeEditsDir + "." + ns)
		v = strings.TrimSpace(v)
		return v, ok && ns != "" && v != ""
	}
	cfg.NameserviceDirs = map[string]string{}
	for _, ns := range slices.Concat(c.GetStrings("dfs.internal.nameservices"), conf.NameserviceIDs(c)) {
		if d, ok := cfg.NameserviceDir(ns); ok {
			cfg.NameserviceDirs[ns] = d
		}
	}
	// One nameservice (HA, not federated): its own edits dir, when set, is
	// the JournalNode's (JournalNode.setConf).
	nss := c.GetStrings("dfs.internal.nameservices")
	if len(nss) == 0 {
		nss = conf.NameserviceIDs(c)
	}
	if len(nss) == 1 {
		if d, ok := cfg.NameserviceDir(nss[0]); ok {
			cfg.EditsDir = d
		}
	}
	for _, d := range append([]string{cfg.EditsDir}, slices.Sorted(maps.Values(cfg.NameserviceDirs))...) {
		if !filepath.IsAbs(d) {
			errs = append(errs, fmt.Errorf("journalnode: Journal dir '%s' should be an absolute path", d))
		}
	}
	cfg.Peers = sharedEditsPeers(c, &errs)
	return cfg, errors.Join(append(errs, r.Err())...)
}

// sharedEditsPeers reads dfs.namenode.shared.edits.dir and its
// per-nameservice and per-NameNode forms.
func sharedEditsPeers(c *conf.Conf, errs *[]error) map[string][]string {
	peers := map[string][]string{}
	keys := c.Keys()
	sort.Strings(keys)
	for _, k := range keys {
		if k != "dfs.namenode.shared.edits.dir" && !strings.HasPrefix(k, "dfs.namenode.shared.edits.dir.") {
			continue
		}
		v, _ := c.Get(k)
		for _, uri := range strings.Split(v, ",") {
			if uri = strings.TrimSpace(uri); !strings.HasPrefix(uri, "qjournal://") {
				continue
			}
			u, err := url.Parse(uri)
			if err != nil {
				*errs = append(*errs, fmt.Errorf("journalnode: %s: %w", k, err))
				continue
			}
			jid := strings.Trim(u.Path, "/")
			for _, h := range strings.Split(u.Host, ";") {
				if h != "" && !contains(peers[jid], h) {
					peers[jid] = append(peers[jid], h)
				}
			}
		}
	}
	return peers
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Options are the daemon's injected dependencies; zero values mean the
// real ones.
type Options struct {
	Logger *slog.Logger
	FS     storage.FS       // nil: the OS
	Now    func() time.Time // nil: time.Now
}

package client

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

// Hadoop's defaults (hdfs-default.xml).
const (
	DefaultStartSegmentTimeout       = 20 * time.Second  // dfs.qjournal.start-segment.timeout.ms
	DefaultPrepareRecoveryTimeout    = 120 * time.Second // dfs.qjournal.prepare-recovery.timeout.ms
	DefaultAcceptRecoveryTimeout     = 120 * time.Second // dfs.qjournal.accept-recovery.timeout.ms
	DefaultFinalizeSegmentTimeout    = 120 * time.Second // dfs.qjournal.finalize-segment.timeout.ms
	DefaultSelectInputStreamsTimeout = 20 * time.Second  // dfs.qjournal.select-input-streams.timeout.ms
	DefaultGetJournalStateTimeout    = 120 * time.Second // dfs.qjournal.get-journal-state.timeout.ms
	DefaultNewEpochTimeout           = 120 * time.Second // dfs.qjournal.new-epoch.timeout.ms
	DefaultWriteTxnsTimeout          = 20 * time.Second  // dfs.qjournal.write-txns.timeout.ms
	DefaultOperationsTimeout         = 60 * time.Second  // dfs.qjm.operations.timeout (format, isFormatted, ...)
	DefaultQueuedEditsLimit          = 10 << 20          // dfs.qjournal.queued-edits.limit.mb
	DefaultMaxTxnsPerRPC             = 5000              // dfs.ha.tail-edits.qjm.rpc.max-txns
)

// Timeouts bound each kind of quorum call. Zero fields take the defaults.
type Timeouts struct {
	StartSegment, PrepareRecovery, AcceptRecovery, FinalizeSegment time.Duration
	SelectInputStreams, GetJournalState, NewEpoch, WriteTxns       time.Duration
	Operations                                                     time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.StartSegment, DefaultStartSegmentTimeout)
	def(&t.PrepareRecovery, DefaultPrepareRecoveryTimeout)
	def(&t.AcceptRecovery, DefaultAcceptRecoveryTimeout)
	def(&t.FinalizeSegment, DefaultFinalizeSegmentTimeout)
	def(&t.SelectInputStreams, DefaultSelectInputStreamsTimeout)
	def(&t.GetJournalState, DefaultGetJournalStateTimeout)
	def(&t.NewEpoch, DefaultNewEpochTimeout)
	def(&t.WriteTxns, DefaultWriteTxnsTimeout)
	def(&t.Operations, DefaultOperationsTimeout)
	return t
}

// For returns the timeout of a writer call kind.
func (t Timeouts) For(k core.Kind) time.Duration {
	switch k {
	case core.KindGetJournalState:
		return t.GetJournalState
	case core.KindNewEpoch:
		return t.NewEpoch
	case core.KindPrepareRecovery:
		return t.PrepareRecovery
	case core.KindAcceptRecovery:
		return t.AcceptRecovery
	case core.KindFinalize:
		return t.FinalizeSegment
	case core.KindStartSegment:
		return t.StartSegment
	case core.KindJournal:
		return t.WriteTxns
	}
	return t.Operations
}

// Config configures a Manager.
type Config struct {
	Journals      []string // JournalNode RPC addresses, host:port, in URI order
	JournalID     string
	NameServiceID string // sent as nameServiceId when not empty
	Namespace     NamespaceInfo
	Timeouts      Timeouts
	// QueuedEditsLimit bounds the bytes of edits queued for one
	// JournalNode; a batch that would pass it fails on that node.
	QueuedEditsLimit int
	MaxTxnsPerRPC    uint32
	RPC              *hadooprpc.Client // nil: a client of its own, closed by Close
	// Connect is how the client of its own connects: the
	// ipc.client.connect.* keys, as Hadoop's IPCLoggerChannel proxies read
	// them. Zero values are hadooprpc's defaults.
	Connect Connect
	HTTP    *http.Client // nil: http.DefaultClient
	Logger  *slog.Logger
	// Now is the clock of the out-of-sync heartbeats; nil is time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	c.Timeouts = c.Timeouts.withDefaults()
	if c.QueuedEditsLimit <= 0 {
		c.QueuedEditsLimit = DefaultQueuedEditsLimit
	}
	if c.MaxTxnsPerRPC == 0 {
		c.MaxTxnsPerRPC = DefaultMaxTxnsPerRPC
	}
	if c.HTTP == nil {
		c.HTTP = http.DefaultClient
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Connect holds the ipc.client.connect.* settings in hadooprpc's terms.
type Connect struct {
	Timeout       time.Duration // ipc.client.connect.timeout
	Retries       int           // ipc.client.connect.max.retries; negative: none
	RetryInterval time.Duration // ipc.client.connect.retry.interval
}

// ConfigFrom reads a qjournal:// URI and the dfs.qjournal.* keys.
func ConfigFrom(c *conf.Conf, uri, nameServiceID string) (Config, error) {
	q, err := conf.ParseQJournal(uri)
	if err != nil {
		return Config{}, err
	}
	cfg := Config{JournalID: q.JournalID, NameServiceID: nameServiceID}
	for _, a := range q.Journals {
		cfg.Journals = append(cfg.Journals, a.String())
	}
	keys := []struct {
		key string
		dst *time.Duration
		def time.Duration
	}{
		{"dfs.qjournal.start-segment.timeout.ms", &cfg.Timeouts.StartSegment, DefaultStartSegmentTimeout},
		{"dfs.qjournal.prepare-recovery.timeout.ms", &cfg.Timeouts.PrepareRecovery, DefaultPrepareRecoveryTimeout},
		{"dfs.qjournal.accept-recovery.timeout.ms", &cfg.Timeouts.AcceptRecovery, DefaultAcceptRecoveryTimeout},
		{"dfs.qjournal.finalize-segment.timeout.ms", &cfg.Timeouts.FinalizeSegment, DefaultFinalizeSegmentTimeout},
		{"dfs.qjournal.select-input-streams.timeout.ms", &cfg.Timeouts.SelectInputStreams, DefaultSelectInputStreamsTimeout},
		{"dfs.qjournal.get-journal-state.timeout.ms", &cfg.Timeouts.GetJournalState, DefaultGetJournalStateTimeout},
		{"dfs.qjournal.new-epoch.timeout.ms", &cfg.Timeouts.NewEpoch, DefaultNewEpochTimeout},
		{"dfs.qjournal.write-txns.timeout.ms", &cfg.Timeouts.WriteTxns, DefaultWriteTxnsTimeout},
		{"dfs.qjm.operations.timeout", &cfg.Timeouts.Operations, DefaultOperationsTimeout},
	}
	for _, k := range keys {
		if *k.dst, err = c.GetDuration(k.key, k.def, time.Millisecond); err != nil {
			return Config{}, err
		}
	}
	mb, err := c.GetInt("dfs.qjournal.queued-edits.limit.mb", DefaultQueuedEditsLimit>>20)
	if err != nil {
		return Config{}, err
	}
	cfg.QueuedEditsLimit = mb << 20
	n, err := c.GetInt("dfs.ha.tail-edits.qjm.rpc.max-txns", DefaultMaxTxnsPerRPC)
	if err != nil {
		return Config{}, err
	}
	if n <= 0 {
		return Config{}, fmt.Errorf("qjournal: dfs.ha.tail-edits.qjm.rpc.max-txns must be positive, got %d", n)
	}
	cfg.MaxTxnsPerRPC = uint32(n)
	ipc, err := conf.ReadIPC(c)
	if err != nil {
		return Config{}, err
	}
	cfg.Connect = Connect{Timeout: ipc.ConnectTimeout, Retries: ipc.ConnectMaxRetries, RetryInterval: ipc.ConnectRetryInterval}
	if cfg.Connect.Retries <= 0 { // Hadoop's 0 is hadooprpc's default (10)
		cfg.Connect.Retries = -1
	}
	return cfg, nil
}

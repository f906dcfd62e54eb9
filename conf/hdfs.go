package conf

import (
	"errors"
	"fmt"
	"time"
)

// HDFS holds the file system settings shared by NameNode, DataNode and
// client, read with the getter Hadoop uses for each key (so a suffix like
// "128m" works only where Hadoop accepts one).
type HDFS struct {
	// Blocks and checksums.
	Replication      int    // dfs.replication
	MaxReplication   int    // dfs.replication.max
	MinReplication   int    // dfs.namenode.replication.min
	BlockSize        int64  // dfs.blocksize (size suffixes allowed)
	MinBlockSize     int64  // dfs.namenode.fs-limits.min-block-size
	BytesPerChecksum int    // dfs.bytes-per-checksum
	ChecksumType     string // dfs.checksum.type: NULL, CRC32 or CRC32C
	WritePacketSize  int    // dfs.client-write-packet-size

	// Namespace.
	PermissionsEnabled  bool          // dfs.permissions.enabled
	Superusergroup      string        // dfs.permissions.superusergroup
	ACLsEnabled         bool          // dfs.namenode.acls.enabled
	XAttrsEnabled       bool          // dfs.namenode.xattrs.enabled
	ListLimit           int           // dfs.ls.limit
	AccessTimePrecision time.Duration // dfs.namenode.accesstime.precision (ms); 0 disables atime
	MaxComponentLength  int64         // dfs.namenode.fs-limits.max-component-length; 0 disables
	MaxDirectoryItems   int           // dfs.namenode.fs-limits.max-directory-items

	// NameNode.
	HandlerCount          int           // dfs.namenode.handler.count
	ServiceHandlerCount   int           // dfs.namenode.service.handler.count
	RetryCacheEnabled     bool          // dfs.namenode.enable.retrycache
	HeartbeatRecheck      time.Duration // dfs.namenode.heartbeat.recheck-interval (ms)
	SafemodeThresholdPct  float64       // dfs.namenode.safemode.threshold-pct
	SafemodeExtension     time.Duration // dfs.namenode.safemode.extension (ms default)
	SafemodeMinDataNodes  int           // dfs.namenode.safemode.min.datanodes
	NameDirs              []string      // dfs.namenode.name.dir
	EditsDirs             []string      // dfs.namenode.edits.dir
	CheckpointPeriod      time.Duration // dfs.namenode.checkpoint.period (s default)
	CheckpointTxns        int64         // dfs.namenode.checkpoint.txns
	CheckpointCheckPeriod time.Duration // dfs.namenode.checkpoint.check.period (s default)
	CheckpointsRetained   int           // dfs.namenode.num.checkpoints.retained
	ExtraEditsRetained    int64         // dfs.namenode.num.extra.edits.retained
	TailEditsPeriod       time.Duration // dfs.ha.tail-edits.period (s default)
	TailEditsInProgress   bool          // dfs.ha.tail-edits.in-progress
	LogRollPeriod         time.Duration // dfs.ha.log-roll.period (s default)

	// DataNode.
	HeartbeatInterval   time.Duration // dfs.heartbeat.interval (s default)
	BlockReportInterval time.Duration // dfs.blockreport.intervalMsec
	DataDirs            []string      // dfs.datanode.data.dir

	// JournalNode.
	JournalEditsDir     string        // dfs.journalnode.edits.dir
	JournalSyncEnabled  bool          // dfs.journalnode.enable.sync
	JournalSyncInterval time.Duration // dfs.journalnode.sync.interval (ms)
}

// ReadHDFS reads the HDFS settings once; call Validate on the result. For
// a NameNode in an HA or federated cluster, read from c.ForNameNode(ns, nn)
// so per-NameNode directories apply.
func ReadHDFS(c *Conf) (HDFS, error) {
	r := reader{c: c}
	h := HDFS{
		Replication:      r.int("dfs.replication", 3),
		MaxReplication:   r.int("dfs.replication.max", 512),
		MinReplication:   r.int("dfs.namenode.replication.min", 1),
		BlockSize:        r.size("dfs.blocksize", 128<<20),
		MinBlockSize:     r.size("dfs.namenode.fs-limits.min-block-size", 1<<20),
		BytesPerChecksum: r.int("dfs.bytes-per-checksum", 512),
		ChecksumType:     r.trimmed("dfs.checksum.type", "CRC32C"),
		WritePacketSize:  r.int("dfs.client-write-packet-size", 64<<10),

		PermissionsEnabled:  c.GetBool("dfs.permissions.enabled", true),
		Superusergroup:      r.trimmed("dfs.permissions.superusergroup", "supergroup"),
		ACLsEnabled:         c.GetBool("dfs.namenode.acls.enabled", true),
		XAttrsEnabled:       c.GetBool("dfs.namenode.xattrs.enabled", true),
		ListLimit:           r.int("dfs.ls.limit", 1000),
		AccessTimePrecision: time.Duration(r.int64("dfs.namenode.accesstime.precision", 3600000)) * time.Millisecond,
		MaxComponentLength:  r.size("dfs.namenode.fs-limits.max-component-length", 255),
		MaxDirectoryItems:   r.int("dfs.namenode.fs-limits.max-directory-items", 1024*1024),

		HandlerCount:          r.int("dfs.namenode.handler.count", 10),
		ServiceHandlerCount:   r.int("dfs.namenode.service.handler.count", 10),
		RetryCacheEnabled:     c.GetBool("dfs.namenode.enable.retrycache", true),
		HeartbeatRecheck:      r.millis("dfs.namenode.heartbeat.recheck-interval", 300000),
		SafemodeThresholdPct:  r.float("dfs.namenode.safemode.threshold-pct", 0.999),
		SafemodeExtension:     r.duration("dfs.namenode.safemode.extension", 30*time.Second, time.Millisecond),
		SafemodeMinDataNodes:  r.int("dfs.namenode.safemode.min.datanodes", 0),
		NameDirs:              c.GetStringSet(KeyNameNodeNameDir),
		EditsDirs:             c.GetStringSet(KeyNameNodeEditsDir),
		CheckpointPeriod:      r.duration("dfs.namenode.checkpoint.period", time.Hour, time.Second),
		CheckpointTxns:        r.int64("dfs.namenode.checkpoint.txns", 1000000),
		CheckpointCheckPeriod: r.duration("dfs.namenode.checkpoint.check.period", time.Minute, time.Second),
		CheckpointsRetained:   r.int("dfs.namenode.num.checkpoints.retained", 2),
		ExtraEditsRetained:    r.int64("dfs.namenode.num.extra.edits.retained", 1000000),
		TailEditsPeriod:       r.duration("dfs.ha.tail-edits.period", time.Minute, time.Second),
		TailEditsInProgress:   c.GetBool("dfs.ha.tail-edits.in-progress", false),
		LogRollPeriod:         r.duration("dfs.ha.log-roll.period", 2*time.Minute, time.Second),

		HeartbeatInterval:   r.duration("dfs.heartbeat.interval", 3*time.Second, time.Second),
		BlockReportInterval: time.Duration(r.int64("dfs.blockreport.intervalMsec", 21600000)) * time.Millisecond,
		DataDirs:            c.GetStringSet(KeyDataNodeDataDir),

		JournalEditsDir:     r.trimmed(KeyJournalNodeEditsDir, "/tmp/hadoop/dfs/journalnode/"),
		JournalSyncEnabled:  c.GetBool("dfs.journalnode.enable.sync", true),
		JournalSyncInterval: time.Duration(r.int64("dfs.journalnode.sync.interval", 120000)) * time.Millisecond,
	}
	if h.ListLimit <= 0 {
		h.ListLimit = 1000 // Hadoop falls back to the default
	}
	return h, r.err
}

// Validate checks the settings Hadoop checks when a daemon or client
// starts.
func (h HDFS) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("conf: "+format, args...))
		}
	}
	check(h.MinReplication > 0, "dfs.namenode.replication.min = %d must be greater than 0", h.MinReplication)
	check(h.MaxReplication >= h.MinReplication, "dfs.replication.max = %d < dfs.namenode.replication.min = %d", h.MaxReplication, h.MinReplication)
	check(h.Replication > 0 && h.Replication <= h.MaxReplication, "dfs.replication = %d must be in [1, dfs.replication.max = %d]", h.Replication, h.MaxReplication)
	check(h.BytesPerChecksum > 0, "dfs.bytes-per-checksum must be positive, got %d", h.BytesPerChecksum)
	check(h.BytesPerChecksum <= 0 || h.BlockSize%int64(h.BytesPerChecksum) == 0,
		"dfs.blocksize = %d is not a multiple of dfs.bytes-per-checksum = %d", h.BlockSize, h.BytesPerChecksum)
	check(h.BlockSize > 0, "dfs.blocksize must be positive, got %d", h.BlockSize)
	check(h.ChecksumType == "NULL" || h.ChecksumType == "CRC32" || h.ChecksumType == "CRC32C",
		"dfs.checksum.type = %q is not NULL, CRC32 or CRC32C", h.ChecksumType)
	check(h.WritePacketSize > 0, "dfs.client-write-packet-size must be positive, got %d", h.WritePacketSize)
	check(h.MaxDirectoryItems >= 1 && h.MaxDirectoryItems <= 6400000,
		"dfs.namenode.fs-limits.max-directory-items = %d must be between 1 and 6400000", h.MaxDirectoryItems)
	check(h.HandlerCount > 0, "dfs.namenode.handler.count must be positive, got %d", h.HandlerCount)
	check(h.HeartbeatInterval > 0, "dfs.heartbeat.interval must be positive, got %v", h.HeartbeatInterval)
	check(h.CheckpointPeriod > 0, "dfs.namenode.checkpoint.period must be positive, got %v", h.CheckpointPeriod)
	check(h.CheckpointsRetained > 0, "dfs.namenode.num.checkpoints.retained must be positive, got %d", h.CheckpointsRetained)
	check(h.ExtraEditsRetained >= 0, "dfs.namenode.num.extra.edits.retained must not be negative, got %d", h.ExtraEditsRetained)
	return errors.Join(errs...)
}

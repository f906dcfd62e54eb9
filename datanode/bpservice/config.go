package bpservice

import (
	"fmt"
	"time"
)

// Hadoop's defaults (hdfs-default.xml) for the keys Config stands for.
const (
	DefaultHeartbeatInterval         = 3 * time.Second // dfs.heartbeat.interval
	DefaultBlockReportInterval       = 6 * time.Hour   // dfs.blockreport.intervalMsec
	DefaultInitialBlockReportDelay   = 0               // dfs.blockreport.initialDelay
	DefaultIBRInterval               = 0               // dfs.blockreport.incremental.intervalMsec
	DefaultBlockReportSplitThreshold = 1_000_000       // dfs.blockreport.split.threshold
	DefaultLayoutVersion             = -57             // DataNode storage layout of Hadoop 3.4
	DefaultSoftwareVersion           = "3.4.1"
)

// Fixed waits of BPServiceActor (not configurable in Hadoop either).
const (
	handshakeRetry = 5 * time.Second // retrieveNamespaceInfo and init failures
	registerRetry  = 1 * time.Second // registerDatanode I/O failures
	errorBackoff   = 1 * time.Second // after an exception, capped by the heartbeat interval
)

// Config holds the timing rules of one actor. The zero value means
// Hadoop's defaults; call WithDefaults then Validate.
type Config struct {
	HeartbeatInterval       time.Duration
	BlockReportInterval     time.Duration
	InitialBlockReportDelay time.Duration // > 0: first report at a random point within it
	IBRInterval             time.Duration // 0: incremental reports go out at once
	// BlockReportSplitThreshold: at or above this many blocks, one RPC
	// per storage. 0 means the default; negative splits every report
	// (what dfs.blockreport.split.threshold=0 asks for).
	BlockReportSplitThreshold int
}

// WithDefaults fills zero fields with Hadoop's defaults.
func (c Config) WithDefaults() Config {
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.BlockReportInterval == 0 {
		c.BlockReportInterval = DefaultBlockReportInterval
	}
	if c.BlockReportSplitThreshold == 0 {
		c.BlockReportSplitThreshold = DefaultBlockReportSplitThreshold
	}
	return c
}

// Validate rejects values Hadoop also refuses.
func (c Config) Validate() error {
	switch {
	case c.HeartbeatInterval <= 0:
		return fmt.Errorf("bpservice: heartbeat interval %v must be positive", c.HeartbeatInterval)
	case c.BlockReportInterval <= 0:
		return fmt.Errorf("bpservice: block report interval %v must be positive", c.BlockReportInterval)
	case c.InitialBlockReportDelay < 0 || c.IBRInterval < 0:
		return fmt.Errorf("bpservice: negative block report delay or incremental interval")
	case c.InitialBlockReportDelay >= c.BlockReportInterval:
		// DNConf resets such a delay to 0 with a warning; refuse it instead.
		return fmt.Errorf("bpservice: initial block report delay %v is not below the interval %v",
			c.InitialBlockReportDelay, c.BlockReportInterval)
	}
	return nil
}

package blockmgmt

import (
	"fmt"
	"time"
)

// Config holds the block manager's settings, with Hadoop's keys and
// defaults. The glue reads hdfs-site.xml into it; the core never looks
// at string keys.
type Config struct {
	// PoolID is the block pool id put in every block handed out.
	PoolID string

	// MinReplication is dfs.namenode.replication.min (1).
	MinReplication int
	// MaxReplication is dfs.replication.max (512).
	MaxReplication int
	// HeartbeatInterval is dfs.heartbeat.interval (3 s).
	HeartbeatInterval time.Duration
	// RecheckInterval is dfs.namenode.heartbeat.recheck-interval (300 s).
	// A DataNode is dead after 2*RecheckInterval + 10*HeartbeatInterval.
	RecheckInterval time.Duration
	// StaleInterval is dfs.namenode.stale.datanode.interval (30 s).
	StaleInterval time.Duration
	// AvoidStaleForWrite is dfs.namenode.avoid.write.stale.datanode (false).
	AvoidStaleForWrite bool
	// AvoidStaleForRead is dfs.namenode.avoid.read.stale.datanode (false):
	// when set, stale DataNodes are listed last in block locations.
	AvoidStaleForRead bool
	// ConsiderLoad is dfs.namenode.redundancy.considerLoad (true).
	ConsiderLoad bool
	// ConsiderLoadFactor is dfs.namenode.redundancy.considerLoad.factor (2.0).
	ConsiderLoadFactor float64
	// InvalidateLimit is dfs.block.invalidate.limit (1000): blocks per
	// DNA_INVALIDATE command.
	InvalidateLimit int
	// MaxStreams is dfs.namenode.replication.max-streams (2).
	MaxStreams int
	// StreamsHardLimit is dfs.namenode.replication.max-streams-hard-limit (4).
	StreamsHardLimit int
	// WorkMultiplier is dfs.namenode.replication.work.multiplier.per.iteration
	// (2): blocks scheduled per live DataNode per ComputeWork.
	WorkMultiplier int
	// PendingTimeout is dfs.namenode.reconstruction.pending.timeout-sec (300 s).
	PendingTimeout time.Duration
	// MaintenanceMinReplication is dfs.namenode.maintenance.replication.min (1).
	MaintenanceMinReplication int
	// TolerateHeartbeatMultiplier is
	// dfs.namenode.tolerate.heartbeat.multiplier (4), used when choosing
	// which excess replica to delete.
	TolerateHeartbeatMultiplier int
	// DefaultRack is the location of nodes the resolver does not place
	// (NetworkTopology.DEFAULT_RACK, "/default-rack").
	DefaultRack string
}

// DefaultConfig returns Hadoop 3.4.1's defaults.
func DefaultConfig() Config {
	return Config{
		PoolID:                      "",
		MinReplication:              1,
		MaxReplication:              512,
		HeartbeatInterval:           3 * time.Second,
		RecheckInterval:             300 * time.Second,
		StaleInterval:               30 * time.Second,
		ConsiderLoad:                true,
		ConsiderLoadFactor:          2.0,
		InvalidateLimit:             1000,
		MaxStreams:                  2,
		StreamsHardLimit:            4,
		WorkMultiplier:              2,
		PendingTimeout:              300 * time.Second,
		MaintenanceMinReplication:   1,
		TolerateHeartbeatMultiplier: 4,
		DefaultRack:                 "/default-rack",
	}
}

// Validate rejects settings Hadoop would refuse at startup.
func (c Config) Validate() error {
	switch {
	case c.MinReplication < 1:
		return fmt.Errorf("blockmgmt: dfs.namenode.replication.min = %d must be greater than 0", c.MinReplication)
	case c.MaxReplication < c.MinReplication:
		return fmt.Errorf("blockmgmt: dfs.replication.max = %d < dfs.namenode.replication.min = %d", c.MaxReplication, c.MinReplication)
	case c.MaxReplication > 32767:
		return fmt.Errorf("blockmgmt: dfs.replication.max = %d > 32767", c.MaxReplication)
	case c.HeartbeatInterval <= 0 || c.RecheckInterval <= 0 || c.StaleInterval <= 0 || c.PendingTimeout <= 0:
		return fmt.Errorf("blockmgmt: intervals must be positive")
	case c.InvalidateLimit < 1 || c.MaxStreams < 1 || c.StreamsHardLimit < c.MaxStreams || c.WorkMultiplier < 1:
		return fmt.Errorf("blockmgmt: invalid work limits")
	case c.DefaultRack == "" || c.DefaultRack[0] != '/':
		return fmt.Errorf("blockmgmt: default rack %q must start with /", c.DefaultRack)
	}
	return nil
}

// expireMillis is HeartbeatManager's heartbeatExpireInterval.
func (c Config) expireMillis() int64 {
	return 2*c.RecheckInterval.Milliseconds() + 10*c.HeartbeatInterval.Milliseconds()
}

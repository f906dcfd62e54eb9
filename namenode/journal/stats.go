package journal

import "time"

// Stats count what a Journal did, for metrics and benchmarks.
type Stats struct {
	Txns       int64         // ops appended (segment markers included)
	Syncs      int64         // flushes: one write and one fsync in every directory
	SyncedTxns int64         // ops made durable by those flushes
	MaxBatch   int64         // most ops one flush made durable
	Bytes      int64         // bytes written, padding excluded
	SyncTime   time.Duration // time spent in flushes
	FailedDirs int64         // directories taken out of service
	Rolls      int64
}

// MeanBatch is the mean number of ops per flush.
func (s Stats) MeanBatch() float64 {
	if s.Syncs == 0 {
		return 0
	}
	return float64(s.SyncedTxns) / float64(s.Syncs)
}

// Stats returns the counters so far.
func (j *Journal) Stats() Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.mu.stats
}

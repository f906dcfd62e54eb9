package namenode

import (
	"fmt"
	"math"
	"sync"
)

// SafeMode is the NameNode's safe mode: read-only while set. It is on at
// start until enough blocks are reported (BlockManagerSafeMode), and an
// operator can hold it on (dfsadmin -safemode enter) until told to leave.
type SafeMode struct {
	mu        sync.Mutex
	manual    bool    // dfsadmin -safemode enter
	startup   bool    // waiting for block reports
	threshold float64 // dfs.namenode.safemode.threshold-pct
	total     int64   // complete blocks in the namespace at start
	safe      int64   // of those, reported with enough replicas
}

// NewSafeMode starts in startup safe mode when the namespace holds blocks
// that must be reported; with none (or a threshold of 0) it starts off.
func NewSafeMode(threshold float64, totalBlocks int64) *SafeMode {
	s := &SafeMode{threshold: threshold, total: totalBlocks}
	s.startup = s.needed() > 0
	return s
}

// needed is how many safe blocks the threshold asks for.
func (s *SafeMode) needed() int64 {
	if s.threshold <= 0 {
		return 0
	}
	if s.threshold > 1 {
		return math.MaxInt64 // Hadoop: a threshold over 1 keeps safe mode on
	}
	return int64(math.Ceil(float64(s.total) * s.threshold))
}

// On reports whether the NameNode is in safe mode.
func (s *SafeMode) On() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.manual || s.startup
}

// Enter turns manual safe mode on.
func (s *SafeMode) Enter() {
	s.mu.Lock()
	s.manual = true
	s.mu.Unlock()
}

// Leave turns safe mode off (SAFEMODE_LEAVE or FORCE_EXIT). Hadoop refuses
// a plain leave while the startup thresholds are not met, unless forced.
func (s *SafeMode) Leave(force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.startup && !force && s.safe < s.needed() {
		return fmt.Errorf("Refusing to leave safe mode without a force flag. " +
			"Exiting safe mode will cause a deletion of 0 byte(s). Please use -forceExit flag to exit safe mode forcefully if data loss is acceptable.")
	}
	s.manual, s.startup = false, false
	return nil
}

// Tip is the explanation Hadoop appends to a SafeModeException.
func (s *SafeMode) Tip() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.manual {
		return `It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.`
	}
	need := s.needed() - s.safe
	return fmt.Sprintf("The reported blocks %d needs additional %d blocks to reach the threshold %.4f of total blocks %d.\n"+
		"The minimum number of live datanodes is not required. "+
		"Safe mode will be turned off automatically once the thresholds have been reached.",
		s.safe, need, s.threshold, s.total)
}

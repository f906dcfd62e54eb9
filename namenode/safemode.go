package namenode

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// SafeMode is the NameNode's safe mode: read-only while set. It is on at
// start until enough blocks are reported (BlockManagerSafeMode: the
// threshold, then the extension), and an operator can hold it on
// (dfsadmin -safemode enter) until told to leave.
type SafeMode struct {
	mu     sync.Mutex
	manual bool // dfsadmin -safemode enter
	status safeStatus

	threshold  float64       // dfs.namenode.safemode.threshold-pct
	minNodes   int           // dfs.namenode.safemode.min.datanodes
	extension  time.Duration // dfs.namenode.safemode.extension
	total      int64         // complete blocks in the namespace
	safe       int64         // of those, reported with enough replicas
	live       int           // live DataNodes
	reachedAt  time.Time     // when the thresholds were met (extension)
	lastUpdate time.Time
}

type safeStatus uint8

const (
	safeOff safeStatus = iota
	safePendingThreshold
	safeExtension
)

// NewSafeMode starts in startup safe mode unless the thresholds are met
// with nothing reported (no blocks, or a threshold that asks for none),
// as BlockManagerSafeMode.activate decides. Extension and minimum
// DataNodes are zero: see SetLimits.
func NewSafeMode(threshold float64, totalBlocks int64) *SafeMode {
	s := &SafeMode{threshold: threshold, total: totalBlocks, status: safePendingThreshold}
	if s.thresholdsMetLocked() {
		s.status = safeOff
	}
	return s
}

// SetLimits sets dfs.namenode.safemode.min.datanodes and .extension and
// re-decides whether startup safe mode is needed.
func (s *SafeMode) SetLimits(minDataNodes int, extension time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.minNodes, s.extension = minDataNodes, extension
	if s.status == safeOff && !s.thresholdsMetLocked() {
		s.status = safePendingThreshold
	}
}

// blockThreshold is (long)(total * threshold); a threshold over 1 can
// never be met.
func (s *SafeMode) blockThreshold() int64 {
	if s.threshold > 1 {
		return math.MaxInt64
	}
	return int64(float64(s.total) * s.threshold)
}

func (s *SafeMode) thresholdsMetLocked() bool {
	if s.safe < s.blockThreshold() {
		return false
	}
	return s.minNodes <= 0 || s.live >= s.minNodes
}

// Update gives safe mode the block manager's counts (checkSafeMode). It
// returns true when startup safe mode ended with this call, so the caller
// can start the redundancy work Hadoop starts on leaving.
func (s *SafeMode) Update(safe, total int64, live int, now time.Time) (left bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.safe, s.total, s.live, s.lastUpdate = safe, total, live, now
	switch s.status {
	case safePendingThreshold:
		if !s.thresholdsMetLocked() {
			return false
		}
		if s.total > 0 && s.extension > 0 {
			s.status, s.reachedAt = safeExtension, now
			return false
		}
		s.status = safeOff
		return true
	case safeExtension:
		if !s.thresholdsMetLocked() {
			s.status = safePendingThreshold // Hadoop's monitor waits again
			return false
		}
		if now.Sub(s.reachedAt) >= s.extension {
			s.status = safeOff
			return true
		}
	}
	return false
}

// On reports whether the NameNode is in safe mode.
func (s *SafeMode) On() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.manual || s.status != safeOff
}

// InStartup reports whether startup safe mode (not the manual one) is on.
func (s *SafeMode) InStartup() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status != safeOff
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
	if s.status != safeOff && !force && s.safe < s.blockThreshold() {
		return fmt.Errorf("Refusing to leave safe mode without a force flag. " +
			"Exiting safe mode will cause a deletion of 0 byte(s). Please use -forceExit flag to exit safe mode forcefully if data loss is acceptable.")
	}
	s.manual, s.status = false, safeOff
	return nil
}

// Tip is the explanation Hadoop appends to a SafeModeException
// (getSafeModeTip).
func (s *SafeMode) Tip() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.manual {
		return `It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.`
	}
	var msg string
	met := s.safe >= s.blockThreshold()
	if !met {
		msg = fmt.Sprintf("The reported blocks %d needs additional %d blocks to reach the threshold %.4f of total blocks %d.\n",
			s.safe, s.blockThreshold()-s.safe, s.threshold, s.total)
	} else {
		msg = fmt.Sprintf("The reported blocks %d has reached the threshold %.4f of total blocks %d. ", s.safe, s.threshold, s.total)
	}
	switch {
	case s.minNodes <= 0:
		msg += "The minimum number of live datanodes is not required. "
	case !met:
		msg += "The number of live datanodes is not calculated since reported blocks hasn't reached the threshold. "
	case s.live < s.minNodes:
		msg += fmt.Sprintf("The number of live datanodes %d needs an additional %d live datanodes to reach the minimum number %d.\n",
			s.live, s.minNodes-s.live, s.minNodes)
	default:
		msg += fmt.Sprintf("The number of live datanodes %d has reached the minimum number %d. ", s.live, s.minNodes)
	}
	const turnOff = "Safe mode will be turned off automatically "
	switch s.status {
	case safePendingThreshold:
		return msg + turnOff + "once the thresholds have been reached."
	case safeExtension:
		left := s.extension - s.lastUpdate.Sub(s.reachedAt)
		if left < 0 {
			left = 0
		}
		return msg + "In safe mode extension. " + turnOff + fmt.Sprintf("in %d seconds.", left.Milliseconds()/1000)
	}
	return msg + turnOff + "soon."
}

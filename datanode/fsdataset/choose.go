package fsdataset

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// DefaultAdditionalAvailableSpace is
// dfs.datanode.round-robin-volume-choosing-policy.additional-available-space:
// a volume must have this much more than the block size free.
const DefaultAdditionalAvailableSpace = 1 << 30

// VolumeChooser picks the volume of a new replica among candidates of
// one storage type, by their available bytes. It returns an index into
// avail, or an error wrapping ErrDiskOutOfSpace.
type VolumeChooser interface {
	Choose(avail []int64, blockSize int64) (int, error)
}

// RoundRobin is Hadoop's RoundRobinVolumeChoosingPolicy: the next volume
// in turn with room for the block plus the additional space. Safe for
// concurrent use.
type RoundRobin struct {
	additional int64
	mu         sync.Mutex
	next       int
}

// NewRoundRobin is a round-robin chooser.
func NewRoundRobin(additional int64) *RoundRobin { return &RoundRobin{additional: additional} }

// Choose implements VolumeChooser.
func (p *RoundRobin) Choose(avail []int64, blockSize int64) (int, error) {
	if len(avail) == 0 {
		return 0, fmt.Errorf("%w: No more available volumes", ErrDiskOutOfSpace)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.next
	if cur >= len(avail) {
		cur = 0
	}
	start := cur
	var maxAvail int64
	for {
		i := cur
		cur = (cur + 1) % len(avail)
		if avail[i] > blockSize+p.additional {
			p.next = cur
			return i, nil
		}
		maxAvail = max(maxAvail, avail[i])
		if cur == start {
			return 0, outOfSpace(maxAvail, blockSize)
		}
	}
}

func outOfSpace(maxAvail, blockSize int64) error {
	return fmt.Errorf("%w: Out of space: The volume with the most available space (=%d B) is less than the block size (=%d B).",
		ErrDiskOutOfSpace, maxAvail, blockSize)
}

// AvailableSpace is Hadoop's AvailableSpaceVolumeChoosingPolicy: when
// the volumes' free space differs by more than the threshold, it picks
// among the emptier ones with probability fraction; round robin within
// each group.
type AvailableSpace struct {
	Threshold int64   // ...balanced-space-threshold (10 GiB)
	Fraction  float64 // ...balanced-space-preference-fraction (0.75)
	rr        [3]*RoundRobin
	mu        sync.Mutex
	rnd       *rand.Rand
}

// NewAvailableSpace is the chooser with Hadoop's defaults and a seeded
// random source.
func NewAvailableSpace(seed uint64) *AvailableSpace {
	return &AvailableSpace{
		Threshold: 10 << 30, Fraction: 0.75,
		rr:  [3]*RoundRobin{NewRoundRobin(0), NewRoundRobin(0), NewRoundRobin(0)},
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
}

// Choose implements VolumeChooser.
func (p *AvailableSpace) Choose(avail []int64, blockSize int64) (int, error) {
	if len(avail) == 0 {
		return 0, fmt.Errorf("%w: No more available volumes", ErrDiskOutOfSpace)
	}
	lo, hi := avail[0], avail[0]
	for _, a := range avail {
		lo, hi = min(lo, a), max(hi, a)
	}
	if hi-lo < p.Threshold {
		return p.rr[0].Choose(avail, blockSize)
	}
	var high, low []int // indexes with much / little free space
	for i, a := range avail {
		if a < lo+p.Threshold {
			low = append(low, i)
		} else {
			high = append(high, i)
		}
	}
	p.mu.Lock()
	preferHigh := p.rnd.Float64() < p.Fraction
	p.mu.Unlock()
	pick := func(rr *RoundRobin, set []int) (int, error) {
		sub := make([]int64, len(set))
		for j, i := range set {
			sub[j] = avail[i]
		}
		j, err := rr.Choose(sub, blockSize)
		if err != nil {
			return 0, err
		}
		return set[j], nil
	}
	if preferHigh || !fits(avail, low, blockSize) {
		return pick(p.rr[1], high)
	}
	return pick(p.rr[2], low)
}

func fits(avail []int64, set []int, blockSize int64) bool {
	for _, i := range set {
		if avail[i] > blockSize {
			return true
		}
	}
	return false
}

// ValidateFailedVolumesTolerated checks dfs.datanode.failed.volumes.tolerated
// against the number of configured volumes, as FsDatasetImpl does.
func ValidateFailedVolumesTolerated(tolerated, configured int) error {
	if tolerated < -1 || (configured > 0 && tolerated >= configured) {
		return fmt.Errorf("%w: Invalid value configured for dfs.datanode.failed.volumes.tolerated - %d. Value configured is either less than maxVolumeFailureLimit or greater than to the number of configured volumes (%d).",
			ErrInvalid, tolerated, configured)
	}
	return nil
}

// CheckVolumeFailures is FsDatasetImpl's failed-volume rule: with
// tolerated = -1 at least one volume must work; otherwise no more than
// tolerated volumes may have failed.
func CheckVolumeFailures(configured, failed, tolerated int) error {
	valid := configured - failed
	if (tolerated == -1 && valid == 0) || (tolerated != -1 && failed > tolerated) {
		return fmt.Errorf("%w: Too many failed volumes - current valid volumes: %d, volumes configured: %d, volumes failed: %d, volume failures tolerated: %d",
			ErrDiskError, valid, configured, failed, tolerated)
	}
	return nil
}

package fsdataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// DefaultAdditionalAvailableSpace is
// dfs.datanode.round-robin-volume-choosing-policy.additional-available-space:
// a volume must have this much more than the block size free.
const DefaultAdditionalAvailableSpace = 1 << 30

// VolumeChooser picks the volume of a new replica among the healthy
// volumes of one storage type, t, given their available bytes. It
// returns an index into avail, or an error wrapping ErrDiskOutOfSpace.
// Choosers keep their turn per storage type, as Hadoop's do.
type VolumeChooser interface {
	Choose(t StorageType, avail []int64, blockSize int64) (int, error)
}

// The class names dfs.datanode.fsdataset.volume.choosing.policy takes.
const (
	RoundRobinPolicyClass     = "org.apache.hadoop.hdfs.server.datanode.fsdataset.RoundRobinVolumeChoosingPolicy"
	AvailableSpacePolicyClass = "org.apache.hadoop.hdfs.server.datanode.fsdataset.AvailableSpaceVolumeChoosingPolicy"
)

// Hadoop's defaults for AvailableSpaceVolumeChoosingPolicy:
// dfs.datanode.available-space-volume-choosing-policy.balanced-space-threshold
// and ...balanced-space-preference-fraction.
const (
	DefaultBalancedSpaceThreshold = 10 << 30
	DefaultBalancedPreference     = 0.75
)

// ChooserConfig is what the choosing policies read from the DataNode's
// configuration.
type ChooserConfig struct {
	Policy     string  // the class name; "" is round robin
	Additional int64   // round robin: free space required beyond the block
	Threshold  int64   // available space: the spread still called balanced
	Preference float64 // available space: the share of picks for the emptier volumes
	Seed       uint64  // available space: the random source's seed
}

// NewChooser builds the policy a class name names. Any other class is
// refused, as Hadoop's class lookup refuses a class it cannot find.
func NewChooser(c ChooserConfig) (VolumeChooser, error) {
	switch c.Policy {
	case "", RoundRobinPolicyClass:
		return NewRoundRobin(c.Additional), nil
	case AvailableSpacePolicyClass:
		p := NewAvailableSpace(c.Seed)
		p.Threshold, p.Preference = c.Threshold, c.Preference
		return p, nil
	}
	return nil, fmt.Errorf("%w: dfs.datanode.fsdataset.volume.choosing.policy: class %s not found (known: %s, %s)",
		ErrInvalid, c.Policy, RoundRobinPolicyClass, AvailableSpacePolicyClass)
}

// RoundRobin is Hadoop's RoundRobinVolumeChoosingPolicy: per storage
// type, the next volume in turn with more than the block plus the
// additional space free. Safe for concurrent use.
type RoundRobin struct {
	additional int64
	mu         sync.Mutex
	next       [len(storageTypeNames)]int
}

// NewRoundRobin is a round-robin chooser.
func NewRoundRobin(additional int64) *RoundRobin { return &RoundRobin{additional: additional} }

// Choose implements VolumeChooser.
func (p *RoundRobin) Choose(t StorageType, avail []int64, blockSize int64) (int, error) {
	if len(avail) == 0 {
		return 0, fmt.Errorf("%w: No more available volumes", ErrDiskOutOfSpace)
	}
	if int(t) >= len(p.next) {
		t = Disk
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.next[t]
	if cur >= len(avail) { // volumes have failed since the last turn
		cur = 0
	}
	start := cur
	var maxAvail int64
	for {
		i := cur
		cur = (cur + 1) % len(avail)
		if avail[i] > blockSize+p.additional {
			p.next[t] = cur
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

// AvailableSpace is Hadoop's AvailableSpaceVolumeChoosingPolicy. While
// the most and the least free space differ by at most Threshold, it is
// plain round robin. Otherwise the
// volumes split into those with more than the fullest's free space plus
// Threshold ("high") and the rest ("low"); each pick goes to the high
// group with probability Preference weighted by the groups' sizes, or
// always when no low volume can hold the block; round robin within
// each group. The inner round robins ask for no additional space.
type AvailableSpace struct {
	Threshold  int64
	Preference float64
	balanced   *RoundRobin
	high, low  *RoundRobin
	mu         sync.Mutex
	rnd        *rand.Rand
}

// NewAvailableSpace is the chooser with Hadoop's defaults and a seeded
// random source.
func NewAvailableSpace(seed uint64) *AvailableSpace {
	return &AvailableSpace{
		Threshold: DefaultBalancedSpaceThreshold, Preference: DefaultBalancedPreference,
		balanced: NewRoundRobin(0), high: NewRoundRobin(0), low: NewRoundRobin(0),
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
}

// Choose implements VolumeChooser.
func (p *AvailableSpace) Choose(t StorageType, avail []int64, blockSize int64) (int, error) {
	if len(avail) == 0 {
		return 0, fmt.Errorf("%w: No more available volumes", ErrDiskOutOfSpace)
	}
	least, most := avail[0], avail[0]
	for _, a := range avail {
		least, most = min(least, a), max(most, a)
	}
	if most-least <= p.Threshold {
		return p.balanced.Choose(t, avail, blockSize)
	}
	var high, low []int // indexes into avail
	mostLow := int64(math.MinInt64)
	for i, a := range avail {
		if a > least+p.Threshold {
			high = append(high, i)
		} else {
			low = append(low, i)
			mostLow = max(mostLow, a)
		}
	}
	// Hadoop computes the weighted preference in float32.
	f := float32(p.Preference)
	nh, nl := float32(len(high)), float32(len(low))
	scaled := nh * f / (nh*f + nl*(1-f))
	p.mu.Lock()
	r := p.rnd.Float32()
	p.mu.Unlock()
	if mostLow < blockSize || r < scaled {
		return pickFrom(p.high, t, avail, high, blockSize)
	}
	return pickFrom(p.low, t, avail, low, blockSize)
}

// pickFrom asks rr to choose among the volumes set indexes.
func pickFrom(rr *RoundRobin, t StorageType, avail []int64, set []int, blockSize int64) (int, error) {
	sub := make([]int64, len(set))
	for j, i := range set {
		sub[j] = avail[i]
	}
	j, err := rr.Choose(t, sub, blockSize)
	if err != nil {
		return 0, err
	}
	return set[j], nil
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

package nnimage

import (
	"fmt"
	"math"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Meta is what an image holds besides the tree: the NameSystemSection's
// fields, the layout it was written with, and the state of managers the
// NameNode does not run yet, kept as read so that Save writes it back.
type Meta struct {
	NamespaceID                 int32
	GenstampV1                  int64 // legacy generation stamp
	GenstampV2                  int64
	GenstampV1Limit             int64
	LastAllocatedBlockID        int64
	LastAllocatedStripedBlockID int64
	TxID                        int64 // the last transaction the image includes
	// RollingUpgradeStartTime is set (non-zero) only while a rolling
	// upgrade is in progress; Save writes the field only then.
	RollingUpgradeStartTime int64

	// LastInodeID and NumInodes are the INODE section header's, as read.
	// Save writes the tree's own values.
	LastInodeID int64
	NumInodes   int64

	// LayoutVersion and Codec are the FileSummary's, as read.
	LayoutVersion int32
	Codec         string

	// SnapshotCounter is SnapshotSection.snapshotCounter, the id the next
	// snapshot would get; images without snapshots may have a non-zero one.
	SnapshotCounter int32

	// ECPolicies is the ERASURE_CODING section (nil in images older than
	// layout -64); Save writes DefaultECPolicies when it is nil.
	ECPolicies    []fsimage.ECPolicy
	SecretManager fsimage.SecretManager
	CacheManager  fsimage.CacheManager
}

// NewMeta returns the metadata of a freshly formatted namespace, as
// Hadoop 3.4's format writes it: generation stamps at 1000, the first
// contiguous block id 2^30 and no striped block id yet.
func NewMeta(namespaceID int32) Meta {
	return Meta{
		NamespaceID:                 namespaceID,
		GenstampV1:                  1000,
		GenstampV2:                  1000,
		LastAllocatedBlockID:        1 << 30,
		LastAllocatedStripedBlockID: math.MinInt64,
		LastInodeID:                 namespace.RootID,
		NumInodes:                   1,
		LayoutVersion:               fsimage.CurrentLayoutVersion,
		CacheManager:                fsimage.CacheManager{NextDirectiveID: 1},
	}
}

// DefaultECPolicies is the ERASURE_CODING section of a freshly formatted
// NameNode: the five built-in policies (RS-6-3, RS-3-2, RS-6-3-LEGACY,
// XOR-2-1, RS-10-4), stored by id and state only, all disabled.
func DefaultECPolicies() []fsimage.ECPolicy {
	ps := make([]fsimage.ECPolicy, 5)
	for i := range ps {
		ps[i] = fsimage.ECPolicy{ID: uint32(i + 1), State: fsimage.ECDisabled,
			Present: fsimage.FieldsOf(fsimage.ECState)}
	}
	return ps
}

func (m *Meta) nameSystem() *fsimage.NameSystem {
	ns := &fsimage.NameSystem{
		NamespaceID:                 m.NamespaceID,
		GenstampV1:                  m.GenstampV1,
		GenstampV2:                  m.GenstampV2,
		GenstampV1Limit:             m.GenstampV1Limit,
		LastAllocatedBlockID:        m.LastAllocatedBlockID,
		TxID:                        m.TxID,
		RollingUpgradeStartTime:     m.RollingUpgradeStartTime,
		LastAllocatedStripedBlockID: m.LastAllocatedStripedBlockID,
		Present:                     fsimage.SavedNameSystem,
	}
	if m.RollingUpgradeStartTime != 0 {
		ns.Present = ns.Present.With(fsimage.NSRollingUpgradeStartTime)
	}
	return ns
}

func (m *Meta) setNameSystem(ns *fsimage.NameSystem) {
	m.NamespaceID = ns.NamespaceID
	m.GenstampV1, m.GenstampV2, m.GenstampV1Limit = ns.GenstampV1, ns.GenstampV2, ns.GenstampV1Limit
	m.LastAllocatedBlockID = ns.LastAllocatedBlockID
	m.LastAllocatedStripedBlockID = ns.LastAllocatedStripedBlockID
	if !ns.Present.Has(fsimage.NSLastAllocatedStripedBlockID) {
		m.LastAllocatedStripedBlockID = math.MinInt64 // BlockIdManager's initial value
	}
	m.TxID = ns.TxID
	m.RollingUpgradeStartTime = ns.RollingUpgradeStartTime
}

// Options are the dfs.image.* settings of a save.
type Options struct {
	// LayoutVersion is the NameNode layout to write (the effective layout
	// during a rolling upgrade); 0 means fsimage.CurrentLayoutVersion.
	LayoutVersion int32
	// Compress is dfs.image.compress; Codec is
	// dfs.image.compression.codec ("" means DefaultCodec).
	Compress bool
	Codec    string
	// ParallelLoad is dfs.image.parallel.load: when set and the image is
	// not compressed, INODE and INODE_DIR get *_SUB sections, about
	// TargetSections of them (dfs.image.parallel.target.sections, default
	// 12), once the tree has InodeThreshold inodes
	// (dfs.image.parallel.inode.threshold, default 1,000,000).
	ParallelLoad   bool
	TargetSections int
	InodeThreshold int
}

// writerOptions is FSImageFormatProtobuf.Saver's choice of codec and
// sub-sections for a tree of count inodes.
func (o Options) writerOptions(count int) (fsimage.WriterOptions, error) {
	wo := fsimage.WriterOptions{LayoutVersion: o.LayoutVersion}
	if wo.LayoutVersion == 0 {
		wo.LayoutVersion = fsimage.CurrentLayoutVersion
	}
	if wo.LayoutVersion < fsimage.CurrentLayoutVersion || wo.LayoutVersion > fsimage.FirstProtobufLayoutVersion {
		return wo, fmt.Errorf("%w: layout version %d (only %d to %d are written)", ErrUnsupported,
			wo.LayoutVersion, fsimage.FirstProtobufLayoutVersion, fsimage.CurrentLayoutVersion)
	}
	if o.Compress {
		wo.Codec = o.Codec
		if wo.Codec == "" {
			wo.Codec = fsimage.CodecDefault
		}
		return wo, nil
	}
	if !o.ParallelLoad {
		return wo, nil
	}
	target, threshold := o.TargetSections, o.InodeThreshold
	if target <= 0 {
		target = 12
	}
	if threshold <= 0 {
		threshold = 1000000
	}
	if count >= threshold {
		wo.INodesPerSubSection = (count + target - 1) / target
	}
	return wo, nil
}

package clientrpc

import (
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// fileStatus converts a status as PBHelperClient.convert(HdfsFileStatus)
// does: the required fields, and the optional ones Hadoop always sets
// (replication, block size, fileId, childrenNum, storagePolicy, flags)
// even when zero. The permission is FsPermission.toShort: since Hadoop 3
// the ACL, encryption and erasure-coding bits travel only in flags (the
// old FsPermissionExtension bits 12-14 are decoded by clients but no
// longer sent). loc is the file's blocks for a located listing, or nil.
func fileStatus(st *namespace.FileStatus, loc *blocks.LocatedBlocks) *hdfspb.HdfsFileStatusProto {
	name := st.Name
	if name == nil {
		name = []byte{}
	}
	p := &hdfspb.HdfsFileStatusProto{
		FileType:         fileType(st.Type).Enum(),
		Path:             name,
		Length:           proto.Uint64(uint64(st.Length)),
		Permission:       permission(st.Permission),
		Owner:            proto.String(st.Owner),
		Group:            proto.String(st.Group),
		ModificationTime: proto.Uint64(uint64(st.ModTime)),
		AccessTime:       proto.Uint64(uint64(st.AccessTime)),
		BlockReplication: proto.Uint32(uint32(uint16(st.Replication))),
		Blocksize:        proto.Uint64(uint64(st.BlockSize)),
		FileId:           proto.Uint64(uint64(st.FileID)),
		ChildrenNum:      proto.Int32(st.ChildrenNum),
		StoragePolicy:    proto.Uint32(uint32(st.StoragePolicy)),
		Flags:            proto.Uint32(statusFlags(st)),
	}
	if st.Type == namespace.TypeSymlink {
		p.Symlink = []byte(st.Symlink)
	}
	if loc != nil {
		p.Locations = blockpb.LocatedBlocks(loc)
	}
	return p
}

// statusFlags is HdfsFileStatusProto.flags: HAS_ACL and SNAPSHOT_ENABLED
// (hdfsd has no encryption zones or erasure coding, so never HAS_CRYPT or
// HAS_EC). Hadoop 3.4 sends the permission itself without extension bits.
func statusFlags(st *namespace.FileStatus) uint32 {
	var f uint32
	if st.HasAcl {
		f |= uint32(hdfspb.HdfsFileStatusProto_HAS_ACL)
	}
	if st.Snapshottable {
		f |= uint32(hdfspb.HdfsFileStatusProto_SNAPSHOT_ENABLED)
	}
	return f
}

func fileType(t namespace.FileType) hdfspb.HdfsFileStatusProto_FileType {
	switch t {
	case namespace.TypeDir:
		return hdfspb.HdfsFileStatusProto_IS_DIR
	case namespace.TypeSymlink:
		return hdfspb.HdfsFileStatusProto_IS_SYMLINK
	}
	return hdfspb.HdfsFileStatusProto_IS_FILE
}

func permission(m namespace.Mode) *hdfspb.FsPermissionProto {
	return &hdfspb.FsPermissionProto{Perm: proto.Uint32(uint32(m & namespace.ModeMask))}
}

// modeOf reads a permission the client sent as FsPermission(short) does:
// the extension bits are dropped.
func modeOf(p *hdfspb.FsPermissionProto) namespace.Mode {
	return namespace.Mode(p.GetPerm()) & namespace.ModeMask
}

func createMode(masked, unmasked *hdfspb.FsPermissionProto) CreateMode {
	m := CreateMode{Masked: modeOf(masked)}
	if unmasked != nil {
		m.Unmasked, m.HasUnmasked = modeOf(unmasked), true
	}
	return m
}

func directoryListing(l *Listing) *hdfspb.DirectoryListingProto {
	d := &hdfspb.DirectoryListingProto{
		PartialListing:   make([]*hdfspb.HdfsFileStatusProto, len(l.Entries)),
		RemainingEntries: proto.Uint32(uint32(l.Remaining)),
	}
	for i := range l.Entries {
		var loc *blocks.LocatedBlocks
		if i < len(l.Locations) {
			loc = l.Locations[i]
		}
		d.PartialListing[i] = fileStatus(&l.Entries[i], loc)
	}
	return d
}

// contentSummary is PBHelperClient.convert(ContentSummary): the snapshot
// counts are always set (zero without snapshots), quotas of -1 travel as
// uint64 2^64-1.
func contentSummary(cs *namespace.ContentSummary) *hdfspb.ContentSummaryProto {
	return &hdfspb.ContentSummaryProto{
		Length:                 proto.Uint64(uint64(cs.Length)),
		FileCount:              proto.Uint64(uint64(cs.FileCount)),
		DirectoryCount:         proto.Uint64(uint64(cs.DirectoryCount)),
		SnapshotLength:         proto.Uint64(uint64(cs.SnapshotLength)),
		SnapshotFileCount:      proto.Uint64(uint64(cs.SnapshotFileCount)),
		SnapshotDirectoryCount: proto.Uint64(uint64(cs.SnapshotDirectoryCount)),
		SnapshotSpaceConsumed:  proto.Uint64(uint64(cs.SnapshotSpaceConsumed)),
		Quota:                  proto.Uint64(uint64(cs.Quota)),
		SpaceConsumed:          proto.Uint64(uint64(cs.SpaceConsumed)),
		SpaceQuota:             proto.Uint64(uint64(cs.SpaceQuota)),
		ErasureCodingPolicy:    proto.String(cs.ECPolicy),
		TypeQuotaInfos:         typeQuotaInfos(cs.TypeQuota[:], cs.TypeConsumed[:]),
	}
}

func quotaUsage(q *namespace.QuotaUsage) *hdfspb.QuotaUsageProto {
	return &hdfspb.QuotaUsageProto{
		FileAndDirectoryCount: proto.Uint64(uint64(q.FileAndDirectoryCount)),
		Quota:                 proto.Uint64(uint64(q.Quota)),
		SpaceConsumed:         proto.Uint64(uint64(q.SpaceConsumed)),
		SpaceQuota:            proto.Uint64(uint64(q.SpaceQuota)),
		TypeQuotaInfos:        typeQuotaInfos(q.TypeQuota[:], q.TypeConsumed[:]),
	}
}

// typeQuotaInfos is PBHelperClient.getBuilder(QuotaUsage): one entry per
// type that takes a quota, in Hadoop's order, sent only when some type
// has a positive quota or usage (QuotaUsage.isTypeQuotaSet,
// isTypeConsumedAvailable). quota and consumed are indexed by
// namespace.StorageType, whose numbers are StorageTypeProto's.
func typeQuotaInfos(quota, consumed []int64) *hdfspb.StorageTypeQuotaInfosProto {
	types := namespace.QuotaTypes()
	if !slices.ContainsFunc(types, func(st namespace.StorageType) bool { return quota[st] > 0 || consumed[st] > 0 }) {
		return nil
	}
	infos := &hdfspb.StorageTypeQuotaInfosProto{}
	for _, st := range types {
		infos.TypeQuotaInfo = append(infos.TypeQuotaInfo, &hdfspb.StorageTypeQuotaInfoProto{
			Type:     hdfspb.StorageTypeProto(st).Enum(),
			Quota:    proto.Uint64(uint64(quota[st])),
			Consumed: proto.Uint64(uint64(consumed[st])),
		})
	}
	return infos
}

package fsimage

import "sort"

// Section names as they appear in the FileSummary
// (FSImageFormatProtobuf.SectionName).
const (
	SectionNSInfo                 = "NS_INFO"
	SectionStringTable            = "STRING_TABLE"
	SectionExtendedACL            = "EXTENDED_ACL"
	SectionErasureCoding          = "ERASURE_CODING"
	SectionINode                  = "INODE"
	SectionINodeSub               = "INODE_SUB"
	SectionINodeReference         = "INODE_REFERENCE"
	SectionINodeReferenceSub      = "INODE_REFERENCE_SUB"
	SectionSnapshot               = "SNAPSHOT"
	SectionINodeDir               = "INODE_DIR"
	SectionINodeDirSub            = "INODE_DIR_SUB"
	SectionFilesUnderConstruction = "FILES_UNDERCONSTRUCTION"
	SectionSnapshotDiff           = "SNAPSHOT_DIFF"
	SectionSnapshotDiffSub        = "SNAPSHOT_DIFF_SUB"
	SectionSecretManager          = "SECRET_MANAGER"
	SectionCacheManager           = "CACHE_MANAGER"
)

// LoadOrder is the order of Hadoop's SectionName enum: readers sort the
// summary's sections by it before reading them.
var LoadOrder = []string{
	SectionNSInfo, SectionStringTable, SectionExtendedACL, SectionErasureCoding,
	SectionINode, SectionINodeSub, SectionINodeReference, SectionINodeReferenceSub,
	SectionSnapshot, SectionINodeDir, SectionINodeDirSub,
	SectionFilesUnderConstruction, SectionSnapshotDiff, SectionSnapshotDiffSub,
	SectionSecretManager, SectionCacheManager,
}

// SaveOrder is the order in which Hadoop's NameNode writes the sections
// (FSImageFormatProtobuf.Saver.saveInternal). ERASURE_CODING is written from
// layout version -64 on; SNAPSHOT_DIFF only when a snapshot exists.
var SaveOrder = []string{
	SectionNSInfo, SectionErasureCoding, SectionINode, SectionINodeDir,
	SectionFilesUnderConstruction, SectionSnapshot, SectionSnapshotDiff,
	SectionINodeReference, SectionSecretManager, SectionCacheManager,
	SectionStringTable,
}

// subSectionOf maps each *_SUB name to the section it slices.
var subSectionOf = map[string]string{
	SectionINodeSub:          SectionINode,
	SectionINodeReferenceSub: SectionINodeReference,
	SectionINodeDirSub:       SectionINodeDir,
	SectionSnapshotDiffSub:   SectionSnapshotDiff,
}

// loadRank returns a section name's position in LoadOrder, or -1.
func loadRank(name string) int {
	for i, n := range LoadOrder {
		if n == name {
			return i
		}
	}
	return -1
}

// Summary is the FileSummary at the end of an image.
type Summary struct {
	OnDiskVersion uint32 // always 1
	LayoutVersion int32  // NameNode layout version, e.g. -67
	Codec         string // Java class of the compression codec; "" if none
	Sections      []SectionInfo
}

// SectionInfo locates one section (or sub-section) in the file.
type SectionInfo struct {
	Name   string
	Offset int64
	Length int64
}

// sortedForLoad returns the sections in Hadoop's load order. Like Hadoop's
// comparator it keeps sections of equal rank in file order; sections with
// unknown names come first.
func sortedForLoad(secs []SectionInfo) []SectionInfo {
	out := append([]SectionInfo(nil), secs...)
	sort.SliceStable(out, func(i, j int) bool {
		return loadRank(out[i].Name) < loadRank(out[j].Name)
	})
	return out
}

// Layout versions this package reads: PROTOBUF_FORMAT (-52) up to Hadoop
// 3.4's NVDIMM_SUPPORT (-67) (NameNodeLayoutVersion).
const (
	FirstProtobufLayoutVersion = -52
	CurrentLayoutVersion       = -67
	// ErasureCodingLayoutVersion is the first layout with ERASURE_CODING.
	ErasureCodingLayoutVersion = -64
	// ExpandedStringTableLayoutVersion is the first layout whose string
	// table carries mask bits.
	ExpandedStringTableLayoutVersion = -65
)

// onDiskVersion is FSImageUtil.FILE_VERSION.
const onDiskVersion = 1

// magic starts every protobuf image.
const magic = "HDFSIMG1"

// RootINodeID is the id of "/" (INodeId.ROOT_INODE_ID).
const RootINodeID = 16385

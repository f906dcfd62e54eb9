package editlog

import "fmt"

// Layout versions are negative and grow more negative as features are added.
const (
	// CurrentLayoutVersion is the NameNode layout version Hadoop 3.4 writes
	// (NVDIMM_SUPPORT).
	CurrentLayoutVersion int32 = -67
	// OldestLayoutVersion is the oldest layout Hadoop 3.4 still upgrades from
	// (Hadoop 0.18, Storage.LAST_UPGRADABLE_LAYOUT_VERSION).
	OldestLayoutVersion int32 = -16
)

// Feature is a layout feature: a change of the on-disk format introduced at
// one layout version. The names are Hadoop's (LayoutVersion.Feature and
// NameNodeLayoutVersion.Feature).
type Feature uint8

// The features, in Hadoop's declaration order.
const (
	FeatureNamespaceQuota Feature = iota
	FeatureFileAccessTime
	FeatureDiskspaceQuota
	FeatureStickyBit
	FeatureAppendRBWDir
	FeatureAtomicRename
	FeatureConcat
	FeatureSymlinks
	FeatureDelegationToken
	FeatureFSImageCompression
	FeatureFSImageChecksum
	FeatureRemoveRel13DiskLayoutSupport
	FeatureEditsChecksum
	FeatureUnused
	FeatureFSImageNameOptimization
	FeatureReservedRel20_203
	FeatureReservedRel20_204
	FeatureReservedRel22
	FeatureReservedRel23
	FeatureFederation
	FeatureLeaseReassignment
	FeatureStoredTxIDs
	FeatureTxIDBasedLayout
	FeatureEditlogOpOptimization
	FeatureOptimizePersistBlocks
	FeatureReservedRel1_2_0
	FeatureAddInodeID
	FeatureSnapshot
	FeatureReservedRel1_3_0
	FeatureOptimizeSnapshotInodes
	FeatureSequentialBlockID
	FeatureEditlogSupportRetryCache
	FeatureEditlogAddBlock
	FeatureAddDatanodeAndStorageUUIDs
	FeatureAddLayoutFlags
	FeatureCaching
	FeatureProtobufFormat
	FeatureExtendedACL
	FeatureReservedRel2_4_0
	FeatureRollingUpgrade
	FeatureEditlogLength
	FeatureXAttrs
	FeatureCreateOverwrite
	FeatureXAttrsNamespaceExt
	FeatureBlockStoragePolicy
	FeatureTruncate
	FeatureAppendNewBlock
	FeatureQuotaByStorageType
	FeatureErasureCoding
	FeatureExpandedStringTable
	FeatureSnapshotModificationTime
	FeatureNVDIMMSupport
	numFeatures
)

// featureInfo says where a feature sits in the version tree. A layout version
// supports the features of its ancestor, the extra features listed, and its
// own. Most ancestors are simply lv+1; the reserved versions of old release
// branches are the exceptions.
type featureInfo struct {
	lv, ancestor int32
	extra        []Feature
}

var featureTable = [numFeatures]featureInfo{
	FeatureNamespaceQuota:               {lv: -16, ancestor: -15},
	FeatureFileAccessTime:               {lv: -17, ancestor: -16},
	FeatureDiskspaceQuota:               {lv: -18, ancestor: -17},
	FeatureStickyBit:                    {lv: -19, ancestor: -18},
	FeatureAppendRBWDir:                 {lv: -20, ancestor: -19},
	FeatureAtomicRename:                 {lv: -21, ancestor: -20},
	FeatureConcat:                       {lv: -22, ancestor: -21},
	FeatureSymlinks:                     {lv: -23, ancestor: -22},
	FeatureDelegationToken:              {lv: -24, ancestor: -23},
	FeatureFSImageCompression:           {lv: -25, ancestor: -24},
	FeatureFSImageChecksum:              {lv: -26, ancestor: -25},
	FeatureRemoveRel13DiskLayoutSupport: {lv: -27, ancestor: -26},
	FeatureEditsChecksum:                {lv: -28, ancestor: -27},
	FeatureUnused:                       {lv: -29, ancestor: -28},
	FeatureFSImageNameOptimization:      {lv: -30, ancestor: -29},
	FeatureReservedRel20_203:            {lv: -31, ancestor: -19, extra: []Feature{FeatureDelegationToken}},
	FeatureReservedRel20_204:            {lv: -32, ancestor: -31},
	FeatureReservedRel22:                {lv: -33, ancestor: -27},
	FeatureReservedRel23:                {lv: -34, ancestor: -30},
	FeatureFederation:                   {lv: -35, ancestor: -34},
	FeatureLeaseReassignment:            {lv: -36, ancestor: -35},
	FeatureStoredTxIDs:                  {lv: -37, ancestor: -36},
	FeatureTxIDBasedLayout:              {lv: -38, ancestor: -37},
	FeatureEditlogOpOptimization:        {lv: -39, ancestor: -38},
	FeatureOptimizePersistBlocks:        {lv: -40, ancestor: -39},
	FeatureReservedRel1_2_0:             {lv: -41, ancestor: -32, extra: []Feature{FeatureConcat}},
	FeatureAddInodeID:                   {lv: -42, ancestor: -40},
	FeatureSnapshot:                     {lv: -43, ancestor: -42},
	FeatureReservedRel1_3_0: {lv: -44, ancestor: -41,
		extra: []Feature{FeatureAddInodeID, FeatureSnapshot, FeatureFSImageNameOptimization}},
	FeatureOptimizeSnapshotInodes:     {lv: -45, ancestor: -43},
	FeatureSequentialBlockID:          {lv: -46, ancestor: -45},
	FeatureEditlogSupportRetryCache:   {lv: -47, ancestor: -46},
	FeatureEditlogAddBlock:            {lv: -48, ancestor: -47},
	FeatureAddDatanodeAndStorageUUIDs: {lv: -49, ancestor: -48},
	FeatureAddLayoutFlags:             {lv: -50, ancestor: -49},
	FeatureCaching:                    {lv: -51, ancestor: -50},
	FeatureProtobufFormat:             {lv: -52, ancestor: -51},
	FeatureExtendedACL:                {lv: -53, ancestor: -52},
	FeatureReservedRel2_4_0:           {lv: -54, ancestor: -51, extra: []Feature{FeatureProtobufFormat, FeatureExtendedACL}},
	FeatureRollingUpgrade:             {lv: -55, ancestor: -53},
	FeatureEditlogLength:              {lv: -56, ancestor: -55},
	FeatureXAttrs:                     {lv: -57, ancestor: -56},
	FeatureCreateOverwrite:            {lv: -58, ancestor: -57},
	FeatureXAttrsNamespaceExt:         {lv: -59, ancestor: -58},
	FeatureBlockStoragePolicy:         {lv: -60, ancestor: -59},
	FeatureTruncate:                   {lv: -61, ancestor: -60},
	FeatureAppendNewBlock:             {lv: -62, ancestor: -61},
	FeatureQuotaByStorageType:         {lv: -63, ancestor: -62},
	FeatureErasureCoding:              {lv: -64, ancestor: -63},
	FeatureExpandedStringTable:        {lv: -65, ancestor: -64},
	FeatureSnapshotModificationTime:   {lv: -66, ancestor: -65},
	FeatureNVDIMMSupport:              {lv: -67, ancestor: -66},
}

// featureSets maps each known layout version to the set of features it
// supports, one bit per Feature.
var featureSets = buildFeatureSets()

func buildFeatureSets() map[int32]uint64 {
	sets := make(map[int32]uint64, numFeatures)
	for f, info := range featureTable {
		set := sets[info.ancestor] | 1<<f
		for _, x := range info.extra {
			set |= 1 << x
		}
		sets[info.lv] = set
	}
	return sets
}

// Supports reports whether layout version lv has feature f. Unknown layout
// versions support nothing.
func Supports(f Feature, lv int32) bool {
	return featureSets[lv]&(1<<f) != 0
}

// checkLayoutVersion returns an error unless edit logs of layout version lv
// can be read: from OldestLayoutVersion to CurrentLayoutVersion.
func checkLayoutVersion(lv int32) error {
	if lv < CurrentLayoutVersion {
		return fmt.Errorf("%w: %d is newer than %d, the newest this code reads",
			ErrLayoutVersion, lv, CurrentLayoutVersion)
	}
	if _, ok := featureSets[lv]; !ok || lv > OldestLayoutVersion {
		return fmt.Errorf("%w: %d is older than %d, the oldest Hadoop 3.4 upgrades from",
			ErrLayoutVersion, lv, OldestLayoutVersion)
	}
	return nil
}

// framing is how records are delimited at a layout version.
type framing uint8

const (
	framePlain    framing = iota // opcode, [txid,] body (before EDITS_CHECKSUM)
	frameChecksum                // opcode, txid, body, CRC32
	frameLength                  // opcode, length, txid, body, CRC32 (EDITLOG_LENGTH)
)

func framingOf(lv int32) framing {
	switch {
	case Supports(FeatureEditlogLength, lv):
		return frameLength
	case Supports(FeatureEditsChecksum, lv):
		return frameChecksum
	default:
		return framePlain
	}
}

package storage

// Layout versions, from Hadoop 3.4.1's LayoutVersion.Feature and
// NameNodeLayoutVersion.Feature. A layout version (LV) is negative and
// decreases as features are added.
const (
	// LayoutVersion is the NameNode layout this package writes (-67,
	// NVDIMM_SUPPORT).
	LayoutVersion int32 = -67
	// LastUpgradableLayoutVersion is the oldest layout Hadoop upgrades
	// from (-16, Hadoop 0.18).
	LastUpgradableLayoutVersion int32 = -16
	// LastPreUpgradeLayoutVersion is the last layout without current/ and
	// previous/ directories (-3).
	LastPreUpgradeLayoutVersion int32 = -3
	// InvalidTxID is Hadoop's "no transaction" (-12345).
	InvalidTxID int64 = -12345
)

// Feature is a layout feature, named by the layout version that added it.
type Feature int32

// The features this package looks at.
const (
	FeatureFSImageChecksum Feature = -26 // VERSION holds imageMD5Digest (0.22)
	FeatureFederation      Feature = -35 // VERSION holds clusterID and blockpoolID
	FeatureTxIDLayout      Feature = -38 // fsimage_<txid>, edits_<first>-<last>
	FeatureProtobufImage   Feature = -52 // the fsimage is protobuf ("HDFSIMG1")
)

// layoutTable lists every NameNode layout Hadoop 3.4.1 knows, in its
// order: the layout, the layout it descends from, and any features it has
// beyond its ancestor's and its own. Reserved layouts (-31 to -34 for
// 0.20.203 to 0.23, -41 and -44 for branch-1, -54 for 2.4.0) descend
// from an older layout, so they lack features between.
var layoutTable = []struct {
	lv, ancestor int32
	extra        []int32
}{
	{-16, -15, nil}, {-17, -16, nil}, {-18, -17, nil}, {-19, -18, nil},
	{-20, -19, nil}, {-21, -20, nil}, {-22, -21, nil}, {-23, -22, nil},
	{-24, -23, nil}, {-25, -24, nil}, {-26, -25, nil}, {-27, -26, nil},
	{-28, -27, nil}, {-29, -28, nil}, {-30, -29, nil},
	{-31, -19, []int32{-24}}, {-32, -31, nil}, {-33, -27, nil}, {-34, -30, nil},
	{-35, -34, nil}, {-36, -35, nil}, {-37, -36, nil}, {-38, -37, nil},
	{-39, -38, nil}, {-40, -39, nil}, {-41, -32, []int32{-22}},
	{-42, -40, nil}, {-43, -42, nil}, {-44, -41, []int32{-42, -43, -30}},
	{-45, -43, nil}, {-46, -45, nil}, {-47, -46, nil}, {-48, -47, nil},
	{-49, -48, nil}, {-50, -49, nil}, {-51, -50, nil}, {-52, -51, nil},
	{-53, -52, nil}, {-54, -51, []int32{-52, -53}},
	// NameNodeLayoutVersion.Feature: ROLLING_UPGRADE descends from -53.
	{-55, -53, nil}, {-56, -55, nil}, {-57, -56, nil}, {-58, -57, nil},
	{-59, -58, nil}, {-60, -59, nil}, {-61, -60, nil}, {-62, -61, nil},
	{-63, -62, nil}, {-64, -63, nil}, {-65, -64, nil}, {-66, -65, nil},
	{-67, -66, nil},
}

// layoutFeatures maps a layout to its features, one bit per feature
// (bit -lv-16).
var layoutFeatures = func() map[int32]uint64 {
	m := map[int32]uint64{}
	for _, l := range layoutTable {
		set := m[l.ancestor] | 1<<uint(-l.lv-16)
		for _, f := range l.extra {
			set |= 1 << uint(-f-16)
		}
		m[l.lv] = set
	}
	return m
}()

// Supports reports whether layout version lv has feature f, as Hadoop's
// NameNodeLayoutVersion.supports does (false for layouts it does not
// know).
func Supports(f Feature, lv int32) bool {
	if f > -16 || f < Feature(LayoutVersion) {
		return false
	}
	return layoutFeatures[lv]&(1<<uint(-f-16)) != 0
}

// Layout describes a name directory's layout version.
type Layout struct {
	Version int32
	// Current: the layout this NameNode writes; no upgrade needed.
	Current bool
	// NeedsUpgrade: an older layout. Hadoop starts on it only with
	// -upgrade (or -rollingUpgrade started).
	NeedsUpgrade bool
	// TxIDNames: file names carry transaction IDs (-38 and later); older
	// dirs hold fsimage, edits, edits.new and fstime, which hdfsd does
	// not read.
	TxIDNames bool
	// ProtobufImage: the images are protobuf (-52 and later); older ones
	// need Hadoop's legacy image loader.
	ProtobufImage bool
}

// CheckLayout classifies lv: an error for a layout newer than this
// NameNode or older than anything can upgrade from, otherwise what it
// needs.
func CheckLayout(lv int32, dir string) (Layout, error) {
	switch {
	case lv == 0:
		return Layout{}, inconsistentf(dir, "NameNode directory is not formatted (layoutVersion=0)")
	case lv < LayoutVersion:
		return Layout{}, versionError(lv, dir)
	case lv > LastUpgradableLayoutVersion:
		return Layout{}, tooOldError(lv, dir)
	}
	return Layout{
		Version:       lv,
		Current:       lv == LayoutVersion,
		NeedsUpgrade:  lv != LayoutVersion,
		TxIDNames:     Supports(FeatureTxIDLayout, lv),
		ProtobufImage: Supports(FeatureProtobufImage, lv),
	}, nil
}

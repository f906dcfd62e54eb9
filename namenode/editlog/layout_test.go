package editlog

import "testing"

// Layout versions form a tree, not a line: the releases of old branches
// (0.20.203, 0.22, 1.2, 1.3, 2.4) reserved numbers whose features are
// their ancestor's plus a few. These are the facts the readers depend on.
func TestLayoutFeatureTree(t *testing.T) {
	cases := []struct {
		lv       int32
		has, not []Feature
		frame    framing
	}{
		{-16, []Feature{FeatureNamespaceQuota}, []Feature{FeatureFileAccessTime}, framePlain},
		{-32, []Feature{FeatureDelegationToken, FeatureStickyBit}, []Feature{FeatureAppendRBWDir, FeatureEditsChecksum, FeatureConcat}, framePlain},
		{-33, []Feature{FeatureRemoveRel13DiskLayoutSupport}, []Feature{FeatureEditsChecksum, FeatureStoredTxIDs}, framePlain},
		{-39, []Feature{FeatureEditlogOpOptimization, FeatureStoredTxIDs}, []Feature{FeatureAddLayoutFlags}, frameChecksum},
		{-41, []Feature{FeatureConcat, FeatureDelegationToken}, []Feature{FeatureEditsChecksum, FeatureEditlogOpOptimization}, framePlain},
		{-42, []Feature{FeatureAddInodeID, FeatureOptimizePersistBlocks}, []Feature{FeatureReservedRel1_2_0}, frameChecksum},
		{-44, []Feature{FeatureAddInodeID, FeatureSnapshot, FeatureConcat}, []Feature{FeatureEditsChecksum}, framePlain},
		{-47, []Feature{FeatureEditlogSupportRetryCache}, []Feature{FeatureAddLayoutFlags}, frameChecksum},
		{-54, []Feature{FeatureProtobufFormat, FeatureExtendedACL, FeatureCaching}, []Feature{FeatureRollingUpgrade}, frameChecksum},
		{-55, []Feature{FeatureRollingUpgrade, FeatureExtendedACL}, []Feature{FeatureReservedRel2_4_0, FeatureEditlogLength}, frameChecksum},
		{-56, []Feature{FeatureEditlogLength}, []Feature{FeatureXAttrs}, frameLength},
		{-66, []Feature{FeatureSnapshotModificationTime, FeatureErasureCoding}, []Feature{FeatureNVDIMMSupport}, frameLength},
		{-67, []Feature{FeatureNVDIMMSupport, FeatureAddInodeID, FeatureEditsChecksum}, nil, frameLength},
	}
	for _, c := range cases {
		for _, f := range c.has {
			if !Supports(f, c.lv) {
				t.Errorf("LV %d lacks feature %d", c.lv, f)
			}
		}
		for _, f := range c.not {
			if Supports(f, c.lv) {
				t.Errorf("LV %d has feature %d", c.lv, f)
			}
		}
		if got := framingOf(c.lv); got != c.frame {
			t.Errorf("LV %d framing %d, want %d", c.lv, got, c.frame)
		}
	}
	for lv := CurrentLayoutVersion; lv <= OldestLayoutVersion; lv++ {
		if err := checkLayoutVersion(lv); err != nil {
			t.Errorf("LV %d: %v", lv, err)
		}
	}
}

package storage

import (
	"cmp"
	"fmt"
	"slices"
)

// Retention is how much old storage a NameNode keeps.
type Retention struct {
	// CheckpointsRetained is dfs.namenode.num.checkpoints.retained (2).
	CheckpointsRetained int
	// ExtraEditsRetained is dfs.namenode.num.extra.edits.retained
	// (1000000): transactions kept before the oldest kept image.
	ExtraEditsRetained int64
	// MaxExtraEditsSegmentsRetained is
	// dfs.namenode.max.extra.edits.segments.retained (10000).
	MaxExtraEditsSegmentsRetained int
}

// DefaultRetention is Hadoop's default.
var DefaultRetention = Retention{CheckpointsRetained: 2, ExtraEditsRetained: 1000000,
	MaxExtraEditsSegmentsRetained: 10000}

// Validate checks what NNStorageRetentionManager's constructor checks.
func (r Retention) Validate() error {
	switch {
	case r.CheckpointsRetained <= 0:
		return fmt.Errorf("%w: must retain at least one checkpoint (dfs.namenode.num.checkpoints.retained=%d)",
			ErrInvalid, r.CheckpointsRetained)
	case r.ExtraEditsRetained < 0:
		return fmt.Errorf("%w: dfs.namenode.num.extra.edits.retained must not be negative", ErrInvalid)
	case r.MaxExtraEditsSegmentsRetained < 0:
		return fmt.Errorf("%w: dfs.namenode.max.extra.edits.segments.retained must not be negative", ErrInvalid)
	}
	return nil
}

// PlanRetention decides which old images and edit segments to remove, as
// NNStorageRetentionManager.purgeOldStorage and
// FileJournalManager.purgeLogsOlderThan do after a checkpoint of the given
// kind (KindImage, or KindRollback, which leaves the edits alone):
//
//   - keep the images of the newest CheckpointsRetained txids, remove the
//     older ones and their .md5 files;
//   - keep every transaction after the oldest kept image, plus
//     ExtraEditsRetained before it, but no more than
//     MaxExtraEditsSegmentsRetained whole finalized segments of those
//     extra ones;
//   - remove the segments (in-progress and moved-aside ones included) that
//     end before the first kept txid, and rename in-progress segments that
//     start at or after it, other than the open one (current), to
//     <name>.stale.
//
// current is the first txid of the segment being written, or InvalidTxID.
func PlanRetention(ls []Listing, r Retention, kind Kind, current int64) ([]Action, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	imgs := foundImages(ls, kind)
	minImage := imageTxIDToRetain(imgs, r.CheckpointsRetained)
	var acts []Action
	for _, img := range imgs {
		if img.TxID < minImage {
			acts = append(acts, purgeImage(img)...)
		}
	}
	if kind == KindRollback {
		return acts, nil
	}
	purgeFrom, err := editsToRetain(ls, r, minImage)
	if err != nil {
		return acts, err
	}
	if current != InvalidTxID && purgeFrom > current {
		return acts, fmt.Errorf("%w: cannot purge logs older than txid %d when current segment starts at %d",
			ErrInvalid, purgeFrom, current)
	}
	if purgeFrom == 0 {
		return acts, nil
	}
	return append(acts, purgeLogs(ls, purgeFrom, current)...), nil
}

// foundImages lists every image of a kind in the image directories with a
// VERSION and a readable seen_txid (the inspector's found images).
func foundImages(ls []Listing, kind Kind) []Image {
	var out []Image
	for _, l := range ls {
		if !l.HasVersion || l.SeenErr != nil || !l.Dir.Holds(RoleImage) {
			continue
		}
		for _, e := range l.Entries {
			if e.Kind == kind {
				out = append(out, Image{Dir: l.Dir, File: e.File, TxID: e.TxID, Kind: kind,
					HasMD5: l.has(MD5Name(e.File))})
			}
		}
	}
	return out
}

// imageTxIDToRetain is the txid of the oldest image to keep: the n-th
// newest distinct txid (0 when there is no image).
func imageTxIDToRetain(imgs []Image, n int) int64 {
	var ids []int64
	for _, img := range imgs {
		ids = append(ids, img.TxID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-min(n, len(ids))]
}

func purgeImage(img Image) []Action {
	acts := []Action{{Act: Delete, Dir: img.Dir, File: img.File, Why: "old image"}}
	if img.HasMD5 {
		acts = append(acts, Action{Act: Delete, Dir: img.Dir, File: MD5Name(img.File), Why: "old image digest"})
	}
	return acts
}

// editsToRetain is the first txid to keep in the edit logs.
func editsToRetain(ls []Listing, r Retention, minImage int64) (int64, error) {
	required := minImage + 1
	purgeFrom := max(0, required-r.ExtraEditsRetained)
	segs := groupSegments(segmentFiles(ls, purgeFrom, false))
	slices.SortStableFunc(segs, func(a, b Segment) int {
		return cmp.Or(cmp.Compare(a.First, b.First), cmp.Compare(a.Last, b.Last))
	})
	for len(segs) > 0 && segs[len(segs)-1].First >= required {
		segs = segs[:len(segs)-1]
	}
	for len(segs) > r.MaxExtraEditsSegmentsRetained {
		purgeFrom = segs[0].Last + 1
		segs = segs[1:]
	}
	if purgeFrom > required {
		return 0, fmt.Errorf("%w: should not purge more edits than required to restore: %d should be <= %d",
			ErrInvalid, purgeFrom, required)
	}
	return purgeFrom, nil
}

// purgeLogs is FileJournalManager.purgeLogsOlderThan(minTxID) in every
// edits directory.
func purgeLogs(ls []Listing, minTxID, current int64) []Action {
	var acts []Action
	for _, l := range ls {
		if !l.Dir.Holds(RoleEdits) {
			continue
		}
		for _, e := range l.Entries {
			switch {
			case e.Kind == KindEdits && e.Last < minTxID:
				acts = append(acts, Action{Act: Delete, Dir: l.Dir, File: e.File, Why: "old edit log"})
			case (e.Kind == KindInProgress || e.Kind == KindAside) && e.TxID < minTxID:
				acts = append(acts, Action{Act: Delete, Dir: l.Dir, File: e.File, Why: "old edit log"})
			case e.Kind == KindInProgress && e.TxID != current:
				acts = append(acts, Action{Act: Rename, Dir: l.Dir, File: e.File, To: e.File + ".stale",
					Why: "stale in-progress edit log"})
			}
		}
	}
	return acts
}

// PlanPurgeImages removes every image of a kind and its .md5 file, as
// NNStorageRetentionManager.purgeCheckpoints does: fsimage.ckpt_* after a
// save, fsimage_rollback_* when a rolling upgrade ends.
func PlanPurgeImages(ls []Listing, kind Kind) []Action {
	var acts []Action
	for _, img := range foundImages(ls, kind) {
		acts = append(acts, purgeImage(img)...)
	}
	return acts
}

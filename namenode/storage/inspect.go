package storage

import "fmt"

// InspectOptions say how the NameNode is starting.
type InspectOptions struct {
	// ForWrite: the NameNode will write edits (not HA, or becoming active
	// for an upgrade), so the edits must reach the highest seen_txid of
	// any directory. A standby may stop short (Hadoop's toAtLeastTxId).
	ForWrite bool
	// InProgressOK takes in-progress segments too. Hadoop finalizes them
	// first (PlanRecovery) and then selects finalized ones only.
	InProgressOK bool
	// Rollback loads from fsimage_rollback_* only and needs the edits up
	// to the image's txid + 2 (rolling-upgrade rollback).
	Rollback bool
}

// Image is one copy of a checkpoint.
type Image struct {
	Dir    Dir
	File   string
	TxID   int64
	Kind   Kind // KindImage or KindRollback
	HasMD5 bool // Hadoop refuses to load an image without its .md5
}

// Path is the image's path.
func (i Image) Path() string { return i.Dir.File(i.File) }

// Plan is what a NameNode loads: the newest checkpoint and the edits
// after it.
type Plan struct {
	// Images are every copy of the newest checkpoint, in directory order.
	// Hadoop tries them in turn and never falls back to an older txid.
	Images []Image
	// Segments hold txids Images[0].TxID+1 onwards, in order, without a
	// gap.
	Segments []Segment
	// Unreachable are segments past a gap that did not need to be crossed.
	Unreachable []Segment
	// MaxSeenTxID is the highest seen_txid of the directories.
	MaxSeenTxID int64
	// NeedToSave: a directory has no VERSION (freshly added or cleared);
	// Hadoop saves the namespace after loading.
	NeedToSave bool
	// UpgradeFinalized is false when a directory keeps previous/.
	UpgradeFinalized bool
}

// Inspect chooses what to load, as FSImageTransactionalStorageInspector
// and FSImage.loadFSImage do: images come from image directories that
// have a VERSION and a readable seen_txid; the newest txid wins; the
// edits from the edits directories must then run without a gap from the
// image to the highest seen_txid (when ForWrite). Inspect reads nothing:
// it works on listings.
func Inspect(ls []Listing, opt InspectOptions) (Plan, error) {
	p := Plan{UpgradeFinalized: true}
	var found []Image
	for _, l := range ls {
		if !l.HasVersion {
			p.NeedToSave = true
			continue
		}
		if l.SeenErr != nil {
			continue
		}
		p.MaxSeenTxID = max(p.MaxSeenTxID, l.SeenTxID)
		found = append(found, imagesIn(l, opt.Rollback)...)
		p.UpgradeFinalized = p.UpgradeFinalized && !l.HasPrevious
	}
	p.Images = newest(found)
	if len(p.Images) == 0 {
		return p, fmt.Errorf("%w in %d directories", ErrNoImage, len(ls))
	}
	from := p.Images[0].TxID + 1
	toAtLeast := int64(0)
	switch {
	case opt.Rollback:
		toAtLeast = p.Images[0].TxID + 2
	case opt.ForWrite:
		toAtLeast = p.MaxSeenTxID
	}
	segs := groupSegments(segmentFiles(ls, from, opt.InProgressOK))
	var err error
	p.Segments, p.Unreachable, err = chain(segs, from, toAtLeast)
	return p, err
}

// imagesIn lists the checkpoints of an image directory: fsimage_* and
// fsimage_rollback_* for a regular start (Hadoop looks at both), only the
// latter for a rollback.
func imagesIn(l Listing, rollback bool) []Image {
	if !l.Dir.Holds(RoleImage) {
		return nil
	}
	var out []Image
	for _, e := range l.Entries {
		if e.Kind == KindRollback || (e.Kind == KindImage && !rollback) {
			out = append(out, Image{Dir: l.Dir, File: e.File, TxID: e.TxID, Kind: e.Kind,
				HasMD5: l.has(MD5Name(e.File))})
		}
	}
	return out
}

// newest keeps the images of the highest txid, in the order found.
func newest(imgs []Image) []Image {
	var out []Image
	for _, img := range imgs {
		switch {
		case len(out) == 0 || img.TxID == out[0].TxID:
			out = append(out, img)
		case img.TxID > out[0].TxID:
			out = append(out[:0], img)
		}
	}
	return out
}

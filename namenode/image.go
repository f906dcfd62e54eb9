package namenode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/nnimage"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// The glue between the namesystem and the fsimage bridge (nnimage).

// Hadoop's first ids: GenerationStamp.LAST_RESERVED_STAMP and
// SequentialBlockIdGenerator.LAST_RESERVED_BLOCK_ID.
const (
	firstGenStamp = 1000
	firstBlockID  = 1 << 30
)

// freshMeta is a newly formatted namespace's NameSystemSection.
func freshMeta(nsID int32) nnimage.Meta {
	m := nnimage.NewMeta(nsID)
	m.GenstampV1, m.GenstampV2, m.LastAllocatedBlockID = firstGenStamp, firstGenStamp, firstBlockID
	return m
}

// imageMeta is the image metadata for the namespace at txid.
func (n *Namesystem) imageMeta(ids IDs, txid int64) nnimage.Meta {
	m := n.meta
	m.GenstampV1, m.GenstampV2, m.GenstampV1Limit = ids.GenStampV1, ids.GenStampV2, ids.GenStampV1Limit
	m.LastAllocatedBlockID, m.LastAllocatedStripedBlockID = ids.LastBlockID, ids.LastStripedBlockID
	m.TxID = txid
	return m
}

func idsOf(m nnimage.Meta) IDs {
	return IDs{GenStampV1: m.GenstampV1, GenStampV2: m.GenstampV2, GenStampV1Limit: m.GenstampV1Limit,
		LastBlockID: m.LastAllocatedBlockID, LastStripedBlockID: m.LastAllocatedStripedBlockID}
}

func imageOptions(cfg Config) nnimage.Options {
	return nnimage.Options{Compress: cfg.ImageCompress, Codec: cfg.ImageCodec}
}

// imageSaver writes tree as an fsimage.
func imageSaver(tree *namespace.Tree, meta nnimage.Meta, cfg Config) storage.ImageSaver {
	return func(w io.Writer) error { return nnimage.Write(w, tree, meta, imageOptions(cfg)) }
}

type loadedImage struct {
	path string
	txid int64
	tree *namespace.Tree
	ids  IDs
	meta nnimage.Meta
}

// loadNewestImage loads the plan's image, trying each copy in turn as
// Hadoop does; a copy whose digest does not match is reported and skipped.
func loadNewestImage(plan storage.Plan, cfg Config) (*loadedImage, error) {
	var errs []error
	for _, img := range plan.Images {
		if !img.HasMD5 {
			errs = append(errs, fmt.Errorf("namenode: image %s has no .md5 file", img.Path()))
			continue
		}
		l, err := nnimage.Load(img.Path(), cfg.Namespace)
		if err != nil {
			errs = append(errs, fmt.Errorf("namenode: loading %s: %w", img.Path(), err))
			continue
		}
		return &loadedImage{path: img.Path(), txid: img.TxID, tree: l.Tree, ids: idsOf(l.Meta), meta: l.Meta}, nil
	}
	if len(errs) == 0 {
		return nil, storage.ErrNoImage
	}
	return nil, fmt.Errorf("namenode: failed to load an fsimage: %w", errors.Join(errs...))
}

// rebuild builds a scratch namespace at txid end from the newest image
// and the finalized segments after it (for a background checkpoint).
func (n *Namesystem) rebuild(ctx context.Context, st *storage.Storage, end int64, duty *dutyCycle) (*namespace.Tree, IDs, error) {
	scan := journal.Scanner(st.FS)
	plan, err := st.Inspect(scan, storage.InspectOptions{})
	if err != nil {
		return nil, IDs{}, err
	}
	img, err := loadNewestImage(plan, n.cfg)
	if err != nil {
		return nil, IDs{}, err
	}
	var segs []storage.Segment
	for _, s := range plan.Segments {
		if s.InProgress || s.First > end {
			continue
		}
		segs = append(segs, s)
	}
	ids := img.ids
	ap := &applier{tree: img.tree, ids: &ids, last: img.txid}
	n2 := 0
	apply := func(op *editlog.Op) error {
		if n2++; n2%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			duty.tick()
		}
		return ap.apply(op)
	}
	last, err := journal.Replay(st.FS, segs, img.txid+1, apply)
	if err != nil {
		return nil, IDs{}, err
	}
	if last < end && n.shared != nil {
		// The rest is on the JournalNodes only (no local edits dir has it).
		rfs, rsegs, err := remoteSegments(ctx, n.shared, last+1)
		if err != nil {
			return nil, IDs{}, err
		}
		rsegs = slices.DeleteFunc(rsegs, func(s storage.Segment) bool { return s.First > end })
		if last, err = journal.Replay(rfs, rsegs, last+1, apply); err != nil {
			return nil, IDs{}, err
		}
	}
	if last != end {
		return nil, IDs{}, fmt.Errorf("namenode: checkpoint replay reached txid %d, not %d", last, end)
	}
	return img.tree, ids, nil
}

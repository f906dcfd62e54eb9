package fsimage

import (
	"encoding/xml"
	"fmt"
	"strconv"
)

// snapshotDiffSection reads <dirDiffEntry> and <fileDiffEntry> elements.
func (rc *reconstructor) snapshotDiffSection() error {
	if err := rc.w.BeginSnapshotDiffs(); err != nil {
		return err
	}
	for {
		t, err := rc.ev.expectTag("[diff start tag]", true)
		if err != nil {
			return err
		}
		if end, ok := t.(xml.EndElement); ok {
			if end.Name.Local == "SnapshotDiffSection" {
				return nil
			}
			return reverseErr("got unexpected end tag for %s", end.Name.Local)
		}
		var e *DiffEntry
		switch tag := t.(xml.StartElement).Name.Local; tag {
		case "dirDiffEntry":
			e, err = rc.diffEntry(DirectoryDiffType, "dirDiffEntry", "dirDiff")
		case "fileDiffEntry":
			e, err = rc.diffEntry(FileDiffType, "fileDiffEntry", "fileDiff")
		default:
			return reverseErr("SnapshotDiffSection contained unexpected tag %s", tag)
		}
		if err != nil {
			return err
		}
		if err := rc.w.SnapshotDiff(e); err != nil {
			return err
		}
	}
}

// diffEntry reads one entry: its header fields, then count diff elements.
func (rc *reconstructor) diffEntry(typ DiffType, tag, diffTag string) (*DiffEntry, error) {
	hn, err := rc.ev.load(diffTag)
	if err != nil {
		return nil, err
	}
	r := &rd{n: hn}
	e := &DiffEntry{Type: typ, INodeID: r.reqI64("inodeId", fmt.Sprintf("<%s> contained no <inodeId> entry", tag))}
	count := r.reqI32("count", fmt.Sprintf("<%s> contained no <count> entry", tag))
	if err := r.done(tag); err != nil {
		return nil, err
	}
	for i := int32(0); i < count; i++ {
		if _, err := rc.ev.expectTag(diffTag, false); err != nil {
			return nil, reverseErr("only read %d diffs out of %d: %v", i+1, count, err)
		}
		n, err := rc.ev.load()
		if err != nil {
			return nil, err
		}
		if typ == DirectoryDiffType {
			d, err := rc.dirDiff(n)
			if err != nil {
				return nil, err
			}
			e.DirDiffs = append(e.DirDiffs, *d)
		} else {
			d, err := rc.fileDiff(n)
			if err != nil {
				return nil, err
			}
			e.FileDiffs = append(e.FileDiffs, *d)
		}
	}
	return e, rc.ev.expectTagEnd(tag)
}

func (rc *reconstructor) dirDiff(n *xnode) (*DirDiff, error) {
	r := &rd{n: n}
	d := &DirDiff{}
	r.optI32("snapshotId", &d.SnapshotID, &d.Present, DirDiffSnapshotID)
	d.ChildrenSize = r.reqI32("childrenSize", "expected to find <childrenSize> in <dirDiff> section")
	d.IsSnapshotRoot = n.flag("isSnapshotRoot")
	d.Present = d.Present.With(DirDiffChildrenSize, DirDiffIsSnapshotRoot, DirDiffCreatedListSize)
	if name, ok := r.str("name"); ok {
		d.Name = nonNil([]byte(name))
	}
	if cp := n.child("snapshotCopy"); cp != nil && r.err == nil {
		d.Copy, r.err = rc.dirAttrs(&rd{n: cp})
	}
	created := r.reqI32("createdListSize", "expected to find <createdListSize> in <dirDiff> section")
	for c := n.child("deletedInode"); c != nil && r.err == nil; c = n.child("deletedInode") {
		v, err := strconv.ParseInt(c.val, 10, 64)
		if err != nil {
			return nil, reverseErr("<deletedInode> is not a long: %q", c.val)
		}
		d.Deleted = append(d.Deleted, v)
	}
	for c := n.child("deletedInoderef"); c != nil && r.err == nil; c = n.child("deletedInoderef") {
		v, err := strconv.ParseInt(c.val, 10, 32)
		if err != nil {
			return nil, reverseErr("<deletedInoderef> is not an int: %q", c.val)
		}
		d.DeletedRefs = append(d.DeletedRefs, int32(v))
	}
	for c := n.child("created"); c != nil && r.err == nil; c = n.child("created") {
		cr := &rd{n: c}
		name := cr.reqStr("name", "expected <created> entry to have a <name> field")
		if err := cr.done("created"); err != nil {
			return nil, err
		}
		d.Created = append(d.Created, nonNil([]byte(name)))
	}
	if r.err == nil && int32(len(d.Created)) != created {
		return nil, reverseErr("<createdListSize> was %d, but there were %d <created> entries", created, len(d.Created))
	}
	return d, r.done("dirDiff")
}

func (rc *reconstructor) fileDiff(n *xnode) (*FileDiff, error) {
	r := &rd{n: n}
	d := &FileDiff{}
	r.optI32("snapshotId", &d.SnapshotID, &d.Present, FileDiffSnapshotID)
	r.optI64("size", &d.FileSize, &d.Present, FileDiffFileSize)
	if name, ok := r.str("name"); ok {
		d.Name = nonNil([]byte(name))
	}
	if cp := n.child("snapshotCopy"); cp != nil && r.err == nil {
		d.Copy, r.err = rc.fileAttrs(&rd{n: cp})
	}
	if blocks := n.child("blocks"); blocks != nil && r.err == nil {
		d.Blocks = blockList(r, blocks)
	}
	return d, r.done("fileDiff")
}

package namespace

import (
	"errors"
	"strings"
)

// RenameOld is the deprecated ClientProtocol.rename (FSDirRenameOp's
// @Deprecated renameTo): a destination that is a directory receives the
// source inside it, and most failures are a false result rather than an
// error. Renaming a path onto itself succeeds (and is recorded).
func (t *Tree) RenameOld(op Op, src, dst string) (*Change, error) {
	src, dst = javaString(src), javaString(dst)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, "rename")
		sr, dr, err := t.resolveRename(w.view(), pc, src, dst)
		if err != nil {
			return err
		}
		dr = t.dstForRenameTo(w.view(), sr, dr)
		if err := t.checkRenamePerms(w.view(), pc, sr, dr, 0); err != nil {
			return err
		}
		if ok, err := t.planRenameOld(w.view(), sr, dr); err != nil || !ok {
			return err
		}
		if sr.path() != dr.path() {
			if err := t.checkRenameLimits(w.view(), sr, dr); err != nil {
				return err
			}
		}
		rec := Record{Kind: KindRenameOld, Path: sr.path(), Dst: dr.path(), Timestamp: op.Now}
		if ch.OK, err = t.applyRenameOld(w, &rec); err != nil || !ch.OK {
			return err
		}
		ch.Records = []Record{rec}
		return nil
	})
	return ch, err
}

// Rename is ClientProtocol.rename2 (FSDirRenameOp.renameToInt with
// options): the destination is the new path itself, an existing one is
// replaced only with RenameOverwrite, and every failure is an error.
func (t *Tree) Rename(op Op, src, dst string, opts RenameOptions) (*Change, error) {
	src, dst = javaString(src), javaString(dst)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, "rename")
		sr, dr, err := t.resolveRename(w.view(), pc, src, dst)
		if err != nil {
			return err
		}
		if err := t.checkRenamePerms(w.view(), pc, sr, dr, opts); err != nil {
			return err
		}
		if err := t.planRename(w.view(), sr, dr, opts); err != nil {
			return err
		}
		if err := t.checkRenameLimits(w.view(), sr, dr); err != nil {
			return err
		}
		rec := Record{Kind: KindRename, Path: sr.path(), Dst: dr.path(), Timestamp: op.Now, Options: opts}
		if ch.Removed, err = t.applyRename(w, &rec); err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

// resolveRename resolves both paths of a rename.
func (t *Tree) resolveRename(v view, pc *checker, src, dst string) (sr, dr *resolved, err error) {
	if err := checkPathLength(dst, pathTooLong("rename")); err != nil {
		return nil, nil, err
	}
	if sr, err = t.resolvePath(v, pc, src, opWriteLink); err != nil {
		return nil, nil, err
	}
	dr, err = t.resolvePath(v, pc, dst, opCreateLink)
	return sr, dr, err
}

// checkRenamePerms checks write access to the source's parent (and its
// sticky bit) and to the destination's nearest existing ancestor; moving
// to trash also needs full access to the source's subtree.
func (t *Tree) checkRenamePerms(v view, pc *checker, sr, dr *resolved, opts RenameOptions) error {
	if !t.cfg.PermissionsEnabled {
		return nil
	}
	a := accessOf(actUnset, ActWrite, actUnset)
	if opts&RenameToTrash != 0 {
		a.sub, a.ignoreEmptyDir = ActAll, true
	}
	if err := t.checkPermission(v, pc, sr, a); err != nil {
		return err
	}
	return t.checkPermission(v, pc, dr, accessOf(ActWrite, actUnset, actUnset))
}

// dstForRenameTo puts the source's name under a destination directory.
func (t *Tree) dstForRenameTo(v view, sr, dr *resolved) *resolved {
	last := dr.last()
	if last == nilSlot || !v.node(last).isDir() {
		return dr
	}
	name := sr.lastName()
	return &resolved{comps: append(dr.comps[:dr.n():dr.n()], name),
		nodes: append(dr.nodes[:dr.n():dr.n()], v.child(last, name)), raw: dr.raw}
}

// planRenameOld is the checks of the deprecated unprotectedRenameTo: ok
// false is Hadoop's null (a false result).
func (t *Tree) planRenameOld(v view, sr, dr *resolved) (ok bool, err error) {
	if sr.last() == nilSlot || sr.n() == 1 {
		return false, nil
	}
	src, dst := sr.path(), dr.path()
	if src == dst {
		return true, nil
	}
	if err := t.validateDestination(v, sr, src, dst); err != nil {
		if errors.Is(err, ErrInvalidPath) {
			return false, err
		}
		return false, nil
	}
	return dr.last() == nilSlot && dr.at(-2) != nilSlot, nil
}

// planRename is the checks of unprotectedRenameTo with options.
func (t *Tree) planRename(v view, sr, dr *resolved, opts RenameOptions) error {
	src, dst := sr.path(), dr.path()
	if sr.last() == nilSlot {
		return failMsg(ErrFileNotFound, "rename source "+src+" is not found.")
	}
	if sr.n() == 1 {
		return failMsg(ErrIO, "rename source cannot be the root")
	}
	if dst == src {
		return failMsg(ErrFileAlreadyExists, "The source "+src+" and destination "+dst+" are the same")
	}
	if err := t.validateDestination(v, sr, src, dst); err != nil {
		return err
	}
	if dr.n() == 1 {
		return failMsg(ErrIO, "rename destination cannot be the root")
	}
	if dr.last() != nilSlot {
		if err := t.validateOverwrite(v, sr.last(), dr.last(), src, dst, opts); err != nil {
			return err
		}
	}
	switch p := dr.at(-2); {
	case p == nilSlot:
		return failMsg(ErrFileNotFound, "rename destination parent "+dst+" not found.")
	case !v.node(p).isDir():
		return failMsg(ErrParentNotDirectory, "rename destination parent "+dst+" is a file.")
	}
	return nil
}

// validateDestination is FSDirRenameOp.validateDestination.
func (t *Tree) validateDestination(v view, sr *resolved, src, dst string) error {
	if n := v.node(sr.last()); n.isSymlink() && dst == string(t.names.get(n.a)) {
		return failMsg(ErrFileAlreadyExists, "Cannot rename symlink "+src+" to its target "+dst)
	}
	if strings.HasPrefix(dst, src+"/") {
		return failMsg(ErrIO, "Rename destination "+dst+" is a directory or file under source "+src)
	}
	if isExactReservedName(src) || isExactReservedName(dst) {
		return failMsg(ErrInvalidPath, "Invalid path name Cannot rename to or from /.reserved")
	}
	return nil
}

// validateOverwrite is FSDirRenameOp.validateOverwrite.
func (t *Tree) validateOverwrite(v view, s, d uint32, src, dst string, opts RenameOptions) error {
	srcDir, dstDir := v.node(s).isDir(), v.node(d).isDir()
	switch {
	case srcDir != dstDir:
		return failMsg(ErrIO, "Source "+src+" and destination "+dst+" must both be directories")
	case opts&RenameOverwrite == 0:
		return failMsg(ErrFileAlreadyExists, "rename destination "+dst+" already exists")
	case dstDir && len(v.dir(d).kids) > 0:
		return failMsg(ErrIO, "rename destination directory is not empty: "+dst)
	}
	return nil
}

// checkRenameLimits is verifyFsLimitsForRename and verifyQuotaForRename.
func (t *Tree) checkRenameLimits(v view, sr, dr *resolved) error {
	parentPath := dr.parentPath()
	if err := t.checkComponentLength(dr.lastName(), parentPath); err != nil {
		return err
	}
	if sr.at(-2) != dr.at(-2) {
		if err := t.checkDirItems(v, dr.at(-2), parentPath, 0); err != nil {
			return err
		}
	}
	i := 0
	for i < sr.n() && i < dr.n() && sr.nodes[i] == dr.nodes[i] {
		i++
	}
	delta := t.usage(v, sr.last())
	if d := dr.last(); d != nilSlot {
		delta = delta.add(t.usage(v, d).neg())
	}
	return t.verifyQuota(v, dr, dr.n()-1, delta, sr.nodes[i-1], counts{})
}

// applyRenameOld is FSDirRenameOp.renameForEditLog without options.
func (t *Tree) applyRenameOld(w *wtx, rec *Record) (bool, error) {
	v := w.view()
	sr, dr, err := t.resolveRecordPaths(v, rec)
	if err != nil {
		return false, err
	}
	dr = t.dstForRenameTo(v, sr, dr)
	ok, err := t.planRenameOld(v, sr, dr)
	if err != nil || !ok || sr.path() == dr.path() {
		return ok, err
	}
	if err := nameRules(dr.at(-2), dr.lastName()); err != nil {
		return false, err
	}
	t.move(w, sr, dr, rec.Timestamp)
	return true, nil
}

// applyRename is FSDirRenameOp.renameForEditLog with options.
func (t *Tree) applyRename(w *wtx, rec *Record) (Removed, error) {
	v := w.view()
	sr, dr, err := t.resolveRecordPaths(v, rec)
	if err != nil {
		return Removed{}, err
	}
	if err := t.planRename(v, sr, dr, rec.Options); err != nil {
		return Removed{}, err
	}
	if err := nameRules(dr.at(-2), dr.lastName()); err != nil {
		return Removed{}, err
	}
	var rm Removed
	if old := dr.last(); old != nilSlot {
		if err := t.checkNoSnapshots(v, old); err != nil {
			return Removed{}, err
		}
		t.unlink(w, old)
		t.remove(w, old, &rm)
	}
	t.move(w, sr, dr, rec.Timestamp)
	return rm, nil
}

func (t *Tree) resolveRecordPaths(v view, rec *Record) (sr, dr *resolved, err error) {
	if sr, err = t.resolveInternal(v, rec.Path, opWriteLink); err != nil {
		return nil, nil, err
	}
	dr, err = t.resolveInternal(v, rec.Dst, opWriteLink)
	return sr, dr, err
}

// move moves the source of a rename to the destination's place and
// updates both parents' modification times.
func (t *Tree) move(w *wtx, sr, dr *resolved, ts int64) {
	slot, srcParent, dstParent := sr.last(), sr.at(-2), dr.at(-2)
	if t.snap.active() {
		t.markMoved(slot)
	}
	delta := t.unlink(w, slot)
	t.link(w, dstParent, slot, dr.lastName(), delta)
	// The storage types are counted again under the policy in effect at
	// the destination, as FSDirectory.addLastINode counts them.
	if moved := t.usage(w.view(), slot); moved != delta {
		t.addUsageUp(dstParent, moved.add(delta.neg()))
	}
	t.touchDir(w, srcParent, ts)
	t.touchDir(w, dstParent, ts)
}

package namespace

// Delete is ClientProtocol.delete (FSDirDeleteOp.delete). It needs write
// permission on the parent (and the sticky bit's blessing) and, for a
// directory, full access to every non-empty directory below. A missing
// path or the root is not deleted: Change.OK is false and nothing is
// recorded.
func (t *Tree) Delete(op Op, src string, recursive bool) (*Change, error) {
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		if isExactReservedName(src) {
			return failMsg(ErrInvalidPath, "Invalid path name "+src)
		}
		pc := t.checker(op, "delete")
		v := w.view()
		r, err := t.resolvePath(v, pc, src, opWriteLink)
		if err != nil {
			return err
		}
		if err := t.deleteChecks(v, pc, r, recursive); err != nil {
			return err
		}
		if r.last() == nilSlot || r.n() == 1 {
			return nil
		}
		rec := Record{Kind: KindDelete, Path: r.path(), Timestamp: op.Now}
		if ch.Removed, err = t.applyDelete(w, &rec); err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

func (t *Tree) deleteChecks(v view, pc *checker, r *resolved, recursive bool) error {
	if t.cfg.PermissionsEnabled {
		a := noAccess()
		a.parent, a.sub, a.ignoreEmptyDir = ActWrite, ActAll, true
		if err := t.checkPermission(v, pc, r, a); err != nil {
			return err
		}
	}
	if !recursive && t.nonEmptyDir(v, r.last()) {
		return failMsg(ErrPathIsNotEmptyDirectory,
			pathIOMessage(r.path()+" is non empty", "Directory is not empty"))
	}
	return nil
}

func (t *Tree) nonEmptyDir(v view, slot uint32) bool {
	return slot != nilSlot && v.node(slot).isDir() && len(v.dir(slot).kids) > 0
}

// applyDelete is FSDirDeleteOp.deleteForEditLog.
func (t *Tree) applyDelete(w *wtx, rec *Record) (Removed, error) {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWriteLink)
	if err != nil {
		return Removed{}, err
	}
	if r.last() == nilSlot || r.n() == 1 {
		return Removed{}, nil
	}
	if err := t.checkNoSnapshots(v, r.last()); err != nil {
		return Removed{}, err
	}
	return t.deleteAt(w, r, rec.Timestamp), nil
}

// deleteAt unlinks and frees the last inode of r, and moves its parent's
// modification time up to mtime.
func (t *Tree) deleteAt(w *wtx, r *resolved, mtime int64) Removed {
	slot := r.last()
	t.unlink(w, slot)
	t.touchDir(w, r.at(-2), mtime)
	var rm Removed
	t.remove(w, slot, &rm)
	return rm
}

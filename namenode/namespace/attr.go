package namespace

// The attribute operations of FSDirAttrOp. Each records a change only
// when something changed, as Hadoop logs only then.

// SetPermission is ClientProtocol.setPermission: only the owner or a
// superuser may change the mode, whether or not permissions are enabled.
func (t *Tree) SetPermission(op Op, src string, mode Mode) (*Change, error) {
	return t.attrOp(op, src, "setPermission", func(w *wtx, pc *checker, r *resolved) (*Record, error) {
		if err := t.checkOwnerOp(w.view(), pc, r); err != nil {
			return nil, err
		}
		return &Record{Kind: KindSetPermissions, Path: r.path(), Perm: PermissionStatus{Mode: mode & ModeMask}}, nil
	})
}

// SetOwner is ClientProtocol.setOwner; nil leaves the user or the group
// as it is. The owner may only change the group, to one of its own
// groups; a superuser may change both.
func (t *Tree) SetOwner(op Op, src string, user, group *string) (*Change, error) {
	return t.attrOp(op, src, "setOwner", func(w *wtx, pc *checker, r *resolved) (*Record, error) {
		if err := t.checkOwnerOp(w.view(), pc, r); err != nil {
			return nil, err
		}
		rec := &Record{Kind: KindSetOwner, Path: r.path(), SetUser: user != nil, SetGroup: group != nil}
		if user != nil {
			rec.User = javaString(*user)
		}
		if group != nil {
			rec.Group = javaString(*group)
		}
		if pc.super {
			return rec, nil
		}
		if rec.SetUser && rec.User != pc.user {
			return nil, fail(ErrAccessControl, "User %s is not a super user (non-super user cannot change owner).", pc.user)
		}
		if rec.SetGroup && !pc.member(rec.Group) {
			return nil, fail(ErrAccessControl, "User %s does not belong to %s", pc.user, rec.Group)
		}
		return rec, nil
	})
}

// SetTimes is ClientProtocol.setTimes; -1 leaves a time as it is. It needs
// write access to the inode.
func (t *Tree) SetTimes(op Op, src string, mtime, atime int64) (*Change, error) {
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, "setTimes")
		r, err := t.resolvePath(w.view(), pc, src, opWrite)
		if err != nil {
			return err
		}
		if err := t.checkSelf(w.view(), pc, r, ActWrite); err != nil {
			return err
		}
		rec := Record{Kind: KindTimes, Path: r.path(), Mtime: mtime, Atime: atime}
		return t.applyRecorded(w, &rec, ch)
	})
	return ch, err
}

// SetReplication is ClientProtocol.setReplication: Change.OK is false,
// with nothing recorded, when the path is not a file.
func (t *Tree) SetReplication(op Op, src string, repl int16) (*Change, error) {
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		if err := t.verifyReplication(src, repl, ""); err != nil {
			return err
		}
		pc := t.checker(op, "setReplication")
		v := w.view()
		r, err := t.resolvePath(v, pc, src, opWrite)
		if err != nil {
			return err
		}
		if err := t.checkSelf(v, pc, r, ActWrite); err != nil {
			return err
		}
		f := r.last()
		if f == nilSlot || !v.node(f).isFile() {
			return nil
		}
		if old := v.node(f).replication(); old < repl {
			grow := t.replDelta(v, f, old, repl)
			if err := t.verifyQuota(v, r, r.n()-1, grow, nilSlot, counts{}); err != nil {
				return err
			}
		}
		rec := Record{Kind: KindSetReplication, Path: r.path(), Replication: repl}
		ch.OK = true
		return t.applyRecorded(w, &rec, ch)
	})
	return ch, err
}

// attrOp runs the common frame of setPermission and setOwner: the
// /.reserved check, resolution, the operation's own checks (check) and
// the change.
func (t *Tree) attrOp(op Op, src, name string, check func(*wtx, *checker, *resolved) (*Record, error)) (*Change, error) {
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		if isExactReservedName(src) {
			return failMsg(ErrInvalidPath, "Invalid path name "+src)
		}
		pc := t.checker(op, name)
		r, err := t.resolvePath(w.view(), pc, src, opWrite)
		if err != nil {
			return err
		}
		rec, err := check(w, pc, r)
		if err != nil {
			return err
		}
		return t.applyRecorded(w, rec, ch)
	})
	return ch, err
}

// applyRecorded applies rec and records it if it changed anything.
func (t *Tree) applyRecorded(w *wtx, rec *Record, ch *Change) error {
	changed, err := t.applyAttrChanged(w, rec)
	if err == nil && changed {
		ch.Records = append(ch.Records, *rec)
	}
	return err
}

// checkOwnerOp is FSDirectory.checkOwner.
func (t *Tree) checkOwnerOp(v view, pc *checker, r *resolved) error {
	if r.last() == nilSlot {
		return failMsg(ErrFileNotFound, "Directory/File does not exist "+r.path())
	}
	a := noAccess()
	a.owner = true
	return t.checkPermission(v, pc, r, a)
}

// checkSelf is FSDirectory.checkPathAccess when permissions are enabled.
func (t *Tree) checkSelf(v view, pc *checker, r *resolved, act Action) error {
	if !t.cfg.PermissionsEnabled {
		return nil
	}
	return t.checkPermission(v, pc, r, accessOf(actUnset, actUnset, act))
}

func (t *Tree) applyAttr(w *wtx, rec *Record) error {
	_, err := t.applyAttrChanged(w, rec)
	return err
}

// applyAttrChanged replays an attribute record and reports whether it
// changed the inode.
func (t *Tree) applyAttrChanged(w *wtx, rec *Record) (bool, error) {
	r, err := t.resolveInternal(w.view(), rec.Path, opWrite)
	if err != nil {
		return false, err
	}
	switch rec.Kind {
	case KindSetPermissions:
		return t.setPerm(w, r, rec, func(p uint64) uint64 {
			return p&^uint64(0xFFFF) | uint64(rec.Perm.Mode&ModeMask)
		})
	case KindSetOwner:
		return t.setPerm(w, r, rec, func(p uint64) uint64 { return t.ownerPerm(p, rec) })
	case KindTimes:
		return t.setTimes(w, r, rec)
	case KindSetReplication:
		return t.setReplication(w, r, rec)
	case KindSetQuota:
		changed, _, err := t.setQuota(w, r, rec.NSQuota, rec.SSQuota, 0)
		return changed, err
	case KindSetQuotaByStorageType:
		if rec.StorageType == 0 {
			return false, badRecord("set quota by storage type on %s without a type", rec.Path)
		}
		changed, _, err := t.setQuota(w, r, quotaDontSet, rec.SSQuota, rec.StorageType)
		return changed, err
	}
	return false, badRecord("unknown record kind %v", rec.Kind)
}

func (t *Tree) setPerm(w *wtx, r *resolved, rec *Record, f func(uint64) uint64) (bool, error) {
	slot := r.last()
	if slot == nilSlot {
		return false, failMsg(ErrFileNotFound, "cannot find "+rec.Path)
	}
	n := w.view().node(slot)
	next := f(n.perm)
	if next == n.perm {
		return false, nil
	}
	w.node(slot).perm = next
	return true, nil
}

func (t *Tree) ownerPerm(p uint64, rec *Record) uint64 {
	user, group := permUser(p), permGroup(p)
	if rec.SetUser {
		user = t.users.serial(rec.User)
	}
	if rec.SetGroup {
		group = t.groups.serial(rec.Group)
	}
	return packPerm(user, group, permMode(p))
}

// setTimes is FSDirAttrOp.unprotectedSetTimes with force.
func (t *Tree) setTimes(w *wtx, r *resolved, rec *Record) (bool, error) {
	slot := r.last()
	if slot == nilSlot {
		return false, failMsg(ErrFileNotFound, "File/Directory "+rec.Path+" does not exist.")
	}
	if rec.Mtime >= 0 {
		w.node(slot).mtime = rec.Mtime
	}
	if rec.Atime >= 0 {
		w.node(slot).atime = rec.Atime
	}
	return rec.Mtime >= 0 || rec.Atime >= 0, nil
}

// setReplication is FSDirAttrOp.unprotectedSetReplication.
func (t *Tree) setReplication(w *wtx, r *resolved, rec *Record) (bool, error) {
	v := w.view()
	f := r.last()
	if f == nilSlot || !v.node(f).isFile() {
		return false, nil
	}
	n := v.node(f)
	repl := t.clampReplication(rec.Replication)
	if old := n.replication(); old != repl {
		t.addUsageUp(n.parent, t.replDelta(v, f, old, repl))
	}
	w.node(f).a = fileHeader(n.policy(), repl, n.blockSize())
	return true, nil
}

package namespace

// The ACL operations of FSDirAclOp. Each needs ownership of the inode
// (or a superuser), whether or not permissions are enabled, and records
// the inode's full ACL afterwards in an OP_SET_ACL, even when nothing
// changed, as Hadoop logs it.

func (t *Tree) checkAclsEnabled() error {
	if t.cfg.AclsEnabled {
		return nil
	}
	return aclErr("The ACL operation has been rejected.  Support for ACLs has been disabled by setting " +
		"dfs.namenode.acls.enabled to false.")
}

// aclOp is the common frame: resolve, check ownership, compute the new
// logical ACL with transform, apply and record it. An AclException gets
// the path appended, as FSDirAclOp does; setAcl names the path as the
// client gave it, the others the resolved one.
func (t *Tree) aclOp(op Op, src, name string, resolvedInMsg bool,
	transform func(existing []AclEntry) ([]AclEntry, error)) (*Change, error) {
	if err := t.checkAclsEnabled(); err != nil {
		return nil, err
	}
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, name)
		v := w.view()
		r, err := t.resolvePath(v, pc, src, opWrite)
		if err != nil {
			return err
		}
		msgPath := src
		if resolvedInMsg {
			msgPath = r.path()
		}
		if err := t.checkOwnerOp(v, pc, r); err != nil {
			return err
		}
		rec := Record{Kind: KindSetAcl, Path: r.path()}
		if transform != nil {
			_, feat := t.featuresOf(v, r.last())
			if rec.Acl, err = transform(logicalAcl(v.node(r.last()).mode(), feat)); err != nil {
				return withAclPath(err, msgPath)
			}
		}
		if err := t.applySetAcl(w, &rec); err != nil {
			return withAclPath(err, msgPath)
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

func withAclPath(err error, path string) error {
	if e, ok := err.(*Error); ok && e.Kind == ErrAcl {
		return aclErr(e.Msg + " Path: " + path)
	}
	return err
}

// SetAcl is ClientProtocol.setAcl: the spec replaces the ACL of each
// scope it has entries for. An empty spec removes the whole ACL.
func (t *Tree) SetAcl(op Op, src string, spec []AclEntry) (*Change, error) {
	if len(spec) == 0 {
		return t.aclOp(op, src, "setAcl", false, nil)
	}
	return t.aclOp(op, src, "setAcl", false, func(existing []AclEntry) ([]AclEntry, error) {
		return replaceAcl(existing, spec)
	})
}

// ModifyAclEntries is ClientProtocol.modifyAclEntries: the spec's
// entries are added or replace those with the same scope, type and name.
func (t *Tree) ModifyAclEntries(op Op, src string, spec []AclEntry) (*Change, error) {
	return t.aclOp(op, src, "modifyAclEntries", true, func(existing []AclEntry) ([]AclEntry, error) {
		return mergeAcl(existing, spec)
	})
}

// RemoveAclEntries is ClientProtocol.removeAclEntries: the entries with
// the spec's scopes, types and names go (permissions are ignored).
func (t *Tree) RemoveAclEntries(op Op, src string, spec []AclEntry) (*Change, error) {
	return t.aclOp(op, src, "removeAclEntries", true, func(existing []AclEntry) ([]AclEntry, error) {
		return filterAclBySpec(existing, spec)
	})
}

// RemoveDefaultAcl is ClientProtocol.removeDefaultAcl.
func (t *Tree) RemoveDefaultAcl(op Op, src string) (*Change, error) {
	return t.aclOp(op, src, "removeDefaultAcl", true, filterDefaultAcl)
}

// RemoveAcl is ClientProtocol.removeAcl: every extended entry goes, and
// the group bits become the group entry's again.
func (t *Tree) RemoveAcl(op Op, src string) (*Change, error) {
	return t.aclOp(op, src, "removeAcl", true, nil)
}

// GetAclStatus is ClientProtocol.getAclStatus: the owner, group, mode
// and stored (extended) entries. Only the traversal is checked.
func (t *Tree) GetAclStatus(op Op, src string) (*AclStatus, error) {
	if err := t.checkAclsEnabled(); err != nil {
		return nil, err
	}
	src = javaString(src)
	var st *AclStatus
	err := t.read(func(v view) error {
		r, err := t.resolvePath(v, t.checker(op, "getAclStatus"), src, opRead)
		if err != nil {
			return err
		}
		slot := r.last()
		if slot == nilSlot {
			return failMsg(ErrFileNotFound, "cannot find "+r.path())
		}
		lv := r.lastView(v) // through .snapshot, the inode as the snapshot saw it
		n := lv.node(slot)
		_, feat := t.featuresOf(lv, slot)
		st = &AclStatus{Owner: t.owner(n), Group: t.group(n), Sticky: n.mode().Sticky(),
			Permission: n.mode(), Entries: append([]AclEntry{}, feat...)}
		return nil
	})
	return st, err
}

// applySetAcl is FSDirAclOp.unprotectedSetAcl from edits: an empty list
// removes the ACL, any other is stored as it is.
func (t *Tree) applySetAcl(w *wtx, rec *Record) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return err
	}
	slot := r.last()
	if slot == nilSlot {
		return failMsg(ErrFileNotFound, "cannot find "+rec.Path)
	}
	return t.storeAcl(w, slot, rec.Acl, rec.Path)
}

// storeAcl sets an inode's logical ACL (AclStorage.updateINodeAcl), or
// removes its ACL when acl is empty.
func (t *Tree) storeAcl(w *wtx, slot uint32, acl []AclEntry, path string) error {
	n := w.view().node(slot)
	_, old := t.featuresOf(w.view(), slot)
	if len(acl) == 0 {
		if old != nil {
			w.node(slot).perm = setPermMode(n.perm, modeWithoutAcl(n.mode(), old))
			t.setAclList(w, slot, nil)
		}
		return nil
	}
	feat, mode, err := aclToStore(acl, n.mode(), n.isDir(), path)
	if err != nil {
		return err
	}
	t.setAclList(w, slot, feat)
	w.node(slot).perm = setPermMode(n.perm, mode)
	return nil
}

func setPermMode(p uint64, m Mode) uint64 { return p&^uint64(0xFFFF) | uint64(m&ModeMask) }

// inheritAcl gives a new inode, linked under its parent, the parent's
// default ACL (FSDirectory.copyINodeDefaultAcl in its pre-HDFS-6962
// form, which is what edits replay runs): its mode is masked by the
// default ACL's entries, and a directory takes the default ACL too.
func (t *Tree) inheritAcl(w *wtx, slot uint32) {
	v := w.view()
	n := v.node(slot)
	_, pfeat := t.featuresOf(v, n.parent)
	feat, mode, ok := inheritedAcl(pfeat, n.isDir(), n.mode())
	if !ok {
		return
	}
	t.setAclList(w, slot, feat)
	w.node(slot).perm = setPermMode(n.perm, mode)
}

// newInodeMode is the mode and logical ACL (nil unless the inode gets
// extended entries) a live create or mkdir gives a new inode under
// parent: with POSIX ACL inheritance and an unmasked mode from the
// client, the unmasked mode under a default ACL and the masked one
// otherwise.
func (t *Tree) newInodeMode(v view, parent uint32, isDir bool, masked Mode, unmasked *Mode) (Mode, []AclEntry) {
	_, pfeat := t.featuresOf(v, parent)
	m := masked
	if t.cfg.PosixACLInheritance && unmasked != nil {
		if _, def := splitScopes(pfeat); len(def) > 0 {
			m = *unmasked & ModeMask
		}
	}
	feat, mode, ok := inheritedAcl(pfeat, isDir, m)
	if !ok || feat == nil {
		return mode, nil
	}
	return mode, logicalAcl(mode, feat)
}

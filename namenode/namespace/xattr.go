package namespace

// Extended attributes (FSDirXAttrOp, XAttrPermissionFilter). Who may
// touch which namespace:
//   - user: anyone, subject to the inode's permissions (write to change,
//     read to read; on a sticky directory only its owner or a superuser
//     may change them);
//   - trusted: superusers only;
//   - security: only security.hdfs.unreadable.by.superuser, without a
//     value, by anyone;
//   - system: nobody through the API (HDFS uses it internally, e.g. for
//     directories' storage policies);
//   - raw: anyone with access, but only through a /.reserved/raw path.

// Xattr names with rules of their own.
const (
	xattrUnreadableBySuperuser = "security.hdfs.unreadable.by.superuser"
	xattrEncryptionZone        = "raw.hdfs.crypto.encryption.zone"
)

func (t *Tree) checkXAttrsEnabled() error {
	if t.cfg.XAttrsEnabled {
		return nil
	}
	return failMsg(ErrIO, "The XAttr operation has been rejected.  Support for XAttrs has been disabled "+
		"by setting dfs.namenode.xattrs.enabled to false.")
}

// checkXAttrSize is FSDirXAttrOp.checkXAttrSize: the name (without its
// prefix) and the value together.
func (t *Tree) checkXAttrSize(x XAttr) error {
	size := len(javaString(x.Name)) + len(x.Value)
	if size <= t.cfg.MaxXAttrSize {
		return nil
	}
	return fail(ErrHadoopIllegalArgument, "The XAttr is too big. The maximum combined size of the name and "+
		"value is %d, but the total size is %d", t.cfg.MaxXAttrSize, size)
}

// checkXAttrAPI is XAttrPermissionFilter.checkPermissionForApi.
func (pc *checker) checkXAttrAPI(x XAttr, raw bool) error {
	switch {
	case x.NS == XAttrUser, x.NS == XAttrTrusted && pc.super, x.NS == XAttrRaw && raw:
		return nil
	case x.PrefixedName() == xattrUnreadableBySuperuser:
		if x.Value != nil {
			return failMsg(ErrAccessControl, "Attempt to set a value for '"+xattrUnreadableBySuperuser+
				"'. Values are not allowed for this xattr.")
		}
		return nil
	}
	return failMsg(ErrAccessControl, "User doesn't have permission for xattr: "+x.PrefixedName())
}

// visibleXAttrs is XAttrPermissionFilter.filterXAttrsForApi.
func (pc *checker) visibleXAttrs(xs []XAttr, raw bool) []XAttr {
	var out []XAttr
	for _, x := range xs {
		switch {
		case x.NS == XAttrUser, x.NS == XAttrTrusted && pc.super, x.NS == XAttrRaw && raw,
			x.PrefixedName() == xattrUnreadableBySuperuser:
			out = append(out, x)
		}
	}
	return out
}

// checkXAttrChange is FSDirXAttrOp.checkXAttrChangeAccess: changing a
// user xattr needs write access, or ownership on a sticky directory.
func (t *Tree) checkXAttrChange(v view, pc *checker, r *resolved, x XAttr) error {
	if !t.cfg.PermissionsEnabled || x.NS != XAttrUser {
		return nil
	}
	if s := r.last(); s != nilSlot && v.node(s).isDir() && v.node(s).mode().Sticky() {
		if pc.super {
			return nil
		}
		return t.checkOwnerOp(v, pc, r)
	}
	return t.checkSelf(v, pc, r, ActWrite)
}

// xattrOp is the common frame of setXAttr and removeXAttr.
func (t *Tree) xattrOp(op Op, src string, x XAttr, name string,
	do func(w *wtx, r *resolved) (*Record, error)) (*Change, error) {
	if err := t.checkXAttrsEnabled(); err != nil {
		return nil, err
	}
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, name)
		if err := pc.checkXAttrAPI(x, isReservedRawName(src)); err != nil {
			return err
		}
		r, err := t.resolvePath(w.view(), pc, src, opWrite)
		if err != nil {
			return err
		}
		if err := t.checkXAttrChange(w.view(), pc, r, x); err != nil {
			return err
		}
		rec, err := do(w, r)
		if err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{*rec}, true
		return nil
	})
	return ch, err
}

// SetXAttr is ClientProtocol.setXAttr. flag says whether the attribute
// may be created, replaced or both.
func (t *Tree) SetXAttr(op Op, src string, x XAttr, flag XAttrSetFlag) (*Change, error) {
	if err := t.checkXAttrsEnabled(); err != nil {
		return nil, err
	}
	if err := t.checkXAttrSize(x); err != nil {
		return nil, err
	}
	x = cloneXAttrs([]XAttr{x})[0]
	return t.xattrOp(op, src, x, "setXAttr", func(w *wtx, r *resolved) (*Record, error) {
		rec := &Record{Kind: KindSetXAttr, Path: r.path(), XAttrs: []XAttr{x}}
		return rec, t.setXAttrs(w, rec, flag)
	})
}

// RemoveXAttr is ClientProtocol.removeXAttr; the value of x is ignored.
func (t *Tree) RemoveXAttr(op Op, src string, x XAttr) (*Change, error) {
	return t.xattrOp(op, src, x, "removeXAttr", func(w *wtx, r *resolved) (*Record, error) {
		rec := &Record{Kind: KindRemoveXAttr, Path: r.path(), XAttrs: []XAttr{x}}
		removed, err := t.removeXAttrs(w, rec)
		if err != nil {
			return nil, err
		}
		if len(removed) == 0 {
			return nil, failMsg(ErrIO, "No matching attributes found for remove operation")
		}
		rec.XAttrs = removed
		return rec, nil
	})
}

// GetXAttrs is ClientProtocol.getXAttrs: the named attributes (by
// namespace and name), or every attribute the caller may see when names
// is empty. A named attribute that is missing or hidden is
// XAttrNotFoundException.
func (t *Tree) GetXAttrs(op Op, src string, names []XAttr) ([]XAttr, error) {
	if err := t.checkXAttrsEnabled(); err != nil {
		return nil, err
	}
	src = javaString(src)
	raw := isReservedRawName(src)
	pc := t.checker(op, "getXAttrs")
	for _, x := range names {
		if err := pc.checkXAttrAPI(x, raw); err != nil {
			return nil, err
		}
	}
	visible, err := t.readXAttrs(pc, src, raw, false)
	if err != nil || len(names) == 0 {
		return visible, err
	}
	notFound := failMsg(ErrXAttrNotFound, "At least one of the attributes provided was not found.")
	out := make([]XAttr, 0, len(names))
	for _, want := range names {
		i := indexXAttr(visible, want)
		if i < 0 {
			return nil, notFound
		}
		out = append(out, visible[i])
	}
	return out, nil
}

// ListXAttrs is ClientProtocol.listXAttrs: the attributes the caller may
// see, with their values.
func (t *Tree) ListXAttrs(op Op, src string) ([]XAttr, error) {
	if err := t.checkXAttrsEnabled(); err != nil {
		return nil, err
	}
	src = javaString(src)
	return t.readXAttrs(t.checker(op, "listXAttrs"), src, isReservedRawName(src), true)
}

// readXAttrs reads src's visible attributes. getXAttrs needs READ on the
// inode; listXAttrs (names only) needs EXECUTE on its parent, as
// FSDirXAttrOp.listXAttrs checks.
func (t *Tree) readXAttrs(pc *checker, src string, raw, list bool) ([]XAttr, error) {
	var out []XAttr
	err := t.read(func(v view) error {
		r, err := t.resolvePath(v, pc, src, opRead)
		if err != nil {
			return err
		}
		if list {
			if t.cfg.PermissionsEnabled {
				a := noAccess()
				a.parent = ActExecute
				if err := t.checkPermission(v, pc, r, a); err != nil {
					return err
				}
			}
		} else if err := t.checkSelf(v, pc, r, ActRead); err != nil {
			return err
		}
		if r.last() == nilSlot {
			return failMsg(ErrFileNotFound, "cannot find "+r.path())
		}
		xs, _ := t.featuresOf(r.lastView(v), r.last()) // a snapshot's, through .snapshot
		out = cloneXAttrs(pc.visibleXAttrs(xs, raw))
		return nil
	})
	return out, err
}

func indexXAttr(xs []XAttr, x XAttr) int {
	for i, y := range xs {
		if sameXAttr(x, y) {
			return i
		}
	}
	return -1
}

// applySetXAttr replays OP_SET_XATTR: create or replace.
func (t *Tree) applySetXAttr(w *wtx, rec *Record) error {
	return t.setXAttrs(w, rec, XAttrCreate|XAttrReplace)
}

// setXAttrs is FSDirXAttrOp.unprotectedSetXAttrs.
func (t *Tree) setXAttrs(w *wtx, rec *Record, flag XAttrSetFlag) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return err
	}
	slot := r.last()
	if slot == nilSlot {
		return failMsg(ErrFileNotFound, "cannot find "+rec.Path)
	}
	existing, _ := t.featuresOf(v, slot)
	next, err := t.mergeXAttrs(existing, rec.XAttrs, flag)
	if err != nil {
		return err
	}
	for _, x := range next {
		if x.PrefixedName() == xattrUnreadableBySuperuser && !v.node(slot).isFile() {
			return failMsg(ErrIO, "Can only set '"+xattrUnreadableBySuperuser+"' on a file.")
		}
	}
	t.setXAttrList(w, slot, next)
	return nil
}

// applyRemoveXAttr replays OP_REMOVE_XATTR.
func (t *Tree) applyRemoveXAttr(w *wtx, rec *Record) error {
	_, err := t.removeXAttrs(w, rec)
	return err
}

// removeXAttrs is FSDirXAttrOp.unprotectedRemoveXAttrs: it returns the
// attributes of rec that the inode had.
func (t *Tree) removeXAttrs(w *wtx, rec *Record) ([]XAttr, error) {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return nil, err
	}
	slot := r.last()
	if slot == nilSlot {
		return nil, failMsg(ErrFileNotFound, "cannot find "+rec.Path)
	}
	existing, _ := t.featuresOf(v, slot)
	next, removed, err := filterXAttrs(existing, rec.XAttrs)
	if err != nil || len(next) == len(existing) {
		return nil, err
	}
	t.setXAttrList(w, slot, next)
	return removed, nil
}

// mergeXAttrs is FSDirXAttrOp.setINodeXAttrs: the new attributes first,
// then the existing ones they do not replace, within the limit on user
// and trusted attributes.
func (t *Tree) mergeXAttrs(existing, toSet []XAttr, flag XAttrSetFlag) ([]XAttr, error) {
	for i := range toSet {
		for j := i + 1; j < len(toSet); j++ {
			if sameXAttr(toSet[i], toSet[j]) {
				return nil, failMsg(ErrIO, "Cannot specify the same XAttr to be set more than once")
			}
		}
	}
	out := make([]XAttr, 0, len(existing)+len(toSet))
	visible := 0
	for _, x := range toSet {
		if err := validateXAttrFlag(x.Name, indexXAttr(existing, x) >= 0, flag); err != nil {
			return nil, err
		}
		out = append(out, x)
		if userVisible(x) {
			visible++
		}
	}
	for _, x := range existing {
		if indexXAttr(toSet, x) < 0 {
			out = append(out, x)
			if userVisible(x) {
				visible++
			}
		}
	}
	if visible > t.cfg.MaxXAttrsPerInode {
		return nil, fail(ErrIO, "Cannot add additional XAttr to inode, would exceed limit of %d",
			t.cfg.MaxXAttrsPerInode)
	}
	return out, nil
}

func userVisible(x XAttr) bool { return x.NS == XAttrUser || x.NS == XAttrTrusted }

// validateXAttrFlag is XAttrSetFlag.validate.
func validateXAttrFlag(name string, exists bool, flag XAttrSetFlag) error {
	switch {
	case flag&(XAttrCreate|XAttrReplace) == 0:
		return failMsg(ErrHadoopIllegalArgument, "A flag must be specified.")
	case exists && flag&XAttrReplace == 0:
		return failMsg(ErrIO, "XAttr: "+name+" already exists. The REPLACE flag must be specified.")
	case !exists && flag&XAttrCreate == 0:
		return failMsg(ErrIO, "XAttr: "+name+" does not exist. The CREATE flag must be specified.")
	}
	return nil
}

// filterXAttrs is FSDirXAttrOp.filterINodeXAttrs: existing without the
// attributes of toRemove, and those of toRemove that were found. The
// encryption-zone and unreadable-by-superuser attributes cannot be
// removed.
func filterXAttrs(existing, toRemove []XAttr) (next, removed []XAttr, err error) {
	if len(existing) == 0 || len(toRemove) == 0 {
		return existing, nil, nil
	}
	left := append([]XAttr(nil), toRemove...)
	for _, x := range existing {
		keep := true
		for i, f := range left {
			switch f.PrefixedName() {
			case xattrEncryptionZone:
				return nil, nil, failMsg(ErrIllegalArgument, "The encryption zone xattr should never be deleted.")
			case xattrUnreadableBySuperuser:
				return nil, nil, failMsg(ErrAccessControl, "The xattr '"+xattrUnreadableBySuperuser+
					"' can not be deleted.")
			}
			if sameXAttr(x, f) {
				keep = false
				left = append(left[:i:i], left[i+1:]...)
				removed = append(removed, f)
				break
			}
		}
		if keep {
			next = append(next, x)
		}
	}
	return next, removed, nil
}

package namespace

// Mkdirs is ClientProtocol.mkdirs (FSDirMkdirOp.mkdirs). masked is the
// permission the client sends, its umask already applied. Missing parents
// are created when createParent is set, with masked plus u+wx so that
// their owner can use them; every new directory takes its parent's group.
// An existing directory is success with no record. Under a parent with a
// default ACL, the new directory's mode is the default ACL masked by
// masked, and it inherits the default ACL.
func (t *Tree) Mkdirs(op Op, src string, masked Mode, createParent bool) (*Change, error) {
	return t.mkdirs(op, src, masked, nil, createParent)
}

// MkdirsUnmasked is Mkdirs for a client that also sends the mode before
// its umask (MkdirsRequestProto.unmasked): with
// Config.PosixACLInheritance, a directory created under a default ACL
// starts from unmasked instead of masked (HDFS-6962).
func (t *Tree) MkdirsUnmasked(op Op, src string, masked, unmasked Mode, createParent bool) (*Change, error) {
	return t.mkdirs(op, src, masked, &unmasked, createParent)
}

func (t *Tree) mkdirs(op Op, src string, masked Mode, unmasked *Mode, createParent bool) (*Change, error) {
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		if err := checkPathLength(src, pathTooLong("mkdirs")); err != nil {
			return err
		}
		pc := t.checker(op, "mkdirs")
		v := w.view()
		r, err := t.resolvePath(v, pc, src, opCreate)
		if err != nil {
			return err
		}
		if last := r.last(); last != nilSlot {
			if v.node(last).isFile() {
				return failMsg(ErrFileAlreadyExists, "Path is not a directory: "+src)
			}
			return nil
		}
		if err := t.mkdirChecks(v, pc, r, createParent); err != nil {
			return err
		}
		perm := PermissionStatus{User: op.User, Mode: masked & ModeMask}
		return t.createDirs(w, r, r.n(), perm, perm.Mode.withImplicitUWX(), unmasked, op.Now, ch)
	})
	ch.OK = err == nil
	return ch, err
}

func (t *Tree) mkdirChecks(v view, pc *checker, r *resolved, createParent bool) error {
	if t.cfg.PermissionsEnabled {
		a := noAccess()
		a.ancestor = ActWrite
		if err := t.checkPermission(v, pc, r, a); err != nil {
			return err
		}
	}
	if !createParent {
		return t.verifyParentDir(v, r)
	}
	return nil
}

// createDirs creates the missing directories of r before position upto,
// one at a time as FSDirMkdirOp.createSingleDirectory does: each is
// checked, applied and recorded before the next, so a quota failure part
// way keeps (and reports) the ones already made. The last component of r
// gets perm's mode, the ones above it ancMode; under a default ACL
// unmasked, when given, may stand for either (newInodeMode).
func (t *Tree) createDirs(w *wtx, r *resolved, upto int, perm PermissionStatus, ancMode Mode,
	unmasked *Mode, now int64, ch *Change) error {
	v := w.view()
	for i := r.existing(); i < upto; i++ {
		parent := r.nodes[i-1]
		mode := ancMode
		if i == r.n()-1 {
			mode = perm.Mode
		}
		mode, acl := t.newInodeMode(v, parent, true, mode, unmasked)
		rec := Record{Kind: KindMkdir, InodeID: t.nextID(), Path: r.pathTo(i), Timestamp: now,
			Perm: PermissionStatus{User: perm.User, Group: t.group(v.node(parent)), Mode: mode}, Acl: acl}
		if err := t.checkAdd(v, r, i, r.comps[i], addCheck{delta: counts{ns: 1}}); err != nil {
			t.burnID()
			return err
		}
		if err := t.applyMkdir(w, &rec); err != nil {
			return err
		}
		ch.Records = append(ch.Records, rec)
		r.nodes[i] = v.child(parent, r.comps[i])
	}
	return nil
}

// applyMkdir is FSDirMkdirOp.mkdirForEditLog.
func (t *Tree) applyMkdir(w *wtx, rec *Record) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWriteLink)
	if err != nil {
		return err
	}
	parent, name, err := t.parentFor(v, r, rec.Path)
	if err != nil {
		return err
	}
	if r.last() != nilSlot {
		return nil // Hadoop ignores a directory that already exists
	}
	if err := nameRules(parent, name); err != nil {
		return err
	}
	slot := t.newInode(w, rec.InodeID, kindDir, rec.Perm, rec.Timestamp, 0)
	t.link(w, parent, slot, name, counts{ns: 1})
	return t.newInodeFeatures(w, slot, rec)
}

// newInodeFeatures gives a new inode the ACL and xattrs of its mkdir or
// add record, or, without an ACL there, what it inherits from its
// parent's default ACL (as FSDirectory.addLastINode does on replay,
// before FSDirMkdirOp.unprotectedMkdir applies the logged ACL).
func (t *Tree) newInodeFeatures(w *wtx, slot uint32, rec *Record) error {
	if len(rec.XAttrs) > 0 {
		t.setXAttrList(w, slot, cloneXAttrs(rec.XAttrs))
	}
	if rec.Acl == nil {
		t.inheritAcl(w, slot)
		return nil
	}
	return t.storeAcl(w, slot, rec.Acl, rec.Path)
}

// parentFor returns the directory a record adds its last component to.
func (t *Tree) parentFor(v view, r *resolved, path string) (uint32, []byte, error) {
	if r.n() < 2 {
		return nilSlot, nil, badRecord("%s has no parent", path)
	}
	parent := r.at(-2)
	if parent == nilSlot {
		return nilSlot, nil, badRecord("the parent of %s does not exist", path)
	}
	if !v.node(parent).isDir() {
		return nilSlot, nil, failMsg(ErrFileAlreadyExists, "Parent path is not a directory: "+
			r.parentPath()+" "+string(r.lastName()))
	}
	return parent, r.lastName(), nil
}

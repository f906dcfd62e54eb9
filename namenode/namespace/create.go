package namespace

import "fmt"

// CreateArgs are the arguments of ClientProtocol.create that concern the
// namespace.
type CreateArgs struct {
	Path          string
	Masked        Mode   // permission with the client's umask applied
	Unmasked      *Mode  // the permission before the umask, when the client sends it (HDFS-6962)
	ClientName    string // the lease holder
	ClientMachine string
	Create        bool // CreateFlag.CREATE
	Overwrite     bool // CreateFlag.OVERWRITE
	CreateParent  bool
	Replication   int16
	BlockSize     int64
}

// Create is ClientProtocol.create (FSNamesystem.startFileInt and
// FSDirWriteFileOp.startFile): it adds an empty file under construction,
// leased to ClientName, replacing an existing file when Overwrite is set
// and creating missing parents (with the nearest existing ancestor's mode
// plus u+wx) when CreateParent is. Change.Status is the new file's status.
//
// A file that exists and is under construction by someone else is
// reported as AlreadyBeingCreated; recovering an expired lease first is
// the lease manager's job.
func (t *Tree) Create(op Op, a CreateArgs) (*Change, error) {
	src := javaString(a.Path)
	a.ClientName, a.ClientMachine = javaString(a.ClientName), javaString(a.ClientMachine)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		if err := checkPathLength(src, pathTooLong("create")); err != nil {
			return err
		}
		if !isValidName(src) || isExactReservedName(src) ||
			(isReservedName(src) && !isReservedRawName(src) && !isReservedInodesName(src)) {
			return failMsg(ErrInvalidPath, "Invalid path name "+src)
		}
		// startFile clears the operation name Hadoop reports.
		r, err := t.resolveForCreate(w.view(), t.checker(op, "null"), src, a)
		if err != nil {
			return err
		}
		if a.BlockSize < t.cfg.MinBlockSize {
			return fail(ErrIO, "Specified block size %d is less than configured minimum value "+
				"dfs.namenode.fs-limits.min-block-size=%d", a.BlockSize, t.cfg.MinBlockSize)
		}
		if err := t.verifyReplication(src, a.Replication, a.ClientMachine); err != nil {
			return err
		}
		return t.startFile(w, op, r, a, ch)
	})
	ch.OK = err == nil
	return ch, err
}

// resolveForCreate is FSDirWriteFileOp.resolvePathForStartFile.
func (t *Tree) resolveForCreate(v view, pc *checker, src string, a CreateArgs) (*resolved, error) {
	r, err := t.resolvePath(v, pc, src, opCreate)
	if err != nil {
		return nil, err
	}
	if t.cfg.PermissionsEnabled {
		if err := t.checkPermission(v, pc, r, accessOf(ActWrite, actUnset, actUnset)); err != nil {
			return nil, err
		}
	}
	last := r.last()
	if last == nilSlot {
		if !a.CreateParent {
			if err := t.verifyParentDir(v, r); err != nil {
				return nil, err
			}
		}
		if !a.Create {
			return nil, failMsg(ErrFileNotFound, "Can't overwrite non-existent "+src)
		}
		return r, nil
	}
	if v.node(last).isDir() {
		return nil, failMsg(ErrFileAlreadyExists, r.path()+" already exists as a directory")
	}
	if t.cfg.PermissionsEnabled && a.Overwrite {
		if err := t.checkPermission(v, pc, r, accessOf(actUnset, actUnset, ActWrite)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// accessOf asks for ancestor, parent and self access.
func accessOf(ancestor, parent, self Action) access {
	a := noAccess()
	a.ancestor, a.parent, a.self = ancestor, parent, self
	return a
}

func (t *Tree) startFile(w *wtx, op Op, r *resolved, a CreateArgs, ch *Change) error {
	v := w.view()
	c := addCheck{delta: counts{ns: 1}}
	if old := r.last(); old != nilSlot {
		if !a.Overwrite {
			return t.fileExists(v, r, a)
		}
		c.replaced, c.items = t.usage(v, old), 1
		if t.seenInPlace(old) || t.snap.vref[old] > 0 {
			c.replaced = counts{} // a snapshot keeps it, still charged (snapquota.go)
		}
	}
	base := v.node(r.nodes[r.existing()-1]).mode()
	ancestors := PermissionStatus{User: op.User}
	if err := t.createDirs(w, r, r.n()-1, ancestors, base.withImplicitUWX(), nil, op.Now, ch); err != nil {
		return err
	}
	bs, err := headerBlockSize(a.BlockSize)
	if err == nil {
		err = t.checkAdd(v, r, r.n()-1, r.lastName(), c)
	}
	if err != nil {
		t.burnID()
		return err
	}
	parent := r.at(-2)
	mode, acl := t.newInodeMode(v, parent, false, a.Masked&ModeMask, a.Unmasked)
	rec := Record{Kind: KindAdd, InodeID: t.nextID(), Path: r.path(), Mtime: op.Now, Atime: op.Now, Acl: acl,
		Perm:        PermissionStatus{User: op.User, Group: t.group(v.node(parent)), Mode: mode},
		Replication: a.Replication, BlockSize: bs, ClientName: a.ClientName,
		ClientMachine: a.ClientMachine, Overwrite: r.last() != nilSlot}
	rm, err := t.applyAdd(w, &rec)
	if err != nil {
		return err
	}
	ch.Records, ch.Removed = append(ch.Records, rec), rm
	r.nodes[r.n()-1] = v.child(parent, r.lastName())
	ch.Status = t.status(v, r.last(), nil, true)
	return nil
}

// fileExists is what create says about an existing file it may not
// replace (FSNamesystem.recoverLeaseInternal, then startFile).
func (t *Tree) fileExists(v view, r *resolved, a CreateArgs) error {
	if err := t.leaseConflict(v, r, "CREATE_FILE", a.ClientName, a.ClientMachine); err != nil {
		return err
	}
	return failMsg(ErrFileAlreadyExists, r.path()+" for client "+a.ClientMachine+" already exists")
}

// leaseConflict is FSNamesystem.recoverLeaseInternal without recovery
// (an expired lease is the lease manager's to recover first): a file
// under construction cannot be taken over by op (RecoverLeaseOp's name).
func (t *Tree) leaseConflict(v view, r *resolved, op, holder, machine string) error {
	l, ok := v.lease(r.last())
	if !ok {
		return nil
	}
	prefix := fmt.Sprintf("Failed to %s %s for %s on %s because ", op, r.path(), holder, machine)
	if l.client == holder {
		return failMsg(ErrAlreadyBeingCreated, prefix+holder+" is already the current lease holder.")
	}
	return failMsg(ErrAlreadyBeingCreated, prefix+"this file lease is currently owned by "+
		l.client+" on "+l.machine)
}

// headerBlockSize is the preferred block size INodeFile's header can
// hold (HeaderFormat.toLong): 0 becomes 1, and it must fit in 48 bits.
func headerBlockSize(bs int64) (int64, error) {
	switch {
	case bs == 0:
		return 1, nil
	case bs < 0:
		return 0, fail(ErrIllegalArgument, "Illagal value: PREFERRED_BLOCK_SIZE = %d < MIN = 1", bs)
	case bs > maxBlockSize:
		return 0, fail(ErrIllegalArgument, "Illagal value: PREFERRED_BLOCK_SIZE = %d > MAX = %d",
			bs, int64(maxBlockSize))
	}
	return bs, nil
}

// applyAdd is the OP_ADD case of FSEditLogLoader for a new file.
func (t *Tree) applyAdd(w *wtx, rec *Record) (Removed, error) {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return Removed{}, err
	}
	var rm Removed
	if old := r.last(); old != nilSlot {
		if !v.node(old).isFile() {
			return Removed{}, failMsg(ErrFileNotFound, "Path is not a file: "+rec.Path)
		}
		if !rec.Overwrite {
			return Removed{}, badRecord("%s exists and the add does not overwrite it", rec.Path)
		}
		rm = t.deleteAt(w, r, rec.Mtime)
		r.nodes[r.n()-1] = nilSlot
	}
	parent, name, err := t.parentFor(v, r, rec.Path)
	if err != nil {
		return rm, err
	}
	if err := nameRules(parent, name); err != nil {
		return rm, err
	}
	bs, _ := headerBlockSize(rec.BlockSize)
	slot := t.newInode(w, rec.InodeID, kindFile, rec.Perm, rec.Mtime, rec.Atime)
	w.node(slot).a = fileHeader(rec.StoragePolicy, t.clampReplication(rec.Replication), bs)
	t.shards[shardOf(slot)].lease[slot] = lease{rec.ClientName, rec.ClientMachine}
	t.link(w, parent, slot, name, counts{ns: 1})
	return rm, t.newInodeFeatures(w, slot, rec)
}

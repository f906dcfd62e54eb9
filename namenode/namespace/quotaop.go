package namespace

// QuotaDontSet and QuotaReset are the special quota values of
// ClientProtocol.setQuota (HdfsConstants.QUOTA_DONT_SET and QUOTA_RESET).
const (
	QuotaDontSet = quotaDontSet
	QuotaReset   = quotaReset
)

// SetQuota is ClientProtocol.setQuota for the namespace (ns) and storage
// space (ss) quotas. Only a superuser may set quotas, unless
// AllowOwnerSetQuota lets the owner of the parent directory do it.
// QuotaDontSet keeps a quota, QuotaReset clears it; the root's namespace
// quota cannot be cleared. The record holds the quotas after the change.
func (t *Tree) SetQuota(op Op, src string, ns, ss int64) (*Change, error) {
	return t.SetQuotaByStorageType(op, src, ns, ss, 0)
}

// SetQuotaByStorageType is ClientProtocol.setQuota with a storage type:
// ss is then that type's quota, and ns must be QuotaDontSet. A type of 0
// is SetQuota. The record (OP_SET_QUOTA_BY_STORAGETYPE) holds the type's
// quota after the change.
func (t *Tree) SetQuotaByStorageType(op Op, src string, ns, ss int64, st StorageType) (*Change, error) {
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, quotaCommand(ns, ss))
		if !t.cfg.AllowOwnerSetQuota && t.cfg.PermissionsEnabled {
			if err := pc.checkSuperuser(); err != nil {
				return err
			}
		}
		v := w.view()
		r, err := t.resolvePath(v, pc, src, opWrite)
		if err != nil {
			return err
		}
		if err := t.checkQuotaOwner(v, pc, r); err != nil {
			return err
		}
		changed, after, err := t.setQuota(w, r, ns, ss, st)
		switch {
		case err != nil || !changed:
		case st != 0:
			ch.Records = []Record{{Kind: KindSetQuotaByStorageType, Path: r.path(), SSQuota: after.ts[st], StorageType: st}}
		default:
			ch.Records = []Record{{Kind: KindSetQuota, Path: r.path(), NSQuota: after.ns, SSQuota: after.ss}}
		}
		return err
	})
	return ch, err
}

// quotaCommand is FSNamesystem.getQuotaCommand, the operation's name.
func quotaCommand(ns, ss int64) string {
	switch {
	case ns == quotaReset && ss == quotaDontSet:
		return "clearQuota"
	case ns == quotaDontSet && ss == quotaReset:
		return "clearSpaceQuota"
	case ss == quotaDontSet:
		return "setQuota"
	}
	return "setSpaceQuota"
}

func (t *Tree) checkQuotaOwner(v view, pc *checker, r *resolved) error {
	if !t.cfg.PermissionsEnabled || pc.super || !t.cfg.AllowOwnerSetQuota {
		return nil
	}
	denied := fail(ErrAccessControl, "Access denied for user %s. Superuser or owner of parent folder privilege is required", pc.user)
	if r.n() < 2 {
		return denied
	}
	a := noAccess()
	a.owner = true
	if t.checkPermission(v, pc, r.prefix(r.n()-1), a) != nil {
		return denied
	}
	return nil
}

// limits are a directory's quotas: namespace, storage space and per
// storage type, -1 (QuotaReset) where not set.
type limits struct {
	ns, ss int64
	ts     typeCounts
}

func noLimits() limits {
	l := limits{ns: quotaReset, ss: quotaReset}
	for i := range l.ts {
		l.ts[i] = quotaReset
	}
	return l
}

// limitsOf returns the quotas of a directory.
func limitsOf(q *quotaRec) limits {
	if q == nil {
		return noLimits()
	}
	return limits{ns: q.ns, ss: q.ss, ts: q.ts}
}

// setQuota is FSDirAttrOp.unprotectedSetQuota; st, when not 0, makes ss
// the quota of that storage type. It returns the quotas the directory has
// afterwards.
func (t *Tree) setQuota(w *wtx, r *resolved, ns, ss int64, st StorageType) (changed bool, after limits, err error) {
	if (ns < 0 && ns != quotaDontSet && ns != quotaReset) || (ss < 0 && ss != quotaDontSet && ss != quotaReset) {
		return false, after, fail(ErrIllegalArgument, "Illegal value for nsQuota or ssQuota : %d and %d", ns, ss)
	}
	if int(st) >= numTypes {
		return false, after, fail(ErrIllegalArgument, "Illegal storage type %d", st)
	}
	if st != 0 && ns != quotaDontSet {
		// Hadoop names the switch that would turn the feature off;
		// hdfsd always has it on.
		return false, after, fail(ErrUnsupportedAction, "Failed to set quota by storage type because "+
			"eitherdfs.quota.by.storage.type.enabled is set to true or nsQuota value is illegal %d", ns)
	}
	v := w.view()
	dir := r.last()
	switch {
	case dir == nilSlot:
		return false, after, failMsg(ErrFileNotFound, "Directory does not exist: "+r.path())
	case !v.node(dir).isDir():
		return false, after, failMsg(ErrPathIsNotDirectory, pathIOMessage(r.path(), "Is not a directory"))
	}
	old := limitsOf(v.quota(dir))
	if dir == rootSlot && ns == quotaReset {
		ns = quotaDontSet
	} else if ns == quotaDontSet {
		ns = old.ns
	}
	if ss == quotaDontSet {
		ss = old.ss
	}
	after = old
	switch {
	case st == 0 && ns == old.ns && ss == old.ss:
		return false, after, nil
	case st != 0 && old.ts[st] == ss:
		return false, after, nil
	case st != 0:
		after.ts[st] = ss
	default:
		after.ns, after.ss = ns, ss
	}
	t.putQuota(w, dir, after)
	return true, after, nil
}

// putQuota is INodeDirectory.setQuota: a directory keeps a quota record
// while any quota is set (the root always).
func (t *Tree) putQuota(w *wtx, dir uint32, l limits) {
	d := w.dir(dir)
	if d.quota == 0 {
		used := t.usage(w.view(), dir)
		slot := t.quotas.alloc()
		q := t.quotas.at(slot)
		q.init(l.ns, l.ss)
		q.store(used)
		d.quota = slot + 1
	}
	q := t.quotas.at(d.quota - 1)
	q.ns, q.ss, q.ts = l.ns, l.ss, l.ts
	if !q.isSet() && dir != rootSlot {
		t.quotas.release(d.quota - 1)
		d.quota = 0
	}
}

// ContentSummary is what ClientProtocol.getContentSummary reports
// (without erasure coding).
type ContentSummary struct {
	Length         int64
	FileCount      int64 // files and symlinks
	DirectoryCount int64
	Quota          int64 // namespace quota; -1 when none
	SpaceConsumed  int64
	SpaceQuota     int64 // -1 when none
	ECPolicy       string
	// TypeQuota and TypeConsumed are indexed by StorageType (see
	// QuotaTypes); a type's quota is -1 when not set.
	TypeQuota, TypeConsumed [numTypes]int64
	// The part of the counts above that only snapshots keep: inodes
	// deleted from the subtree that a snapshot still holds, with what
	// is below them (ContentSummaryComputationContext's snapshotCounts,
	// filled by INodeDirectory.computeContentSummary from
	// DirectoryWithSnapshotFeature.computeContentSummary4Snapshot).
	// SnapshotFileCount counts files only, not symlinks.
	SnapshotLength, SnapshotFileCount, SnapshotDirectoryCount, SnapshotSpaceConsumed int64
}

// GetContentSummary is ClientProtocol.getContentSummary: it counts the
// subtree, checking read and execute access on every directory in it,
// and the inodes deleted from it that snapshots keep (without checks).
func (t *Tree) GetContentSummary(op Op, src string) (*ContentSummary, error) {
	src = javaString(src)
	var cs *ContentSummary
	err := t.readKept(func(v view) error {
		pc := t.checker(op, "contentSummary")
		r, err := t.resolvePath(v, pc, src, opReadLink)
		if err != nil {
			return err
		}
		if t.cfg.PermissionsEnabled && t.cfg.ContentSummarySubAccess {
			a := noAccess()
			a.sub = ActReadExecute
			if err := t.checkPermission(v, pc, r, a); err != nil {
				return err
			}
			pc = nil
		} else if !t.cfg.PermissionsEnabled || pc.super {
			pc = nil
		}
		if r.last() == nilSlot {
			return failMsg(ErrFileNotFound, "File does not exist: "+r.path())
		}
		cs, err = t.summarize(r.lastView(v), pc, r.last(), r.path())
		return err
	})
	return cs, err
}

func (t *Tree) summarize(v view, pc *checker, slot uint32, path string) (*ContentSummary, error) {
	cs, l := &ContentSummary{}, noLimits()
	if err := t.count(v, pc, slot, path, t.effectivePolicy(v, slot), cs, false); err != nil {
		return nil, err
	}
	n := v.node(slot)
	switch {
	case n.isFile():
		cs.ECPolicy = "Replicated"
	case n.isDir():
		l = limitsOf(v.quota(slot))
	}
	cs.Quota, cs.SpaceQuota, cs.TypeQuota = l.ns, l.ss, l.ts
	return cs, nil
}

// count adds the subtree at slot to cs (INode.computeContentSummary);
// inherited is the storage policy in effect above slot, and held says
// that slot is (below) an inode deleted from the tree that a snapshot
// keeps, which counts in the snapshot fields too. A file's space is that
// of its blocks and those only snapshots still hold
// (INodeFile.storagespaceConsumed); its type space is its length (the
// last block's bytes so far, not the preferred size that the quota usage
// counts) per replica placed on each type. A directory counts the
// inodes deleted from it that snapshots keep (its home in snapquota.go),
// which the writer's view alone can reach (readKept).
func (t *Tree) count(v view, pc *checker, slot uint32, path string, inherited uint8, cs *ContentSummary, held bool) error {
	n := v.node(slot)
	policy := t.localPolicy(v, slot)
	if policy == PolicyUnspecified {
		policy = inherited
	}
	switch n.kind() {
	case kindFile:
		size, bytes := t.fileSize(v, slot, false), t.storedBytes(v, slot)
		if held && t.snap.orphan[slot] {
			size, bytes = t.keptLength(v, slot), t.keptBytes(slot)
		}
		space := bytes * int64(n.replication())
		cs.FileCount++
		cs.Length += size
		cs.SpaceConsumed += space
		for st, b := range typeSpace(policy, size, n.replication()) {
			cs.TypeConsumed[st] += b
		}
		if held {
			cs.SnapshotFileCount++
			cs.SnapshotLength += size
			cs.SnapshotSpaceConsumed += space
		}
		return nil
	case kindSymlink:
		cs.FileCount++
		return nil
	}
	if pc != nil && !t.permits(v, pc, slot, ActReadExecute) {
		return t.denied(pc, n, path, ActReadExecute)
	}
	if v.r == nil && v.snap == nil {
		for _, k := range t.snap.homed[slot] {
			if err := t.count(v, nil, k, path, policy, cs, true); err != nil {
				return err
			}
		}
	}
	for _, k := range v.dir(slot).kids {
		if err := t.count(v, pc, k, childPath(path, v.name(k)), policy, cs, held); err != nil {
			return err
		}
	}
	cs.DirectoryCount++
	if held {
		cs.SnapshotDirectoryCount++
	}
	return nil
}

// QuotaUsage is what ClientProtocol.getQuotaUsage reports.
type QuotaUsage struct {
	FileAndDirectoryCount int64
	Quota                 int64
	SpaceConsumed         int64
	SpaceQuota            int64
	// TypeQuota and TypeConsumed are indexed by StorageType, as in
	// ContentSummary.
	TypeQuota, TypeConsumed [numTypes]int64
}

// GetQuotaUsage is ClientProtocol.getQuotaUsage: the cached usage of a
// directory with a quota, else the counts of a content summary.
func (t *Tree) GetQuotaUsage(op Op, src string) (*QuotaUsage, error) {
	src = javaString(src)
	var qu *QuotaUsage
	err := t.readThenKept(func(v view) error {
		pc := t.checker(op, "quotaUsage")
		r, err := t.resolvePath(v, pc, src, opReadLink)
		if err != nil {
			return err
		}
		if t.cfg.PermissionsEnabled {
			a := noAccess()
			a.sub = ActReadExecute
			if err := t.checkPermission(v, pc, r, a); err != nil {
				return err
			}
		}
		slot := r.last()
		if slot == nilSlot {
			return failMsg(ErrFileNotFound, "File/Directory does not exist: "+r.path())
		}
		if q := t.quotaOf(v, slot); q != nil {
			used := q.used()
			qu = &QuotaUsage{FileAndDirectoryCount: used.ns, Quota: q.ns, SpaceConsumed: used.ss, SpaceQuota: q.ss,
				TypeQuota: q.ts, TypeConsumed: used.ts}
			return nil
		}
		if v.r != nil && t.orphans.Load() > 0 {
			return errKeptView // the walk needs the writer's view
		}
		cs, err := t.summarize(v, nil, slot, r.path())
		if err == nil {
			qu = &QuotaUsage{FileAndDirectoryCount: cs.FileCount + cs.DirectoryCount, Quota: cs.Quota,
				SpaceConsumed: cs.SpaceConsumed, SpaceQuota: cs.SpaceQuota, TypeQuota: cs.TypeQuota,
				TypeConsumed: cs.TypeConsumed}
		}
		return err
	})
	return qu, err
}

func (t *Tree) quotaOf(v view, slot uint32) *quotaRec {
	if !v.node(slot).isDir() {
		return nil
	}
	return v.quota(slot)
}

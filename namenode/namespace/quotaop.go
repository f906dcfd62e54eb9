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
		changed, ns, ss, err := t.setQuota(w, r, ns, ss)
		if err == nil && changed {
			ch.Records = []Record{{Kind: KindSetQuota, Path: r.path(), NSQuota: ns, SSQuota: ss}}
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

// setQuota is FSDirAttrOp.unprotectedSetQuota; it returns the quotas the
// directory has afterwards.
func (t *Tree) setQuota(w *wtx, r *resolved, ns, ss int64) (changed bool, newNS, newSS int64, err error) {
	if (ns < 0 && ns != quotaDontSet && ns != quotaReset) || (ss < 0 && ss != quotaDontSet && ss != quotaReset) {
		return false, 0, 0, fail(ErrIllegalArgument, "Illegal value for nsQuota or ssQuota : %d and %d", ns, ss)
	}
	v := w.view()
	dir := r.last()
	switch {
	case dir == nilSlot:
		return false, 0, 0, failMsg(ErrFileNotFound, "Directory does not exist: "+r.path())
	case !v.node(dir).isDir():
		return false, 0, 0, failMsg(ErrPathIsNotDirectory, pathIOMessage(r.path(), "Is not a directory"))
	}
	oldNS, oldSS := quotaReset, quotaReset
	if q := v.quota(dir); q != nil {
		oldNS, oldSS = q.ns, q.ss
	}
	if dir == rootSlot && ns == quotaReset {
		ns = quotaDontSet
	} else if ns == quotaDontSet {
		ns = oldNS
	}
	if ss == quotaDontSet {
		ss = oldSS
	}
	if ns == oldNS && ss == oldSS {
		return false, ns, ss, nil
	}
	t.putQuota(w, dir, ns, ss)
	return true, ns, ss, nil
}

// putQuota is INodeDirectory.setQuota: a directory keeps a quota record
// while either quota is set (the root always).
func (t *Tree) putQuota(w *wtx, dir uint32, ns, ss int64) {
	d := w.dir(dir)
	set := ns >= 0 || ss >= 0 || dir == rootSlot
	switch {
	case d.quota != 0 && set:
		q := t.quotas.at(d.quota - 1)
		q.ns, q.ss = ns, ss
	case d.quota != 0:
		t.quotas.release(d.quota - 1)
		d.quota = 0
	case set:
		used := t.usage(w.view(), dir)
		slot := t.quotas.alloc()
		q := t.quotas.at(slot)
		q.ns, q.ss = ns, ss
		q.nsUsed.Store(used.ns)
		q.ssUsed.Store(used.ss)
		d.quota = slot + 1
	}
}

// ContentSummary is what ClientProtocol.getContentSummary reports
// (without storage types, snapshots and erasure coding).
type ContentSummary struct {
	Length         int64
	FileCount      int64 // files and symlinks
	DirectoryCount int64
	Quota          int64 // namespace quota; -1 when none
	SpaceConsumed  int64
	SpaceQuota     int64 // -1 when none
	ECPolicy       string
}

// GetContentSummary is ClientProtocol.getContentSummary: it counts the
// subtree, checking read and execute access on every directory in it.
func (t *Tree) GetContentSummary(op Op, src string) (*ContentSummary, error) {
	src = javaString(src)
	var cs *ContentSummary
	err := t.read(func(v view) error {
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
	cs := &ContentSummary{Quota: quotaReset, SpaceQuota: quotaReset}
	if err := t.count(v, pc, slot, path, cs); err != nil {
		return nil, err
	}
	n := v.node(slot)
	switch {
	case n.isFile():
		cs.ECPolicy = "Replicated"
	case n.isDir():
		if q := v.quota(slot); q != nil {
			cs.Quota, cs.SpaceQuota = q.ns, q.ss
		}
	}
	return cs, nil
}

// count adds the subtree at slot to cs (INode.computeContentSummary).
func (t *Tree) count(v view, pc *checker, slot uint32, path string, cs *ContentSummary) error {
	n := v.node(slot)
	switch n.kind() {
	case kindFile:
		cs.FileCount++
		cs.Length += t.fileSize(v, slot, false)
		cs.SpaceConsumed += t.fileSpace(v, slot)
		return nil
	case kindSymlink:
		cs.FileCount++
		return nil
	}
	if pc != nil && !t.permits(v, pc, slot, ActReadExecute) {
		return t.denied(pc, n, path, ActReadExecute)
	}
	for _, k := range v.dir(slot).kids {
		if err := t.count(v, pc, k, childPath(path, v.name(k)), cs); err != nil {
			return err
		}
	}
	cs.DirectoryCount++
	return nil
}

// QuotaUsage is what ClientProtocol.getQuotaUsage reports.
type QuotaUsage struct {
	FileAndDirectoryCount int64
	Quota                 int64
	SpaceConsumed         int64
	SpaceQuota            int64
}

// GetQuotaUsage is ClientProtocol.getQuotaUsage: the cached usage of a
// directory with a quota, else the counts of a content summary.
func (t *Tree) GetQuotaUsage(op Op, src string) (*QuotaUsage, error) {
	src = javaString(src)
	var qu *QuotaUsage
	err := t.read(func(v view) error {
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
			qu = &QuotaUsage{q.nsUsed.Load(), q.ns, q.ssUsed.Load(), q.ss}
			return nil
		}
		cs, err := t.summarize(v, nil, slot, r.path())
		if err == nil {
			qu = &QuotaUsage{cs.FileCount + cs.DirectoryCount, cs.Quota, cs.SpaceConsumed, cs.SpaceQuota}
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

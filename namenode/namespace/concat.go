package namespace

import "slices"

// Concat is ClientProtocol.concat (FSDirConcatOp): the blocks of srcs,
// in order, move to the end of target, and the sources are deleted. All
// must be closed files in the same directory; the sources must have
// blocks and a preferred block size no larger than the target's. The
// moved blocks take the target's replication.
func (t *Tree) Concat(op Op, target string, srcs []string) (*Change, error) {
	target = javaString(target)
	srcs = slices.Clone(srcs)
	for i := range srcs {
		srcs[i] = javaString(srcs[i])
	}
	if err := validateConcatPaths(target, srcs); err != nil {
		return nil, err
	}
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		v := w.view()
		pc := t.checker(op, "concat")
		tr, err := t.concatTarget(v, pc, target)
		if err != nil {
			return err
		}
		rec := Record{Kind: KindConcat, Path: tr.path(), Timestamp: op.Now}
		var files []uint32
		for _, src := range srcs {
			sr, err := t.concatSource(v, pc, src, tr)
			if err != nil {
				return err
			}
			files = append(files, sr.last())
			rec.Srcs = append(rec.Srcs, sr.path())
		}
		if len(dedup(files)) < len(files) {
			return failMsg(ErrHadoopIllegalArgument, "concat: at least two of the source files are the same")
		}
		if err := t.verifyQuota(v, tr, tr.n()-1, t.concatDelta(v, tr.last(), files), nilSlot, counts{}); err != nil {
			return err
		}
		rm, err := t.concatFiles(w, tr, files, rec.Timestamp)
		if err != nil {
			return err
		}
		ch.Records, ch.Removed, ch.OK = []Record{rec}, rm, true
		return nil
	})
	return ch, err
}

// validateConcatPaths is FSDirConcatOp.validatePath.
func validateConcatPaths(target string, srcs []string) error {
	if target == "" {
		return failMsg(ErrIllegalArgument, "Target file name is empty")
	}
	if len(srcs) == 0 {
		return failMsg(ErrIllegalArgument, "No sources given")
	}
	for _, p := range append([]string{target}, srcs...) {
		if isReservedRawName(p) || isReservedInodesName(p) {
			return failMsg(ErrIO, "Concat operation doesn't support "+dotReserved+" relative path : "+p)
		}
	}
	return nil
}

// concatTarget resolves and checks the target (verifyTargetFile).
func (t *Tree) concatTarget(v view, pc *checker, target string) (*resolved, error) {
	r, err := t.resolvePath(v, pc, target, opWrite)
	if err != nil {
		return nil, err
	}
	if err := t.checkSelf(v, pc, r, ActWrite); err != nil {
		return nil, err
	}
	if err := fileValueOf(v, r.last(), target); err != nil {
		return nil, err
	}
	if _, uc := v.lease(r.last()); uc {
		return nil, failMsg(ErrHadoopIllegalArgument, "concat: target file "+target+" is under construction")
	}
	return r, nil
}

// fileValueOf is INodeFile.valueOf's check.
func fileValueOf(v view, slot uint32, path string) error {
	switch {
	case slot == nilSlot:
		return failMsg(ErrFileNotFound, "File does not exist: "+path)
	case !v.node(slot).isFile():
		return failMsg(ErrFileNotFound, "Path is not a file: "+path)
	}
	return nil
}

// concatSource resolves and checks one source (verifySrcFiles): read
// access to it and write access to its directory, to delete it.
func (t *Tree) concatSource(v view, pc *checker, src string, tr *resolved) (*resolved, error) {
	r, err := t.resolvePath(v, pc, src, opWrite)
	if err != nil {
		return nil, err
	}
	if t.cfg.PermissionsEnabled {
		if err := t.checkPermission(v, pc, r, accessOf(actUnset, actUnset, ActRead)); err != nil {
			return nil, err
		}
		if err := t.checkPermission(v, pc, r, accessOf(actUnset, ActWrite, actUnset)); err != nil {
			return nil, err
		}
	}
	s, tf := r.last(), tr.last()
	if err := fileValueOf(v, s, src); err != nil {
		return nil, err
	}
	_, uc := v.lease(s)
	switch sn, tn := v.node(s), v.node(tf); {
	case sn.parent != tn.parent:
		return nil, failMsg(ErrHadoopIllegalArgument, "Source file "+src+
			" is not in the same directory with the target "+tr.path())
	case t.snap.active() && t.inSnapshot(s) && t.seenInPlace(s):
		return nil, failMsg(ErrSnapshot, "Concat: the source file "+src+" is in snapshot")
	case t.snap.active() && t.inSnapshot(s):
		return nil, failMsg(ErrSnapshot, "Concat: the source file "+src+
			" is referred by some other reference in some snapshot.")
	case s == tf:
		return nil, failMsg(ErrHadoopIllegalArgument, "concat: the src file "+src+
			" is the same with the target file "+tr.path())
	case uc || sn.b == 0:
		return nil, failMsg(ErrHadoopIllegalArgument, "concat: source file "+src+
			" is invalid or empty or underConstruction")
	case sn.blockSize() > tn.blockSize():
		return nil, fail(ErrHadoopIllegalArgument, "concat: source file %s has preferred block size %d which is "+
			"greater than the target file's preferred block size %d", src, sn.blockSize(), tn.blockSize())
	}
	return r, nil
}

func dedup(s []uint32) []uint32 {
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Compact(c)
}

// concatDelta is FSDirConcatOp.computeQuotaDeltas: the sources' inodes
// go, and their bytes are stored at the target's replication.
func (t *Tree) concatDelta(v view, target uint32, files []uint32) counts {
	repl := v.node(target).replication()
	policy := t.effectivePolicy(v, target)
	d := counts{ns: -int64(len(files))}
	for _, f := range files {
		size, old := t.fileSize(v, f, true), v.node(f).replication()
		d.ss += size * int64(repl-old)
		if old != repl {
			d = d.add(counts{ts: typeSpace(policy, size, repl)}).add(counts{ts: typeSpace(policy, size, old)}.neg())
		}
	}
	return d
}

// applyConcat replays OP_CONCAT_DELETE.
func (t *Tree) applyConcat(w *wtx, rec *Record) (Removed, error) {
	v := w.view()
	tr, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return Removed{}, err
	}
	if err := fileValueOf(v, tr.last(), rec.Path); err != nil {
		return Removed{}, err
	}
	var files []uint32
	for _, src := range rec.Srcs {
		sr, err := t.resolveInternal(v, src, opWrite)
		if err != nil {
			return Removed{}, err
		}
		if err := fileValueOf(v, sr.last(), src); err != nil {
			return Removed{}, err
		}
		files = append(files, sr.last())
	}
	if len(dedup(files)) < len(files) || slices.Contains(files, tr.last()) {
		return Removed{}, badRecord("concat into %s repeats a file", rec.Path)
	}
	return t.concatFiles(w, tr, files, rec.Timestamp)
}

// concatFiles is FSDirConcatOp.unprotectedConcat: the sources' blocks
// move to the target, the sources go, and the target and its directory
// get the time ts.
func (t *Tree) concatFiles(w *wtx, tr *resolved, files []uint32, ts int64) (Removed, error) {
	v := w.view()
	target := tr.last()
	var rm Removed
	for _, f := range files {
		blocks := t.blockSlots(v, f)
		t.unlink(w, f)
		w.node(f).b = 0
		t.remove(w, f, &rm)
		tn := w.node(target)
		var space int64
		tail := t.blockSlots(v, target)
		for _, b := range blocks {
			if len(tail) == 0 {
				tn.b = b + 1
			} else {
				t.blocks.at(tail[len(tail)-1]).next = b + 1
			}
			tail = append(tail, b)
			if br := t.blocks.at(b); br.complete {
				space += br.numBytes
			} else {
				space += tn.blockSize()
			}
		}
		t.addUsageUp(tn.parent, t.spaceDelta(w.view(), target, space))
	}
	w.node(target).mtime = ts
	t.touchDir(w, v.node(target).parent, ts)
	return rm, nil
}

package namespace

import (
	"strconv"
	"strings"
)

// CreateSymlink is ClientProtocol.createSymlink (FSDirSymlinkOp). Stock
// Hadoop 3 refuses it unless symlinks are enabled (Config.SymlinksEnabled).
// The link belongs to the caller with mode 0777 and its parent's group;
// missing parents belong to the caller and get their nearest existing
// ancestor's mode plus u+wx.
func (t *Tree) CreateSymlink(op Op, target, link string, createParent bool) (*Change, error) {
	target, link = javaString(target), javaString(link)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		if err := checkPathLength(link, "Symlink path exceeds "+strconv.Itoa(maxPathLength)+
			" character limit"); err != nil {
			return err
		}
		if !t.cfg.SymlinksEnabled {
			return failMsg(ErrUnsupportedOperation, "Symlinks not supported")
		}
		if !isValidName(link) {
			return failMsg(ErrInvalidPath, "Invalid link name: "+link)
		}
		if isReservedName(target) || target == "" || isExactReservedName(target) {
			return failMsg(ErrInvalidPath, "Invalid target name: "+target)
		}
		pc := t.checker(op, "createSymlink")
		r, err := t.resolveForSymlink(w.view(), pc, link, createParent)
		if err != nil {
			return err
		}
		return t.addSymlink(w, op, r, target, ch)
	})
	ch.OK = err == nil
	return ch, err
}

func (t *Tree) resolveForSymlink(v view, pc *checker, link string, createParent bool) (*resolved, error) {
	r, err := t.resolvePath(v, pc, link, opWriteLink)
	if err != nil {
		return nil, err
	}
	if !createParent {
		if err := t.verifyParentDir(v, r); err != nil {
			return nil, err
		}
	}
	if p := r.path(); p == "/" || r.last() != nilSlot {
		return nil, failMsg(ErrIO, "failed to create link "+p+
			" either because the filename is invalid or the file exists")
	}
	if t.cfg.PermissionsEnabled {
		if err := t.checkPermission(v, pc, r, accessOf(ActWrite, actUnset, actUnset)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (t *Tree) addSymlink(w *wtx, op Op, r *resolved, target string, ch *Change) error {
	v := w.view()
	base := v.node(r.nodes[r.existing()-1]).mode()
	ancestors := PermissionStatus{User: op.User}
	if err := t.createDirs(w, r, r.n()-1, ancestors, base.withImplicitUWX(), nil, op.Now, ch); err != nil {
		return err
	}
	if err := t.checkAdd(v, r, r.n()-1, r.lastName(), addCheck{delta: counts{ns: 1}}); err != nil {
		t.burnID()
		return err
	}
	parent := r.at(-2)
	rec := Record{Kind: KindSymlink, InodeID: t.nextID(), Path: r.path(), Target: target,
		Mtime: op.Now, Atime: op.Now,
		Perm: PermissionStatus{User: op.User, Group: t.group(v.node(parent)), Mode: 0777}}
	if err := t.applySymlink(w, &rec); err != nil {
		return err
	}
	ch.Records = append(ch.Records, rec)
	return nil
}

// applySymlink is FSDirSymlinkOp.unprotectedAddSymlink.
func (t *Tree) applySymlink(w *wtx, rec *Record) error {
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
		return badRecord("symlink %s exists", rec.Path)
	}
	if err := nameRules(parent, name); err != nil {
		return err
	}
	slot := t.newInode(w, rec.InodeID, kindSymlink, rec.Perm, rec.Mtime, rec.Atime)
	w.node(slot).a = t.names.put([]byte(rec.Target))
	t.link(w, parent, slot, name, counts{ns: 1})
	return nil
}

// resolveLinkPath is UnresolvedPathException.getResolvedPath().toString():
// the path a client should retry, with the link replaced by its target.
// An absolute target replaces what precedes the link; a relative one is
// resolved against the link's directory as java.net.URI does.
func resolveLinkPath(preceding, target, remainder string) string {
	scheme, auth, path := splitURI(target)
	var p string
	if strings.HasPrefix(path, "/") {
		p = path
	} else {
		p = mergeURIPath(preceding, path)
	}
	if remainder != "" {
		p = mergeURIPath(p, remainder)
	}
	p = normalizeHadoopPath(p)
	switch {
	case scheme != "" && auth != "":
		return scheme + "://" + auth + p
	case scheme != "":
		return scheme + ":" + p
	}
	return p
}

// splitURI splits a Hadoop Path string into scheme, authority and path,
// as the Path(String) constructor does.
func splitURI(s string) (scheme, auth, path string) {
	colon, slash := strings.IndexByte(s, ':'), strings.IndexByte(s, '/')
	if colon > 0 && (slash < 0 || colon < slash) {
		scheme, s = s[:colon], s[colon+1:]
	}
	if strings.HasPrefix(s, "//") && len(s) > 2 {
		rest := s[2:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		auth, s = rest[:end], rest[end:]
	}
	return scheme, auth, s
}

// mergeURIPath resolves rel against the directory base (which Path(parent,
// child) makes end in '/'), removing dot segments.
func mergeURIPath(base, rel string) string {
	if strings.HasPrefix(rel, "/") {
		return removeDots(rel)
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return removeDots(base + rel)
}

// removeDots is RFC 3986 remove_dot_segments for absolute paths.
func removeDots(p string) string {
	var out []string
	segs := strings.Split(p, "/")
	for i, s := range segs {
		switch s {
		case ".":
			if i == len(segs)-1 {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if i == len(segs)-1 {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}

// normalizeHadoopPath is Path.normalizePath: no repeated or trailing '/'.
func normalizeHadoopPath(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	return p
}

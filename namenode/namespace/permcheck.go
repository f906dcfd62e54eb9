package namespace

import (
	"fmt"
	"slices"
)

// checker is FSPermissionChecker for one call.
type checker struct {
	user   string
	groups []string
	super  bool
	op     string // the operation name Hadoop reports in superuser denials
}

func (t *Tree) checker(op Op, name string) *checker {
	super := op.User == t.cfg.FsOwner || slices.Contains(op.Groups, t.cfg.Supergroup)
	return &checker{user: op.User, groups: op.Groups, super: super, op: name}
}

func (pc *checker) member(group string) bool { return slices.Contains(pc.groups, group) }

// checkSuperuser is the default enforcer's superuser check.
func (pc *checker) checkSuperuser() error {
	if pc.super {
		return nil
	}
	return fail(ErrAccessControl, "Access denied for user %s. Superuser privilege is required for operation %s",
		pc.user, pc.op)
}

// access is what FSPermissionChecker.checkPermission is asked to check;
// actUnset means "not asked" (Java's null).
type access struct {
	owner          bool
	ancestor       Action
	parent         Action
	self           Action
	sub            Action
	ignoreEmptyDir bool
}

func noAccess() access {
	return access{ancestor: actUnset, parent: actUnset, self: actUnset, sub: actUnset}
}

// checkTraverse is FSPermissionChecker.checkTraverse: every existing
// ancestor must be a directory (a symlink there is an unresolved link) the
// caller may search; with followLast the last inode must not be a symlink.
func (t *Tree) checkTraverse(v view, pc *checker, r *resolved, followLast bool) error {
	var err error
	if pc == nil || pc.super || !t.cfg.PermissionsEnabled {
		err = t.simpleTraverse(v, r)
	} else {
		err = t.checkAccess(v, pc, r, noAccess())
	}
	if err != nil || !followLast {
		return err
	}
	return t.checkNotSymlink(v, r, r.n()-1)
}

func (t *Tree) simpleTraverse(v view, r *resolved) error {
	for i := 0; i < r.n()-1 && r.nodes[i] != nilSlot; i++ {
		if err := t.checkIsDir(v, r, i); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tree) checkIsDir(v view, r *resolved, i int) error {
	v = r.viewAt(v, i)
	if s := r.nodes[i]; s != nilSlot && !v.node(s).isDir() {
		if err := t.checkNotSymlink(v, r, i); err != nil {
			return err
		}
		return failMsg(ErrParentNotDirectory, r.pathTo(i)+" (is not a directory)")
	}
	return nil
}

// checkNotSymlink raises UnresolvedPathException when the inode at i is a
// symlink; its message is the path with the link replaced by its target.
func (t *Tree) checkNotSymlink(v view, r *resolved, i int) error {
	v = r.viewAt(v, i)
	s := r.nodes[i]
	if s == nilSlot || !v.node(s).isSymlink() {
		return nil
	}
	last := r.n() - 1
	preceding := joinPath(r.comps, 0, i)
	remainder := joinPath(r.comps, i+1, last-i)
	target := string(t.names.get(v.node(s).a))
	return failMsg(ErrUnresolvedLink, resolveLinkPath(preceding, target, remainder))
}

// checkPermission is FSDirectory.checkPermission: superusers pass,
// others go through checkAccess.
func (t *Tree) checkPermission(v view, pc *checker, r *resolved, a access) error {
	if pc.super {
		return nil
	}
	return t.checkAccess(v, pc, r, a)
}

// checkAccess is the default AccessControlEnforcer.checkPermission.
func (t *Tree) checkAccess(v view, pc *checker, r *resolved, a access) error {
	anc := r.n() - 2
	for anc >= 0 && r.nodes[anc] == nilSlot {
		anc--
	}
	for i := 0; i <= anc; i++ {
		if err := t.checkIsDir(v, r, i); err != nil {
			return err
		}
		if err := t.check(v, pc, r, i, ActExecute); err != nil {
			return err
		}
	}
	last := r.n() - 1
	if a.parent != actUnset && a.parent.Implies(ActWrite) && r.n() > 1 && r.nodes[last] != nilSlot {
		if err := t.checkSticky(v, pc, r, last-1); err != nil {
			return err
		}
	}
	return t.checkRequested(v, pc, r, a, anc)
}

func (t *Tree) checkRequested(v view, pc *checker, r *resolved, a access, anc int) error {
	last := r.n() - 1
	if a.ancestor != actUnset && r.n() > 1 {
		if err := t.check(v, pc, r, anc, a.ancestor); err != nil {
			return err
		}
	}
	if a.parent != actUnset && r.n() > 1 {
		if err := t.check(v, pc, r, last-1, a.parent); err != nil {
			return err
		}
	}
	if a.self != actUnset {
		if err := t.check(v, pc, r, last, a.self); err != nil {
			return err
		}
	}
	if a.sub != actUnset {
		if err := t.checkSubAccess(v, pc, r, a.sub, a.ignoreEmptyDir); err != nil {
			return err
		}
	}
	if a.owner {
		return t.checkOwner(v, pc, r)
	}
	return nil
}

func (t *Tree) check(v view, pc *checker, r *resolved, i int, act Action) error {
	if i < 0 || r.nodes[i] == nilSlot {
		return nil
	}
	v = r.viewAt(v, i)
	if t.permits(v, pc, r.nodes[i], act) {
		return nil
	}
	return t.denied(pc, v.node(r.nodes[i]), r.pathTo(i), act)
}

// permits is FSPermissionChecker.hasPermission: with an access ACL the
// named entries count too, masked by the group bits (the mask).
func (t *Tree) permits(v view, pc *checker, slot uint32, act Action) bool {
	n := v.node(slot)
	if _, acl := t.featuresOf(v, slot); len(acl) > 0 && acl[0].Scope == AclAccess {
		return t.permitsAcl(pc, n, acl, act)
	}
	m := n.mode()
	switch {
	case pc.user == t.owner(n):
		return m.user().Implies(act)
	case pc.member(t.group(n)):
		return m.group().Implies(act)
	}
	return m.other().Implies(act)
}

// permitsAcl is FSPermissionChecker.hasAclPermission: the owner's bits
// for the owner; else the first named user entry that matches, or any
// group entry of the caller's that grants act; else other's bits when no
// entry matched.
func (t *Tree) permitsAcl(pc *checker, n *inode, acl []AclEntry, act Action) bool {
	m := n.mode()
	if pc.user == t.owner(n) {
		return m.user().Implies(act)
	}
	matched := false
	for _, e := range acl {
		if e.Scope == AclDefault {
			break
		}
		switch e.Type {
		case AclUser:
			if e.Name == pc.user {
				return (e.Perm & m.group()).Implies(act)
			}
		case AclGroup:
			g := e.Name
			if g == "" {
				g = t.group(n)
			}
			if pc.member(g) {
				if (e.Perm & m.group()).Implies(act) {
					return true
				}
				matched = true
			}
		}
	}
	return !matched && m.other().Implies(act)
}

func (t *Tree) denied(pc *checker, n *inode, path string, act Action) error {
	return fail(ErrAccessControl, "Permission denied: user=%s, access=%s, inode=\"%s\":%s",
		pc.user, act, path, t.attrString(n))
}

// attrString is "owner:group:" and the type and mode, as in Hadoop's
// permission messages: "hdfs:supergroup:drwxr-xr-x".
func (t *Tree) attrString(n *inode) string {
	typ := '-'
	if n.isDir() {
		typ = 'd'
	}
	return fmt.Sprintf("%s:%s:%c%s", t.owner(n), t.group(n), typ, n.mode())
}

func (t *Tree) checkOwner(v view, pc *checker, r *resolved) error {
	last := r.n() - 1
	v = r.viewAt(v, last)
	if s := r.nodes[last]; s != nilSlot && t.owner(v.node(s)) == pc.user {
		return nil
	}
	return fail(ErrAccessControl, "Permission denied. user=%s is not the owner of inode=%s",
		pc.user, r.pathTo(last))
}

// checkSticky checks the child at i+1 of a sticky directory at i.
func (t *Tree) checkSticky(v view, pc *checker, r *resolved, i int) error {
	parent := r.viewAt(v, i).node(r.nodes[i])
	if !parent.mode().Sticky() {
		return nil
	}
	child := r.viewAt(v, i+1).node(r.nodes[i+1])
	if !t.stickyViolated(pc, parent, child) {
		return nil
	}
	return t.stickyDenied(pc, r.pathTo(i+1), child, r.pathTo(i), parent)
}

func (t *Tree) stickyViolated(pc *checker, parent, child *inode) bool {
	return t.owner(parent) != pc.user && t.owner(child) != pc.user
}

func (t *Tree) stickyDenied(pc *checker, path string, n *inode, parentPath string, p *inode) error {
	return fail(ErrAccessControl, "Permission denied by sticky bit: user=%s, path=\"%s\":%s, parent=\"%s\":%s",
		pc.user, path, t.attrString(n), parentPath, t.attrString(p))
}

// checkSubAccess checks act on every directory below and including the
// last inode, and the sticky bit of each directory's children, in the
// order of Hadoop's stack-based walk.
func (t *Tree) checkSubAccess(v view, pc *checker, r *resolved, act Action, ignoreEmpty bool) error {
	v = r.lastView(v)
	top := r.last()
	if top == nilSlot || !v.node(top).isDir() {
		return nil
	}
	type item struct {
		slot uint32
		path string
	}
	stack := []item{{top, r.path()}}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		kids := v.dir(d.slot).kids
		if !(len(kids) == 0 && ignoreEmpty) {
			if err := t.checkSubDir(v, pc, d.slot, d.path, top, act); err != nil {
				return err
			}
		}
		for _, k := range kids {
			if v.header(k).isDir() {
				stack = append(stack, item{k, childPath(d.path, v.name(k))})
			}
		}
	}
	return nil
}

func (t *Tree) checkSubDir(v view, pc *checker, d uint32, path string, top uint32, act Action) error {
	n := v.node(d)
	if !t.permits(v, pc, d, act) {
		return t.denied(pc, n, path, act)
	}
	if !n.mode().Sticky() {
		return nil
	}
	for _, k := range v.dir(d).kids {
		// Hadoop prints the attributes of the top of the walk as the
		// parent's, whatever directory the child is in.
		if c := v.node(k); t.stickyViolated(pc, n, c) {
			return t.stickyDenied(pc, childPath(path, v.name(k)), c, path, v.node(top))
		}
	}
	return nil
}

func childPath(dir string, name []byte) string {
	if dir == "/" {
		return "/" + string(name)
	}
	return dir + "/" + string(name)
}

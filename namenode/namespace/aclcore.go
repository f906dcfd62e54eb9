package namespace

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The ACL model of Hadoop's AclTransformation and AclStorage, on plain
// entry lists. A logical ACL is the full sorted list a client sees in
// setAcl and an OP_SET_ACL record carries: the access entries user::,
// named users, group::, named groups, mask:: (only when extended) and
// other::, then the default entries. An inode stores only its extended
// entries (the feature): the access ones between user:: and mask::, and
// the default ones; user::, the mask (or group:: when there is no mask)
// and other:: live in its mode bits.

// maxAclEntries is AclTransformation.MAX_ENTRIES, per scope.
const maxAclEntries = 32

// aclCompare orders entries by scope, type, then name with the unnamed
// entry first (AclTransformation.ACL_ENTRY_COMPARATOR); it ignores the
// permission, so it compares entries' keys.
func aclCompare(a, b AclEntry) int {
	switch {
	case a.Scope != b.Scope:
		return int(a.Scope) - int(b.Scope)
	case a.Type != b.Type:
		return int(a.Type) - int(b.Type)
	}
	return javaCompare(a.Name, b.Name)
}

// javaCompare is String.compareTo: UTF-16 code units in order.
func javaCompare(a, b string) int {
	if a == b {
		return 0
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	return slices.Compare(ua, ub)
}

func sortAcl(es []AclEntry) { slices.SortStableFunc(es, aclCompare) }

// splitScopes is ScopedAclEntries: the access entries, then the default
// ones, of a list whose access entries come first.
func splitScopes(es []AclEntry) (access, def []AclEntry) {
	for i, e := range es {
		if e.Scope == AclDefault {
			return es[:i:i], es[i:]
		}
	}
	return es, nil
}

func aclErr(msg string) *Error { return failMsg(ErrAcl, msg) }

func checkMaxEntries(es []AclEntry) error {
	access, def := splitScopes(es)
	if len(access) > maxAclEntries {
		return aclErr("Invalid ACL: ACL has " + itoa(len(access)) + " access entries, which exceeds maximum of " +
			itoa(maxAclEntries) + ".")
	}
	if len(def) > maxAclEntries {
		return aclErr("Invalid ACL: ACL has " + itoa(len(def)) + " default entries, which exceeds maximum of " +
			itoa(maxAclEntries) + ".")
	}
	return nil
}

// aclSpec is a client's list of entries, sorted and size-checked
// (AclTransformation.ValidatedAclSpec).
type aclSpec []AclEntry

func newAclSpec(in []AclEntry) (aclSpec, error) {
	s := slices.Clone(in)
	sortAcl(s)
	return s, checkMaxEntries(s)
}

func (s aclSpec) find(key AclEntry) (AclEntry, bool) {
	i, ok := slices.BinarySearchFunc(s, key, aclCompare)
	if !ok {
		return AclEntry{}, false
	}
	return s[i], true
}

// maskState tracks, per scope, the mask a transformation keeps and
// which scopes it touched.
type maskState struct {
	provided   [2]*AclEntry
	maskDirty  [2]bool
	scopeDirty [2]bool
}

// take routes an entry kept in the result: masks are set aside for
// calculateMasks, the others go to the builder.
func (m *maskState) take(b []AclEntry, e AclEntry) []AclEntry {
	if e.Type == AclMask {
		m.provided[e.Scope] = &e
		return b
	}
	return append(b, e)
}

// takeSpec is take for an entry of the spec, which dirties its scope.
func (m *maskState) takeSpec(b []AclEntry, e AclEntry) []AclEntry {
	m.scopeDirty[e.Scope] = true
	if e.Type == AclMask {
		m.maskDirty[e.Scope] = true
	}
	return m.take(b, e)
}

// filterAclBySpec is AclTransformation.filterAclEntriesByAclSpec: the
// existing entries without those the spec names.
func filterAclBySpec(existing, in []AclEntry) ([]AclEntry, error) {
	spec, err := newAclSpec(in)
	if err != nil {
		return nil, err
	}
	var m maskState
	var b []AclEntry
	for _, e := range existing {
		if _, ok := spec.find(e); ok {
			m.scopeDirty[e.Scope] = true
			if e.Type == AclMask {
				m.maskDirty[e.Scope] = true
			}
			continue
		}
		b = m.take(b, e)
	}
	return finishAcl(b, &m)
}

// filterDefaultAcl is AclTransformation.filterDefaultAclEntries.
func filterDefaultAcl(existing []AclEntry) ([]AclEntry, error) {
	access, _ := splitScopes(existing)
	return buildAndValidateAcl(slices.Clone(access))
}

// mergeAcl is AclTransformation.mergeAclEntries: the spec's entries
// replace existing ones with the same key, and the others are added.
func mergeAcl(existing, in []AclEntry) ([]AclEntry, error) {
	spec, err := newAclSpec(in)
	if err != nil {
		return nil, err
	}
	var m maskState
	var b, found []AclEntry
	for _, e := range existing {
		if se, ok := spec.find(e); ok {
			found = append(found, se)
			b = m.takeSpec(b, se)
			continue
		}
		b = m.take(b, e)
	}
	for _, e := range spec {
		if _, ok := slices.BinarySearchFunc(found, e, aclCompare); !ok {
			b = m.takeSpec(b, e)
		}
	}
	return finishAcl(b, &m)
}

// replaceAcl is AclTransformation.replaceAclEntries: the spec replaces
// every scope it mentions; the other scope is kept.
func replaceAcl(existing, in []AclEntry) ([]AclEntry, error) {
	spec, err := newAclSpec(in)
	if err != nil {
		return nil, err
	}
	var m maskState
	var b []AclEntry
	for _, e := range spec {
		b = m.takeSpec(b, e)
	}
	for _, e := range existing {
		if !m.scopeDirty[e.Scope] {
			b = m.take(b, e)
		}
	}
	return finishAcl(b, &m)
}

func finishAcl(b []AclEntry, m *maskState) ([]AclEntry, error) {
	b = copyDefaultsIfNeeded(b)
	b, err := calculateMasks(b, m)
	if err != nil {
		return nil, err
	}
	return buildAndValidateAcl(b)
}

// copyDefaultsIfNeeded completes a default ACL with the access ACL's
// user::, group:: and other:: entries it lacks.
func copyDefaultsIfNeeded(b []AclEntry) []AclEntry {
	sortAcl(b)
	access, def := splitScopes(b)
	if len(def) == 0 {
		return b
	}
	var copied []AclEntry
	for _, typ := range []AclType{AclUser, AclGroup, AclOther} {
		if _, ok := slices.BinarySearchFunc(def, AclEntry{Scope: AclDefault, Type: typ}, aclCompare); ok {
			continue
		}
		if i, ok := slices.BinarySearchFunc(access, AclEntry{Type: typ}, aclCompare); ok {
			copied = append(copied, AclEntry{Scope: AclDefault, Type: typ, Perm: access[i].Perm})
		}
	}
	return append(b, copied...)
}

// calculateMasks adds each scope's mask: the one given when the scope
// was not changed or the mask was set explicitly, else the union of the
// group class entries when a mask is needed.
func calculateMasks(b []AclEntry, m *maskState) ([]AclEntry, error) {
	var found, needed [2]bool
	var union [2]Action
	for _, e := range b {
		found[e.Scope] = true
		if e.Type == AclGroup || e.Name != "" {
			union[e.Scope] |= e.Perm
		}
		if e.Name != "" {
			needed[e.Scope] = true
		}
	}
	for _, sc := range []AclScope{AclAccess, AclDefault} {
		if !found[sc] {
			continue
		}
		p := m.provided[sc]
		switch {
		case p == nil && needed[sc] && m.maskDirty[sc]:
			return nil, aclErr("Invalid ACL: mask is required and cannot be deleted.")
		case p != nil && (!m.scopeDirty[sc] || m.maskDirty[sc]):
			b = append(b, *p)
		case needed[sc] || p != nil:
			b = append(b, AclEntry{Scope: sc, Type: AclMask, Perm: union[sc]})
		}
	}
	return b, nil
}

// buildAndValidateAcl sorts an ACL and checks it is well formed.
func buildAndValidateAcl(b []AclEntry) ([]AclEntry, error) {
	sortAcl(b)
	for i, e := range b {
		if i > 0 && aclCompare(b[i-1], e) == 0 {
			return nil, aclErr("Invalid ACL: multiple entries with same scope, type and name.")
		}
		if e.Name != "" && (e.Type == AclMask || e.Type == AclOther) {
			return nil, aclErr("Invalid ACL: this entry type must not have a name: " + e.String() + ".")
		}
	}
	if err := checkMaxEntries(b); err != nil {
		return nil, err
	}
	access, def := splitScopes(b)
	for _, typ := range []AclType{AclUser, AclGroup, AclOther} {
		if _, ok := slices.BinarySearchFunc(access, AclEntry{Type: typ}, aclCompare); !ok {
			return nil, aclErr("Invalid ACL: the user, group and other entries are required.")
		}
		if len(def) == 0 {
			continue
		}
		if _, ok := slices.BinarySearchFunc(def, AclEntry{Scope: AclDefault, Type: typ}, aclCompare); !ok {
			return nil, aclErr("Invalid default ACL: the user, group and other entries are required.")
		}
	}
	return b, nil
}

// minimalAcl is AclUtil.getMinimalAcl: the ACL a mode stands for.
func minimalAcl(m Mode) []AclEntry {
	return []AclEntry{{Type: AclUser, Perm: m.user()}, {Type: AclGroup, Perm: m.group()},
		{Type: AclOther, Perm: m.other()}}
}

// logicalAcl is AclStorage.readINodeLogicalAcl: an inode's full ACL from
// its mode and stored entries.
func logicalAcl(m Mode, feat []AclEntry) []AclEntry {
	access, def := splitScopes(feat)
	var out []AclEntry
	if len(access) > 0 {
		out = append(out, AclEntry{Type: AclUser, Perm: m.user()})
		out = append(out, access...)
		out = append(out, AclEntry{Type: AclMask, Perm: m.group()}, AclEntry{Type: AclOther, Perm: m.other()})
	} else {
		out = minimalAcl(m)
	}
	return append(out, def...)
}

// aclToStore is AclStorage.updateINodeAcl's arithmetic: the entries to
// store and the new mode for a logical ACL (at least three entries).
// path is the inode's path, for the message on a file's default ACL.
func aclToStore(acl []AclEntry, m Mode, isDir bool, path string) ([]AclEntry, Mode, error) {
	if len(acl) == 3 {
		return nil, modeOf(acl[0].Perm, acl[1].Perm, acl[2].Perm, m), nil
	}
	access, def := splitScopes(acl)
	if len(def) > 0 && !isDir {
		return nil, 0, aclErr("Invalid ACL: only directories may have a default ACL. Path: " + path)
	}
	if len(access) < 3 {
		return nil, 0, badRecord("ACL of %s lacks base entries", path)
	}
	n := len(access)
	return featureEntries(access, def), modeOf(access[0].Perm, access[n-2].Perm, access[n-1].Perm, m), nil
}

// featureEntries is AclStorage.createAclFeature: the extended access
// entries and the default ones.
func featureEntries(access, def []AclEntry) []AclEntry {
	var out []AclEntry
	if len(access) != 3 {
		out = append(out, access[1:len(access)-2]...)
	}
	return append(out, def...)
}

// modeOf builds a mode from user, group and other actions, keeping old's
// sticky bit.
func modeOf(u, g, o Action, old Mode) Mode {
	return Mode(u&7)<<6 | Mode(g&7)<<3 | Mode(o&7) | old&stickyBit
}

// modeWithoutAcl is the mode an inode gets back when its ACL is removed
// (FSDirAclOp.unprotectedRemoveAcl): with an access ACL, the group bits
// become the group:: entry's instead of the mask.
func modeWithoutAcl(m Mode, feat []AclEntry) Mode {
	if len(feat) == 0 || feat[0].Scope != AclAccess {
		return m
	}
	access, _ := splitScopes(feat)
	i, ok := slices.BinarySearchFunc(access, AclEntry{Type: AclGroup}, aclCompare)
	if !ok {
		return m
	}
	return modeOf(m.user(), access[i].Perm, m.other(), m)
}

// inheritedAcl is AclStorage.copyINodeDefaultAcl: what a new file or
// directory with mode m gets from its parent's stored entries. ok is
// false when the parent has no default ACL.
func inheritedAcl(parentFeat []AclEntry, isDir bool, m Mode) (feat []AclEntry, mode Mode, ok bool) {
	_, def := splitScopes(parentFeat)
	if len(def) == 0 {
		return nil, m, false
	}
	minimal := len(def) == 3
	access := make([]AclEntry, len(def))
	for i, e := range def {
		p := e.Perm
		switch {
		case e.Type == AclUser && e.Name == "":
			p &= m.user()
		case e.Type == AclGroup && minimal, e.Type == AclMask:
			p &= m.group()
		case e.Type == AclOther:
			p &= m.other()
		}
		access[i] = AclEntry{Scope: AclAccess, Type: e.Type, Name: e.Name, Perm: p}
	}
	var childDef []AclEntry
	if isDir {
		childDef = def
	}
	n := len(access)
	if len(access) != 3 || len(childDef) > 0 {
		return featureEntries(access, childDef), modeOf(access[0].Perm, access[n-2].Perm, access[n-1].Perm, m), true
	}
	return nil, modeOf(access[0].Perm, access[1].Perm, access[2].Perm, m), true
}

// aclString formats entries as a Java list does, for test messages.
func aclString(es []AclEntry) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.String()
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func itoa(i int) string { return strconv.Itoa(i) }

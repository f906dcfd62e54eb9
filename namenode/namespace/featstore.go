package namespace

// Feature storage. Few inodes have extended attributes or an ACL, so
// they live in a side table per shard, keyed by slot and guarded by the
// shard's lock like the inode's own fields: the inode record stays
// pointer-free and the same size. A directory's storage policy is one
// of its xattrs (system.hsm.block.storage.policy.id), as in Hadoop.
//
// The slices of a features value are never modified once stored: a
// mutation builds new slices and stores them, so a reader may keep what
// it read after it drops its locks.

// features is XAttrFeature and AclFeature of one inode.
type features struct {
	xattrs []XAttr    // in the order they were added, as Hadoop keeps them
	acl    []AclEntry // the extended entries: access ones without the base, then default ones
}

// putFeatures replaces an inode's xattrs and ACL entries, without any
// check (an image loader's bulk path). Empty lists remove the feature.
func (t *Tree) putFeatures(w *wtx, slot uint32, xattrs []XAttr, acl []AclEntry) {
	w.node(slot) // locks the shard, and copies the inode for a snapshot
	w.lock(shardOf(slot))
	m := t.shards[shardOf(slot)].feat
	if len(xattrs) == 0 && len(acl) == 0 {
		delete(m, slot)
		return
	}
	f := features{}
	if len(xattrs) > 0 {
		f.xattrs = cloneXAttrs(xattrs)
	}
	if len(acl) > 0 {
		f.acl = append([]AclEntry(nil), acl...)
	}
	m[slot] = f
}

// featuresOf returns an inode's xattrs and ACL entries, nil when it has
// none. The caller must not modify them.
func (t *Tree) featuresOf(v view, slot uint32) (xattrs []XAttr, acl []AclEntry) {
	v.need(shardOf(slot))
	if v.snap != nil {
		if slot == v.snap.root && v.snap.info != nil {
			return v.snap.info.xattrs, v.snap.info.acl
		}
		if ver := v.versionOf(slot); ver != nil {
			return ver.xattrs, ver.acl
		}
	}
	f := t.shards[shardOf(slot)].feat[slot]
	return f.xattrs, f.acl
}

// setXAttrList replaces an inode's xattrs, keeping its ACL.
func (t *Tree) setXAttrList(w *wtx, slot uint32, xattrs []XAttr) {
	_, acl := t.featuresOf(w.view(), slot)
	t.putFeatures(w, slot, xattrs, acl)
}

// setAclList replaces an inode's extended ACL entries, keeping its xattrs.
func (t *Tree) setAclList(w *wtx, slot uint32, acl []AclEntry) {
	xattrs, _ := t.featuresOf(w.view(), slot)
	t.putFeatures(w, slot, xattrs, acl)
}

// hasAcl reports whether an inode has an AclFeature.
func (t *Tree) hasAcl(v view, slot uint32) bool {
	_, acl := t.featuresOf(v, slot)
	return len(acl) > 0
}

// dropFeatures forgets a released inode's features.
func (t *Tree) dropFeatures(w *wtx, slot uint32) {
	w.lock(shardOf(slot))
	delete(t.shards[shardOf(slot)].feat, slot)
}

func cloneXAttrs(xs []XAttr) []XAttr {
	out := make([]XAttr, len(xs))
	for i, x := range xs {
		out[i] = x
		if x.Value != nil {
			out[i].Value = append([]byte{}, x.Value...)
		}
	}
	return out
}

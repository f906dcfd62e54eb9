package namespace

import (
	"fmt"
	"strings"
)

// Block storage policies (BlockStoragePolicySuite.createDefaultSuite).
// A file keeps its policy id in its header; a directory keeps it as the
// system xattr "system.hsm.block.storage.policy.id", whose value is the
// id byte, as Hadoop does. An inode without one (id 0, unspecified)
// inherits its parent's; the root's fallback is the default policy.

// StorageType is StorageTypeProto.
type StorageType uint8

// Storage types, with their wire values.
const (
	StorageDisk     StorageType = 1
	StorageSSD      StorageType = 2
	StorageArchive  StorageType = 3
	StorageRAMDisk  StorageType = 4
	StorageProvided StorageType = 5
	StorageNVDIMM   StorageType = 6
)

var storageTypeNames = [...]string{"", "DISK", "SSD", "ARCHIVE", "RAM_DISK", "PROVIDED", "NVDIMM"}

func (s StorageType) String() string {
	if int(s) < len(storageTypeNames) && s != 0 {
		return storageTypeNames[s]
	}
	return fmt.Sprintf("StorageType(%d)", uint8(s))
}

// StoragePolicy is BlockStoragePolicy.
type StoragePolicy struct {
	ID                   uint8
	Name                 string
	StorageTypes         []StorageType
	CreationFallbacks    []StorageType
	ReplicationFallbacks []StorageType
	CopyOnCreateFile     bool
}

// String is BlockStoragePolicy.toString, as in Hadoop's messages.
func (p *StoragePolicy) String() string {
	return fmt.Sprintf("BlockStoragePolicy{%s:%d, storageTypes=%s, creationFallbacks=%s, replicationFallbacks=%s}",
		p.Name, p.ID, typeList(p.StorageTypes), typeList(p.CreationFallbacks), typeList(p.ReplicationFallbacks))
}

func typeList(ts []StorageType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// The built-in policy ids (HdfsConstants).
const (
	PolicyUnspecified uint8 = 0
	PolicyProvided    uint8 = 1
	PolicyCold        uint8 = 2
	PolicyWarm        uint8 = 5
	PolicyHot         uint8 = 7
	PolicyOneSSD      uint8 = 10
	PolicyAllSSD      uint8 = 12
	PolicyAllNVDIMM   uint8 = 14
	PolicyLazyPersist uint8 = 15
)

type sts = []StorageType

// builtinPolicies are the policies of the default suite, in id order as
// getStoragePolicies lists them.
var builtinPolicies = []StoragePolicy{
	{PolicyProvided, "PROVIDED", sts{StorageProvided, StorageDisk}, sts{StorageProvided, StorageDisk},
		sts{StorageProvided, StorageDisk}, false},
	{PolicyCold, "COLD", sts{StorageArchive}, sts{}, sts{}, false},
	{PolicyWarm, "WARM", sts{StorageDisk, StorageArchive}, sts{StorageDisk, StorageArchive},
		sts{StorageDisk, StorageArchive}, false},
	{PolicyHot, "HOT", sts{StorageDisk}, sts{}, sts{StorageArchive}, false},
	{PolicyOneSSD, "ONE_SSD", sts{StorageSSD, StorageDisk}, sts{StorageSSD, StorageDisk},
		sts{StorageSSD, StorageDisk}, false},
	{PolicyAllSSD, "ALL_SSD", sts{StorageSSD}, sts{StorageDisk}, sts{StorageDisk}, false},
	{PolicyAllNVDIMM, "ALL_NVDIMM", sts{StorageNVDIMM}, sts{StorageDisk}, sts{StorageDisk}, false},
	{PolicyLazyPersist, "LAZY_PERSIST", sts{StorageRAMDisk, StorageDisk}, sts{StorageDisk}, sts{StorageDisk}, true},
}

// StoragePolicies returns the built-in policies (getStoragePolicies).
// The caller must not modify them.
func StoragePolicies() []StoragePolicy { return builtinPolicies }

// PolicyByID returns the built-in policy with the id, or nil.
func PolicyByID(id uint8) *StoragePolicy {
	for i := range builtinPolicies {
		if builtinPolicies[i].ID == id {
			return &builtinPolicies[i]
		}
	}
	return nil
}

// PolicyByName returns the policy whose name matches, ignoring case, or
// nil (BlockStoragePolicySuite.getPolicy(String)).
func PolicyByName(name string) *StoragePolicy {
	for i := range builtinPolicies {
		if strings.EqualFold(builtinPolicies[i].Name, name) {
			return &builtinPolicies[i]
		}
	}
	return nil
}

// policyXAttrName is BlockStoragePolicySuite.STORAGE_POLICY_XATTR_NAME,
// in the system namespace.
const policyXAttrName = "hsm.block.storage.policy.id"

func policyXAttr(id uint8) XAttr {
	return XAttr{NS: XAttrSystem, Name: policyXAttrName, Value: []byte{id}}
}

func isPolicyXAttr(x XAttr) bool { return x.NS == XAttrSystem && x.Name == policyXAttrName }

// localPolicy is INode.getLocalStoragePolicyID.
func (t *Tree) localPolicy(v view, slot uint32) uint8 {
	n := v.node(slot)
	switch n.kind() {
	case kindFile:
		return n.policy()
	case kindDir:
		xs, _ := t.featuresOf(v, slot)
		for _, x := range xs {
			if isPolicyXAttr(x) && len(x.Value) > 0 {
				return x.Value[0]
			}
		}
	}
	return PolicyUnspecified
}

// effectivePolicy is INode.getStoragePolicyID: the inode's own policy,
// else the nearest ancestor's; 0 when none is set.
func (t *Tree) effectivePolicy(v view, slot uint32) uint8 {
	if v.snap != nil {
		// In a snapshot the inode's own policy is as the snapshot saw
		// it, the rest comes from its live parents, as Hadoop reads a
		// snapshot inode's getParent().
		if id := t.localPolicy(v, slot); id != PolicyUnspecified {
			return id
		}
		live := view{t: v.t, r: v.r}
		if slot != v.snap.root {
			v.need(shardOf(slot))
			slot = t.nodes.at(slot).parent
		}
		if slot == nilSlot {
			return PolicyUnspecified
		}
		return t.effectivePolicy(live, slot)
	}
	for s := slot; s != nilSlot; s = v.node(s).parent {
		if id := t.localPolicy(v, s); id != PolicyUnspecified {
			return id
		}
	}
	return PolicyUnspecified
}

// storagePolicyOp is the frame of FSNamesystem.setStoragePolicy and
// unsetStoragePolicy.
func (t *Tree) storagePolicyOp(op Op, src string, id uint8, readable, name string) (*Change, error) {
	if !t.cfg.StoragePoliciesEnabled {
		return nil, fail(ErrIO, "Failed to %s since dfs.storage.policy.enabled is set to false.", readable)
	}
	src = javaString(src)
	ch := &Change{}
	err := t.write(func(w *wtx) error {
		pc := t.checker(op, name)
		if t.cfg.StoragePolicySuperuserOnly {
			if err := pc.checkSuperuser(); err != nil {
				return err
			}
		}
		r, err := t.resolvePath(w.view(), pc, src, opWrite)
		if err != nil {
			return err
		}
		if err := t.checkSelf(w.view(), pc, r, ActWrite); err != nil {
			return err
		}
		rec := Record{Kind: KindSetStoragePolicy, Path: r.path(), StoragePolicy: id}
		if err := t.applySetStoragePolicy(w, &rec); err != nil {
			return err
		}
		ch.Records, ch.OK = []Record{rec}, true
		return nil
	})
	return ch, err
}

// SetStoragePolicy is ClientProtocol.setStoragePolicy with the policy
// already looked up by name (see SetStoragePolicyByName). It needs write
// access to the path.
func (t *Tree) SetStoragePolicy(op Op, src string, policyID uint8) (*Change, error) {
	return t.storagePolicyOp(op, src, policyID, "set storage policy", "setStoragePolicy")
}

// SetStoragePolicyByName is ClientProtocol.setStoragePolicy as the
// client calls it, with a policy name.
func (t *Tree) SetStoragePolicyByName(op Op, src, policyName string) (*Change, error) {
	if !t.cfg.StoragePoliciesEnabled {
		return t.SetStoragePolicy(op, src, 0)
	}
	if t.cfg.StoragePolicySuperuserOnly {
		if err := t.checker(op, "setStoragePolicy").checkSuperuser(); err != nil {
			return nil, err
		}
	}
	p := PolicyByName(policyName)
	if p == nil {
		return nil, failMsg(ErrHadoopIllegalArgument, "Cannot find a block policy with the name "+policyName)
	}
	return t.SetStoragePolicy(op, src, p.ID)
}

// UnsetStoragePolicy is ClientProtocol.unsetStoragePolicy: the path
// inherits its parent's policy again.
func (t *Tree) UnsetStoragePolicy(op Op, src string) (*Change, error) {
	return t.storagePolicyOp(op, src, PolicyUnspecified, "unset storage policy", "unsetStoragePolicy")
}

// GetStoragePolicy is ClientProtocol.getStoragePolicy: the id of the
// policy in effect for the path (the default policy when none is set).
// A symlink is not followed. It needs read access. Through ".snapshot"
// it is the live inode's policy, as Hadoop's
// FSDirAttrOp.getStoragePolicy reads it (xattrs and ACLs, by contrast,
// are the snapshot's).
func (t *Tree) GetStoragePolicy(op Op, src string) (uint8, error) {
	src = javaString(src)
	var id uint8
	err := t.read(func(v view) error {
		pc := t.checker(op, "getStoragePolicy")
		r, err := t.resolvePath(v, pc, src, opReadLink)
		if err != nil {
			return err
		}
		if err := t.checkSelf(v, pc, r, ActRead); err != nil {
			return err
		}
		if r.last() == nilSlot {
			return failMsg(ErrFileNotFound, "File/Directory does not exist: "+r.path())
		}
		// Hadoop reads the live inode here, even through .snapshot
		// (FSDirAttrOp.getStoragePolicy), unlike xattrs and ACLs.
		id = t.effectivePolicy(v, r.last())
		if id == PolicyUnspecified {
			id = t.defaultPolicy()
		}
		return nil
	})
	return id, err
}

func (t *Tree) defaultPolicy() uint8 {
	if t.cfg.DefaultStoragePolicy == 0 {
		return PolicyHot
	}
	return t.cfg.DefaultStoragePolicy
}

// applySetStoragePolicy is FSDirAttrOp.unprotectedSetStoragePolicy.
func (t *Tree) applySetStoragePolicy(w *wtx, rec *Record) error {
	v := w.view()
	r, err := t.resolveInternal(v, rec.Path, opWrite)
	if err != nil {
		return err
	}
	slot := r.last()
	if slot == nilSlot {
		return failMsg(ErrFileNotFound, "File/Directory does not exist: "+rec.Path)
	}
	id := rec.StoragePolicy
	if id != PolicyUnspecified && PolicyByID(id) == nil {
		return fail(ErrHadoopIllegalArgument, "Cannot find a block policy with the id %d", id)
	}
	switch n := v.node(slot); n.kind() {
	case kindFile:
		if p := PolicyByID(id); p != nil && p.CopyOnCreateFile {
			return failMsg(ErrHadoopIllegalArgument, "Policy "+p.String()+" cannot be set after file creation.")
		}
		if cur := t.policyOrDefault(n.policy()); cur != nil && cur.CopyOnCreateFile {
			return failMsg(ErrHadoopIllegalArgument, "Existing policy "+cur.Name+
				" cannot be changed after file creation.")
		}
		w.node(slot).a = fileHeader(id, n.replication(), n.blockSize())
		return nil
	case kindDir:
		return t.setDirPolicy(w, slot, id)
	}
	return failMsg(ErrFileNotFound, rec.Path+" is not a file or directory")
}

// policyOrDefault is BlockStoragePolicySuite.getPolicy(byte): id 0 is
// the default policy.
func (t *Tree) policyOrDefault(id uint8) *StoragePolicy {
	if id == PolicyUnspecified {
		return PolicyByID(t.defaultPolicy())
	}
	return PolicyByID(id)
}

// setDirPolicy is FSDirAttrOp.setDirStoragePolicy: the policy xattr is
// set (subject to the xattr limit) or removed.
func (t *Tree) setDirPolicy(w *wtx, slot uint32, id uint8) error {
	existing, _ := t.featuresOf(w.view(), slot)
	x := policyXAttr(id)
	if id == PolicyUnspecified {
		next, _, err := filterXAttrs(existing, []XAttr{x})
		if err != nil {
			return err
		}
		t.setXAttrList(w, slot, next)
		return nil
	}
	next, err := t.mergeXAttrs(existing, []XAttr{x}, XAttrCreate|XAttrReplace)
	if err != nil {
		return err
	}
	t.setXAttrList(w, slot, next)
	return nil
}

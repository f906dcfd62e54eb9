package fsimage

import (
	pb "github.com/hdfsd/hdfsd/protos/fsimagepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Translation from this package's records to the generated protos: each
// optional field is set exactly when the record's Present has it.

// opt returns &v when field f is present, else nil.
func opt[T any](s Fields, f Field, v T) *T {
	if !s.Has(f) {
		return nil
	}
	return &v
}

func ptr[T any](v T) *T { return &v }

func encodeNameSystem(n *NameSystem) *pb.NameSystemSection {
	s := n.Present
	return &pb.NameSystemSection{
		NamespaceId:                 opt(s, NSNamespaceID, uint32(n.NamespaceID)),
		GenstampV1:                  opt(s, NSGenstampV1, uint64(n.GenstampV1)),
		GenstampV2:                  opt(s, NSGenstampV2, uint64(n.GenstampV2)),
		GenstampV1Limit:             opt(s, NSGenstampV1Limit, uint64(n.GenstampV1Limit)),
		LastAllocatedBlockId:        opt(s, NSLastAllocatedBlockID, uint64(n.LastAllocatedBlockID)),
		TransactionId:               opt(s, NSTxID, uint64(n.TxID)),
		RollingUpgradeStartTime:     opt(s, NSRollingUpgradeStartTime, uint64(n.RollingUpgradeStartTime)),
		LastAllocatedStripedBlockId: opt(s, NSLastAllocatedStripedBlockID, uint64(n.LastAllocatedStripedBlockID)),
	}
}

func encodeECPolicy(p *ECPolicy) *hdfspb.ErasureCodingPolicyProto {
	s := p.Present
	m := &hdfspb.ErasureCodingPolicyProto{
		Id:       ptr(p.ID),
		Name:     opt(s, ECName, p.Name),
		CellSize: opt(s, ECCellSize, uint32(p.CellSize)),
		State:    opt(s, ECState, hdfspb.ErasureCodingPolicyState(p.State)),
	}
	if s.Has(ECSchemaF) && p.Schema != nil {
		sc := p.Schema
		m.Schema = &hdfspb.ECSchemaProto{
			CodecName:   ptr(sc.CodecName),
			DataUnits:   ptr(uint32(sc.DataUnits)),
			ParityUnits: ptr(uint32(sc.ParityUnits)),
		}
		for _, o := range sc.Options {
			m.Schema.Options = append(m.Schema.Options,
				&hdfspb.ECSchemaOptionEntryProto{Key: ptr(o.Key), Value: ptr(o.Value)})
		}
	}
	return m
}

func encodeINodeHeader(h *INodeHeader) *pb.INodeSection {
	return &pb.INodeSection{
		LastInodeId: opt(h.Present, IHLastINodeID, uint64(h.LastINodeID)),
		NumInodes:   opt(h.Present, IHNumINodes, uint64(h.NumINodes)),
	}
}

func encodeINode(n *INode) *pb.INodeSection_INode {
	m := &pb.INodeSection_INode{
		Type: ptr(pb.INodeSection_INode_Type(n.Type)),
		Id:   ptr(uint64(n.ID)),
		Name: n.Name,
	}
	if n.File != nil {
		m.File = encodeFile(n.File)
	}
	if n.Dir != nil {
		m.Directory = encodeDirectory(n.Dir)
	}
	if l := n.Symlink; l != nil {
		s := l.Present
		m.Symlink = &pb.INodeSection_INodeSymlink{
			Permission:       opt(s, SymlinkPermission, uint64(l.Permission)),
			ModificationTime: opt(s, SymlinkModTime, uint64(l.ModTime)),
			AccessTime:       opt(s, SymlinkAccessTime, uint64(l.AccessTime)),
		}
		if s.Has(SymlinkTarget) {
			m.Symlink.Target = nonNil(l.Target)
		}
	}
	return m
}

// nonNil returns b, or an empty non-nil slice, so that the field is written.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func encodeBlocks(bs []Block) []*hdfspb.BlockProto {
	if len(bs) == 0 {
		return nil
	}
	out := make([]*hdfspb.BlockProto, len(bs))
	for i, b := range bs {
		out[i] = &hdfspb.BlockProto{
			BlockId:  ptr(uint64(b.ID)),
			GenStamp: ptr(uint64(b.GenStamp)),
			NumBytes: ptr(uint64(b.NumBytes)),
		}
	}
	return out
}

func encodeFile(f *INodeFile) *pb.INodeSection_INodeFile {
	s := f.Present
	m := &pb.INodeSection_INodeFile{
		Replication:           opt(s, FileReplication, uint32(f.Replication)),
		ModificationTime:      opt(s, FileModTime, uint64(f.ModTime)),
		AccessTime:            opt(s, FileAccessTime, uint64(f.AccessTime)),
		PreferredBlockSize:    opt(s, FilePreferredBlockSize, uint64(f.PreferredBlockSize)),
		Permission:            opt(s, FilePermission, uint64(f.Permission)),
		Blocks:                encodeBlocks(f.Blocks),
		StoragePolicyID:       opt(s, FileStoragePolicyID, uint32(f.StoragePolicyID)),
		BlockType:             opt(s, FileBlockType, hdfspb.BlockTypeProto(f.BlockType)),
		ErasureCodingPolicyID: opt(s, FileECPolicyID, uint32(f.ECPolicyID)),
	}
	if f.UC != nil {
		m.FileUC = &pb.INodeSection_FileUnderConstructionFeature{
			ClientName: ptr(f.UC.ClientName), ClientMachine: ptr(f.UC.ClientMachine)}
	}
	if s.Has(FileACL) {
		m.Acl = encodeACL(f.ACL)
	}
	if s.Has(FileXAttrs) {
		m.XAttrs = encodeXAttrs(f.XAttrs)
	}
	return m
}

func encodeDirectory(d *INodeDirectory) *pb.INodeSection_INodeDirectory {
	s := d.Present
	m := &pb.INodeSection_INodeDirectory{
		ModificationTime: opt(s, DirModTime, uint64(d.ModTime)),
		NsQuota:          opt(s, DirNSQuota, uint64(d.NSQuota)),
		DsQuota:          opt(s, DirDSQuota, uint64(d.DSQuota)),
		Permission:       opt(s, DirPermission, uint64(d.Permission)),
	}
	if s.Has(DirACL) {
		m.Acl = encodeACL(d.ACL)
	}
	if s.Has(DirXAttrs) {
		m.XAttrs = encodeXAttrs(d.XAttrs)
	}
	if s.Has(DirTypeQuotas) {
		m.TypeQuotas = &pb.INodeSection_QuotaByStorageTypeFeatureProto{}
		for _, q := range d.TypeQuotas {
			m.TypeQuotas.Quotas = append(m.TypeQuotas.Quotas, &pb.INodeSection_QuotaByStorageTypeEntryProto{
				StorageType: ptr(hdfspb.StorageTypeProto(q.StorageType)),
				Quota:       ptr(uint64(q.Quota)),
			})
		}
	}
	return m
}

func encodeACL(es []ACLEntry) *pb.INodeSection_AclFeatureProto {
	m := &pb.INodeSection_AclFeatureProto{}
	for _, e := range es {
		m.Entries = append(m.Entries, uint32(e))
	}
	return m
}

func encodeXAttrs(xs []XAttr) *pb.INodeSection_XAttrFeatureProto {
	m := &pb.INodeSection_XAttrFeatureProto{}
	for _, x := range xs {
		m.XAttrs = append(m.XAttrs, &pb.INodeSection_XAttrCompactProto{
			Name: ptr(uint32(x.Name)), Value: x.Value})
	}
	return m
}

func encodeReference(r *Reference) *pb.INodeReferenceSection_INodeReference {
	s := r.Present
	return &pb.INodeReferenceSection_INodeReference{
		ReferredId:     opt(s, RefReferredID, uint64(r.ReferredID)),
		Name:           r.Name,
		DstSnapshotId:  opt(s, RefDstSnapshotID, uint32(r.DstSnapshotID)),
		LastSnapshotId: opt(s, RefLastSnapshotID, uint32(r.LastSnapshotID)),
	}
}

func encodeDirEntry(d *DirEntry) *pb.INodeDirectorySection_DirEntry {
	m := &pb.INodeDirectorySection_DirEntry{Parent: ptr(uint64(d.Parent))}
	for _, c := range d.Children {
		m.Children = append(m.Children, uint64(c))
	}
	for _, c := range d.RefChildren {
		m.RefChildren = append(m.RefChildren, uint32(c))
	}
	return m
}

func encodeFileDiff(d *FileDiff) *pb.SnapshotDiffSection_FileDiff {
	m := &pb.SnapshotDiffSection_FileDiff{
		SnapshotId: opt(d.Present, FileDiffSnapshotID, uint32(d.SnapshotID)),
		FileSize:   opt(d.Present, FileDiffFileSize, uint64(d.FileSize)),
		Name:       d.Name,
		Blocks:     encodeBlocks(d.Blocks),
	}
	if d.Copy != nil {
		m.SnapshotCopy = encodeFile(d.Copy)
	}
	return m
}

func encodeDirDiff(d *DirDiff) *pb.SnapshotDiffSection_DirectoryDiff {
	s := d.Present
	m := &pb.SnapshotDiffSection_DirectoryDiff{
		SnapshotId:      opt(s, DirDiffSnapshotID, uint32(d.SnapshotID)),
		ChildrenSize:    opt(s, DirDiffChildrenSize, uint32(d.ChildrenSize)),
		IsSnapshotRoot:  opt(s, DirDiffIsSnapshotRoot, d.IsSnapshotRoot),
		Name:            d.Name,
		CreatedListSize: opt(s, DirDiffCreatedListSize, uint32(len(d.Created))),
	}
	if d.Copy != nil {
		m.SnapshotCopy = encodeDirectory(d.Copy)
	}
	for _, id := range d.Deleted {
		m.DeletedINode = append(m.DeletedINode, uint64(id))
	}
	for _, id := range d.DeletedRefs {
		m.DeletedINodeRef = append(m.DeletedINodeRef, uint32(id))
	}
	return m
}

func encodeKey(k *DelegationKey) *pb.SecretManagerSection_DelegationKey {
	return &pb.SecretManagerSection_DelegationKey{
		Id:         opt(k.Present, KeyID, uint32(k.ID)),
		ExpiryDate: opt(k.Present, KeyExpiryDate, uint64(k.ExpiryDate)),
		Key:        k.Key,
	}
}

func encodeToken(t *Token) *pb.SecretManagerSection_PersistToken {
	s := t.Present
	return &pb.SecretManagerSection_PersistToken{
		Version:        opt(s, TokenVersion, uint32(t.Version)),
		Owner:          opt(s, TokenOwner, t.Owner),
		Renewer:        opt(s, TokenRenewer, t.Renewer),
		RealUser:       opt(s, TokenRealUser, t.RealUser),
		IssueDate:      opt(s, TokenIssueDate, uint64(t.IssueDate)),
		MaxDate:        opt(s, TokenMaxDate, uint64(t.MaxDate)),
		SequenceNumber: opt(s, TokenSequenceNumber, uint32(t.SequenceNumber)),
		MasterKeyId:    opt(s, TokenMasterKeyID, uint32(t.MasterKeyID)),
		ExpiryDate:     opt(s, TokenExpiryDate, uint64(t.ExpiryDate)),
	}
}

func encodePool(p *CachePool) *hdfspb.CachePoolInfoProto {
	s := p.Present
	return &hdfspb.CachePoolInfoProto{
		PoolName:           opt(s, PoolName, p.PoolName),
		OwnerName:          opt(s, PoolOwnerName, p.OwnerName),
		GroupName:          opt(s, PoolGroupName, p.GroupName),
		Mode:               opt(s, PoolMode, p.Mode),
		Limit:              opt(s, PoolLimit, p.Limit),
		MaxRelativeExpiry:  opt(s, PoolMaxRelativeExpiry, p.MaxRelativeExpiry),
		DefaultReplication: opt(s, PoolDefaultReplication, uint32(p.DefaultReplication)),
	}
}

func encodeDirective(d *CacheDirective) *hdfspb.CacheDirectiveInfoProto {
	s := d.Present
	m := &hdfspb.CacheDirectiveInfoProto{
		Id:          opt(s, DirectiveID, d.ID),
		Path:        opt(s, DirectivePath, d.Path),
		Replication: opt(s, DirectiveReplication, uint32(d.Replication)),
		Pool:        opt(s, DirectivePool, d.Pool),
	}
	if e := d.Expiration; e != nil {
		m.Expiration = &hdfspb.CacheDirectiveInfoExpirationProto{
			Millis: ptr(e.Millis), IsRelative: ptr(e.IsRelative)}
	}
	return m
}

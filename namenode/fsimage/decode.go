package fsimage

import (
	pb "github.com/hdfsd/hdfsd/protos/fsimagepb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Translation from the generated protos to this package's records. Each
// function copies the values and records which optional fields were set.

// mark adds field f to s when the proto field is set (non-nil pointer).
func mark[T any](s *Fields, f Field, p *T) {
	if p != nil {
		*s |= 1 << f
	}
}

func decodeNameSystem(m *pb.NameSystemSection) *NameSystem {
	n := &NameSystem{
		NamespaceID:                 int32(m.GetNamespaceId()),
		GenstampV1:                  int64(m.GetGenstampV1()),
		GenstampV2:                  int64(m.GetGenstampV2()),
		GenstampV1Limit:             int64(m.GetGenstampV1Limit()),
		LastAllocatedBlockID:        int64(m.GetLastAllocatedBlockId()),
		TxID:                        int64(m.GetTransactionId()),
		RollingUpgradeStartTime:     int64(m.GetRollingUpgradeStartTime()),
		LastAllocatedStripedBlockID: int64(m.GetLastAllocatedStripedBlockId()),
	}
	mark(&n.Present, NSNamespaceID, m.NamespaceId)
	mark(&n.Present, NSGenstampV1, m.GenstampV1)
	mark(&n.Present, NSGenstampV2, m.GenstampV2)
	mark(&n.Present, NSGenstampV1Limit, m.GenstampV1Limit)
	mark(&n.Present, NSLastAllocatedBlockID, m.LastAllocatedBlockId)
	mark(&n.Present, NSTxID, m.TransactionId)
	mark(&n.Present, NSRollingUpgradeStartTime, m.RollingUpgradeStartTime)
	mark(&n.Present, NSLastAllocatedStripedBlockID, m.LastAllocatedStripedBlockId)
	return n
}

func decodeECPolicy(m *hdfspb.ErasureCodingPolicyProto) ECPolicy {
	p := ECPolicy{
		ID:       m.GetId(),
		Name:     m.GetName(),
		CellSize: int32(m.GetCellSize()),
		State:    ECPolicyState(m.GetState()),
	}
	mark(&p.Present, ECName, m.Name)
	mark(&p.Present, ECCellSize, m.CellSize)
	mark(&p.Present, ECState, m.State)
	if s := m.Schema; s != nil {
		p.Present |= 1 << ECSchemaF
		p.Schema = &ECSchema{
			CodecName:   s.GetCodecName(),
			DataUnits:   int32(s.GetDataUnits()),
			ParityUnits: int32(s.GetParityUnits()),
		}
		for _, o := range s.Options {
			p.Schema.Options = append(p.Schema.Options, ECOption{o.GetKey(), o.GetValue()})
		}
	}
	return p
}

func decodeINodeHeader(m *pb.INodeSection) *INodeHeader {
	h := &INodeHeader{LastINodeID: int64(m.GetLastInodeId()), NumINodes: int64(m.GetNumInodes())}
	mark(&h.Present, IHLastINodeID, m.LastInodeId)
	mark(&h.Present, IHNumINodes, m.NumInodes)
	return h
}

func decodeINode(m *pb.INodeSection_INode) *INode {
	n := &INode{Type: INodeType(m.GetType()), ID: int64(m.GetId()), Name: m.Name}
	if m.File != nil {
		n.File = decodeFile(m.File)
	}
	if m.Directory != nil {
		n.Dir = decodeDirectory(m.Directory)
	}
	if s := m.Symlink; s != nil {
		n.Symlink = &INodeSymlink{
			Permission: Permission(s.GetPermission()),
			Target:     s.Target,
			ModTime:    int64(s.GetModificationTime()),
			AccessTime: int64(s.GetAccessTime()),
		}
		mark(&n.Symlink.Present, SymlinkPermission, s.Permission)
		if s.Target != nil {
			n.Symlink.Present |= 1 << SymlinkTarget
		}
		mark(&n.Symlink.Present, SymlinkModTime, s.ModificationTime)
		mark(&n.Symlink.Present, SymlinkAccessTime, s.AccessTime)
	}
	return n
}

func decodeBlocks(bs []*hdfspb.BlockProto) []Block {
	if len(bs) == 0 {
		return nil
	}
	out := make([]Block, len(bs))
	for i, b := range bs {
		out[i] = Block{ID: int64(b.GetBlockId()), GenStamp: int64(b.GetGenStamp()), NumBytes: int64(b.GetNumBytes())}
	}
	return out
}

func decodeFile(m *pb.INodeSection_INodeFile) *INodeFile {
	f := &INodeFile{
		Replication:        int32(m.GetReplication()),
		ModTime:            int64(m.GetModificationTime()),
		AccessTime:         int64(m.GetAccessTime()),
		PreferredBlockSize: int64(m.GetPreferredBlockSize()),
		Permission:         Permission(m.GetPermission()),
		Blocks:             decodeBlocks(m.Blocks),
		StoragePolicyID:    int32(m.GetStoragePolicyID()),
		BlockType:          BlockType(m.GetBlockType()),
		ECPolicyID:         int32(m.GetErasureCodingPolicyID()),
	}
	mark(&f.Present, FileReplication, m.Replication)
	mark(&f.Present, FileModTime, m.ModificationTime)
	mark(&f.Present, FileAccessTime, m.AccessTime)
	mark(&f.Present, FilePreferredBlockSize, m.PreferredBlockSize)
	mark(&f.Present, FilePermission, m.Permission)
	mark(&f.Present, FileStoragePolicyID, m.StoragePolicyID)
	mark(&f.Present, FileBlockType, m.BlockType)
	mark(&f.Present, FileECPolicyID, m.ErasureCodingPolicyID)
	if uc := m.FileUC; uc != nil {
		f.UC = &FileUC{ClientName: uc.GetClientName(), ClientMachine: uc.GetClientMachine()}
	}
	if m.Acl != nil {
		f.Present |= 1 << FileACL
		f.ACL = decodeACL(m.Acl)
	}
	if m.XAttrs != nil {
		f.Present |= 1 << FileXAttrs
		f.XAttrs = decodeXAttrs(m.XAttrs)
	}
	return f
}

func decodeDirectory(m *pb.INodeSection_INodeDirectory) *INodeDirectory {
	d := &INodeDirectory{
		ModTime:    int64(m.GetModificationTime()),
		NSQuota:    int64(m.GetNsQuota()),
		DSQuota:    int64(m.GetDsQuota()),
		Permission: Permission(m.GetPermission()),
	}
	mark(&d.Present, DirModTime, m.ModificationTime)
	mark(&d.Present, DirNSQuota, m.NsQuota)
	mark(&d.Present, DirDSQuota, m.DsQuota)
	mark(&d.Present, DirPermission, m.Permission)
	if m.Acl != nil {
		d.Present |= 1 << DirACL
		d.ACL = decodeACL(m.Acl)
	}
	if m.XAttrs != nil {
		d.Present |= 1 << DirXAttrs
		d.XAttrs = decodeXAttrs(m.XAttrs)
	}
	if m.TypeQuotas != nil {
		d.Present |= 1 << DirTypeQuotas
		for _, q := range m.TypeQuotas.Quotas {
			d.TypeQuotas = append(d.TypeQuotas,
				TypeQuota{StorageType(q.GetStorageType()), int64(q.GetQuota())})
		}
	}
	return d
}

func decodeACL(m *pb.INodeSection_AclFeatureProto) []ACLEntry {
	out := make([]ACLEntry, len(m.Entries))
	for i, e := range m.Entries {
		out[i] = ACLEntry(e)
	}
	return out
}

func decodeXAttrs(m *pb.INodeSection_XAttrFeatureProto) []XAttr {
	out := make([]XAttr, len(m.XAttrs))
	for i, x := range m.XAttrs {
		out[i] = XAttr{Name: XAttrName(x.GetName()), Value: x.Value}
	}
	return out
}

func decodeReference(m *pb.INodeReferenceSection_INodeReference) *Reference {
	r := &Reference{
		ReferredID:     int64(m.GetReferredId()),
		Name:           m.Name,
		DstSnapshotID:  int32(m.GetDstSnapshotId()),
		LastSnapshotID: int32(m.GetLastSnapshotId()),
	}
	mark(&r.Present, RefReferredID, m.ReferredId)
	mark(&r.Present, RefDstSnapshotID, m.DstSnapshotId)
	mark(&r.Present, RefLastSnapshotID, m.LastSnapshotId)
	return r
}

func decodeDirEntry(m *pb.INodeDirectorySection_DirEntry) *DirEntry {
	d := &DirEntry{Parent: int64(m.GetParent())}
	if len(m.Children) > 0 {
		d.Children = make([]int64, len(m.Children))
		for i, c := range m.Children {
			d.Children[i] = int64(c)
		}
	}
	if len(m.RefChildren) > 0 {
		d.RefChildren = make([]int32, len(m.RefChildren))
		for i, c := range m.RefChildren {
			d.RefChildren[i] = int32(c)
		}
	}
	return d
}

func decodeFileDiff(m *pb.SnapshotDiffSection_FileDiff) FileDiff {
	d := FileDiff{
		SnapshotID: int32(m.GetSnapshotId()),
		FileSize:   int64(m.GetFileSize()),
		Name:       m.Name,
		Blocks:     decodeBlocks(m.Blocks),
	}
	mark(&d.Present, FileDiffSnapshotID, m.SnapshotId)
	mark(&d.Present, FileDiffFileSize, m.FileSize)
	if m.SnapshotCopy != nil {
		d.Copy = decodeFile(m.SnapshotCopy)
	}
	return d
}

func decodeDirDiff(m *pb.SnapshotDiffSection_DirectoryDiff) DirDiff {
	d := DirDiff{
		SnapshotID:     int32(m.GetSnapshotId()),
		ChildrenSize:   int32(m.GetChildrenSize()),
		IsSnapshotRoot: m.GetIsSnapshotRoot(),
		Name:           m.Name,
	}
	mark(&d.Present, DirDiffSnapshotID, m.SnapshotId)
	mark(&d.Present, DirDiffChildrenSize, m.ChildrenSize)
	mark(&d.Present, DirDiffIsSnapshotRoot, m.IsSnapshotRoot)
	mark(&d.Present, DirDiffCreatedListSize, m.CreatedListSize)
	if m.SnapshotCopy != nil {
		d.Copy = decodeDirectory(m.SnapshotCopy)
	}
	for _, id := range m.DeletedINode {
		d.Deleted = append(d.Deleted, int64(id))
	}
	for _, id := range m.DeletedINodeRef {
		d.DeletedRefs = append(d.DeletedRefs, int32(id))
	}
	return d
}

func decodeKey(m *pb.SecretManagerSection_DelegationKey) DelegationKey {
	k := DelegationKey{ID: int32(m.GetId()), ExpiryDate: int64(m.GetExpiryDate()), Key: m.Key}
	mark(&k.Present, KeyID, m.Id)
	mark(&k.Present, KeyExpiryDate, m.ExpiryDate)
	return k
}

func decodeToken(m *pb.SecretManagerSection_PersistToken) Token {
	t := Token{
		Version:        int32(m.GetVersion()),
		Owner:          m.GetOwner(),
		Renewer:        m.GetRenewer(),
		RealUser:       m.GetRealUser(),
		IssueDate:      int64(m.GetIssueDate()),
		MaxDate:        int64(m.GetMaxDate()),
		SequenceNumber: int32(m.GetSequenceNumber()),
		MasterKeyID:    int32(m.GetMasterKeyId()),
		ExpiryDate:     int64(m.GetExpiryDate()),
	}
	mark(&t.Present, TokenVersion, m.Version)
	mark(&t.Present, TokenOwner, m.Owner)
	mark(&t.Present, TokenRenewer, m.Renewer)
	mark(&t.Present, TokenRealUser, m.RealUser)
	mark(&t.Present, TokenIssueDate, m.IssueDate)
	mark(&t.Present, TokenMaxDate, m.MaxDate)
	mark(&t.Present, TokenSequenceNumber, m.SequenceNumber)
	mark(&t.Present, TokenMasterKeyID, m.MasterKeyId)
	mark(&t.Present, TokenExpiryDate, m.ExpiryDate)
	return t
}

func decodePool(m *hdfspb.CachePoolInfoProto) CachePool {
	p := CachePool{
		PoolName:           m.GetPoolName(),
		OwnerName:          m.GetOwnerName(),
		GroupName:          m.GetGroupName(),
		Mode:               m.GetMode(),
		Limit:              m.GetLimit(),
		MaxRelativeExpiry:  m.GetMaxRelativeExpiry(),
		DefaultReplication: int32(m.GetDefaultReplication()),
	}
	mark(&p.Present, PoolName, m.PoolName)
	mark(&p.Present, PoolOwnerName, m.OwnerName)
	mark(&p.Present, PoolGroupName, m.GroupName)
	mark(&p.Present, PoolMode, m.Mode)
	mark(&p.Present, PoolLimit, m.Limit)
	mark(&p.Present, PoolMaxRelativeExpiry, m.MaxRelativeExpiry)
	mark(&p.Present, PoolDefaultReplication, m.DefaultReplication)
	return p
}

func decodeDirective(m *hdfspb.CacheDirectiveInfoProto) CacheDirective {
	d := CacheDirective{
		ID:          m.GetId(),
		Path:        m.GetPath(),
		Replication: int32(m.GetReplication()),
		Pool:        m.GetPool(),
	}
	mark(&d.Present, DirectiveID, m.Id)
	mark(&d.Present, DirectivePath, m.Path)
	mark(&d.Present, DirectiveReplication, m.Replication)
	mark(&d.Present, DirectivePool, m.Pool)
	if e := m.Expiration; e != nil {
		d.Expiration = &CacheExpiration{Millis: e.GetMillis(), IsRelative: e.GetIsRelative()}
	}
	return d
}

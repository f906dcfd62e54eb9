package clientrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

func (s *server) featureMethods() map[string]hadooprpc.Handler {
	return map[string]hadooprpc.Handler{
		"setXAttr":           Handle(s.setXAttr),
		"getXAttrs":          Handle(s.getXAttrs),
		"listXAttrs":         Handle(s.listXAttrs),
		"removeXAttr":        Handle(s.removeXAttr),
		"modifyAclEntries":   Handle(s.modifyAclEntries),
		"removeAclEntries":   Handle(s.removeAclEntries),
		"removeDefaultAcl":   Handle(s.removeDefaultAcl),
		"removeAcl":          Handle(s.removeAcl),
		"setAcl":             Handle(s.setAcl),
		"getAclStatus":       Handle(s.getAclStatus),
		"checkAccess":        Handle(s.checkAccess),
		"getStoragePolicies": Handle(s.getStoragePolicies),
		"setStoragePolicy":   Handle(s.setStoragePolicy),
		"unsetStoragePolicy": Handle(s.unsetStoragePolicy),
		"getStoragePolicy":   Handle(s.getStoragePolicy),
	}
}

func xattrOf(p *pb.XAttrProto) namespace.XAttr {
	return namespace.XAttr{NS: namespace.XAttrNS(p.GetNamespace()), Name: p.GetName(), Value: p.GetValue()}
}

// xattrProto is PBHelperClient.convertXAttrProto: a value only when the
// attribute has one.
func xattrProto(x namespace.XAttr) *pb.XAttrProto {
	return &pb.XAttrProto{Namespace: pb.XAttrProto_XAttrNamespaceProto(x.NS).Enum(), Name: proto.String(x.Name), Value: x.Value}
}

func xattrProtos(xs []namespace.XAttr) []*pb.XAttrProto {
	out := make([]*pb.XAttrProto, len(xs))
	for i, x := range xs {
		out[i] = xattrProto(x)
	}
	return out
}

func (s *server) setXAttr(ctx context.Context, r *pb.SetXAttrRequestProto) (*pb.SetXAttrResponseProto, error) {
	return &pb.SetXAttrResponseProto{}, s.ns.SetXAttr(ctx, r.GetSrc(), xattrOf(r.GetXAttr()), namespace.XAttrSetFlag(r.GetFlag()))
}

func (s *server) getXAttrs(ctx context.Context, r *pb.GetXAttrsRequestProto) (*pb.GetXAttrsResponseProto, error) {
	var names []namespace.XAttr
	for _, x := range r.GetXAttrs() {
		names = append(names, xattrOf(x))
	}
	xs, err := s.ns.GetXAttrs(ctx, r.GetSrc(), names)
	if err != nil {
		return nil, err
	}
	return &pb.GetXAttrsResponseProto{XAttrs: xattrProtos(xs)}, nil
}

func (s *server) listXAttrs(ctx context.Context, r *pb.ListXAttrsRequestProto) (*pb.ListXAttrsResponseProto, error) {
	xs, err := s.ns.ListXAttrs(ctx, r.GetSrc())
	if err != nil {
		return nil, err
	}
	return &pb.ListXAttrsResponseProto{XAttrs: xattrProtos(xs)}, nil
}

func (s *server) removeXAttr(ctx context.Context, r *pb.RemoveXAttrRequestProto) (*pb.RemoveXAttrResponseProto, error) {
	return &pb.RemoveXAttrResponseProto{}, s.ns.RemoveXAttr(ctx, r.GetSrc(), xattrOf(r.GetXAttr()))
}

func aclSpec(ps []*pb.AclEntryProto) []namespace.AclEntry {
	out := make([]namespace.AclEntry, len(ps))
	for i, p := range ps {
		out[i] = namespace.AclEntry{Scope: namespace.AclScope(p.GetScope()), Type: namespace.AclType(p.GetType()),
			Perm: namespace.Action(p.GetPermissions()), Name: p.GetName()}
	}
	return out
}

// aclEntry is PBHelperClient.convert(AclEntry): a name only for named
// entries.
func aclEntry(e namespace.AclEntry) *pb.AclEntryProto {
	p := &pb.AclEntryProto{
		Type:        pb.AclEntryProto_AclEntryTypeProto(e.Type).Enum(),
		Scope:       pb.AclEntryProto_AclEntryScopeProto(e.Scope).Enum(),
		Permissions: pb.AclEntryProto_FsActionProto(e.Perm).Enum(),
	}
	if e.Name != "" {
		p.Name = proto.String(e.Name)
	}
	return p
}

func (s *server) modifyAclEntries(ctx context.Context, r *pb.ModifyAclEntriesRequestProto) (*pb.ModifyAclEntriesResponseProto, error) {
	return &pb.ModifyAclEntriesResponseProto{}, s.ns.ModifyAclEntries(ctx, r.GetSrc(), aclSpec(r.GetAclSpec()))
}

func (s *server) removeAclEntries(ctx context.Context, r *pb.RemoveAclEntriesRequestProto) (*pb.RemoveAclEntriesResponseProto, error) {
	return &pb.RemoveAclEntriesResponseProto{}, s.ns.RemoveAclEntries(ctx, r.GetSrc(), aclSpec(r.GetAclSpec()))
}

func (s *server) removeDefaultAcl(ctx context.Context, r *pb.RemoveDefaultAclRequestProto) (*pb.RemoveDefaultAclResponseProto, error) {
	return &pb.RemoveDefaultAclResponseProto{}, s.ns.RemoveDefaultAcl(ctx, r.GetSrc())
}

func (s *server) removeAcl(ctx context.Context, r *pb.RemoveAclRequestProto) (*pb.RemoveAclResponseProto, error) {
	return &pb.RemoveAclResponseProto{}, s.ns.RemoveAcl(ctx, r.GetSrc())
}

func (s *server) setAcl(ctx context.Context, r *pb.SetAclRequestProto) (*pb.SetAclResponseProto, error) {
	return &pb.SetAclResponseProto{}, s.ns.SetAcl(ctx, r.GetSrc(), aclSpec(r.GetAclSpec()))
}

// getAclStatus: the NameNode always reports the permission.
func (s *server) getAclStatus(ctx context.Context, r *pb.GetAclStatusRequestProto) (*pb.GetAclStatusResponseProto, error) {
	a, err := s.ns.GetAclStatus(ctx, r.GetSrc())
	if err != nil {
		return nil, err
	}
	st := &pb.AclStatusProto{Owner: proto.String(a.Owner), Group: proto.String(a.Group),
		Sticky: proto.Bool(a.Sticky), Permission: permission(a.Permission)}
	for _, e := range a.Entries {
		st.Entries = append(st.Entries, aclEntry(e))
	}
	return &pb.GetAclStatusResponseProto{Result: st}, nil
}

func (s *server) checkAccess(ctx context.Context, r *pb.CheckAccessRequestProto) (*pb.CheckAccessResponseProto, error) {
	return &pb.CheckAccessResponseProto{}, s.ns.CheckAccess(ctx, r.GetPath(), namespace.Action(r.GetMode()))
}

func storageTypes(ts []blocks.StorageType) *pb.StorageTypesProto {
	if len(ts) == 0 {
		return nil
	}
	p := &pb.StorageTypesProto{}
	for _, t := range ts {
		p.StorageTypes = append(p.StorageTypes, pb.StorageTypeProto(t))
	}
	return p
}

// storagePolicy is PBHelperClient.convert(BlockStoragePolicy): empty
// fallback lists are left out.
func storagePolicy(sp *StoragePolicy) *pb.BlockStoragePolicyProto {
	p := &pb.BlockStoragePolicyProto{PolicyId: proto.Uint32(uint32(sp.ID)), Name: proto.String(sp.Name),
		CreationPolicy: storageTypes(sp.Storage), CreationFallbackPolicy: storageTypes(sp.CreationFallback),
		ReplicationFallbackPolicy: storageTypes(sp.ReplicationFallback)}
	if p.CreationPolicy == nil {
		p.CreationPolicy = &pb.StorageTypesProto{}
	}
	return p
}

func (s *server) getStoragePolicies(ctx context.Context, _ *pb.GetStoragePoliciesRequestProto) (*pb.GetStoragePoliciesResponseProto, error) {
	ps, err := s.ns.GetStoragePolicies(ctx)
	if err != nil {
		return nil, err
	}
	resp := &pb.GetStoragePoliciesResponseProto{}
	for i := range ps {
		resp.Policies = append(resp.Policies, storagePolicy(&ps[i]))
	}
	return resp, nil
}

func (s *server) setStoragePolicy(ctx context.Context, r *pb.SetStoragePolicyRequestProto) (*pb.SetStoragePolicyResponseProto, error) {
	return &pb.SetStoragePolicyResponseProto{}, s.ns.SetStoragePolicy(ctx, r.GetSrc(), r.GetPolicyName())
}

func (s *server) unsetStoragePolicy(ctx context.Context, r *pb.UnsetStoragePolicyRequestProto) (*pb.UnsetStoragePolicyResponseProto, error) {
	return &pb.UnsetStoragePolicyResponseProto{}, s.ns.UnsetStoragePolicy(ctx, r.GetSrc())
}

func (s *server) getStoragePolicy(ctx context.Context, r *pb.GetStoragePolicyRequestProto) (*pb.GetStoragePolicyResponseProto, error) {
	p, err := s.ns.GetStoragePolicy(ctx, r.GetPath())
	if err != nil {
		return nil, err
	}
	return &pb.GetStoragePolicyResponseProto{StoragePolicy: storagePolicy(p)}, nil
}

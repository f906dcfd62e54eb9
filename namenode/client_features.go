package namenode

import (
	"context"

	"github.com/hdfsd/hdfsd/namenode/clientrpc"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Extended attributes, ACLs and storage policies.

// simple runs a namespace mutation that returns only a change.
func (n *Namesystem) simple(ctx context.Context, m mutation, fn func(op namespace.Op) (*namespace.Change, error)) error {
	_, err := n.mutate(ctx, m, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := fn(op)
		return ch, nil, true, err
	})
	return err
}

func (n *Namesystem) SetXAttr(ctx context.Context, src string, x namespace.XAttr, flag namespace.XAttrSetFlag) error {
	return n.simple(ctx, mutation{what: "Cannot set XAttr on " + src, atMostOnce: true}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.SetXAttr(op, src, x, flag)
	})
}

func (n *Namesystem) RemoveXAttr(ctx context.Context, src string, x namespace.XAttr) error {
	return n.simple(ctx, mutation{what: "Cannot remove XAttr entry on " + src, atMostOnce: true}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.RemoveXAttr(op, src, x)
	})
}

func (n *Namesystem) GetXAttrs(ctx context.Context, src string, names []namespace.XAttr) ([]namespace.XAttr, error) {
	op, _ := n.opFor(ctx)
	return n.tree.GetXAttrs(op, src, names)
}

func (n *Namesystem) ListXAttrs(ctx context.Context, src string) ([]namespace.XAttr, error) {
	op, _ := n.opFor(ctx)
	return n.tree.ListXAttrs(op, src)
}

func (n *Namesystem) ModifyAclEntries(ctx context.Context, src string, spec []namespace.AclEntry) error {
	return n.simple(ctx, mutation{what: "Cannot modify ACL entries on " + src}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.ModifyAclEntries(op, src, spec)
	})
}

func (n *Namesystem) RemoveAclEntries(ctx context.Context, src string, spec []namespace.AclEntry) error {
	return n.simple(ctx, mutation{what: "Cannot remove ACL entries on " + src}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.RemoveAclEntries(op, src, spec)
	})
}

func (n *Namesystem) RemoveDefaultAcl(ctx context.Context, src string) error {
	return n.simple(ctx, mutation{what: "Cannot remove default ACL entries on " + src}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.RemoveDefaultAcl(op, src)
	})
}

func (n *Namesystem) RemoveAcl(ctx context.Context, src string) error {
	return n.simple(ctx, mutation{what: "Cannot remove ACL on " + src}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.RemoveAcl(op, src)
	})
}

func (n *Namesystem) SetAcl(ctx context.Context, src string, spec []namespace.AclEntry) error {
	return n.simple(ctx, mutation{what: "Cannot set ACL on " + src}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.SetAcl(op, src, spec)
	})
}

func (n *Namesystem) GetAclStatus(ctx context.Context, src string) (*namespace.AclStatus, error) {
	op, _ := n.opFor(ctx)
	return n.tree.GetAclStatus(op, src)
}

func (n *Namesystem) CheckAccess(ctx context.Context, src string, mode namespace.Action) error {
	return unsupported("checkAccess")
}

func (n *Namesystem) GetStoragePolicies(ctx context.Context) ([]clientrpc.StoragePolicy, error) {
	return clientrpc.DefaultStoragePolicies(), nil
}

func (n *Namesystem) SetStoragePolicy(ctx context.Context, src, policyName string) error {
	return n.simple(ctx, mutation{what: "Cannot set storage policy for " + src}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.SetStoragePolicyByName(op, src, policyName)
	})
}

func (n *Namesystem) UnsetStoragePolicy(ctx context.Context, src string) error {
	return n.simple(ctx, mutation{what: "Cannot unset storage policy for " + src}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.UnsetStoragePolicy(op, src)
	})
}

func (n *Namesystem) GetStoragePolicy(ctx context.Context, src string) (*clientrpc.StoragePolicy, error) {
	op, _ := n.opFor(ctx)
	id, err := n.tree.GetStoragePolicy(op, src)
	if err != nil {
		return nil, err
	}
	for _, p := range clientrpc.DefaultStoragePolicies() {
		if p.ID == id {
			return &p, nil
		}
	}
	return nil, nil
}

func (n *Namesystem) Concat(ctx context.Context, target string, srcs []string) error {
	return n.simple(ctx, mutation{what: "Cannot concat " + target, atMostOnce: true}, func(op namespace.Op) (*namespace.Change, error) {
		ch, err := n.tree.Concat(op, target, srcs)
		if err == nil {
			n.concatBlocks(ch)
		}
		return ch, err
	})
}

// Truncate cuts a file. On a block boundary it is done at once; inside a
// block it needs block recovery on the DataNodes, which comes with them:
// until then such a truncate is refused before anything changes.
func (n *Namesystem) Truncate(ctx context.Context, src string, newLength int64, clientName string) (bool, error) {
	_, caller := n.opFor(ctx)
	v, err := n.mutate(ctx, mutation{what: "Cannot truncate for " + src, atMostOnce: true}, func(op namespace.Op, ids *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		if !n.truncatesAtBoundary(op, src, newLength) {
			return nil, nil, nil, unsupported("truncate inside a block (block recovery)")
		}
		ch, err := n.tree.Truncate(op, src, newLength, clientName, clientMachine(caller), func() int64 {
			ids.GenStampV2++
			return ids.GenStampV2
		})
		if err != nil {
			return ch, nil, nil, err
		}
		return ch, nil, ch.OK, nil
	})
	ok, _ := v.(bool)
	return ok, err
}

// truncatesAtBoundary reports whether newLength ends a block of src (or
// the file is no longer than that), so no block recovery is needed.
func (n *Namesystem) truncatesAtBoundary(op namespace.Op, src string, newLength int64) bool {
	st, err := n.tree.GetFileInfo(op, src, true)
	if err != nil || st == nil || st.Type != namespace.TypeFile {
		return true // the namespace reports the error
	}
	if newLength >= st.Length {
		return true
	}
	var pos int64
	for _, b := range n.tree.Blocks(st.FileID) {
		if pos == newLength {
			return true
		}
		pos += b.NumBytes
	}
	return pos == newLength
}

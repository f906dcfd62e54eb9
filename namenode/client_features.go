package namenode

import (
	"context"

	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
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

// Truncate cuts a file (FSNamesystem.truncate). On a block boundary it is
// done at once (true). Inside a block the file stays open for
// clientName while the DataNodes cut the last block's replicas by block
// recovery (false); commitBlockSynchronization closes it.
func (n *Namesystem) Truncate(ctx context.Context, src string, newLength int64, clientName string) (bool, error) {
	_, caller := n.opFor(ctx)
	v, err := n.mutate(ctx, mutation{what: "Cannot truncate for " + src, atMostOnce: true}, func(op namespace.Op, ids *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		var pre []*editlog.Op
		ch, err := n.tree.Truncate(op, src, newLength, clientName, clientMachine(caller), func() int64 {
			gs, logged := nextGenStamp(ids)
			pre = append(pre, logged)
			return gs
		})
		if err != nil {
			return ch, nil, nil, err
		}
		if b := ch.LastBlock; b != nil && len(ch.Records) > 0 {
			if st, err := n.tree.GetFileInfo(namespace.Op{User: n.cfg.User}, src, true); err == nil && st != nil {
				n.leases.Add(clientName, st.FileID, n.now())
			}
			var rerr error
			n.bs.with(func(m *blockmgmt.Manager) { _, rerr = m.InitTruncateRecovery(b.ID, b.GenStamp, b.NumBytes, n.now()) })
			if rerr != nil {
				n.log.Warn("truncate: the last block cannot be recovered now", "src", src, "block", b.ID, "err", rerr)
			}
		}
		return ch, pre, ch.OK, nil
	})
	ok, _ := v.(bool)
	return ok, err
}

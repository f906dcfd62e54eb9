package namenode

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/clientrpc"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// The administrative ClientProtocol calls (dfsadmin and friends).

// checkSuper is FSPermissionChecker.checkSuperuserPrivilege.
func (n *Namesystem) checkSuper(ctx context.Context, operation string) error {
	op, _ := n.opFor(ctx)
	if !n.cfg.Namespace.PermissionsEnabled || op.User == n.cfg.User || slices.Contains(op.Groups, n.cfg.Namespace.Supergroup) {
		return nil
	}
	return &namespace.Error{Kind: namespace.ErrAccessControl,
		Msg: "Access denied for user " + op.User + ". Superuser privilege is required for operation " + operation}
}

func (n *Namesystem) CheckRead(ctx context.Context) error { return nil }

// GetStats is getFsStats: the live DataNodes' space (FSNamesystem.getStats
// through the heartbeat manager's totals) and the block manager's counts.
func (n *Namesystem) GetStats(ctx context.Context) (clientrpc.FsStats, error) {
	var st clientrpc.FsStats
	r := n.blockStats()
	n.bs.with(func(m *blockmgmt.Manager) {
		for _, d := range m.Report(blocks.ReportLive) {
			st.Capacity += d.Capacity
			st.Used += d.DFSUsed
			st.Remaining += d.Remaining
		}
	})
	st.UnderReplicated, st.CorruptBlocks, st.MissingBlocks = r.LowRedundancy, r.Corrupt, r.Missing
	st.PendingDeletes = r.PendingDeletion
	return st, nil
}

// blockStats are the block manager's queue counts.
func (n *Namesystem) blockStats() clientrpc.ReplicatedBlockStats {
	var r clientrpc.ReplicatedBlockStats
	n.bs.with(func(m *blockmgmt.Manager) {
		q := m.QueueSizes()
		for i, c := range q {
			if i == blockmgmt.QueueCorrupt {
				r.Missing, r.Corrupt = int64(c), int64(c)
				continue
			}
			r.LowRedundancy += int64(c)
		}
		r.HighestPriorityLowRedundancy = int64(q[blockmgmt.QueueHighest])
		r.PendingDeletion = int64(m.PendingInvalidations())
	})
	return r
}

func (n *Namesystem) GetReplicatedBlockStats(ctx context.Context) (clientrpc.ReplicatedBlockStats, error) {
	return n.blockStats(), nil
}

func (n *Namesystem) GetECBlockGroupStats(ctx context.Context) (clientrpc.ECBlockGroupStats, error) {
	return clientrpc.ECBlockGroupStats{}, nil
}

func (n *Namesystem) GetDatanodeReport(ctx context.Context, kind blocks.ReportType) ([]blocks.DatanodeInfo, error) {
	if err := n.checkSuper(ctx, "datanodeReport"); err != nil {
		return nil, err
	}
	var out []blocks.DatanodeInfo
	n.bs.with(func(m *blockmgmt.Manager) { out = m.Report(kind) })
	return out, nil
}

// GetDatanodeStorageReport is FSNamesystem.getDatanodeStorageReport:
// superuser only, answered in any HA state.
func (n *Namesystem) GetDatanodeStorageReport(ctx context.Context, kind blocks.ReportType) ([]blocks.DatanodeStorageReport, error) {
	if err := n.checkSuper(ctx, "getDatanodeStorageReport"); err != nil {
		return nil, err
	}
	var out []blocks.DatanodeStorageReport
	n.bs.with(func(m *blockmgmt.Manager) { out = m.StorageReports(kind) })
	return out, nil
}

// GetSlowDatanodeReport is empty: slow-peer tracking
// (dfs.datanode.peer.stats.enabled) is not kept, as with its default off.
func (n *Namesystem) GetSlowDatanodeReport(ctx context.Context) ([]blocks.DatanodeInfo, error) {
	return nil, n.checkSuper(ctx, "getSlowDatanodeReport")
}

func (n *Namesystem) SetSafeMode(ctx context.Context, action clientrpc.SafeModeAction, checked bool) (bool, error) {
	if action != clientrpc.SafeModeGet {
		name := map[clientrpc.SafeModeAction]string{clientrpc.SafeModeLeave: "safemode_leave",
			clientrpc.SafeModeEnter: "safemode_enter", clientrpc.SafeModeForceExit: "safemode_force_exit"}[action]
		if err := n.checkSuper(ctx, name); err != nil {
			return false, err
		}
	}
	switch action {
	case clientrpc.SafeModeEnter:
		n.safe.Enter()
		n.log.Info("STATE* Safe mode is ON.")
	case clientrpc.SafeModeLeave, clientrpc.SafeModeForceExit:
		if err := n.safe.Leave(action == clientrpc.SafeModeForceExit); err != nil {
			return true, &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: err.Error()}
		}
		n.log.Info("STATE* Safe mode is OFF")
	}
	return n.safe.On(), nil
}

func (n *Namesystem) SaveNamespace(ctx context.Context, timeWindow, txGap int64) (bool, error) {
	if err := n.checkSuper(ctx, "saveNamespace"); err != nil {
		return false, err
	}
	if !n.safe.On() {
		return false, &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException,
			Message: "Safe mode should be turned ON in order to create namespace image."}
	}
	if n.ckpt == nil {
		return false, unsupported("saveNamespace")
	}
	return n.ckpt.SaveNamespace(ctx, timeWindow, txGap)
}

func (n *Namesystem) RollEdits(ctx context.Context) (int64, error) {
	if err := n.checkSuper(ctx, "rollEditLog"); err != nil {
		return 0, err
	}
	if n.safe.On() {
		return 0, n.errSafeMode("Log not rolled")
	}
	if n.ckpt == nil {
		return 0, unsupported("rollEdits")
	}
	return n.ckpt.RollEdits(ctx)
}

func (n *Namesystem) RestoreFailedStorage(ctx context.Context, arg string) (bool, error) {
	if err := n.checkSuper(ctx, "restoreFailedStorage"); err != nil {
		return false, err
	}
	return false, nil
}

// RefreshNodes rereads dfs.hosts and dfs.hosts.exclude: excluded nodes
// start decommissioning, nodes no longer included are refused.
func (n *Namesystem) RefreshNodes(ctx context.Context) error {
	if err := n.checkSuper(ctx, "refreshNodes"); err != nil {
		return err
	}
	if err := n.bs.loadHosts(n.now()); err != nil {
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: err.Error()}
	}
	return nil
}

func (n *Namesystem) FinalizeUpgrade(ctx context.Context) error {
	if err := n.checkSuper(ctx, "finalizeUpgrade"); err != nil {
		return err
	}
	return n.finalizeUpgrade()
}

// UpgradeStatus answers whether the upgrade is finalized (ClientProtocol's
// upgradeStatus is FSNamesystem.isUpgradeFinalized).
func (n *Namesystem) UpgradeStatus(ctx context.Context) (bool, error) { return n.upgradeFinalized() }

func (n *Namesystem) RollingUpgrade(ctx context.Context, action clientrpc.RollingUpgradeAction) (*clientrpc.RollingUpgradeInfo, error) {
	if err := n.checkSuper(ctx, "rollingUpgrade"); err != nil {
		return nil, err
	}
	if action != clientrpc.RollingUpgradeQuery {
		return nil, unsupported("rolling upgrade")
	}
	return nil, nil
}

func (n *Namesystem) MetaSave(ctx context.Context, filename string) error {
	if err := n.checkSuper(ctx, "metaSave"); err != nil {
		return err
	}
	return unsupported("metaSave")
}

func (n *Namesystem) SetBalancerBandwidth(ctx context.Context, bandwidth int64) error {
	if err := n.checkSuper(ctx, "setBalancerBandwidth"); err != nil {
		return err
	}
	n.bs.with(func(m *blockmgmt.Manager) { m.SetBalancerBandwidth(bandwidth) })
	return nil
}

func (n *Namesystem) GetCurrentEditLogTxid(ctx context.Context) (int64, error) {
	if err := n.checkSuper(ctx, "getCurrentEditLogTxid"); err != nil {
		return 0, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.lastTxID(), nil
}

// listOpenFilesBatch is dfs.namenode.list.openfiles.num.responses.
const listOpenFilesBatch = 1000

func (n *Namesystem) ListOpenFiles(ctx context.Context, prevID int64, types clientrpc.OpenFilesType, path string) ([]namespace.OpenFile, bool, error) {
	if err := n.checkSuper(ctx, "listOpenFiles"); err != nil {
		return nil, false, err
	}
	var out []namespace.OpenFile
	for _, f := range n.tree.OpenFiles() {
		if f.ID <= prevID || (path != "" && path != "/" && f.Path != path && !strings.HasPrefix(f.Path, path+"/")) {
			continue
		}
		if len(out) == listOpenFilesBatch {
			return out, true, nil
		}
		out = append(out, f)
	}
	return out, false, nil
}

func (n *Namesystem) Msync(ctx context.Context) error { return nil }

func (n *Namesystem) GetHAServiceState(ctx context.Context) (clientrpc.HAState, error) {
	return clientrpc.Active, nil
}

func (n *Namesystem) GetDelegationToken(ctx context.Context, renewer string) (*clientrpc.Token, error) {
	// With security off the secret manager does not run, and Hadoop hands
	// out no token.
	return nil, nil
}

var errNoSecretManager = &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException,
	Message: "Delegation Token can be issued only with kerberos or web authentication"}

func (n *Namesystem) RenewDelegationToken(ctx context.Context, t clientrpc.Token) (int64, error) {
	return 0, errNoSecretManager
}

func (n *Namesystem) CancelDelegationToken(ctx context.Context, t clientrpc.Token) error {
	return errNoSecretManager
}

// ---- erasure coding: the built-in policies, none set on any path

func (n *Namesystem) GetErasureCodingPolicies(ctx context.Context) ([]clientrpc.ECPolicy, error) {
	return clientrpc.DefaultECPolicies(), nil
}

func (n *Namesystem) GetErasureCodingPolicy(ctx context.Context, src string) (*clientrpc.ECPolicy, error) {
	op, _ := n.opFor(ctx)
	st, err := n.tree.GetFileInfo(op, src, true)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, &namespace.Error{Kind: namespace.ErrFileNotFound, Msg: "Path not found: " + src}
	}
	return nil, nil
}

func (n *Namesystem) GetErasureCodingCodecs(ctx context.Context) (map[string]string, error) {
	return clientrpc.DefaultECCodecs(), nil
}

func (n *Namesystem) GetECTopologyResultForPolicies(ctx context.Context, policies []string) (clientrpc.ECTopologyResult, error) {
	return clientrpc.ECTopologyResult{Supported: true, Message: "The cluster setup can support EC policies: " + strings.Join(policies, ", ")}, nil
}

// ---- snapshots

// snapshotError gives the namespace's snapshot errors their Java classes
// (SnapshotException, SnapshotAccessControlException).
func snapshotError(err error) error {
	var ne *namespace.Error
	switch {
	case err == nil || !errors.As(err, &ne):
		return err
	case errors.Is(ne.Kind, namespace.ErrSnapshot):
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassSnapshot, Message: ne.Msg}
	case errors.Is(ne.Kind, namespace.ErrSnapshotAccessControl):
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassSnapshotAccessControl, Message: ne.Msg}
	}
	return err
}

// snapshotOp runs a snapshot mutation.
func (n *Namesystem) snapshotOp(ctx context.Context, m mutation, fn func(op namespace.Op) (*namespace.Change, error)) (*namespace.Change, error) {
	v, err := n.mutate(ctx, m, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := fn(op)
		return ch, nil, ch, err
	})
	ch, _ := v.(*namespace.Change)
	return ch, snapshotError(err)
}

func (n *Namesystem) AllowSnapshot(ctx context.Context, root string) error {
	if err := n.checkSuper(ctx, "allowSnapshot"); err != nil {
		return err
	}
	_, err := n.snapshotOp(ctx, mutation{what: "Cannot allow snapshot for " + root}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.AllowSnapshot(op, root)
	})
	return err
}

func (n *Namesystem) DisallowSnapshot(ctx context.Context, root string) error {
	if err := n.checkSuper(ctx, "disallowSnapshot"); err != nil {
		return err
	}
	_, err := n.snapshotOp(ctx, mutation{what: "Cannot disallow snapshot for " + root}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.DisallowSnapshot(op, root)
	})
	return err
}

func (n *Namesystem) CreateSnapshot(ctx context.Context, root, name string) (string, error) {
	ch, err := n.snapshotOp(ctx, mutation{what: "Cannot create snapshot for " + root, atMostOnce: true}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.CreateSnapshot(op, root, name)
	})
	if err != nil {
		return "", err
	}
	if ch == nil { // a retry answered from a cache rebuilt from the edit log
		return namespace.SnapshotPath(root, name), nil
	}
	return ch.SnapshotPath, nil
}

func (n *Namesystem) DeleteSnapshot(ctx context.Context, root, name string) error {
	_, err := n.snapshotOp(ctx, mutation{what: "Cannot delete snapshot for " + root, atMostOnce: true}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.DeleteSnapshot(op, root, name)
	})
	return err
}

func (n *Namesystem) RenameSnapshot(ctx context.Context, root, oldName, newName string) error {
	_, err := n.snapshotOp(ctx, mutation{what: "Cannot rename snapshot for " + root, atMostOnce: true}, func(op namespace.Op) (*namespace.Change, error) {
		return n.tree.RenameSnapshot(op, root, oldName, newName)
	})
	return err
}

func (n *Namesystem) GetSnapshottableDirListing(ctx context.Context) ([]clientrpc.SnapshottableDir, error) {
	op, _ := n.opFor(ctx)
	dirs, err := n.tree.GetSnapshottableDirListing(op)
	if err != nil || len(dirs) == 0 {
		return nil, err
	}
	out := make([]clientrpc.SnapshottableDir, len(dirs))
	for i, d := range dirs {
		out[i] = clientrpc.SnapshottableDir{Status: d.Status, SnapshotNumber: d.SnapshotNumber,
			SnapshotQuota: d.SnapshotQuota, ParentFullPath: d.ParentFullPath}
	}
	return out, nil
}

func (n *Namesystem) GetSnapshotListing(ctx context.Context, root string) ([]clientrpc.SnapshotStatus, error) {
	op, _ := n.opFor(ctx)
	snaps, err := n.tree.GetSnapshotListing(op, root)
	if err != nil || len(snaps) == 0 {
		return nil, snapshotError(err)
	}
	out := make([]clientrpc.SnapshotStatus, len(snaps))
	for i, s := range snaps {
		out[i] = clientrpc.SnapshotStatus{Status: s.Status, ID: s.ID, ParentFullPath: s.ParentFullPath}
	}
	return out, nil
}

func (n *Namesystem) GetSnapshotDiffReport(ctx context.Context, root, from, to string) (*clientrpc.DiffReport, error) {
	op, _ := n.opFor(ctx)
	rep, err := n.tree.GetSnapshotDiffReport(op, root, from, to)
	if err != nil {
		return nil, snapshotError(err)
	}
	out := &clientrpc.DiffReport{Root: rep.Root, From: from, To: to}
	for _, e := range rep.Entries {
		out.Entries = append(out.Entries, clientrpc.DiffEntry{Type: clientrpc.DiffType(string(rune(e.Type))),
			Path: e.Path, Target: e.Target})
	}
	return out, nil
}

func (n *Namesystem) GetSnapshotDiffReportListing(ctx context.Context, root, from, to string, cursor clientrpc.DiffCursor) (*clientrpc.DiffReportListing, error) {
	op, _ := n.opFor(ctx)
	l, err := n.tree.GetSnapshotDiffReportListing(op, root, from, to,
		namespace.DiffCursor{StartPath: cursor.StartPath, Index: int(cursor.Index)})
	if err != nil {
		return nil, snapshotError(err)
	}
	entries := func(es []namespace.DiffListingEntry) []clientrpc.DiffListingEntry {
		out := make([]clientrpc.DiffListingEntry, len(es))
		for i, e := range es {
			out[i] = clientrpc.DiffListingEntry{Path: e.Path, Target: e.Target, DirID: e.DirID,
				FileID: e.FileID, IsReference: e.IsReference}
		}
		return out
	}
	return &clientrpc.DiffReportListing{Modified: entries(l.Modified), Created: entries(l.Created),
		Deleted: entries(l.Deleted), IsFromEarlier: l.IsFromEarlier,
		Cursor: clientrpc.DiffCursor{StartPath: l.Cursor.StartPath, Index: int32(l.Cursor.Index)}}, nil
}

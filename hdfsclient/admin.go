package hdfsclient

import (
	"context"
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Proxy makes ClientProtocol calls on one target: the active NameNode
// (Client.Active) or a given one (Client.At). Server exceptions come back
// as *hadooprpc.RemoteError.
type Proxy struct {
	call func(ctx context.Context, method string, req, resp proto.Message) error
}

// SafeModeAction is HdfsConstants.SafeModeAction.
type SafeModeAction int32

// The safe mode actions, numbered as on the wire.
const (
	SafeModeLeave     = SafeModeAction(hdfspb.SafeModeActionProto_SAFEMODE_LEAVE)
	SafeModeEnter     = SafeModeAction(hdfspb.SafeModeActionProto_SAFEMODE_ENTER)
	SafeModeGet       = SafeModeAction(hdfspb.SafeModeActionProto_SAFEMODE_GET)
	SafeModeForceExit = SafeModeAction(hdfspb.SafeModeActionProto_SAFEMODE_FORCE_EXIT)
)

// Quota values with a meaning of their own (HdfsConstants).
const (
	QuotaDontSet int64 = math.MaxInt64 // leave this quota as it is
	QuotaReset   int64 = -1            // remove this quota
)

// SetSafeMode performs action and reports whether the NameNode is in safe
// mode afterwards. checked asks a standby to refuse (OperationCategory
// UNCHECKED versus READ); DFSAdmin sends false.
func (p *Proxy) SetSafeMode(ctx context.Context, action SafeModeAction, checked bool) (bool, error) {
	req := &hdfspb.SetSafeModeRequestProto{
		Action:  hdfspb.SafeModeActionProto(action).Enum(),
		Checked: proto.Bool(checked),
	}
	resp := new(hdfspb.SetSafeModeResponseProto)
	err := p.call(ctx, "setSafeMode", req, resp)
	return resp.GetResult(), err
}

// SaveNamespace asks for a checkpoint unless one happened within
// timeWindow seconds and txGap transactions (0, 0: always). It reports
// whether an image was saved.
func (p *Proxy) SaveNamespace(ctx context.Context, timeWindow, txGap int64) (bool, error) {
	req := &hdfspb.SaveNamespaceRequestProto{TimeWindow: proto.Uint64(uint64(timeWindow)), TxGap: proto.Uint64(uint64(txGap))}
	resp := new(hdfspb.SaveNamespaceResponseProto)
	err := p.call(ctx, "saveNamespace", req, resp)
	return resp.GetSaved(), err
}

// RollEdits finalizes the edit log segment in progress and returns the
// first transaction id of the new one.
func (p *Proxy) RollEdits(ctx context.Context) (int64, error) {
	resp := new(hdfspb.RollEditsResponseProto)
	err := p.call(ctx, "rollEdits", &hdfspb.RollEditsRequestProto{}, resp)
	return int64(resp.GetNewSegmentTxId()), err
}

// RefreshNodes makes the NameNode re-read its include and exclude files.
func (p *Proxy) RefreshNodes(ctx context.Context) error {
	return p.call(ctx, "refreshNodes", &hdfspb.RefreshNodesRequestProto{}, &hdfspb.RefreshNodesResponseProto{})
}

// MetaSave writes the NameNode's block structures to filename in its log
// directory.
func (p *Proxy) MetaSave(ctx context.Context, filename string) error {
	req := &hdfspb.MetaSaveRequestProto{Filename: proto.String(filename)}
	return p.call(ctx, "metaSave", req, &hdfspb.MetaSaveResponseProto{})
}

// SetBalancerBandwidth sets the bytes per second each DataNode may use
// for balancing.
func (p *Proxy) SetBalancerBandwidth(ctx context.Context, bandwidth int64) error {
	req := &hdfspb.SetBalancerBandwidthRequestProto{Bandwidth: proto.Int64(bandwidth)}
	return p.call(ctx, "setBalancerBandwidth", req, &hdfspb.SetBalancerBandwidthResponseProto{})
}

// SetQuota sets the name and storage space quotas of a directory; either
// may be QuotaDontSet or QuotaReset. With a storage type (not ""), only
// storagespace applies, to that type.
func (p *Proxy) SetQuota(ctx context.Context, path string, namespace, storagespace int64, storageType StorageType) error {
	req := &hdfspb.SetQuotaRequestProto{
		Path:              proto.String(path),
		NamespaceQuota:    proto.Uint64(uint64(namespace)),
		StoragespaceQuota: proto.Uint64(uint64(storagespace)),
	}
	if storageType != "" {
		t, ok := hdfspb.StorageTypeProto_value[string(storageType)]
		if !ok {
			return hadoopErrorf(ErrBadStorageType, "Invalid storage type(%s)", storageType)
		}
		req.StorageType = hdfspb.StorageTypeProto(t).Enum()
	}
	return p.call(ctx, "setQuota", req, &hdfspb.SetQuotaResponseProto{})
}

// AllowSnapshot lets snapshots be taken of a directory.
func (p *Proxy) AllowSnapshot(ctx context.Context, path string) error {
	req := &hdfspb.AllowSnapshotRequestProto{SnapshotRoot: proto.String(path)}
	return p.call(ctx, "allowSnapshot", req, &hdfspb.AllowSnapshotResponseProto{})
}

// DisallowSnapshot stops snapshots of a directory.
func (p *Proxy) DisallowSnapshot(ctx context.Context, path string) error {
	req := &hdfspb.DisallowSnapshotRequestProto{SnapshotRoot: proto.String(path)}
	return p.call(ctx, "disallowSnapshot", req, &hdfspb.DisallowSnapshotResponseProto{})
}

// Exists reports whether path exists (getFileInfo returned a status).
func (p *Proxy) Exists(ctx context.Context, path string) (bool, error) {
	resp := new(hdfspb.GetFileInfoResponseProto)
	err := p.call(ctx, "getFileInfo", &hdfspb.GetFileInfoRequestProto{Src: proto.String(path)}, resp)
	return resp.Fs != nil, err
}

// OpenFile is one entry of ListOpenFiles.
type OpenFile struct {
	ID            int64
	Path          string
	ClientName    string
	ClientMachine string
}

// ListOpenFiles returns the files open for write under path (all of them,
// or only those blocking a decommission), fetching batch after batch as
// Hadoop's OpenFilesIterator does.
func (p *Proxy) ListOpenFiles(ctx context.Context, blockingDecommission bool, path string) ([]OpenFile, error) {
	kind := hdfspb.OpenFilesTypeProto_ALL_OPEN_FILES
	if blockingDecommission {
		kind = hdfspb.OpenFilesTypeProto_BLOCKING_DECOMMISSION
	}
	var out []OpenFile
	var prev int64
	for {
		req := &hdfspb.ListOpenFilesRequestProto{Id: proto.Int64(prev), Types: []hdfspb.OpenFilesTypeProto{kind}, Path: proto.String(path)}
		resp := new(hdfspb.ListOpenFilesResponseProto)
		if err := p.call(ctx, "listOpenFiles", req, resp); err != nil {
			return out, err
		}
		for _, e := range resp.GetEntries() {
			out = append(out, OpenFile{ID: e.GetId(), Path: e.GetPath(), ClientName: e.GetClientName(), ClientMachine: e.GetClientMachine()})
			prev = e.GetId()
		}
		if !resp.GetHasMore() || len(resp.GetEntries()) == 0 {
			return out, nil
		}
	}
}

// FinalizeUpgrade removes the NameNode's pre-upgrade state (previous/).
func (p *Proxy) FinalizeUpgrade(ctx context.Context) error {
	return p.call(ctx, "finalizeUpgrade", &hdfspb.FinalizeUpgradeRequestProto{}, &hdfspb.FinalizeUpgradeResponseProto{})
}

// UpgradeStatus reports whether the last upgrade is finalized.
func (p *Proxy) UpgradeStatus(ctx context.Context) (bool, error) {
	var resp hdfspb.UpgradeStatusResponseProto
	err := p.call(ctx, "upgradeStatus", &hdfspb.UpgradeStatusRequestProto{}, &resp)
	return resp.GetUpgradeFinalized(), err
}

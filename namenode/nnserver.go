package namenode

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/dnrpc"
	"github.com/hdfsd/hdfsd/namenode/nnrpc"
)

// nnServer is NameNodeRpcServer's NamenodeProtocol side: what the
// balancer, the mover and a standby call.
type nnServer struct{ n *Namesystem }

func (s nnServer) VersionRequest(ctx context.Context) (*dnrpc.NamespaceInfo, error) {
	return dnServer(s).VersionRequest(ctx)
}

// GetBlocks is FSNamesystem.getBlocks: superuser only, refused in safe
// mode.
func (s nnServer) GetBlocks(ctx context.Context, req nnrpc.GetBlocksRequest) ([]blockmgmt.BlockWithLocations, error) {
	n := s.n
	if req.Size <= 0 || req.MinBlockSize < 0 {
		return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassIllegalArgument,
			Message: fmt.Sprintf("Unexpected not positive size: %d", req.Size)}
	}
	if err := n.checkSuper(ctx, "getBlocks"); err != nil {
		return nil, err
	}
	if n.safe.On() {
		return nil, n.errSafeMode("Cannot execute getBlocks")
	}
	br := blockmgmt.BlocksRequest{Node: req.Node, Size: req.Size, MinBlockSize: req.MinBlockSize, Type: req.Type, AnyType: req.AnyType}
	if req.TimeInterval > 0 {
		since := n.now().UnixMilli() - req.TimeInterval
		br.Hot = func(fileID int64) bool { return n.tree.RecentlyUsed(fileID, since) }
	}
	var out []blockmgmt.BlockWithLocations
	var err error
	n.bs.with(func(m *blockmgmt.Manager) { out, err = m.BlocksWithLocations(br) })
	switch {
	case errors.Is(err, blockmgmt.ErrUnknownDatanode):
		n.log.Warn("getBlocks for an unknown DataNode", "datanode", xferAddr(req.Node), "uuid", req.Node.UUID)
		return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassHadoopIllegalArgument, Message: managerMessage(err)}
	case errors.Is(err, blockmgmt.ErrUnregistered):
		return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassUnregisteredNode, Message: managerMessage(err)}
	}
	return out, err
}

// managerMessage is the Hadoop message a block manager error carries
// after its sentinel's text.
func managerMessage(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		return rest
	}
	return msg
}

// GetBlockKeys answers the dummy keys: block access tokens are off.
func (s nnServer) GetBlockKeys(ctx context.Context) error {
	return s.n.checkSuper(ctx, "getBlockKeys")
}

func (s nnServer) GetTransactionID(ctx context.Context) (int64, error) {
	if err := s.n.checkSuper(ctx, "getTransactionID"); err != nil {
		return 0, err
	}
	s.n.mu.Lock()
	defer s.n.mu.Unlock()
	return s.n.lastTxID(), nil
}

func (s nnServer) GetMostRecentCheckpointTxID(ctx context.Context) (int64, error) {
	if err := s.n.checkSuper(ctx, "getMostRecentCheckpointTxId"); err != nil {
		return 0, err
	}
	if s.n.ckpt == nil {
		return 0, nil
	}
	return s.n.ckpt.lastTxID.Load(), nil
}

// RollEditLog is NamenodeProtocol.rollEditLog: ClientProtocol's
// rollEdits, answered with the checkpoint signature.
func (s nnServer) RollEditLog(ctx context.Context) (*nnrpc.CheckpointSignature, error) {
	first, err := s.n.RollEdits(ctx)
	if err != nil {
		return nil, err
	}
	info, err := s.VersionRequest(ctx)
	if err != nil {
		return nil, err
	}
	return &nnrpc.CheckpointSignature{BlockPoolID: info.BlockPoolID, MostRecentCheckpointTxID: s.n.ckpt.lastTxID.Load(),
		CurSegmentTxID: first, Storage: info.Storage}, nil
}

func (s nnServer) IsUpgradeFinalized(ctx context.Context) (bool, error) {
	if err := s.n.checkSuper(ctx, "isUpgradeFinalized"); err != nil {
		return false, err
	}
	return s.n.upgradeFinalized()
}

// IsRollingUpgrade is false: rolling upgrades are not run.
func (s nnServer) IsRollingUpgrade(ctx context.Context) (bool, error) {
	return false, s.n.checkSuper(ctx, "isRollingUpgrade")
}

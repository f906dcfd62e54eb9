// Package nnrpc serves NamenodeProtocol (protocol
// "org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol", service
// NamenodeProtocolService): what the balancer and the mover ask a
// NameNode for besides ClientProtocol, and what a standby asks of an
// active one. It translates the protos to and from plain types; the
// Namesystem behind it decides.
//
// Served: versionRequest, getBlocks, getBlockKeys, getTransactionId,
// getMostRecentCheckpointTxId, rollEditLog, isUpgradeFinalized and
// isRollingUpgrade. The BackupNode's calls (registerSubordinateNamenode,
// startCheckpoint, endCheckpoint, errorReport), getEditLogManifest,
// getFilePath and getNextSPSPath are answered as unknown methods.
package nnrpc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/namenode/clientrpc"
	"github.com/hdfsd/hdfsd/namenode/dnrpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/namenodepb"
)

// NamenodeProtocol's name on the wire and its version.
const (
	ProtocolName    = "org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol"
	ProtocolVersion = 1
)

// DefaultMinBlockSize is GetBlocksRequestProto.minBlockSize's default
// (10 MiB).
const DefaultMinBlockSize = 10 << 20

// GetBlocksRequest is a getBlocks call.
type GetBlocksRequest struct {
	Node         blocks.DatanodeID
	Size         int64
	MinBlockSize int64
	// TimeInterval, in ms, makes blocks of files used that recently go
	// last; 0 treats every block alike.
	TimeInterval int64
	Type         blocks.StorageType
	AnyType      bool // no storage type given: every type
}

// CheckpointSignature is rollEditLog's answer.
type CheckpointSignature struct {
	BlockPoolID              string
	MostRecentCheckpointTxID int64
	CurSegmentTxID           int64
	Storage                  dnrpc.StorageInfo
}

// Namesystem is what the protocol asks of the NameNode.
type Namesystem interface {
	VersionRequest(ctx context.Context) (*dnrpc.NamespaceInfo, error)
	GetBlocks(ctx context.Context, req GetBlocksRequest) ([]blockmgmt.BlockWithLocations, error)
	// GetBlockKeys checks that the caller may have the block keys; they
	// are the dummy ones, as block access tokens are off.
	GetBlockKeys(ctx context.Context) error
	GetTransactionID(ctx context.Context) (int64, error)
	GetMostRecentCheckpointTxID(ctx context.Context) (int64, error)
	RollEditLog(ctx context.Context) (*CheckpointSignature, error)
	IsUpgradeFinalized(ctx context.Context) (bool, error)
	IsRollingUpgrade(ctx context.Context) (bool, error)
}

// Protocol returns NamenodeProtocol served by ns.
func Protocol(ns Namesystem) hadooprpc.Protocol {
	m := map[string]hadooprpc.Handler{
		"versionRequest": clientrpc.Handle(func(ctx context.Context, _ *hdfspb.VersionRequestProto) (*hdfspb.VersionResponseProto, error) {
			info, err := ns.VersionRequest(ctx)
			if err != nil {
				return nil, err
			}
			return &hdfspb.VersionResponseProto{Info: dnrpc.NamespaceInfoProto(info)}, nil
		}),
		"getBlocks": clientrpc.Handle(func(ctx context.Context, r *pb.GetBlocksRequestProto) (*pb.GetBlocksResponseProto, error) {
			req := GetBlocksRequest{Node: blockpb.DatanodeIDOf(r.GetDatanode()), Size: int64(r.GetSize()),
				MinBlockSize: int64(r.GetMinBlockSize()), TimeInterval: int64(r.GetTimeInterval()),
				Type: blocks.StorageType(r.GetStorageType()), AnyType: r.StorageType == nil}
			bs, err := ns.GetBlocks(ctx, req)
			if err != nil {
				return nil, err
			}
			return &pb.GetBlocksResponseProto{Blocks: BlocksWithLocationsProto(bs)}, nil
		}),
		"getBlockKeys": clientrpc.Handle(func(ctx context.Context, _ *pb.GetBlockKeysRequestProto) (*pb.GetBlockKeysResponseProto, error) {
			if err := ns.GetBlockKeys(ctx); err != nil {
				return nil, err
			}
			return &pb.GetBlockKeysResponseProto{Keys: dnrpc.NoKeys()}, nil
		}),
		"getTransactionId": clientrpc.Handle(func(ctx context.Context, _ *pb.GetTransactionIdRequestProto) (*pb.GetTransactionIdResponseProto, error) {
			txid, err := ns.GetTransactionID(ctx)
			if err != nil {
				return nil, err
			}
			return &pb.GetTransactionIdResponseProto{TxId: proto.Uint64(uint64(txid))}, nil
		}),
		"getMostRecentCheckpointTxId": clientrpc.Handle(func(ctx context.Context, _ *pb.GetMostRecentCheckpointTxIdRequestProto) (*pb.GetMostRecentCheckpointTxIdResponseProto, error) {
			txid, err := ns.GetMostRecentCheckpointTxID(ctx)
			if err != nil {
				return nil, err
			}
			return &pb.GetMostRecentCheckpointTxIdResponseProto{TxId: proto.Uint64(uint64(txid))}, nil
		}),
		"rollEditLog": clientrpc.Handle(func(ctx context.Context, _ *pb.RollEditLogRequestProto) (*pb.RollEditLogResponseProto, error) {
			sig, err := ns.RollEditLog(ctx)
			if err != nil {
				return nil, err
			}
			return &pb.RollEditLogResponseProto{Signature: &hdfspb.CheckpointSignatureProto{
				BlockPoolId: proto.String(sig.BlockPoolID), MostRecentCheckpointTxId: proto.Uint64(uint64(sig.MostRecentCheckpointTxID)),
				CurSegmentTxId: proto.Uint64(uint64(sig.CurSegmentTxID)), StorageInfo: dnrpc.StorageInfoProto(sig.Storage),
			}}, nil
		}),
		"isUpgradeFinalized": clientrpc.Handle(func(ctx context.Context, _ *pb.IsUpgradeFinalizedRequestProto) (*pb.IsUpgradeFinalizedResponseProto, error) {
			ok, err := ns.IsUpgradeFinalized(ctx)
			if err != nil {
				return nil, err
			}
			return &pb.IsUpgradeFinalizedResponseProto{IsUpgradeFinalized: proto.Bool(ok)}, nil
		}),
		"isRollingUpgrade": clientrpc.Handle(func(ctx context.Context, _ *pb.IsRollingUpgradeRequestProto) (*pb.IsRollingUpgradeResponseProto, error) {
			ok, err := ns.IsRollingUpgrade(ctx)
			if err != nil {
				return nil, err
			}
			return &pb.IsRollingUpgradeResponseProto{IsRollingUpgrade: proto.Bool(ok)}, nil
		}),
	}
	return hadooprpc.Protocol{Name: ProtocolName, Version: ProtocolVersion, Methods: m}
}

// BlocksWithLocationsProto is getBlocks' answer for bs.
func BlocksWithLocationsProto(bs []blockmgmt.BlockWithLocations) *hdfspb.BlocksWithLocationsProto {
	out := &hdfspb.BlocksWithLocationsProto{}
	for _, b := range bs {
		p := &hdfspb.BlockWithLocationsProto{
			Block:         &hdfspb.BlockProto{BlockId: proto.Uint64(uint64(b.ID)), GenStamp: proto.Uint64(uint64(b.GenStamp)), NumBytes: proto.Uint64(uint64(b.NumBytes))},
			DatanodeUuids: b.Nodes, StorageUuids: b.Storages,
		}
		for _, t := range b.Types {
			p.StorageTypes = append(p.StorageTypes, hdfspb.StorageTypeProto(t))
		}
		out.Blocks = append(out.Blocks, p)
	}
	return out
}

// BlocksWithLocationsOf reads a getBlocks answer (the balancer's side).
func BlocksWithLocationsOf(p *hdfspb.BlocksWithLocationsProto) []blockmgmt.BlockWithLocations {
	var out []blockmgmt.BlockWithLocations
	for _, b := range p.GetBlocks() {
		w := blockmgmt.BlockWithLocations{ID: int64(b.GetBlock().GetBlockId()), GenStamp: int64(b.GetBlock().GetGenStamp()),
			NumBytes: int64(b.GetBlock().GetNumBytes()), Nodes: b.GetDatanodeUuids(), Storages: b.GetStorageUuids()}
		for _, t := range b.GetStorageTypes() {
			w.Types = append(w.Types, blocks.StorageType(t))
		}
		out = append(out, w)
	}
	return out
}

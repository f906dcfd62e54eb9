package nnbench

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Protocols the benchmark calls.
const (
	clientProtocol       = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	refreshUserMappingsP = "org.apache.hadoop.security.RefreshUserMappingsProtocol"
)

// Conn calls one NameNode. The benchmark threads share one Conn, so it must
// be safe for concurrent use.
type Conn interface {
	Call(ctx context.Context, protocol, method string, req, resp proto.Message) error
	Close() error
}

// Dialer opens a Conn to the NameNode at addr (host:port).
type Dialer func(ctx context.Context, addr string) (Conn, error)

// RPCDialer dials with a hadooprpc.Client built from cfg: one connection
// per NameNode, as the Java tool's single ClientProtocol proxy has.
func RPCDialer(cfg hadooprpc.ClientConfig) Dialer {
	return func(_ context.Context, addr string) (Conn, error) {
		return &rpcConn{c: hadooprpc.NewClient(cfg), addr: addr}, nil
	}
}

type rpcConn struct {
	c    *hadooprpc.Client
	addr string
}

func (r *rpcConn) Call(ctx context.Context, protocol, method string, req, resp proto.Message) error {
	return r.c.Call(ctx, r.addr, protocol, method, req, resp)
}

func (r *rpcConn) Close() error { return r.c.Close() }

// nn wraps a Conn with the ClientProtocol calls the benchmark makes, each
// with the arguments NNThroughputBenchmark passes.
type nn struct{ c Conn }

func (n nn) call(ctx context.Context, method string, req, resp proto.Message) error {
	if err := n.c.Call(ctx, clientProtocol, method, req, resp); err != nil {
		return fmt.Errorf("nnbench: %s: %w", method, err)
	}
	return nil
}

// create makes an empty file: permission 0777 as FsPermission.getDefault,
// flags CREATE|OVERWRITE, parents created, the encryption-zones crypto
// version (CryptoProtocolVersion.supported()).
func (n nn) create(ctx context.Context, src, client string, blockSize int64) error {
	req := &hdfspb.CreateRequestProto{
		Src:          proto.String(src),
		Masked:       &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o777)},
		ClientName:   proto.String(client),
		CreateFlag:   proto.Uint32(uint32(hdfspb.CreateFlagProto_CREATE | hdfspb.CreateFlagProto_OVERWRITE)),
		CreateParent: proto.Bool(true),
		Replication:  proto.Uint32(defaultReplication),
		BlockSize:    proto.Uint64(uint64(blockSize)),
		CryptoProtocolVersion: []hdfspb.CryptoProtocolVersionProto{
			hdfspb.CryptoProtocolVersionProto_ENCRYPTION_ZONES,
		},
	}
	return n.call(ctx, "create", req, new(hdfspb.CreateResponseProto))
}

// complete closes a file without blocks (fileId 0, GRANDFATHER_INODE_ID),
// retrying while the NameNode answers false, as the Java tool does.
func (n nn) complete(ctx context.Context, src, client string) error {
	req := &hdfspb.CompleteRequestProto{Src: proto.String(src), ClientName: proto.String(client), FileId: proto.Uint64(0)}
	for {
		resp := new(hdfspb.CompleteResponseProto)
		if err := n.call(ctx, "complete", req, resp); err != nil || resp.GetResult() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("nnbench: complete %s: %w", src, err)
		}
	}
}

func (n nn) mkdirs(ctx context.Context, src string) error {
	req := &hdfspb.MkdirsRequestProto{Src: proto.String(src),
		Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o777)}, CreateParent: proto.Bool(true)}
	return n.call(ctx, "mkdirs", req, new(hdfspb.MkdirsResponseProto))
}

func (n nn) getBlockLocations(ctx context.Context, src string, length int64) error {
	req := &hdfspb.GetBlockLocationsRequestProto{Src: proto.String(src), Offset: proto.Uint64(0), Length: proto.Uint64(uint64(length))}
	return n.call(ctx, "getBlockLocations", req, new(hdfspb.GetBlockLocationsResponseProto))
}

func (n nn) delete(ctx context.Context, src string, recursive bool) error {
	req := &hdfspb.DeleteRequestProto{Src: proto.String(src), Recursive: proto.Bool(recursive)}
	return n.call(ctx, "delete", req, new(hdfspb.DeleteResponseProto))
}

// exists reports whether getFileInfo finds src.
func (n nn) exists(ctx context.Context, src string) (bool, error) {
	resp := new(hdfspb.GetFileInfoResponseProto)
	err := n.call(ctx, "getFileInfo", &hdfspb.GetFileInfoRequestProto{Src: proto.String(src)}, resp)
	return resp.Fs != nil, err
}

func (n nn) rename(ctx context.Context, src, dst string) error {
	req := &hdfspb.RenameRequestProto{Src: proto.String(src), Dst: proto.String(dst)}
	return n.call(ctx, "rename", req, new(hdfspb.RenameResponseProto))
}

// leaveSafeMode is setSafeMode(SAFEMODE_LEAVE, false), which the Java tool
// calls before generating inputs and before cleaning up.
func (n nn) leaveSafeMode(ctx context.Context) error {
	req := &hdfspb.SetSafeModeRequestProto{Action: hdfspb.SafeModeActionProto_SAFEMODE_LEAVE.Enum(), Checked: proto.Bool(false)}
	return n.call(ctx, "setSafeMode", req, new(hdfspb.SetSafeModeResponseProto))
}

func (n nn) refreshUserToGroupsMappings(ctx context.Context) error {
	err := n.c.Call(ctx, refreshUserMappingsP, "refreshUserToGroupsMappings",
		new(commonpb.RefreshUserToGroupsMappingsRequestProto), new(commonpb.RefreshUserToGroupsMappingsResponseProto))
	if err != nil {
		return fmt.Errorf("nnbench: refreshUserToGroupsMappings: %w", err)
	}
	return nil
}

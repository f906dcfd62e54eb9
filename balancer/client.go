package balancer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/hdfsclient"
	"github.com/hdfsd/hdfsd/internal/ctxsleep"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/blocks/blockpb"
	"github.com/hdfsd/hdfsd/namenode/nnrpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"github.com/hdfsd/hdfsd/protos/namenodepb"
)

// connector is the balancer's link to one NameNode (NameNodeConnector):
// NamenodeProtocol and ClientProtocol calls, and the /system/balancer.id
// file that keeps a second balancer out.
type connector struct {
	uri    string
	nn     hdfsclient.CallFunc // NamenodeProtocol
	client hdfsclient.CallFunc // ClientProtocol
	poolID string
	name   string // the client name holding balancer.id's lease

	// qps limits getBlocks calls (dfs.namenode.get-blocks.max-qps).
	mu   sync.Mutex
	next time.Time
	gap  time.Duration

	idle        int // iterations in a row that moved nothing
	bytesMoved  int64
	blocksMoved int64
}

// IDPath is the file a running balancer holds open (BALANCER_ID_PATH).
const IDPath = "/system/balancer.id"

// ErrAlreadyRunning is the lease of IDPath held by another client.
var ErrAlreadyRunning = errors.New("Another Balancer is running.")

func (c *connector) versionRequest(ctx context.Context) error {
	r := new(hdfspb.VersionResponseProto)
	if err := c.nn(ctx, "versionRequest", &hdfspb.VersionRequestProto{}, r); err != nil {
		return err
	}
	c.poolID = r.GetInfo().GetBlockPoolID()
	return nil
}

func (c *connector) upgradeFinalized(ctx context.Context) (bool, error) {
	r := new(namenodepb.IsUpgradeFinalizedResponseProto)
	if err := c.nn(ctx, "isUpgradeFinalized", &namenodepb.IsUpgradeFinalizedRequestProto{}, r); err != nil {
		return false, err
	}
	return r.GetIsUpgradeFinalized(), nil
}

func (c *connector) liveReports(ctx context.Context) ([]blocks.DatanodeStorageReport, error) {
	req := &hdfspb.GetDatanodeStorageReportRequestProto{Type: hdfspb.DatanodeReportTypeProto_LIVE.Enum()}
	r := new(hdfspb.GetDatanodeStorageReportResponseProto)
	if err := c.client(ctx, "getDatanodeStorageReport", req, r); err != nil {
		return nil, err
	}
	var out []blocks.DatanodeStorageReport
	for _, p := range r.GetDatanodeStorageReports() {
		out = append(out, blockpb.DatanodeStorageReportOf(p))
	}
	return out, nil
}

// GetBlocks calls getBlocks, no more often than the qps limit allows.
func (c *connector) GetBlocks(ctx context.Context, node blocks.DatanodeID, size, minBlockSize, hot int64, t blocks.StorageType) ([]blockmgmt.BlockWithLocations, error) {
	c.mu.Lock()
	wait := time.Until(c.next)
	c.next = time.Now().Add(max(wait, 0) + c.gap)
	c.mu.Unlock()
	if wait > 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
	req := &namenodepb.GetBlocksRequestProto{Datanode: blockpb.DatanodeID(node), Size: proto.Uint64(uint64(size)),
		MinBlockSize: proto.Uint64(uint64(minBlockSize)), TimeInterval: proto.Uint64(uint64(hot)),
		StorageType: hdfspb.StorageTypeProto(t).Enum()}
	r := new(namenodepb.GetBlocksResponseProto)
	if err := c.nn(ctx, "getBlocks", req, r); err != nil {
		return nil, err
	}
	return nnrpc.BlocksWithLocationsOf(r.GetBlocks()), nil
}

// markRunning takes IDPath (checkAndMarkRunning): a file left by a
// balancer that is gone is reopened to check its lease, then deleted; a
// lease still held means another balancer runs. The file is created and
// its lease kept for as long as the balancer runs.
func (c *connector) markRunning(ctx context.Context, replication int, blockSize int64) error {
	st := new(hdfspb.GetFileInfoResponseProto)
	if err := c.client(ctx, "getFileInfo", &hdfspb.GetFileInfoRequestProto{Src: proto.String(IDPath)}, st); err != nil {
		return err
	}
	if st.Fs != nil {
		ar := new(hdfspb.AppendResponseProto)
		err := c.client(ctx, "append", &hdfspb.AppendRequestProto{Src: proto.String(IDPath), ClientName: proto.String(c.name),
			Flag: proto.Uint32(uint32(hdfspb.CreateFlagProto_APPEND))}, ar)
		if err != nil {
			return alreadyRunning(err)
		}
		if err := c.complete(ctx, ar.GetBlock().GetB()); err != nil {
			return err
		}
		if err := c.client(ctx, "delete", &hdfspb.DeleteRequestProto{Src: proto.String(IDPath), Recursive: proto.Bool(true)}, new(hdfspb.DeleteResponseProto)); err != nil {
			return err
		}
	}
	req := &hdfspb.CreateRequestProto{
		Src: proto.String(IDPath), Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o644)}, ClientName: proto.String(c.name),
		CreateFlag:   proto.Uint32(uint32(hdfspb.CreateFlagProto_CREATE | hdfspb.CreateFlagProto_OVERWRITE | hdfspb.CreateFlagProto_SHOULD_REPLICATE)),
		CreateParent: proto.Bool(true), Replication: proto.Uint32(uint32(replication)), BlockSize: proto.Uint64(uint64(blockSize)),
	}
	if err := c.client(ctx, "create", req, new(hdfspb.CreateResponseProto)); err != nil {
		return alreadyRunning(err)
	}
	return nil
}

func alreadyRunning(err error) error {
	var re *hadooprpc.RemoteError
	if errors.As(err, &re) && re.Class == hadooprpc.ClassAlreadyBeingCreated {
		return ErrAlreadyRunning
	}
	return err
}

func (c *connector) complete(ctx context.Context, last *hdfspb.ExtendedBlockProto) error {
	req := &hdfspb.CompleteRequestProto{Src: proto.String(IDPath), ClientName: proto.String(c.name), Last: last}
	return c.client(ctx, "complete", req, new(hdfspb.CompleteResponseProto))
}

// keepLease renews the lease on IDPath until ctx ends.
func (c *connector) keepLease(ctx context.Context, every time.Duration) {
	ctxsleep.Every(ctx, every, func() {
		_ = c.client(ctx, "renewLease", &hdfspb.RenewLeaseRequestProto{ClientName: proto.String(c.name)}, new(hdfspb.RenewLeaseResponseProto))
	})
}

// release closes and deletes IDPath.
func (c *connector) release(ctx context.Context) error {
	return errors.Join(c.complete(ctx, nil),
		c.client(ctx, "delete", &hdfspb.DeleteRequestProto{Src: proto.String(IDPath), Recursive: proto.Bool(true)}, new(hdfspb.DeleteResponseProto)))
}

// transferMover moves a replica with REPLACE_BLOCK to the target, which
// copies it from the proxy and tells the NameNode the source's replica
// may go (Dispatcher.PendingMove.dispatch).
type transferMover struct {
	connectTimeout time.Duration // 60 s
	readTimeout    time.Duration // 5 × dfs.client.socket-timeout
	moveTimeout    time.Duration // dfs.balancer.block-move.timeout; 0: none
	useHostname    bool
	dial           func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (m *transferMover) Move(ctx context.Context, mv Move) error {
	if m.moveTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.moveTimeout)
		defer cancel()
	}
	err := m.move(ctx, mv)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("Block move timed out")
	}
	return err
}

func (m *transferMover) move(ctx context.Context, mv Move) error {
	host := mv.Target.IPAddr
	if m.useHostname {
		host = mv.Target.HostName
	}
	addr := net.JoinHostPort(host, strconv.Itoa(mv.Target.XferPort))
	dctx, cancel := context.WithTimeout(ctx, m.connectTimeout)
	conn, err := m.dial(dctx, "tcp", addr)
	cancel()
	if err != nil {
		return fmt.Errorf("balancer: connecting to %s: %w", addr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	req := &hdfspb.OpReplaceBlockProto{
		Header:      datatransfer.BaseHeader(blockpb.Extended(mv.Block), datatransfer.EmptyToken()),
		DelHint:     proto.String(mv.Source.UUID),
		Source:      blockpb.DatanodeInfo(&mv.Proxy),
		StorageType: hdfspb.StorageTypeProto(mv.TargetType).Enum(),
	}
	conn.SetDeadline(time.Now().Add(m.readTimeout))
	if err := datatransfer.WriteRequest(conn, datatransfer.OpReplaceBlock, req); err != nil {
		return err
	}
	for {
		conn.SetReadDeadline(time.Now().Add(m.readTimeout))
		resp, err := datatransfer.ReadBlockOpResponse(conn)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("balancer: reading the answer of %s to REPLACE_BLOCK blk_%d: %w", addr, mv.Block.ID, err)
		}
		switch resp.GetStatus() {
		case hdfspb.Status_IN_PROGRESS:
			continue // the target is still copying
		case hdfspb.Status_SUCCESS:
			return nil
		}
		return fmt.Errorf("Got error, status=%s, status message %s, reportedBlock move is failed", resp.GetStatus(), resp.GetMessage())
	}
}

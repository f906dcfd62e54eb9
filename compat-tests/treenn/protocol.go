// Package treenn serves a fixed tree.Tree over Hadoop's ClientProtocol, so
// that stock HDFS clients can be pointed at an hdfsd RPC server. It is the
// translation layer: the tree answers in its own types, this package turns
// requests and answers into ClientNamenodeProtocol messages and Java
// exceptions the way Hadoop 3.4's NameNodeRpcServer and
// ClientNamenodeProtocolServerSideTranslatorPB do.
//
// It behaves like a NameNode with dfs.permissions.enabled=false: nothing is
// refused for lack of permission, but the superuser still gets Hadoop's
// special treatment in getFileInfo.
package treenn

import (
	"context"
	"errors"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/compat-tests/treenn/tree"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// ClientProtocol's name on the wire and its version (wire NOTES §1).
const (
	ProtocolName    = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	ProtocolVersion = 1
)

// Java classes the NameNode sends for these calls that hadooprpc's
// exception table does not carry yet.
// Config holds the few NameNode settings the calls depend on.
type Config struct {
	LsLimit   int    // dfs.ls.limit: most entries per getListing answer
	Superuser string // the user the NameNode runs as
}

// DefaultConfig is what a NameNode started by "hdfs" with no hdfs-site.xml
// would use.
func DefaultConfig() Config { return Config{LsLimit: 1000, Superuser: "hdfs"} }

type namenode struct {
	tree *tree.Tree
	cfg  Config
}

// ClientProtocol returns the read-only subset of ClientProtocol that clients
// need to stat and list: getFileInfo, getFileLinkInfo, getListing,
// getServerDefaults and getFsStats.
func ClientProtocol(t *tree.Tree, cfg Config) hadooprpc.Protocol {
	nn := &namenode{tree: t, cfg: cfg}
	return hadooprpc.Protocol{
		Name:    ProtocolName,
		Version: ProtocolVersion,
		Methods: map[string]hadooprpc.Handler{
			"getFileInfo": hadooprpc.Method(
				func() *hdfspb.GetFileInfoRequestProto { return &hdfspb.GetFileInfoRequestProto{} },
				nn.getFileInfo),
			"getFileLinkInfo": hadooprpc.Method(
				func() *hdfspb.GetFileLinkInfoRequestProto { return &hdfspb.GetFileLinkInfoRequestProto{} },
				nn.getFileLinkInfo),
			"getListing": hadooprpc.Method(
				func() *hdfspb.GetListingRequestProto { return &hdfspb.GetListingRequestProto{} },
				nn.getListing),
			"getServerDefaults": hadooprpc.Method(
				func() *hdfspb.GetServerDefaultsRequestProto { return &hdfspb.GetServerDefaultsRequestProto{} },
				nn.getServerDefaults),
			"getFsStats": hadooprpc.Method(
				func() *hdfspb.GetFsStatusRequestProto { return &hdfspb.GetFsStatusRequestProto{} },
				nn.getFsStats),
		},
	}
}

// getFileInfo answers a missing path with an empty response (no fs field),
// as the translator does when FSNamesystem returns null.
func (nn *namenode) getFileInfo(ctx context.Context, req *hdfspb.GetFileInfoRequestProto) (*hdfspb.GetFileInfoResponseProto, error) {
	st, err := nn.tree.Stat(req.GetSrc())
	if err != nil {
		if err := nn.statError(ctx, req.GetSrc(), err); err != nil {
			return nil, err
		}
		return &hdfspb.GetFileInfoResponseProto{}, nil
	}
	return &hdfspb.GetFileInfoResponseProto{Fs: fileStatus(st)}, nil
}

func (nn *namenode) getFileLinkInfo(ctx context.Context, req *hdfspb.GetFileLinkInfoRequestProto) (*hdfspb.GetFileLinkInfoResponseProto, error) {
	st, err := nn.tree.StatLink(req.GetSrc())
	if err != nil {
		if err := nn.statError(ctx, req.GetSrc(), err); err != nil {
			return nil, err
		}
		return &hdfspb.GetFileLinkInfoResponseProto{}, nil
	}
	return &hdfspb.GetFileLinkInfoResponseProto{Fs: fileStatus(st)}, nil
}

// statError maps a lookup error for getFileInfo and getFileLinkInfo. The
// superuser gets null where others get an AccessControlException
// (FSDirStatAndListingOp.getFileInfo), so both not-found and not-a-directory
// come back as an empty response for it.
func (nn *namenode) statError(ctx context.Context, src string, err error) error {
	if errors.Is(err, tree.ErrNotFound) {
		return nil
	}
	if errors.Is(err, tree.ErrNotDirectory) && nn.isSuperuser(ctx) {
		return nil
	}
	return javaError(src, err)
}

// getListing answers a missing directory with an empty response (no
// dirList). needLocation is ignored since the tree has no blocks; Hadoop
// would attach a LocatedBlocksProto to every file, which Java's
// listLocatedStatus relies on.
func (nn *namenode) getListing(_ context.Context, req *hdfspb.GetListingRequestProto) (*hdfspb.GetListingResponseProto, error) {
	l, err := nn.tree.List(req.GetSrc(), req.GetStartAfter(), nn.cfg.LsLimit)
	if errors.Is(err, tree.ErrNotFound) {
		return &hdfspb.GetListingResponseProto{}, nil
	}
	if err != nil {
		return nil, javaError(req.GetSrc(), err)
	}
	dl := &hdfspb.DirectoryListingProto{
		PartialListing:   make([]*hdfspb.HdfsFileStatusProto, 0, len(l.Entries)),
		RemainingEntries: proto.Uint32(uint32(l.Remaining)),
	}
	for _, st := range l.Entries {
		dl.PartialListing = append(dl.PartialListing, fileStatus(st))
	}
	return &hdfspb.GetListingResponseProto{DirList: dl}, nil
}

func (nn *namenode) getServerDefaults(context.Context, *hdfspb.GetServerDefaultsRequestProto) (*hdfspb.GetServerDefaultsResponseProto, error) {
	return &hdfspb.GetServerDefaultsResponseProto{ServerDefaults: serverDefaults()}, nil
}

func (nn *namenode) getFsStats(context.Context, *hdfspb.GetFsStatusRequestProto) (*hdfspb.GetFsStatsResponseProto, error) {
	return fsStats(), nil
}

func (nn *namenode) isSuperuser(ctx context.Context) bool {
	c, ok := hadooprpc.CallerFromContext(ctx)
	return ok && c.User != "" && c.User == nn.cfg.Superuser
}

// javaError turns a tree error into the exception the NameNode throws.
// FSDirectory.resolvePath rethrows ParentNotDirectoryException as an
// AccessControlException for reads; INode.checkAbsolutePath throws an
// AssertionError, which the IPC server passes on by class name.
func javaError(src string, err error) error {
	var pe *tree.PathError
	errors.As(err, &pe)
	switch {
	case pe == nil:
		return err
	case errors.Is(err, tree.ErrNotDirectory):
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassAccessControl, Message: pe.Path + " (is not a directory)"}
	case errors.Is(err, tree.ErrUnresolvedLink):
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassUnresolvedPath, Message: pe.Path}
	case errors.Is(err, tree.ErrNotAbsolute):
		return &hadooprpc.RemoteError{Class: hadooprpc.ClassAssertionError, Message: "Absolute path required, but got '" + src + "'"}
	}
	return err
}

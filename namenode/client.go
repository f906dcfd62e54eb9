package namenode

import (
	"context"
	"strings"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/clientrpc"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// The ClientProtocol side of the namesystem (clientrpc.Namesystem). Reads
// go to the namespace directly; mutations go through mutate.

var _ clientrpc.Namesystem = (*Namesystem)(nil)

// ---- reads

// existing is getFileInfo with a missing path reported as Hadoop's
// FileNotFoundException "File does not exist: <src>".
func (n *Namesystem) existing(op namespace.Op, src string, resolveLink bool) (*namespace.FileStatus, error) {
	st, err := n.tree.GetFileInfo(op, src, resolveLink)
	if err == nil && st == nil {
		err = &namespace.Error{Kind: namespace.ErrFileNotFound, Msg: "File does not exist: " + src}
	}
	return st, err
}

func (n *Namesystem) GetFileInfo(ctx context.Context, src string, resolveLink bool) (*namespace.FileStatus, error) {
	op, _ := n.opFor(ctx)
	return n.tree.GetFileInfo(op, src, resolveLink)
}

func (n *Namesystem) GetListing(ctx context.Context, src string, startAfter []byte, needLocation bool) (*clientrpc.Listing, error) {
	op, _ := n.opFor(ctx)
	l, err := n.tree.GetListing(op, src, startAfter)
	if err != nil || l == nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	out := &clientrpc.Listing{Listing: *l}
	if needLocation {
		out.Locations = make([]*blocks.LocatedBlocks, len(l.Entries))
		for i, e := range l.Entries {
			if e.Type == namespace.TypeFile {
				out.Locations[i] = n.locate(e.FileID, e.Length, 0, e.Length)
			}
		}
	}
	return out, nil
}

func (n *Namesystem) GetContentSummary(ctx context.Context, src string) (*namespace.ContentSummary, error) {
	op, _ := n.opFor(ctx)
	return n.tree.GetContentSummary(op, src)
}

func (n *Namesystem) GetQuotaUsage(ctx context.Context, src string) (*namespace.QuotaUsage, error) {
	op, _ := n.opFor(ctx)
	return n.tree.GetQuotaUsage(op, src)
}

func (n *Namesystem) GetLinkTarget(ctx context.Context, path string) (string, error) {
	op, _ := n.opFor(ctx)
	st, err := n.existing(op, path, false)
	if err != nil {
		return "", err
	}
	if st.Type != namespace.TypeSymlink {
		return "", &hadooprpc.RemoteError{Class: hadooprpc.ClassIOException, Message: "Path " + path + " is not a symbolic link"}
	}
	return st.Symlink, nil
}

// locate is a file's block locations.
func (n *Namesystem) locate(fileID, length, offset, count int64) *blocks.LocatedBlocks {
	return n.locateBlocks(n.tree.Blocks(fileID), length, offset, count, false, "")
}

// locateBlocks places bs in the file; with clamp (a snapshot's copy) the
// blocks past length, which the live file added later, are left out.
func (n *Namesystem) locateBlocks(bs []namespace.Block, length, offset, count int64, clamp bool, reader string) *blocks.LocatedBlocks {
	lb := &blocks.LocatedBlocks{FileLength: length, LastBlockComplete: true}
	var pos int64
	for i, b := range bs {
		if clamp && pos >= length && i > 0 {
			break // a snapshot's copy ends before the blocks it shares
		}
		loc := blocks.Located{Block: blocks.Extended{PoolID: n.blockPoolID, ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes}, Offset: pos}
		if !b.Complete {
			lb.UnderConstruction = true
		}
		if pos+b.NumBytes > offset && pos < offset+count || (count == 0 && i == 0) {
			lb.Blocks = append(lb.Blocks, loc)
		}
		l := loc
		lb.LastBlock = &l
		lb.LastBlockComplete = b.Complete
		pos += b.NumBytes
	}
	if !lb.LastBlockComplete && lb.LastBlock != nil && !clamp {
		// An open file's length leaves out its last block, whose length
		// the client asks the DataNodes for
		// (computeFileSizeNotIncludingLastUcBlock).
		lb.FileLength -= lb.LastBlock.Block.NumBytes
	}
	return n.withLocations(lb, reader)
}

func (n *Namesystem) GetBlockLocations(ctx context.Context, src string, offset, length int64) (*blocks.LocatedBlocks, error) {
	op, caller := n.opFor(ctx)
	if offset < 0 {
		return nil, &hadooprpc.RemoteError{Class: "org.apache.hadoop.HadoopIllegalArgumentException", Message: "Negative offset is not supported. File: " + src}
	}
	if length < 0 {
		return nil, &hadooprpc.RemoteError{Class: "org.apache.hadoop.HadoopIllegalArgumentException", Message: "Negative length is not supported. File: " + src}
	}
	st, err := n.existing(op, src, true)
	if err != nil {
		return nil, err
	}
	if st.Type != namespace.TypeFile {
		return nil, &namespace.Error{Kind: namespace.ErrFileNotFound, Msg: "Path is not a file: " + src}
	}
	if isSnapshotPath(src) {
		// A snapshot's file is read as it was: its own blocks, and no
		// access time to update.
		bs, err := n.tree.BlocksAt(op, src)
		if err != nil {
			return nil, err
		}
		return n.locateBlocks(bs, st.Length, offset, length, true, clientMachine(caller)), nil
	}
	n.touchAccessTime(ctx, src, st)
	return n.locateBlocks(n.tree.Blocks(st.FileID), st.Length, offset, length, false, clientMachine(caller)), nil
}

// touchAccessTime updates a file's access time on read when it is older
// than dfs.namenode.accesstime.precision, as Hadoop does (and logs
// OP_TIMES).
func (n *Namesystem) touchAccessTime(ctx context.Context, src string, st *namespace.FileStatus) {
	prec := n.cfg.AccessTimePrecision.Milliseconds()
	now := n.now().UnixMilli()
	if prec <= 0 || now <= st.AccessTime+prec || n.safe.On() {
		return
	}
	_, _ = n.mutate(ctx, mutation{}, func(_ namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		super := namespace.Op{User: n.cfg.User, Now: now}
		ch, err := n.tree.SetTimes(super, src, -1, now)
		return ch, nil, nil, err
	})
}

func (n *Namesystem) GetPreferredBlockSize(ctx context.Context, src string) (int64, error) {
	op, _ := n.opFor(ctx)
	st, err := n.existing(op, src, true)
	if err != nil {
		return 0, err
	}
	return st.BlockSize, nil
}

func (n *Namesystem) IsFileClosed(ctx context.Context, src string) (bool, error) {
	op, _ := n.opFor(ctx)
	st, err := n.existing(op, src, true)
	if err != nil {
		return false, err
	}
	_, open := n.leases.Holder(st.FileID)
	return !open, nil
}

func (n *Namesystem) GetEnclosingRoot(ctx context.Context, path string) (string, error) {
	return "/", nil
}

// ---- namespace mutations

func (n *Namesystem) Mkdirs(ctx context.Context, src string, mode clientrpc.CreateMode, createParent bool) (bool, error) {
	_, err := n.mutate(ctx, mutation{what: "Cannot create directory " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.Mkdirs(op, src, mode.Masked, createParent)
		return ch, nil, nil, err
	})
	return err == nil, err
}

func (n *Namesystem) Delete(ctx context.Context, src string, recursive bool) (bool, error) {
	v, err := n.mutate(ctx, mutation{what: "Cannot delete " + src, atMostOnce: true}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.Delete(op, src, recursive)
		if err != nil {
			return ch, nil, nil, err
		}
		return ch, nil, ch.OK, nil
	})
	ok, _ := v.(bool)
	return ok, err
}

func (n *Namesystem) Rename(ctx context.Context, src, dst string) (bool, error) {
	v, err := n.mutate(ctx, mutation{what: "Cannot rename " + src, atMostOnce: true}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.RenameOld(op, src, dst)
		if err != nil {
			return ch, nil, nil, err
		}
		return ch, nil, ch.OK, nil
	})
	ok, _ := v.(bool)
	return ok, err
}

func (n *Namesystem) Rename2(ctx context.Context, src, dst string, opts namespace.RenameOptions) error {
	_, err := n.mutate(ctx, mutation{what: "Cannot rename " + src, atMostOnce: true}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.Rename(op, src, dst, opts)
		return ch, nil, true, err
	})
	return err
}

func (n *Namesystem) SetPermission(ctx context.Context, src string, mode namespace.Mode) error {
	_, err := n.mutate(ctx, mutation{what: "Cannot set permission for " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.SetPermission(op, src, mode)
		return ch, nil, nil, err
	})
	return err
}

func (n *Namesystem) SetOwner(ctx context.Context, src string, user, group *string) error {
	_, err := n.mutate(ctx, mutation{what: "Cannot set owner for " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.SetOwner(op, src, user, group)
		return ch, nil, nil, err
	})
	return err
}

func (n *Namesystem) SetTimes(ctx context.Context, src string, mtime, atime int64) error {
	_, err := n.mutate(ctx, mutation{what: "Cannot set times " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.SetTimes(op, src, mtime, atime)
		return ch, nil, nil, err
	})
	return err
}

func (n *Namesystem) SetReplication(ctx context.Context, src string, replication int16) (bool, error) {
	v, err := n.mutate(ctx, mutation{what: "Cannot set replication for " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.SetReplication(op, src, replication)
		if err != nil {
			return ch, nil, nil, err
		}
		if ch.OK {
			n.setBlocksReplication(ch)
		}
		return ch, nil, ch.OK, nil
	})
	ok, _ := v.(bool)
	return ok, err
}

func (n *Namesystem) SetQuota(ctx context.Context, src string, nsQuota, ssQuota int64, storageType blocks.StorageType) error {
	// blocks.StorageType and namespace.StorageType both number the
	// types as StorageTypeProto does.
	_, err := n.mutate(ctx, mutation{what: "Cannot set quota on " + src}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.SetQuotaByStorageType(op, src, nsQuota, ssQuota, namespace.StorageType(storageType))
		return ch, nil, nil, err
	})
	return err
}

func (n *Namesystem) CreateSymlink(ctx context.Context, target, link string, dirPerm namespace.Mode, createParent bool) error {
	_, err := n.mutate(ctx, mutation{what: "Cannot create symlink " + link, atMostOnce: true}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.CreateSymlink(op, target, link, createParent)
		return ch, nil, true, err
	})
	return err
}

// ---- files

func (n *Namesystem) Create(ctx context.Context, req clientrpc.CreateRequest) (*namespace.FileStatus, error) {
	if req.ECPolicyName != "" {
		return nil, unsupported("erasure coding")
	}
	_, caller := n.opFor(ctx)
	machine := clientMachine(caller)
	v, err := n.mutate(ctx, mutation{what: "Cannot create file" + req.Src, atMostOnce: true}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.Create(op, namespace.CreateArgs{
			Path: req.Src, Masked: req.Mode.Masked, ClientName: req.ClientName, ClientMachine: machine,
			Create: req.Flags&clientrpc.FlagCreate != 0, Overwrite: req.Flags&clientrpc.FlagOverwrite != 0,
			CreateParent: req.CreateParent, Replication: req.Replication, BlockSize: req.BlockSize,
		})
		if err != nil {
			return ch, nil, nil, err
		}
		n.leases.Add(req.ClientName, ch.Status.FileID, n.now())
		return ch, nil, ch.Status, nil
	})
	st, _ := v.(*namespace.FileStatus)
	return st, err
}

// isSnapshotPath reports whether src goes through a ".snapshot" component.
func isSnapshotPath(src string) bool {
	return strings.Contains(src+"/", "/.snapshot/")
}

func clientMachine(c hadooprpc.Caller) string {
	if c.Remote == nil {
		return ""
	}
	s := c.Remote.String()
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return strings.Trim(s, "[]")
}

func prevBlock(b *blocks.Extended) *namespace.Block {
	if b == nil {
		return nil
	}
	return &namespace.Block{ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes}
}

// fileIDOf finds the closed file's id in a complete's change.
func fileIDOf(ch *namespace.Change, fileID int64) int64 {
	if fileID != 0 {
		return fileID
	}
	for _, r := range ch.Records {
		if r.Kind == namespace.KindClose {
			return r.InodeID
		}
	}
	return 0
}

func (n *Namesystem) RenewLease(ctx context.Context, clientName string, namespaces []string) error {
	if n.safe.On() {
		return n.errSafeMode("Cannot renew lease for " + clientName)
	}
	n.leases.Renew(clientName, n.now())
	return nil
}

// ReportBadBlocks is a client's report of corrupt replicas it read.
func (n *Namesystem) ReportBadBlocks(ctx context.Context, bad []blocks.Located) error {
	return n.reportBadBlocks(bad)
}

// unsupported is the error for what this NameNode cannot do yet.
func unsupported(what string) error {
	return &hadooprpc.RemoteError{Class: "java.lang.UnsupportedOperationException", Message: what + " is not supported by this version of hdfsd"}
}

// Append reopens a closed file for holder, with its partial last block's
// locations when the client is to write into it.
func (n *Namesystem) Append(ctx context.Context, src, clientName string, flags clientrpc.CreateFlag) (*blocks.Located, *namespace.FileStatus, error) {
	_, caller := n.opFor(ctx)
	type result struct {
		last *blocks.Located
		st   *namespace.FileStatus
	}
	v, err := n.mutate(ctx, mutation{what: "Cannot append to file" + src, atMostOnce: true}, func(op namespace.Op, _ *IDs) (*namespace.Change, []*editlog.Op, any, error) {
		ch, err := n.tree.Append(op, src, clientName, clientMachine(caller), flags&clientrpc.FlagNewBlock != 0)
		if err != nil {
			return ch, nil, nil, err
		}
		n.leases.Add(clientName, ch.Status.FileID, n.now())
		r := result{st: ch.Status}
		if b := ch.LastBlock; b != nil {
			// The partial last block is written again: it goes back under
			// construction on the nodes that hold it (convertLastBlockToUC).
			r.last = &blocks.Located{Block: blocks.Extended{PoolID: n.blockPoolID, ID: b.ID, GenStamp: b.GenStamp, NumBytes: b.NumBytes},
				Offset: ch.Status.Length - b.NumBytes}
			var targets []blockmgmt.Target
			var rerr error
			n.bs.with(func(m *blockmgmt.Manager) { targets, rerr = m.ReopenForAppend(b.ID, n.now()) })
			if rerr != nil {
				n.log.Warn("reopening the last block for append", "block", b.ID, "err", rerr)
			}
			r.last = n.targetsLocated(r.last.Block, r.last.Offset, targets)
		}
		return ch, nil, r, nil
	})
	r, _ := v.(result)
	return r.last, r.st, err
}

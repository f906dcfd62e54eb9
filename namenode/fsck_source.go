package namenode

import (
	"context"
	"fmt"
	"path"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/namenode/fsck"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// fsckSource is what /fsck reads: the namespace as the superuser sees it,
// and the block manager's replicas. Each call takes the locks it needs
// and lets go, as NamenodeFsck takes its read lock per listing.
type fsckSource struct{ n *Namesystem }

func (s fsckSource) super() namespace.Op { return namespace.Op{User: s.n.cfg.User} }

func (s fsckSource) Cluster() fsck.Cluster {
	c := fsck.Cluster{BlockPoolID: s.n.blockPoolID, DefaultReplication: s.n.cfg.HDFS.Replication,
		MinReplication: s.n.cfg.HDFS.MinReplication}
	racks := map[string]bool{}
	s.n.bs.with(func(m *blockmgmt.Manager) {
		for _, d := range m.Report(blocks.ReportLive) {
			c.LiveDataNodes++
			racks[d.Location] = true
		}
		c.EverMultiRack = m.EverMultiRack()
	})
	c.Racks, c.NonEmptyRacks = max(len(racks), 1), len(racks)
	return c
}

func inodeOf(st *namespace.FileStatus) fsck.Inode {
	in := fsck.Inode{Name: string(st.Name), Length: st.Length, Replication: int(st.Replication)}
	switch st.Type {
	case namespace.TypeFile:
		in.Kind = fsck.File
	case namespace.TypeSymlink:
		in.Kind = fsck.Symlink
	default:
		in.Kind = fsck.Dir
	}
	if p := namespace.PolicyByID(st.StoragePolicy); p != nil {
		in.StoragePolicy = p.Name
	} else {
		in.StoragePolicy = "HOT"
	}
	return in
}

func (s fsckSource) Stat(p string) (fsck.Inode, bool, error) {
	st, err := s.n.tree.GetFileInfo(s.super(), p, false)
	if err != nil || st == nil {
		return fsck.Inode{}, false, err
	}
	in := inodeOf(st)
	in.Name = ""
	return in, true, nil
}

func (s fsckSource) List(dir string) ([]fsck.Inode, error) {
	var out []fsck.Inode
	var after []byte
	for {
		l, err := s.n.tree.GetListing(s.super(), dir, after)
		if err != nil {
			if isNotFound(err) {
				return nil, nil
			}
			return nil, err
		}
		if l == nil {
			return out, nil
		}
		for i := range l.Entries {
			out = append(out, inodeOf(&l.Entries[i]))
		}
		if l.Remaining == 0 || len(l.Entries) == 0 {
			return out, nil
		}
		after = []byte(l.Entries[len(l.Entries)-1].Name)
	}
}

// replicasOf lists a block's replicas with their nodes: the readable ones
// and the ones marked corrupt.
func replicasOf(m *blockmgmt.Manager, id int64, lb blocks.Located) []fsck.Replica {
	var out []fsck.Replica
	for i, d := range lb.Locs {
		r := fsck.Replica{Node: fsckNode(d)}
		if i < len(lb.Storage) {
			r.StorageID, r.StorageType = lb.Storage[i].ID, lb.Storage[i].Type.String()
		}
		r.Corrupt = lb.Corrupt
		out = append(out, r)
	}
	if !lb.Corrupt {
		for _, d := range m.CorruptReplicas(id) {
			out = append(out, fsck.Replica{Node: fsck.DataNode{IP: d.IPAddr, XferPort: d.XferPort, HostName: d.HostName},
				Corrupt: true, StorageType: "DISK"})
		}
	}
	return out
}

func fsckNode(d blocks.DatanodeInfo) fsck.DataNode {
	n := fsck.DataNode{IP: d.IPAddr, XferPort: d.XferPort, HostName: d.HostName, Rack: d.Location, UpgradeDomain: d.UpgradeDomain}
	switch d.AdminState {
	case blocks.DecommissionInProgress:
		n.Admin = fsck.Decommissioning
	case blocks.Decommissioned:
		n.Admin = fsck.Decommissioned
	case blocks.EnteringMaintenance:
		n.Admin = fsck.EnteringMaintenance
	case blocks.InMaintenance:
		n.Admin = fsck.InMaintenance
	}
	return n
}

func (s fsckSource) Blocks(p string) (fsck.FileBlocks, bool, error) {
	op := s.super()
	st, err := s.n.tree.GetFileInfo(op, p, false)
	if err != nil || st == nil || st.Type != namespace.TypeFile {
		return fsck.FileBlocks{}, false, err
	}
	var bs []namespace.Block
	if isSnapshotPath(p) {
		if bs, err = s.n.tree.BlocksAt(op, p); err != nil {
			return fsck.FileBlocks{}, false, err
		}
	} else {
		bs = s.n.tree.Blocks(st.FileID)
	}
	var fb fsck.FileBlocks
	now := s.n.now()
	s.n.bs.with(func(m *blockmgmt.Manager) {
		for i, b := range bs {
			blk := fsck.Block{ID: b.ID, GenStamp: b.GenStamp, Len: b.NumBytes}
			if lb, err := m.Locate(b.ID, "", now); err == nil {
				blk.Replicas = replicasOf(m, b.ID, lb)
			}
			if !b.Complete && i == len(bs)-1 && !isSnapshotPath(p) {
				fb.UnderConstruction = true
				last := blk
				fb.UCLast = &last
				continue
			}
			fb.Blocks = append(fb.Blocks, blk)
		}
	})
	if _, open := s.n.leases.Holder(st.FileID); open && !isSnapshotPath(p) {
		fb.UnderConstruction = true
	}
	return fb, true, nil
}

func (s fsckSource) SnapshottableDirs() ([]string, error) {
	dirs, err := s.n.tree.GetSnapshottableDirListing(s.super())
	if err != nil {
		return nil, err
	}
	out := make([]string, len(dirs))
	for i, d := range dirs {
		if d.ParentFullPath == "" {
			out[i] = "/"
		} else {
			out[i] = path.Join(d.ParentFullPath, string(d.Status.Name))
		}
	}
	return out, nil
}

func (s fsckSource) Block(id int64) (fsck.BlockOwner, bool, error) {
	var fileID int64
	var ok bool
	s.n.bs.with(func(m *blockmgmt.Manager) { fileID, ok = m.FileOf(id) })
	if !ok {
		return fsck.BlockOwner{}, false, nil
	}
	p, found := s.n.tree.PathOf(fileID)
	if !found {
		return fsck.BlockOwner{}, false, nil
	}
	st, err := s.n.tree.GetFileInfo(s.super(), p, false)
	if err != nil || st == nil {
		return fsck.BlockOwner{}, false, err
	}
	owner := fsck.BlockOwner{Path: p, ExpectedReplicas: int(st.Replication)}
	for _, b := range s.n.tree.Blocks(fileID) {
		if b.ID != id {
			continue
		}
		owner.Block = fsck.Block{ID: b.ID, GenStamp: b.GenStamp, Len: b.NumBytes}
		s.n.bs.with(func(m *blockmgmt.Manager) {
			if lb, err := m.Locate(id, "", s.n.now()); err == nil {
				owner.Block.Replicas = replicasOf(m, id, lb)
			}
		})
	}
	return owner, true, nil
}

// Delete is fsck -delete on one corrupt file: the NameNode's recursive
// delete as the user who ran fsck, logged as NamenodeFsck logs it.
func (s fsckSource) Delete(user, p string) error {
	ctx := hadooprpc.ContextWithCaller(context.Background(), hadooprpc.Caller{User: user, RetryCount: -1})
	if _, err := s.n.Delete(ctx, p, true); err != nil {
		s.n.log.Error("Fsck: error deleting corrupted file "+p, "err", err)
		return err
	}
	s.n.log.Info("Fsck: deleted corrupt file " + p)
	return nil
}

// Rescan is fsck -replicate: processMisReplicatedBlocks on the blocks fsck
// found badly placed.
func (s fsckSource) Rescan(ids []int64) (int, error) {
	var n int
	s.n.bs.with(func(m *blockmgmt.Manager) { n = m.Rescan(ids, s.n.now()) })
	if n < len(ids) {
		s.n.log.Warn(fmt.Sprintf("Fsck: Block manager is able to process only %d mis-replicated blocks (Total count : %d )", n, len(ids)))
	}
	return n, nil
}

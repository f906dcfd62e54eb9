package namenode

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"strings"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/qjournal/client"
)

// The shared edit log: a qjournal:// URI in dfs.namenode.edits.dir or
// dfs.namenode.shared.edits.dir puts every segment on a quorum of
// JournalNodes besides the local edits directories (Hadoop's JournalSet
// with a required QuorumJournalManager).

// isQJournal reports whether an edits dir setting names JournalNodes.
func isQJournal(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "qjournal://") }

// splitEditsDirs takes the qjournal:// entries out of an edits dir list.
func splitEditsDirs(dirs []string) (local []string, shared []string) {
	for _, d := range dirs {
		if isQJournal(d) {
			shared = append(shared, strings.TrimSpace(d))
		} else {
			local = append(local, d)
		}
	}
	return local, shared
}

// sharedManager connects to the JournalNodes of cfg.SharedEdits with the
// storage's identity, or returns nil when there is no shared edit log.
func sharedManager(c *conf.Conf, cfg Config, v storage.Version, log *slog.Logger) (*client.Manager, error) {
	if cfg.SharedEdits == "" {
		return nil, nil
	}
	qc, err := client.ConfigFrom(c, cfg.SharedEdits, "")
	if err != nil {
		return nil, fmt.Errorf("namenode: %s: %w", cfg.SharedEdits, err)
	}
	qc.Logger = log
	qc.Namespace = client.NamespaceInfo{LayoutVersion: storage.LayoutVersion, NamespaceID: uint32(v.NamespaceID),
		ClusterID: v.ClusterID, CTime: uint64(v.CTime), BlockPoolID: v.BlockPoolID,
		BuildVersion: "hdfsd", SoftwareVersion: softwareVersion}
	return client.New(qc), nil
}

// formatShared formats the JournalNodes for a new namespace, asking first
// when they hold data (FSImage.format → QuorumJournalManager.format).
func formatShared(ctx context.Context, c *conf.Conf, cfg Config, v storage.Version, opt storage.FormatOptions, log *slog.Logger) error {
	m, err := sharedManager(c, cfg, v, log)
	if m == nil || err != nil {
		return err
	}
	defer m.Close()
	has, err := m.HasSomeData(ctx)
	if err != nil {
		return fmt.Errorf("namenode: asking the JournalNodes of %s whether they hold data: %w", cfg.SharedEdits, err)
	}
	if has && !opt.Force {
		if opt.NonInteractive || opt.Confirm == nil || !opt.Confirm("Re-format filesystem in QJM to "+cfg.SharedEdits+" ?") {
			return fmt.Errorf("namenode: the JournalNodes of %s hold data; format aborted", cfg.SharedEdits)
		}
	}
	if err := m.Format(ctx, has); err != nil {
		return fmt.Errorf("namenode: formatting the JournalNodes of %s: %w", cfg.SharedEdits, err)
	}
	log.Info("Formatted the shared edit log", "uri", cfg.SharedEdits)
	return nil
}

// remoteSegments fetches the finalized segments the JournalNodes hold from
// txid from on and lays them out in an in-memory file system, so that they
// replay as local segments do.
func remoteSegments(ctx context.Context, m *client.Manager, from int64) (storage.FS, []storage.Segment, error) {
	srcs, err := m.SelectSegments(ctx, uint64(max(from, 1)), false, true)
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].Start < srcs[j].Start })
	fsys := storage.NewMemFS()
	dir := storage.Dir{Root: "/qjournal"}
	var segs []storage.Segment
	for _, src := range srcs {
		if src.InProgress || int64(src.End) < from {
			continue
		}
		b, err := m.ReadSegment(ctx, src)
		if err != nil {
			return nil, nil, fmt.Errorf("namenode: reading segment %d-%d from the JournalNodes: %w", src.Start, src.End, err)
		}
		name := storage.EditsName(int64(src.Start), int64(src.End))
		fsys.WriteFile(path.Join(dir.Current(), name), b)
		segs = append(segs, storage.Segment{First: int64(src.Start), Last: int64(src.End),
			Copies: []storage.SegmentFile{{Dir: dir, File: name, Last: int64(src.End)}}})
	}
	return fsys, segs, nil
}

// InitializeSharedEdits is `namenode -initializeSharedEdits`: it formats
// the JournalNodes of the shared edits dir with this NameNode's storage
// identity and copies there the edit log segments after the newest image
// (NameNode.initializeSharedEdits), so that a NameNode switched to a
// shared edit log finds its history on the JournalNodes.
func InitializeSharedEdits(ctx context.Context, cfg Config, opt storage.FormatOptions, log *slog.Logger) error {
	if cfg.SharedEdits == "" {
		return fmt.Errorf("namenode: no shared edits dir is configured (%s or a qjournal:// %s)",
			conf.KeyNameNodeSharedEditsDir, conf.KeyNameNodeEditsDir)
	}
	fsys := storage.OSFS
	dirs := storage.NewDirs(cfg.NameDirs, cfg.EditsDirs)
	st, err := storage.Load(fsys, dirs)
	if err != nil {
		return err
	}
	defer st.Close()
	scan := journal.Scanner(fsys)
	if err := st.Recover(scan, 0); err != nil {
		return err
	}
	plan, err := st.Inspect(scan, storage.InspectOptions{})
	if err != nil {
		return err
	}
	if len(plan.Images) == 0 {
		return fmt.Errorf("namenode: no image to start the shared edit log from")
	}
	if err := formatShared(ctx, cfg.conf, cfg, st.Version, opt, log); err != nil {
		return err
	}
	m, err := sharedManager(cfg.conf, cfg, st.Version, log)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := m.RecoverUnfinalizedSegments(ctx); err != nil {
		return err
	}
	from := plan.Images[0].TxID + 1
	for _, seg := range plan.Segments {
		if seg.InProgress || seg.Last < from {
			continue
		}
		if err := copySegment(ctx, fsys, m, seg, from); err != nil {
			return err
		}
		log.Info("Copied an edit log segment to the shared edit log", "first", seg.First, "last", seg.Last)
	}
	return nil
}

// copySegment writes seg's ops from txid from on to the JournalNodes as a
// segment of their own.
func copySegment(ctx context.Context, fsys storage.FS, m *client.Manager, seg storage.Segment, from int64) error {
	var stream *client.Stream
	_, err := journal.Replay(fsys, []storage.Segment{seg}, max(seg.First, from), func(op *editlog.Op) error {
		var err error
		if stream == nil {
			if stream, err = m.StartLogSegment(ctx, uint64(op.TxID), storage.LayoutVersion); err != nil {
				return err
			}
		}
		rec, err := editlog.AppendRecord(nil, op, storage.LayoutVersion)
		if err != nil {
			return err
		}
		return stream.Write(uint64(op.TxID), rec)
	})
	if err != nil {
		return fmt.Errorf("namenode: copying segment %d-%d to the shared edit log: %w", seg.First, seg.Last, err)
	}
	if stream == nil {
		return nil
	}
	return stream.Finalize(ctx)
}

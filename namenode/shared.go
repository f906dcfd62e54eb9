package namenode

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"strings"

	"github.com/hdfsd/hdfsd/conf"
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
func sharedManager(c *conf.Conf, cfg Config, v storage.Version) (*client.Manager, error) {
	if cfg.SharedEdits == "" {
		return nil, nil
	}
	qc, err := client.ConfigFrom(c, cfg.SharedEdits, "")
	if err != nil {
		return nil, fmt.Errorf("namenode: %s: %w", cfg.SharedEdits, err)
	}
	qc.Namespace = client.NamespaceInfo{LayoutVersion: storage.LayoutVersion, NamespaceID: uint32(v.NamespaceID),
		ClusterID: v.ClusterID, CTime: uint64(v.CTime), BlockPoolID: v.BlockPoolID,
		BuildVersion: "hdfsd", SoftwareVersion: softwareVersion}
	return client.New(qc), nil
}

// formatShared formats the JournalNodes for a new namespace, asking first
// when they hold data (FSImage.format → QuorumJournalManager.format).
func formatShared(ctx context.Context, c *conf.Conf, cfg Config, v storage.Version, opt storage.FormatOptions, log *slog.Logger) error {
	m, err := sharedManager(c, cfg, v)
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

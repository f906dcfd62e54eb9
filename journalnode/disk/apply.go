package disk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Apply carries out acts in order and stops at the first failure.
// CacheEdits is left to the caller.
func (d *Dir) Apply(ctx context.Context, acts []core.Action) error {
	for _, a := range acts {
		if err := d.apply(ctx, a); err != nil {
			return fmt.Errorf("journalnode: %s in %s: %w", a.Op, d.root, err)
		}
	}
	return nil
}

func (d *Dir) apply(ctx context.Context, a core.Action) error {
	switch a.Op {
	case core.PersistPromised:
		return storage.WriteFileAtomic(d.fs, d.current(FilePromised), longFile(a.Value))
	case core.PersistWriter:
		return storage.WriteFileAtomic(d.fs, d.current(FileWriter), longFile(a.Value))
	case core.PersistCommitted:
		return d.writeCommitted(a.Value)
	case core.FormatDir:
		return d.format(a.Storage)
	case core.CreateSegment:
		return d.create(a.Start, a.LayoutVersion)
	case core.WriteRecords:
		if d.open == nil || d.open.start != a.Start {
			return errNoSegment
		}
		return d.open.write(a.Data, a.Sync)
	case core.CloseSegment:
		return d.closeSegment(a.Start, a.End)
	case core.AbortSegment:
		d.abort()
		return nil
	case core.FinalizeFile:
		return d.rename(storage.InProgressName(a.Start), storage.EditsName(a.Start, a.End), true)
	case core.MoveAside:
		name := storage.InProgressName(a.Start)
		if a.Segment != (core.Segment{}) && !a.Segment.InProgress {
			name = storage.EditsName(a.Segment.Start, a.Segment.End)
		}
		return d.rename(name, name+a.Suffix, false)
	case core.RemoveSegment:
		name := storage.EditsName(a.Segment.Start, a.Segment.End)
		if a.Segment.InProgress {
			name = storage.InProgressName(a.Segment.Start)
		}
		return d.remove(d.current(name))
	case core.DeletePaxos:
		return d.remove(d.current(DirPaxos, fmt.Sprint(a.Start)))
	case core.PersistPaxos:
		if err := d.fs.MkdirAll(d.current(DirPaxos), 0o755); err != nil {
			return err
		}
		return storage.WriteFileAtomic(d.fs, d.current(DirPaxos, fmt.Sprint(a.Paxos.Segment.Start)), PaxosFile(a.Paxos))
	case core.Download:
		return d.download(ctx, a.URL, d.current(syncTmpName(a.Start, a.Value)))
	case core.ReplaceInProgress:
		return d.rename(syncTmpName(a.Start, a.Value), storage.InProgressName(a.Start), false)
	case core.CacheEdits:
		return nil
	case core.PreUpgradeDir:
		return d.preUpgrade()
	case core.UpgradeDir:
		return d.upgrade(a.Storage)
	case core.FinalizeDir:
		return d.finalize()
	case core.RollbackDir:
		return d.rollback()
	}
	return fmt.Errorf("unknown action %d", a.Op)
}

func (d *Dir) writeSynced(name string, data []byte) error {
	f, err := d.fs.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (d *Dir) remove(name string) error {
	if err := d.fs.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return d.fs.SyncDir(filepath.Dir(name))
}

// rename renames within current/; with mustNotExist it refuses to
// replace an existing file (FileJournalManager.finalizeLogSegment).
func (d *Dir) rename(from, to string, mustNotExist bool) error {
	if mustNotExist {
		if _, err := d.fs.Stat(d.current(to)); err == nil {
			return fmt.Errorf("can't finalize edits file %s since finalized file %s already exists", d.current(from), d.current(to))
		}
	}
	if err := d.fs.Rename(d.current(from), d.current(to)); err != nil {
		return err
	}
	return d.fs.SyncDir(d.current())
}

// format is JNStorage.format: lock (creating the root), clear current/,
// write VERSION, create paxos/.
func (d *Dir) format(si core.StorageInfo) error {
	d.abort()
	if err := d.fs.MkdirAll(d.root, 0o755); err != nil {
		return err
	}
	if d.lock == nil {
		l, err := storage.LockDir(d.fs, d.root)
		if err != nil {
			return err
		}
		d.lock = l
	}
	if err := storage.ClearCurrent(d.fs, d.root); err != nil {
		return err
	}
	if err := d.writeSynced(d.current(storage.FileVersion), VersionFile(si, d.now())); err != nil {
		return err
	}
	if err := d.fs.MkdirAll(d.current(DirPaxos), 0o755); err != nil {
		return err
	}
	return d.fs.SyncDir(d.current())
}

// create starts edits_inprogress_<start>: header, preallocated, synced,
// its name durable.
func (d *Dir) create(start int64, lv int32) error {
	d.abort()
	p := d.current(storage.InProgressName(start))
	f, err := d.fs.Create(p)
	if err != nil {
		return err
	}
	s := &segment{SegmentFile: journal.NewSegmentFile(f), start: start, path: p}
	if err := s.write(journal.SegmentHeader(lv), true); err != nil {
		f.Close()
		return err
	}
	if err := d.fs.SyncDir(d.current()); err != nil {
		f.Close()
		return err
	}
	d.open = s
	return nil
}

// closeSegment truncates the open segment, closes it and renames it.
func (d *Dir) closeSegment(start, end int64) error {
	s := d.open
	if s == nil || s.start != start {
		return errNoSegment
	}
	d.open = nil
	if err := s.truncate(); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	return d.rename(storage.InProgressName(start), storage.EditsName(start, end), true)
}

func (d *Dir) download(ctx context.Context, url, to string) error {
	if d.fetch == nil {
		return errors.New("no way to download segments")
	}
	f, err := d.fs.Create(to)
	if err != nil {
		return err
	}
	if err := d.fetch(ctx, url, f); err != nil {
		f.Close()
		d.fs.Remove(to)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return d.fs.SyncDir(d.current())
}

// DownloadSynced fetches a segment copied from a peer into edits.sync/
// (JournalNodeSyncer) and returns its path. It touches no file the
// journal's calls use, so it runs without the journal's lock.
func (d *Dir) DownloadSynced(ctx context.Context, url string, seg core.Segment) (string, error) {
	dir := filepath.Join(d.root, DirEditsSync)
	if err := d.fs.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, storage.EditsName(seg.Start, seg.End))
	f, err := d.fs.Create(tmp)
	if err != nil {
		return "", err
	}
	err = d.fetch(ctx, url, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		d.fs.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// MoveSynced moves a downloaded segment into current/; the caller has
// checked with the core that it may.
func (d *Dir) MoveSynced(tmp string, seg core.Segment) error {
	if err := d.fs.Rename(tmp, d.current(storage.EditsName(seg.Start, seg.End))); err != nil {
		return err
	}
	return d.fs.SyncDir(d.current())
}

// writeCommitted records the committed txid as Hadoop's BestEffortLongFile
// does: in place, in a file kept open, without an fsync (the value is only
// a hint for readers; recovery never depends on it).
func (d *Dir) writeCommitted(v int64) error {
	if d.committed == nil {
		f, err := d.fs.Create(d.current(FileCommitted))
		if err != nil {
			return err
		}
		rf, ok := f.(storage.RandomFile)
		if !ok {
			f.Close()
			return d.writeSynced(d.current(FileCommitted), committedFile(v))
		}
		d.committed = rf
	}
	if _, err := d.committed.WriteAt(committedFile(v), 0); err != nil {
		d.committed.Close()
		d.committed = nil
		return err
	}
	return nil
}

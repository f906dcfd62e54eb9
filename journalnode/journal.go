package journalnode

import (
	"context"
	"log/slog"
	"sync"

	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/journalnode/disk"
)

// journal is one journal id: its core, its directory and its cache, under
// one lock that orders the calls.
type journal struct {
	id  string
	log *slog.Logger

	mu struct {
		sync.Mutex
		core  *core.Journal // nil after a failed reload
		err   error         // why core is nil
		dir   *disk.Dir
		cache *core.Cache // nil: in-progress tailing is off
	}
}

func openJournal(id string, dir *disk.Dir, cacheBytes int, log *slog.Logger) *journal {
	j := &journal{id: id, log: log}
	j.mu.dir = dir
	if cacheBytes > 0 {
		j.mu.cache = core.NewCache(cacheBytes)
	}
	j.mu.Lock()
	j.reloadLocked()
	j.mu.Unlock()
	return j
}

// reloadLocked rebuilds the core from the directory.
func (j *journal) reloadLocked() {
	st, err := j.mu.dir.Load()
	if err != nil {
		j.mu.core, j.mu.err = nil, err
		j.log.Error("journal unavailable", "jid", j.id, "err", err)
		return
	}
	c, acts := core.Load(j.id, j.mu.dir.Root(), st)
	if err := j.mu.dir.Apply(context.Background(), acts); err != nil {
		j.mu.core, j.mu.err = nil, err
		return
	}
	j.mu.core, j.mu.err = c, nil
}

// do runs fn on the core and carries its actions out; see the package doc.
func (j *journal) do(ctx context.Context, fn func(c *core.Journal) ([]core.Action, error)) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.doLocked(ctx, fn)
}

func (j *journal) doLocked(ctx context.Context, fn func(c *core.Journal) ([]core.Action, error)) error {
	if j.mu.core == nil {
		j.reloadLocked()
		if j.mu.core == nil {
			return j.mu.err
		}
	}
	acts, err := fn(j.mu.core)
	if aerr := j.mu.dir.Apply(ctx, acts); aerr != nil {
		j.log.Warn("journal action failed; reloading from disk", "jid", j.id, "err", aerr)
		j.reloadLocked() // closes the open segment, rereads the disk
		return aerr
	}
	for _, a := range acts {
		if a.Op == core.CacheEdits && j.mu.cache != nil {
			j.mu.cache.Store(a.Data, a.Start, a.End, a.LayoutVersion)
		}
		if a.Op == core.FormatDir && j.mu.cache != nil {
			j.mu.cache = core.NewCache(j.mu.cache.Capacity())
		}
	}
	return err
}

// doReload is do, then the core is rebuilt from the directory and the
// cache emptied, as after a rollback current/ holds other edits.
func (j *journal) doReload(ctx context.Context, fn func(c *core.Journal) ([]core.Action, error)) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.doLocked(ctx, fn); err != nil {
		return err
	}
	if j.mu.cache != nil {
		j.mu.cache = core.NewCache(j.mu.cache.Capacity())
	}
	j.reloadLocked()
	return j.mu.err
}

// read runs fn on the core without actions.
func (j *journal) read(fn func(c *core.Journal) error) error {
	return j.do(context.Background(), func(c *core.Journal) ([]core.Action, error) { return nil, fn(c) })
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.mu.dir.Close()
}

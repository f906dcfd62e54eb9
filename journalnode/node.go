package journalnode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/journalnode/disk"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// node is the set of journals of one JournalNode; it implements
// jnrpc.Service.
type node struct {
	fs         storage.FS
	editsDir   string
	nsDir      func(ns string) (string, bool) // dfs.journalnode.edits.dir.<nameservice> (nil: none)
	listedNS   []string                       // the configuration's nameservices, whose dirs are opened at start
	cacheBytes int                            // 0: getJournaledEdits is off
	log        *slog.Logger
	fetch      disk.Fetcher
	now        func() time.Time
	httpPort   func() int
	httpURI    func() string

	mu struct {
		sync.Mutex
		journals map[string]*journal
		closed   bool
	}
}

var _ jnrpc.Service = (*node)(nil)

func coreErr(k core.Kind, msg string) error { return &core.Error{Kind: k, Msg: msg} }

// checkJournalID is QuorumJournalManager.checkJournalId.
func checkJournalID(jid string) error {
	if jid == "" || strings.Contains(jid, "/") || strings.HasPrefix(jid, ".") {
		return coreErr(core.KindIllegalArgument, "bad journal id: "+jid)
	}
	return nil
}

// dirFor is JournalNode.getLogDir: the edits dir of nameservice nsid when
// one is configured, else the JournalNode's.
func (n *node) dirFor(nsid string) (string, error) {
	if nsid == "" || n.nsDir == nil {
		return n.editsDir, nil
	}
	d, ok := n.nsDir(nsid)
	if !ok {
		return n.editsDir, nil
	}
	if !filepath.IsAbs(d) {
		return "", coreErr(core.KindIllegalArgument, "Journal dir '"+d+"' should be an absolute path")
	}
	return d, nil
}

// journal returns the journal jid, opening its directory on first use:
// under the edits dir of nsid (the nameservice the caller named, "" when
// none) the first time, wherever it is afterwards.
func (n *node) journal(jid, nsid string) (*journal, error) {
	if err := checkJournalID(jid); err != nil {
		return nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.mu.closed {
		return nil, errors.New("journalnode: shutting down")
	}
	if j := n.mu.journals[jid]; j != nil {
		return j, nil
	}
	dir, err := n.dirFor(nsid)
	if err != nil {
		return nil, err
	}
	if dir != n.editsDir {
		if err := n.fs.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("journalnode: creating %s: %w", dir, err)
		}
	}
	d, err := disk.Open(n.fs, filepath.Join(dir, jid), n.fetch, n.now)
	if err != nil {
		return nil, err
	}
	j := openJournal(jid, d, n.cacheBytes, n.log)
	if n.mu.journals == nil {
		n.mu.journals = map[string]*journal{}
	}
	n.mu.journals[jid] = j
	return j, nil
}

// openExisting opens every journal directory already under the edits
// dirs, the per-nameservice ones included (Hadoop opens them lazily; the
// syncer and /getJournal need them).
func (n *node) openExisting() {
	for _, ns := range append([]string{""}, n.listedNS...) {
		dir, err := n.dirFor(ns)
		if err != nil {
			continue
		}
		names, err := n.fs.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, name := range names {
			if _, err := n.fs.Stat(filepath.Join(dir, name, storage.DirCurrent)); err == nil {
				n.journal(name, ns)
			}
		}
	}
}

func (n *node) list() []*journal {
	n.mu.Lock()
	defer n.mu.Unlock()
	ids := make([]string, 0, len(n.mu.journals))
	for id := range n.mu.journals {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]*journal, len(ids))
	for i, id := range ids {
		out[i] = n.mu.journals[id]
	}
	return out
}

func (n *node) close() error {
	n.mu.Lock()
	n.mu.closed = true
	js := n.mu.journals
	n.mu.Unlock()
	var errs []error
	for _, j := range js {
		errs = append(errs, j.close())
	}
	return errors.Join(errs...)
}

func (n *node) with(ctx context.Context, jid, nsid string, fn func(c *core.Journal) ([]core.Action, error)) error {
	j, err := n.journal(jid, nsid)
	if err != nil {
		return err
	}
	return j.do(ctx, fn)
}

// withReload is with, then the journal is read again from its directory
// (after moves that replace current/).
func (n *node) withReload(ctx context.Context, jid, nsid string, fn func(c *core.Journal) ([]core.Action, error)) error {
	j, err := n.journal(jid, nsid)
	if err != nil {
		return err
	}
	return j.doReload(ctx, fn)
}

func (n *node) HTTPPort() int   { return n.httpPort() }
func (n *node) HTTPURI() string { return n.httpURI() }

func (n *node) IsFormatted(ctx context.Context, jid, nsid string) (ok bool, err error) {
	err = n.with(ctx, jid, nsid, func(c *core.Journal) ([]core.Action, error) { ok = c.Formatted(); return nil, nil })
	return ok, err
}

func (n *node) LastPromised(ctx context.Context, jid, nsid string) (e int64, err error) {
	err = n.with(ctx, jid, nsid, func(c *core.Journal) (_ []core.Action, err error) { e, err = c.LastPromised(); return nil, err })
	return e, err
}

func (n *node) NewEpoch(ctx context.Context, jid, nsid string, ns core.StorageInfo, epoch int64) (last int64, ok bool, err error) {
	err = n.with(ctx, jid, nsid, func(c *core.Journal) (acts []core.Action, err error) {
		last, ok, acts, err = c.NewEpoch(ns, epoch)
		return acts, err
	})
	return last, ok, err
}

func (n *node) Format(ctx context.Context, jid, nsid string, ns core.StorageInfo, force bool) error {
	return n.with(ctx, jid, nsid, func(c *core.Journal) ([]core.Action, error) { return c.Format(ns, force) })
}

func (n *node) Journal(ctx context.Context, r jnrpc.Req, seg, first int64, num int, records []byte) error {
	return n.with(ctx, r.JournalID, r.NameServiceID, func(c *core.Journal) ([]core.Action, error) {
		return c.Journal(r.RequestInfo, seg, first, num, records)
	})
}

func (n *node) Heartbeat(ctx context.Context, r jnrpc.Req) error {
	return n.with(ctx, r.JournalID, r.NameServiceID, func(c *core.Journal) ([]core.Action, error) { return c.Heartbeat(r.RequestInfo) })
}

func (n *node) StartLogSegment(ctx context.Context, r jnrpc.Req, txid int64, lv int32) error {
	return n.with(ctx, r.JournalID, r.NameServiceID, func(c *core.Journal) ([]core.Action, error) {
		return c.StartLogSegment(r.RequestInfo, txid, lv)
	})
}

func (n *node) FinalizeLogSegment(ctx context.Context, r jnrpc.Req, start, end int64) error {
	return n.with(ctx, r.JournalID, r.NameServiceID, func(c *core.Journal) ([]core.Action, error) {
		return c.FinalizeLogSegment(r.RequestInfo, start, end)
	})
}

func (n *node) PurgeLogs(ctx context.Context, r jnrpc.Req, min int64) error {
	return n.with(ctx, r.JournalID, r.NameServiceID, func(c *core.Journal) ([]core.Action, error) { return c.PurgeLogs(r.RequestInfo, min) })
}

func (n *node) Manifest(ctx context.Context, jid, nsid string, since int64, inProgressOk bool) (m core.Manifest, err error) {
	err = n.with(ctx, jid, nsid, func(c *core.Journal) (_ []core.Action, err error) {
		m, err = c.Manifest(since, inProgressOk)
		return nil, err
	})
	return m, err
}

// JournaledEdits is Journal.getJournaledEdits.
func (n *node) JournaledEdits(ctx context.Context, jid, nsid string, since int64, max int) ([]byte, int, error) {
	j, err := n.journal(jid, nsid)
	if err != nil {
		return nil, 0, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.mu.cache == nil {
		return nil, 0, coreErr(core.KindIO, "The journal edits cache is not enabled, which is a requirement to fetch "+
			"journaled edits via RPC. Please enable it via dfs.ha.tail-edits.in-progress")
	}
	if j.mu.core == nil {
		return nil, 0, j.mu.err
	}
	highest := j.mu.core.HighestWritten()
	if since == highest+1 {
		return nil, 0, nil
	} else if since > highest+1 {
		return nil, 0, newerTxnID(highest, since)
	}
	return j.mu.cache.Retrieve(since, max)
}

func (n *node) PrepareRecovery(ctx context.Context, r jnrpc.Req, seg int64) (p core.Prepared, err error) {
	err = n.with(ctx, r.JournalID, r.NameServiceID, func(c *core.Journal) (acts []core.Action, err error) {
		p, acts, err = c.PrepareRecovery(r.RequestInfo, seg)
		return acts, err
	})
	return p, err
}

func (n *node) AcceptRecovery(ctx context.Context, r jnrpc.Req, seg core.Segment, url string) error {
	return n.with(ctx, r.JournalID, r.NameServiceID, func(c *core.Journal) ([]core.Action, error) {
		return c.AcceptRecovery(r.RequestInfo, seg, url)
	})
}

func (n *node) DiscardSegments(ctx context.Context, jid, nsid string, start int64) error {
	return n.with(ctx, jid, nsid, func(c *core.Journal) ([]core.Action, error) { return c.DiscardSegments(start) })
}

func (n *node) JournalCTime(ctx context.Context, jid, nsid string) (t int64, err error) {
	err = n.with(ctx, jid, nsid, func(c *core.Journal) ([]core.Action, error) {
		if !c.Formatted() {
			_, err := c.LastPromised() // the not-formatted error
			return nil, err
		}
		t = c.Storage().CTime
		return nil, nil
	})
	return t, err
}

// DoPreUpgrade sets current/ aside as previous.tmp (Journal.doPreUpgrade).
// The core keeps its view: current/ has no VERSION until DoUpgrade.
func (n *node) DoPreUpgrade(ctx context.Context, jid string) error {
	return n.with(ctx, jid, "", func(c *core.Journal) ([]core.Action, error) { return c.PreUpgrade(), nil })
}

// DoUpgrade completes the upgrade with si's layout and cTime
// (Journal.doUpgrade) and reloads the journal from the new current/.
func (n *node) DoUpgrade(ctx context.Context, jid string, si core.StorageInfo) error {
	return n.withReload(ctx, jid, "", func(c *core.Journal) ([]core.Action, error) { return c.Upgrade(si), nil })
}

// DoFinalize drops previous/ (Journal.doFinalize); without one it does
// nothing.
func (n *node) DoFinalize(ctx context.Context, jid, nsid string) error {
	return n.with(ctx, jid, nsid, func(c *core.Journal) ([]core.Action, error) { return c.Finalize(), nil })
}

// DoRollback puts previous/ back as current/ (Journal.doRollback) and
// reloads the journal from it.
func (n *node) DoRollback(ctx context.Context, jid, nsid string) error {
	return n.withReload(ctx, jid, nsid, func(c *core.Journal) ([]core.Action, error) { return c.Rollback(), nil })
}

// CanRollBack is NNUpgradeUtil.canRollBack on the journal's directory:
// false without previous/, true when previous/ holds targetLV. si and
// prev are only read into by Hadoop, never compared.
func (n *node) CanRollBack(ctx context.Context, jid, nsid string, _, _ core.StorageInfo, targetLV int32) (bool, error) {
	j, err := n.journal(jid, nsid)
	if err != nil {
		return false, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	prev, err := j.mu.dir.Previous()
	if err != nil {
		return false, err
	}
	return core.CanRollBack(prev, targetLV)
}

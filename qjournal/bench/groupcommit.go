package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/qjournal/client"
)

// GroupCommit measures what the NameNode sees: Clients goroutines each
// appending one op and waiting for it to be durable on a quorum, through
// the NameNode's own edit log (namenode/journal, group commit) writing to
// the JournalNodes as its only journal. The latency is per acknowledged
// op; the machine's fsync latency is measured beside it in dir.
type GroupCommit struct {
	Journals []string
	JID      string
	Clients  int
	Duration time.Duration
	Dir      string // where to measure the disk's fsync latency
}

// GroupReport is one group-commit run and its baseline.
type GroupReport struct {
	Report
	Fsync time.Duration // median write+fsync of 4 KiB in Dir
}

func (r GroupReport) String() string {
	return fmt.Sprintf("%s fsync_p50=%v p99_over_fsync=%.1f", r.Report, r.Fsync, float64(r.P99)/float64(max(r.Fsync, 1)))
}

// MeasureGroupCommit runs g.
func MeasureGroupCommit(ctx context.Context, g GroupCommit) (GroupReport, error) {
	fsync, err := fsyncLatency(g.Dir, 200)
	if err != nil {
		return GroupReport{}, err
	}
	uri := "qjournal://" + joinAddrs(g.Journals) + "/" + g.JID
	cfg, err := client.ConfigFrom(conf.New(), uri, "")
	if err != nil {
		return GroupReport{}, err
	}
	cfg.Namespace = client.NamespaceInfo{LayoutVersion: storage.LayoutVersion, NamespaceID: 4242, ClusterID: "CID-qjm-bench",
		CTime: 0, BlockPoolID: "BP-1-127.0.0.1-1", BuildVersion: "hdfsd", SoftwareVersion: "3.4.1"}
	m := client.New(cfg)
	defer m.Close()
	if err := m.Format(ctx, true); err != nil {
		return GroupReport{}, fmt.Errorf("bench: formatting %s: %w", uri, err)
	}
	if _, err := m.RecoverUnfinalizedSegments(ctx); err != nil {
		return GroupReport{}, err
	}
	j, err := journal.Open(storage.NewMemFS(), storage.NewDirs(nil, nil), 1,
		journal.Options{Remote: client.NewRemote(m, storage.LayoutVersion)})
	if err != nil {
		return GroupReport{}, err
	}
	defer j.Close()

	var mu sync.Mutex // orders appends, as the NameNode's mutation lock does
	lats := make([][]time.Duration, g.Clients)
	var txns int64
	var txMu sync.Mutex
	errs := make(chan error, g.Clients)
	start := time.Now()
	deadline := start.Add(g.Duration)
	var wg sync.WaitGroup
	for c := range g.Clients {
		wg.Go(func() {
			op := editlog.NewOp(editlog.OpMkdir)
			op.Path = fmt.Sprintf("/bench/c%d", c)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				mu.Lock()
				txid, err := j.Append(&op)
				mu.Unlock()
				if err == nil {
					err = j.Sync(ctx, txid)
				}
				if err != nil {
					errs <- err
					return
				}
				lats[c] = append(lats[c], time.Since(t0))
			}
			txMu.Lock()
			txns += int64(len(lats[c]))
			txMu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return GroupReport{}, err
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	return GroupReport{Report: report(all, txns, elapsed), Fsync: fsync}, nil
}

// fsyncLatency is the median of n writes of 4 KiB each followed by an
// fsync, in a file in dir.
func fsyncLatency(dir string, n int) (time.Duration, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "qjm-fsync-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	lat := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		if _, err := f.Write(buf); err != nil {
			return 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, err
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	return lat[len(lat)/2], nil
}

func joinAddrs(as []string) string {
	out := ""
	for i, a := range as {
		if i > 0 {
			out += ";"
		}
		out += a
	}
	return out
}

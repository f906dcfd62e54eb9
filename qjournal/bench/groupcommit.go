package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
// the JournalNodes as its only journal. Two latencies are kept: per batch
// (each journal call the edit log makes, from handing the batch to the
// Quorum Journal Manager to a quorum's acknowledgement) and per op (what a
// client waits: its append, then the batch in flight and its own). The
// disk's fsync latency (MeasureFsync) is measured in Dir immediately
// before the clients start.
type GroupCommit struct {
	Journals    []string
	JID         string
	Clients     int
	Duration    time.Duration
	Dir         string // where to measure the disk's fsync latency: the JournalNodes' disk
	FsyncRounds int    // 0: FsyncRounds
}

// GroupReport is one group-commit run and its baseline.
type GroupReport struct {
	Clients    int
	Txns       int64
	Elapsed    time.Duration
	TxnsPerSec float64
	Batches    int
	BatchTxns  int64 // transactions the batches carried (the segment's first op too)
	Batch, Op  Percentiles
	Fsync      Fsync
}

func (r GroupReport) String() string {
	per := 0.0
	if r.Batches > 0 {
		per = float64(r.BatchTxns) / float64(r.Batches)
	}
	q := float64(max(r.Fsync.Quorum.P99, 1))
	return fmt.Sprintf("clients=%d txns=%d elapsed_s=%.3f txns_per_s=%.0f batches=%d txns_per_batch=%.1f "+
		"batch_p50_us=%s batch_p99_us=%s batch_max_us=%s op_p50_us=%s op_p99_us=%s op_max_us=%s "+
		"fsync1_p50_us=%s fsync1_p99_us=%s qfsync_p50_us=%s qfsync_p99_us=%s "+
		"batch_p99_over_qfsync_p99=%.2f op_p99_over_qfsync_p99=%.2f",
		r.Clients, r.Txns, r.Elapsed.Seconds(), r.TxnsPerSec, r.Batches, per,
		us(r.Batch.P50), us(r.Batch.P99), us(r.Batch.Max), us(r.Op.P50), us(r.Op.P99), us(r.Op.Max),
		us(r.Fsync.Single.P50), us(r.Fsync.Single.P99), us(r.Fsync.Quorum.P50), us(r.Fsync.Quorum.P99),
		float64(r.Batch.P99)/q, float64(r.Op.P99)/q)
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/float64(time.Microsecond)) }

// timedRemote times each batch the edit log journals. The edit log makes
// one Write at a time (its flusher role), so lat needs no lock.
type timedRemote struct {
	journal.Remote
	lat  []time.Duration
	txns int64
}

func (r *timedRemote) Write(first int64, n int, records []byte) error {
	t0 := time.Now()
	err := r.Remote.Write(first, n, records)
	r.lat = append(r.lat, time.Since(t0))
	r.txns += int64(n)
	return err
}

// MeasureGroupCommit runs g.
func MeasureGroupCommit(ctx context.Context, g GroupCommit) (GroupReport, error) {
	uri := "qjournal://" + joinAddrs(g.Journals) + "/" + g.JID
	cfg, err := client.ConfigFrom(conf.New(), uri, "")
	if err != nil {
		return GroupReport{}, err
	}
	cfg.Namespace = client.NamespaceInfo{LayoutVersion: storage.LayoutVersion, NamespaceID: 4242, ClusterID: "CID-qjm-bench",
		CTime: 0, BlockPoolID: "BP-1-127.0.0.1-1", BuildVersion: "hdfsd", SoftwareVersion: "3.4.1"}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	m := client.New(cfg)
	defer m.Close()
	if err := m.Format(ctx, true); err != nil {
		return GroupReport{}, fmt.Errorf("bench: formatting %s: %w", uri, err)
	}
	if _, err := m.RecoverUnfinalizedSegments(ctx); err != nil {
		return GroupReport{}, err
	}
	remote := &timedRemote{Remote: client.NewRemote(m, storage.LayoutVersion)}
	j, err := journal.Open(storage.NewMemFS(), storage.NewDirs(nil, nil), 1, journal.Options{Remote: remote})
	if err != nil {
		return GroupReport{}, err
	}
	defer j.Close()
	rounds := g.FsyncRounds
	if rounds <= 0 {
		rounds = FsyncRounds
	}
	fsync, err := MeasureFsync(g.Dir, FsyncWriters, rounds, FsyncRecordBytes)
	if err != nil {
		return GroupReport{}, err
	}

	var mu sync.Mutex // orders appends, as the NameNode's mutation lock does
	lats := make([][]time.Duration, g.Clients)
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
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return GroupReport{}, err
	}
	var ops []time.Duration
	for _, l := range lats {
		ops = append(ops, l...)
	}
	r := GroupReport{Clients: g.Clients, Txns: int64(len(ops)), Elapsed: elapsed, Batches: len(remote.lat), BatchTxns: remote.txns,
		Batch: percentiles(remote.lat), Op: percentiles(ops), Fsync: fsync}
	if elapsed > 0 {
		r.TxnsPerSec = float64(r.Txns) / elapsed.Seconds()
	}
	return r, nil
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

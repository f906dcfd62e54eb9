package datanode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
)

// The block scanner (Hadoop's BlockScanner and VolumeScanner): one
// goroutine per volume reads every finalized replica of every block pool
// once per dfs.datanode.scan.period.hours, at no more than
// dfs.block.scanner.volume.bytes.per.second, and checks it against its
// .meta checksums. A replica that fails is reported to the NameNodes as
// bad. A rate of 0 or a negative period turns the scanner off.

// defaultScanPeriod is what a period of 0 means (504 hours).
const defaultScanPeriod = 21 * 24 * time.Hour

// scanChunk is how much of a replica is read and verified at a time.
const scanChunk = 64 << 10

// volumeScanner scans one volume. Its goroutine owns every field but
// wake, through which new block pools are announced.
type volumeScanner struct {
	ds     *fsdataset.Dataset
	vol    *fsdataset.Volume
	rate   int64 // bytes per second
	period time.Duration
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	log    *slog.Logger
	report func(bpid string, b fsdataset.Block, storageID string)
	wake   chan struct{} // capacity 1

	lastPass map[string]time.Time // per block pool: when its last full pass began
	// throttle state of the current pass
	passStart time.Time
	passBytes int64
}

func newVolumeScanner(d *Daemon, v *fsdataset.Volume) *volumeScanner {
	period := d.cfg.ScanPeriod
	if period == 0 {
		period = defaultScanPeriod
	}
	return &volumeScanner{ds: d.ds, vol: v, rate: d.cfg.ScanBytesPerSecond, period: period, now: d.now, sleep: d.sleep,
		log: d.log.With("volume", v.Root), report: d.reportBad, wake: make(chan struct{}, 1),
		lastPass: map[string]time.Time{}}
}

// scannerEnabled is BlockScanner.isEnabled.
func scannerEnabled(cfg Config) bool { return cfg.ScanBytesPerSecond > 0 && cfg.ScanPeriod >= 0 }

// run scans until ctx ends: each block pool when its period has passed,
// a new one at once.
func (s *volumeScanner) run(ctx context.Context) {
	for ctx.Err() == nil {
		if failed, _ := s.vol.Failed(); failed {
			return
		}
		next := s.scanDue(ctx)
		wait := next.Sub(s.now())
		if next.IsZero() || wait > s.period {
			wait = s.period
		}
		if wait <= 0 {
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-s.wake:
				cancel()
			case <-wctx.Done():
			}
		}()
		_ = s.sleep(wctx, wait)
		cancel()
	}
}

// scanDue scans every block pool whose pass is due and returns when the
// next one is (zero when no block pool is in service).
func (s *volumeScanner) scanDue(ctx context.Context) time.Time {
	var next time.Time
	for _, bpid := range s.ds.BlockPools() {
		if ctx.Err() != nil {
			return next
		}
		last, ok := s.lastPass[bpid]
		if !ok || !s.now().Before(last.Add(s.period)) {
			last = s.now()
			s.lastPass[bpid] = last
			s.scanPool(ctx, bpid)
		}
		if due := last.Add(s.period); next.IsZero() || due.Before(next) {
			next = due
		}
	}
	return next
}

// scanPool verifies every finalized replica of bpid on the volume, in
// block id order. It returns how many it found bad.
func (s *volumeScanner) scanPool(ctx context.Context, bpid string) int {
	var todo []fsdataset.Replica
	for _, r := range s.ds.Replicas(bpid) {
		if r.State == fsdataset.Finalized && s.ds.VolumeOf(r) == s.vol {
			todo = append(todo, r)
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].ID < todo[j].ID })
	s.passStart, s.passBytes = s.now(), 0
	bad := 0
	for _, r := range todo {
		if ctx.Err() != nil {
			return bad
		}
		err := s.verify(ctx, bpid, r.Block())
		switch {
		case err == nil, errors.Is(err, context.Canceled), errors.Is(err, fsdataset.ErrReplicaNotFound):
		case errors.Is(err, fsdataset.ErrCorrupt):
			bad++
			s.log.Warn("block scanner found a bad replica", "block", extBlock(bpid, r.Block()), "err", err)
			s.report(bpid, r.Block(), s.vol.StorageID())
		default:
			if _, still := s.ds.Get(bpid, r.ID); still {
				s.log.Info("Not reporting suspicious block", "block", extBlock(bpid, r.Block()), "err", err)
			}
		}
	}
	return bad
}

// verify reads a replica and checks its checksums, pacing the reads. A
// checksum mismatch or a data file shorter than the replica wraps
// fsdataset.ErrCorrupt.
func (s *volumeScanner) verify(ctx context.Context, bpid string, b fsdataset.Block) error {
	rd, err := s.ds.OpenRead(bpid, b)
	if err != nil {
		return err
	}
	defer rd.Close()
	bpc := int64(rd.Header.BytesPerChecksum)
	step := max(scanChunk/bpc, 1) * bpc
	length := rd.VisibleLength()
	buf := make([]byte, step)
	for off := int64(0); off < length; off += step {
		n := min(step, length-off)
		got, err := rd.Data.ReadAt(buf[:n], off)
		if int64(got) < n {
			if err == nil || errors.Is(err, io.EOF) {
				return fmt.Errorf("datanode: %s: %w: data file %s ends at %d, the replica has %d bytes",
					b, fsdataset.ErrCorrupt, rd.DataPath, off+int64(got), length)
			}
			return fmt.Errorf("datanode: reading %s: %w", rd.DataPath, err)
		}
		first := off / bpc
		sums, err := rd.Sums(first, rd.Header.Chunks(n))
		if err != nil {
			return fmt.Errorf("datanode: %s: %w: reading checksums from %s: %v", b, fsdataset.ErrCorrupt, rd.MetaPath, err)
		}
		if bad := rd.Header.Verify(buf[:n], sums); bad >= 0 {
			return fmt.Errorf("datanode: %s: %w: checksum error at offset %d of %s", b, fsdataset.ErrCorrupt, off+int64(bad), rd.DataPath)
		}
		if err := s.throttle(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// throttle keeps the pass at the configured rate: after n more bytes it
// sleeps until the pass's bytes would have taken that long at the rate.
func (s *volumeScanner) throttle(ctx context.Context, n int64) error {
	s.passBytes += n
	want := time.Duration(float64(s.passBytes) / float64(s.rate) * float64(time.Second))
	if ahead := want - s.now().Sub(s.passStart); ahead > 0 {
		return s.sleep(ctx, ahead)
	}
	return nil
}

// startScanners starts a volume scanner per healthy volume and the
// directory scanner.
func (d *Daemon) startScanners() {
	if scannerEnabled(d.cfg) {
		for _, v := range d.ds.Volumes() {
			if failed, _ := v.Failed(); failed {
				continue
			}
			s := newVolumeScanner(d, v)
			d.poolsMu.Lock()
			d.scanners = append(d.scanners, s)
			d.poolsMu.Unlock()
			d.goBg(func() { s.run(d.bgCtx) })
		}
	} else {
		d.log.Info("block scanner disabled", "bytesPerSecond", d.cfg.ScanBytesPerSecond, "period", d.cfg.ScanPeriod)
	}
	d.goBg(func() { d.runVolumeChecker(d.bgCtx) })
	if d.cfg.DirectoryScanInterval > 0 {
		d.goBg(func() { d.runDirScanner(d.bgCtx) })
	}
}

// wakeScanners tells the volume scanners a block pool came into service.
func (d *Daemon) wakeScanners() {
	d.poolsMu.Lock()
	defer d.poolsMu.Unlock()
	for _, s := range d.scanners {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

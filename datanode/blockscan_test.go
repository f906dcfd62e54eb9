package datanode

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
)

// fakeClock advances only when the code under test sleeps.
type fakeClock struct {
	t      time.Time
	slept  time.Duration
	sleeps int
}

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.t = c.t.Add(d)
	c.slept += d
	c.sleeps++
	return ctx.Err()
}

func openScanned(t *testing.T, dirs []string) *fsdataset.Dataset {
	t.Helper()
	ds, err := fsdataset.Open(fsdataset.Config{Locations: []fsdataset.Location{{Path: dirs[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Shutdown() })
	if err := ds.AddBlockPool(testNS); err != nil {
		t.Fatal(err)
	}
	return ds
}

// VolumeScanner reads no faster than dfs.block.scanner.volume.bytes.per.second.
func TestVolumeScannerPacesItsReadsToTheConfiguredRate(t *testing.T) {
	dirs := tempDirs(t, 1)
	for i := range 4 {
		putReplica(t, dirs, fsdataset.Block{ID: int64(100 + i), GenStamp: 1}, pattern(256<<10))
	}
	ds := openScanned(t, dirs)
	clk := &fakeClock{t: time.Unix(1000, 0)}
	var reported []int64
	s := &volumeScanner{ds: ds, vol: ds.Volumes()[0], rate: 1 << 20, period: time.Hour, now: clk.now, sleep: clk.sleep,
		log: slog.New(slog.DiscardHandler), wake: make(chan struct{}, 1), lastPass: map[string]time.Time{},
		report: func(_ string, b fsdataset.Block, _ string) { reported = append(reported, b.ID) }}
	if bad := s.scanPool(context.Background(), testBPID); bad != 0 || len(reported) != 0 {
		t.Fatalf("bad %d, reported %v", bad, reported)
	}
	// 1 MiB at 1 MiB/s: the pass takes one second of the scanner's clock.
	if clk.slept != time.Second {
		t.Errorf("slept %v in %d sleeps, want 1s", clk.slept, clk.sleeps)
	}
}

func TestVolumeScannerRescansOnlyAfterThePeriod(t *testing.T) {
	dirs := tempDirs(t, 1)
	data, _, _ := putReplica(t, dirs, fsdataset.Block{ID: 7, GenStamp: 1}, pattern(5000))
	ds := openScanned(t, dirs)
	clk := &fakeClock{t: time.Unix(1000, 0)}
	var reported []int64
	s := &volumeScanner{ds: ds, vol: ds.Volumes()[0], rate: 1 << 30, period: time.Hour, now: clk.now, sleep: clk.sleep,
		log: slog.New(slog.DiscardHandler), wake: make(chan struct{}, 1), lastPass: map[string]time.Time{},
		report: func(_ string, b fsdataset.Block, _ string) { reported = append(reported, b.ID) }}
	next := s.scanDue(context.Background())
	if want := time.Unix(1000, 0).Add(time.Hour); !next.Equal(want) {
		t.Errorf("next pass at %v, want %v", next, want)
	}
	flipByte(t, data, 4999)
	clk.t = clk.t.Add(59 * time.Minute)
	s.scanDue(context.Background())
	if len(reported) != 0 {
		t.Fatalf("rescanned before the period: %v", reported)
	}
	clk.t = clk.t.Add(time.Minute)
	s.scanDue(context.Background())
	if len(reported) != 1 || reported[0] != 7 {
		t.Fatalf("reported %v after the period, want [7]", reported)
	}
}

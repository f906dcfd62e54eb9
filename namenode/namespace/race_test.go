package namespace

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// TestReadersSeeWholeMutations runs readers against a writer that moves
// files between two directories: every read of the parent must count all
// the files, never one in both places or in neither.
func TestReadersSeeWholeMutations(t *testing.T) {
	tr := newTree(t)
	const files = 40
	mkdirs(t, tr, hdfs, "/x/b", 0755)
	for i := range files {
		touch(t, tr, hdfs, fmt.Sprintf("/x/a/f%02d", i))
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	defer func() {
		stop.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("read restarts %d, reads under the writer lock %d", tr.Stats().ReadRetries, tr.Stats().ReadFallbacks)
	}()
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 1))
			for !stop.Load() {
				if err := readOnce(tr, rng, files); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(99, 1))
	for i := range 3000 {
		f := fmt.Sprintf("f%02d", rng.IntN(files))
		from, to := "/x/a/", "/x/b/"
		if stat(t, tr, from+f) == nil {
			from, to = to, from
		}
		ok(t)(tr.Rename(at(hdfs, int64(i)), from+f, to+f, 0))
		if i%10 == 0 {
			touch(t, tr, hdfs, fmt.Sprintf("/y/%d", i))
			ok(t)(tr.Delete(hdfs, fmt.Sprintf("/y/%d", i), false))
		}
	}
}

func readOnce(tr *Tree, rng *rand.Rand, files int) error {
	switch rng.IntN(4) {
	case 0:
		cs, err := tr.GetContentSummary(hdfs, "/x")
		if err != nil || cs.FileCount != int64(files) || cs.DirectoryCount != 3 {
			return fmt.Errorf("summary of /x: %+v %v", cs, err)
		}
	case 1:
		a, err1 := tr.GetListing(hdfs, "/x/a", nil)
		if err1 != nil || a == nil {
			return fmt.Errorf("listing: %v", err1)
		}
	case 2:
		if _, err := tr.GetFileInfo(alice, fmt.Sprintf("/x/a/f%02d", rng.IntN(files)), true); err != nil {
			return err
		}
	case 3:
		tr.PathOf(RootID + int64(rng.IntN(files+5)))
		tr.Blocks(RootID + int64(rng.IntN(files+5)))
	}
	return nil
}

// TestReadersRunAlongsideRandomMutations has no invariant but the race
// detector's and the absence of panics.
func TestReadersRunAlongsideRandomMutations(t *testing.T) {
	tr := newTree(t)
	var stop atomic.Bool
	var wg sync.WaitGroup
	defer func() { stop.Store(true); wg.Wait() }()
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wl := &workload{rng: rand.New(rand.NewPCG(uint64(r), 7))}
			for !stop.Load() {
				p := wl.path()
				_, _ = tr.GetFileInfo(wl.op(), p, r%2 == 0)
				_, _ = tr.GetListing(wl.op(), p, nil)
				_, _ = tr.GetContentSummary(wl.op(), "/")
				_, _ = tr.GetQuotaUsage(wl.op(), p)
			}
		}()
	}
	wl := &workload{rng: rand.New(rand.NewPCG(5, 5))}
	for range 3000 {
		wl.step(tr)
	}
}

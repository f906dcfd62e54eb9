package journal

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// gateFS holds the next fsync until the test lets it go.
type gateFS struct {
	storage.FS
	mu      sync.Mutex
	hold    chan struct{} // closed by the test to let the held fsync finish
	entered chan struct{} // closed when an fsync is held
}

func (g *gateFS) Create(name string) (storage.File, error) {
	f, err := g.FS.Create(name)
	if err != nil {
		return nil, err
	}
	return &gateFile{RandomFile: f.(storage.RandomFile), g: g}, nil
}

// arm makes the next fsync wait.
func (g *gateFS) arm() (entered, release chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.hold, g.entered = make(chan struct{}), make(chan struct{})
	return g.entered, g.hold
}

type gateFile struct {
	storage.RandomFile
	g *gateFS
}

func (f *gateFile) Sync() error {
	f.g.mu.Lock()
	hold, entered := f.g.hold, f.g.entered
	f.g.hold = nil
	f.g.mu.Unlock()
	if hold != nil {
		close(entered)
		<-hold
	}
	return f.RandomFile.Sync()
}

// FSEditLog.logSync: while one flush is on the disk, the mutations that
// come in gather in the other buffer and the next flush takes them all.
// 64 writers cost 2 fsyncs: the first writer's, and one for the other 63.
func TestGroupCommitSharesOneFsync(t *testing.T) {
	mem, dirs := memDirs(t, 1)
	fsys := &gateFS{FS: mem}
	j := open(t, fsys, dirs, 1, Options{})
	before := j.Stats()

	entered, release := fsys.arm()
	first := make(chan error)
	go func() { first <- j.Sync(ctx, must(j.Append(setOwner("/first")))) }()
	<-entered // the first flush is on the disk

	var appended, done sync.WaitGroup
	errs := make(chan error, 63)
	for i := range 63 {
		appended.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			txid, err := j.Append(setOwner(fmt.Sprintf("/w%d", i)))
			appended.Done()
			if err == nil {
				err = j.Sync(ctx, txid)
			}
			errs <- err
		}()
	}
	appended.Wait()
	if got := j.LastSyncedTxID(); got != 1 {
		t.Errorf("synced %d while the first flush is held", got)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := j.Stats()
	if syncs := st.Syncs - before.Syncs; syncs != 2 || st.MaxBatch != 63 || j.LastSyncedTxID() != 65 {
		t.Errorf("%d flushes (want 2), largest batch %d (want 63), synced %d", syncs, st.MaxBatch, j.LastSyncedTxID())
	}
}

func must(txid int64, err error) int64 {
	if err != nil {
		panic(err)
	}
	return txid
}

// Many writers at full speed: every Sync returns with its txid durable.
func TestGroupCommitUnderLoad(t *testing.T) {
	fsys, dirs := memDirs(t, 2)
	j := open(t, fsys, dirs, 1, Options{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := range 100 {
				txid, err := j.Append(setOwner(fmt.Sprintf("/w%d/%d", w, i)))
				if err == nil {
					err = j.Sync(ctx, txid)
				}
				if err != nil {
					t.Error(err)
					return
				}
				if s := j.LastSyncedTxID(); s < txid {
					t.Errorf("Sync(%d) returned with %d synced", txid, s)
				}
			}
		})
	}
	wg.Wait()
	st := j.Stats()
	if st.Txns != 1601 || st.SyncedTxns != 1601 {
		t.Errorf("stats %+v", st)
	}
	t.Logf("%d txns in %d flushes (mean batch %.1f, largest %d)", st.Txns, st.Syncs, st.MeanBatch(), st.MaxBatch)
}

// Persist before acknowledge: whatever point the machine stops at, every
// txid whose Sync returned nil is there after the crash and the restart's
// recovery, with the op that was appended, and the log has no hole.
// Writers roll now and then so that crashes also hit finalization.
func TestAcknowledgedTxIDsSurviveACrash(t *testing.T) {
	// MemFS copies a file on every fsync: keep the files small.
	defer func(f []byte) { fill = f }(fill)
	fill = fill[:4096]
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		fsys, dirs := memDirs(t, 2)
		j := open(t, fsys, dirs, 1, Options{})
		fsys.CrashAfter(rng.IntN(200))

		var order sync.Mutex // the namesystem's ordering lock
		paths := map[int64]string{}
		var acked atomic.Int64
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				for i := range 30 {
					if w == 0 && i%10 == 9 {
						if _, err := j.Roll(); err != nil {
							return
						}
					}
					order.Lock()
					o := setOwner(fmt.Sprintf("/w%d/%d", w, i))
					txid, err := j.Append(o)
					if err == nil {
						paths[txid] = o.Path
					}
					order.Unlock()
					if err != nil || j.Sync(ctx, txid) != nil {
						return
					}
					for a := acked.Load(); a < txid && !acked.CompareAndSwap(a, txid); a = acked.Load() {
					}
				}
			})
		}
		wg.Wait()
		j.Abort()
		fsys.Crash()

		recoverDirs(t, fsys, storage.NewDirs(rootsOf(dirs), rootsOf(dirs)))
		fresh := storage.NewDirs(rootsOf(dirs), rootsOf(dirs))
		ops := replayAll(t, fsys, plan(t, fsys, fresh, false))
		last := int64(0)
		if len(ops) > 0 {
			last = ops[len(ops)-1].TxID
		}
		t.Logf("seed %d: acked %d survived %d", seed, acked.Load(), last)
		if last < acked.Load() {
			t.Errorf("seed %d: acknowledged txid %d, only %d survived", seed, acked.Load(), last)
		}
		for _, o := range ops {
			if o.Code == editlog.OpSetOwner && paths[o.TxID] != o.Path {
				t.Errorf("seed %d: txid %d is %s, was appended as %s", seed, o.TxID, o.Path, paths[o.TxID])
			}
		}
	}
}

// rootsOf lists every configured directory, failed ones included: after
// a restart they are all back in service.
func rootsOf(d *storage.Dirs) []string {
	var out []string
	for _, h := range d.Healthy() {
		out = append(out, h.Root)
	}
	for _, f := range d.Failures() {
		out = append(out, f.Dir.Root)
	}
	return out
}

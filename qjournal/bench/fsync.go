package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// Fsync is the machine's fsync latency as the JournalNodes meet it: each
// round writes RecordBytes into a preallocated segment file and fdatasyncs
// it, through the same segment code a JournalNode uses (journal.SegmentFile).
// Single is one writer alone; Quorum is Writers writers at once, each on its
// own file in the same directory (the JournalNodes of the benchmark share
// one disk), and a round's latency is the moment the quorum-th of them
// (Writers/2+1) is durable, counted from the round's start.
type Fsync struct {
	Single Percentiles
	Quorum Percentiles
}

// Percentiles of a set of latencies.
type Percentiles struct {
	N             int
	P50, P99, Max time.Duration
}

func percentiles(lat []time.Duration) Percentiles {
	if len(lat) == 0 {
		return Percentiles{}
	}
	slices.Sort(lat)
	return Percentiles{N: len(lat), P50: lat[len(lat)/2], P99: lat[(len(lat)*99)/100], Max: lat[len(lat)-1]}
}

// Defaults of MeasureFsync.
const (
	FsyncRounds      = 1000
	FsyncRecordBytes = 200
	FsyncWriters     = 3
)

// MeasureFsync measures Fsync in dir (the temp dir when empty): rounds
// rounds of one writer, then rounds rounds of writers writers.
func MeasureFsync(dir string, writers, rounds, recordBytes int) (Fsync, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	if writers <= 0 || rounds <= 0 || recordBytes <= 0 {
		return Fsync{}, fmt.Errorf("bench: fsync measurement needs positive writers, rounds and record size")
	}
	tmp, err := os.MkdirTemp(dir, "qjm-fsync-*")
	if err != nil {
		return Fsync{}, err
	}
	defer os.RemoveAll(tmp)
	// Each writer stands for a JournalNode process with a thread of its
	// own: with fewer Ps than writers, one would wait for the scheduler to
	// take a P back from a writer blocked in fdatasync.
	if p := runtime.GOMAXPROCS(0); p < writers+1 {
		runtime.GOMAXPROCS(writers + 1)
		defer runtime.GOMAXPROCS(p)
	}
	var f Fsync
	if f.Single, err = fsyncRounds(tmp, "single", 1, 1, rounds, recordBytes); err != nil {
		return Fsync{}, err
	}
	if f.Quorum, err = fsyncRounds(tmp, "quorum", writers, writers/2+1, rounds, recordBytes); err != nil {
		return Fsync{}, err
	}
	return f, nil
}

// fsyncRounds runs rounds rounds of writers concurrent write+fdatasync and
// returns the distribution of the quorum-th completion.
func fsyncRounds(dir, name string, writers, quorum, rounds, recordBytes int) (Percentiles, error) {
	type done struct {
		at  time.Time
		err error
	}
	start := make([]chan struct{}, writers)
	ends := make(chan done, writers)
	files := make([]*journal.SegmentFile, writers)
	defer func() {
		for i := range writers {
			close(start[i]) // the writer goroutine, waiting for a round, ends
			if files[i] != nil {
				files[i].Close()
			}
		}
	}()
	for i := range writers {
		start[i] = make(chan struct{})
	}
	rec := make([]byte, recordBytes)
	for i := range writers {
		f, err := storage.OSFS.Create(filepath.Join(dir, fmt.Sprintf("%s-%d", name, i)))
		if err != nil {
			return Percentiles{}, err
		}
		files[i] = journal.NewSegmentFile(f)
		// The header and a first preallocation, synced, as a JournalNode
		// starts a segment; the rounds then stay inside the padding.
		if _, err := files[i].Write(journal.SegmentHeader(-67)); err != nil {
			return Percentiles{}, err
		}
		if err := files[i].Sync(); err != nil {
			return Percentiles{}, err
		}
		go func(s *journal.SegmentFile, start <-chan struct{}) {
			for range start {
				grew, err := s.Write(rec)
				if err == nil && grew {
					err = s.Sync()
				} else if err == nil {
					err = s.DataSync()
				}
				ends <- done{time.Now(), err}
			}
		}(files[i], start[i])
	}
	lat := make([]time.Duration, 0, rounds)
	at := make([]time.Time, 0, writers)
	for range rounds {
		t0 := time.Now()
		for i := range writers {
			start[i] <- struct{}{}
		}
		at = at[:0]
		var err error
		for range writers {
			d := <-ends
			at = append(at, d.at)
			if err == nil {
				err = d.err
			}
		}
		if err != nil {
			return Percentiles{}, err
		}
		slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
		lat = append(lat, at[quorum-1].Sub(t0))
	}
	return percentiles(lat), nil
}

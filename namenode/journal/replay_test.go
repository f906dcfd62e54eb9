package journal

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// segments writes edits_1-5 (START, 3 ops, END) and edits_8-10 in every
// directory of a fresh MemFS: txids 6 and 7 are missing.
func segments(t *testing.T, ndirs int) (*storage.MemFS, *storage.Dirs, storage.Plan) {
	fsys, dirs := memDirs(t, ndirs)
	j := open(t, fsys, dirs, 1, Options{})
	appendSync(t, j, setOwner("/a"), setOwner("/b"), setOwner("/c"))
	j.Close()
	j = open(t, fsys, dirs, 8, Options{})
	appendSync(t, j, setOwner("/d"))
	j.Close()
	return fsys, dirs, plan(t, fsys, dirs, false)
}

func collect(fsys storage.FS, segs []storage.Segment, from int64) ([]int64, error) {
	var txids []int64
	_, err := Replay(fsys, segs, from, func(op *editlog.Op) error {
		txids = append(txids, op.TxID)
		return nil
	})
	return txids, err
}

func TestReplayStopsAtAGap(t *testing.T) {
	fsys, _, p := segments(t, 1)
	txids, err := collect(fsys, append(p.Segments, p.Unreachable...), 1)
	if !errors.Is(err, ErrGap) || !strings.Contains(err.Error(), "expected txid 6") ||
		!strings.Contains(err.Error(), storage.EditsName(8, 10)) {
		t.Errorf("replay over a gap: %v", err)
	}
	if len(txids) != 5 {
		t.Errorf("replayed %v before the gap", txids)
	}
}

func TestReplayFromATxID(t *testing.T) {
	fsys, _, p := segments(t, 1)
	txids, err := collect(fsys, p.Segments, 3)
	if err != nil || len(txids) != 3 || txids[0] != 3 {
		t.Errorf("replay from 3: %v %v", txids, err)
	}
	last, err := Replay(fsys, p.Segments, 9, func(*editlog.Op) error { return nil })
	if err != nil || last != 8 {
		t.Errorf("replay from past the end: %d %v", last, err)
	}
}

// A finalized segment must read whole: a damaged record or a missing tail
// is an error naming the file.
func TestReplayRefusesACorruptFinalizedSegment(t *testing.T) {
	for name, damage := range map[string]func([]byte) []byte{
		"a flipped byte": func(b []byte) []byte { b[30] ^= 0x10; return b },
		"a lost tail":    func(b []byte) []byte { return b[:len(b)-10] },
		"a lost record":  func(b []byte) []byte { return b[:len(b)-17] }, // END_LOG_SEGMENT is 17 bytes
	} {
		fsys, dirs, p := segments(t, 1)
		path := dirs.Healthy()[0].File(storage.EditsName(1, 5))
		data, _ := fsys.ReadFile(path)
		fsys.WriteFile(path, damage(data))
		_, err := collect(fsys, p.Segments, 1)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// With several copies, a damaged one is left for the next copy, which
// takes over at the first txid not replayed.
func TestReplayFallsBackToAnotherCopy(t *testing.T) {
	fsys, dirs, p := segments(t, 2)
	path := dirs.Healthy()[0].File(storage.EditsName(1, 5))
	data, _ := fsys.ReadFile(path)
	data[len(data)-20] ^= 1 // inside the third op
	fsys.WriteFile(path, data)
	if len(p.Segments[0].Copies) != 2 {
		t.Fatalf("copies %+v", p.Segments[0].Copies)
	}
	txids, err := collect(fsys, p.Segments, 1)
	if err != nil || len(txids) != 5 || txids[4] != 5 {
		t.Errorf("replayed %v, %v", txids, err)
	}
	for i, x := range txids {
		if x != int64(i+1) {
			t.Errorf("txids %v", txids)
		}
	}
	stop := errors.New("stop")
	_, err = Replay(fsys, p.Segments, 1, func(*editlog.Op) error { return stop })
	if err != stop {
		t.Errorf("fn's error: %v", err)
	}
}

// Hadoop 3.3.2's name directory replays from its first transaction to the
// end of its in-progress segment.
func TestReplayHadoopsSegments(t *testing.T) {
	root := filepath.Join(extract(t, "hadoop-3.3.2", "nn-namedir.tgz"), "nn")
	dirs := storage.NewDirs([]string{root}, []string{root})
	p := plan(t, storage.OSFS, dirs, true)
	if len(p.Segments) != 2 || p.Images[0].TxID != 431 {
		t.Fatalf("plan %+v", p)
	}
	scan, err := Scanner(storage.OSFS)(dirs.Healthy()[0].File(storage.InProgressName(451)))
	if err != nil {
		t.Fatal(err)
	}
	first := storage.Segment{First: 1, Last: 431, Copies: []storage.SegmentFile{
		{Dir: dirs.Healthy()[0], File: storage.EditsName(1, 431), Last: 431}}}
	txids, err := collect(storage.OSFS, append([]storage.Segment{first}, p.Segments...), 1)
	if err != nil {
		t.Fatal(err)
	}
	if n := int64(len(txids)); n != scan.LastTxID || txids[n-1] != scan.LastTxID {
		t.Errorf("replayed %d txids, the in-progress segment ends at %d", n, scan.LastTxID)
	}
}

package journal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// fakeRemote records what the journal sends to the shared edit log.
type fakeRemote struct {
	mu      sync.Mutex
	calls   []string
	records bytes.Buffer
	fail    error
}

func (r *fakeRemote) StartSegment(first int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("start %d", first))
	return nil
}

func (r *fakeRemote) Write(first int64, n int, records []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.calls = append(r.calls, fmt.Sprintf("write %d+%d", first, n))
	r.records.Write(records)
	return nil
}

func (r *fakeRemote) Finalize(first, last int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("finalize %d-%d", first, last))
	return nil
}

func (r *fakeRemote) Abort() {}

// The shared edit log gets each segment as the local directories do:
// started, the same records (without the file header) in txid order, and
// finalized at the same txid.
func TestRemoteGetsEverySegmentLikeTheLocalDirs(t *testing.T) {
	fsys, dirs := memDirs(t, 1)
	r := &fakeRemote{}
	j, err := Open(fsys, dirs, 1, Options{Remote: r})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		op := editlog.NewOp(editlog.OpMkdir)
		op.Path = fmt.Sprintf("/d%d", i)
		txid, err := j.Append(&op)
		if err != nil {
			t.Fatal(err)
		}
		if err := j.Sync(context.Background(), txid); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := j.Roll(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"start 1", "write 1+1", "write 2+1", "write 3+1", "write 4+1", "write 5+1", "write 6+1", "write 7+1",
		"finalize 1-7", "start 8", "write 8+1", "write 9+1", "finalize 8-9"}
	if fmt.Sprint(r.calls) != fmt.Sprint(want) {
		t.Fatalf("remote calls:\n%v\nwant\n%v", r.calls, want)
	}
	seg := func(first, last int64) []byte {
		b, err := fsys.ReadFile(dirs.Of(storage.RoleEdits)[0].File(storage.EditsName(first, last)))
		if err != nil {
			t.Fatal(err)
		}
		return b[len(header):]
	}
	local := append(seg(1, 7), seg(8, 9)...)
	if !bytes.Equal(local, r.records.Bytes()) {
		t.Fatalf("the remote got %d bytes of records, the local segments hold %d", r.records.Len(), len(local))
	}
}

// The shared edit log is required: when it fails, the sync fails and so
// does every later call, even with local directories in service.
func TestRemoteFailureFailsTheJournal(t *testing.T) {
	fsys, dirs := memDirs(t, 1)
	r := &fakeRemote{}
	j, err := Open(fsys, dirs, 1, Options{Remote: r})
	if err != nil {
		t.Fatal(err)
	}
	r.fail = errors.New("no quorum")
	op := editlog.NewOp(editlog.OpMkdir)
	op.Path = "/x"
	txid, _ := j.Append(&op)
	if err := j.Sync(context.Background(), txid); !errors.Is(err, ErrFailed) {
		t.Fatalf("sync with a failed shared log: %v", err)
	}
	if _, err := j.Append(&op); !errors.Is(err, ErrFailed) {
		t.Fatalf("append after the failure: %v", err)
	}
}

// With only a shared edit log (no local edits directory), the journal
// writes there alone.
func TestRemoteOnly(t *testing.T) {
	fsys := storage.NewMemFS()
	dirs := storage.NewDirs(nil, nil)
	r := &fakeRemote{}
	j, err := Open(fsys, dirs, 1, Options{Remote: r})
	if err != nil {
		t.Fatal(err)
	}
	op := editlog.NewOp(editlog.OpMkdir)
	op.Path = "/only"
	txid, _ := j.Append(&op)
	if err := j.Sync(context.Background(), txid); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.calls) != "[start 1 write 1+1 write 2+1 write 3+1 finalize 1-3]" {
		t.Fatalf("calls %v", r.calls)
	}
}

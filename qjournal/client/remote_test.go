package client

import (
	"bytes"
	"context"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
)

var _ journal.Remote = (*Remote)(nil)

// TestRemoteCopiesRecords: the local journal reuses its buffer after Write
// returns; what slower nodes receive must not change.
func TestRemoteCopiesRecords(t *testing.T) {
	jns := startJNs(t, 3)
	m := newTestManager(t, jns, Timeouts{})
	formatAndRecover(t, m)
	r := NewRemote(m, editlog.CurrentLayoutVersion)
	release := jns[2].Hold()
	if err := r.StartSegment(1); err != nil {
		t.Fatal(err)
	}
	buf := records(1, 2)
	if err := r.Write(1, 2, buf); err != nil {
		t.Fatal(err)
	}
	copy(buf, bytes.Repeat([]byte{0xee}, len(buf))) // the caller reuses it
	release()
	if err := r.Write(3, 1, records(3, 1)); err != nil {
		t.Fatal(err)
	}
	if err := r.Finalize(1, 3); err != nil {
		t.Fatal(err)
	}
	eventually(t, "jn3 catches up", func() bool {
		segs, err := m.SelectSegments(context.Background(), 1, false, false)
		return err == nil && len(segs) == 1 && len(segs[0].URLs) == 3
	})
	segs, _ := m.SelectSegments(context.Background(), 1, false, false)
	for _, u := range segs[0].URLs {
		b, err := m.get(context.Background(), u)
		if err != nil || !bytes.Equal(b[8:], records(1, 3)) {
			t.Errorf("%s: %x %v", u, b, err)
		}
	}
	r.Abort()
	if err := r.Write(4, 1, records(4, 1)); err == nil {
		t.Error("write after Abort succeeded")
	}
}

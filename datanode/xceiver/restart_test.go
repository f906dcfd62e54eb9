package xceiver

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// A node restarting for an upgrade tells each client whose block it is
// receiving with an OOB_RESTART ack (seqno -2), closes the connection
// after the notice time, and marks the replica so that it comes back RBW
// within the expiry; a node further down a pipeline has its notice
// relayed by the nodes before it.
func TestRestartNoticeToWritingClients(t *testing.T) {
	defer func(d time.Duration) { restartNoticeTime = d }(restartNoticeTime)
	restartNoticeTime = 100 * time.Millisecond
	for _, tc := range []struct {
		name  string
		nodes int
		want  []hdfspb.Status // the notice's replies, as the client gets them
	}{
		{"the only node", 1, []hdfspb.Status{hdfspb.Status_OOB_RESTART}},
		{"the second node of two", 2, []hdfspb.Status{hdfspb.Status_SUCCESS, hdfspb.Status_OOB_RESTART}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var nodes []*node
			for range tc.nodes {
				nodes = append(nodes, startNode(t, nil))
			}
			restarting := nodes[len(nodes)-1]
			done := fsdataset.Block{ID: 60, GenStamp: 1}
			writeBlock(t, nodes, done, pattern(1000, 1))

			b := fsdataset.Block{ID: 61, GenStamp: 1}
			p, resp := openPipeline(t, nodes, b, stageCreate, 1, 0)
			if resp.GetStatus() != hdfspb.Status_SUCCESS {
				t.Fatalf("connect ack %v", resp)
			}
			data := pattern(3000, 2)
			p.expectAck(p.packet(0, data, false))

			start := time.Now()
			closed := make(chan error, 1)
			go func() { closed <- restarting.s.CloseForRestart(50 * time.Second) }()
			a := p.ack()
			var got []hdfspb.Status
			for _, r := range a.Replies {
				got = append(got, r.Status())
			}
			if a.Seqno != datatransfer.UnknownSeqno || !slices.Equal(got, tc.want) {
				t.Fatalf("ack seqno %d %v, want the notice: seqno -2 %v", a.Seqno, got, tc.want)
			}
			if err := <-closed; err != nil {
				t.Fatalf("CloseForRestart: %v", err)
			}
			if d := time.Since(start); d < restartNoticeTime {
				t.Errorf("closed %v after the notice, want at least %v", d, restartNoticeTime)
			}

			r, ok := restarting.ds.Get(testBP, b.ID)
			if !ok || r.State != fsdataset.RBW || r.BytesAcked != int64(len(data)) {
				t.Fatalf("replica after the close: %v", r)
			}
			dataPath, _ := restarting.ds.Paths(testBP, r)
			marker := fsdataset.RestartMarker(filepath.Dir(filepath.Dir(dataPath)), b.ID)
			text, err := os.ReadFile(marker)
			if err != nil {
				t.Fatalf("restart marker: %v", err)
			}
			until, err := strconv.ParseInt(string(text), 10, 64)
			if want := start.Add(50 * time.Second).UnixMilli(); err != nil || until < want || until > want+5000 {
				t.Errorf("marker holds %q, want about %d (ms, 50 s after the restart)", text, want)
			}
			if _, err := os.Stat(fsdataset.RestartMarker(filepath.Dir(filepath.Dir(dataPath)), done.ID)); err == nil {
				t.Error("a finalized replica was marked for the restart")
			}
		})
	}
}

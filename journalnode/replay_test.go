package journalnode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newTestNode(fsys storage.FS, httpPort int) *node {
	return &node{fs: fsys, editsDir: "/jn", cacheBytes: DefaultCacheBytes, log: discard(),
		fetch:    func(context.Context, string, io.Writer) error { return errors.New("no download expected") },
		httpPort: func() int { return httpPort }, httpURI: func() string { return fmt.Sprintf("http://localhost:%d", httpPort) }}
}

// call invokes one method through the translation layer, as the RPC
// server would, and returns the encoded answer.
func call(p hadooprpc.Protocol, method string, req []byte) ([]byte, error) {
	h, ok := p.Methods[method]
	if !ok {
		return nil, fmt.Errorf("no method %s", method)
	}
	m := h.NewRequest()
	if err := proto.Unmarshal(req, m); err != nil {
		return nil, err
	}
	resp, err := h.Call(context.Background(), m)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(resp)
}

var writerMethods = map[string]bool{"isFormatted": true, "format": true, "getJournalState": true, "newEpoch": true,
	"startLogSegment": true, "journal": true, "finalizeLogSegment": true, "prepareRecovery": true,
	"acceptRecovery": true, "heartbeat": true, "purgeLogs": true}

type replayCall struct {
	rpccapture.Call
	proto string
	conn  int
	idx   int
	epoch int64
}

// writerEpoch is the epoch a writer call belongs to; getJournalState
// takes the epoch of the newEpoch that follows it on its connection.
func writerEpoch(c rpccapture.Call, p hadooprpc.Protocol) int64 {
	m := p.Methods[c.Method].NewRequest()
	proto.Unmarshal(c.Req, m)
	switch r := m.(type) {
	case *pb.NewEpochRequestProto:
		return int64(r.GetEpoch())
	case interface{ GetReqInfo() *pb.RequestInfoProto }:
		return int64(r.GetReqInfo().GetEpoch())
	}
	return -1
}

func connOf(where string) int {
	var n int
	fmt.Sscanf(where[strings.Index(where, "/conn")+5:], "%d", &n)
	return n
}

// TestReplayNameNodeTraffic feeds the recorded calls to one stock
// JournalNode into a fresh one: the writer's calls in epoch order (each
// answer byte-identical to the recorded one), and checks that every read
// (getEditLogManifest, getJournaledEdits, getEditLogManifestFromJournal)
// got, at some point of that sequence and in its connection's order, the
// very bytes the stock JournalNode sent. Then the directory must hold the
// segments of jn-dirs.tgz byte for byte.
func TestReplayNameNodeTraffic(t *testing.T) {
	for _, jn := range []struct {
		port, http int
		name       string
	}{{37201, 37211, "jn1"}, {37202, 37212, "jn2"}, {37203, 37213, "jn3"}} {
		t.Run(jn.name, func(t *testing.T) { replayJN(t, jn.port, jn.http, jn.name) })
	}
}

func replayJN(t *testing.T, port, httpPort int, name string) {
	fsys := storage.NewMemFS()
	n := newTestNode(fsys, httpPort)
	protos := map[string]hadooprpc.Protocol{jnrpc.ProtocolName: jnrpc.Protocol(n), jnrpc.InterProtocolName: jnrpc.InterProtocol(n)}
	var writes, reads []replayCall
	suffix := fmt.Sprintf("-%d", port)
	for _, pn := range []string{jnrpc.ProtocolName, jnrpc.InterProtocolName} {
		for i, c := range rpccapture.Calls(t, pn, "d-nn-jn-qjm") {
			if !strings.HasSuffix(c.Where, suffix) {
				continue
			}
			rc := replayCall{Call: c, proto: pn, conn: connOf(c.Where), idx: i}
			if pn == jnrpc.ProtocolName && writerMethods[c.Method] {
				rc.epoch = writerEpoch(c, protos[pn])
				writes = append(writes, rc)
			} else {
				reads = append(reads, rc)
			}
		}
	}
	for i := len(writes) - 1; i >= 0; i-- {
		if writes[i].Method == "getJournalState" && i+1 < len(writes) && writes[i+1].conn == writes[i].conn {
			writes[i].epoch = writes[i+1].epoch
		}
	}
	slices.SortStableFunc(writes, func(a, b replayCall) int {
		if a.epoch != b.epoch {
			return int(a.epoch - b.epoch)
		}
		if a.conn != b.conn {
			return a.conn - b.conn
		}
		return a.idx - b.idx
	})
	matched := make([]bool, len(reads))
	lastPos := map[int]int{} // per connection: the step of its last matched read
	tryReads := func(step int) {
		for i, r := range reads {
			if matched[i] || !r.OK || step < lastPos[r.conn] {
				continue
			}
			waiting := false
			for k := range i {
				waiting = waiting || (reads[k].conn == r.conn && reads[k].OK && !matched[k])
			}
			if waiting {
				continue // an earlier read of this connection is still waiting
			}
			got, err := call(protos[r.proto], r.Method, r.Req)
			if err == nil && bytes.Equal(got, r.Resp) {
				matched[i], lastPos[r.conn] = true, step
			}
		}
	}
	tryReads(0)
	for step, w := range writes {
		got, err := call(protos[w.proto], w.Method, w.Req)
		switch {
		case !w.Answered:
		case w.OK && err != nil:
			t.Fatalf("%s #%d %s: recorded success, got %v", w.Where, w.CallID, w.Method, err)
		case w.OK && !bytes.Equal(got, w.Resp):
			t.Fatalf("%s #%d %s: answer\n got %x\nwant %x", w.Where, w.CallID, w.Method, got, w.Resp)
		case !w.OK && err == nil:
			t.Fatalf("%s #%d %s: recorded failure, got success", w.Where, w.CallID, w.Method)
		}
		tryReads(step + 1)
	}
	for i, r := range reads {
		if r.OK && !matched[i] {
			got, err := call(protos[r.proto], r.Method, r.Req)
			t.Errorf("%s #%d %s: recorded answer %x never produced (now %x, %v)", r.Where, r.CallID, r.Method, r.Resp, got, err)
		}
	}
	t.Logf("%d writer calls, %d reads replayed", len(writes), len(reads))
	compareWithStock(t, fsys, name)
}

// compareWithStock checks our journal dir against the stock one of the
// same JournalNode after the recorded run.
func compareWithStock(t *testing.T, fsys storage.FS, name string) {
	stock := filepath.Join(golden.Extract(t, "hadoop-3.3.2", "jn-dirs.tgz"), name, "ns1", "current")
	names, err := fsys.ReadDir("/jn/ns1/current")
	if err != nil {
		t.Fatal(err)
	}
	stockNames, _ := storage.OSFS.ReadDir(stock)
	ours := map[string]bool{}
	for _, nm := range names {
		ours[nm] = true
		if !slices.Contains(stockNames, nm) {
			t.Errorf("we have %s, the stock JournalNode does not", nm)
		}
	}
	for _, nm := range stockNames {
		if !ours[nm] {
			t.Logf("stock has %s, we do not (written after the recorded traffic ends?)", nm)
			continue
		}
		want, _ := storage.ReadFile(storage.OSFS, filepath.Join(stock, nm))
		got, _ := storage.ReadFile(fsys, filepath.Join("/jn/ns1/current", nm))
		switch {
		case nm == "VERSION":
			if strings.SplitN(string(got), "\n", 2)[1] != strings.SplitN(string(want), "\n", 2)[1] {
				t.Errorf("VERSION:\n%s\nwant\n%s", got, want)
			}
		case nm == "paxos":
		case !bytes.Equal(got, want):
			t.Errorf("%s differs: %d bytes, stock %d", nm, len(got), len(want))
		}
	}
}

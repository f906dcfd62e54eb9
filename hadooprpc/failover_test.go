package hadooprpc

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"google.golang.org/protobuf/proto"
)

// nnAttempt is one call as a fake NameNode saw it.
type nnAttempt struct {
	nn            string
	callID, retry int32
	at            time.Duration // since the log started
}

// nnLog records the attempts that reach a set of fake NameNodes.
type nnLog struct {
	mu       sync.Mutex
	start    time.Time
	attempts []nnAttempt
}

func newNNLog() *nnLog { return &nnLog{start: time.Now()} }

// serve returns a handler that logs each call, then lets answer reply.
func (l *nnLog) serve(name string, answer func(fc *fakeConn, r *fakeRequest)) func(*fakeConn) {
	return func(fc *fakeConn) {
		fc.accept()
		for r := fc.next(); r != nil; r = fc.next() {
			l.mu.Lock()
			l.attempts = append(l.attempts, nnAttempt{name, r.header.GetCallId(), r.header.GetRetryCount(), time.Since(l.start)})
			l.mu.Unlock()
			answer(fc, r)
		}
	}
}

func (l *nnLog) get() []nnAttempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.attempts)
}

func answerStandby(fc *fakeConn, r *fakeRequest) {
	fc.fail(r, ClassStandby, "Operation category READ is not supported in state standby")
}

func answerOK(fc *fakeConn, r *fakeRequest) { fc.respond(r, echoResponse(r)) }

func halfJitter() float64 { return 0.5 }

func proxyLinkTarget(ctx context.Context, p *FailoverProxy, path string) (string, error) {
	resp := &hdfspb.GetLinkTargetResponseProto{}
	err := p.Call(ctx, "getLinkTarget", &hdfspb.GetLinkTargetRequestProto{Path: proto.String(path)}, resp)
	return resp.GetTargetPath(), err
}

// With nn1 and nn2 standby, a call goes nn1, nn2 (at once), nn3 (after
// base*2 = 1s), keeping its call id with retry counts 0, 1, 2; the next
// call starts at nn3 with a new call id.
func TestFailoverAcrossThreeNameNodes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, log := newFakeNet(t), newNNLog()
		n.server("nn1:8020", log.serve("nn1", answerStandby))
		n.server("nn2:8020", log.serve("nn2", answerStandby))
		n.server("nn3:8020", log.serve("nn3", answerOK))
		c := newTestClient(t, n, ClientConfig{})
		p := NewFailoverProxy(c, testProtocol, []string{"nn1:8020", "nn2:8020", "nn3:8020"},
			FailoverOptions{Jitter: halfJitter})
		for _, path := range []string{"/a", "/b"} {
			if got, err := proxyLinkTarget(context.Background(), p, path); err != nil || got != "target-of-"+path {
				t.Fatalf("%s: %q, %v", path, got, err)
			}
		}
		want := []nnAttempt{
			{"nn1", 0, 0, 0}, {"nn2", 0, 1, 0}, {"nn3", 0, 2, time.Second},
			{"nn3", 1, 0, time.Second},
		}
		if got := log.get(); !slices.Equal(got, want) {
			t.Errorf("attempts:\n got %v\nwant %v", got, want)
		}
		if cur := p.Current(); cur != "nn3:8020" {
			t.Errorf("Current() = %s, want nn3:8020", cur)
		}
	})
}

// A NameNode that refuses connections is failed over at once, with no
// connect retries (dfs.client.failover.connection.retries = 0).
func TestFailoverConnectRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, log := newFakeNet(t), newNNLog()
		n.server("nn2:8020", log.serve("nn2", answerOK))
		c := newTestClient(t, n, ClientConfig{ConnectRetries: 10, ConnectRetryInterval: time.Second})
		p := NewFailoverProxy(c, testProtocol, []string{"nn1:8020", "nn2:8020"}, FailoverOptions{Jitter: halfJitter})
		if _, err := proxyLinkTarget(context.Background(), p, "/a"); err != nil {
			t.Fatal(err)
		}
		if got, want := log.get(), []nnAttempt{{"nn2", 0, 1, 0}}; !slices.Equal(got, want) {
			t.Errorf("attempts %v, want %v", got, want)
		}
	})
}

// When the connection breaks after the request left, the call may have
// run: it fails over only if the method is idempotent or at-most-once.
func TestFailoverAfterMidCallFailure(t *testing.T) {
	for _, tc := range []struct {
		name       string
		idempotent func(string) bool
		want       []nnAttempt
	}{
		{"default treats methods as retriable", nil, []nnAttempt{{"nn1", 0, 0, 0}, {"nn2", 0, 1, 0}}},
		{"non-idempotent method fails", func(string) bool { return false }, []nnAttempt{{"nn1", 0, 0, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n, log := newFakeNet(t), newNNLog()
				n.server("nn1:8020", log.serve("nn1", func(fc *fakeConn, _ *fakeRequest) { fc.nc.Close() }))
				n.server("nn2:8020", log.serve("nn2", answerOK))
				c := newTestClient(t, n, ClientConfig{})
				p := NewFailoverProxy(c, testProtocol, []string{"nn1:8020", "nn2:8020"},
					FailoverOptions{Jitter: halfJitter, Idempotent: tc.idempotent})
				_, err := proxyLinkTarget(context.Background(), p, "/a")
				if wantErr := len(tc.want) == 1; (err != nil) != wantErr || (wantErr && !errors.Is(err, ErrConnClosed)) {
					t.Errorf("err = %v", err)
				}
				if got := log.get(); !slices.Equal(got, tc.want) {
					t.Errorf("attempts %v, want %v", got, tc.want)
				}
			})
		})
	}
}

// RetriableException retries the same NameNode: at once, then after
// base*2 (RetryPolicies.failoverOnNetworkException).
func TestFailoverRetriableStaysOnNameNode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, log := newFakeNet(t), newNNLog()
		busy := 2
		n.server("nn1:8020", log.serve("nn1", func(fc *fakeConn, r *fakeRequest) {
			if busy > 0 {
				busy--
				fc.fail(r, ClassRetriable, "NameNode still not started")
				return
			}
			answerOK(fc, r)
		}))
		n.server("nn2:8020", log.serve("nn2", answerOK))
		c := newTestClient(t, n, ClientConfig{})
		p := NewFailoverProxy(c, testProtocol, []string{"nn1:8020", "nn2:8020"}, FailoverOptions{Jitter: halfJitter})
		if _, err := proxyLinkTarget(context.Background(), p, "/a"); err != nil {
			t.Fatal(err)
		}
		want := []nnAttempt{{"nn1", 0, 0, 0}, {"nn1", 0, 1, 0}, {"nn1", 0, 2, time.Second}}
		if got := log.get(); !slices.Equal(got, want) {
			t.Errorf("attempts %v, want %v", got, want)
		}
	})
}

// After MaxFailovers the proxy gives up with the last error; the sleeps
// follow 0, 1s, 2s, 4s (jitter 0.5).
func TestFailoverGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, log := newFakeNet(t), newNNLog()
		n.server("nn1:8020", log.serve("nn1", answerStandby))
		n.server("nn2:8020", log.serve("nn2", answerStandby))
		c := newTestClient(t, n, ClientConfig{})
		p := NewFailoverProxy(c, testProtocol, []string{"nn1:8020", "nn2:8020"},
			FailoverOptions{Jitter: halfJitter, MaxFailovers: 3})
		_, err := proxyLinkTarget(context.Background(), p, "/a")
		var re *RemoteError
		if !errors.Is(err, ErrStandby) || !errors.As(err, &re) {
			t.Errorf("err = %v, want the StandbyException", err)
		}
		want := []nnAttempt{{"nn1", 0, 0, 0}, {"nn2", 0, 1, 0}, {"nn1", 0, 2, time.Second}, {"nn2", 0, 3, 3 * time.Second}}
		if got := log.get(); !slices.Equal(got, want) {
			t.Errorf("attempts %v, want %v", got, want)
		}
	})
}

// A context that ends while the proxy sleeps before a retry ends the call.
func TestFailoverHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, log := newFakeNet(t), newNNLog()
		n.server("nn1:8020", log.serve("nn1", answerStandby))
		n.server("nn2:8020", log.serve("nn2", answerStandby))
		c := newTestClient(t, n, ClientConfig{})
		p := NewFailoverProxy(c, testProtocol, []string{"nn1:8020", "nn2:8020"}, FailoverOptions{Jitter: halfJitter})
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := proxyLinkTarget(ctx, p, "/a")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 2500*time.Millisecond {
			t.Errorf("returned after %v, want 2.5s", d)
		}
		if got := len(log.get()); got != 3 {
			t.Errorf("%d attempts, want 3 (at 0, 0, 1s)", got)
		}
	})
}

// Calls that fail on the same NameNode at the same time fail over once,
// not once each (RetryInvocationHandler.ProxyDescriptor.failover).
func TestFailoverConcurrentCallsFailOverOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, log := newFakeNet(t), newNNLog()
		n.server("nn1:8020", func(fc *fakeConn) {
			fc.accept()
			a, b := fc.next(), fc.next() // both in flight before either answer
			answerStandby(fc, a)
			answerStandby(fc, b)
			fc.next()
		})
		n.server("nn2:8020", log.serve("nn2", answerOK))
		nn3 := n.server("nn3:8020", log.serve("nn3", answerOK))
		c := newTestClient(t, n, ClientConfig{})
		p := NewFailoverProxy(c, testProtocol, []string{"nn1:8020", "nn2:8020", "nn3:8020"},
			FailoverOptions{Jitter: halfJitter})
		var wg sync.WaitGroup
		for _, path := range []string{"/a", "/b"} {
			wg.Go(func() {
				if _, err := proxyLinkTarget(context.Background(), p, path); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			})
		}
		wg.Wait()
		if cur := p.Current(); cur != "nn2:8020" {
			t.Errorf("Current() = %s, want nn2:8020", cur)
		}
		if d := nn3.dials.Load(); d != 0 {
			t.Errorf("nn3 was dialled %d times", d)
		}
		if got := len(log.get()); got != 2 {
			t.Errorf("nn2 saw %d calls, want 2", got)
		}
	})
}

// Replays a real failover (scenario a3, `hdfs dfs -mkdir /ha/phase2`):
// nn1 is standby and answers getFileInfo with StandbyException (conn12);
// the client retries the same call id on nn2 with retry count 1, then
// sends getFileInfo and mkdirs there (conn13). Every request must match
// the recorded bytes.
func TestFailoverReplaysHACapture(t *testing.T) {
	dir := filepath.Join(clientTestdata(t), "hadoop-3.3.2", "captures", "a3-client-nn-ha")
	nn1, nn2 := cliLoadCapture(t, dir, "conn12"), cliLoadCapture(t, dir, "conn13")
	n := newFakeNet(t)
	n.server("nn1:37301", cliReplayServer(t, nn1))
	n.server("nn2:37302", cliReplayServer(t, nn2))
	ctxHdr := &commonpb.RpcRequestHeaderProto{}
	if _, err := UnmarshalDelimited(nn1.requests[0], ctxHdr); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, n, ClientConfig{ClientID: ctxHdr.ClientId, User: "root"})
	p := NewFailoverProxy(c, testProtocol, []string{"nn1:37301", "nn2:37302"}, FailoverOptions{})
	for i, frame := range nn2.requests[1:] {
		rc := cliParseRecordedCall(t, frame)
		_, resp := clientProtocolTypes(t, rc.method)
		if err := p.Call(context.Background(), rc.method, rc.req, resp); err != nil {
			t.Fatalf("call %d %s: %v", i, rc.method, err)
		}
		if want := cliRecordedResponse(t, nn2.answers[i], resp); !proto.Equal(resp, want) {
			t.Errorf("call %d %s: decoded %v, recorded %v", i, rc.method, resp, want)
		}
	}
}

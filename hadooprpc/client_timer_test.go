package hadooprpc

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// These tests run in synctest bubbles: the clock is fake and moves only
// when every goroutine waits, so minutes pass at once and exactly.

// A connection whose call has waited PingInterval with nothing read sends
// a ping (call id -4, retry count -1, no body) and keeps pinging every
// PingInterval until the answer comes (Client.Connection.PingInputStream).
func TestClientPingsWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var pings []time.Duration
		n := newFakeNet(t)
		n.server(testAddr, func(fc *fakeConn) {
			fc.accept()
			call := fc.next()
			for len(pings) < 3 {
				r, err := fc.readFrame()
				if err != nil {
					t.Errorf("reading ping: %v", err)
					return
				}
				if r.method != nil || len(r.body) != 0 {
					t.Errorf("got %v, want a ping", r.header)
				}
				checkClientHeader(t, r.header, CallIDPing, -1)
				pings = append(pings, time.Since(start))
			}
			fc.respond(call, echoResponse(call))
			serveRest(fc)
		})
		c := newTestClient(t, n, ClientConfig{}) // ipc.ping.interval 60s
		if _, err := linkTarget(context.Background(), c, testAddr, "/slow"); err != nil {
			t.Fatal(err)
		}
		want := []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute}
		if len(pings) != 3 || pings[0] != want[0] || pings[1] != want[1] || pings[2] != want[2] {
			t.Errorf("pings at %v, want %v", pings, want)
		}
	})
}

// The ping clock starts when a call starts waiting, and every frame read
// restarts it; an idle connection is never pinged.
func TestClientNoPingWhileResponsesFlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		n.server(testAddr, func(fc *fakeConn) {
			fc.accept()
			for {
				r, err := fc.readFrame()
				if err != nil {
					return
				}
				if r.method == nil {
					t.Errorf("unexpected ping after %v", r.header)
					continue
				}
				time.Sleep(50 * time.Second) // each call answered inside PingInterval
				fc.respond(r, echoResponse(r))
			}
		})
		c := newTestClient(t, n, ClientConfig{IdleTimeout: -1})
		for range 3 {
			if _, err := linkTarget(context.Background(), c, testAddr, "/x"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Minute) // idle, no calls: no ping
		}
	})
}

// A connection with no calls for IdleTimeout is closed
// (ipc.client.connection.maxidletime); the next call opens a new one. A
// call in flight keeps it open however long it takes.
func TestClientIdleCloseAndReconnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		closed := make(chan time.Duration, 2)
		n := newFakeNet(t)
		srv := n.server(testAddr, func(fc *fakeConn) {
			fc.accept()
			for {
				r, err := fc.readFrame()
				if err != nil {
					closed <- time.Since(start)
					return
				}
				if r.method == nil {
					continue // ping
				}
				time.Sleep(25 * time.Second) // longer than IdleTimeout
				fc.respond(r, echoResponse(r))
			}
		})
		c := newTestClient(t, n, ClientConfig{}) // 10s idle timeout
		if _, err := linkTarget(context.Background(), c, testAddr, "/a"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(9 * time.Second)
		synctest.Wait()
		select {
		case at := <-closed:
			t.Fatalf("closed at %v, before the idle timeout", at)
		default:
		}
		time.Sleep(time.Second)
		synctest.Wait()
		select {
		case at := <-closed:
			if want := 35 * time.Second; at != want {
				t.Fatalf("closed at %v, want %v", at, want)
			}
		default:
			t.Fatal("not closed after the idle timeout")
		}
		if _, err := linkTarget(context.Background(), c, testAddr, "/b"); err != nil {
			t.Fatal(err)
		}
		if d := srv.dials.Load(); d != 2 {
			t.Errorf("%d connections, want 2", d)
		}
	})
}

// An abandoned call does not keep a connection open: the idle clock starts
// when its caller leaves.
func TestClientIdleAfterAbandonedCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		closed := make(chan time.Duration, 1)
		n := newFakeNet(t)
		n.server(testAddr, func(fc *fakeConn) {
			fc.accept()
			for {
				if _, err := fc.readFrame(); err != nil {
					closed <- time.Since(start)
					return
				}
			}
		})
		c := newTestClient(t, n, ClientConfig{PingInterval: -1})
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if _, err := linkTarget(ctx, c, testAddr, "/a"); err == nil {
			t.Fatal("call succeeded without an answer")
		}
		if at, want := <-closed, 13*time.Second; at != want {
			t.Errorf("closed at %v, want %v", at, want)
		}
	})
}

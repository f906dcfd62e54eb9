package hadooprpc

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	"google.golang.org/protobuf/proto"
)

// An ERROR answer fails only its call, as a *RemoteError that matches the
// sentinel of its Java class and the io/fs error of the same meaning. The
// connection stays open (Client.Connection.receiveRpcResponse).
func TestClientRemoteErrors(t *testing.T) {
	for _, tc := range []struct {
		class, msg string
		is         []error
	}{
		{ClassFileNotFound, "File does not exist: /x", []error{ErrFileNotFound, fs.ErrNotExist}},
		{ClassAccessControl, "Permission denied: user=bob", []error{ErrAccessControl, fs.ErrPermission}},
		{ClassFileAlreadyExists, "/x already exists", []error{ErrFileAlreadyExists, fs.ErrExist}},
		{ClassStandby, "Operation category READ is not supported in state standby", []error{ErrStandby}},
		{ClassSafeMode, "Name node is in safe mode", []error{ErrSafeMode}},
		{"com.example.UnheardOfException", "boom", nil},
	} {
		t.Run(tc.class, func(t *testing.T) {
			n := newFakeNet(t)
			srv := n.server(testAddr, func(fc *fakeConn) {
				fc.accept()
				fc.fail(fc.next(), tc.class, tc.msg)
				serveRest(fc)
			})
			c := newTestClient(t, n, ClientConfig{})
			_, err := linkTarget(context.Background(), c, testAddr, "/x")
			var re *RemoteError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want *RemoteError", err, err)
			}
			want := RemoteError{Class: tc.class, Message: tc.msg, Code: int32(commonpb.RpcResponseHeaderProto_ERROR_APPLICATION)}
			if *re != want {
				t.Errorf("RemoteError = %+v, want %+v", *re, want)
			}
			for _, target := range tc.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = false", err, target)
				}
			}
			if _, err := linkTarget(context.Background(), c, testAddr, "/y"); err != nil {
				t.Errorf("call after the error: %v", err)
			}
			if d := srv.dials.Load(); d != 1 {
				t.Errorf("%d connections, want 1", d)
			}
		})
	}
}

// Hadoop's client substitutes placeholders for a class or message the
// server left out.
func TestClientRemoteErrorPlaceholders(t *testing.T) {
	n := newFakeNet(t)
	n.server(testAddr, func(fc *fakeConn) {
		fc.accept()
		r := fc.next()
		h := &commonpb.RpcResponseHeaderProto{CallId: proto.Uint32(uint32(r.header.GetCallId())),
			Status: commonpb.RpcResponseHeaderProto_ERROR.Enum()}
		b, _ := AppendFrame(nil, h)
		fc.write(b)
		serveRest(fc)
	})
	c := newTestClient(t, n, ClientConfig{})
	_, err := linkTarget(context.Background(), c, testAddr, "/x")
	var re *RemoteError
	if !errors.As(err, &re) || re.Class != "ServerDidNotSetExceptionClassName" ||
		re.Message != "ServerDidNotSetErrorMsg" || re.Code != 0 {
		t.Errorf("err = %#v", err)
	}
}

// A FATAL answer closes the connection and fails every call on it with
// that error; the next call opens a new connection.
func TestClientFatalClosesConnection(t *testing.T) {
	const pending = 3
	n := newFakeNet(t)
	srv := numberedServer(n, testAddr, func(fc *fakeConn) {
		fc.accept()
		if fc.seq == 1 {
			for range pending {
				fc.next()
			}
			fc.write(cliErrorFrame(CallIDAuthorizationFailed, commonpb.RpcResponseHeaderProto_FATAL,
				ClassAccessControl, "User bob is not authorized"))
			fc.next() // until the client hangs up
			return
		}
		serveRest(fc)
	})
	c := newTestClient(t, n, ClientConfig{})
	var wg sync.WaitGroup
	for i := range pending {
		wg.Go(func() {
			_, err := linkTarget(context.Background(), c, testAddr, fmt.Sprint("/p", i))
			var re *RemoteError
			if !errors.As(err, &re) || !re.Fatal || re.Class != ClassAccessControl || !errors.Is(err, fs.ErrPermission) {
				t.Errorf("pending call %d: err = %v", i, err)
			}
		})
	}
	wg.Wait()
	if _, err := linkTarget(context.Background(), c, testAddr, "/after"); err != nil {
		t.Errorf("call after FATAL: %v", err)
	}
	if d := srv.dials.Load(); d != 2 {
		t.Errorf("%d connections, want 2", d)
	}
}

// Responses the client cannot trust close the connection and fail the
// calls in flight with a clear error; nothing panics, and the next call
// reconnects.
func TestClientBadResponses(t *testing.T) {
	other := []byte("fedcba9876543210")
	for _, tc := range []struct {
		name  string
		frame func(callID int32) []byte
		want  error
	}{
		{"zero length", func(int32) []byte { return []byte{0, 0, 0, 0} }, ErrBadResponse},
		{"negative length", func(int32) []byte { return []byte{0x80, 0, 0, 1} }, ErrBadResponse},
		{"longer than MaxDataLength", func(int32) []byte { return binary.BigEndian.AppendUint32(nil, 1<<20+1) }, ErrBadResponse},
		{"truncated frame", func(id int32) []byte {
			b := cliSuccessFrame(id, nil, &hdfspb.GetLinkTargetResponseProto{TargetPath: proto.String("/t")})
			return b[:len(b)-2]
		}, io.ErrUnexpectedEOF},
		{"garbage header", func(int32) []byte { return cliRawFrame([]byte{0x05, 0xff, 0xff, 0xff, 0xff, 0xff}) }, ErrBadResponse},
		{"header without status", func(id int32) []byte {
			h := &commonpb.RpcResponseHeaderProto{CallId: proto.Uint32(uint32(id))}
			b, _ := (proto.MarshalOptions{AllowPartial: true}).Marshal(h)
			return cliRawFrame(append([]byte{byte(len(b))}, b...))
		}, ErrBadResponse},
		{"unknown call id", func(id int32) []byte {
			return cliSuccessFrame(id+1000, nil, &hdfspb.GetLinkTargetResponseProto{})
		}, ErrBadResponse},
		{"another client's id", func(id int32) []byte {
			return cliSuccessFrame(id, other, &hdfspb.GetLinkTargetResponseProto{})
		}, ErrBadResponse},
		{"bytes after the response", func(id int32) []byte {
			b := cliSuccessFrame(id, nil, &hdfspb.GetLinkTargetResponseProto{})
			b = append(b, 0x00)
			binary.BigEndian.PutUint32(b, uint32(len(b)-4))
			return b
		}, ErrBadResponse},
		{"undecodable response", func(id int32) []byte {
			b := cliSuccessFrame(id, nil, nil)
			b = append(b, 2, 0x0a, 0x05) // field 1 claims 5 bytes, has 0
			binary.BigEndian.PutUint32(b, uint32(len(b)-4))
			return b
		}, ErrBadResponse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := newFakeNet(t)
			srv := numberedServer(n, testAddr, func(fc *fakeConn) {
				fc.accept()
				if fc.seq == 1 {
					r := fc.next()
					fc.write(tc.frame(r.header.GetCallId()))
					fc.nc.Close()
					return
				}
				serveRest(fc)
			})
			c := newTestClient(t, n, ClientConfig{MaxDataLength: 1 << 20})
			_, err := linkTarget(context.Background(), c, testAddr, "/x")
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if got, err := linkTarget(context.Background(), c, testAddr, "/y"); err != nil || got != "target-of-/y" {
				t.Errorf("next call: %q, %v", got, err)
			}
			if d := srv.dials.Load(); d != 2 {
				t.Errorf("%d connections, want 2", d)
			}
		})
	}
}

// numberedServer is fakeNet.server with each connection numbered from 1.
func numberedServer(n *fakeNet, addr string, handle func(*fakeConn)) *fakeServer {
	var seq int32
	var mu sync.Mutex
	return n.server(addr, func(fc *fakeConn) {
		mu.Lock()
		seq++
		fc.seq = seq
		mu.Unlock()
		handle(fc)
	})
}

// A server that hangs up fails the calls in flight with the read error;
// the next call reconnects.
func TestClientServerHangsUp(t *testing.T) {
	n := newFakeNet(t)
	srv := numberedServer(n, testAddr, func(fc *fakeConn) {
		fc.accept()
		if fc.seq == 1 {
			fc.next()
			fc.nc.Close()
			return
		}
		serveRest(fc)
	})
	c := newTestClient(t, n, ClientConfig{})
	if _, err := linkTarget(context.Background(), c, testAddr, "/x"); !errors.Is(err, ErrConnClosed) {
		t.Errorf("err = %v, want ErrConnClosed", err)
	}
	if _, err := linkTarget(context.Background(), c, testAddr, "/y"); err != nil {
		t.Errorf("next call: %v", err)
	}
	if d := srv.dials.Load(); d != 2 {
		t.Errorf("%d connections, want 2", d)
	}
}

// A server older than IPC version 9 answers its first response with
// length -1, an int status and two Writable strings.
func TestClientPreV9ErrorResponse(t *testing.T) {
	n := newFakeNet(t)
	n.server(testAddr, func(fc *fakeConn) {
		fc.accept()
		fc.next()
		b := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		for _, s := range []string{"org.apache.hadoop.ipc.RPC$VersionMismatch", "Server IPC version 4"} {
			b = append(b, byte(len(s)))
			b = append(b, s...)
		}
		fc.write(b)
		fc.next()
	})
	c := newTestClient(t, n, ClientConfig{})
	_, err := linkTarget(context.Background(), c, testAddr, "/x")
	var re *RemoteError
	if !errors.As(err, &re) || re.Class != "org.apache.hadoop.ipc.RPC$VersionMismatch" || re.Message != "Server IPC version 4" || !re.Fatal {
		t.Errorf("err = %#v", err)
	}
}

// Connects are retried ConnectRetries times, ConnectRetryInterval apart
// (ipc.client.connect.max.retries, ipc.client.connect.retry.interval);
// then the call fails with a *ConnectError.
func TestClientConnectRetries(t *testing.T) {
	for _, tc := range []struct {
		name          string
		retries       int
		refusals      int
		wantDials     int32
		wantErr       bool
		wantSleptWith time.Duration
	}{
		{"succeeds on the third try", 5, 2, 3, false, 2 * time.Second},
		{"gives up after the retries", 2, 100, 3, true, 2 * time.Second},
		{"no retries", -1, 100, 1, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := newFakeNet(t)
				n.server(testAddr, serveEcho)
				var dials int32
				start := time.Now()
				c := newTestClient(t, n, ClientConfig{ConnectRetries: tc.retries, ConnectRetryInterval: time.Second,
					Dial: nil})
				c.cfg.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
					dials++
					if int(dials) <= tc.refusals {
						return nil, errRefused
					}
					return n.dial(ctx, network, addr)
				}
				_, err := linkTarget(context.Background(), c, testAddr, "/x")
				var ce *ConnectError
				if got := errors.As(err, &ce); got != tc.wantErr {
					t.Errorf("err = %v, want ConnectError: %v", err, tc.wantErr)
				}
				if tc.wantErr && !errors.Is(err, errRefused) {
					t.Errorf("err = %v does not wrap the dial error", err)
				}
				if dials != tc.wantDials {
					t.Errorf("%d dials, want %d", dials, tc.wantDials)
				}
				if d := time.Since(start); d != tc.wantSleptWith {
					t.Errorf("took %v, want %v", d, tc.wantSleptWith)
				}
			})
		})
	}
}

// Close fails the calls in flight with ErrClientClosed, waits for the
// connection goroutines, and later calls fail the same way.
func TestClientClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		n.server(testAddr, func(fc *fakeConn) {
			fc.accept()
			fc.next() // never answered
			fc.next()
		})
		c := newTestClient(t, n, ClientConfig{})
		errc := make(chan error)
		go func() {
			_, err := linkTarget(context.Background(), c, testAddr, "/x")
			errc <- err
		}()
		synctest.Wait()
		c.Close()
		if err := <-errc; !errors.Is(err, ErrClientClosed) {
			t.Errorf("pending call: %v, want ErrClientClosed", err)
		}
		if _, err := linkTarget(context.Background(), c, testAddr, "/y"); !errors.Is(err, ErrClientClosed) {
			t.Errorf("call after Close: %v, want ErrClientClosed", err)
		}
	})
}

// A connect still in progress does not hold up Close, nor a caller whose
// context ends; both get their own error.
func TestClientCloseDuringConnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := NewClient(ClientConfig{User: "u", Logger: discardClientLogger(),
			Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
				<-ctx.Done() // a SYN nobody answers
				return nil, ctx.Err()
			}})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := linkTarget(ctx, c, testAddr, "/x"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("caller with a deadline: %v", err)
		}
		errc := make(chan error)
		go func() {
			_, err := linkTarget(context.Background(), c, testAddr, "/y")
			errc <- err
		}()
		synctest.Wait()
		c.Close()
		if err := <-errc; !errors.Is(err, ErrClientClosed) {
			t.Errorf("waiting caller: %v, want ErrClientClosed", err)
		}
	})
}

// Under simple auth the default user is $HADOOP_USER_NAME when set, as
// Hadoop's UserGroupInformation does.
func TestClientDefaultUser(t *testing.T) {
	t.Setenv("HADOOP_USER_NAME", "hue")
	c := NewClient(ClientConfig{})
	defer c.Close()
	if c.cfg.User != "hue" {
		t.Errorf("user = %q, want hue", c.cfg.User)
	}
}

func discardClientLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

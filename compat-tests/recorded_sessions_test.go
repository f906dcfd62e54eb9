package compattests

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/hdfsd/hdfsd/internal/golden"
)

// Three stock 3.3.2 DataNodes talk to our NameNode running on cluster
// P's name directory: each recorded DataNodeProtocol session is sent as
// the stock DataNode sent it, byte for byte, and every call must succeed.
//
// b2-dn-nn-restart is the DataNodes restarting on cluster P's blocks
// (versionRequest, registerDatanode, heartbeats with their storage
// reports, the full block report in BlockListAsLongs buffers, incremental
// reports naming blocks of files the archive does not have).
// After it the NameNode has three live DataNodes, leaves safe mode on
// their reports, and fsck finds every block of the namespace on them.
//
// b1-dn-nn-fresh-cluster is the same DataNodes from their first start
// through the whole workload that made the archive: an empty first
// report, then the incremental reports of every write, append, truncate
// and delete, with the generation stamps each block had on the way. Its
// commitBlockSynchronization calls finish block recoveries the archive
// has finished already, and may be refused. The NameNode leaves safe mode
// with no corrupt replica: a replica first reported with a stamp the
// block has since left is live once reported with the final one. Some
// blocks end up short, as replaying cannot avoid: where the recorded
// DataNodes report deleting the excess replicas the stock NameNode chose
// after a setrep, ours chose its own.
func TestStockDataNodeSessionsServeOurNameNode(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		healthy  bool
	}{
		{"b2-dn-nn-restart", true},
		{"b1-dn-nn-fresh-cluster", false},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			port, err := freePort() // a fixed web port, for fsck
			must(t, err)
			c := startGoldenNameNode(t, map[string]string{"dfs.namenode.http-address": fmt.Sprintf("127.0.0.1:%d", port)})

			sessions, _ := filepath.Glob(filepath.Join(golden.Path(t, "hadoop-3.3.2", "captures", tc.scenario), "conn*.c2s.bin"))
			if len(sessions) != 3 {
				t.Fatalf("recorded DataNode sessions: %v, want 3", sessions)
			}
			for _, s := range sessions {
				c2s, err := os.ReadFile(s)
				if err != nil {
					t.Fatal(err)
				}
				answered, err := replayRPCSession(c.nn.address(), c2s)
				if err != nil {
					t.Fatalf("%s: %v (after %d calls)", filepath.Base(s), err, len(answered))
				}
				var calls, refused []string
				for _, a := range answered {
					calls = append(calls, a.method)
					if a.status == 0 {
						continue
					}
					if a.method != "commitBlockSynchronization" {
						t.Fatalf("%s: call %d answered %v", filepath.Base(s), a.callID, a)
					}
					refused = append(refused, a.String())
				}
				t.Logf("%s: %d calls, %d refused (%s)", filepath.Base(s), len(calls), len(refused), strings.Join(refused, "; "))
				all := strings.Join(calls, ",")
				if !strings.HasPrefix(all, "versionRequest,registerDatanode,") || !strings.Contains(all, "blockReport") ||
					!strings.Contains(all, "blockReceivedAndDeleted") {
					t.Errorf("%s: calls %v", filepath.Base(s), calls)
				}
			}
			must(t, c.waitLive(3, 10*time.Second))
			c.waitSafeModeOff(t)
			out, err := c.hdfsdAdmin("fsck", "/")
			if !strings.Contains(out, "Number of data-nodes:\t3") || !strings.Contains(out, "Corrupt blocks:\t\t0") {
				t.Fatalf("fsck after the stock DataNodes reported: %v\n%s", err, out)
			}
			if tc.healthy && (err != nil || !strings.Contains(out, "Status: HEALTHY") || !strings.Contains(out, "Missing blocks:\t\t0")) {
				t.Fatalf("fsck after the stock DataNodes reported: %v\n%s", err, out)
			}
		})
	}
}

// The stock shell's ClientProtocol sessions of capture scenario a
// (mkdir, put, ls, get, stat, mv, chmod, chown, setfacl/getfacl,
// setfattr/getfattr, the snapshot commands, rm, and an ls that fails),
// sent byte for byte, in order, to our NameNode on cluster P's name
// directory with three DataNodes: every call is answered as the stock
// NameNode answered it, SUCCESS or the same exception class.
func TestStockShellSessionsAnsweredAsTheStockNameNodeDid(t *testing.T) {
	c := startGoldenCluster(t)
	conns, _ := filepath.Glob(filepath.Join(golden.Path(t, "hadoop-3.3.2", "captures", "a-client-nn-rpc"), "conn*.c2s.bin"))
	if len(conns) != 21 {
		t.Fatalf("recorded sessions: %d, want 21", len(conns))
	}
	sort.Slice(conns, func(i, j int) bool { return connNumber(conns[i]) < connNumber(conns[j]) })
	calls := 0
	for _, f := range conns {
		c2s, err := os.ReadFile(f)
		must(t, err)
		s2c, err := os.ReadFile(strings.Replace(f, ".c2s.", ".s2c.", 1))
		must(t, err)
		stock, err := recordedAnswers(s2c)
		must(t, err)
		ours, err := replayRPCSession(c.nn.address(), c2s)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		for _, a := range ours {
			calls++
			if s := stock[a.callID]; s.status != a.status || s.exception != a.exception {
				t.Errorf("%s call %d: ours %v, stock %v", filepath.Base(f), a.callID, a, s)
			}
		}
	}
	if calls < 40 {
		t.Errorf("%d calls replayed", calls)
	}
}

// connNumber is N of a capture's connN-*.bin file, for replaying the
// connections in the order they were made.
func connNumber(p string) int {
	b := strings.TrimPrefix(filepath.Base(p), "conn")
	n, _ := strconv.Atoi(b[:max(strings.IndexByte(b, '-'), 0)])
	return n
}

// rpcAnswer is one call of a replayed or recorded session and how it was
// answered.
type rpcAnswer struct {
	method    string
	callID    int64
	status    uint64 // RpcStatusProto: 0 SUCCESS, 1 ERROR, 2 FATAL
	exception string
	message   string
}

func (a rpcAnswer) String() string {
	if a.status == 0 {
		return a.method + ": SUCCESS"
	}
	return fmt.Sprintf("%s: %s %s", a.method, a.exception, a.message)
}

// replayRPCSession sends a recorded Hadoop RPC client stream to addr: the
// 7-byte preamble, then each length-prefixed frame as recorded, waiting
// after each call for its answer. It returns the calls with their
// answers. (The headers are read with protowire: this package links
// colinmarc's copies of Hadoop's .proto files, so ours cannot be
// registered beside them.)
func replayRPCSession(addr string, c2s []byte) ([]rpcAnswer, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	const preambleLen = 7 // "hrpc", version, service class, auth protocol
	if len(c2s) < preambleLen || string(c2s[:4]) != "hrpc" {
		return nil, errors.New("no hrpc preamble")
	}
	if _, err := conn.Write(c2s[:preambleLen]); err != nil {
		return nil, err
	}
	in := bytes.NewReader(c2s[preambleLen:])
	answers := bufio.NewReader(conn)
	var calls []rpcAnswer
	for {
		frame, err := readRPCFrame(in)
		if err == io.EOF {
			return calls, nil
		}
		if err != nil {
			return calls, fmt.Errorf("recorded frame: %w", err)
		}
		header, body, err := nextDelimited(frame)
		if err != nil {
			return calls, fmt.Errorf("recorded request header: %w", err)
		}
		callID := protowire.DecodeZigZag(fieldVarint(header, 3)) // RpcRequestHeaderProto.callId, sint32
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := conn.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(frame))), frame...)); err != nil {
			return calls, err
		}
		if callID < 0 {
			continue // the connection context: no answer
		}
		reqHeader, _, err := nextDelimited(body)
		if err != nil {
			return calls, fmt.Errorf("recorded call %d: %w", callID, err)
		}
		method := string(fieldBytes(reqHeader, 1)) // RequestHeaderProto.methodName
		frame, err = readRPCFrame(answers)
		if err != nil {
			return calls, fmt.Errorf("answer to %s: %w", method, err)
		}
		a, err := parseRPCAnswer(frame)
		if err != nil {
			return calls, fmt.Errorf("answer to %s: %w", method, err)
		}
		if a.callID != callID {
			return calls, fmt.Errorf("%s (call %d) answered as call %d", method, callID, a.callID)
		}
		a.method = method
		calls = append(calls, a)
	}
}

// parseRPCAnswer reads a response frame's RpcResponseHeaderProto: callId
// 1, status 2, exceptionClassName 4, errorMsg 5.
func parseRPCAnswer(frame []byte) (rpcAnswer, error) {
	h, _, err := nextDelimited(frame)
	if err != nil {
		return rpcAnswer{}, err
	}
	return rpcAnswer{callID: int64(fieldVarint(h, 1)), status: fieldVarint(h, 2),
		exception: string(fieldBytes(h, 4)), message: string(fieldBytes(h, 5))}, nil
}

// recordedAnswers are the answers of a recorded server stream by call id.
func recordedAnswers(s2c []byte) (map[int64]rpcAnswer, error) {
	out := map[int64]rpcAnswer{}
	in := bytes.NewReader(s2c)
	for {
		frame, err := readRPCFrame(in)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		a, err := parseRPCAnswer(frame)
		if err != nil {
			return out, err
		}
		out[a.callID] = a
	}
}

// readRPCFrame reads one 4-byte length-prefixed frame.
func readRPCFrame(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size == 0 || size > 64<<20 {
		return nil, fmt.Errorf("frame of %d bytes", size)
	}
	b := make([]byte, size)
	_, err := io.ReadFull(r, b)
	return b, err
}

// nextDelimited splits a varint-delimited message from what follows.
func nextDelimited(b []byte) (msg, rest []byte, err error) {
	n, k := protowire.ConsumeVarint(b)
	if k < 0 || uint64(len(b)-k) < n {
		return nil, nil, errors.New("truncated delimited message")
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}

// fieldVarint and fieldBytes return a top-level field of a message (0 or
// nil when absent).
func fieldVarint(m []byte, num protowire.Number) uint64 {
	var v uint64
	eachField(m, func(n protowire.Number, t protowire.Type, b []byte) {
		if n == num && t == protowire.VarintType {
			v, _ = protowire.ConsumeVarint(b)
		}
	})
	return v
}

func fieldBytes(m []byte, num protowire.Number) []byte {
	var v []byte
	eachField(m, func(n protowire.Number, t protowire.Type, b []byte) {
		if n == num && t == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(b)
		}
	})
	return v
}

func eachField(m []byte, fn func(protowire.Number, protowire.Type, []byte)) {
	for len(m) > 0 {
		n, t, k := protowire.ConsumeTag(m)
		if k < 0 {
			return
		}
		l := protowire.ConsumeFieldValue(n, t, m[k:])
		if l < 0 {
			return
		}
		fn(n, t, m[k:k+l])
		m = m[k+l:]
	}
}

package journalnode

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

const stockStorageInfo = "-66:552735754:1795431319195:CID-301977bf-eef9-4ddf-aa0d-4cba6b566d19"

func startDaemon(t *testing.T, editsDir string, set map[string]string) (*Daemon, context.CancelFunc, chan error) {
	t.Helper()
	c := conf.New()
	c.Set("dfs.journalnode.edits.dir", editsDir)
	c.Set("dfs.journalnode.rpc-address", "127.0.0.1:0")
	c.Set("dfs.journalnode.http-address", "127.0.0.1:0")
	c.Set("dfs.ha.tail-edits.in-progress", "true")
	for k, v := range set {
		c.Set(k, v)
	}
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Start(context.Background(), c, cfg, Options{Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return d, cancel, done
}

func jidProto(s string) *pb.JournalIdProto { return &pb.JournalIdProto{Identifier: proto.String(s)} }

// TestServesStockDirectories starts on the directories a stock 3.3.2
// JournalNode left and checks what it serves.
func TestServesStockDirectories(t *testing.T) {
	root := golden.Extract(t, "hadoop-3.3.2", "jn-dirs.tgz")
	d, _, _ := startDaemon(t, filepath.Join(root, "jn1"), nil)
	cl := hadooprpc.NewClient(hadooprpc.ClientConfig{})
	defer cl.Close()
	ctx := context.Background()

	var st pb.GetJournalStateResponseProto
	if err := cl.Call(ctx, d.RPCAddr(), jnrpc.ProtocolName, "getJournalState",
		&pb.GetJournalStateRequestProto{Jid: jidProto("ns1")}, &st); err != nil {
		t.Fatal(err)
	}
	if st.GetLastPromisedEpoch() != 3 || st.GetFromURL() != "http://"+d.HTTPAddr() || int(st.GetHttpPort()) != d.httpPort() {
		t.Fatalf("getJournalState: %v", &st)
	}
	var m pb.GetEditLogManifestResponseProto
	if err := cl.Call(ctx, d.RPCAddr(), jnrpc.ProtocolName, "getEditLogManifest",
		&pb.GetEditLogManifestRequestProto{Jid: jidProto("ns1"), SinceTxId: proto.Uint64(0), InProgressOk: proto.Bool(true)}, &m); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range m.GetManifest().GetLogs() {
		got = append(got, fmt.Sprintf("%d-%d/%t", l.GetStartTxId(), l.GetEndTxId(), l.GetIsInProgress()))
	}
	want := "1-2/false 3-34/false 35-36/false 37-38/false 39-54/false 55-77/false 78-79/false 80-81/false 82-82/true"
	if strings.Join(got, " ") != want || m.GetManifest().GetCommittedTxnId() != 81 {
		t.Fatalf("manifest %v committed %d", got, m.GetManifest().GetCommittedTxnId())
	}
	// After a restart the cache is empty: the stock JN answers a cache miss
	// for anything but the next txid.
	var je pb.GetJournaledEditsResponseProto
	if err := cl.Call(ctx, d.RPCAddr(), jnrpc.ProtocolName, "getJournaledEdits",
		&pb.GetJournaledEditsRequestProto{Jid: jidProto("ns1"), SinceTxId: proto.Uint64(83), MaxTxns: proto.Uint32(5000)}, &je); err != nil || je.GetTxnCount() != 0 || je.EditLog != nil {
		t.Fatalf("getJournaledEdits(83): %v %v", &je, err)
	}
	err := cl.Call(ctx, d.RPCAddr(), jnrpc.ProtocolName, "getJournaledEdits",
		&pb.GetJournaledEditsRequestProto{Jid: jidProto("ns1"), SinceTxId: proto.Uint64(85), MaxTxns: proto.Uint32(5000)}, &je)
	if re, ok := err.(*hadooprpc.RemoteError); !ok || re.Class != jnrpc.ClassNewerTxnID ||
		re.Message != "Highest txn ID available in the journal is 82, but requested txns starting at 85." {
		t.Fatalf("getJournaledEdits(85): %v", err)
	}
	err = cl.Call(ctx, d.RPCAddr(), jnrpc.ProtocolName, "getJournaledEdits",
		&pb.GetJournaledEditsRequestProto{Jid: jidProto("ns1"), SinceTxId: proto.Uint64(82), MaxTxns: proto.Uint32(5000)}, &je)
	if re, ok := err.(*hadooprpc.RemoteError); !ok || re.Class != jnrpc.ClassCacheMiss ||
		re.Message != "Cache is empty; either it was never written to or the last write overflowed the cache capacity." {
		t.Fatalf("getJournaledEdits(82): %v", err)
	}

	// /getJournal serves the files byte for byte, padding included.
	for _, seg := range []string{"3-34", "39-54"} {
		var a, b int
		fmt.Sscanf(seg, "%d-%d", &a, &b)
		u := fmt.Sprintf("http://%s/getJournal?jid=ns1&segmentTxId=%d&storageInfo=%s&inProgressOk=true", d.HTTPAddr(), a, stockStorageInfo)
		body, hdr := httpGet(t, u, 200)
		name := fmt.Sprintf("edits_%019d-%019d", a, b)
		want, _ := os.ReadFile(filepath.Join(root, "jn1", "ns1", "current", name))
		if !bytes.Equal(body, want) || hdr.Get("X-Image-Edits-Name") != name {
			t.Fatalf("segment %s: %d bytes, want %d; %v", seg, len(body), len(want), hdr)
		}
	}
	httpGet(t, "http://"+d.HTTPAddr()+"/getJournal?jid=ns1&segmentTxId=82&inProgressOk=false", 404)
	httpGet(t, "http://"+d.HTTPAddr()+"/getJournal?jid=ns1&segmentTxId=3&storageInfo=-66:1:2:CID-x", 403)
	httpGet(t, "http://"+d.HTTPAddr()+"/jmx", 200)
}

// TestGetJournalMatchesRecordedReplies replays every recorded /getJournal
// request against our JournalNode on the stock directories and compares
// status, the headers that are not dates, and the body byte for byte.
func TestGetJournalMatchesRecordedReplies(t *testing.T) {
	root := golden.Extract(t, "hadoop-3.3.2", "jn-dirs.tgz")
	dir := golden.Path(t, "hadoop-3.3.2", "captures", "d-nn-jn-qjm")
	daemons := map[string]*Daemon{}
	seen := 0
	for _, c := range []struct{ conn, jn string }{{"conn49-38536-37212", "jn2"}, {"conn50-38000-37213", "jn3"}} {
		c2s, err := os.ReadFile(filepath.Join(dir, c.conn+".c2s.bin"))
		if err != nil {
			t.Fatal(err)
		}
		s2c, _ := os.ReadFile(filepath.Join(dir, c.conn+".s2c.bin"))
		if daemons[c.jn] == nil {
			daemons[c.jn], _, _ = startDaemon(t, filepath.Join(root, c.jn), nil)
		}
		d := daemons[c.jn]
		rd := bufio.NewReader(bytes.NewReader(s2c))
		for _, line := range strings.Split(string(c2s), "\r\n") {
			if !strings.HasPrefix(line, "GET ") {
				continue
			}
			path := strings.Fields(line)[1]
			want, err := http.ReadResponse(rd, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantBody, _ := io.ReadAll(want.Body)
			body, hdr := httpGet(t, "http://"+d.HTTPAddr()+path, want.StatusCode)
			if !bytes.Equal(body, wantBody) {
				t.Fatalf("%s %s: body %d bytes, recorded %d", c.conn, path, len(body), len(wantBody))
			}
			for _, h := range []string{"Cache-Control", "Pragma", "Content-Type", "X-Content-Type-Options", "X-XSS-Protection",
				"Content-Disposition", "X-Image-Edits-Name", "Content-Length"} {
				if hdr.Get(h) != want.Header.Get(h) {
					t.Errorf("%s %s: %s %q, recorded %q", c.conn, path, h, hdr.Get(h), want.Header.Get(h))
				}
			}
			seen++
		}
	}
	if seen != 4 {
		t.Fatalf("%d recorded requests, want 4", seen)
	}
}

func httpGet(t *testing.T, url string, code int) ([]byte, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != code {
		t.Fatalf("GET %s: %d, want %d: %s", url, resp.StatusCode, code, body)
	}
	return body, resp.Header
}

// TestDaemonStopsOnCancel: Run returns when its context ends.
func TestDaemonStopsOnCancel(t *testing.T) {
	d, cancel, done := startDaemon(t, t.TempDir(), nil)
	_ = d
	cancel()
	select {
	case err := <-done:
		done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}

// dfs.journalnode.edits.dir.<nameservice>: a journal first asked for by a
// NameNode of a nameservice with its own edits dir lives there, the others
// in dfs.journalnode.edits.dir (JournalNode.getLogDir); after a restart
// both are found, whoever asks.
func TestPerNameserviceEditsDirs(t *testing.T) {
	base, ns2, ns3 := t.TempDir(), filepath.Join(t.TempDir(), "ns2-edits"), filepath.Join(t.TempDir(), "ns3-edits")
	// ns3 is not one of this configuration's nameservices: its dir is
	// looked up when a NameNode names it, as Hadoop does.
	set := map[string]string{"dfs.nameservices": "ns1,ns2", "dfs.journalnode.edits.dir.ns2": ns2, "dfs.journalnode.edits.dir.ns3": ns3}
	nsInfo := &hdfspb.NamespaceInfoProto{BuildVersion: proto.String("hdfsd"), Unused: proto.Uint32(0),
		BlockPoolID: proto.String("BP-1-127.0.0.1-1"), SoftwareVersion: proto.String("3.4.1"),
		StorageInfo: &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(uint32(0xffffffbd)), NamespceID: proto.Uint32(7),
			ClusterID: proto.String("CID-1"), CTime: proto.Uint64(0)}}
	cl := hadooprpc.NewClient(hadooprpc.ClientConfig{})
	defer cl.Close()
	ctx := context.Background()

	d, cancel, done := startDaemon(t, base, set)
	for _, c := range []struct{ jid, nsid string }{{"journal-a", "ns1"}, {"journal-b", "ns2"}, {"journal-c", ""}, {"journal-d", "ns3"}} {
		req := &pb.FormatRequestProto{Jid: jidProto(c.jid), NsInfo: nsInfo, Force: proto.Bool(false)}
		if c.nsid != "" {
			req.NameServiceId = proto.String(c.nsid)
		}
		if err := cl.Call(ctx, d.RPCAddr(), jnrpc.ProtocolName, "format", req, &pb.FormatResponseProto{}); err != nil {
			t.Fatalf("format %s for %q: %v", c.jid, c.nsid, err)
		}
	}
	for _, want := range []string{
		filepath.Join(base, "journal-a", "current", "VERSION"),
		filepath.Join(ns2, "journal-b", "current", "VERSION"),
		filepath.Join(base, "journal-c", "current", "VERSION"),
		filepath.Join(ns3, "journal-d", "current", "VERSION"),
	} {
		if _, err := os.Stat(want); err != nil {
			t.Errorf("after format: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(base, "journal-b")); err == nil {
		t.Errorf("journal-b is in the general edits dir too")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	done <- nil

	d, _, _ = startDaemon(t, base, set)
	for _, c := range []struct{ jid, nsid string }{{"journal-a", ""}, {"journal-b", ""}, {"journal-c", ""}, {"journal-d", "ns3"}} {
		var r pb.IsFormattedResponseProto
		req := &pb.IsFormattedRequestProto{Jid: jidProto(c.jid)}
		if c.nsid != "" {
			req.NameServiceId = proto.String(c.nsid)
		}
		if err := cl.Call(ctx, d.RPCAddr(), jnrpc.ProtocolName, "isFormatted", req, &r); err != nil || !r.GetIsFormatted() {
			t.Errorf("after a restart, isFormatted(%s) = %v, %v", c.jid, r.GetIsFormatted(), err)
		}
	}
}

func TestConfigReadsPerNameserviceEditsDirs(t *testing.T) {
	for _, c := range []struct {
		name     string
		set      map[string]string
		editsDir string
		nsDirs   map[string]string
		bad      bool
	}{
		{"federated: each nameservice keeps its own",
			map[string]string{"dfs.nameservices": "ns1,ns2", "dfs.journalnode.edits.dir": "/jn", "dfs.journalnode.edits.dir.ns1": "/jn1", "dfs.journalnode.edits.dir.ns2": "/jn2"},
			"/jn", map[string]string{"ns1": "/jn1", "ns2": "/jn2"}, false},
		{"one nameservice: its dir is the JournalNode's",
			map[string]string{"dfs.nameservices": "ns1", "dfs.journalnode.edits.dir": "/jn", "dfs.journalnode.edits.dir.ns1": "/jn1"},
			"/jn1", map[string]string{"ns1": "/jn1"}, false},
		{"dfs.internal.nameservices decides",
			map[string]string{"dfs.nameservices": "ns1,ns2", "dfs.internal.nameservices": "ns2", "dfs.journalnode.edits.dir": "/jn", "dfs.journalnode.edits.dir.ns2": "/jn2"},
			"/jn2", map[string]string{"ns2": "/jn2"}, false},
		{"relative per-nameservice dir",
			map[string]string{"dfs.nameservices": "ns1,ns2", "dfs.journalnode.edits.dir": "/jn", "dfs.journalnode.edits.dir.ns1": "jn1"},
			"/jn", map[string]string{"ns1": "jn1"}, true},
		{"dfs.journalnode.edits.dir.perm is not a nameservice",
			map[string]string{"dfs.journalnode.edits.dir": "/jn", "dfs.journalnode.edits.dir.perm": "700"},
			"/jn", map[string]string{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cf := conf.New()
			for k, v := range c.set {
				cf.Set(k, v)
			}
			cfg, err := ConfigFrom(cf)
			if (err != nil) != c.bad {
				t.Fatalf("err = %v, want error: %v", err, c.bad)
			}
			if cfg.EditsDir != c.editsDir || !maps.Equal(cfg.NameserviceDirs, c.nsDirs) {
				t.Fatalf("edits dir %q, per nameservice %v; want %q, %v", cfg.EditsDir, cfg.NameserviceDirs, c.editsDir, c.nsDirs)
			}
		})
	}
}

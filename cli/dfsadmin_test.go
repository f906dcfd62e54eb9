package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/hdfsclient"
	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// fakeNN is a ClientProtocol answering from a table of canned responses,
// recording the requests it got.
type fakeNN struct {
	mu       sync.Mutex
	answers  map[string][]proto.Message // per method, consumed in order; the last repeats
	fail     map[string]error
	requests []string // "method" in call order
	bodies   map[string][]proto.Message
}

func (f *fakeNN) protocol(newReq map[string]func() proto.Message) hadooprpc.Protocol {
	m := map[string]hadooprpc.Handler{}
	for name, nr := range newReq {
		m[name] = hadooprpc.Handler{NewRequest: nr, Call: func(_ context.Context, req proto.Message) (proto.Message, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.requests = append(f.requests, name)
			if f.bodies == nil {
				f.bodies = map[string][]proto.Message{}
			}
			f.bodies[name] = append(f.bodies[name], req)
			if err := f.fail[name]; err != nil {
				return nil, err
			}
			list := f.answers[name]
			if len(list) == 0 {
				return nil, &hadooprpc.RemoteError{Class: hadooprpc.ClassNoSuchMethod, Message: "no answer for " + name}
			}
			resp := list[0]
			if len(list) > 1 {
				f.answers[name] = list[1:]
			}
			return resp, nil
		}}
	}
	return hadooprpc.Protocol{Name: hdfsclient.Protocol, Version: hdfsclient.ProtocolVersion, Methods: m}
}

var clientRequests = map[string]func() proto.Message{
	"setSafeMode":               func() proto.Message { return new(hdfspb.SetSafeModeRequestProto) },
	"saveNamespace":             func() proto.Message { return new(hdfspb.SaveNamespaceRequestProto) },
	"rollEdits":                 func() proto.Message { return new(hdfspb.RollEditsRequestProto) },
	"refreshNodes":              func() proto.Message { return new(hdfspb.RefreshNodesRequestProto) },
	"metaSave":                  func() proto.Message { return new(hdfspb.MetaSaveRequestProto) },
	"setBalancerBandwidth":      func() proto.Message { return new(hdfspb.SetBalancerBandwidthRequestProto) },
	"setQuota":                  func() proto.Message { return new(hdfspb.SetQuotaRequestProto) },
	"getFileInfo":               func() proto.Message { return new(hdfspb.GetFileInfoRequestProto) },
	"allowSnapshot":             func() proto.Message { return new(hdfspb.AllowSnapshotRequestProto) },
	"disallowSnapshot":          func() proto.Message { return new(hdfspb.DisallowSnapshotRequestProto) },
	"listOpenFiles":             func() proto.Message { return new(hdfspb.ListOpenFilesRequestProto) },
	"getFsStats":                func() proto.Message { return new(hdfspb.GetFsStatusRequestProto) },
	"getFsReplicatedBlockStats": func() proto.Message { return new(hdfspb.GetFsReplicatedBlockStatsRequestProto) },
	"getFsECBlockGroupStats":    func() proto.Message { return new(hdfspb.GetFsECBlockGroupStatsRequestProto) },
	"getDatanodeReport":         func() proto.Message { return new(hdfspb.GetDatanodeReportRequestProto) },
	"getSlowDatanodeReport":     func() proto.Message { return new(hdfspb.GetSlowDatanodeReportRequestProto) },
}

func serveFake(t *testing.T, f *fakeNN) string {
	t.Helper()
	return serveProtocol(t, f.protocol(clientRequests))
}

// serveProtocol serves p on a loopback port until the test ends.
func serveProtocol(t *testing.T, p hadooprpc.Protocol) string {
	t.Helper()
	s := hadooprpc.NewServer(hadooprpc.ServerConfig{})
	s.Register(p)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() { s.Close(); <-done })
	return l.Addr().String()
}

// fixedNetwork names every IP "localhost".
type fixedNetwork struct{}

func (fixedNetwork) LookupIP(host string) ([]net.IP, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, nil
	}
	return []net.IP{net.IPv4(127, 0, 0, 1)}, nil
}
func (fixedNetwork) HostName(net.IP) string { return "localhost" }
func (fixedNetwork) IsLocal(net.IP) bool    { return true }

// runAdmin runs dfsadmin with the given settings and arguments.
func runAdmin(t *testing.T, settings map[string]string, args ...string) (code int, stdout, stderr string, sleeps int) {
	t.Helper()
	c := conf.New()
	c.Set("ipc.client.connect.max.retries", "0")
	for k, v := range settings {
		c.Set(k, v)
	}
	var out, errb bytes.Buffer
	a := &dfsAdmin{out: &out, err: &errb, conf: c, net: fixedNetwork{}, loc: time.UTC,
		sleep: func(context.Context, time.Duration) error { sleeps++; return nil }}
	defer a.close()
	code = a.run(context.Background(), args)
	return code, out.String(), errb.String(), sleeps
}

func single(addr string) map[string]string {
	return map[string]string{"fs.defaultFS": "hdfs://" + addr}
}

func haConf(a1, a2 string) map[string]string {
	return map[string]string{
		"fs.defaultFS": "hdfs://ns1", "dfs.nameservices": "ns1", "dfs.ha.namenodes.ns1": "nn1,nn2",
		"dfs.namenode.rpc-address.ns1.nn1": a1, "dfs.namenode.rpc-address.ns1.nn2": a2,
		"dfs.client.failover.sleep.base.millis": "1", "dfs.client.failover.sleep.max.millis": "1",
	}
}

func dirStatus() *hdfspb.HdfsFileStatusProto {
	return &hdfspb.HdfsFileStatusProto{
		FileType: hdfspb.HdfsFileStatusProto_IS_DIR.Enum(), Path: []byte{}, Length: proto.Uint64(0),
		Permission: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o755)}, Owner: proto.String("root"),
		Group: proto.String("supergroup"), ModificationTime: proto.Uint64(0), AccessTime: proto.Uint64(0),
	}
}

func ans(ms ...proto.Message) []proto.Message { return ms }

func TestSafeModeReportsTheNameNodesAnswer(t *testing.T) {
	f := &fakeNN{answers: map[string][]proto.Message{
		"setSafeMode": ans(&hdfspb.SetSafeModeResponseProto{Result: proto.Bool(true)}),
	}}
	addr := serveFake(t, f)
	code, out, errs, _ := runAdmin(t, single(addr), "-safemode", "enter")
	if code != 0 || out != "Safe mode is ON\n" || errs != "" {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
}

func TestSafeModeWaitPollsUntilOff(t *testing.T) {
	on := &hdfspb.SetSafeModeResponseProto{Result: proto.Bool(true)}
	off := &hdfspb.SetSafeModeResponseProto{Result: proto.Bool(false)}
	f := &fakeNN{answers: map[string][]proto.Message{"setSafeMode": ans(on, on, off)}}
	code, out, _, sleeps := runAdmin(t, single(serveFake(t, f)), "-safemode", "wait")
	if code != 0 || out != "Safe mode is OFF\n" || sleeps != 2 {
		t.Fatalf("exit %d, out %q, %d sleeps", code, out, sleeps)
	}
}

func TestSafeModeInHALoopsOverEveryNameNode(t *testing.T) {
	f1 := &fakeNN{answers: map[string][]proto.Message{"setSafeMode": ans(&hdfspb.SetSafeModeResponseProto{Result: proto.Bool(false)})}}
	f2 := &fakeNN{answers: map[string][]proto.Message{"setSafeMode": ans(&hdfspb.SetSafeModeResponseProto{Result: proto.Bool(true)})}}
	a1, a2 := serveFake(t, f1), serveFake(t, f2)
	code, out, _, _ := runAdmin(t, haConf(a1, a2), "-safemode", "get")
	want := "Safe mode is OFF in /" + a1 + "\nSafe mode is ON in /" + a2 + "\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, out %q, want %q", code, out, want)
	}
}

func TestRemoteErrorPrintsItsFirstLineAndExits255(t *testing.T) {
	f := &fakeNN{fail: map[string]error{"setSafeMode": &hadooprpc.RemoteError{Class: hadooprpc.ClassAccessControl,
		Message: "Access denied for user bob. Superuser privilege is required\n\tat somewhere"}}}
	code, out, errs, _ := runAdmin(t, single(serveFake(t, f)), "-safemode", "leave")
	if code != 255 || out != "" || errs != "safemode: Access denied for user bob. Superuser privilege is required\n" {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
}

func TestHASaveNamespaceGathersFailures(t *testing.T) {
	denied := &hadooprpc.RemoteError{Class: hadooprpc.ClassStandby, Message: "Operation category UNCHECKED is not supported in state standby"}
	f1 := &fakeNN{answers: map[string][]proto.Message{"saveNamespace": ans(&hdfspb.SaveNamespaceResponseProto{Saved: proto.Bool(true)})}}
	f2 := &fakeNN{fail: map[string]error{"saveNamespace": denied}}
	a1, a2 := serveFake(t, f1), serveFake(t, f2)
	code, out, errs, _ := runAdmin(t, haConf(a1, a2), "-saveNamespace")
	if code != 255 || out != "Save namespace successful for /"+a1+"\nSave namespace failed for /"+a2+"\n" ||
		errs != "saveNamespace: Operation category UNCHECKED is not supported in state standby\n" {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
}

func TestOneLineCommands(t *testing.T) {
	f := &fakeNN{answers: map[string][]proto.Message{
		"saveNamespace":        ans(&hdfspb.SaveNamespaceResponseProto{Saved: proto.Bool(false)}),
		"rollEdits":            ans(&hdfspb.RollEditsResponseProto{NewSegmentTxId: proto.Uint64(451)}),
		"refreshNodes":         ans(&hdfspb.RefreshNodesResponseProto{}),
		"metaSave":             ans(&hdfspb.MetaSaveResponseProto{}),
		"setBalancerBandwidth": ans(&hdfspb.SetBalancerBandwidthResponseProto{}),
		"allowSnapshot":        ans(&hdfspb.AllowSnapshotResponseProto{}),
		"disallowSnapshot":     ans(&hdfspb.DisallowSnapshotResponseProto{}),
		"getFileInfo":          ans(&hdfspb.GetFileInfoResponseProto{Fs: dirStatus()}),
		"setQuota":             ans(&hdfspb.SetQuotaResponseProto{}),
		"listOpenFiles": ans(&hdfspb.ListOpenFilesResponseProto{HasMore: proto.Bool(false), Entries: []*hdfspb.OpenFilesBatchResponseProto{
			{Id: proto.Int64(7), Path: proto.String("/a"), ClientName: proto.String("DFSClient_1"), ClientMachine: proto.String("127.0.0.1")}}}),
	}}
	addr := serveFake(t, f)
	for _, c := range []struct {
		args []string
		out  string
	}{
		{[]string{"-saveNamespace"}, "No extra checkpoint has been made\n"},
		{[]string{"-rollEdits"}, "Successfully rolled edit logs.\nNew segment starts at txid 451\n"},
		{[]string{"-refreshNodes"}, "Refresh nodes successful\n"},
		{[]string{"-metasave", "m.txt"}, "Created metasave file m.txt in the log directory of namenode hdfs://" + addr + "\n"},
		{[]string{"-setBalancerBandwidth", "10m"}, "Balancer bandwidth is set to 10485760\n"},
		{[]string{"-allowSnapshot", "/snap"}, "Allowing snapshot on /snap succeeded\n"},
		{[]string{"-disallowSnapshot", "/snap"}, "Disallowing snapshot on /snap succeeded\n"},
		{[]string{"-setQuota", "100", "/quota"}, ""},
		{[]string{"-setSpaceQuota", "50m", "-storageType", "DISK", "/quota"}, ""},
		{[]string{"-clrQuota", "/quota"}, ""},
		{[]string{"-listOpenFiles"}, "Client Host         \tClient Name         \tOpen File Path\n127.0.0.1           \tDFSClient_1         \t                  /a\n"},
	} {
		code, out, errs, _ := runAdmin(t, single(addr), c.args...)
		if code != 0 || out != c.out || errs != "" {
			t.Errorf("%v: exit %d, out %q, err %q; want %q", c.args, code, out, errs, c.out)
		}
	}
	q := f.bodies["setQuota"][1].(*hdfspb.SetQuotaRequestProto)
	if q.GetStorageType() != hdfspb.StorageTypeProto_DISK || q.GetStoragespaceQuota() != 50<<20 || q.GetNamespaceQuota() != 1<<63-1 {
		t.Errorf("setSpaceQuota sent %v", q)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args    []string
		errText string
		code    int
	}{
		{[]string{"-safemode"}, "Usage: hdfs dfsadmin [-safemode enter | leave | get | wait | forceExit]\n", 255},
		{[]string{"-safemode", "bogus"}, "Usage: hdfs dfsadmin [-safemode enter | leave | get | wait | forceExit]\n", 0},
		{[]string{"-rollEdits", "x"}, "Usage: hdfs dfsadmin [-rollEdits]\n", 255},
		{[]string{"-allowsnapshot"}, "Usage: hdfs dfsadmin [-allowSnapshot <snapshotDir>]\n", 255},
		{[]string{"-setQuota", "abc", "/q"}, "setQuota: Invalid size prefix 'c' in 'abc'. Allowed prefixes are k, m, g, t, p, e(case insensitive)\nUsage: hdfs dfsadmin [-setQuota <quota> <dirname>...<dirname>]\n", 255},
		{[]string{"-setQuota", "0", "/q"}, "setQuota: Invalid values for quota : 0 and 9223372036854775807\nUsage: hdfs dfsadmin [-setQuota <quota> <dirname>...<dirname>]\n", 255},
		{[]string{"-setBalancerBandwidth", "-5"}, "Bandwidth should be a non-negative integer\n", 255},
		{[]string{"-setBalancerBandwidth", "1x2"}, "NumberFormatException: For input string: \"1x2\"\nUsage: hdfs dfsadmin [-setBalancerBandwidth <bandwidth in bytes per second>]\n", 255},
		{[]string{"-setBalancerBandwidth", "1x"}, "setBalancerBandwidth: Invalid size prefix 'x' in '1x'", 255},
		{[]string{"-frob"}, "frob: Unknown command\nUsage: hdfs dfsadmin\n", 255},
	} {
		code, _, errs, _ := runAdmin(t, single("127.0.0.1:1"), c.args...)
		if code != c.code || !strings.HasPrefix(errs, c.errText) && !strings.Contains(errs, c.errText) {
			t.Errorf("%v: exit %d, err %q; want %d, %q", c.args, code, errs, c.code, c.errText)
		}
	}
	code, _, errs, _ := runAdmin(t, map[string]string{}, "-safemode", "get")
	if code != 255 || errs != "safemode: FileSystem file:/// is not an HDFS file system\nUsage: hdfs dfsadmin [-safemode enter | leave | get | wait | forceExit]\n" {
		t.Errorf("file:/// default: exit %d, err %q", code, errs)
	}
}

func TestQuotaOnAMissingDirectoryFailsThatDirectoryOnly(t *testing.T) {
	f := &fakeNN{answers: map[string][]proto.Message{
		"getFileInfo": ans(&hdfspb.GetFileInfoResponseProto{}, &hdfspb.GetFileInfoResponseProto{Fs: dirStatus()}),
		"setQuota":    ans(&hdfspb.SetQuotaResponseProto{}),
	}}
	code, _, errs, _ := runAdmin(t, single(serveFake(t, f)), "-clrQuota", "/nope", "/yes")
	if code != 255 || errs != "clrQuota: `/nope': No such file or directory\n" || len(f.bodies["setQuota"]) != 1 {
		t.Fatalf("exit %d, err %q, %d setQuota calls", code, errs, len(f.bodies["setQuota"]))
	}
}

// testdataDir finds shared/testdata/hadoop-3.3.2 above the package.
func testdataDir(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		d := filepath.Join(dir, "shared", "testdata", "hadoop-3.3.2")
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
		if filepath.Dir(dir) == dir {
			t.Skip("no shared/testdata/hadoop-3.3.2")
		}
		dir = filepath.Dir(dir)
	}
}

// recordedCalls decodes a recorded c2s (requests) or s2c (responses) stream
// into the message bodies after the headers, by call id.
func recordedCalls(t *testing.T, stream []byte, requests bool) (methods map[int32]string, bodies map[int32][]byte) {
	methods, bodies = map[int32]string{}, map[int32][]byte{}
	if requests {
		stream = stream[hadooprpc.PreambleLen:]
	}
	for len(stream) >= 4 {
		n := int(binary.BigEndian.Uint32(stream))
		frame := stream[4 : 4+n]
		stream = stream[4+n:]
		msg, rest, err := hadooprpc.NextDelimited(frame)
		if err != nil {
			t.Fatal(err)
		}
		if requests {
			var h commonpb.RpcRequestHeaderProto
			proto.Unmarshal(msg, &h)
			if h.GetCallId() < 0 {
				continue
			}
			var rh commonpb.RequestHeaderProto
			m2, rest2, _ := hadooprpc.NextDelimited(rest)
			proto.Unmarshal(m2, &rh)
			body, _, _ := hadooprpc.NextDelimited(rest2)
			methods[h.GetCallId()], bodies[h.GetCallId()] = rh.GetMethodName(), body
			continue
		}
		var h commonpb.RpcResponseHeaderProto
		proto.Unmarshal(msg, &h)
		body, _, _ := hadooprpc.NextDelimited(rest)
		bodies[int32(h.GetCallId())] = body
	}
	return methods, bodies
}

func readCapture(t *testing.T, conn, dir string) []byte {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(testdataDir(t), "captures", "a2-client-nn-rpc-full-workload", conn+"-*."+dir+".bin"))
	if len(matches) != 1 {
		t.Fatalf("capture %s.%s: %v", conn, dir, matches)
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReportMatchesStockByteForByte replays the NameNode's answers to the
// stock `dfsadmin -report` (conn181) and compares with what it printed.
func TestReportMatchesStockByteForByte(t *testing.T) {
	methods, _ := recordedCalls(t, readCapture(t, "conn181", "c2s"), true)
	_, resps := recordedCalls(t, readCapture(t, "conn181", "s2c"), false)
	f := &fakeNN{answers: map[string][]proto.Message{
		"getSlowDatanodeReport": ans(&hdfspb.GetSlowDatanodeReportResponseProto{}),
	}}
	respType := map[string]func() proto.Message{
		"getFsStats":                func() proto.Message { return new(hdfspb.GetFsStatsResponseProto) },
		"setSafeMode":               func() proto.Message { return new(hdfspb.SetSafeModeResponseProto) },
		"getFsReplicatedBlockStats": func() proto.Message { return new(hdfspb.GetFsReplicatedBlockStatsResponseProto) },
		"getFsECBlockGroupStats":    func() proto.Message { return new(hdfspb.GetFsECBlockGroupStatsResponseProto) },
		"getDatanodeReport":         func() proto.Message { return new(hdfspb.GetDatanodeReportResponseProto) },
	}
	for id := int32(0); id < int32(len(methods)); id++ {
		m := respType[methods[id]]()
		if err := proto.Unmarshal(resps[id], m); err != nil {
			t.Fatal(err)
		}
		f.answers[methods[id]] = append(f.answers[methods[id]], m)
	}
	code, out, errs, _ := runAdmin(t, single(serveFake(t, f)), "-report")
	listing, err := os.ReadFile(filepath.Join(testdataDir(t), "namespace-listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, want, ok := strings.Cut(string(listing), "## hdfs dfsadmin -report\n")
	if !ok {
		t.Fatal("no -report section in the listing")
	}
	want += "\n\n" // the listing trimmed the two trailing blank lines
	if code != 0 || errs != "" || out != want {
		t.Fatalf("exit %d, err %q\n got:\n%s\nwant:\n%s", code, errs, out, want)
	}
	if got := strings.Join(f.requests, ","); got != "getFsStats,getFsStats,setSafeMode,getFsReplicatedBlockStats,getFsECBlockGroupStats,"+
		"getDatanodeReport,getDatanodeReport,getDatanodeReport,getDatanodeReport,getDatanodeReport,getSlowDatanodeReport" {
		t.Errorf("calls %s", got)
	}
}

// TestRequestsCarryTheStockFields compares our requests with the stock
// client's (conn136 -safemode enter, conn137 -saveNamespace, conn138
// -safemode leave, conn147 -rollEdits), byte for byte.
func TestRequestsCarryTheStockFields(t *testing.T) {
	f := &fakeNN{answers: map[string][]proto.Message{
		"setSafeMode":   ans(&hdfspb.SetSafeModeResponseProto{Result: proto.Bool(true)}),
		"saveNamespace": ans(&hdfspb.SaveNamespaceResponseProto{Saved: proto.Bool(true)}),
		"rollEdits":     ans(&hdfspb.RollEditsResponseProto{NewSegmentTxId: proto.Uint64(451)}),
	}}
	addr := serveFake(t, f)
	for _, c := range []struct {
		conn string
		args []string
	}{
		{"conn136", []string{"-safemode", "enter"}},
		{"conn137", []string{"-saveNamespace"}},
		{"conn138", []string{"-safemode", "leave"}},
		{"conn147", []string{"-rollEdits"}},
	} {
		methods, bodies := recordedCalls(t, readCapture(t, c.conn, "c2s"), true)
		f.mu.Lock()
		f.bodies = nil
		f.mu.Unlock()
		if code, _, errs, _ := runAdmin(t, single(addr), c.args...); code != 0 {
			t.Fatalf("%v: exit %d %s", c.args, code, errs)
		}
		got, err := proto.MarshalOptions{Deterministic: true}.Marshal(f.bodies[methods[0]][0])
		if err != nil || !bytes.Equal(got, bodies[0]) {
			t.Errorf("%v: %s request %x, stock %x", c.args, methods[0], got, bodies[0])
		}
	}
}

// -printTopology prints each rack, in order, with its DataNodes, the host
// name of their IP and their admin state, a blank line after each rack.
func TestPrintTopology(t *testing.T) {
	dn := func(ip string, port uint32, rack string, st hdfspb.DatanodeInfoProto_AdminState) *hdfspb.DatanodeInfoProto {
		return &hdfspb.DatanodeInfoProto{
			Id: &hdfspb.DatanodeIDProto{IpAddr: proto.String(ip), HostName: proto.String("dn"), DatanodeUuid: proto.String(ip),
				XferPort: proto.Uint32(port), InfoPort: proto.Uint32(9864), IpcPort: proto.Uint32(9867)},
			Location: proto.String(rack), AdminState: st.Enum(),
		}
	}
	f := &fakeNN{answers: map[string][]proto.Message{
		"getDatanodeReport": ans(&hdfspb.GetDatanodeReportResponseProto{Di: []*hdfspb.DatanodeInfoProto{
			dn("10.0.0.3", 9866, "/r2", hdfspb.DatanodeInfoProto_NORMAL),
			dn("10.0.0.2", 9866, "/r1", hdfspb.DatanodeInfoProto_DECOMMISSIONED),
			dn("10.0.0.1", 9866, "/r1", hdfspb.DatanodeInfoProto_NORMAL),
			dn("10.0.0.4", 9866, "/r2", hdfspb.DatanodeInfoProto_ENTERING_MAINTENANCE),
		}}),
	}}
	code, out, errs, _ := runAdmin(t, single(serveFake(t, f)), "-printTopology")
	want := "Rack: /r1\n" +
		"   10.0.0.1:9866 (localhost) In Service\n" +
		"   10.0.0.2:9866 (localhost) Decommissioned\n" +
		"\n" +
		"Rack: /r2\n" +
		"   10.0.0.3:9866 (localhost) In Service\n" +
		"   10.0.0.4:9866 (localhost) Entering Maintenance\n" +
		"\n"
	if code != 0 || errs != "" || out != want {
		t.Fatalf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, errs, out, want)
	}
	if got := strings.Join(f.requests, ","); got != "getDatanodeReport" {
		t.Errorf("calls %s", got)
	}
	if code, _, errs, _ := runAdmin(t, nil, "-printTopology", "x"); code != dfsadminFailure || !strings.HasPrefix(errs, "Usage: hdfs dfsadmin [-printTopology]") {
		t.Errorf("an extra argument: exit %d, stderr %q", code, errs)
	}
}

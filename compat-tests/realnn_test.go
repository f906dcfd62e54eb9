package compattests

import (
	"errors"
	"fmt"
	"html"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// realNameNode is `hdfsd namenode` (./cmd/hdfsd) on its own directories:
// formatted once, then started, stopped, killed and started again on the
// same name and edits directories, always on the same RPC port when the
// OS lets it have it back.
type realNameNode struct {
	dir   string            // holds conf/, name/ and edits/
	site  map[string]string // hdfs-site.xml entries beyond the harness's own
	port  int
	proc  *namenode // nil while stopped
	clean bool      // the last process stopped with exit status 0
}

// address is where clients reach the running process.
func (r *realNameNode) address() string {
	if r.proc == nil {
		return "127.0.0.1:1" // stopped: clients fail to connect
	}
	return r.proc.addr
}

// newRealNameNode lays out a NameNode in dir; site adds hdfs-site.xml
// entries (dfs.namenode.edits.dir, dfs.permissions.superusergroup, ...).
func newRealNameNode(dir string, site map[string]string) *realNameNode {
	return &realNameNode{dir: dir, site: site}
}

// startRealNameNode formats and starts a NameNode in t.TempDir() that must
// stop cleanly at the end of the test.
func startRealNameNode(t *testing.T, site map[string]string) *realNameNode {
	t.Helper()
	requireHdfsd(t)
	r := newRealNameNode(t.TempDir(), site)
	if err := r.format(); err != nil {
		t.Fatal(err)
	}
	if err := r.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if r.proc != nil {
			if err := r.stop(); err != nil {
				t.Error(err)
			}
		}
	})
	return r
}

func requireHdfsd(t *testing.T) {
	t.Helper()
	if hdfsdBuildErr != nil {
		t.Fatal(hdfsdBuildErr)
	}
}

// format runs `hdfsd --config DIR namenode -format -nonInteractive`.
func (r *realNameNode) format() error {
	if err := r.writeConf(); err != nil {
		return err
	}
	cmd := exec.Command(hdfsdBin, "--config", r.confDir(), "namenode", "-format", "-nonInteractive")
	cmd.Env = hdfsdEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("compattests: hdfsd namenode -format: %v; output:\n%s", err, out)
	}
	return nil
}

// start runs the NameNode until it logs msg="NameNode RPC up". When its
// port was taken meanwhile, it moves to another.
func (r *realNameNode) start() error {
	if r.proc != nil {
		return errors.New("compattests: hdfsd namenode is already running")
	}
	for attempt := 0; ; attempt++ {
		if err := r.writeConf(); err != nil {
			return err
		}
		proc, err := startProcess(procSpec{
			name:       "hdfsd namenode",
			bin:        hdfsdBin,
			args:       []string{"--config", r.confDir(), "namenode"},
			env:        hdfsdEnv(),
			fromStderr: true,
			ready:      rpcUpLine,
		})
		var early *exitedEarly
		if errors.As(err, &early) && strings.Contains(early.stderr, "address already in use") && attempt < 5 {
			r.port = 0
			continue
		}
		if err != nil {
			return err
		}
		r.proc = proc
		return nil
	}
}

var rpcUpAddr = regexp.MustCompile(`\brpc=(\S+)`)

// rpcUpLine finds the address in `msg="NameNode RPC up" rpc=ADDR ...`.
func rpcUpLine(line string) (string, bool, error) {
	if !strings.Contains(line, `msg="NameNode RPC up"`) {
		return "", false, nil
	}
	m := rpcUpAddr.FindStringSubmatch(line)
	if m == nil {
		return "", false, fmt.Errorf("no rpc=ADDR in %q", line)
	}
	if _, _, err := net.SplitHostPort(m[1]); err != nil {
		return "", false, fmt.Errorf("rpc=%s in %q: %v", m[1], line, err)
	}
	return m[1], true, nil
}

// stop sends SIGTERM and requires a clean exit.
func (r *realNameNode) stop() error {
	proc := r.proc
	r.proc = nil
	if proc == nil {
		return nil
	}
	return proc.stop(syscall.SIGTERM)
}

// crash kills the NameNode with SIGKILL: no shutdown code runs.
func (r *realNameNode) crash() error {
	proc := r.proc
	r.proc = nil
	select {
	case <-proc.exited:
		return fmt.Errorf("compattests: hdfsd namenode died before it was killed (%v); stderr:\n%s", proc.err, proc.stderr)
	default:
	}
	proc.kill()
	return nil
}

// restart stops the NameNode with SIGTERM and starts it again on the same
// directories.
func (r *realNameNode) restart() error {
	if err := r.stop(); err != nil {
		return err
	}
	return r.start()
}

// restartT and crashT are restart and crash for tests.
func (r *realNameNode) restartT(t *testing.T) {
	t.Helper()
	if err := r.restart(); err != nil {
		t.Fatal(err)
	}
}

func (r *realNameNode) crashT(t *testing.T) {
	t.Helper()
	if err := r.crash(); err != nil {
		t.Fatal(err)
	}
}

// stderr is what the running (or last) process logged.
func (r *realNameNode) logs() string {
	if r.proc == nil {
		return ""
	}
	return r.proc.stderr.String()
}

func (r *realNameNode) confDir() string { return filepath.Join(r.dir, "conf") }

// writeConf writes core-site.xml and hdfs-site.xml, picking a free port
// the first time.
func (r *realNameNode) writeConf() error {
	if r.port == 0 {
		p, err := freePort()
		if err != nil {
			return err
		}
		r.port = p
	}
	if err := os.MkdirAll(r.confDir(), 0o755); err != nil {
		return err
	}
	rpc := fmt.Sprintf("127.0.0.1:%d", r.port)
	core := map[string]string{"fs.defaultFS": "hdfs://" + rpc}
	hdfsSite := map[string]string{
		"dfs.namenode.name.dir":     filepath.Join(r.dir, "name"),
		"dfs.namenode.rpc-address":  rpc,
		"dfs.namenode.http-address": "127.0.0.1:0",
		// As colinmarc/hdfs's own CI sets it: with no DataNodes there is
		// nothing to wait for.
		"dfs.namenode.safemode.extension": "0",
	}
	for k, v := range r.site {
		hdfsSite[k] = v
	}
	if err := writeSite(filepath.Join(r.confDir(), "core-site.xml"), core); err != nil {
		return err
	}
	return writeSite(filepath.Join(r.confDir(), "hdfs-site.xml"), hdfsSite)
}

// writeSite writes a Hadoop configuration file.
func writeSite(path string, props map[string]string) error {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\"?>\n<configuration>\n")
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  <property><name>%s</name><value>%s</value></property>\n",
			html.EscapeString(k), html.EscapeString(props[k]))
	}
	b.WriteString("</configuration>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// freePort is a port nothing listened on a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// hdfsdEnv is the test's environment without the Hadoop variables that
// would point the NameNode at another configuration or user.
func hdfsdEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HADOOP_") {
			env = append(env, kv)
		}
	}
	return env
}

// The shared real NameNode serves the tests ported from colinmarc/hdfs,
// which share one namespace (/_test) as they do upstream.
var sharedReal struct {
	sync.Mutex
	nn  *realNameNode
	dir string
	err error
}

// sharedRealNameNode starts the shared NameNode on first use.
func sharedRealNameNode(t *testing.T) *realNameNode {
	t.Helper()
	requireHdfsd(t)
	sharedReal.Lock()
	defer sharedReal.Unlock()
	if sharedReal.nn == nil && sharedReal.err == nil {
		sharedReal.dir, sharedReal.err = os.MkdirTemp("", "compattests-realnn-")
		if sharedReal.err == nil {
			nn := newRealNameNode(sharedReal.dir, nil)
			if sharedReal.err = nn.format(); sharedReal.err == nil {
				if sharedReal.err = nn.start(); sharedReal.err == nil {
					sharedReal.nn = nn
				}
			}
		}
	}
	if sharedReal.err != nil {
		t.Fatal(sharedReal.err)
	}
	if sharedReal.nn.proc == nil {
		t.Fatal("compattests: the shared hdfsd namenode is not running")
	}
	return sharedReal.nn
}

// stopSharedRealNameNode stops the shared NameNode, if it was started.
func stopSharedRealNameNode() error {
	sharedReal.Lock()
	defer sharedReal.Unlock()
	var err error
	if sharedReal.nn != nil {
		err = sharedReal.nn.stop()
		sharedReal.nn = nil
	}
	if sharedReal.dir != "" {
		os.RemoveAll(sharedReal.dir)
		sharedReal.dir = ""
	}
	return err
}

// superuser is the user the NameNode runs as, which Hadoop makes its
// superuser: the user running these tests.
func superuser(t *testing.T) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatalf("compattests: cannot tell the current user: %v", err)
	}
	return u.Username
}

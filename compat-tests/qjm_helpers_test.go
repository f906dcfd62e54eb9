package compattests

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// The QJM tests run `hdfsd journalnode` processes and an `hdfsd namenode`
// whose edit log lives on them (dfs.namenode.edits.dir = qjournal://...).

const qjmJournalID = "test"

// journalNode is `hdfsd journalnode` on its own edits directory, always on
// the same RPC and HTTP ports, so that the NameNode's qjournal:// URI stays
// valid across a kill and a restart.
type journalNode struct {
	name     string
	dir      string // conf/
	editsDir string // dfs.journalnode.edits.dir
	rpcPort  int
	httpPort int
	env      []string  // added to the process's environment
	proc     *namenode // nil while stopped
}

func newJournalNode(t *testing.T, name, editsDir string) *journalNode {
	t.Helper()
	j := &journalNode{name: name, dir: t.TempDir(), editsDir: editsDir}
	var err error
	if j.rpcPort, err = freePort(); err != nil {
		t.Fatal(err)
	}
	if j.httpPort, err = freePort(); err != nil {
		t.Fatal(err)
	}
	return j
}

func (j *journalNode) rpcAddr() string { return fmt.Sprintf("127.0.0.1:%d", j.rpcPort) }

// current is the journal's current/ directory.
func (j *journalNode) current() string {
	return filepath.Join(j.editsDir, qjmJournalID, "current")
}

var jnUpAddr = regexp.MustCompile(`\brpc=(\S+)`)

// jnUpLine finds the address in `msg="JournalNode up" rpc=ADDR http=ADDR`.
func jnUpLine(line string) (string, bool, error) {
	if !strings.Contains(line, `msg="JournalNode up"`) {
		return "", false, nil
	}
	m := jnUpAddr.FindStringSubmatch(line)
	if m == nil {
		return "", false, fmt.Errorf("no rpc=ADDR in %q", line)
	}
	if _, _, err := net.SplitHostPort(m[1]); err != nil {
		return "", false, fmt.Errorf("rpc=%s in %q: %v", m[1], line, err)
	}
	return m[1], true, nil
}

func (j *journalNode) start(t *testing.T) {
	t.Helper()
	if j.proc != nil {
		t.Fatalf("%s is already running", j.name)
	}
	confDir := filepath.Join(j.dir, "conf")
	must(t, os.MkdirAll(confDir, 0o755))
	must(t, writeSite(filepath.Join(confDir, "hdfs-site.xml"), map[string]string{
		"dfs.journalnode.rpc-address":  j.rpcAddr(),
		"dfs.journalnode.http-address": fmt.Sprintf("127.0.0.1:%d", j.httpPort),
		"dfs.journalnode.edits.dir":    j.editsDir,
	}))
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		j.proc, err = startProcess(procSpec{
			name:       "hdfsd journalnode " + j.name,
			bin:        hdfsdBin,
			args:       []string{"--config", confDir, "journalnode"},
			env:        append(hdfsdEnv(), j.env...),
			fromStderr: true,
			ready:      jnUpLine,
		})
		var early *exitedEarly
		if !errors.As(err, &early) || !strings.Contains(early.stderr, "address already in use") {
			break
		}
		// The port is fixed (it is in the NameNode's URI): wait for the
		// kernel to let it go.
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// kill ends the JournalNode with SIGKILL.
func (j *journalNode) kill(t *testing.T) {
	t.Helper()
	p := j.proc
	j.proc = nil
	select {
	case <-p.exited:
		t.Fatalf("%s died before it was killed (%v); stderr:\n%s", j.name, p.err, p.stderr)
	default:
	}
	p.kill()
}

// alive fails the test when the JournalNode has exited.
func (j *journalNode) alive(t *testing.T) {
	t.Helper()
	select {
	case <-j.proc.exited:
		t.Fatalf("%s exited (%v); stderr:\n%s", j.name, j.proc.err, tail(j.proc.stderr.String(), 30))
	default:
	}
}

// promisedEpoch reads current/last-promised-epoch.
func (j *journalNode) promisedEpoch(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(j.current(), "last-promised-epoch"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		t.Fatalf("%s: last-promised-epoch %q: %v", j.name, b, err)
	}
	return n
}

// promisedEpochAbove reads last-promised-epoch until it is above e or 5 s
// have passed: a new epoch needs only a quorum, the third JournalNode may
// promise it a moment later.
func (j *journalNode) promisedEpochAbove(t *testing.T, e int64) int64 {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := j.promisedEpoch(t)
		if got > e || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// segments lists the edits files in current/: finalized
// (edits_<start>-<end>) and in progress (edits_inprogress_<start>).
func (j *journalNode) segments(t *testing.T) (finalized, inProgress []string) {
	t.Helper()
	des, err := os.ReadDir(j.current())
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		switch n := de.Name(); {
		case strings.HasPrefix(n, "edits_inprogress_"):
			inProgress = append(inProgress, n)
		case strings.HasPrefix(n, "edits_"):
			finalized = append(finalized, n)
		}
	}
	return finalized, inProgress
}

// qjmCluster is three JournalNodes and a NameNode writing to them.
type qjmCluster struct {
	jns []*journalNode
	uri string
	nn  *realNameNode
}

// qjmSite is the NameNode's hdfs-site.xml for the JournalNodes at uri:
// short QJM timeouts, so that a lost quorum stops it within seconds.
func qjmSite(uri string) map[string]string {
	return map[string]string{
		"dfs.namenode.edits.dir":                   uri,
		"dfs.qjournal.write-txns.timeout.ms":       "4000",
		"dfs.qjournal.start-segment.timeout.ms":    "4000",
		"dfs.qjournal.finalize-segment.timeout.ms": "4000",
		"dfs.qjournal.new-epoch.timeout.ms":        "10000",
		"dfs.qjournal.prepare-recovery.timeout.ms": "10000",
		"dfs.qjournal.accept-recovery.timeout.ms":  "10000",
		"ipc.client.connect.max.retries":           "1",
		"ipc.client.connect.retry.interval":        "100",
	}
}

// startQJMCluster starts three JournalNodes (setup, when not nil, may
// change each one's edits dir and environment first), formats a NameNode
// on them and starts it.
func startQJMCluster(t *testing.T, setup func(j *journalNode)) *qjmCluster {
	t.Helper()
	requireHdfsd(t)
	c := &qjmCluster{}
	var addrs []string
	t.Cleanup(func() {
		for _, j := range c.jns {
			if j.proc != nil {
				if err := j.proc.stop(syscall.SIGTERM); err != nil {
					t.Error(err)
				}
				j.proc = nil
			}
		}
	})
	for i := range 3 {
		j := newJournalNode(t, fmt.Sprintf("jn%d", i+1), filepath.Join(t.TempDir(), "edits"))
		if setup != nil {
			setup(j)
		}
		j.start(t)
		c.jns = append(c.jns, j)
		addrs = append(addrs, j.rpcAddr())
	}
	c.uri = "qjournal://" + strings.Join(addrs, ";") + "/" + qjmJournalID
	c.nn = newRealNameNode(t.TempDir(), qjmSite(c.uri))
	must(t, c.nn.format())
	must(t, c.nn.start())
	t.Cleanup(func() {
		if c.nn.proc != nil {
			if err := c.nn.stop(); err != nil {
				t.Error(err)
			}
		}
	})
	return c
}

// waitNameNodeExit waits for nn's process to exit on its own and returns
// its exit error and log; nn is stopped afterwards.
func waitNameNodeExit(t *testing.T, nn *realNameNode, within time.Duration) (error, string) {
	t.Helper()
	p := nn.proc
	select {
	case <-p.exited:
	case <-time.After(within):
		t.Fatalf("the NameNode still runs %v later; log:\n%s", within, tail(p.stderr.String(), 30))
	}
	nn.proc = nil
	return p.err, p.stderr.String()
}

// hdfsdTool runs an hdfsd command against nn (dfsadmin ...).
func hdfsdTool(t *testing.T, nn *realNameNode, args ...string) string {
	t.Helper()
	cmd := exec.Command(hdfsdBin, append([]string{"--config", nn.confDir()}, args...)...)
	cmd.Env = hdfsdEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hdfsd %s: %v; output:\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// mutationLoad is the durability test's writers running concurrently
// against one NameNode until stopped or until their first error.
type mutationLoad struct {
	writers []*writer
	acked   atomic.Int64
	stopped atomic.Bool
	wg      sync.WaitGroup
	clients []*hdfs.Client

	stopOnce sync.Once
	mu       sync.Mutex
	errs     []error // by writer; copied into writer.err by stop
}

// newWriters makes n writers with roots under /qjm, owned by them.
func newWriters(t *testing.T, nn nnAddress, su string, n int, seed uint64) []*writer {
	t.Helper()
	setup := newClient(t, nn, su)
	ws := make([]*writer, n)
	for i := range ws {
		w := &writer{user: fmt.Sprintf("w%d", i), root: fmt.Sprintf("/qjm/w%d", i), tree: tree{},
			rng: rand.New(rand.NewPCG(seed, uint64(i+1)))}
		must(t, setup.MkdirAll(w.root, 0o755))
		must(t, setup.Chown(w.root, w.user, ""))
		ws[i] = w
	}
	return ws
}

// startLoad runs writers against nn (each with its own connection).
func startLoad(t *testing.T, nn nnAddress, writers []*writer) *mutationLoad {
	t.Helper()
	l := &mutationLoad{writers: writers, errs: make([]error, len(writers))}
	for _, w := range writers {
		w.err = nil
		c, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{nn.address()}, User: w.user})
		if err != nil {
			t.Fatal(err)
		}
		l.clients = append(l.clients, c)
	}
	for i, w := range writers {
		c := l.clients[i]
		l.wg.Go(func() {
			for !l.stopped.Load() {
				o := w.next()
				w.inflight = &o
				if err := o.do(c, w.root); err != nil {
					l.mu.Lock()
					l.errs[i] = fmt.Errorf("%s: %s: %w", w.user, o, err)
					l.mu.Unlock()
					return
				}
				w.tree = o.apply(w.tree)
				w.ops = append(w.ops, o)
				w.inflight = nil
				l.acked.Add(1)
			}
		})
	}
	return l
}

// waitAcked waits until n operations were acknowledged in all, or a writer
// failed, or within passed; it reports whether n was reached.
func (l *mutationLoad) waitAcked(n int64, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if l.acked.Load() >= n {
			return true
		}
		if l.firstErr() != nil {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return l.acked.Load() >= n
}

// stop asks the writers to stop after their current operation and waits.
func (l *mutationLoad) stop() {
	l.stopOnce.Do(l.stopNow)
}

func (l *mutationLoad) stopNow() {
	l.stopped.Store(true)
	l.wg.Wait()
	for _, c := range l.clients {
		c.Close()
	}
	for i, w := range l.writers {
		w.err = l.errs[i]
	}
}

// firstErr is the first writer's error, if any.
func (l *mutationLoad) firstErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, err := range l.errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// failures counts the writers that stopped on an error.
func (l *mutationLoad) failures() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, err := range l.errs {
		if err != nil {
			n++
		}
	}
	return n
}

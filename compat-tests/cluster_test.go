package compattests

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// realCluster is `hdfsd namenode` with `hdfsd datanode`s, each a process
// of its own on 127.0.0.1 with its own directories and configuration.
type realCluster struct {
	nn  *realNameNode
	dns []*realDataNode
	dir string
}

// realDataNode is one `hdfsd datanode` process.
type realDataNode struct {
	dir   string // holds conf/ and data/
	nn    *realNameNode
	site  map[string]string
	proc  *namenode // the process (the harness type is shared)
	xfer  string    // data transfer address, once up
	index int
}

// clusterSite is what every daemon of a test cluster is told: fast
// heartbeats, no safe-mode extension, no load-based placement (the
// DataNodes share one machine) and short dead-node intervals.
func clusterSite(extra map[string]string) map[string]string {
	site := map[string]string{
		"dfs.namenode.safemode.extension":          "0",
		"dfs.namenode.redundancy.considerLoad":     "false",
		"dfs.heartbeat.interval":                   "1",
		"dfs.namenode.heartbeat.recheck-interval":  "5000",
		"dfs.namenode.redundancy.interval.seconds": "1",
		"dfs.blockreport.initialDelay":             "0",
		"dfs.replication":                          "3",
		"dfs.namenode.stale.datanode.interval":     "3000",
	}
	for k, v := range extra {
		site[k] = v
	}
	return site
}

// startRealCluster formats and starts a NameNode and n DataNodes in
// t.TempDir(), waits until the NameNode counts n live DataNodes, and
// stops everything at the end of the test.
func startRealCluster(t *testing.T, n int, extra map[string]string) *realCluster {
	t.Helper()
	requireHdfsd(t)
	dir := t.TempDir()
	c, err := newRealCluster(dir, n, extra)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.stop(); err != nil {
			t.Error(err)
		}
	})
	return c
}

func newRealCluster(dir string, n int, extra map[string]string) (*realCluster, error) {
	site := clusterSite(extra)
	nn := newRealNameNode(filepath.Join(dir, "nn"), site)
	if err := nn.format(); err != nil {
		return nil, err
	}
	if err := nn.start(); err != nil {
		return nil, err
	}
	c := &realCluster{nn: nn, dir: dir}
	for i := range n {
		dn := &realDataNode{dir: filepath.Join(dir, fmt.Sprintf("dn%d", i)), nn: nn, site: site, index: i}
		c.dns = append(c.dns, dn)
		if err := dn.start(); err != nil {
			c.stop()
			return nil, err
		}
	}
	if err := c.waitLive(n, 30*time.Second); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// stop stops the DataNodes, then the NameNode, each with SIGTERM.
func (c *realCluster) stop() error {
	var errs []error
	for _, dn := range c.dns {
		errs = append(errs, dn.stop())
	}
	if c.nn.proc != nil {
		errs = append(errs, c.nn.stop())
	}
	return errors.Join(errs...)
}

var liveDataNodes = regexp.MustCompile(`Live datanodes \((\d+)\)`)

// liveCount asks the NameNode how many DataNodes are live, as an
// operator would: `hdfsd dfsadmin -report -live`.
func (c *realCluster) liveCount() (int, string, error) {
	cmd := exec.Command(hdfsdBin, "--config", c.nn.confDir(), "dfsadmin", "-report", "-live")
	cmd.Env = hdfsdEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, string(out), fmt.Errorf("compattests: dfsadmin -report: %v: %s", err, out)
	}
	m := liveDataNodes.FindSubmatch(out)
	if m == nil {
		return 0, string(out), nil
	}
	var live int
	fmt.Sscan(string(m[1]), &live)
	return live, string(out), nil
}

// waitLive waits until the NameNode reports want live DataNodes.
func (c *realCluster) waitLive(want int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		live, out, err := c.liveCount()
		if err == nil && live == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("compattests: %d live DataNodes after %v, want %d (%v); report:\n%s", live, within, want, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// clientConfDir is a configuration directory clients (the stock CLIs and
// the upstream tests, through HADOOP_CONF_DIR) point at.
func (c *realCluster) clientConfDir() string { return c.nn.confDir() }

func (dn *realDataNode) confDir() string { return filepath.Join(dn.dir, "conf") }

func (dn *realDataNode) writeConf() error {
	if err := os.MkdirAll(dn.confDir(), 0o755); err != nil {
		return err
	}
	rpc := fmt.Sprintf("127.0.0.1:%d", dn.nn.port)
	core := map[string]string{"fs.defaultFS": "hdfs://" + rpc}
	hdfsSite := map[string]string{
		"dfs.namenode.rpc-address":  rpc,
		"dfs.datanode.data.dir":     filepath.Join(dn.dir, "data"),
		"dfs.datanode.address":      "127.0.0.1:0",
		"dfs.datanode.ipc.address":  "127.0.0.1:0",
		"dfs.datanode.http.address": "127.0.0.1:0",
		"dfs.datanode.hostname":     "127.0.0.1",
	}
	for k, v := range dn.site {
		hdfsSite[k] = v
	}
	if err := writeSite(filepath.Join(dn.confDir(), "core-site.xml"), core); err != nil {
		return err
	}
	return writeSite(filepath.Join(dn.confDir(), "hdfs-site.xml"), hdfsSite)
}

var dnUpXfer = regexp.MustCompile(`\bxfer=(\S+)`)

// dataNodeUpLine finds the data transfer address in
// `msg="DataNode up" xfer=ADDR ...`.
func dataNodeUpLine(line string) (string, bool, error) {
	if !strings.Contains(line, `msg="DataNode up"`) {
		return "", false, nil
	}
	m := dnUpXfer.FindStringSubmatch(line)
	if m == nil {
		return "", false, fmt.Errorf("no xfer=ADDR in %q", line)
	}
	if _, _, err := net.SplitHostPort(m[1]); err != nil {
		return "", false, fmt.Errorf("xfer=%s in %q: %v", m[1], line, err)
	}
	return m[1], true, nil
}

func (dn *realDataNode) start() error {
	if err := dn.writeConf(); err != nil {
		return err
	}
	proc, err := startProcess(procSpec{
		name:       fmt.Sprintf("hdfsd datanode %d", dn.index),
		bin:        hdfsdBin,
		args:       []string{"--config", dn.confDir(), "datanode"},
		env:        hdfsdEnv(),
		fromStderr: true,
		ready:      dataNodeUpLine,
	})
	if err != nil {
		return err
	}
	dn.proc, dn.xfer = proc, proc.addr
	return nil
}

// stop sends SIGTERM and requires a clean exit; a stopped DataNode is
// left alone.
func (dn *realDataNode) stop() error {
	proc := dn.proc
	dn.proc = nil
	if proc == nil {
		return nil
	}
	return proc.stop(syscall.SIGTERM)
}

// crash kills the DataNode with SIGKILL.
func (dn *realDataNode) crash() {
	if dn.proc != nil {
		dn.proc.kill()
		dn.proc = nil
	}
}

func (dn *realDataNode) logs() string {
	if dn.proc == nil {
		return ""
	}
	return dn.proc.stderr.String()
}

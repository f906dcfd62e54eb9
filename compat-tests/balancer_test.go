package compattests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A balancer test needs DataNodes whose disks fill differently, so each
// DataNode gets a small tmpfs of its own (the test runs as root in CI).
const balancerDisk = 40 << 20

// startTmpfsDataNode starts DataNode i of c on a fresh tmpfs.
func startTmpfsDataNode(t *testing.T, c *realCluster, site map[string]string, i int) *realDataNode {
	t.Helper()
	dn := &realDataNode{dir: filepath.Join(c.dir, fmt.Sprintf("dn%d", i)), nn: c.nn, site: site, index: i}
	data := filepath.Join(dn.dir, "data")
	must(t, os.MkdirAll(data, 0o755))
	if err := syscall.Mount("tmpfs", data, "tmpfs", 0, fmt.Sprintf("size=%d", balancerDisk)); err != nil {
		t.Fatalf("mounting a tmpfs for DataNode %d: %v", i, err)
	}
	must(t, dn.start())
	// Cleanups run last-registered first: this one, before the
	// cluster's, stops the node itself before taking its disk away.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("DataNode %d log:\n%s", i, tail(dn.logs(), 40))
		}
		if err := dn.stop(); err != nil {
			t.Error(err)
		}
		syscall.Unmount(data, syscall.MNT_DETACH)
	})
	c.dns = append(c.dns, dn)
	return dn
}

var balancerRow = regexp.MustCompile(`(?m)^\w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M +(\d+) +(.+?B) +(.+?B) +(.+?B) +(\d+) +(hdfs://\S+)$`)

// TestBalancerSpreadsBlocksOverNewDataNodes: one DataNode holds every
// replica; two empty ones join; `hdfsd balancer` moves replicas until each
// node is within the threshold of the average, every file reads back, and
// no replica is left twice.
func TestBalancerSpreadsBlocksOverNewDataNodes(t *testing.T) {
	requireHdfsd(t)
	if os.Geteuid() != 0 {
		t.Skip("mounting the DataNodes' tmpfs disks needs root (CI runs as root)")
	}
	// Hadoop 3.4 keeps 1 GiB beyond a block free on the volume it picks:
	// not on these disks.
	extra := map[string]string{"dfs.replication": "1", "dfs.blocksize": "1048576",
		"dfs.datanode.round-robin-volume-choosing-policy.additional-available-space": "0"}
	c := startFaultCluster(t, 0, extra)
	site := clusterSite(extra)
	startTmpfsDataNode(t, c, site, 0)
	must(t, c.waitLive(1, 30*time.Second))
	cl := newClient(t, c.nn, superuser(t))
	sizes := []int{3 << 20, 5<<20 + 1000, 4 << 20, 2<<20 + 17, 6 << 20}
	files := writeFaultFiles(t, cl, "/bal", 1, sizes...)
	nblocks := faultBlockCount(sizes...)
	for i := 1; i <= 2; i++ {
		startTmpfsDataNode(t, c, site, i)
	}
	must(t, c.waitLive(3, 30*time.Second))
	time.Sleep(2 * time.Second) // a heartbeat with the new nodes' numbers

	before := blocksPerNode(t, c)
	if before[0] != nblocks || before[1]+before[2] != 0 {
		t.Fatalf("replicas before balancing: %v, want all %d on the first DataNode", before, nblocks)
	}
	cmd := exec.Command(hdfsdBin, "--config", c.nn.confDir(), "balancer",
		"-D", "dfs.blocksize=1m", "-D", "dfs.balancer.getBlocks.min-block-size=1",
		"-D", "dfs.balancer.max-no-move-interval=5000", "-D", "dfs.heartbeat.interval=1",
		"-D", "dfs.namenode.redundancy.interval.seconds=1", "-threshold", "5")
	cmd.Env = hdfsdEnv()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("balancer stdout:\n%s", stdout.String())
	if err != nil {
		t.Fatalf("hdfsd balancer: %v\nstderr:\n%s", err, tail(stderr.String(), 40))
	}
	out := stdout.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	expectEq(t, "the table's header", lines[0], "Time Stamp               Iteration#  Bytes Already Moved  Bytes Left To Move  Bytes Being Moved  NameNode")
	rows := balancerRow.FindAllStringSubmatch(out, -1)
	if len(rows) < 2 {
		t.Fatalf("want an iteration that moved and a balanced one, got rows %q", rows)
	}
	if last := rows[len(rows)-1]; last[3] != "0 B" || last[5] == "0" || last[6] != "hdfs://"+c.nn.address() {
		t.Fatalf("last row %q: want nothing left to move, the blocks moved, the NameNode's URI", last[0])
	}
	if !strings.Contains(out, "The cluster is balanced. Exiting...\n") || !regexp.MustCompile(`(?m)^.{24} Balancing took \d+\.\d+ (seconds|minutes)$`).MatchString(out) {
		t.Fatalf("missing the closing lines in:\n%s", out)
	}

	// The moves' sources drop their replicas after the NameNode's next
	// heartbeats; every block then has one replica, spread out.
	faultWait(t, 20*time.Second, "one replica per block, on every DataNode", func() (bool, string) {
		after := blocksPerNode(t, c)
		return after[0]+after[1]+after[2] == nblocks && after[1] > 0 && after[2] > 0, fmt.Sprint(after)
	})
	checkFaultFiles(t, cl, files)
	if _, err := cl.Stat("/system/balancer.id"); !os.IsNotExist(err) {
		t.Fatalf("/system/balancer.id after the balancer exited: %v", err)
	}

	// Balanced now: a second run moves nothing and says so.
	again, err := c.hdfsdAdmin("balancer", "-D", "dfs.blocksize=1m", "-threshold", "5")
	if err != nil || !strings.Contains(again, "The cluster is balanced. Exiting...") {
		t.Fatalf("second run: %v\n%s", err, again)
	}
}

// blocksPerNode counts the finalized replicas on each DataNode's disk.
func blocksPerNode(t *testing.T, c *realCluster) []int {
	var out []int
	for _, dn := range c.dns {
		out = append(out, len(dn.faultDiskBlocks(t)))
	}
	return out
}

func expectEq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
}

package compattests

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// Faults in a real cluster (the NameNode and DataNodes as processes),
// observed only as an operator and a client would: the stock Go client,
// `hdfsd fsck` and `hdfsd dfsadmin`, and the block files on the
// DataNodes' disks. Each test shortens Hadoop's intervals with
// configuration (on top of clusterSite's) so that it takes seconds.

// Kill a DataNode: after the dead interval its blocks are back to full
// replication on the others; brought back, its old replicas are excess
// and deleted (Hadoop's TestReplication, seen from outside).
func TestFault_DeadDataNodeBlocksAreReReplicated(t *testing.T) {
	// Dead after 2 × 1 s recheck + 10 × 1 s heartbeats = 12 s.
	c := startFaultCluster(t, 4, map[string]string{"dfs.namenode.heartbeat.recheck-interval": "1000"})
	cl := newClient(t, c.nn, superuser(t))
	sizes := []int{1, 700_000, 1<<20 + 5, 2<<20 + 300_000}
	files := writeFaultFiles(t, cl, "/dead", 3, sizes...)
	nblocks := faultBlockCount(sizes...)
	faultWait(t, 10*time.Second, "every block on 3 DataNodes", c.fullyReplicated(nblocks, 3))

	// Kill the DataNode holding the most replicas.
	var victim *realDataNode
	for _, dn := range c.dns {
		if victim == nil || len(dn.faultDiskBlocks(t)) > len(victim.faultDiskBlocks(t)) {
			victim = dn
		}
	}
	held := len(victim.faultDiskBlocks(t))
	if held == 0 {
		t.Fatal("no DataNode holds a replica")
	}
	gone := victim.xfer
	victim.crash()
	start := time.Now()

	must(t, c.waitLive(3, 25*time.Second))
	t.Logf("DataNode %s (%d replicas) dead after %v", gone, held, time.Since(start).Round(time.Second))
	if out, err := c.hdfsdAdmin("dfsadmin", "-report", "-dead"); err != nil ||
		!strings.Contains(out, "Dead datanodes (1):") || !strings.Contains(out, "Name: "+gone+" ") {
		t.Errorf("dfsadmin -report -dead (%v) does not list %s alone:\n%s", err, gone, out)
	}
	faultWait(t, 20*time.Second, "every block back on 3 live DataNodes", c.fullyReplicated(nblocks, 3, gone))
	t.Logf("re-replicated %v after the kill", time.Since(start).Round(time.Second))

	// On disk: every block on exactly three of the survivors.
	count := map[int64]int{}
	for _, dn := range c.dns {
		if dn != victim {
			for id := range dn.faultDiskBlocks(t) {
				count[id]++
			}
		}
	}
	if len(count) != nblocks {
		t.Errorf("the survivors hold %d distinct blocks, want %d", len(count), nblocks)
	}
	for id, n := range count {
		if n != 3 {
			t.Errorf("blk_%d is on %d surviving disks, want 3", id, n)
		}
	}
	checkFaultFiles(t, cl, files)

	// The dead DataNode comes back with its old replicas: every block is
	// now over-replicated, and the NameNode deletes one replica of each.
	must(t, victim.start())
	start = time.Now()
	faultWait(t, 20*time.Second, "the excess replicas deleted", func() (bool, string) {
		if ok, why := c.fullyReplicated(nblocks, 3)(); !ok {
			return false, why
		}
		count := map[int64]int{}
		for _, dn := range c.dns {
			for id := range dn.faultDiskBlocks(t) {
				count[id]++
			}
		}
		for id, n := range count {
			if n != 3 {
				return false, fmt.Sprintf("blk_%d is on %d disks", id, n)
			}
		}
		return len(count) == nblocks, fmt.Sprintf("%d distinct blocks on disk, want %d", len(count), nblocks)
	})
	t.Logf("excess replicas deleted %v after the restart", time.Since(start).Round(time.Millisecond))
	checkFaultFiles(t, cl, files)
}

// Flip bytes in a block file: the read succeeds from another replica; the
// DataNode's block scanner reports the bad replica, the NameNode makes a
// good one elsewhere and deletes the bad one (Hadoop's TestFileCorruption
// and TestProcessCorruptBlocks, seen from outside). Four DataNodes: with
// three, Hadoop keeps a corrupt replica until a fourth node can take the
// new copy, as live + corrupt replicas do not exceed the replication.
func TestFault_CorruptReplicaIsReportedReplacedAndDeleted(t *testing.T) {
	c := startFaultCluster(t, 4, map[string]string{
		"dfs.block.scanner.volume.bytes.per.second": strconv.Itoa(64 << 20),
	})
	su := superuser(t)
	cl := newClient(t, c.nn, su)
	files := writeFaultFiles(t, cl, "/corrupt", 3, 300_000)
	f := files[0]
	faultWait(t, 10*time.Second, "the block on 3 DataNodes", c.fullyReplicated(1, 3))
	blocks, _, err := c.fsckBlocks("/")
	must(t, err)
	var blk fsckBlock
	for _, b := range blocks {
		blk = b
	}
	bad := c.byAddr(blk.locs[0])
	path := bad.faultDiskBlocks(t)[blk.id]
	if path == "" {
		t.Fatalf("blk_%d is not on the disk of %s", blk.id, bad.xfer)
	}
	corrupted := slices.Clone(f.data)
	for _, off := range []int{0, 1000, 150_000} {
		corrupted[off] ^= 0xff
	}
	must(t, os.WriteFile(path, corrupted, 0o644))

	// The first connection goes to the bad replica: the client sees the
	// checksum error and reads the block from another.
	rd := &redirectDial{first: bad.xfer}
	rcl, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{c.nn.address()}, User: su, DatanodeDialFunc: rd.dial})
	must(t, err)
	defer rcl.Close()
	if got := readInSmallPieces(t, rcl, f.name); !bytes.Equal(got, f.data) {
		t.Fatalf("read %s past the bad replica: %d bytes differ from the %d written", f.name, len(got), len(f.data))
	}
	rd.mu.Lock()
	dialed := slices.Clone(rd.dialed)
	rd.mu.Unlock()
	if len(dialed) < 2 || dialed[0] != bad.xfer || dialed[1] == bad.xfer {
		t.Errorf("the reader dialed %v; want %s (the bad replica) first, then another", dialed, bad.xfer)
	}

	// A restarted DataNode scans its new block pool at once.
	must(t, bad.stop())
	must(t, bad.start())
	start := time.Now()
	faultWait(t, 25*time.Second, "three good replicas, the bad one deleted", func() (bool, string) {
		ok, why := c.fullyReplicated(1, 3, bad.xfer)()
		if !ok {
			return false, why
		}
		if p, on := bad.faultDiskBlocks(t)[blk.id]; on {
			return false, "the bad replica is still on disk at " + p
		}
		return true, ""
	})
	t.Logf("bad replica replaced and deleted %v after the restart", time.Since(start).Round(time.Second))
	for _, dn := range c.dns {
		if p, on := dn.faultDiskBlocks(t)[blk.id]; on {
			got, err := os.ReadFile(p)
			must(t, err)
			if !bytes.Equal(got, f.data) {
				t.Errorf("%s holds a replica of blk_%d that differs from the data written", dn.xfer, blk.id)
			}
		}
	}
	if !strings.Contains(bad.logs(), `msg="block scanner found a bad replica"`) {
		t.Errorf("the restarted DataNode's block scanner did not report the bad replica; its log:\n%s", tail(bad.logs(), 30))
	}
	checkFaultFiles(t, cl, files)
}

// A DataNode whose volume has no room left (dfs.datanode.du.reserved
// above its capacity) gets no replicas; writes go to the others, and a
// write wanting more replicas than there are good nodes completes
// under-replicated instead of hanging.
func TestFault_FullVolumeWritesGoElsewhere(t *testing.T) {
	c := startFaultCluster(t, 3, nil)
	full := c.dns[0]
	c.fillUp(t, full)
	cl := newClient(t, c.nn, superuser(t))
	sizes := []int{100_000, 1<<20 + 1, 3 << 20}
	files := writeFaultFiles(t, cl, "/two", 2, sizes...)
	checkFaultFiles(t, cl, files)
	blocks, out, err := c.fsckBlocks("/")
	must(t, err)
	if len(blocks) != faultBlockCount(sizes...) {
		t.Fatalf("fsck lists %d blocks, want %d:\n%s", len(blocks), faultBlockCount(sizes...), out)
	}
	for _, b := range blocks {
		if slices.Contains(b.locs, full.xfer) || b.live != 2 {
			t.Errorf("blk_%d: %d live replicas at %v; want 2, none on the full %s", b.id, b.live, b.locs, full.xfer)
		}
	}
	if n := len(full.faultDiskBlocks(t)); n != 0 {
		t.Errorf("the full DataNode holds %d block files", n)
	}

	// Three replicas wanted, two good nodes: the write completes with
	// two, and fsck calls the block under-replicated.
	three := writeFaultFiles(t, cl, "/three", 3, 200_000)
	checkFaultFiles(t, cl, three)
	blocks, out, err = c.fsckBlocks(three[0].name)
	must(t, err)
	if len(blocks) != 1 {
		t.Fatalf("fsck lists %d blocks of %s, want 1:\n%s", len(blocks), three[0].name, out)
	}
	for _, b := range blocks {
		if b.live != 2 || !b.under || slices.Contains(b.locs, full.xfer) {
			t.Errorf("blk_%d: %d live replicas at %v, under-replicated %v; want 2 and under-replicated:\n%s", b.id, b.live, b.locs, b.under, out)
		}
	}
	if !strings.Contains(out, "Target Replicas is 3 but found 2 live replica(s)") {
		t.Errorf("fsck does not report the under-replication:\n%s", out)
	}
	if n := len(full.faultDiskBlocks(t)); n != 0 {
		t.Errorf("the full DataNode holds %d block files", n)
	}

	// A writer that reaches the full DataNode anyway (its dial redirected
	// there) gets a clean error at once, and the DataNode stays in
	// service: no space is not a failed volume.
	rd := &redirectDial{first: full.xfer}
	rcl, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{c.nn.address()}, User: superuser(t), DatanodeDialFunc: rd.dial})
	must(t, err)
	defer rcl.Close()
	w, err := rcl.CreateFile("/forced", 1, 1<<20, 0o644)
	must(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := w.Write(randomBytes(t, 100_000))
		if err == nil {
			err = w.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a write to the full DataNode succeeded")
		}
		t.Logf("the write forced onto the full DataNode failed: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("a write forced onto the full DataNode hangs")
	}
	if n := len(full.faultDiskBlocks(t)); n != 0 {
		t.Errorf("the full DataNode holds %d block files", n)
	}
	must(t, c.waitLive(3, 5*time.Second))
	if strings.Contains(full.logs(), "volume failed") || strings.Contains(full.logs(), "Volume failed") {
		t.Errorf("the full DataNode failed its volume:\n%s", tail(full.logs(), 20))
	}

	// Every volume full: the NameNode refuses the block, as Hadoop words
	// it, and the write fails at once.
	c.fillUp(t, c.dns[1])
	c.fillUp(t, c.dns[2])
	w, err = cl.CreateFile("/nowhere", 1, 1<<20, 0o644)
	must(t, err)
	_, err = w.Write([]byte("data"))
	if err == nil {
		err = w.Close()
	}
	var remote hdfs.Error
	if !errors.As(err, &remote) || remote.Exception() != "java.io.IOException" ||
		!strings.Contains(remote.Message(), "could only be written to 0 of the 1 minReplication nodes. There are 3 datanode(s) running") {
		t.Errorf("writing with every volume full: %v; want Hadoop's IOException \"could only be written to 0 of the 1 minReplication nodes. There are 3 datanode(s) running ...\"", err)
	} else {
		t.Logf("with every volume full: %s", remote.Message())
	}
	checkFaultFiles(t, cl, append(files, three...))
}

// Restart the whole cluster, gracefully and then by SIGKILL: the
// NameNode stays in safe mode until the DataNodes have reported the
// blocks, and every file is intact, byte for byte and by checksum.
func TestFault_WholeClusterRestartKeepsEveryFile(t *testing.T) {
	c := startFaultCluster(t, 3, nil)
	su := superuser(t)
	var files []faultRestartFile
	nblocks := 0
	for _, how := range []string{"SIGTERM", "SIGKILL"} {
		// Each round adds files, so the second restart also replays
		// edits written after the first.
		cl, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{c.nn.address()}, User: su})
		must(t, err)
		sizes := []int{0, 1, 513, 1 << 20, 1<<20 + 1, 3<<20 + 12_345}
		for _, f := range writeFaultFiles(t, cl, "/keep-"+how, 3, sizes...) {
			files = append(files, faultRestartFile{f, faultChecksum(t, cl, f.name)})
		}
		nblocks += faultBlockCount(sizes...)
		faultWait(t, 10*time.Second, "every block on 3 DataNodes before "+how, c.fullyReplicated(nblocks, 3))
		cl.Close()

		start := time.Now()
		for _, dn := range c.dns {
			if how == "SIGTERM" {
				must(t, dn.stop())
			} else {
				dn.crash()
			}
		}
		if how == "SIGTERM" {
			must(t, c.nn.stop())
		} else {
			c.nn.crashT(t)
		}
		must(t, c.nn.start())
		if out, err := c.hdfsdAdmin("dfsadmin", "-safemode", "get"); err != nil || !strings.Contains(out, "Safe mode is ON") {
			t.Errorf("after %s, with no DataNode up: %v: %s; want safe mode on", how, err, out)
		}
		for _, dn := range c.dns {
			must(t, dn.start())
		}
		must(t, c.waitLive(len(c.dns), 20*time.Second))
		c.safeModeOff(t, 20*time.Second)
		cl, err = hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{c.nn.address()}, User: su})
		must(t, err)
		for _, f := range files {
			readBack(t, cl, f.name, f.data)
			if sum := faultChecksum(t, cl, f.name); !bytes.Equal(sum, f.sum) {
				t.Errorf("after %s: checksum of %s is %x, was %x", how, f.name, sum, f.sum)
			}
		}
		faultWait(t, 10*time.Second, "every block on 3 DataNodes after "+how, c.fullyReplicated(nblocks, 3))
		t.Logf("%s restart checked in %v", how, time.Since(start).Round(time.Millisecond))
		cl.Close()
	}
}

// An excluded DataNode goes Decommission In Progress → Decommissioned
// once its replicas have copies elsewhere.
func TestFault_DecommissionMovesReplicasOff(t *testing.T) {
	exclude := filepath.Join(t.TempDir(), "exclude")
	must(t, os.WriteFile(exclude, nil, 0o644))
	c := startFaultCluster(t, 4, map[string]string{"dfs.hosts.exclude": exclude})
	cl := newClient(t, c.nn, superuser(t))
	sizes := []int{10_000, 1<<20 + 7, 2 << 20}
	files := writeFaultFiles(t, cl, "/decom", 3, sizes...)
	nblocks := faultBlockCount(sizes...)
	faultWait(t, 10*time.Second, "every block on 3 DataNodes", c.fullyReplicated(nblocks, 3))
	var leaving *realDataNode
	for _, dn := range c.dns {
		if leaving == nil || len(dn.faultDiskBlocks(t)) > len(leaving.faultDiskBlocks(t)) {
			leaving = dn
		}
	}
	held := len(leaving.faultDiskBlocks(t))

	must(t, os.WriteFile(exclude, []byte(leaving.xfer+"\n"), 0o644))
	out, err := c.hdfsdAdmin("dfsadmin", "-refreshNodes")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	start := time.Now()
	var seen []string
	faultWait(t, 25*time.Second, "the excluded DataNode decommissioned", func() (bool, string) {
		sections, out, err := c.reportSections()
		if err != nil {
			return false, err.Error()
		}
		s := sections[leaving.xfer]
		_, status, _ := strings.Cut(s, "Decommission Status : ")
		status, _, _ = strings.Cut(status, "\n")
		if len(seen) == 0 || seen[len(seen)-1] != status {
			seen = append(seen, status)
		}
		return status == "Decommissioned", out
	})
	t.Logf("decommissioned %s (%d replicas) in %v; statuses seen: %q", leaving.xfer, held, time.Since(start).Round(time.Millisecond), seen)
	if seen[0] != "Decommission in progress" && seen[0] != "Decommissioned" {
		t.Errorf("statuses seen %q, want Decommission in progress before Decommissioned", seen)
	}
	// Every block has three replicas on the others; fsck still lists the
	// decommissioned replica but does not count it live.
	blocks, out, err := c.fsckBlocks("/")
	must(t, err)
	for _, b := range blocks {
		others := 0
		for _, l := range b.locs {
			if l != leaving.xfer {
				others++
			}
		}
		if others < 3 || b.live < 3 {
			t.Errorf("blk_%d: %d live replicas, %d off the decommissioned node (%v), want 3:\n%s", b.id, b.live, others, b.locs, out)
		}
	}
	count := map[int64]int{}
	for _, dn := range c.dns {
		if dn != leaving {
			for id := range dn.faultDiskBlocks(t) {
				count[id]++
			}
		}
	}
	for id := range blocks {
		if count[id] < 3 {
			t.Errorf("blk_%d is on %d disks besides the decommissioned one, want 3", id, count[id])
		}
	}
	// New blocks avoid the decommissioned node, and it can go: nothing
	// is lost, nothing under-replicated.
	more := writeFaultFiles(t, cl, "/after", 3, 1<<20+3)
	if n := len(leaving.faultDiskBlocks(t)); n != held {
		t.Errorf("the decommissioned DataNode holds %d block files, had %d", n, held)
	}
	must(t, leaving.stop())
	checkFaultFiles(t, cl, append(files, more...))
	blocks, out, err = c.fsckBlocks("/")
	must(t, err)
	if len(blocks) != nblocks+2 {
		t.Errorf("fsck lists %d blocks, want %d:\n%s", len(blocks), nblocks+2, out)
	}
	for _, b := range blocks {
		if b.live != 3 || b.under {
			t.Errorf("with the decommissioned DataNode gone, blk_%d has %d live replicas (under-replicated: %v):\n%s", b.id, b.live, b.under, out)
		}
	}
}

// Kill a DataNode of the pipeline in the middle of a 3-replica write by a
// client with no pipeline recovery (colinmarc/hdfs): the write fails; the
// NameNode stays consistent: closed files are intact, and once the
// writer is gone past the lease hard limit the NameNode recovers the open
// file and closes it with a prefix of what was written, at least the
// blocks the client completed. The killed DataNode is the head of the
// pipeline (the one the client writes to) or one downstream.
func TestFault_KillDataNodeMidWrite(t *testing.T) {
	for _, head := range []bool{true, false} {
		name := map[bool]string{true: "head", false: "downstream"}[head]
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each waits out timers on a cluster of its own
			killDataNodeMidWrite(t, head)
		})
	}
}

func killDataNodeMidWrite(t *testing.T, head bool) {
	c := startFaultCluster(t, 3, map[string]string{
		"dfs.namenode.lease-hard-limit-sec": "4",
		// Dead after 2 × 1 s + 10 × 1 s = 12 s.
		"dfs.namenode.heartbeat.recheck-interval": "1000",
		// A live DataNode left out of the recovery (its replica had no
		// bytes) keeps that replica, under recovery, with the old
		// generation stamp; it refuses a copy of the recovered block
		// until the NameNode learns of the stale replica from a full
		// block report and deletes it, and the NameNode retries the copy
		// only once the pending one times out (as in Hadoop).
		"dfs.blockreport.intervalMsec":                    "2000",
		"dfs.namenode.reconstruction.pending.timeout-sec": "2",
	})
	su := superuser(t)
	cl := newClient(t, c.nn, su)
	closed := writeFaultFiles(t, cl, "/closed", 3, 1<<20+100, 50_000)

	rd := &redirectDial{}
	wcl, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{c.nn.address()}, User: su, DatanodeDialFunc: rd.dial})
	must(t, err)
	data := randomBytes(t, 8<<20)
	w, err := wcl.CreateFile("/midwrite", 3, 1<<20, 0o644)
	must(t, err)
	const before = 3<<20 + 300_000 // three blocks complete, the fourth started
	if _, err := w.Write(data[:before]); err != nil {
		t.Fatalf("write before the kill: %v", err)
	}
	must(t, w.Flush())
	// The fourth block may or may not have reached the DataNodes: with
	// bytes somewhere recovery keeps it, with none it is deleted and the
	// file closes with three blocks. Both end with a prefix.
	victim := c.byAddr(rd.last())
	if !head {
		victim = c.dns[slices.IndexFunc(c.dns, func(dn *realDataNode) bool { return dn.xfer != rd.last() })]
	}
	if victim == nil {
		t.Fatalf("the writer's last connection went to %q, no DataNode", rd.last())
	}
	victim.crash()
	var alive []*realDataNode
	for _, dn := range c.dns {
		if dn != victim {
			alive = append(alive, dn)
		}
	}
	var werr error
	for off := before; off < len(data) && werr == nil; off += 64 << 10 {
		_, werr = w.Write(data[off:min(off+64<<10, len(data))])
	}
	if werr == nil {
		werr = w.Close()
	}
	if werr == nil {
		t.Fatal("the write with a DataNode of its pipeline killed succeeded")
	}
	t.Logf("the write failed as it should: %v", werr)
	wcl.Close() // no more lease renewals
	start := time.Now()

	checkFaultFiles(t, cl, closed)
	faultWait(t, 25*time.Second, "the lease recovered and the file closed", func() (bool, string) {
		out, err := c.hdfsdAdmin("fsck", "/midwrite", "-openforwrite")
		if err != nil && !strings.Contains(out, "Status:") {
			return false, err.Error() + "\n" + out
		}
		return !strings.Contains(out, "OPENFORWRITE") && !strings.Contains(out, "Files currently being written"), out
	})
	t.Logf("recovered %v after the writer closed", time.Since(start).Round(time.Millisecond))
	got, err := cl.ReadFile("/midwrite")
	if err != nil {
		t.Fatalf("read the recovered file: %v", err)
	}
	if len(got) < 3<<20 || len(got) > len(data) || !bytes.Equal(got, data[:len(got)]) {
		t.Fatalf("the recovered file has %d bytes (a prefix of the data: %v); want a prefix with at least the 3 MiB of complete blocks",
			len(got), len(got) <= len(data) && bytes.Equal(got, data[:len(got)]))
	}
	t.Logf("the recovered file has %d bytes", len(got))
	// The file is closed: it takes an append. Until the killed DataNode
	// is dead, the NameNode may still pick it for a new block (stale
	// nodes are avoided only while there are enough others, as in
	// Hadoop), and colinmarc/hdfs cannot rebuild a pipeline around it.
	must(t, c.waitLive(2, 15*time.Second))
	a, err := cl.Append("/midwrite")
	must(t, err)
	_, err = a.Write([]byte("more"))
	if err == nil {
		err = a.Close()
	}
	if err != nil {
		t.Fatalf("append to the recovered file: %v", err)
	}
	readBack(t, cl, "/midwrite", append(got, "more"...))
	// Every block ends up on both live DataNodes, the recovered one too
	// (recovery may have left it on one: a replica with no bytes takes
	// no part).
	faultWait(t, 15*time.Second, "every block on the two live DataNodes", func() (bool, string) {
		blocks, out, err := c.fsckBlocks("/")
		if err != nil {
			return false, err.Error()
		}
		for _, b := range blocks {
			if b.live != 2 {
				return false, fmt.Sprintf("blk_%d has %d live replicas:\n%s", b.id, b.live, out)
			}
		}
		// No replica is left being written or under recovery.
		for _, dn := range alive {
			if rbw := dn.rbwFiles(); len(rbw) > 0 {
				return false, fmt.Sprintf("%s still has %v", dn.xfer, rbw)
			}
		}
		return true, ""
	})
	t.Logf("every block on both live DataNodes %v after the writer closed", time.Since(start).Round(time.Millisecond))
}

// Crash the whole cluster while a file is being written: after the
// restart the files closed before are intact, and the open one, its
// writer gone, has its lease recovered past the hard limit: it is closed
// with a prefix of what was written that keeps every block the writer
// had finished, its last replicas (RBW before the crash, RWR after)
// recovered.
func TestFault_CrashWithAFileOpenRecoversItsLease(t *testing.T) {
	c := startFaultCluster(t, 3, map[string]string{"dfs.namenode.lease-hard-limit-sec": "4"})
	su := superuser(t)
	cl, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{c.nn.address()}, User: su})
	must(t, err)
	closed := writeFaultFiles(t, cl, "/closed", 3, 2<<20+5)
	data := randomBytes(t, 2<<20+100_000)
	w, err := cl.CreateFile("/open", 3, 1<<20, 0o644)
	must(t, err)
	_, err = w.Write(data)
	must(t, err)
	must(t, w.Flush())
	// The last packet on its way: wait until every DataNode has the
	// replica being written on disk, with bytes.
	c.waitWrittenEverywhere(t)
	for _, dn := range c.dns {
		dn.crash()
	}
	c.nn.crashT(t)
	cl.Close()

	must(t, c.nn.start())
	for _, dn := range c.dns {
		must(t, dn.start())
	}
	must(t, c.waitLive(3, 20*time.Second))
	c.safeModeOff(t, 20*time.Second)
	start := time.Now()
	cl2 := newClient(t, c.nn, su)
	checkFaultFiles(t, cl2, closed)
	faultWait(t, 20*time.Second, "the open file's lease recovered", func() (bool, string) {
		out, err := c.hdfsdAdmin("fsck", "/open", "-openforwrite")
		if err != nil && !strings.Contains(out, "Status:") {
			return false, err.Error() + "\n" + out
		}
		return !strings.Contains(out, "OPENFORWRITE") && !strings.Contains(out, "Files currently being written"), out
	})
	t.Logf("recovered %v after the restart", time.Since(start).Round(time.Millisecond))
	got, err := cl2.ReadFile("/open")
	if err != nil {
		t.Fatalf("read the recovered file: %v", err)
	}
	if len(got) < 2<<20 || len(got) > len(data) || !bytes.Equal(got, data[:len(got)]) {
		t.Fatalf("the recovered file has %d bytes (a prefix of the data: %v); want a prefix with at least the 2 MiB of complete blocks",
			len(got), len(got) <= len(data) && bytes.Equal(got, data[:len(got)]))
	}
	t.Logf("the recovered file has %d of the %d bytes written", len(got), len(data))
	sizes := []int{2<<20 + 5, len(got)}
	faultWait(t, 10*time.Second, "every block on 3 DataNodes", c.fullyReplicated(faultBlockCount(sizes...), 3))
}

// fsck -delete: once the only DataNode holding some files' blocks is dead,
// `hdfsd fsck / -delete` reports them missing and deletes exactly those
// files; the others read back, and the next fsck is HEALTHY.
func TestFault_FsckDeleteRemovesFilesWithMissingBlocks(t *testing.T) {
	c := startFaultCluster(t, 2, map[string]string{"dfs.namenode.heartbeat.recheck-interval": "1000"})
	cl := newClient(t, c.nn, superuser(t))
	files := writeFaultFiles(t, cl, "/fsckdel", 1, 1000, 2000, 3000, 4000, 5000, 6000)
	faultWait(t, 10*time.Second, "every block reported", c.fullyReplicated(len(files), 1))
	victim := c.dns[0]
	if len(victim.faultDiskBlocks(t)) == 0 {
		victim = c.dns[1]
	}
	lost := len(victim.faultDiskBlocks(t))
	victim.crash()
	must(t, c.waitLive(1, 25*time.Second))

	out, err := c.hdfsdAdmin("fsck", "/", "-delete")
	if err == nil || !strings.Contains(out, "MISSING") || !strings.HasSuffix(strings.TrimSpace(out), "is CORRUPT") {
		t.Fatalf("fsck / -delete (%v):\n%s", err, out)
	}
	var kept []faultFile
	for _, f := range files {
		if _, err := cl.Stat(f.name); err == nil {
			kept = append(kept, f)
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("stat %s: %v", f.name, err)
		}
	}
	if len(files)-len(kept) != lost {
		t.Errorf("fsck -delete left %d of %d files; the dead DataNode held %d of their blocks", len(kept), len(files), lost)
	}
	checkFaultFiles(t, cl, kept)
	if out, err := c.hdfsdAdmin("fsck", "/"); err != nil || !strings.HasSuffix(strings.TrimSpace(out), "is HEALTHY") {
		t.Errorf("fsck / after -delete (%v):\n%s", err, out)
	}
}

package compattests

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// Helpers of the fault tests (cluster_faults_test.go).

// startFaultCluster is startRealCluster with the NameNode's web server
// on a fixed port, which `hdfsd fsck` talks to.
func startFaultCluster(t *testing.T, n int, extra map[string]string) *realCluster {
	t.Helper()
	port, err := freePort()
	must(t, err)
	site := map[string]string{"dfs.namenode.http-address": fmt.Sprintf("127.0.0.1:%d", port)}
	maps.Copy(site, extra)
	c := startRealCluster(t, n, site)
	// Registered after startRealCluster's cleanup, so it runs first,
	// while the processes' logs are still there.
	t.Cleanup(func() {
		if t.Failed() {
			for _, dn := range c.dns {
				t.Logf("DataNode %s log:\n%s", dn.xfer, tail(dn.logs(), 60))
			}
			t.Logf("NameNode log:\n%s", tail(c.nn.logs(), 60))
		}
	})
	return c
}

// hdfsdAdmin runs `hdfsd --config NNCONF args...` and returns its output.
func (c *realCluster) hdfsdAdmin(args ...string) (string, error) {
	cmd := exec.Command(hdfsdBin, append([]string{"--config", c.nn.confDir()}, args...)...)
	cmd.Env = hdfsdEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("compattests: hdfsd %s: %v", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// fsckBlock is one block line of `fsck -files -blocks -locations`.
type fsckBlock struct {
	id    int64
	len   int64
	live  int
	locs  []string // data transfer addresses
	under bool     // an "Under replicated" line named it
}

var (
	fsckBlockLine = regexp.MustCompile(`(?m)^\d+\. BP-\S+:blk_(\d+)_\d+ len=(\d+) Live_repl=(\d+)(.*)$`)
	fsckLoc       = regexp.MustCompile(`DatanodeInfoWithStorage\[([^,\]]+),`)
	fsckUnder     = regexp.MustCompile(`Under replicated BP-\S+:blk_(\d+)_\d+\.`)
)

// fsckBlocks runs fsck over path and returns its complete blocks by id,
// with the whole output for messages.
func (c *realCluster) fsckBlocks(path string) (map[int64]fsckBlock, string, error) {
	out, err := c.hdfsdAdmin("fsck", path, "-files", "-blocks", "-locations")
	if err != nil && !strings.Contains(out, "Status:") {
		return nil, out, err
	}
	found := map[int64]fsckBlock{}
	for _, m := range fsckBlockLine.FindAllStringSubmatch(out, -1) {
		var b fsckBlock
		b.id, _ = strconv.ParseInt(m[1], 10, 64)
		b.len, _ = strconv.ParseInt(m[2], 10, 64)
		b.live, _ = strconv.Atoi(m[3])
		for _, l := range fsckLoc.FindAllStringSubmatch(m[4], -1) {
			b.locs = append(b.locs, l[1])
		}
		found[b.id] = b
	}
	for _, m := range fsckUnder.FindAllStringSubmatch(out, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		b := found[id]
		b.id, b.under = id, true
		found[id] = b
	}
	return found, out, nil
}

// faultWait polls cond every 250 ms until it holds or within passes; cond
// says why not, for the failure message.
func faultWait(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("compattests: %s: not after %v: %s", what, within, why)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// fullyReplicated is a faultWait condition: fsck lists want blocks, each
// with repl live replicas, none of them on the nodes in avoid, and none
// under-replicated.
func (c *realCluster) fullyReplicated(want, repl int, avoid ...string) func() (bool, string) {
	return func() (bool, string) {
		blocks, out, err := c.fsckBlocks("/")
		if err != nil {
			return false, err.Error() + "\n" + out
		}
		if len(blocks) != want {
			return false, fmt.Sprintf("fsck lists %d blocks, want %d:\n%s", len(blocks), want, out)
		}
		for _, b := range blocks {
			if b.live != repl || len(b.locs) != repl || b.under {
				return false, fmt.Sprintf("blk_%d has %d live replicas at %v (under: %v), want %d:\n%s", b.id, b.live, b.locs, b.under, repl, out)
			}
			for _, a := range avoid {
				if slices.Contains(b.locs, a) {
					return false, fmt.Sprintf("blk_%d still has a replica on %s:\n%s", b.id, a, out)
				}
			}
		}
		return true, ""
	}
}

// faultDiskBlocks lists the finalized block files on a DataNode's disk by
// block id.
func (dn *realDataNode) faultDiskBlocks(t *testing.T) map[int64]string {
	t.Helper()
	found := map[int64]string{}
	pools, _ := filepath.Glob(filepath.Join(dn.dir, "data", "current", "BP-*", "current", "finalized"))
	for _, root := range pools {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			name := d.Name()
			if !strings.HasPrefix(name, "blk_") || strings.HasSuffix(name, ".meta") {
				return nil
			}
			id, err := strconv.ParseInt(strings.TrimPrefix(name, "blk_"), 10, 64)
			if err == nil {
				found[id] = p
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return found
}

// rbwFiles lists the replicas being written (or recovered) on a
// DataNode's disk: the data files in rbw/.
func (dn *realDataNode) rbwFiles() []string {
	rbw, _ := filepath.Glob(filepath.Join(dn.dir, "data", "current", "BP-*", "current", "rbw", "blk_*[0-9]"))
	return rbw
}

// waitWrittenEverywhere waits until every DataNode has exactly one
// replica being written, with bytes on disk.
func (c *realCluster) waitWrittenEverywhere(t *testing.T) {
	t.Helper()
	faultWait(t, 10*time.Second, "the replicas being written on disk", func() (bool, string) {
		for _, dn := range c.dns {
			rbw := dn.rbwFiles()
			if len(rbw) != 1 {
				return false, fmt.Sprintf("%s has %d replicas being written", dn.xfer, len(rbw))
			}
			if fi, err := os.Stat(rbw[0]); err != nil || fi.Size() == 0 {
				return false, fmt.Sprintf("%s: %s is empty (%v)", dn.xfer, rbw[0], err)
			}
		}
		return true, ""
	})
}

// byAddr is the DataNode serving data transfer at addr.
func (c *realCluster) byAddr(addr string) *realDataNode {
	for _, dn := range c.dns {
		if dn.xfer == addr {
			return dn
		}
	}
	return nil
}

// reportSections splits `dfsadmin -report` into its per-DataNode
// sections, by data transfer address.
func (c *realCluster) reportSections() (map[string]string, string, error) {
	out, err := c.hdfsdAdmin("dfsadmin", "-report")
	if err != nil {
		return nil, out, err
	}
	sections := map[string]string{}
	for _, s := range strings.Split(out, "\nName: ")[1:] {
		addr, _, _ := strings.Cut(s, " ")
		addr, _, _ = strings.Cut(addr, "\n")
		sections[addr] = s
	}
	return sections, out, nil
}

// faultFile is a file the fault tests write and check afterwards.
type faultFile struct {
	name string
	data []byte
}

// writeFaultFiles writes files of the given sizes with 1 MiB blocks and
// replication repl.
func writeFaultFiles(t *testing.T, cl *hdfs.Client, prefix string, repl int, sizes ...int) []faultFile {
	t.Helper()
	var files []faultFile
	for i, n := range sizes {
		f := faultFile{name: fmt.Sprintf("%s-%d-%d", prefix, i, n), data: randomBytes(t, n)}
		w, err := cl.CreateFile(f.name, repl, 1<<20, 0o644)
		must(t, err)
		if n > 0 {
			_, err = w.Write(f.data)
			must(t, err)
		}
		must(t, w.Close())
		files = append(files, f)
	}
	return files
}

func faultBlockCount(sizes ...int) int {
	n := 0
	for _, s := range sizes {
		n += (s + 1<<20 - 1) >> 20
	}
	return n
}

func checkFaultFiles(t *testing.T, cl *hdfs.Client, files []faultFile) {
	t.Helper()
	for _, f := range files {
		readBack(t, cl, f.name, f.data)
	}
}

// redirectDial is a DataNode dial function for one reader that sends its
// first connection to first, whatever the client asked for: the client's
// list of locations is permuted by swapping first with the address it
// asked for first. dialed records where connections went. With first
// "" it only records.
type redirectDial struct {
	first string

	mu     sync.Mutex
	swap   map[string]string
	dialed []string
}

func (r *redirectDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	r.mu.Lock()
	if r.swap == nil && r.first != "" {
		r.swap = map[string]string{addr: r.first, r.first: addr}
	}
	to := addr
	if s, ok := r.swap[addr]; ok {
		to = s
	}
	r.dialed = append(r.dialed, to)
	r.mu.Unlock()
	return (&net.Dialer{}).DialContext(ctx, network, to)
}

// last is the address of the latest connection.
func (r *redirectDial) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.dialed) == 0 {
		return ""
	}
	return r.dialed[len(r.dialed)-1]
}

// readInSmallPieces reads a file 256 bytes at a time. colinmarc/hdfs
// v2.4.0 checks a checksum chunk before handing it over only for reads
// shorter than a chunk: a longer Read that meets a bad chunk returns the
// bytes it read, bad ones included, with the error, and BlockReader.Read
// passes them on as a short read and fails over after them
// (internal/transfer/block_read_stream.go, Read). So ReadFile and
// io.ReadAll can return the corrupt bytes without an error; Hadoop's
// client cannot.
func readInSmallPieces(t *testing.T, cl *hdfs.Client, name string) []byte {
	t.Helper()
	r, err := cl.Open(name)
	must(t, err)
	defer r.Close()
	var got []byte
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("read %s at %d: %v", name, len(got), err)
		}
	}
}

// fillUp restarts dn with dfs.datanode.du.reserved above its disk's
// capacity, so that it has no room left, and waits until the NameNode
// knows.
func (c *realCluster) fillUp(t *testing.T, dn *realDataNode) {
	t.Helper()
	must(t, dn.stop())
	dn.site = maps.Clone(dn.site)
	dn.site["dfs.datanode.du.reserved"] = strconv.FormatInt(1<<60, 10)
	must(t, dn.start())
	faultWait(t, 15*time.Second, "the full DataNode reporting no space", func() (bool, string) {
		sections, out, err := c.reportSections()
		if err != nil {
			return false, err.Error()
		}
		s, ok := sections[dn.xfer]
		if !ok {
			return false, "no section for " + dn.xfer + ":\n" + out
		}
		return strings.Contains(s, "\nDFS Remaining: 0 ") && len(sections) == len(c.dns), s
	})
}

// faultRestartFile is a written file with the checksum Hadoop's
// `hadoop fs -checksum` prints for it (MD5 of MD5s of CRCs).
type faultRestartFile struct {
	faultFile
	sum []byte
}

func faultChecksum(t *testing.T, cl *hdfs.Client, name string) []byte {
	t.Helper()
	r, err := cl.Open(name)
	must(t, err)
	defer r.Close()
	sum, err := r.Checksum()
	if err != nil {
		t.Fatalf("checksum of %s: %v", name, err)
	}
	return sum
}

// safeModeOff waits until `dfsadmin -safemode get` says OFF.
func (c *realCluster) safeModeOff(t *testing.T, within time.Duration) {
	t.Helper()
	faultWait(t, within, "safe mode off", func() (bool, string) {
		out, err := c.hdfsdAdmin("dfsadmin", "-safemode", "get")
		return err == nil && strings.Contains(out, "Safe mode is OFF"), out
	})
}

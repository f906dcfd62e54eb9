package compattests

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/hdfsd/hdfsd/internal/golden"
)

// hdfsd serving what stock Hadoop 3.3.2 left on disk: the NameNode on
// cluster P's name dir, three DataNodes on its three data dirs (their
// VERSION files carry the original clusterID, namespaceID, storage IDs
// and datanodeUuids), every file and snapshot copy read back with the
// MD5 the stock client read, every /data checksum as `hdfs dfs -checksum`
// printed it; then new writes, and a restart of everything.

// goldenFile is a file row of namespace-listing.txt.
type goldenFile struct {
	path string
	size int64
	md5  string
}

// goldenListing is what the tests use of namespace-listing.txt.
type goldenListing struct {
	files     []goldenFile      // ## NAMESPACE, then ## SNAPSHOT CONTENTS
	snapshots int               // how many of files are inside /snap/.snapshot
	checksums map[string]string // path: "ALGORITHM\tVALUE", from -checksum /data/*
}

func readGoldenListing(t *testing.T) goldenListing {
	t.Helper()
	f, err := os.Open(golden.Path(t, "hadoop-3.3.2", "namespace-listing.txt"))
	must(t, err)
	defer f.Close()
	l := goldenListing{checksums: map[string]string{}}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		cols := strings.Split(line, "\t")
		switch {
		case line == "" || strings.HasPrefix(line, "type\t"):
		case strings.HasPrefix(section, "## NAMESPACE"), strings.HasPrefix(section, "## SNAPSHOT CONTENTS"):
			if len(cols) != 14 {
				t.Fatalf("namespace-listing.txt: %d columns in %q", len(cols), line)
			}
			if cols[0] != "f" {
				continue
			}
			size, err := strconv.ParseInt(cols[6], 10, 64)
			must(t, err)
			l.files = append(l.files, goldenFile{path: cols[13], size: size, md5: cols[12]})
			if strings.HasPrefix(section, "## SNAPSHOT") {
				l.snapshots++
			}
		case strings.HasPrefix(section, "## hdfs dfs -checksum"):
			if len(cols) != 3 {
				t.Fatalf("namespace-listing.txt: checksum line %q", line)
			}
			l.checksums[cols[0]] = cols[1] + "\t" + cols[2]
		}
	}
	must(t, sc.Err())
	if len(l.files) == 0 || l.snapshots == 0 || len(l.checksums) == 0 {
		t.Fatalf("namespace-listing.txt: %d files, %d in snapshots, %d checksums", len(l.files), l.snapshots, len(l.checksums))
	}
	return l
}

// goldenCluster is hdfsd on the extracted cluster-P directories.
type goldenCluster struct {
	realCluster
}

// goldenSite is cluster P's settings (p-conf/) that matter to a client,
// and the test cluster's fast heartbeats.
func goldenSite() map[string]string {
	return clusterSite(map[string]string{
		"dfs.blocksize":             "1048576",
		"dfs.namenode.acls.enabled": "true",
	})
}

// startGoldenCluster extracts the tarballs into t.TempDir() and starts
// the NameNode on nn/ and a DataNode on each of dn1/ dn2/ dn3/.
func startGoldenCluster(t *testing.T) *goldenCluster {
	t.Helper()
	c := startGoldenNameNode(t, nil)
	datas := golden.Extract(t, "hadoop-3.3.2", "dn-datadirs.tgz")
	dir := c.dir
	for i := range 3 {
		dnSite := goldenSite()
		dnSite["dfs.datanode.data.dir"] = filepath.Join(datas, fmt.Sprintf("dn%d", i+1))
		dn := &realDataNode{dir: filepath.Join(dir, fmt.Sprintf("dn%d", i+1)), nn: c.nn, site: dnSite, index: i}
		c.dns = append(c.dns, dn)
		must(t, dn.start())
	}
	must(t, c.waitLive(3, 30*time.Second))
	c.waitSafeModeOff(t)
	return c
}

// startGoldenNameNode extracts the 3.3.2 name dir into t.TempDir() and
// starts the NameNode on it (-upgrade), with goldenSite and extra; no
// DataNodes yet.
func startGoldenNameNode(t *testing.T, extra map[string]string) *goldenCluster {
	t.Helper()
	requireHdfsd(t)
	names := golden.Extract(t, "hadoop-3.3.2", "nn-namedir.tgz")
	dir := t.TempDir()
	site := goldenSite()
	maps.Copy(site, extra)
	site["dfs.namenode.name.dir"] = filepath.Join(names, "nn")
	c := &goldenCluster{realCluster{nn: newRealNameNode(filepath.Join(dir, "nn"), site), dir: dir}}
	t.Cleanup(func() {
		if err := c.stop(); err != nil {
			t.Error(err)
		}
	})
	c.startNameNodeUpgrading(t)
	return c
}

// startNameNodeUpgrading starts the NameNode on the 3.3.2 name dir. Its
// layout (-66) is older than hdfsd's, so a plain start is refused, as
// FSImage.recoverTransitionRead refuses it; `namenode -upgrade` starts.
func (c *goldenCluster) startNameNodeUpgrading(t *testing.T) {
	t.Helper()
	err := c.nn.start()
	var early *exitedEarly
	if !errors.As(err, &early) || !strings.Contains(early.stderr, "File system image contains an old layout version -66") {
		t.Fatalf("a plain start on the 3.3.2 name dir: %v, want a refusal naming layout -66", err)
	}
	proc, err := startProcess(procSpec{
		name:       "hdfsd namenode -upgrade",
		bin:        hdfsdBin,
		args:       []string{"--config", c.nn.confDir(), "namenode", "-upgrade"},
		env:        hdfsdEnv(),
		fromStderr: true,
		ready:      rpcUpLine,
	})
	must(t, err)
	c.nn.proc = proc
}

// waitSafeModeOff waits until the NameNode leaves safe mode, which it
// does once the DataNodes have reported the 3.3.2 blocks.
func (c *goldenCluster) waitSafeModeOff(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		cmd := exec.Command(hdfsdBin, "--config", c.nn.confDir(), "dfsadmin", "-safemode", "get")
		cmd.Env = hdfsdEnv()
		out, err := cmd.CombinedOutput()
		if err == nil && strings.Contains(string(out), "Safe mode is OFF") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still in safe mode after 60s (%v): %s\nNameNode log:\n%s", err, out, tail(c.nn.logs(), 30))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// restartDataNodes stops the DataNodes with SIGTERM and starts them
// again on new ports, and waits until the NameNode has each at its new
// address and has left safe mode.
func (c *goldenCluster) restartDataNodes(t *testing.T) {
	t.Helper()
	for _, dn := range c.dns {
		must(t, dn.stop())
	}
	for _, dn := range c.dns {
		must(t, dn.start())
	}
	c.waitRegistered(t)
	c.waitSafeModeOff(t)
}

// waitRegistered waits until `dfsadmin -report -live` names every
// DataNode's current data transfer address.
func (c *goldenCluster) waitRegistered(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, out, err := c.liveCount()
		missing := 0
		for _, dn := range c.dns {
			if !strings.Contains(out, "Name: "+dn.xfer+" ") {
				missing++
			}
		}
		if err == nil && missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d DataNodes not registered at their new addresses after 30s (%v); report:\n%s", missing, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// restart stops the DataNodes and the NameNode with SIGTERM and starts
// them again (a plain start: the upgrade is not finalized, as Hadoop
// allows), then waits for safe mode to end.
func (c *goldenCluster) restart(t *testing.T) {
	t.Helper()
	for _, dn := range c.dns {
		must(t, dn.stop())
	}
	if err := c.nn.restart(); err != nil {
		t.Fatal(err)
	}
	for _, dn := range c.dns {
		must(t, dn.start())
	}
	c.waitRegistered(t)
	c.waitSafeModeOff(t)
}

// readGolden reads every listed file through the library and compares
// its size and MD5 with the listing; changed overrides some.
func readGolden(t *testing.T, cl *hdfs.Client, files []goldenFile, changed map[string][]byte) {
	t.Helper()
	for _, f := range files {
		want := f.md5
		size := f.size
		if data, ok := changed[f.path]; ok {
			sum := md5.Sum(data)
			want, size = hex.EncodeToString(sum[:]), int64(len(data))
		}
		got, err := readToLength(cl, f.path)
		if err != nil {
			t.Errorf("read %s: %v", f.path, err)
			continue
		}
		sum := md5.Sum(got)
		if hex.EncodeToString(sum[:]) != want || int64(len(got)) != size {
			t.Errorf("%s: %d bytes with MD5 %x, the listing says %d bytes with MD5 %s", f.path, len(got), sum, size, want)
		}
	}
}

// readToLength reads a file up to the length the NameNode gives it, as
// Hadoop's DFSInputStream stops at LocatedBlocks.fileLength. colinmarc's
// reader checks the length only between reads, so a snapshot copy of a
// file appended to later (whose last block has grown past the snapshot's
// length, /snap/.snapshot/s1/append-in-snap) would read on into the
// appended bytes: ReadFile returns 700416 bytes of a 700000-byte file,
// against stock Hadoop just the same.
func readToLength(cl *hdfs.Client, p string) ([]byte, error) {
	r, err := cl.Open(p)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, r.Stat().Size()))
}

// checkGoldenChecksums compares the DataNodes' BLOCK_CHECKSUM answers for
// /data/* with what `hdfs dfs -checksum` printed on the stock cluster,
// algorithm and value.
func checkGoldenChecksums(t *testing.T, sums *dnSumClient, checksums map[string]string) {
	t.Helper()
	for p, want := range checksums {
		got := sums.checksum(t, p)
		if s := got.algorithm + "\t" + got.value; s != want {
			t.Errorf("checksum of %s: %q, stock Hadoop printed %q", p, s, want)
		}
	}
}

func TestGolden332_ServesStockDataDirs(t *testing.T) {
	listing := readGoldenListing(t)
	start := time.Now()
	c := startGoldenCluster(t)
	t.Logf("NameNode (-upgrade) and 3 DataNodes on the 3.3.2 directories, out of safe mode in %v", time.Since(start))
	su := superuser(t)
	cl := newClient(t, c.nn, su)
	readGolden(t, cl, listing.files, nil)
	checkGoldenChecksums(t, newDNSumClient(t, c.nn, su), listing.checksums)
	for _, cli := range stockCLIs(t) {
		if _, err := os.Stat(cli.path); err != nil {
			t.Errorf("stock CLI %s not found at %s: %v; %s", cli.name, cli.path, err, cli.install)
			continue
		}
		// The stock CLIs print the MD5 part of the same checksums.
		for p, want := range listing.checksums {
			value := want[strings.IndexByte(want, '\t')+1:]
			got := cli.mustRunAs(t, c.nn, su, "checksum", p)
			if wantLine := value[24:] + " " + p + "\n"; got != wantLine {
				t.Errorf("%s checksum %s printed %q, want %q", cli.name, p, got, wantLine)
			}
		}
	}

	// New data next to the old: a new file (several blocks), an append
	// to a 3.3.2 file whose last block is partial (its replicas are
	// CRC32C, written by Java), and a file put by Debian's CLI (CRC32).
	changed := map[string][]byte{}
	fresh := randomBytes(t, 2<<20+12345)
	must(t, cl.MkdirAll("/after-golden", 0o777))
	writeFile(t, cl, "/after-golden/new", fresh, 1<<20)
	debian := stockCLIs(t)[1]
	crc32File := randomBytes(t, 1<<20+777)
	debian.mustRunAs(t, c.nn, su, "put", cliWriteLocal(t, "crc32", crc32File), "/after-golden/crc32")
	old, err := cl.ReadFile("/appendz/appended")
	must(t, err)
	w, err := cl.Append("/appendz/appended")
	must(t, err)
	more := randomBytes(t, 900_000) // fills the partial second block and starts a third
	_, err = w.Write(more)
	must(t, err)
	must(t, w.Close())
	changed["/appendz/appended"] = append(old, more...)
	readBack(t, cl, "/appendz/appended", changed["/appendz/appended"])
	readBack(t, cl, "/after-golden/new", fresh)
	readBack(t, cl, "/after-golden/crc32", crc32File)

	// The DataNodes restarted alone, then everything.
	verify := func(when string) {
		t.Helper()
		cl := newClient(t, c.nn, su)
		readGolden(t, cl, listing.files, changed)
		readBack(t, cl, "/after-golden/new", fresh)
		readBack(t, cl, "/after-golden/crc32", crc32File)
		sums := newDNSumClient(t, c.nn, su)
		checkGoldenChecksums(t, sums, listing.checksums)
		for _, f := range []struct {
			path string
			data []byte
			crc  string
		}{
			{"/after-golden/new", fresh, "CRC32C"},
			{"/appendz/appended", changed["/appendz/appended"], "CRC32C"},
			{"/after-golden/crc32", crc32File, "CRC32"},
		} {
			if got, want := sums.checksum(t, f.path), contentFileSum(f.data, 1<<20, f.crc); got != want {
				t.Errorf("%s: checksum of %s: %+v, computed from the content %+v", when, f.path, got, want)
			}
		}
	}
	start = time.Now()
	c.restartDataNodes(t)
	t.Logf("DataNodes restarted and registered in %v", time.Since(start))
	verify("after the DataNodes restarted")
	start = time.Now()
	c.restart(t)
	t.Logf("everything restarted and out of safe mode in %v", time.Since(start))
	verify("after everything restarted")
}

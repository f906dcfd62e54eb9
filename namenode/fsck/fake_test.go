package fsck

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/internal/golden"
)

// fakeSource is a namespace held in maps: what a recorded listing shows.
type fakeSource struct {
	cluster  Cluster
	nodes    map[string]*fakeNode
	snapDirs []string
	byID     map[int64]BlockOwner
}

type fakeNode struct {
	in       Inode
	children []string // names
	blocks   FileBlocks
}

func newFakeSource(c Cluster) *fakeSource {
	return &fakeSource{cluster: c, nodes: map[string]*fakeNode{}, byID: map[int64]BlockOwner{}}
}

func (f *fakeSource) Cluster() Cluster { return f.cluster }

func (f *fakeSource) Stat(path string) (Inode, bool, error) {
	n, ok := f.nodes[path]
	if !ok {
		return Inode{}, false, nil
	}
	in := n.in
	in.Name = ""
	return in, true, nil
}

func (f *fakeSource) List(dir string) ([]Inode, error) {
	n, ok := f.nodes[dir]
	if !ok {
		return nil, nil
	}
	names := append([]string(nil), n.children...)
	sort.Slice(names, func(i, j int) bool { return signedLess(names[i], names[j]) })
	var out []Inode
	for _, name := range names {
		out = append(out, f.nodes[fullName(dir, name)].in)
	}
	return out, nil
}

// signedLess is HDFS's child order: names compared as signed bytes, so
// non-ASCII names come before ASCII ones.
func signedLess(a, b string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return int8(a[i]) < int8(b[i])
		}
	}
	return len(a) < len(b)
}

func (f *fakeSource) Blocks(path string) (FileBlocks, bool, error) {
	n, ok := f.nodes[path]
	if !ok || n.in.Kind != File {
		return FileBlocks{}, false, nil
	}
	return n.blocks, true, nil
}

func (f *fakeSource) SnapshottableDirs() ([]string, error) { return f.snapDirs, nil }

func (f *fakeSource) Block(id int64) (BlockOwner, bool, error) {
	o, ok := f.byID[id]
	return o, ok, nil
}

// add puts an inode at path, creating it in its parent's children.
func (f *fakeSource) add(path string, in Inode) *fakeNode {
	if n, ok := f.nodes[path]; ok {
		return n
	}
	if path != "/" {
		parent, name := filepath.Dir(path), filepath.Base(path)
		in.Name = name
		p := f.nodes[parent]
		if p == nil {
			p = f.add(parent, Inode{Kind: Dir})
		}
		if name != ".snapshot" { // listed by List(dir/.snapshot), not as a child
			p.children = append(p.children, name)
		}
	}
	n := &fakeNode{in: in}
	f.nodes[path] = n
	return n
}

// setBlocks gives a file its blocks and indexes them by id.
func (f *fakeSource) setBlocks(path string, fb FileBlocks) {
	n := f.nodes[path]
	n.blocks = fb
	for _, b := range fb.Blocks {
		if _, ok := f.byID[b.ID]; !ok {
			f.byID[b.ID] = BlockOwner{Path: path, ExpectedReplicas: n.in.Replication, Block: b}
		}
	}
}

// listing is one recorded listing file, cut into its "## " sections.
type listing struct {
	sections map[string][]string
}

func readListing(t *testing.T, name string) listing {
	t.Helper()
	data, err := os.ReadFile(golden.Path(t, "hadoop-3.3.2", name))
	if err != nil {
		t.Fatal(err)
	}
	l := listing{sections: map[string][]string{}}
	var cur string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			cur = line[3:]
			l.sections[cur] = nil
			continue
		}
		if cur != "" {
			l.sections[cur] = append(l.sections[cur], line)
		}
	}
	return l
}

// section returns the lines of the section whose title starts with prefix.
func (l listing) section(t *testing.T, prefix string) []string {
	t.Helper()
	for k, v := range l.sections {
		if strings.HasPrefix(k, prefix) {
			return v
		}
	}
	t.Fatalf("no section %q", prefix)
	return nil
}

// report is the recorded fsck output of a section as the server sent it:
// without the blank lines that end the section (DFSck adds the last
// newline).
func report(lines []string) string {
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// addTable adds the rows of a NAMESPACE-style table (type ... size
// replication ... path).
func (f *fakeSource) addTable(t *testing.T, rows []string) {
	t.Helper()
	for _, row := range rows {
		c := strings.Split(row, "\t")
		if len(c) < 14 || c[0] == "type" {
			continue
		}
		size, _ := strconv.ParseInt(c[6], 10, 64)
		repl, _ := strconv.Atoi(c[7])
		in := Inode{Kind: Dir}
		if c[0] == "f" {
			in = Inode{Kind: File, Length: size, Replication: repl, StoragePolicy: "HOT"}
		}
		f.add(c[13], in)
	}
}

func (f *fakeSource) addSymlinks(rows []string) {
	for _, row := range rows {
		c := strings.Split(row, "|")
		if len(c) == 12 && c[0] == "symlink" {
			f.add(c[10], Inode{Kind: Symlink})
		}
	}
}

var (
	fileLine  = regexp.MustCompile(`^(/.*) (\d+) bytes, replicated: replication=(\d+), (\d+) block\(s\)`)
	blockLine = regexp.MustCompile(`^(\d+)\. (BP-[^:]+):blk_(\d+)_(\d+) len=(\d+) Live_repl=(\d+)(?:  \[(.*)\])?$`)
	dnItem    = regexp.MustCompile(`DatanodeInfoWithStorage\[([0-9.]+):(\d+),(DS-[^,]+),([A-Z_]+)\]`)
)

// addBlocks reads the per-file block lines of a recorded fsck -files
// -blocks report; blocks without locations take those recorded for the
// same block id before.
func (f *fakeSource) addBlocks(t *testing.T, lines []string, replicas map[int64][]Replica) {
	t.Helper()
	var path string
	var blocks []Block
	done := func() {
		if path != "" {
			f.setBlocks(path, FileBlocks{Blocks: blocks})
		}
		path, blocks = "", nil
	}
	for _, line := range lines {
		if m := fileLine.FindStringSubmatch(line); m != nil {
			done()
			path = m[1]
			if f.nodes[path] == nil {
				t.Fatalf("fsck names %s, the namespace does not", path)
			}
			continue
		}
		m := blockLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f.cluster.BlockPoolID = m[2]
		id, _ := strconv.ParseInt(m[3], 10, 64)
		gs, _ := strconv.ParseInt(m[4], 10, 64)
		n, _ := strconv.ParseInt(m[5], 10, 64)
		live, _ := strconv.Atoi(m[6])
		reps := replicas[id]
		if m[7] != "" {
			reps = nil
			for _, d := range dnItem.FindAllStringSubmatch(m[7], -1) {
				port, _ := strconv.Atoi(d[2])
				reps = append(reps, Replica{
					Node:      DataNode{IP: d[1], XferPort: port, HostName: "localhost", Rack: "/default-rack"},
					StorageID: d[3], StorageType: d[4],
				})
			}
			replicas[id] = reps
		}
		if reps == nil && m[7] == "" {
			reps = knownNodes(replicas, live) // a block only snapshots hold: its replicas were never printed
		}
		if len(reps) != live {
			t.Fatalf("%s: block %d has %d recorded replicas, Live_repl=%d", path, id, len(reps), live)
		}
		blocks = append(blocks, Block{ID: id, GenStamp: gs, Len: n, Replicas: reps})
	}
	done()
}

// fixedClock returns start, then start+elapsed for every later call.
func fixedClock(t *testing.T, date string, elapsedMS int) func() time.Time {
	t.Helper()
	start, err := time.Parse("Mon Jan 02 15:04:05 MST 2006", date)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	return func() time.Time {
		calls++
		if calls == 1 {
			return start
		}
		return start.Add(time.Duration(elapsedMS) * time.Millisecond)
	}
}

// recordedTimes reads the start date and the duration of a recorded run.
func recordedTimes(t *testing.T, lines []string) (date string, ms int) {
	t.Helper()
	for _, l := range lines {
		if _, rest, ok := strings.Cut(l, " for path "); ok && strings.HasPrefix(l, "FSCK started by") {
			_, date, _ = strings.Cut(rest, " at ")
		}
		if strings.HasPrefix(l, "FSCK ended at ") {
			var w [8]string
			fmt.Sscanf(l, "FSCK ended at %s %s %s %s %s %s in %d", &w[0], &w[1], &w[2], &w[3], &w[4], &w[5], &ms)
		}
	}
	return date, ms
}

// knownNodes makes n replicas on the DataNodes seen so far, in order of
// their storage ids.
func knownNodes(replicas map[int64][]Replica, n int) []Replica {
	seen := map[string]Replica{}
	for _, reps := range replicas {
		for _, r := range reps {
			seen[r.StorageID] = r
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []Replica
	for i := 0; i < n && i < len(ids); i++ {
		out = append(out, seen[ids[i]])
	}
	return out
}

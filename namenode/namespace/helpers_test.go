package namespace

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The cast: hdfs runs the NameNode; alice and bob are ordinary users in
// group "users"; carol is in "admins", which some tests make the
// supergroup.
var (
	hdfs  = Op{User: "hdfs", Groups: []string{"hadoop"}, Now: 1000}
	alice = Op{User: "alice", Groups: []string{"users"}, Now: 2000}
	bob   = Op{User: "bob", Groups: []string{"users"}, Now: 3000}
	carol = Op{User: "carol", Groups: []string{"admins"}, Now: 4000}
)

// testSeed is the seed of a randomized test: HDFSD_SEED when set (to
// replay a failure), else a random one. It is logged either way.
func testSeed(t testing.TB) uint64 {
	t.Helper()
	seed := rand.Uint64()
	if s, err := strconv.ParseUint(os.Getenv("HDFSD_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d", seed)
	return seed
}

func at(op Op, now int64) Op { op.Now = now; return op }

func newTree(t testing.TB, edit ...func(*Config)) *Tree {
	t.Helper()
	cfg := DefaultConfig("hdfs")
	cfg.SymlinksEnabled = true
	for _, e := range edit {
		e(&cfg)
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// ok returns a function that fails the test on an error and returns the
// change: ok(t)(tr.Mkdirs(...)).
func ok(t testing.TB) func(*Change, error) *Change {
	return func(ch *Change, err error) *Change {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
}

// wantErr checks err's sentinel and Hadoop message.
func wantErr(t testing.TB, err error, kind error, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want %v %q", err, kind, msg)
	}
	if e.Kind != kind || e.Msg != msg {
		t.Fatalf("got %v %q\nwant %v %q", e.Kind, e.Msg, kind, msg)
	}
}

func mkdirs(t testing.TB, tr *Tree, op Op, path string, mode Mode) {
	t.Helper()
	ok(t)(tr.Mkdirs(op, path, mode, true))
}

func create(t testing.TB, tr *Tree, op Op, path string) *Change {
	t.Helper()
	return ok(t)(tr.Create(op, createArgs(path)))
}

func createArgs(path string) CreateArgs {
	return CreateArgs{Path: path, Masked: 0644, ClientName: "DFSClient_1", ClientMachine: "10.0.0.1",
		Create: true, CreateParent: true, Replication: 3, BlockSize: 128 << 20}
}

// touch creates and closes an empty file.
func touch(t testing.TB, tr *Tree, op Op, path string) {
	t.Helper()
	create(t, tr, op, path)
	ok(t)(tr.CompleteFile(op, path, 0, "DFSClient_1", nil))
}

func stat(t testing.TB, tr *Tree, path string) *FileStatus {
	t.Helper()
	st, err := tr.GetFileInfo(hdfs, path, true)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func chmod(t testing.TB, tr *Tree, path string, m Mode) {
	t.Helper()
	ok(t)(tr.SetPermission(hdfs, path, m))
}

func chown(t testing.TB, tr *Tree, path, user, group string) {
	t.Helper()
	ok(t)(tr.SetOwner(hdfs, path, &user, &group))
}

func names(l *Listing) []string {
	var out []string
	for _, e := range l.Entries {
		out = append(out, string(e.Name))
	}
	return out
}

// dump describes the whole tree, one line per inode in path order, so two
// trees can be compared.
func dump(tr *Tree) string {
	var b strings.Builder
	_ = tr.write(func(w *wtx) error {
		tr.dumpAt(w.view(), rootSlot, "/", &b)
		tr.dumpSnapshots(w.view(), &b)
		fmt.Fprintf(&b, "inodes=%d dirs=%d blocks=%d\n", tr.nodes.live(), tr.dirs.live(), tr.blocks.live()) // not lastID: failed creates use ids no record shows
		return nil
	})
	return b.String()
}

func (t *Tree) dumpAt(v view, slot uint32, path string, b *strings.Builder) {
	n := v.node(slot)
	fmt.Fprintf(b, "%s id=%d kind=%d %s:%s:%s m=%d a=%d", path, n.id, n.kind(), t.owner(n),
		t.group(n), n.mode(), n.mtime, n.atime)
	switch n.kind() {
	case kindFile:
		fmt.Fprintf(b, " r=%d bs=%d p=%d", n.replication(), n.blockSize(), n.policy())
		if tb, ok := t.truncating(v, slot); ok {
			fmt.Fprintf(b, " truncating=%+v", tb)
		}
		for _, s := range t.blockSlots(v, slot) {
			br := t.blocks.at(s)
			fmt.Fprintf(b, " blk=%d/%d/%d/%v", br.id, br.numBytes, br.genStamp, br.complete)
		}
		if l, ok := v.lease(slot); ok {
			fmt.Fprintf(b, " lease=%s@%s", l.client, l.machine)
		}
	case kindSymlink:
		fmt.Fprintf(b, " -> %s", t.names.get(n.a))
	case kindDir:
		if q := v.quota(slot); q != nil {
			fmt.Fprintf(b, " quota=%d/%d used=%d/%d", q.ns, q.ss, q.nsUsed.Load(), q.ssUsed.Load())
		}
	}
	if xs, acl := t.featuresOf(v, slot); xs != nil || acl != nil {
		fmt.Fprintf(b, " xattrs=%v acl=%s", xs, aclString(acl))
	}
	b.WriteByte('\n')
	if n.isDir() {
		for _, k := range v.dir(slot).kids {
			t.dumpAt(v, k, childPath(path, v.name(k)), b)
		}
	}
}

// dumpSnapshots dumps every snapshot, by directory path and name.
func (t *Tree) dumpSnapshots(v view, b *strings.Builder) {
	var lines []string
	for s := range t.shards {
		for d, sd := range t.shards[s].sdir {
			for _, sn := range sd.snaps {
				var sb strings.Builder
				sv := view{t: t, snap: &snapView{sid: sn.id, root: d, info: sn}}
				sv.snap.rootDir = dirRec{kids: t.dirs.at(view{t: t, snap: &snapView{sid: sn.id, root: nilSlot}}.node(d).dirSlot()).kids}
				t.dumpAt(sv, d, SnapshotPath(v.fullPath(d), sn.name)+fmt.Sprintf("#%d", sn.id), &sb)
				lines = append(lines, sb.String())
			}
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		b.WriteString(l)
	}
}

package compattests

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// The durability test: concurrent writers mutate the namespace through
// the stock library; at a seeded moment the NameNode gets SIGKILL; after
// a restart on the same directories every acknowledged mutation must be
// there, and each writer's subtree must be the result of a prefix of its
// operations: all it was told succeeded, plus possibly the one in flight,
// never half of one. Rounds repeat on the same directories, so the
// NameNode recovers an in-progress edit segment again and again,
// checkpoints included (dfs.namenode.checkpoint.txns is small).
//
// HDFSD_KILL_ROUNDS sets the number of rounds (5 under -short, 20
// otherwise); HDFSD_KILL_SEED replays a run.

const (
	killWriters  = 8
	maxOpsPerRun = 5000 // per writer per round: a bound, not a target
	maxEntries   = 40   // per writer: past this, writers prefer deleting
)

func TestRealNN_AcknowledgedMutationsSurviveKill9(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	if s := os.Getenv("HDFSD_KILL_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("HDFSD_KILL_ROUNDS=%q: want a positive number", s)
		}
		rounds = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("HDFSD_KILL_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HDFSD_KILL_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (replay with HDFSD_KILL_SEED=%d), %d rounds", seed, seed, rounds)
	rng := rand.New(rand.NewPCG(seed, 0))

	dir := t.TempDir()
	nn := startRealNameNode(t, map[string]string{
		"dfs.namenode.edits.dir":               dir + "/edits",
		"dfs.namenode.checkpoint.txns":         "500",
		"dfs.namenode.checkpoint.check.period": "1",
		// Purge old edits too, so that retention runs against the open segment.
		"dfs.namenode.num.extra.edits.retained": "100",
	})
	su := superuser(t)
	writers := make([]*writer, killWriters)
	setup := newClient(t, nn, su)
	for i := range writers {
		w := &writer{user: fmt.Sprintf("w%d", i), root: fmt.Sprintf("/dur/w%d", i), tree: tree{},
			rng: rand.New(rand.NewPCG(seed, uint64(i+1)))}
		must(t, setup.MkdirAll(w.root, 0o755))
		must(t, setup.Chown(w.root, w.user, ""))
		writers[i] = w
	}

	for round := 1; round <= rounds; round++ {
		target := int64(20 + rng.IntN(1500))
		acked := runUntilKilled(t, nn, writers, target)
		if err := nn.start(); err != nil {
			t.Fatalf("round %d: restart after SIGKILL: %v", round, err)
		}
		applied, lost := checkWriters(t, nn, su, writers, fmt.Sprintf("round %d, after SIGKILL", round))
		entries := 0
		for _, w := range writers {
			entries += len(w.tree)
		}
		t.Logf("round %d: SIGKILL after %d acknowledged operations; of those in flight, %d were applied and %d lost; %d entries",
			round, acked, applied, lost, entries)
		if t.Failed() {
			t.Fatalf("seed %d: stopping at round %d; NameNode log:\n%s", seed, round, tail(nn.logs(), 40))
		}
	}
	// A clean stop after all that must keep everything too.
	nn.restartT(t)
	checkWriters(t, nn, su, writers, "after the final SIGTERM restart")
	total := 0
	for _, w := range writers {
		total += len(w.ops)
	}
	t.Logf("%d operations acknowledged in all", total)
}

// runUntilKilled runs the writers until target operations have been
// acknowledged in all, then kills the NameNode while they are still
// going, and returns how many were acknowledged.
func runUntilKilled(t *testing.T, nn *realNameNode, writers []*writer, target int64) int64 {
	t.Helper()
	var (
		acked   atomic.Int64
		killed  atomic.Bool
		killNow = make(chan struct{})
		once    sync.Once
		wg      sync.WaitGroup
		done    = make(chan struct{})
	)
	clients := make([]*hdfs.Client, len(writers))
	for i, w := range writers {
		c, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{nn.address()}, User: w.user})
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}
	for i, w := range writers {
		wg.Go(func() {
			w.run(clients[i], &killed, func() {
				if acked.Add(1) == target {
					once.Do(func() { close(killNow) })
				}
			})
		})
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-killNow:
	case <-done:
	}
	killed.Store(true)
	nn.crashT(t)
	<-done
	for _, c := range clients {
		c.Close()
	}
	for _, w := range writers {
		if w.err != nil {
			t.Fatalf("%s failed while the NameNode was up: %v", w.user, w.err)
		}
	}
	return acked.Load()
}

// checkWriters compares each writer's subtree with its model, adopting
// the in-flight operation where the NameNode had applied it.
func checkWriters(t *testing.T, nn *realNameNode, su string, writers []*writer, when string) (applied, lost int) {
	t.Helper()
	c := newClient(t, nn, su)
	for _, w := range writers {
		got, err := listTree(c, w.root)
		if err != nil {
			t.Errorf("%s: list %s: %v", when, w.root, err)
			continue
		}
		switch {
		case w.inflight != nil && maps.Equal(got, w.inflight.apply(w.tree)):
			w.tree = w.inflight.apply(w.tree)
			w.ops = append(w.ops, *w.inflight)
			applied++
		case maps.Equal(got, w.tree):
			// The operation in flight, if any, was lost: it was never
			// acknowledged, so that is allowed.
			if w.inflight != nil {
				lost++
			}
		default:
			inflight := "none"
			if w.inflight != nil {
				inflight = w.inflight.String()
			}
			t.Errorf("%s: %s is not the result of a prefix of its operations.\n"+
				"acknowledged: %d (last: %s)\nin flight: %s\ngot:  %s\nwant: %s",
				when, w.root, len(w.ops), lastOps(w.ops, 5), inflight, got, w.tree)
		}
		w.inflight = nil
	}
	return applied, lost
}

// writer owns the subtree root and keeps a model of it: the state after
// every operation the NameNode acknowledged.
type writer struct {
	user, root string
	rng        *rand.Rand
	seq        int // names are fresh across rounds

	tree     tree
	ops      []op // acknowledged, in order
	inflight *op  // sent, not acknowledged
	err      error
}

// run applies operations until one fails; a failure before the kill is
// the writer's err.
func (w *writer) run(c *hdfs.Client, killed *atomic.Bool, ack func()) {
	for range maxOpsPerRun {
		o := w.next()
		w.inflight = &o
		if err := o.do(c, w.root); err != nil {
			if !killed.Load() {
				w.err = fmt.Errorf("%s: %w", o, err)
			}
			return
		}
		w.tree = o.apply(w.tree)
		w.ops = append(w.ops, o)
		w.inflight = nil
		ack()
	}
}

// next picks a valid operation on the current model.
func (w *writer) next() op {
	names := slices.Sorted(maps.Keys(w.tree))
	var dirs, files []string
	for _, n := range names {
		if w.tree[n].dir {
			dirs = append(dirs, n)
		} else {
			files = append(files, n)
		}
	}
	w.seq++
	fresh := strconv.Itoa(w.seq)
	parent := func() string { // the root or a directory in it
		if len(dirs) == 0 || w.rng.IntN(3) == 0 {
			return ""
		}
		return dirs[w.rng.IntN(len(dirs))] + "/"
	}
	pick := w.rng.IntN(100)
	if len(names) == 0 {
		pick %= 45
	} else if len(names) > maxEntries && pick < 45 {
		pick = 90
	}
	switch {
	case pick < 15:
		return op{kind: "mkdir", path: "d" + fresh}
	case pick < 45:
		return op{kind: "create", path: parent() + "f" + fresh}
	case pick < 70:
		src := names[w.rng.IntN(len(names))]
		if w.tree[src].dir {
			return op{kind: "rename", path: src, to: "d" + fresh}
		}
		if len(files) > 1 && w.rng.IntN(3) == 0 {
			if dst := files[w.rng.IntN(len(files))]; dst != src {
				return op{kind: "rename", path: src, to: dst} // over an existing file
			}
		}
		return op{kind: "rename", path: src, to: parent() + "r" + fresh}
	case pick < 90:
		p := names[w.rng.IntN(len(names))]
		perms := []os.FileMode{0o600, 0o640, 0o644, 0o400, 0o444, 0o755}
		if w.tree[p].dir {
			perms = []os.FileMode{0o700, 0o750, 0o755, 0o770, 0o777, 0o711}
		}
		return op{kind: "chmod", path: p, perm: perms[w.rng.IntN(len(perms))]}
	default:
		return op{kind: "delete", path: names[w.rng.IntN(len(names))]}
	}
}

// tree is a writer's subtree: paths relative to its root.
type tree map[string]entry

type entry struct {
	dir  bool
	perm os.FileMode
}

func (tr tree) String() string {
	var b strings.Builder
	for _, p := range slices.Sorted(maps.Keys(tr)) {
		e := tr[p]
		kind := "f"
		if e.dir {
			kind = "d"
		}
		fmt.Fprintf(&b, "%s:%s%o ", p, kind, e.perm)
	}
	return strings.TrimSpace(b.String())
}

// op is one mutation of a writer's subtree.
type op struct {
	kind     string // mkdir, create, rename, chmod, delete
	path, to string
	perm     os.FileMode
}

func (o op) String() string {
	switch o.kind {
	case "rename":
		return fmt.Sprintf("rename %s %s", o.path, o.to)
	case "chmod":
		return fmt.Sprintf("chmod %o %s", o.perm, o.path)
	}
	return o.kind + " " + o.path
}

// do sends o through the library, as an application would.
func (o op) do(c *hdfs.Client, root string) error {
	p := root + "/" + o.path
	switch o.kind {
	case "mkdir":
		return c.Mkdir(p, 0o755)
	case "create":
		return c.CreateEmptyFile(p) // create, then complete with no block
	case "rename":
		return c.Rename(p, root+"/"+o.to)
	case "chmod":
		return c.Chmod(p, o.perm)
	case "delete":
		return c.RemoveAll(p) // delete, recursive
	}
	panic("unknown op " + o.kind)
}

// apply is what o does to the model.
func (o op) apply(tr tree) tree {
	out := maps.Clone(tr)
	under := func(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }
	switch o.kind {
	case "mkdir":
		out[o.path] = entry{dir: true, perm: 0o755}
	case "create":
		out[o.path] = entry{perm: 0o644}
	case "chmod":
		e := out[o.path]
		e.perm = o.perm
		out[o.path] = e
	case "delete":
		for p := range tr {
			if under(p, o.path) {
				delete(out, p)
			}
		}
	case "rename":
		delete(out, o.to) // overwritten, when it is a file
		for p := range tr {
			if under(p, o.path) {
				delete(out, p)
			}
		}
		for p, e := range tr {
			if under(p, o.path) {
				out[o.to+strings.TrimPrefix(p, o.path)] = e
			}
		}
	}
	return out
}

// listTree reads the subtree under root from the NameNode.
func listTree(c *hdfs.Client, root string) (tree, error) {
	out := tree{}
	var walk func(rel string) error
	walk = func(rel string) error {
		fis, err := c.ReadDir(path.Join(root, rel))
		if err != nil {
			return err
		}
		for _, fi := range fis {
			p := path.Join(rel, fi.Name())
			out[p] = entry{dir: fi.IsDir(), perm: fi.Mode().Perm()}
			if fi.IsDir() {
				if err := walk(p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk("")
}

func lastOps(ops []op, n int) string {
	var s []string
	for _, o := range ops[max(0, len(ops)-n):] {
		s = append(s, o.String())
	}
	return strings.Join(s, "; ")
}

package compattests

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The quorum journal (HDFS-3077) under faults, with every daemon a real
// process: three `hdfsd journalnode`s and `hdfsd namenode` writing its
// edit log to them, driven by the durability test's writers through the
// colinmarc/hdfs library. HDFSD_QJM_SEED replays a run's operations.

func qjmSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("HDFSD_QJM_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HDFSD_QJM_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (replay with HDFSD_QJM_SEED=%d)", seed, seed)
	return seed
}

const qjmWriters = 4

// The NameNode's last words when its edit log fails (namenode/daemon.go).
const nnStoppingLine = `msg="NameNode stopping: the edit log cannot be written"`

// A quorum is 2 of 3: losing one JournalNode is invisible to clients;
// losing a second stops the NameNode, which must exit non-zero rather than
// acknowledge what is not durable. After a restart every acknowledged
// mutation is there, under a new epoch.
func TestQJM_KillJournalNodes(t *testing.T) {
	seed := qjmSeed(t)
	c := startQJMCluster(t, nil)
	su := superuser(t)
	writers := newWriters(t, c.nn, su, qjmWriters, seed)
	epochs := make([]int64, len(c.jns))
	for i, j := range c.jns {
		epochs[i] = j.promisedEpoch(t)
	}

	l := startLoad(t, c.nn, writers)
	if !l.waitAcked(100, 15*time.Second) {
		l.stop()
		t.Fatalf("with 3 JournalNodes: %v (%d acknowledged)", l.firstErr(), l.acked.Load())
	}
	c.jns[0].kill(t)
	killed1 := l.acked.Load()
	if !l.waitAcked(killed1+300, 20*time.Second) {
		l.stop()
		t.Fatalf("after SIGKILL of jn1: a client saw %v (%d acknowledged since)", l.firstErr(), l.acked.Load()-killed1)
	}
	c.jns[1].kill(t)
	killed2 := l.acked.Load()
	t.Logf("%d operations acknowledged before jn1 died, %d between jn1 and jn2", killed1, killed2-killed1)

	// With one JournalNode left nothing can be acknowledged: the writers
	// block until the NameNode gives up on the quorum and exits.
	exitErr, log := waitNameNodeExit(t, c.nn, 20*time.Second)
	l.stop()
	t.Logf("%d operations acknowledged after jn2 died (sent to a quorum before it did)", l.acked.Load()-killed2)
	if exitErr == nil {
		t.Fatalf("the NameNode exited with status 0 after losing the quorum; log:\n%s", tail(log, 20))
	}
	if !strings.Contains(log, nnStoppingLine) || !strings.Contains(log, "quorum of JournalNodes did not acknowledge") {
		t.Errorf("the NameNode's log does not say why it stopped; log:\n%s", tail(log, 20))
	}
	if n := l.failures(); n != len(writers) {
		t.Errorf("%d of %d writers saw an error after the quorum was lost", n, len(writers))
	}
	t.Logf("NameNode exited (%v): %s", exitErr, lastLineWith(log, nnStoppingLine))

	c.jns[0].start(t)
	c.jns[1].start(t)
	must(t, c.nn.start())
	applied, lost := checkWriters(t, c.nn, su, writers, "after restarting jn1, jn2 and the NameNode")
	t.Logf("of the operations in flight when the quorum was lost, %d were applied and %d lost", applied, lost)
	for i, j := range c.jns {
		if e := j.promisedEpochAbove(t, epochs[i]); e <= epochs[i] {
			t.Errorf("%s: last-promised-epoch %d after the restart, was %d: the NameNode took no new epoch", j.name, e, epochs[i])
		}
	}

	// And it writes again.
	l = startLoad(t, c.nn, writers)
	ok := l.waitAcked(50, 15*time.Second)
	l.stop()
	if !ok {
		t.Fatalf("after the restart: %v", l.firstErr())
	}
	checkWriters(t, c.nn, su, writers, "after writing again")
}

// Fencing: once a newer writer's epoch is promised by a quorum, the old
// writer's next write fails on that quorum and it stops; everything it
// acknowledged is in what the new writer recovered.
func TestQJM_FencedWriterStops(t *testing.T) {
	seed := qjmSeed(t)
	c := startQJMCluster(t, nil)
	a := c.nn
	su := superuser(t)
	writers := newWriters(t, a, su, qjmWriters, seed)
	l := startLoad(t, a, writers)
	if !l.waitAcked(200, 15*time.Second) {
		l.stop()
		t.Fatalf("on NameNode A: %v", l.firstErr())
	}

	// B: a second NameNode of the same namespace (a copy of A's name dir),
	// started while A is writing. It takes epoch 2 and recovers A's open
	// segment.
	b := newRealNameNode(t.TempDir(), qjmSite(c.uri))
	must(t, copyNameDir(filepath.Join(a.dir, "name"), filepath.Join(b.dir, "name")))
	if err := b.start(); err != nil {
		l.stop()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if b.proc != nil {
			if err := b.stop(); err != nil {
				t.Error(err)
			}
		}
	})
	if !strings.Contains(b.logs(), `msg="Became the writer of the shared edit log"`) {
		t.Errorf("B's log does not say it became the writer:\n%s", tail(b.logs(), 20))
	}

	exitErr, log := waitNameNodeExit(t, a, 20*time.Second)
	l.stop()
	if exitErr == nil {
		t.Fatalf("fenced NameNode A exited with status 0; log:\n%s", tail(log, 20))
	}
	if !strings.Contains(log, nnStoppingLine) || !strings.Contains(log, "fenced by a writer with a newer epoch") {
		t.Errorf("A's log does not say it was fenced; log:\n%s", tail(log, 20))
	}
	t.Logf("A exited (%v) after %d acknowledged operations: %s", exitErr, l.acked.Load(), lastLineWith(log, nnStoppingLine))
	if n := l.failures(); n != len(writers) {
		t.Errorf("%d of %d writers on A saw an error after B took over", n, len(writers))
	}
	for _, j := range c.jns {
		if e := j.promisedEpochAbove(t, 1); e < 2 {
			t.Errorf("%s: last-promised-epoch %d, want B's epoch (2 or more)", j.name, e)
		}
	}

	// Everything A acknowledged, B has; B goes on writing.
	checkWriters(t, b, su, writers, "on B")
	l = startLoad(t, b, writers)
	ok := l.waitAcked(50, 15*time.Second)
	l.stop()
	if !ok {
		t.Fatalf("on B: %v", l.firstErr())
	}
	b.restartT(t)
	checkWriters(t, b, su, writers, "on B after a restart")
}

// A JournalNode whose disk fills fails its calls and drops out; the
// NameNode goes on with the other two, and the JournalNode takes the next
// segment once space returns. It never takes the NameNode down.
func TestQJM_FullDiskJournalNodeDropsOutAndRejoins(t *testing.T) {
	// jn1's disk: a small tmpfs filled by a file, where the test may mount
	// one; and everywhere, the JournalNode's full-disk hook
	// (journalnode.FullDiskEnv: ENOSPC while a file exists).
	t.Run("tmpfs", func(t *testing.T) {
		disk := filepath.Join(t.TempDir(), "jn1-disk")
		must(t, os.MkdirAll(disk, 0o755))
		// Room for a few in-progress segments (1 MB preallocated each).
		if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=8m"); err != nil {
			t.Skipf("cannot mount a tmpfs for jn1's disk (%v); the injected-ENOSPC case covers this", err)
		}
		t.Cleanup(func() { // after the JournalNodes stop: cleanups run last-in first-out
			if err := syscall.Unmount(disk, 0); err != nil {
				t.Errorf("unmount %s: %v", disk, err)
			}
		})
		filler := filepath.Join(disk, "filler")
		fullDiskRun(t, func(j *journalNode) {
			if j.name == "jn1" {
				j.editsDir = filepath.Join(disk, "edits")
			}
		}, func() { fillDisk(t, filler) }, func() { must(t, os.Remove(filler)) })
	})
	t.Run("injected ENOSPC", func(t *testing.T) {
		flag := filepath.Join(t.TempDir(), "jn1-disk-full")
		fullDiskRun(t, func(j *journalNode) {
			if j.name == "jn1" {
				j.env = append(j.env, "HDFSD_JN_FAULT_ENOSPC_FILE="+flag) // journalnode.FullDiskEnv
			}
		}, func() { must(t, os.WriteFile(flag, nil, 0o644)) }, func() { must(t, os.Remove(flag)) })
	})
}

// fullDiskRun runs the full-disk scenario; fill and free make jn1's disk
// full and give the space back.
func fullDiskRun(t *testing.T, setup func(*journalNode), fill, free func()) {
	seed := qjmSeed(t)
	c := startQJMCluster(t, setup)
	jn1, jn2, jn3 := c.jns[0], c.jns[1], c.jns[2]
	su := superuser(t)
	writers := newWriters(t, c.nn, su, qjmWriters, seed)
	l := startLoad(t, c.nn, writers)
	defer l.stop()
	if !l.waitAcked(100, 15*time.Second) {
		t.Fatalf("with 3 JournalNodes: %v", l.firstErr())
	}

	fill()
	full := rollEdits(t, c.nn) // jn1 cannot start this segment
	at := l.acked.Load()
	if !l.waitAcked(at+300, 20*time.Second) {
		t.Fatalf("with jn1's disk full: a client saw %v (%d acknowledged since)", l.firstErr(), l.acked.Load()-at)
	}
	jn1.alive(t)
	// The fault did hit: jn1 failed the segment's start.
	if !strings.Contains(jn1.proc.stderr.String(), "no space left on device") {
		t.Errorf("jn1's log does not mention ENOSPC:\n%s", tail(jn1.proc.stderr.String(), 10))
	}

	// A NameNode stops cleanly and starts (a new epoch, recovery) with
	// jn1's disk still full.
	l.stop()
	if err := l.firstErr(); err != nil {
		t.Fatal(err)
	}
	c.nn.restartT(t)
	checkWriters(t, c.nn, su, writers, "after a NameNode restart with jn1's disk full")
	l = startLoad(t, c.nn, writers)
	defer l.stop()
	at = l.acked.Load()
	if !l.waitAcked(at+100, 20*time.Second) {
		t.Fatalf("after the restart with jn1's disk full: %v", l.firstErr())
	}

	// Space returns: the next segment goes to jn1 again.
	free()
	back := rollEdits(t, c.nn)
	at = l.acked.Load()
	if !l.waitAcked(at+100, 20*time.Second) {
		t.Fatalf("after space returned: %v", l.firstErr())
	}
	if _, err := readWhenThere(filepath.Join(jn1.current(), inProgressName(back)), 5*time.Second); err != nil {
		_, ip := jn1.segments(t)
		t.Fatalf("jn1 did not take segment %d once space returned: in progress %v", back, ip)
	}
	next := rollEdits(t, c.nn)
	seg := fmt.Sprintf("edits_%019d-%019d", back, next-1)
	// The roll returned once a quorum finalized: the third may be a
	// moment behind.
	got, err := readWhenThere(filepath.Join(jn1.current(), seg), 5*time.Second)
	if err != nil {
		t.Fatalf("jn1 does not hold the finalized segment: %v", err)
	}
	for _, j := range []*journalNode{jn2, jn3} {
		want, err := readWhenThere(filepath.Join(j.current(), seg), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s on jn1 (%d bytes) differs from %s's (%d bytes)", seg, len(got), j.name, len(want))
		}
	}
	t.Logf("jn1 missed segment %d (disk full), rejoined at %d and holds %s", full, back, seg)
	for _, j := range c.jns {
		j.alive(t)
	}
	l.stop()
	if err := l.firstErr(); err != nil {
		t.Fatal(err)
	}
	checkWriters(t, c.nn, su, writers, "after jn1's disk filled and emptied")
	// jn1 lacks the segments written while its disk was full: a restart
	// reads them from the others.
	c.nn.restartT(t)
	checkWriters(t, c.nn, su, writers, "after a NameNode restart")
}

// A NameNode killed mid-load leaves an in-progress segment on the
// JournalNodes; the restarted NameNode recovers it (prepare/accept) and
// finalizes it, and every acknowledged operation is there. Twice, so that
// the second recovery runs over a recovered journal.
func TestQJM_JournalNodesFromScratchRecoveryAfterNameNodeCrash(t *testing.T) {
	seed := qjmSeed(t)
	c := startQJMCluster(t, nil)
	su := superuser(t)
	writers := newWriters(t, c.nn, su, qjmWriters, seed)
	for round := 1; round <= 2; round++ {
		epoch := c.jns[0].promisedEpoch(t)
		l := startLoad(t, c.nn, writers)
		if !l.waitAcked(int64(150*round), 15*time.Second) {
			l.stop()
			t.Fatalf("round %d: %v", round, l.firstErr())
		}
		c.nn.crashT(t)
		l.stop()
		var open []string
		for _, j := range c.jns {
			_, ip := j.segments(t)
			if len(ip) == 0 {
				t.Fatalf("round %d: %s holds no in-progress segment after the NameNode's SIGKILL", round, j.name)
			}
			open = append(open, ip[len(ip)-1])
		}
		must(t, c.nn.start())
		if !strings.Contains(c.nn.logs(), `msg="Became the writer of the shared edit log"`) {
			t.Errorf("round %d: the restarted NameNode's log does not say it became the writer", round)
		}
		applied, lost := checkWriters(t, c.nn, su, writers, fmt.Sprintf("round %d, after the NameNode's SIGKILL", round))
		t.Logf("round %d: SIGKILL after %d acknowledged operations; in flight: %d applied, %d lost; open segments %v",
			round, l.acked.Load(), applied, lost, open)
		// The crashed segment is finalized on a quorum.
		start := strings.TrimPrefix(open[0], "edits_inprogress_")
		finalizedOn := 0
		for _, j := range c.jns {
			fin, _ := j.segments(t)
			for _, f := range fin {
				if strings.HasPrefix(f, "edits_"+start+"-") {
					finalizedOn++
				}
			}
			if e := j.promisedEpochAbove(t, epoch); e <= epoch {
				t.Errorf("round %d: %s: last-promised-epoch %d, was %d before the restart", round, j.name, e, epoch)
			}
		}
		if finalizedOn < 2 {
			t.Errorf("round %d: segment %s finalized on %d JournalNodes, want a quorum", round, start, finalizedOn)
		}
		if t.Failed() {
			t.Fatalf("round %d; NameNode log:\n%s", round, tail(c.nn.logs(), 30))
		}
	}
}

// readWhenThere reads a file another process is about to create (a
// finalized segment's rename), polling until within has passed.
func readWhenThere(path string, within time.Duration) ([]byte, error) {
	deadline := time.Now().Add(within)
	for {
		b, err := os.ReadFile(path)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || time.Now().After(deadline) {
			return b, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// copyNameDir copies a NameNode's name dir without its lock file.
func copyNameDir(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if d.Name() == "in_use.lock" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
}

// fillDisk writes path until the file system has no space left.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", path, err)
			}
			break
		}
	}
	// The last partial page too.
	for {
		if _, err := f.Write(buf[:512]); err != nil {
			break
		}
	}
}

var rolledAt = regexp.MustCompile(`New segment starts at txid (\d+)`)

// rollEdits runs `hdfsd dfsadmin -rollEdits` and returns the new segment's
// first txid.
func rollEdits(t *testing.T, nn *realNameNode) int64 {
	t.Helper()
	out := hdfsdTool(t, nn, "dfsadmin", "-rollEdits")
	m := rolledAt.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("dfsadmin -rollEdits: no txid in %q", out)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func inProgressName(start int64) string { return fmt.Sprintf("edits_inprogress_%019d", start) }

// lastLineWith is the last line of log containing s.
func lastLineWith(log, s string) string {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return lines[i]
		}
	}
	return ""
}

// A JournalNode that hangs (SIGSTOP) rather than dies: one is invisible
// to clients, as the quorum does not wait for it; with two the NameNode
// gives up after dfs.qjournal.write-txns.timeout.ms and exits. After
// SIGCONT and a restart every acknowledged mutation is there.
func TestQJM_FrozenJournalNodes(t *testing.T) {
	seed := qjmSeed(t)
	c := startQJMCluster(t, nil)
	su := superuser(t)
	writers := newWriters(t, c.nn, su, qjmWriters, seed)
	l := startLoad(t, c.nn, writers)
	if !l.waitAcked(100, 15*time.Second) {
		l.stop()
		t.Fatalf("with 3 JournalNodes: %v", l.firstErr())
	}
	freeze := func(j *journalNode) {
		p := j.proc.cmd.Process
		must(t, p.Signal(syscall.SIGSTOP))
		t.Cleanup(func() { p.Signal(syscall.SIGCONT) }) // so that it can stop
	}
	freeze(c.jns[0])
	at := l.acked.Load()
	if !l.waitAcked(at+300, 20*time.Second) {
		l.stop()
		t.Fatalf("with jn1 frozen: %v (%d acknowledged since)", l.firstErr(), l.acked.Load()-at)
	}
	freeze(c.jns[1])
	frozen := time.Now()
	exitErr, log := waitNameNodeExit(t, c.nn, 20*time.Second)
	took := time.Since(frozen)
	l.stop()
	t.Logf("the NameNode exited %v after the second JournalNode froze: %s", took.Round(time.Millisecond), lastLineWith(log, nnStoppingLine))
	if exitErr == nil || !strings.Contains(log, nnStoppingLine) {
		t.Fatalf("the NameNode did not fail on the lost quorum (%v); log:\n%s", exitErr, tail(log, 20))
	}
	if took < 3*time.Second {
		t.Errorf("the NameNode gave up after %v, before dfs.qjournal.write-txns.timeout.ms (4 s)", took)
	}
	for _, j := range c.jns[:2] {
		must(t, j.proc.cmd.Process.Signal(syscall.SIGCONT))
	}
	must(t, c.nn.start())
	checkWriters(t, c.nn, su, writers, "after thawing jn1 and jn2 and restarting the NameNode")
}

// A JournalNode killed and restarted while the NameNode writes misses the
// rest of the open segment and rejoins at the next one: after a roll it
// is part of the quorum again, so losing another JournalNode is invisible.
func TestQJM_RestartedJournalNodeRejoinsAtNextSegment(t *testing.T) {
	seed := qjmSeed(t)
	c := startQJMCluster(t, nil)
	su := superuser(t)
	writers := newWriters(t, c.nn, su, qjmWriters, seed)
	l := startLoad(t, c.nn, writers)
	defer l.stop()
	step := func(what string, n int64) {
		t.Helper()
		at := l.acked.Load()
		if !l.waitAcked(at+n, 20*time.Second) {
			t.Fatalf("%s: a client saw %v (%d acknowledged since)", what, l.firstErr(), l.acked.Load()-at)
		}
	}
	step("with 3 JournalNodes", 100)
	c.jns[0].kill(t)
	step("with jn1 dead", 100)
	c.jns[0].start(t)
	step("with jn1 restarted", 100)
	rolled := rollEdits(t, c.nn)
	step("after the roll", 100)
	// The roll returned once a quorum started the segment; jn1 may be a
	// moment behind (reconnecting).
	if _, err := readWhenThere(filepath.Join(c.jns[0].current(), inProgressName(rolled)), 5*time.Second); err != nil {
		_, ip := c.jns[0].segments(t)
		t.Fatalf("jn1 did not take segment %d after its restart: in progress %v\nNameNode log:\n%s\njn1 log:\n%s", rolled, ip, tail(c.nn.logs(), 30), tail(c.jns[0].proc.stderr.String(), 30))
	}
	c.jns[1].kill(t)
	step("with jn2 dead (jn1 and jn3 the quorum)", 300)
	l.stop()
	if err := l.firstErr(); err != nil {
		t.Fatal(err)
	}
	c.nn.restartT(t)
	checkWriters(t, c.nn, su, writers, "after a NameNode restart on jn1 and jn3")
}

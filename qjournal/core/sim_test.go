package core

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The seeded fault simulation, in the spirit of Hadoop's TestQJMWithFaults:
// two competing writers drive the pure Writer against in-memory
// JournalNodes over a network that delays, reorders (between nodes), loses
// requests and replies, crashes and restarts nodes, and times calls out.
// After each run the faults stop, a fresh writer recovers, and three things
// must hold: no two writers had different data acknowledged for one txid;
// every acknowledged txid is in the recovered log; and every segment of the
// recovered log is held, identically and finalized, by a quorum.

var errLost = errors.New("sim: message lost")
var errDown = errors.New("sim: journal node down")

type simNet struct {
	rng   *rand.Rand
	jns   []*Model
	down  []bool
	reqs  map[[2]int][]Msg   // (writer slot incarnation, jn) -> FIFO
	reps  map[[2]int][]Reply // (writer incarnation, jn) -> FIFO
	keys  [][2]int           // stable iteration order of queues
	trace []string
}

type simWriter struct {
	inc      int // incarnation id, unique per writer instance
	w        *Writer
	dead     bool
	segStart uint64 // 0: no open segment
	next     uint64
	waiting  Kind
	busy     bool
	batchLo  uint64
	batch    [][]byte
}

type simRun struct {
	seed    uint64
	n       int
	net     *simNet
	writers [2]*simWriter
	incs    int
	acked   map[uint64][]byte
	ackedBy map[uint64]int
	clock   int64 // ms: 300 more at each batch written, for the out-of-sync heartbeats
}

func payload(epoch uint64, txid uint64) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, epoch)
	binary.BigEndian.PutUint64(b[8:], txid)
	return b
}

func (s *simRun) logf(format string, args ...any) {
	s.net.trace = append(s.net.trace, fmt.Sprintf(format, args...))
	if len(s.net.trace) > 400 && !traceAll {
		s.net.trace = s.net.trace[len(s.net.trace)-400:]
	}
}

func (s *simRun) fetch(src int, start, end uint64) ([][]byte, error) {
	if s.net.down[src] {
		return nil, errDown
	}
	return s.jns(src).Read(start, start, end)
}

func (s *simRun) jns(i int) *Model { return s.net.jns[i] }

func (s *simRun) newWriter(slot int) {
	s.incs++
	s.writers[slot] = &simWriter{inc: s.incs, w: NewWriter(s.n)}
}

func (s *simRun) send(sw *simWriter, out Output) {
	for _, m := range out.Msgs {
		k := [2]int{sw.inc, m.To}
		if _, ok := s.net.reqs[k]; !ok {
			s.net.keys = append(s.net.keys, k)
		}
		s.net.reqs[k] = append(s.net.reqs[k], m)
	}
	if out.Done != nil {
		s.done(sw, out.Done)
	}
}

// done handles a finished quorum call of writer sw.
func (s *simRun) done(sw *simWriter, r *Result) {
	sw.busy = false
	if r.Err != nil {
		s.logf("w%d epoch %d: %v failed, writer stops: %v", sw.inc, sw.w.Epoch(), r.Kind, r.Err)
		sw.dead = true
		stats.writerDeaths++
		return
	}
	switch r.Kind {
	case KindGetJournalState:
		stats.recoveries++
		if r.Recovered != nil && !r.Recovered.None {
			stats.recoveredSegments++
		}
		s.logf("w%d recovered in epoch %d: %+v", sw.inc, r.Epoch, r.Recovered)
		end, ok := s.readLogEnd()
		if !ok {
			sw.dead = true
			return
		}
		sw.next = end + 1
	case KindStartSegment:
		sw.segStart = sw.next
	case KindJournal:
		for i, p := range sw.batch {
			t := sw.batchLo + uint64(i)
			if old, ok := s.acked[t]; ok && string(old) != string(p) {
				panic(fmt.Sprintf("txid %d acknowledged to w%d and to w%d with different data", t, s.ackedBy[t], sw.inc))
			}
			s.acked[t], s.ackedBy[t] = p, sw.inc
		}
		sw.next = r.AckedTxID + 1
		s.logf("w%d epoch %d: acked up to %d", sw.inc, sw.w.Epoch(), r.AckedTxID)
	case KindFinalize:
		sw.segStart = 0
	}
}

// readLogEnd is what a NameNode learns by reading the finalized segments
// that a majority of nodes list: the highest finalized txid.
func (s *simRun) readLogEnd() (uint64, bool) {
	up := 0
	var end uint64
	for i, j := range s.net.jns {
		if s.net.down[i] {
			continue
		}
		up++
		for _, seg := range j.Segments() {
			if !seg.InProgress {
				end = max(end, seg.End())
			}
		}
	}
	return end, up >= Majority(s.n)
}

// act lets a writer start its next call.
func (s *simRun) act(slot int) {
	sw := s.writers[slot]
	if sw.dead {
		s.newWriter(slot)
		return
	}
	if sw.busy {
		return
	}
	var out Output
	var err error
	switch {
	case !sw.w.Active():
		out, err = sw.w.Recover()
	case sw.segStart == 0:
		out, err = sw.w.StartSegment(sw.next, -67)
	case sw.next > sw.segStart && s.net.rng.IntN(6) == 0:
		out, err = sw.w.Finalize(sw.segStart, sw.next-1)
	default:
		n := 1 + s.net.rng.IntN(3)
		epoch := sw.w.Epoch()
		if sw.next == sw.segStart && !mixedFirstBatch {
			// As FSEditLog does, a segment's first batch is its
			// START_LOG_SEGMENT op alone, the same bytes from any writer.
			n, epoch = 1, 0
		}
		sw.batchLo, sw.batch = sw.next, nil
		var data []byte
		for i := 0; i < n; i++ {
			p := payload(epoch, sw.next+uint64(i))
			sw.batch = append(sw.batch, p)
			data = append(data, p...)
		}
		out, err = sw.w.Journal(sw.segStart, sw.next, uint32(n), data)
		if err == nil { // as the client does: heartbeats to the nodes out of sync
			s.clock += 300
			out.Msgs = append(out.Msgs, sw.w.Heartbeats(s.clock)...)
		}
	}
	if err != nil {
		panic(fmt.Sprintf("w%d: %v", sw.inc, err))
	}
	sw.busy = true
	s.send(sw, out)
}

func (s *simRun) writerByInc(inc int) *simWriter {
	for _, w := range s.writers {
		if w.inc == inc && !w.dead {
			return w
		}
	}
	return nil
}

// deliverReq delivers (or loses) the next request of queue k.
func (s *simRun) deliverReq(k [2]int, lossy bool) {
	q := s.net.reqs[k]
	if len(q) == 0 {
		return
	}
	m := q[0]
	s.net.reqs[k] = q[1:]
	if traceAll {
		s.logf("  deliver w%d -> %v", k[0], m)
	}
	var r Reply
	switch {
	case lossy && s.net.rng.IntN(40) == 0:
		r = Reply{From: m.To, Call: m.Call, Kind: m.Kind, Err: errLost}
	case s.net.down[m.To]:
		r = Reply{From: m.To, Call: m.Call, Kind: m.Kind, Err: errDown}
	default:
		r = s.jns(m.To).Handle(m.To, m, s.fetch)
		if lossy && s.net.rng.IntN(40) == 0 {
			r.Err = errLost // applied, but the answer is lost
		}
	}
	s.net.reps[k] = append(s.net.reps[k], r)
}

func (s *simRun) deliverRep(k [2]int) {
	q := s.net.reps[k]
	if len(q) == 0 {
		return
	}
	r := q[0]
	s.net.reps[k] = q[1:]
	if traceAll {
		s.logf("  reply jn%d -> w%d %v call %d err=%v", r.From+1, k[0], r.Kind, r.Call, r.Err)
	}
	if sw := s.writerByInc(k[0]); sw != nil {
		out := sw.w.Step(r)
		s.send(sw, out)
	}
}

// busyQueues returns the queues with something to deliver.
func (s *simRun) busyQueues(reps bool) [][2]int {
	var out [][2]int
	for _, k := range s.net.keys {
		if (!reps && len(s.net.reqs[k]) > 0) || (reps && len(s.net.reps[k]) > 0) {
			out = append(out, k)
		}
	}
	return out
}

func (s *simRun) step() {
	rng := s.net.rng
	switch x := rng.IntN(1000); {
	case x < 150:
		// writer 0 is eager; writer 1 (the competitor) acts rarely.
		if rng.IntN(5) == 0 {
			s.act(1)
		} else {
			s.act(0)
		}
	case x < 570:
		if q := s.busyQueues(false); len(q) > 0 {
			s.deliverReq(q[rng.IntN(len(q))], true)
		}
	case x < 980:
		if q := s.busyQueues(true); len(q) > 0 {
			s.deliverRep(q[rng.IntN(len(q))])
		}
	case x < 988:
		i := rng.IntN(s.n)
		s.net.down[i] = !s.net.down[i]
		if s.net.down[i] {
			s.net.jns[i].Crash()
			s.logf("jn%d crashes", i+1)
		} else {
			s.logf("jn%d restarts", i+1)
		}
	case x < 996:
		sw := s.writers[rng.IntN(2)]
		if id := sw.w.Pending(); id != 0 {
			s.send(sw, sw.w.Timeout(id))
		}
	default:
		sw := s.writers[rng.IntN(2)]
		s.logf("w%d crashes", sw.inc)
		sw.dead = true
	}
}

type simStats struct{ acked, recoveries, recoveredSegments, writerDeaths, divergentMinority int }

var stats simStats

func runSim(seed uint64, n, steps int) (err error) {
	s := &simRun{seed: seed, n: n, acked: map[uint64][]byte{}, ackedBy: map[uint64]int{}}
	s.net = &simNet{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		down: make([]bool, n), reqs: map[[2]int][]Msg{}, reps: map[[2]int][]Reply{}}
	for i := 0; i < n; i++ {
		m := NewModel()
		m.Format()
		s.net.jns = append(s.net.jns, m)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v\ntrace:\n%s", p, joinLines(s.net.trace))
		}
	}()
	s.newWriter(0)
	s.newWriter(1)
	for i := 0; i < steps; i++ {
		s.step()
	}
	err = s.finish()
	if traceAll {
		err = fmt.Errorf("trace:\n%s", joinLines(s.net.trace))
	}
	return err
}

// traceAll keeps every delivery in the trace (set it while debugging a
// seed).
var traceAll bool

// mixedFirstBatch lets a writer put data in a segment's first batch,
// which FSEditLog never does; TestFirstBatchIsStartOpAlone shows why.
var mixedFirstBatch bool

// finish stops the faults, lets stale requests land, recovers with a fresh
// writer and checks the invariants.
func (s *simRun) finish() error {
	for i := range s.net.down {
		if s.net.down[i] {
			s.net.jns[i].Crash()
		}
		s.net.down[i] = false
	}
	for _, k := range s.net.keys {
		for len(s.net.reqs[k]) > 0 {
			s.deliverReq(k, false)
		}
	}
	w := NewWriter(s.n)
	out, _ := w.Recover()
	// Every message is delivered, also those sent after the quorum was
	// reached, as happens once faults stop.
	var res *Result
	msgs := out.Msgs
	for len(msgs) > 0 {
		m := msgs[0]
		next := w.Step(s.jns(m.To).Handle(m.To, m, s.fetch))
		msgs = append(msgs[1:], next.Msgs...)
		if next.Done != nil {
			res = next.Done
		}
	}
	if res == nil || res.Err != nil {
		panic(fmt.Sprintf("final recovery failed: %+v", res))
	}
	s.logf("final recovery in epoch %d: %+v", res.Epoch, res.Recovered)
	s.checkLog()
	stats.acked += len(s.acked)
	return nil
}

// checkLog walks the recovered log from txid 1: each segment must have
// one finalized length, and a quorum must hold identical copies of it
// (finalized or, on nodes that missed the finalize, in progress). Every
// acknowledged txid must be in it.
func (s *simRun) checkLog() {
	var txid uint64 = 1
	log := map[uint64][]byte{}
	for {
		end, ok := s.finalizedEnd(txid)
		if !ok {
			break
		}
		groups := map[string]int{}
		content := map[string][][]byte{}
		finalized := map[string]bool{}
		best := ""
		for _, j := range s.net.jns {
			seg := j.Segment(txid)
			if seg == nil || seg.End() != end {
				continue
			}
			k := fmt.Sprint(seg.Txns)
			groups[k]++
			content[k] = seg.Txns
			finalized[k] = finalized[k] || !seg.InProgress
			if groups[k] > groups[best] {
				best = k
			}
		}
		if groups[best] < Majority(s.n) {
			panic(fmt.Sprintf("segment %d-%d: no quorum holds one copy (%d versions)", txid, end, len(groups)))
		}
		for k := range groups {
			if k != best && finalized[k] {
				// Hadoop's acceptRecovery skips the download when the
				// local in-progress segment already has the chosen length,
				// so a minority may finalize other bytes.
				stats.divergentMinority++
			}
		}
		for i, p := range content[best] {
			log[txid+uint64(i)] = p
		}
		txid = end + 1
	}
	for t, p := range s.acked {
		if got, ok := log[t]; !ok || string(got) != string(p) {
			panic(fmt.Sprintf("acknowledged txid %d (by w%d) is not in the recovered log (log ends at %d)", t, s.ackedBy[t], txid-1))
		}
	}
}

// finalizedEnd is the end of the finalized copies of segment start; they
// must all agree.
func (s *simRun) finalizedEnd(start uint64) (uint64, bool) {
	var end uint64
	found := false
	for _, j := range s.net.jns {
		seg := j.Segment(start)
		if seg == nil || seg.InProgress {
			continue
		}
		if found && seg.End() != end {
			panic(fmt.Sprintf("finalized copies of segment %d end at %d and %d", start, end, seg.End()))
		}
		end, found = seg.End(), true
	}
	return end, found
}

func joinLines(l []string) string {
	out := ""
	for _, s := range l {
		out += "  " + s + "\n"
	}
	return out
}

func simIterations(def int) int {
	if v, err := strconv.Atoi(os.Getenv("HDFSD_QJM_FAULT_ITERS")); err == nil && v > 0 {
		return v
	}
	return def
}

func TestQJMWithFaults(t *testing.T) {
	base := uint64(0x5eed)
	iters := simIterations(1500)
	if v, err := strconv.ParseUint(os.Getenv("HDFSD_QJM_FAULT_SEED"), 0, 64); err == nil {
		for _, n := range []int{3, 5} {
			if err := runSim(v, n, 300); err != nil {
				t.Fatalf("seed %#x, %d JNs: %v", v, n, err)
			}
		}
		return
	}
	defer func() { t.Logf("%+v", stats) }()
	for _, n := range []int{3, 5} {
		t.Run(fmt.Sprintf("%dJNs", n), func(t *testing.T) {
			for i := 0; i < iters; i++ {
				seed := base + uint64(i)*1000003 + uint64(n)
				if err := runSim(seed, n, 300); err != nil {
					t.Fatalf("seed %#x (HDFSD_QJM_FAULT_SEED=%#x, iteration %d): %v", seed, seed, i, err)
				}
			}
		})
	}
}

// TestFirstBatchIsStartOpAlone documents a rule the NameNode must keep: the
// first batch of a segment holds only its START_LOG_SEGMENT op. When a
// first batch carries data, Hadoop's acceptRecovery (which skips the
// download when the local in-progress segment already has the chosen
// length) can finalize another writer's bytes, and this known seed loses an
// acknowledged txid.
func TestFirstBatchIsStartOpAlone(t *testing.T) {
	mixedFirstBatch = true
	defer func() { mixedFirstBatch = false }()
	err := runSim(0x452dd177e, 3, 300)
	if err == nil || !strings.Contains(err.Error(), "is not in the recovered log") {
		t.Fatalf("with data in first batches, seed 0x452dd177e = %v; want a lost txid", err)
	}
}

package core

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Transcript tests: each file in testdata tells one scenario of the
// HDFS-3077 design as commands and the writer's and nodes' story. Run
// with -rewrite to regenerate the expected output after a reviewed change.
//
//	jns 3                    three formatted JournalNodes
//	writer a                 a new writer named a
//	recover a | start a 1 | journal a 1 2 | finalize a 1 2 | purge a 5
//	deliver a [jn1 jn2 ...]  deliver a's messages (to those nodes only) until none are left
//	step a [jn1 ...]         deliver only the messages queued now, one round
//	drop a [jn3 ...]         lose a's queued messages (to those nodes)
//	timeout a                a's outstanding call times out
//	down jn2 | up jn2 | crash jn2
//	state                    each node's epochs and segments
var rewrite = flag.Bool("rewrite", false, "rewrite transcript expectations")

type tsNode struct {
	m    *Model
	down bool
}

type tsWriter struct {
	w     *Writer
	queue []Msg
}

type transcript struct {
	jns     []*tsNode
	writers map[string]*tsWriter
	out     strings.Builder
}

func (ts *transcript) printf(format string, args ...any) { fmt.Fprintf(&ts.out, format+"\n", args...) }

func (ts *transcript) fetch(src int, start, end uint64) ([][]byte, error) {
	if ts.jns[src].down {
		return nil, errDown
	}
	return ts.jns[src].m.Read(start, start, end)
}

func jnIndex(s string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "jn"))
	if err != nil {
		panic("bad node " + s)
	}
	return n - 1
}

func nums(args []string) []uint64 {
	var out []uint64
	for _, a := range args {
		v, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			panic("bad number " + a)
		}
		out = append(out, v)
	}
	return out
}

func (ts *transcript) emit(name string, tw *tsWriter, out Output, err error) {
	if err != nil {
		ts.printf("%s: error: %v", name, err)
		return
	}
	tw.queue = append(tw.queue, out.Msgs...)
	if out.Done != nil {
		ts.result(name, out.Done)
	}
}

func (ts *transcript) result(name string, r *Result) {
	switch {
	case r.Err != nil && r.Kind == KindGetJournalState:
		ts.printf("%s: recovery failed: %v", name, r.Err)
	case r.Err != nil:
		ts.printf("%s: %v failed: %v", name, r.Kind, r.Err)
	case r.Kind == KindGetJournalState && r.Recovered == nil:
		ts.printf("%s: recovered in epoch %d: no segments", name, r.Epoch)
	case r.Kind == KindGetJournalState && r.Recovered.None:
		ts.printf("%s: recovered in epoch %d: no responder had the segment", name, r.Epoch)
	case r.Kind == KindGetJournalState:
		ts.printf("%s: recovered in epoch %d: segment %v from jn%d", name, r.Epoch, r.Recovered.Segment, r.Recovered.Source+1)
	case r.Kind == KindJournal:
		ts.printf("%s: acknowledged through txid %d", name, r.AckedTxID)
	default:
		ts.printf("%s: %v succeeded", name, r.Kind)
	}
}

func selected(args []string) map[int]bool {
	if len(args) == 0 {
		return nil
	}
	sel := map[int]bool{}
	for _, a := range args {
		sel[jnIndex(a)] = true
	}
	return sel
}

func (ts *transcript) deliver(name string, tw *tsWriter, sel map[int]bool, drop, once bool) {
	for len(tw.queue) > 0 {
		var keep []Msg
		progressed := false
		for _, m := range tw.queue {
			if sel != nil && !sel[m.To] {
				keep = append(keep, m)
				continue
			}
			progressed = true
			if drop {
				ts.printf("  lost: %v", m)
				continue
			}
			var r Reply
			if ts.jns[m.To].down {
				r = Reply{From: m.To, Call: m.Call, Kind: m.Kind, Err: errDown}
			} else {
				r = ts.jns[m.To].m.Handle(m.To, m, ts.fetch)
			}
			ts.printf("  %v -> %s", m, replyString(r))
			out := tw.w.Step(r)
			keep = append(keep, out.Msgs...)
			if out.Done != nil {
				ts.result(name, out.Done)
			}
		}
		tw.queue = keep
		if !progressed || drop || once {
			return
		}
	}
}

func replyString(r Reply) string {
	if r.Err != nil {
		return "error: " + r.Err.Error()
	}
	switch r.Kind {
	case KindGetJournalState:
		return fmt.Sprintf("promised %d", r.LastPromisedEpoch)
	case KindNewEpoch:
		if r.HasLastSegment {
			return fmt.Sprintf("ok, last segment %d", r.LastSegmentTxID)
		}
		return "ok, no segments"
	case KindPrepareRecovery:
		p := r.Prepare
		s := "no segment"
		if p.HasSegment {
			s = p.Segment.String()
		}
		if p.AcceptedInEpoch != 0 {
			s += fmt.Sprintf(", accepted in epoch %d", p.AcceptedInEpoch)
		}
		return fmt.Sprintf("%s, last writer epoch %d", s, p.LastWriterEpoch)
	}
	return "ok"
}

func (ts *transcript) state() {
	for i, j := range ts.jns {
		var segs []string
		for _, s := range j.m.Segments() {
			segs = append(segs, fmt.Sprintf("%d-%d%s%s", s.Start, s.End(), map[bool]string{true: " in-progress", false: ""}[s.InProgress], tags(s)))
		}
		down := ""
		if j.down {
			down = " (down)"
		}
		ts.printf("jn%d%s: promised %d, writer %d, segments [%s]", i+1, down, j.m.Promised(), j.m.WriterEpoch(), strings.Join(segs, ", "))
	}
}

// tags names the writer epoch each txid's payload came from.
func tags(s *ModelSegment) string {
	var ep []string
	for _, t := range s.Txns {
		ep = append(ep, string(t))
	}
	if len(ep) == 0 {
		return ""
	}
	return " " + strings.Join(ep, "")
}

func (ts *transcript) run(line string) {
	f := strings.Fields(line)
	cmd, args := f[0], f[1:]
	switch cmd {
	case "jns":
		n := int(nums(args)[0])
		for i := 0; i < n; i++ {
			m := NewModel()
			m.Format()
			ts.jns = append(ts.jns, &tsNode{m: m})
		}
	case "writer":
		ts.writers[args[0]] = &tsWriter{w: NewWriter(len(ts.jns))}
	case "recover":
		tw := ts.writers[args[0]]
		out, err := tw.w.Recover()
		ts.emit(args[0], tw, out, err)
	case "start":
		tw := ts.writers[args[0]]
		out, err := tw.w.StartSegment(nums(args[1:])[0], -67)
		ts.emit(args[0], tw, out, err)
	case "journal":
		tw := ts.writers[args[0]]
		v := nums(args[1:])
		tag := args[0][:1]
		out, err := tw.w.Journal(v[0], v[1], uint32(v[2]), []byte(strings.Repeat(tag, int(v[2]))))
		ts.emit(args[0], tw, out, err)
	case "finalize":
		tw := ts.writers[args[0]]
		v := nums(args[1:])
		out, err := tw.w.Finalize(v[0], v[1])
		ts.emit(args[0], tw, out, err)
	case "purge":
		tw := ts.writers[args[0]]
		out, err := tw.w.Purge(nums(args[1:])[0])
		ts.emit(args[0], tw, out, err)
	case "heartbeats": // heartbeats WRITER MS: the out-of-sync heartbeats due at MS
		tw := ts.writers[args[0]]
		ts.emit(args[0], tw, Output{Msgs: tw.w.Heartbeats(int64(nums(args[1:])[0]))}, nil)
	case "deliver", "drop", "step":
		ts.deliver(args[0], ts.writers[args[0]], selected(args[1:]), cmd == "drop", cmd == "step")
	case "timeout":
		tw := ts.writers[args[0]]
		out := tw.w.Timeout(tw.w.Pending())
		ts.emit(args[0], tw, out, nil)
	case "down", "up", "crash":
		j := ts.jns[jnIndex(args[0])]
		j.down = cmd == "down"
		if cmd != "up" {
			j.m.Crash()
		}
	case "state":
		ts.state()
	default:
		panic("unknown command " + cmd)
	}
}

// runTranscript runs file: blocks of commands, each followed by "----" and
// the expected output, separated by blank lines.
func runTranscript(t *testing.T, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ts := &transcript{writers: map[string]*tsWriter{}}
	var rewritten strings.Builder
	blocks := strings.Split(strings.TrimSpace(string(b)), "\n\n")
	for _, blk := range blocks {
		cmds, want, _ := strings.Cut(blk, "----\n")
		cmds = strings.TrimSuffix(cmds, "----")
		ts.out.Reset()
		for _, l := range strings.Split(strings.TrimSpace(cmds), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				ts.run(l)
			}
		}
		got := ts.out.String()
		fmt.Fprintf(&rewritten, "%s\n----\n%s\n", strings.TrimRight(cmds, "\n"), got)
		if !*rewrite && strings.TrimSpace(got) != strings.TrimSpace(want) {
			t.Errorf("%s: after\n%s\ngot:\n%s\nwant:\n%s", file, cmds, got, want)
		}
	}
	if *rewrite {
		os.WriteFile(file, []byte(strings.TrimRight(rewritten.String(), "\n")+"\n"), 0o644)
	}
}

func designTranscript(t *testing.T, name string) {
	runTranscript(t, filepath.Join("testdata", name+".txt"))
}

func TestDesign_GeneratingEpochNumbers(t *testing.T) { designTranscript(t, "generating-epoch-numbers") }
func TestDesign_WritingEdits(t *testing.T)           { designTranscript(t, "writing-edits") }
func TestDesign_LaggingJournalNodes(t *testing.T)    { designTranscript(t, "lagging-journal-nodes") }
func TestDesign_RecoveryOfInProgressLogs(t *testing.T) {
	designTranscript(t, "recovery-of-in-progress-logs")
}
func TestDesign_RecoveryPrefersAcceptedValue(t *testing.T) {
	designTranscript(t, "recovery-prefers-accepted-value")
}
func TestDesign_Fencing(t *testing.T) { designTranscript(t, "fencing") }
func TestDesign_OutOfSyncHeartbeats(t *testing.T) {
	designTranscript(t, "out-of-sync-heartbeats")
}

// Every transcript file is run by a test above.
func TestDesign_AllTranscriptsRun(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	sort.Strings(files)
	if len(files) != 7 {
		t.Errorf("testdata holds %d transcripts, tests name 7: %v", len(files), files)
	}
}

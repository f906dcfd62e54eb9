package bpservice

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var epoch = time.Date(2026, 11, 23, 10, 50, 0, 0, time.UTC)

// fakeNN scripts a NameNode's answers for core transcripts.
type fakeNN struct {
	ha        HAStatus
	nextLease uint64
	hbCmds    [][]Command      // commands for the next heartbeats, in turn
	brCmds    []Command        // commands in every block report answer
	fail      map[string]error // method -> error for its next call
}

func (f *fakeNN) failNext(method string, err error) {
	if f.fail == nil {
		f.fail = map[string]error{}
	}
	f.fail[method] = err
}

func (f *fakeNN) err(method string) error {
	err := f.fail[method]
	delete(f.fail, method)
	return err
}

// sim drives cores against fake NameNodes on a fake clock and writes a
// transcript: one line per action, prefixed with the time since epoch.
type sim struct {
	t     *testing.T
	now   time.Time
	nodes []*simNode
	offer *Offer
	out   strings.Builder
}

type simNode struct {
	name string
	core *Core
	nn   *fakeNN
}

func newSim(t *testing.T, cfg Config, names ...string) *sim {
	s := &sim{t: t, now: epoch, offer: NewOffer(StorageIDs{}, nil)}
	for _, n := range names {
		s.nodes = append(s.nodes, &simNode{name: n,
			core: NewCore(cfg, func(n int64) int64 { return n / 2 }, nil),
			nn:   &fakeNN{ha: HAStatus{State: Active, TxID: 1}, nextLease: 0x100}})
	}
	return s
}

func (s *sim) logf(n *simNode, format string, args ...any) {
	prefix := fmt.Sprintf("%v", s.now.Sub(epoch))
	if len(s.nodes) > 1 {
		prefix += " " + n.name
	}
	fmt.Fprintf(&s.out, prefix+" "+format+"\n", args...)
}

// run advances the clock to now+d, letting every core act in turn.
func (s *sim) run(d time.Duration) {
	end := s.now.Add(d)
	for steps := 0; ; steps++ {
		if steps > 100000 {
			s.t.Fatal("simulation does not settle")
		}
		var next time.Time // earliest wake-up asked for
		acted := false
		for i, n := range s.nodes {
			a := n.core.Next(s.now)
			switch a.Kind {
			case Wait:
				if next.IsZero() || a.Until.Before(next) {
					next = a.Until
				}
			case Stop:
			default:
				s.perform(i, n, a)
				acted = true
			}
		}
		if acted {
			continue
		}
		if next.IsZero() || next.After(end) {
			s.now = end
			return
		}
		s.now = next
	}
}

func (s *sim) perform(i int, n *simNode, a Action) {
	nn := n.nn
	switch a.Kind {
	case SendVersionRequest:
		s.logf(n, "versionRequest")
		n.core.VersionDone(s.now, nn.err("versionRequest"))
	case SendRegister:
		s.logf(n, "registerDatanode")
		n.core.RegisterDone(s.now, nn.err("registerDatanode"))
	case SendHeartbeat:
		line := "sendHeartbeat"
		if a.RequestLease {
			line += " (asks for a report lease)"
		}
		if len(s.nodes) > 1 {
			line += fmt.Sprintf(" -> %v@%d", nn.ha.State, nn.ha.TxID)
			if len(nn.hbCmds) > 0 {
				line += fmt.Sprintf(" %v", nn.hbCmds[0])
			}
		}
		s.logf(n, "%s", line)
		if err := nn.err("sendHeartbeat"); err != nil {
			n.core.HeartbeatDone(s.now, HeartbeatResult{}, false, err)
			return
		}
		res := HeartbeatResult{HA: nn.ha}
		if a.RequestLease {
			res.LeaseID = nn.nextLease
			nn.nextLease++
		}
		if len(nn.hbCmds) > 0 {
			res.Commands, nn.hbCmds = nn.hbCmds[0], nn.hbCmds[1:]
		}
		n.core.HeartbeatDone(s.now, res, s.offer.Heartbeat(i, nn.ha), nil)
	case SendIBR:
		var parts []string
		for _, r := range a.IBR {
			for _, b := range r.Blocks {
				parts = append(parts, fmt.Sprintf("%s %v %v", r.Storage.UUID, b.Block, b.Status))
			}
		}
		s.logf(n, "blockReceivedAndDeleted [%s]", strings.Join(parts, ", "))
		n.core.IBRDone(s.now, nn.err("blockReceivedAndDeleted"))
	case SendBlockReport:
		s.logf(n, "blockReport lease=%#x", a.LeaseID)
		n.core.BlockReportDone(s.now, nn.brCmds, s.offer.IsActive(i), nn.err("blockReport"))
	case SendErrorReport:
		s.logf(n, "errorReport %d %q", a.ErrorCode, a.Message)
		n.core.QueuedDone(s.now, nn.err("errorReport"))
	case SendBadBlocks:
		s.logf(n, "reportBadBlocks %v", a.BadBlocks[0].Block)
		n.core.QueuedDone(s.now, nn.err("reportBadBlocks"))
	case RunCommands:
		var cs []string
		for _, c := range a.Commands {
			cs = append(cs, c.String())
		}
		s.logf(n, "run %s", strings.Join(cs, ", "))
	}
}

// event notes an outside event in the transcript.
func (s *sim) event(format string, args ...any) {
	fmt.Fprintf(&s.out, "%v -- %s\n", s.now.Sub(epoch), fmt.Sprintf(format, args...))
}

func (s *sim) expect(want string) {
	s.t.Helper()
	want = strings.TrimLeft(strings.ReplaceAll(want, "\t", ""), "\n")
	if got := s.out.String(); got != want {
		s.t.Fatalf("transcript:\n%s\nwant:\n%s", got, want)
	}
	s.out.Reset()
}

var (
	disk1 = Storage{UUID: "DS-1", Type: Disk}
	disk2 = Storage{UUID: "DS-2", Type: Disk}
)

func blk(id int64) Block { return Block{ID: id, GenStamp: 1000 + id, NumBytes: 10} }

var errIO = errors.New("connection refused")

package blockmgmt

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata transcripts with the actual output")

// TestTranscripts runs testdata/*.txt: lines "> command args" each
// followed by the output the command must print. Commands:
//
//	cluster RACK...            new cluster, one DataNode per rack ("-" = default)
//	write ID REPL [WRITER]     allocate, receive and complete a block
//	advance DURATION [except NODE...]   move the clock, heartbeat the others
//	tick | work                Tick / ComputeWork
//	transfers | invalidations  heartbeat everyone, run the commands
//	holders ID | queues | nodes
//	exclude NODE... | setrep ID REPL | report NODE ID:GS:LEN...
func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runTranscript(t, f) })
	}
}

func runTranscript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c *cluster
	var out strings.Builder
	var cmd string
	var want []string
	flush := func() {
		if cmd == "" {
			return
		}
		got := strings.TrimSpace(runCommand(t, &c, cmd))
		out.WriteString("> " + cmd + "\n")
		if got != "" {
			out.WriteString(got + "\n")
		}
		if w := strings.TrimSpace(strings.Join(want, "\n")); w != got && !*rewrite {
			t.Errorf("%s: > %s\ngot:\n%s\nwant:\n%s", file, cmd, got, w)
		}
		cmd, want = "", nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "> "):
			flush()
			cmd = line[2:]
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
			flush()
			out.WriteString(line + "\n")
		default:
			want = append(want, line)
		}
	}
	flush()
	if *rewrite {
		os.WriteFile(file, []byte(strings.TrimRight(out.String(), "\n")+"\n"), 0o644)
	}
}

func runCommand(t *testing.T, cp **cluster, line string) string {
	f := strings.Fields(line)
	c := *cp
	num := func(i int) int64 { n, _ := strconv.ParseInt(f[i], 10, 64); return n }
	switch f[0] {
	case "cluster":
		var racks []string
		for _, r := range f[1:] {
			racks = append(racks, strings.TrimPrefix(r, "-"))
		}
		*cp = newCluster(t, DefaultConfig(), racks...)
		return ""
	case "write":
		w := ""
		if len(f) > 3 {
			w = c.id(f[3]).IPAddr
		}
		return join(c.write(num(1), int(num(2)), w))
	case "advance":
		d, _ := time.ParseDuration(f[1])
		c.advance(d)
		var except []string
		if len(f) > 3 {
			except = f[3:]
		}
		c.heartbeatAll(except...)
		return ""
	case "tick":
		c.m.Tick(c.now)
		return ""
	case "work":
		return fmt.Sprint("scheduled ", c.m.ComputeWork(c.now))
	case "transfers":
		return strings.Join(c.runTransfers(), "\n")
	case "invalidations":
		return strings.Join(c.invalidations(), "\n")
	case "holders":
		return join(c.holders(num(1)))
	case "queues":
		q := c.m.QueueSizes()
		return fmt.Sprintf("highest=%d very-low=%d low=%d badly-distributed=%d corrupt=%d pending=%d", q[0], q[1], q[2], q[3], q[4], c.m.PendingReconstructions())
	case "nodes":
		var lines []string
		for _, d := range c.m.Report(blocks.ReportAll) {
			state := "live"
			if !c.m.nodes[c.m.byUUID[d.UUID]].alive {
				state = "dead"
			}
			lines = append(lines, fmt.Sprintf("%s %s %s %v blocks=%d", d.HostName, d.Location, state, adminName(d.AdminState), d.NumBlocks))
		}
		return strings.Join(lines, "\n")
	case "exclude":
		c.m.SetHosts(Hosts{Exclude: f[1:]}, c.now)
		return ""
	case "setrep":
		c.m.SetReplication(num(1), int(num(2)), c.now)
		return ""
	case "report":
		var reps []Replica
		for _, r := range f[2:] {
			p := strings.Split(r, ":")
			id, _ := strconv.ParseInt(p[0], 10, 64)
			gs, _ := strconv.ParseInt(p[1], 10, 64)
			n, _ := strconv.ParseInt(p[2], 10, 64)
			reps = append(reps, Replica{ID: id, GenStamp: gs, NumBytes: n})
		}
		c.fullReport(f[1], reps...)
		return ""
	}
	t.Fatalf("unknown command %q", line)
	return ""
}

func adminName(a blocks.AdminState) string {
	return [...]string{"in-service", "decommissioning", "decommissioned", "entering-maintenance", "in-maintenance"}[a]
}

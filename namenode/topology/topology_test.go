package topology

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/conf"
)

func writeFile(t *testing.T, name, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// With no script configured, every node is on /default-rack.
func TestNoScriptIsOneRack(t *testing.T) {
	m, err := FromConf(conf.New(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := m.Resolve(context.Background(), []string{"10.0.0.1", "10.0.0.2"})
	if !slices.Equal(got, []string{DefaultRack, DefaultRack}) {
		t.Fatalf("got %v", got)
	}
}

// The script runs with at most net.topology.script.number.args names
// each time, and its words are the racks in order.
func TestScriptRunsInBatches(t *testing.T) {
	log := filepath.Join(t.TempDir(), "calls")
	script := writeFile(t, "rack.sh", "#!/bin/sh\necho \"$#\" >> "+log+"\nfor h in \"$@\"; do echo \"/rack-${h##*.}\"; done\n", 0o755)
	c := conf.New()
	c.Set(KeyScriptFile, script)
	c.Set(KeyScriptArgs, "2")
	m, err := FromConf(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Resolve(context.Background(), []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"})
	if err != nil || !slices.Equal(got, []string{"/rack-1", "/rack-2", "/rack-3"}) {
		t.Fatalf("got %v %v", got, err)
	}
	calls, _ := os.ReadFile(log)
	if strings.Fields(string(calls))[0] != "2" || len(strings.Fields(string(calls))) != 2 {
		t.Fatalf("script calls (argument counts): %q", calls)
	}
	// Answers are cached: asking again does not run the script.
	m.Resolve(context.Background(), []string{"10.0.0.2"})
	if again, _ := os.ReadFile(log); len(again) != len(calls) {
		t.Fatal("a cached name ran the script again")
	}
}

// A script that answers the wrong number of words fails the resolution.
func TestScriptWithTooFewAnswersFails(t *testing.T) {
	s := &Script{Path: writeFile(t, "bad.sh", "#!/bin/sh\necho /r1\n", 0o755), MaxArgs: 100}
	if _, err := s.Resolve(context.Background(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "returned 1 values when 2 were expected") {
		t.Fatalf("err = %v", err)
	}
}

// The table maps listed hosts; others, comments and malformed lines fall
// back to /default-rack.
func TestTableMapping(t *testing.T) {
	file := writeFile(t, "topo", "# host rack\n10.0.0.1 /dc1/r1\n\n10.0.0.2   /dc1/r2\nbroken line here\n", 0o644)
	c := conf.New()
	c.Set(KeyMappingImpl, TableMapping)
	c.Set(KeyTableFile, file)
	m, err := FromConf(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := m.Resolve(context.Background(), []string{"10.0.0.2", "10.0.0.9", "broken"})
	if !slices.Equal(got, []string{"/dc1/r2", DefaultRack, DefaultRack}) {
		t.Fatalf("got %v", got)
	}
}

func TestNormalizeNeedsALeadingSlash(t *testing.T) {
	if _, err := Normalize("rack1"); err == nil {
		t.Fatal("a location without / must be refused")
	}
	if got, _ := Normalize("/r1/"); got != "/r1" {
		t.Fatalf("got %q", got)
	}
}

// dfs.hosts and dfs.hosts.exclude: words, # comments, optional ports; an
// empty include list admits everyone; port 0 matches every port.
func TestHostsFiles(t *testing.T) {
	in := writeFile(t, "in", "dn1 dn2:9866 # dn3\n# dn4\nnot:a:host\n", 0o644)
	ex := writeFile(t, "ex", "dn2\n", 0o644)
	ips := map[string]string{"dn1": "10.0.0.1", "dn2": "10.0.0.2"}
	resolve := func(h string) ([]string, error) {
		if ip, ok := ips[h]; ok {
			return []string{ip}, nil
		}
		return nil, os.ErrNotExist
	}
	h, err := ReadHosts(in, ex, resolve, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ip             string
		port           int
		incl, excluded bool
	}{
		{"10.0.0.1", 9866, true, false},
		{"10.0.0.1", 1234, true, false},
		{"10.0.0.2", 9866, true, true},
		{"10.0.0.2", 1234, false, true},
		{"10.0.0.3", 9866, false, false},
	} {
		if h.Included(c.ip, c.port) != c.incl || h.Excluded(c.ip, c.port) != c.excluded {
			t.Errorf("%s:%d included=%v excluded=%v, want %v %v", c.ip, c.port, h.Included(c.ip, c.port), h.Excluded(c.ip, c.port), c.incl, c.excluded)
		}
	}
	none, _ := ReadHosts("", "", resolve, nil)
	if !none.Included("1.2.3.4", 1) || none.Excluded("1.2.3.4", 1) {
		t.Fatal("no files: everyone is in, nobody is out")
	}
	if _, err := ReadHosts("/nonexistent/hosts", "", resolve, nil); err == nil {
		t.Fatal("an unreadable hosts file is an error")
	}
}

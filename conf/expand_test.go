package conf

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestVariableExpansion(t *testing.T) {
	envOpt := env("HOME", "/home/x", "EMPTY", "", "LOGS", "/var/log/hadoop")
	tests := []struct {
		name, value, want string
	}{
		{"config key", "${base}/sub", "/data/sub"},
		{"nested keys", "${nested}", "/data/n"},
		{"several references", "${base}:${base}", "/data:/data"},
		{"environment", "${env.HOME}/x", "/home/x/x"},
		{"env :- default when unset", "${env.NOPE:-/dflt}", "/dflt"},
		{"env :- default when empty", "${env.EMPTY:-/dflt}", "/dflt"},
		{"env - default only when unset", "${env.EMPTY-/dflt}", ""},
		{"env - default when unset", "${env.NOPE-/dflt}", "/dflt"},
		{"env value wins over default", "${env.LOGS:-/dflt}", "/var/log/hadoop"},
		{"unset env stays as written", "${env.NOPE}", "${env.NOPE}"},
		{"unset env falls back to a key of that name", "${env.KEYED}", "from-key"},
		{"system property user.name", "/tmp/hadoop-${user.name}", "/tmp/hadoop-hdfs"},
		{"system property java.io.tmpdir", "${java.io.tmpdir}/x", "/tmp/x"},
		{"system property shadows a key", "${user.home}", "/home/hdfs"},
		{"unbound reference left as is", "a${nope}b${base}", "a${nope}b${base}"},
		{"text before an unbound one is expanded", "${base}${nope}", "/data${nope}"},
		{"empty name is not a variable", "${}x", "${}x"},
		{"space ends a name", "${ba se}", "${ba se}"},
		{"dollar alone", "$base {base}", "$base {base}"},
		{"braces inside names", "${a{b}", "brace"},
		{"self reference returns the value unexpanded", "${self}", "${self}"},
		{"deprecated key name resolves", "${fs.default.name}", "hdfs://nn"},
		{"variable after a skipped one", "${ x}${base}", "${ x}/data"},
	}
	c := New(quiet, testSys, envOpt)
	must(t, c.AddXML("vars.xml", []byte(site(
		"base=/data", "nested=${base}/n", "env.KEYED=from-key", "user.home=ignored",
		"a{b=brace", "self=${self}", "fs.defaultFS=hdfs://nn"))))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Set("probe", tt.value)
			if got := get(t, c, "probe"); got != tt.want {
				t.Errorf("%q expands to %q, want %q", tt.value, got, tt.want)
			}
		})
	}
}

func TestDefaultDirectoriesExpand(t *testing.T) {
	c, err := Load("", quiet, testSys)
	must(t, err)
	for key, want := range map[string]string{
		"hadoop.tmp.dir":                    "/tmp/hadoop-hdfs",
		"dfs.namenode.name.dir":             "file:///tmp/hadoop-hdfs/dfs/name",
		"dfs.namenode.edits.dir":            "file:///tmp/hadoop-hdfs/dfs/name",
		"dfs.datanode.data.dir":             "file:///tmp/hadoop-hdfs/dfs/data",
		"dfs.namenode.checkpoint.edits.dir": "file:///tmp/hadoop-hdfs/dfs/namesecondary",
	} {
		if got := get(t, c, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

func TestSubstitutionDepthIsBounded(t *testing.T) {
	// Hadoop makes at most 20 passes and one of them must find nothing left
	// to replace: 19 substitutions resolve, 20 are an error.
	chain := func(n int) *Conf {
		var entries []string
		for i := range n {
			entries = append(entries, fmt.Sprintf("k%d=${k%d}", i, i+1))
		}
		return newConf(t, append(entries, fmt.Sprintf("k%d=end", n))...)
	}
	if v, _, err := chain(19).Lookup("k0"); err != nil || v != "end" {
		t.Errorf("19 substitutions: %q, %v", v, err)
	}
	c := chain(20)
	_, _, err := c.Lookup("k0")
	if !errors.Is(err, ErrSubstitutionDepth) || !strings.Contains(err.Error(), "Variable substitution depth too large: 20 ${k1}") {
		t.Errorf("20 substitutions: %v", err)
	}
	if v, ok := c.Get("k0"); !ok || v != "${k1}" {
		t.Errorf("Get falls back to the raw value: %q", v)
	}
	if len(c.Warnings()) == 0 {
		t.Error("no warning for the failed expansion")
	}
}

func TestCyclesDoNotHang(t *testing.T) {
	c := newConf(t, "a=${b}", "b=${a}", "x=1${x}")
	if _, _, err := c.Lookup("a"); !errors.Is(err, ErrSubstitutionDepth) {
		t.Errorf("a <-> b: %v", err)
	}
	if v := get(t, c, "x"); v != "1${x}" {
		t.Errorf("self reference: %q", v)
	}
}

func TestRawIsNotExpanded(t *testing.T) {
	c := newConf(t, "a=${b}", "b=1")
	if v, _ := c.Raw("a"); v != "${b}" {
		t.Errorf("Raw = %q", v)
	}
}
